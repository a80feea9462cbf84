#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in lists every file with translatable strings.

Usage: check-potfiles.py SOURCE_ROOT

Scans
  * src/**/*.c, src/**/*.h for gettext calls: _( N_( C_( NC_( Q_( ngettext(
    g_dngettext( and friends (comments and string literals are ignored);
  * src/**/*.ui, data/**/*.ui for translatable="yes";
  * data/**/*.in and data/**/*.gschema.xml (always translatable);
and fails, listing the files, when one of them is in neither po/POTFILES.in nor
po/POTFILES.skip.  Also fails when POTFILES.in or POTFILES.skip lists a file that
does not exist, when POTFILES.in has duplicates or is not sorted, and when there is
nothing to scan at all.
"""

import re
import sys
from pathlib import Path

GETTEXT_CALL_RE = re.compile(
    r"(?<![A-Za-z0-9_])"
    r"(?:_|N_|C_|NC_|Q_|ngettext|dngettext|g_dngettext|g_dgettext|g_dcgettext"
    r"|g_dpgettext|g_dpgettext2)"
    r"\s*\(")
UI_TRANSLATABLE_RE = re.compile(
    r"""translatable\s*=\s*["'](?:yes|true|1|y|t)["']""", re.IGNORECASE)


def strip_c_comments_and_strings(text):
    """Blank out comments and string/char literals, keeping everything else."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif c == "/" and i + 1 < n and text[i + 1] == "/":
            end = text.find("\n", i + 2)
            i = n if end < 0 else end
            out.append(" ")
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                elif text[j] == "\n":
                    break
                j += 1
            i = j + 1
            out.append(c + c)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_list(path):
    """Entries of a POTFILES-style list: no blanks, comments or [encoding] lines."""
    entries = []
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("["):
            continue
        entries.append(line)
    return entries


def files_under(root, top, patterns):
    base = root / top
    if not base.is_dir():
        return []
    found = set()
    for pattern in patterns:
        for p in base.rglob(pattern):
            rel = p.relative_to(root)
            if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                found.add(p)
    return sorted(found)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[1]).resolve()
    potfiles_in = root / "po" / "POTFILES.in"
    potfiles_skip = root / "po" / "POTFILES.skip"
    failures = []

    if not potfiles_in.is_file():
        print(f"FAIL: {potfiles_in} does not exist")
        return 1

    listed = read_list(potfiles_in)
    skipped = read_list(potfiles_skip)

    # -- the lists themselves ------------------------------------------------------
    for name, entries in (("POTFILES.in", listed), ("POTFILES.skip", skipped)):
        for entry in entries:
            if not (root / entry).is_file():
                failures.append(f"po/{name} lists {entry}, which does not exist")
    dups = sorted({e for e in listed if listed.count(e) > 1})
    for entry in dups:
        failures.append(f"po/POTFILES.in lists {entry} more than once")
    if listed != sorted(listed):
        failures.append("po/POTFILES.in is not sorted; expected order:\n    "
                        + "\n    ".join(sorted(set(listed))))
    for entry in sorted(set(listed) & set(skipped)):
        failures.append(f"{entry} is in both po/POTFILES.in and po/POTFILES.skip")

    # -- the sources -----------------------------------------------------------------
    scanned = 0
    translatable = []

    for path in files_under(root, "src", ["*.c", "*.h"]):
        scanned += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        if GETTEXT_CALL_RE.search(strip_c_comments_and_strings(text)):
            translatable.append(path)

    for path in files_under(root, "src", ["*.ui"]) + files_under(root, "data", ["*.ui"]):
        scanned += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        if UI_TRANSLATABLE_RE.search(text):
            translatable.append(path)

    for path in files_under(root, "data", ["*.in", "*.gschema.xml"]):
        scanned += 1
        translatable.append(path)

    known = set(listed) | set(skipped)
    missing = sorted(p.relative_to(root).as_posix() for p in translatable
                     if p.relative_to(root).as_posix() not in known)
    for entry in missing:
        failures.append(f"{entry} has translatable strings but is not in po/POTFILES.in"
                        " (or po/POTFILES.skip)")

    print(f"checked {scanned} files ({len(translatable)} with translatable strings) "
          f"against {len(listed)} POTFILES.in and {len(skipped)} POTFILES.skip entries")

    if scanned == 0:
        failures.append("found no files to check under src/ and data/: wrong source root?")

    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        return 1
    print("PASS: po/POTFILES.in is complete")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
