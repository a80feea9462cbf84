#!/usr/bin/python3
"""check-mime.py: reads a message on stdin (as delivered) and checks what
`tern-cli send --to` must produce. Prints one failure per line; exit 1 on any."""
import email
import email.policy
import re
import sys

raw = sys.stdin.buffer.read()
head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
msg = email.message_from_bytes(raw, policy=email.policy.default)
fail = []

subject_raw = re.search(rb"^Subject:(.*(?:\r?\n[ \t].*)*)", head, re.M | re.I)
if not subject_raw or b"=?UTF-8?" not in subject_raw.group(1).upper():
    fail.append("Subject is not RFC 2047 encoded: %r" % (subject_raw and subject_raw.group(1)))
if str(msg["Subject"]) != sys.argv[1]:
    fail.append("Subject decodes to %r" % str(msg["Subject"]))
if re.search(rb"[\x80-\xff]", head):
    fail.append("raw 8-bit bytes in the header")
if b"\nBcc:" in head or head.startswith(b"Bcc:"):
    fail.append("Bcc left in the header")
mid = str(msg["Message-ID"] or "")
if not re.fullmatch(r"<[^@<>]+@tern\.test>", mid.strip()):
    fail.append("Message-ID not on the sender's domain: %r" % mid)
if not msg["Date"]:
    fail.append("no Date")
parts = list(msg.walk())
text = [p for p in parts if p.get_content_type() == "text/plain" and not p.get_filename()]
if not text:
    fail.append("no text/plain part")
else:
    t = text[0]
    if t["Content-Transfer-Encoding"] not in ("quoted-printable", "base64"):
        fail.append("body encoding %r" % t["Content-Transfer-Encoding"])
    if t.get_content_charset() != "utf-8":
        fail.append("charset %r" % t.get_content_charset())
    if t.get_content().rstrip("\n") != sys.argv[2]:
        fail.append("body decodes to %r" % t.get_content())
atts = [p for p in parts if p.get_filename()]
if not atts:
    fail.append("no attachment")
else:
    a = atts[0]
    if a.get_filename() != sys.argv[3]:
        fail.append("attachment name %r" % a.get_filename())
    if b"filename*=" not in raw:
        fail.append("attachment name not RFC 2231 encoded")
    if a.get_content_type() != sys.argv[4]:
        fail.append("attachment type %r" % a.get_content_type())
    if a.get_content() != open(sys.argv[5], "rb").read():
        fail.append("attachment content differs")
for f in fail:
    print(f)
sys.exit(1 if fail else 0)
