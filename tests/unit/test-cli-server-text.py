#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Servers' words reach the terminal without their control characters.

Usage: test-cli-server-text.py TERN_CLI   (TAP on stdout)

A scripted IMAP server and SMTP server on 127.0.0.1 greet and refuse the login with
texts full of terminal escape sequences (an OSC that retitles the window, a CSI that
clears the screen, BEL, C1 CSI in UTF-8 and as a raw byte). tern-cli account test and
sync quote those texts in what they print: no control character may be left in it,
and the servers' words must still be there to read.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading

cli = sys.argv[1]
HOSTILE = b"\x1b]0;pwned\x07\x1b[2J\xc2\x9b31m\x9b31m\x7f"
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")

results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))
    return ok


class Server(threading.Thread):
    """Answers each connection with handle(conn, lines) until the test ends."""

    def __init__(self, handle):
        super().__init__(daemon=True)
        self.handle = handle
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.start()

    def run(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        try:
            self.handle(conn, conn.makefile("rb"))
        except OSError:
            pass
        finally:
            conn.close()


def imap(conn, lines):
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Fake " + HOSTILE + b" ready\r\n")
    for line in lines:
        words = line.rstrip(b"\r\n").split(b" ")
        tag, command = words[0], words[1].upper() if len(words) > 1 else b""
        if command == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
        elif command == b"AUTHENTICATE":
            if len(words) < 4:
                conn.sendall(b"+ \r\n")
                lines.readline()
            conn.sendall(tag + b" NO [AUTHENTICATIONFAILED] denied " + HOSTILE + b" by the server\r\n")
        elif command == b"LOGIN":
            conn.sendall(tag + b" NO [AUTHENTICATIONFAILED] denied " + HOSTILE + b" by the server\r\n")
        elif command == b"LOGOUT":
            conn.sendall(b"* BYE bye\r\n" + tag + b" OK done\r\n")
            return
        else:
            conn.sendall(tag + b" BAD " + HOSTILE + b"\r\n")


def smtp(conn, lines):
    conn.sendall(b"220 fake ESMTP " + HOSTILE + b"\r\n")
    for line in lines:
        command = line[:4].upper()
        if command in (b"EHLO", b"HELO"):
            conn.sendall(b"250-fake\r\n250 AUTH PLAIN LOGIN\r\n")
        elif command == b"AUTH":
            conn.sendall(b"535 5.7.8 denied " + HOSTILE + b" by the server\r\n")
        elif command == b"QUIT":
            conn.sendall(b"221 bye\r\n")
            return
        else:
            conn.sendall(b"502 " + HOSTILE + b"\r\n")


imap_server = Server(imap)
smtp_server = Server(smtp)

with tempfile.TemporaryDirectory() as home:
    env = dict(os.environ)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = os.path.join(home, var.lower())
    env.pop("TERN_STORE", None)

    def run(*args):
        return subprocess.run([cli, *map(str, args)], env=env, capture_output=True, timeout=120)

    p = run("account", "add", "--email", "eve@example.com", "--protocol", "imap",
            "--host", "127.0.0.1", "--port", imap_server.port, "--security", "none",
            "--smtp-host", "127.0.0.1", "--smtp-port", smtp_server.port, "--smtp-security", "none",
            "--password-command", "echo secret")
    check("account add (no encryption chosen on the command line)", p.returncode == 0, p.stderr)

    for args in (("account", "test", "eve@example.com"), ("sync",), ("sync", "--account", "eve@example.com")):
        p = run(*args)
        name = "tern-cli " + " ".join(args)
        out = p.stdout + p.stderr
        check(name + ": fails", p.returncode == 1, out)
        check(name + ": no control character in what it prints", CONTROL.search(out) is None, repr(out))
        check(name + ": prints UTF-8", out.decode("utf-8", errors="strict") is not None, repr(out))
        check(name + ": the server's words are there", b"denied" in out and b"by the server" in out, repr(out))
        if args[0] == "account":
            check(name + ": both servers' refusals are quoted", out.count(b"by the server") == 2, repr(out))

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    if not ok and detail:
        for line in str(detail).splitlines()[:20]:
            print("# " + line)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
