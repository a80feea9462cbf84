#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Tern developers
"""Compile Thunderbird ISPDB XML files into Tern's provider database (ispdb.txt).

Usage: compile-ispdb.py --output FILE [--depfile FILE] [--strict] [--quiet] SOURCE...

Each SOURCE is an ISPDB XML file or a directory whose *.xml files are read (in
name order). The output format is described in README.md beside this script.

Entries Tern cannot use are skipped with a warning on stderr; the build does not
fail on them (--strict makes any warning fatal, --quiet silences them: both for
tests, whose fixtures are malformed on purpose). Server types Tern does
not speak (Exchange, EWS, OWA, Graph) are ignored without a warning.
"""

import argparse
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

FORMAT_MAGIC = "tern-ispdb"
FORMAT_VERSION = 1

PROTOCOLS = {"imap": "imap", "pop3": "pop3", "smtp": "smtp"}
IGNORED_TYPES = {"exchange", "ews", "owa", "graph", "activesync", "jmap"}
SECURITY = {"ssl": "tls", "tls": "tls", "starttls": "starttls", "plain": "none"}
AUTH = {
    "password-cleartext": "password-cleartext",
    "plain": "password-cleartext",
    "password-encrypted": "password-encrypted",
    "secure": "password-encrypted",
    "oauth2": "oauth2",
    "none": "none",
    "gssapi": "gssapi",
    "ntlm": "ntlm",
    "client-ip-address": "client-ip-address",
    "tls-client-cert": "tls-client-cert",
    "smtp-after-pop": "smtp-after-pop",
}
PLACEHOLDERS = ("%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%")
LABEL_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

warnings = []
quiet = False


def warn(source, message):
    text = f"compile-ispdb: warning: {source}: {message}"
    warnings.append(text)
    if not quiet:
        print(text, file=sys.stderr)


def text_of(element, tag):
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def is_hostname(name):
    if not name or len(name) > 253:
        return False
    return all(LABEL_RE.match(label) for label in name.rstrip(".").split("."))


def is_host_template(template):
    """A host name, in which the placeholders stand for host name parts."""
    expanded = template
    for placeholder in PLACEHOLDERS:
        expanded = expanded.replace(placeholder, "x")
    return is_hostname(expanded)


def template_is_wellformed(template):
    rest = template
    for placeholder in PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    return "%" not in rest


def clean_text(value):
    """Display text: no TAB, newline or other control character."""
    return " ".join(CONTROL_RE.sub(" ", value).split())


def read_server(source, element, kind):
    server_type = (element.get("type") or "").strip().lower()
    if server_type in IGNORED_TYPES:
        return None
    where = f"{kind} server {server_type or '(no type)'}"
    if server_type not in PROTOCOLS or (kind == "outgoing") != (server_type == "smtp"):
        warn(source, f"{where}: unknown server type, skipped")
        return None

    host = text_of(element, "hostname")
    port = text_of(element, "port")
    socket_type = text_of(element, "socketType")
    user = text_of(element, "username") or ""

    if not host:
        warn(source, f"{where}: no <hostname>, skipped")
        return None
    if not is_host_template(host):
        warn(source, f"{where}: <hostname> {host!r} is not a host name, skipped")
        return None
    try:
        port_number = int(port or "", 10)
    except ValueError:
        port_number = 0
    if not 1 <= port_number <= 65535:
        warn(source, f"{where} {host}: <port> {port!r} is not a port number, skipped")
        return None
    security = SECURITY.get((socket_type or "").lower())
    if security is None:
        warn(source, f"{where} {host}: <socketType> {socket_type!r} is unknown, skipped")
        return None
    if CONTROL_RE.search(user):
        warn(source, f"{where} {host}: <username> holds control characters, skipped")
        return None
    if not template_is_wellformed(user):
        # Kept: the run-time expansion detects it and falls back to the address.
        warn(source, f"{where} {host}: <username> {user!r} has an unknown or "
                     "unterminated placeholder (kept; Tern uses the whole address)")

    auth = []
    for a in element.findall("authentication"):
        value = (a.text or "").strip()
        mapped = AUTH.get(value.lower())
        if mapped is None:
            warn(source, f"{where} {host}: <authentication> {value!r} is unknown, ignored")
        elif mapped not in auth:
            auth.append(mapped)

    return ["S", server_type, host, str(port_number), security, user, ",".join(auth)]


def read_provider(source, provider, owners):
    provider_id = clean_text(provider.get("id") or "") or os.path.basename(source)
    name = clean_text(text_of(provider, "displayName") or "") or provider_id
    where = f"{source}: provider {provider_id}"

    domains = []
    for element in provider.findall("domain"):
        domain = (element.text or "").strip().lower().rstrip(".")
        if not is_hostname(domain):
            warn(where, f"<domain> {element.text!r} is not a domain name, skipped")
            continue
        if domain in domains:
            continue
        if domain in owners:
            warn(where, f"<domain> {domain} already belongs to {owners[domain]}, skipped")
            continue
        domains.append(domain)

    servers = []
    for element in provider.findall("incomingServer"):
        server = read_server(where, element, "incoming")
        if server is not None:
            servers.append(server)
    for element in provider.findall("outgoingServer"):
        server = read_server(where, element, "outgoing")
        if server is not None:
            servers.append(server)

    if not domains:
        warn(where, "no usable <domain>, provider skipped")
        return []
    if not any(s[1] in ("imap", "pop3", "smtp") for s in servers):
        warn(where, "no usable IMAP, POP3 or SMTP server, provider skipped")
        return []

    for domain in domains:
        owners[domain] = provider_id
    records = [["P", provider_id, name]]
    records += [["D", d] for d in domains]
    records += servers
    return records


def read_file(path, owners):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError, UnicodeError) as e:
        warn(path, f"not readable as XML ({e}), skipped")
        return []
    if root.tag != "clientConfig":
        warn(path, f"root element is <{root.tag}>, not <clientConfig>, skipped")
        return []
    providers = root.findall("emailProvider")
    if not providers:
        warn(path, "no <emailProvider>, skipped")
    records = []
    for provider in providers:
        records += read_provider(path, provider, owners)
    return records


def sources_of(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".xml"))
        else:
            files.append(path)
    return files


def write_depfile(depfile, output, inputs):
    def escape(p):
        return p.replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#")
    with open(depfile, "w", encoding="utf-8") as f:
        f.write(escape(output) + ": " + " \\\n  ".join(escape(p) for p in inputs) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True)
    parser.add_argument("--depfile")
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    parser.add_argument("--quiet", action="store_true", help="do not print the warnings")
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args(argv[1:])
    global quiet
    quiet = args.quiet

    files = sources_of(args.sources)
    owners = {}
    records = []
    for path in files:
        records += read_file(path, owners)

    for record in records:
        for field in record:
            assert "\t" not in field and "\n" not in field and "\r" not in field, record

    text = f"{FORMAT_MAGIC}\t{FORMAT_VERSION}\n" + "".join("\t".join(r) + "\n" for r in records)

    directory = os.path.dirname(os.path.abspath(args.output))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ispdb-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, args.output)

    if args.depfile:
        # The directories too: ninja notices a file added to or removed from them.
        inputs = [os.path.abspath(__file__)] + [p for p in args.sources if os.path.isdir(p)] + files
        write_depfile(args.depfile, args.output, inputs)

    providers = sum(1 for r in records if r[0] == "P")
    domains = sum(1 for r in records if r[0] == "D")
    if not quiet:
        print(f"compile-ispdb: {len(files)} files, {providers} providers, {domains} domains, "
              f"{len(warnings)} warnings", file=sys.stderr)
    return 1 if args.strict and warnings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
