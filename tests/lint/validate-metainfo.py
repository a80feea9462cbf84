#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validate an AppStream metainfo file strictly.

Usage: validate-metainfo.py APPSTREAMCLI METAINFO

`appstreamcli validate` fails on errors and warnings but lets info-level issues
pass; this also fails on those, except for the single issue that no file can avoid
on both AppStream 0.16 (Debian 12) and AppStream >= 1.0:

  * 0.16 does not know <developer> yet and reports it as `unknown-tag developer`;
  * 1.0 deprecates <developer_name> and reports `developer-name-tag-deprecated`.

The metainfo carries both, so each version reports one of these.  Pedantic hints are
not considered (the ID io.github.ternmail.Tern has upper-case letters, by design).
"""

import os
import re
import subprocess
import sys

ALLOWED = {
    ("unknown-tag", "developer"),
    ("developer-name-tag-deprecated", None),
}

ISSUE_RE = re.compile(r"^([EWIP]): (.+?): ([a-z0-9][a-z0-9-]*)(?: (.*))?$")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    appstreamcli, metainfo = argv[1], argv[2]

    # The messages parsed below are translated: read them untranslated.
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
    version = subprocess.run([appstreamcli, "--version"], capture_output=True,
                             text=True, check=False, env=env).stdout.strip()
    print(f"# {version}")

    cmd = [appstreamcli, "validate", "--no-net", "--explain", metainfo]
    print("# " + " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    output = proc.stdout + proc.stderr
    print(output)

    failures = []
    if proc.returncode != 0:
        failures.append(f"appstreamcli exited with status {proc.returncode}")
    if "Validation was successful" not in output:
        failures.append("appstreamcli did not report a successful validation")

    for line in output.splitlines():
        m = ISSUE_RE.match(line)
        if not m:
            continue
        severity, _where, tag, value = m.groups()
        if severity == "P":
            continue
        if (tag, value) in ALLOWED or (tag, None) in ALLOWED:
            print(f"# allowed: {line}")
            continue
        failures.append(f"issue not allowed: {line}")

    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        return 1
    print(f"PASS: {metainfo} validates cleanly")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
