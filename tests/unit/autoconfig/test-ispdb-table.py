#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every domain of the shipped provider database, through the command line.

Usage: test-ispdb-table.py TERN_CLI ISPDB_DIR [EVERY]   (TAP on stdout)

EVERY=N checks every Nth domain only (the sanitizer build, where each tern-cli
start costs a second: the same code on a tenth of the data).

For each <domain> of data/ispdb/*.xml, runs
    tern-cli account detect --offline --json test.user@DOMAIN
and compares the answer with what this script reads from the XML by itself
(xml.etree, not Tern's compiler), with Tern's documented rules:
  - files in name order; a domain belongs to the first provider that lists it;
  - a server counts when it has a host name, a port and a socket type SSL, STARTTLS
    or plain, and its type is imap, pop3 (incoming) or smtp (outgoing);
  - per protocol, the preferred server is the best by security (SSL, then STARTTLS,
    then plain), and between equals the first in the file;
  - both imap and pop3 are reported when both exist;
  - %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% are expanded; a user name
    template with any other % (unknown or unterminated placeholder), or none at all,
    gives the whole address.
"""

import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

cli, ispdb = sys.argv[1:3]
every = int(sys.argv[3]) if len(sys.argv) > 3 else 1
LOCAL = "test.user"
SECURITY = {"ssl": ("tls", 0), "starttls": ("starttls", 1), "plain": ("none", 2)}


def expand(template, address):
    local, domain = address.rsplit("@", 1)
    out = (template.replace("%EMAILADDRESS%", address)
           .replace("%EMAILLOCALPART%", local)
           .replace("%EMAILDOMAIN%", domain.lower()))
    return None if "%" in out else out


def read_expectations():
    owners = {}
    for path in sorted(glob.glob(os.path.join(ispdb, "*.xml"))):
        root = ET.parse(path).getroot()
        for provider in root.findall("emailProvider"):
            servers = []
            kinds = [("incomingServer", t) for t in ("imap", "pop3")] + [("outgoingServer", "smtp")]
            for element in list(provider):
                for tag, proto in kinds:
                    if element.tag == tag and (element.get("type") or "").strip().lower() == proto:
                        host = (element.findtext("hostname") or "").strip()
                        port = (element.findtext("port") or "").strip()
                        socket_type = (element.findtext("socketType") or "").strip().lower()
                        user = (element.findtext("username") or "").strip()
                        if host and port.isdigit() and 0 < int(port) < 65536 and socket_type in SECURITY:
                            servers.append((proto, host, int(port), socket_type, user))
            for d in provider.findall("domain"):
                domain = (d.text or "").strip().lower()
                if domain and domain not in owners:
                    owners[domain] = (os.path.basename(path), servers)
    return owners


def expected_json(domain, servers):
    address = f"{LOCAL}@{domain}"
    want = {"source": "ispdb"}
    for proto in ("imap", "pop3", "smtp"):
        candidates = [(SECURITY[s[3]][1], i, s) for i, s in enumerate(servers) if s[0] == proto]
        candidates = [c for c in candidates if expand(c[2][1], address) is not None]
        if not candidates:
            continue
        _, _, (_, host, port, socket_type, user) = min(candidates)
        want[proto] = {
            "host": expand(host, address),
            "port": port,
            "security": SECURITY[socket_type][0],
            "user": (expand(user, address) if user else None) or address,
        }
    return want


def run(domain):
    p = subprocess.run([cli, "account", "detect", "--offline", "--json", f"{LOCAL}@{domain}"],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    owners = read_expectations()
    all_domains = sorted(owners)
    domains = all_domains[::every]
    results = []

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = dict(zip(domains, pool.map(run, domains)))

    several_incoming = 0
    pop3_first_with_imap = 0
    for domain in domains:
        source, servers = owners[domain]
        want = expected_json(domain, servers)
        code, out, err = answers[domain]
        detail = ""
        try:
            got = json.loads(out)
            steps = got.pop("steps", None)
            ok = code == 0 and got == want and isinstance(steps, list) and len(steps) >= 1
            if not ok:
                detail = f"exit {code}\nwant {json.dumps(want, sort_keys=True)}\ngot  {json.dumps(got, sort_keys=True)}"
        except ValueError as e:
            ok = False
            detail = f"exit {code}, not JSON ({e}): {out!r} {err!r}"
        results.append((f"{domain} ({source})", ok, detail))

        incoming = [s for s in servers if s[0] in ("imap", "pop3")]
        several_incoming += len(incoming) > 1
        pop3_first_with_imap += bool(incoming) and incoming[0][0] == "pop3" and any(s[0] == "imap" for s in incoming)

    # The table covers the cases the issue names, or it proves less than it claims.
    results.append(("covers providers with several incoming servers", several_incoming * every >= 50,
                    str(several_incoming)))
    results.append(("covers providers whose first incoming server is POP3 and that have IMAP",
                    pop3_first_with_imap * every >= 5, str(pop3_first_with_imap)))
    results.append(("covers more than 900 domains", len(all_domains) > 900, str(len(all_domains))))

    print(f"1..{len(results)}")
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            for line in detail.splitlines():
                print(f"# {line}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
