#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that the tern binary loads neither WebKitGTK nor libtern-html at start.

Usage: check-tern-no-webkit.py TERN LIBTERN_HTML

tern opens libtern-html, which links WebKitGTK, on first use
(src/gui/reader/tern-ui-html-loader.c): linked, WebKit's hundred libraries were
mapped and resolved at every start (issue 11). Fails when ldd lists, for TERN, a
WebKitGTK or JavaScriptCore library or libtern-html, directly or through another
library; and, so that the check cannot pass by reading nothing, when ldd does not
list WebKitGTK for LIBTERN_HTML.
"""

import re
import subprocess
import sys

FORBIDDEN_RE = re.compile(r"^\s*(lib(?:webkit|javascriptcore)\S*|libtern-html\S*)", re.MULTILINE)


def ldd(path):
    proc = subprocess.run(["ldd", path], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("ldd %s failed: %s" % (path, proc.stderr.strip()))
    return proc.stdout


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tern, module = sys.argv[1], sys.argv[2]

    found = FORBIDDEN_RE.findall(ldd(tern))
    if found:
        print("%s loads at start: %s" % (tern, ", ".join(found)))
        print("tern must open the HTML body's library with GModule, on first use")
        return 1

    if not FORBIDDEN_RE.search(ldd(module)):
        print("ldd lists no WebKitGTK for %s: this check would not see it in tern" % module)
        return 1

    print("ok: %s loads no WebKitGTK and no libtern-html" % tern)
    return 0


if __name__ == "__main__":
    sys.exit(main())
