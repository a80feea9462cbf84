#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""composer-imap.py USER COMMAND FOLDER [ARG]: the server's side, for the composer's tests

  count FOLDER SUBJECT      how many messages of FOLDER have SUBJECT (a substring)
  fetch FOLDER SUBJECT      the raw message (the last with SUBJECT) on stdout
  flags FOLDER MESSAGE-ID   the flags of the message with MESSAGE-ID (without <>)
  subjects FOLDER           every subject of FOLDER, one per line

Talks to the harness's Dovecot directly (IMAPS), not through the proxy.
"""
import imaplib
import os
import ssl
import sys

user, command, folder = sys.argv[1:4]
arg = sys.argv[4] if len(sys.argv) > 4 else None
ctx = ssl.create_default_context(cafile=os.environ["TERN_TEST_CA_CERT"])
ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ["TERN_TEST_HOST"], int(os.environ["TERN_TEST_IMAPS_PORT"]), ssl_context=ctx)
m.login(user, os.environ.get("TERN_TEST_PASSWORD", "secret"))
m.select(folder, readonly=True)
m.literal = None


def search(criteria):
    typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", *criteria)
    return data[0].split() if typ == "OK" and data and data[0] else []


def search_subject(subject):
    m.literal = subject.encode()
    typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT")
    return data[0].split() if typ == "OK" and data and data[0] else []


if command == "count":
    print(len(search_subject(arg)))
elif command == "fetch":
    uids = search_subject(arg)
    if not uids:
        sys.exit(1)
    typ, data = m.uid("FETCH", uids[-1], "(BODY.PEEK[])")
    sys.stdout.buffer.write(data[0][1])
elif command == "flags":
    uids = search(["HEADER", "Message-ID", "<%s>" % arg])
    for uid in uids:
        typ, data = m.uid("FETCH", uid, "(FLAGS)")
        print(data[0].decode())
elif command == "subjects":
    typ, data = m.uid("SEARCH", "ALL")
    for uid in (data[0].split() if data[0] else []):
        typ, d = m.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        print(d[0][1].decode(errors="replace").strip())
m.logout()
