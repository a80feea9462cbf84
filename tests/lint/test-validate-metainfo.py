#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test for validate-metainfo.py: it must pass the real metainfo and fail it
once it has any error, warning or info-level issue beyond the allowed one.

Usage: test-validate-metainfo.py PATH/TO/validate-metainfo.py APPSTREAMCLI METAINFO
"""

import subprocess
import sys
import tempfile
from pathlib import Path

failures = []


def case(name, wrapper, appstreamcli, text, expect_ok, expect_in_output=()):
    with tempfile.TemporaryDirectory(prefix="tern-metainfo-") as tmp:
        path = Path(tmp) / "io.github.ternmail.Tern.metainfo.xml"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run([sys.executable, wrapper, appstreamcli, str(path)],
                              capture_output=True, text=True, check=False)
    out = proc.stdout + proc.stderr
    problems = []
    if (proc.returncode == 0) != expect_ok:
        problems.append(f"exit status {proc.returncode}, expected "
                        + ("success" if expect_ok else "failure"))
    for needle in expect_in_output:
        if needle not in out:
            problems.append(f"output lacks {needle!r}")
    if problems:
        failures.append(name)
        print(f"not ok - {name}: " + "; ".join(problems))
        print("    " + out.replace("\n", "\n    "))
    else:
        print(f"ok - {name}")


def mutate(text, old, new):
    if old not in text:
        raise SystemExit(f"the metainfo no longer contains {old!r}: update this test")
    return text.replace(old, new, 1)


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    wrapper, appstreamcli, metainfo = argv[1:]
    good = Path(metainfo).read_text(encoding="utf-8")

    case("shipped metainfo passes", wrapper, appstreamcli, good, True, ["PASS"])
    case("info-level issue fails (summary ends with a dot)", wrapper, appstreamcli,
         mutate(good, "</summary>", ".</summary>"), False, ["summary-has-dot-suffix"])
    case("info-level issue fails (insecure URL)", wrapper, appstreamcli,
         mutate(good, "<url type=\"bugtracker\">https://", "<url type=\"bugtracker\">http://"),
         False, ["url-not-secure"])
    case("unknown tag other than <developer> fails", wrapper, appstreamcli,
         mutate(good, "<content_rating", "<bogus-tag>x</bogus-tag>\n  <content_rating"),
         False, ["bogus-tag"])
    case("error fails (no summary)", wrapper, appstreamcli,
         mutate(good, "<summary>", "<!-- <summary>").replace("</summary>", "</summary> -->", 1),
         False, ["FAIL"])

    if failures:
        print(f"{len(failures)} of the self-test cases failed")
        return 1
    print("PASS: validate-metainfo.py self-test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
