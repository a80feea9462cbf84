#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tern-cli account detect: usage, exit statuses, text and JSON output, offline; and
account add --detect, which never switches plaintext login on without --allow-plaintext.

Usage: test-cli-detect.py TERN_CLI   (TAP on stdout)
"""

import configparser
import json
import os
import subprocess
import sys
import tempfile

cli = sys.argv[1]
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


def detect(*args):
    p = subprocess.run([cli, "account", "detect", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


code, out, err = detect()
check("no address: usage error (2)", code == 2 and out == "" and "Usage" in err, f"{code} {out!r} {err!r}")
code, out, err = detect("a@b.example", "c@d.example")
check("two addresses: usage error (2)", code == 2, f"{code} {err!r}")
code, out, err = detect("--offline", "not-an-address")
check("not an address: usage error (2) that says so", code == 2 and "not an e-mail address" in err, err)
code, out, err = detect("--frobnicate", "a@gmail.com")
check("unknown option: usage error (2)", code == 2, err)
code, out, err = detect("--help")
check("--help: exit 0 and the options", code == 0 and "--offline" in out and "--json" in out, out)

code, out, err = detect("--offline", "someone@unlisted-domain.example")
check("unknown domain offline: exit 1, nothing on stdout, a clear message",
      code == 1 and out == "" and "unlisted-domain.example is not in Tern’s provider database" in err,
      f"{code} {out!r} {err!r}")
check("offline says that DNS and probes were skipped", "skipped (offline)" in err, err)

code, out, err = detect("--offline", "--json", "someone@unlisted-domain.example")
check("unknown domain offline with --json: exit 1, stdout empty", code == 1 and out == "", out)

code, out, err = detect("--offline", "--json", "Someone@aol.com")
try:
    got = json.loads(out)
except ValueError:
    got = {}
check("--json: exit 0 and one JSON object", code == 0 and isinstance(got, dict), f"{code} {out!r}")
check("--json: source ispdb", got.get("source") == "ispdb", repr(got))
check("--json: only the protocols found, each with host/port/security/user",
      set(got) == {"source", "imap", "pop3", "smtp", "steps"} and
      all(set(got[p]) == {"host", "port", "security", "user"} for p in ("imap", "pop3", "smtp")), repr(got))
check("--json: the preferred IMAP server",
      got.get("imap") == {"host": "imap.aol.com", "port": 993, "security": "tls", "user": "Someone@aol.com"},
      repr(got.get("imap")))
check("--json: steps name the source and outcome",
      isinstance(got.get("steps"), list) and got["steps"][0].get("source") == "ispdb"
      and got["steps"][0].get("outcome") == "found", repr(got.get("steps")))
check("progress goes to stderr, not stdout", "Provider database" in err, err)

code, out, err = detect("--offline", "x@126.com")
check("text: exit 0, the source, the servers and the steps",
      code == 0 and "found by Tern’s provider database" in out and "imap.126.com:993, tls" in out
      and "Steps tried:" in out and "[found]" in out, out)
check("text: no POP3 line for a provider without POP3", "POP3" not in out, out)

code, out, err = detect("--offline", "--json", "x@online.de")
got = json.loads(out) if code == 0 else {}
check("several servers per protocol: TLS preferred (1und1 lists 993 and 143)",
      got.get("imap", {}).get("port") == 993 and got.get("smtp", {}).get("port") == 465, repr(got))

code, out, err = detect("--offline", "--json", "x@uol.com.br")
got = json.loads(out) if code == 0 else {}
check("a provider whose first incoming server is POP3 still gives IMAP", "imap" in got and "pop3" in got, repr(got))

# account add --detect: a provider whose database entry says "no encryption" (35 entries
# do) is only a proposal. Without --allow-plaintext the account is refused and nothing
# is stored; with it, the account allows plaintext login; an account whose servers are
# encrypted never does, whatever the flags.
with tempfile.TemporaryDirectory() as home:
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[var] = os.path.join(home, var.lower())
    ini = os.path.join(env["XDG_CONFIG_HOME"], "tern", "accounts.ini")

    def add(*args):
        p = subprocess.run([cli, "account", "add", "--detect", "--password-command", "echo x", *args],
                           capture_output=True, text=True, timeout=60, env=env)
        return p.returncode, p.stderr

    def stored(address):
        config = configparser.ConfigParser(interpolation=None)
        config.read(ini)
        name = "Account " + address
        return dict(config[name]) if name in config else None

    code, err = add("--email", "joe@mahoroba.ne.jp")
    check("add --detect of a provider without encryption: refused (1), says --allow-plaintext",
          code == 1 and "--allow-plaintext" in err and "mail.mahoroba.ne.jp:110 has no encryption" in err,
          f"{code} {err!r}")
    check("add --detect refused: nothing stored", stored("joe@mahoroba.ne.jp") is None, stored("joe@mahoroba.ne.jp"))

    code, err = add("--email", "joe@mahoroba.ne.jp", "--allow-plaintext")
    account = stored("joe@mahoroba.ne.jp") or {}
    check("add --detect --allow-plaintext: added, plaintext login allowed",
          code == 0 and account.get("security") == "none" and account.get("allow-plaintext-auth") == "true",
          f"{code} {err!r} {account!r}")

    code, err = add("--email", "ann@mahoroba.ne.jp", "--security", "starttls", "--smtp-security", "starttls")
    account = stored("ann@mahoroba.ne.jp") or {}
    check("add --detect with STARTTLS chosen over it: added, no plaintext login",
          code == 0 and account.get("security") == "starttls" and "allow-plaintext-auth" not in account,
          f"{code} {err!r} {account!r}")

    code, err = add("--email", "bob@aol.com", "--allow-plaintext")
    account = stored("bob@aol.com") or {}
    check("add --detect of an encrypted provider: --allow-plaintext switches nothing on",
          code == 0 and account.get("security") == "tls" and "allow-plaintext-auth" not in account,
          f"{code} {err!r} {account!r}")

print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok and detail:
        for line in str(detail).splitlines()[:20]:
            print(f"# {line}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
