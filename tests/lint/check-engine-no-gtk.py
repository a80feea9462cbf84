#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that the engine (src/engine/) does not depend on GTK, libadwaita or WebKit,
and that its folders include each other one way only.

Usage: check-engine-no-gtk.py SOURCE_ROOT

Fails when a C source or header under src/engine/ includes a GTK, GDK, GSK,
libadwaita or WebKit header, when a src/engine/**/meson.build uses gtk_dep, adw_dep or
webkit_dep or asks dependency() for those libraries, when a file of an engine folder
includes a header of a folder above it (LAYERS below: net at the bottom, mail at the
top), or of the front ends (src/gui, src/cli), and when there is nothing to check at
all.  Comments are ignored.
"""

import re
import sys
from pathlib import Path

SOURCE_SUFFIXES = {".c", ".h", ".inc", ".cc", ".cpp", ".hh", ".hpp"}

INCLUDE_RE = re.compile(
    r"""^[ \t]*\#[ \t]*include[ \t]*[<"]"""
    r"""(?P<header>(?:gtk|gdk|gsk|webkit|webkit2|webkitgtk)/[^>"]*"""
    r"""|adwaita\.h|libadwaita[^>"]*)[>"]""",
    re.MULTILINE)

MESON_RE = re.compile(
    r"""(?<![A-Za-z0-9_])(?:gtk_dep|adw_dep|webkit_dep)(?![A-Za-z0-9_])"""
    r"""|dependency\s*\(\s*['"](?:gtk4|gtk\+-3\.0|libadwaita-1|webkitgtk-6\.0"""
    r"""|webkit2gtk-[0-9.]+)['"]""")


# The engine's folders and the folders each may include (besides its own): the arrows
# of README.md's architecture. A folder not listed here is a failure, so that a new one
# gets its place on purpose.
LAYERS = {
    "net": set(),
    "imap": {"net"},
    "pop3": {"net"},
    "smtp": {"net"},
    "mime": set(),
    "store": {"mime"},
    "account": {"net", "imap", "pop3", "smtp"},
    "autoconfig": {"net", "imap", "pop3", "smtp", "account"},
    "sync": {"net", "imap", "pop3", "smtp", "mime", "store", "account"},
    "outbox": {"net", "imap", "pop3", "smtp", "mime", "store", "account"},
    "mail": {"net", "imap", "pop3", "smtp", "mime", "store", "account", "autoconfig", "sync",
             "outbox"},
    ".": {"net", "imap", "pop3", "smtp", "mime", "store", "account", "autoconfig", "sync",
          "outbox", "mail"},
}

LOCAL_INCLUDE_RE = re.compile(r'^[ \t]*\#[ \t]*include[ \t]*"(?P<header>[^"]+)"', re.MULTILINE)


def header_owners(root):
    """Header file name -> the folder that has it: an engine folder, or 'gui'/'cli'."""
    owners = {}
    engine = root / "src" / "engine"
    for path in engine.rglob("*.h"):
        folder = path.parent.relative_to(engine).as_posix()
        owners[path.name] = folder
    for front in ("gui", "cli"):
        for path in (root / "src" / front).rglob("*.h") if (root / "src" / front).is_dir() else []:
            owners.setdefault(path.name, front)
    return owners


def strip_c_comments(text):
    """Blank out C comments (keeping newlines, so line numbers stay right)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c == "/" and i + 1 < n and text[i + 1] == "/":
            end = text.find("\n", i + 2)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            # Skip literals so that "/*" inside a string is not a comment.
            j = i + 1
            while j < n and text[j] not in (c, "\n"):
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_meson_comments(text):
    """Drop '#' comments outside string literals, line by line."""
    lines = []
    for line in text.splitlines():
        in_string = False
        cut = len(line)
        i = 0
        while i < len(line):
            c = line[i]
            if in_string and c == "\\":
                i += 1
            elif c == "'":
                in_string = not in_string
            elif c == "#" and not in_string:
                cut = i
                break
            i += 1
        lines.append(line[:cut])
    return "\n".join(lines)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[1]).resolve()
    engine = root / "src" / "engine"
    if not engine.is_dir():
        print(f"FAIL: {engine} does not exist: wrong source root?")
        return 1

    failures = []
    n_sources = n_meson = 0
    owners = header_owners(root)
    for path in sorted(engine.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if path.name == "meson.build":
            n_meson += 1
            text = strip_meson_comments(path.read_text(encoding="utf-8", errors="replace"))
            for m in MESON_RE.finditer(text):
                failures.append(f"{rel}:{line_of(text, m.start())}: uses {m.group(0)}")
        elif path.suffix in SOURCE_SUFFIXES:
            n_sources += 1
            text = strip_c_comments(path.read_text(encoding="utf-8", errors="replace"))
            for m in INCLUDE_RE.finditer(text):
                failures.append(f"{rel}:{line_of(text, m.start('header'))}: "
                                f"includes <{m.group('header')}>")
            folder = path.parent.relative_to(engine).as_posix()
            allowed = LAYERS.get(folder)
            if allowed is None:
                failures.append(f"{rel}: the folder {folder}/ has no place in the engine's layers "
                                f"(add it to LAYERS in {Path(__file__).name})")
                continue
            for m in LOCAL_INCLUDE_RE.finditer(text):
                owner = owners.get(Path(m.group("header")).name)
                if owner is None or owner == folder or owner in allowed:
                    continue
                failures.append(f"{rel}:{line_of(text, m.start('header'))}: {folder}/ includes "
                                f"\"{m.group('header')}\" of {owner}/, which it may not "
                                f"(the engine's folders include one way: see LAYERS)")

    print(f"checked {n_sources + n_meson} files under src/engine/ "
          f"({n_sources} C sources and headers, {n_meson} meson.build)")
    if n_sources == 0:
        failures.append("found no C sources or headers under src/engine/")
    if n_meson == 0:
        failures.append("found no meson.build under src/engine/")

    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        return 1
    print("PASS: the engine does not use GTK, libadwaita or WebKit, and its folders include one way")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
