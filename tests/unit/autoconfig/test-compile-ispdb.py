#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ISPDB compiler: malformed entries skipped with a warning, the rest kept.

Usage: test-compile-ispdb.py COMPILER FIXTURE_DIR SHIPPED_DIR   (TAP on stdout)
"""

import os
import subprocess
import sys
import tempfile

compiler, fixtures, shipped = sys.argv[1:4]
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


def compile_dir(source, *extra):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ispdb.txt")
        dep = os.path.join(tmp, "ispdb.d")
        p = subprocess.run(["/usr/bin/python3", compiler, "--output", out, "--depfile", dep, *extra, source],
                           capture_output=True, text=True)
        text = open(out, encoding="utf-8").read() if os.path.exists(out) else None
        deps = open(dep, encoding="utf-8").read() if os.path.exists(dep) else ""
        return p.returncode, text, p.stderr, deps


# ---- the fixtures ----------------------------------------------------------------------
code, text, stderr, deps = compile_dir(fixtures)
check("fixtures compile (exit 0 despite warnings)", code == 0, stderr)
lines = text.splitlines() if text else []
check("header", lines[:1] == ["tern-ispdb\t1"], repr(lines[:1]))

expected_warnings = [
    ("bad-entries.test.xml", "'not a domain' is not a domain name"),
    ("bad-entries.test.xml", "incoming server imap: no <hostname>"),
    ("bad-entries.test.xml", "<port> '99999' is not a port number"),
    ("bad-entries.test.xml", "<socketType> 'SSLv2' is unknown"),
    ("bad-entries.test.xml", "<hostname> 'imap bad entries' is not a host name"),
    ("bad-entries.test.xml", "incoming server nntp: unknown server type"),
    ("bad-entries.test.xml", "<authentication> 'magic-beans' is unknown, ignored"),
    ("bad-entries.test.xml", "<port> '0' is not a port number"),
    ("broken.test.xml", "not readable as XML"),
    ("exchange-only.test.xml", "no usable IMAP, POP3 or SMTP server, provider skipped"),
    ("malformed-template.test.xml", "<username> '%EMAILADDRESS' has an unknown or unterminated placeholder"),
    ("malformed-template.test.xml", "<username> '%EMAILNAME%' has an unknown or unterminated placeholder"),
    ("malformed-template.test.xml", "<hostname> 'smtp.%EMAILDOMAIN' is not a host name, skipped"),
    ("no-domain.test.xml", "no usable <domain>, provider skipped"),
    ("zz-duplicate.test.xml", "<domain> several.test already belongs to several.test"),
]
warning_lines = [l for l in stderr.splitlines() if "warning:" in l]
for source, message in expected_warnings:
    check(f"warning: {source}: {message}",
          any(source in l and message in l for l in warning_lines), stderr)
check("no other warnings", len(warning_lines) == len(expected_warnings), "\n".join(warning_lines))
check("ews entries are ignored silently", "ews" not in stderr)

providers = [l.split("\t")[1] for l in lines if l.startswith("P\t")]
check("providers kept", providers == ["bad-entries.test", "malformed-template.test", "several.test", "thief.test"],
      repr(providers))
servers = [l.split("\t") for l in lines if l.startswith("S\t")]
check("every server line has 7 fields", all(len(s) == 7 for s in servers), repr(servers))
check("the good server of bad-entries.test is kept, auth filtered",
      ["S", "imap", "mail.bad-entries.test", "143", "starttls", "", "password-cleartext"] in servers, repr(servers))
check("malformed user name templates are kept for the run time",
      any(s[5] == "%EMAILADDRESS" for s in servers) and any(s[5] == "%EMAILNAME%" for s in servers))
check("SSL/STARTTLS/plain map to tls/starttls/none",
      {s[4] for s in servers} == {"tls", "starttls", "none"}, repr({s[4] for s in servers}))
check("display names have no TAB", all(len(l.split("\t")) == 3 for l in lines if l.startswith("P\t")))
check("domains lower case", "D\talias.several.test" in lines)
check("depfile lists the directory and each file",
      fixtures in deps and os.path.join(fixtures, "several.test.xml") in deps, deps)

code, _, _, _ = compile_dir(fixtures, "--strict")
check("--strict fails on warnings", code == 1)

# ---- the shipped database: no warnings at all -------------------------------------------
code, text, stderr, _ = compile_dir(shipped, "--strict")
check("shipped ISPDB compiles without a warning", code == 0, stderr)
check("shipped ISPDB has at least 150 providers",
      text is not None and sum(1 for l in text.splitlines() if l.startswith("P\t")) >= 150)

print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok and detail:
        for line in str(detail).splitlines()[:20]:
            print(f"# {line}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
