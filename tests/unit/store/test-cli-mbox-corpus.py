#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tern-cli export --format mbox, read back by an independent reader (Python's mailbox).

Usage: test-cli-mbox-corpus.py TERN_CLI   (TAP on stdout; exit 77 without the corpus)

Every message of the shared corpus (messages/) goes into a Maildir, each file dated a
different day so that every day of the month, 1 to 9 included, is on an envelope line;
tern-cli imports the Maildir and exports the folder as mbox. Python's mailbox module
must then read every message: its envelope line is asctime()'s ASCII with the message's
own date, and its bytes, mboxrd quoting undone, are the original file's.
"""

import calendar
import mailbox
import os
import re
import subprocess
import sys
import tempfile
import time

cli = sys.argv[1]
corpus = os.environ.get("TERN_CORPUS_DIR", "")
messages_dir = os.path.join(corpus, "messages")
if not os.path.isdir(messages_dir):
    print("1..0 # SKIP the shared corpus is not in %r (set -Dcorpus_dir)" % corpus)
    sys.exit(77)

ASCTIME = re.compile(r"^MAILER-DAEMON ((Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
                     r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d "
                     r"\d\d:\d\d:\d\d \d{4})$")
QUOTED_FROM = re.compile(rb"^>(>*From )", re.M)
BASE = calendar.timegm((2026, 1, 1, 10, 0, 0, 0, 0, 0))

results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))
    return ok


def finish():
    print("1..%d" % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok and detail:
            for line in str(detail).splitlines()[:20]:
                print("# " + line)
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)


def corpus_files():
    for root, dirs, files in os.walk(messages_dir):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".tnef", ".list", ".md")):
                continue
            yield os.path.join(root, name)


with tempfile.TemporaryDirectory() as home:
    env = dict(os.environ)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = os.path.join(home, var.lower())
    env.pop("TERN_STORE", None)

    maildir = os.path.join(home, "corpus")
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub))
    originals = {}                           # date -> bytes
    for i, path in enumerate(corpus_files()):
        with open(path, "rb") as f:
            data = f.read()
        # One day and a little more apart: every day of every month, a distinct second.
        date = BASE + i * (86400 + 61)
        target = os.path.join(maildir, "cur", "%d.M%dP1.corpus:2,S" % (date, i))
        with open(target, "wb") as f:
            f.write(data)
        os.utime(target, (date, date))
        originals[date] = data
    check("the corpus has messages", len(originals) > 100, len(originals))
    days = {time.gmtime(d).tm_mday for d in originals}
    check("the dates cover days 1 to 9", set(range(1, 10)) <= days, sorted(days))

    def run(*args):
        return subprocess.run([cli, *args], env=env, capture_output=True, timeout=600)

    p = run("import", maildir, "--folder", "Corpus", "-q")
    check("import of the corpus Maildir", p.returncode == 0, p.stderr.decode(errors="replace"))
    p = run("list", "Corpus", "--json", "--limit", "100000")
    stored = len(re.findall(rb'"id":', p.stdout))
    check("the folder holds the messages (identical files once)",
          p.returncode == 0 and 0 < stored <= len(originals), (stored, len(originals)))

    out = os.path.join(home, "out.mbox")
    p = run("export", "Corpus", "--format", "mbox", out)
    check("export --format mbox", p.returncode == 0, p.stderr.decode(errors="replace"))

    envelopes_ok = True
    bytes_ok = True
    read = 0
    detail = []
    try:
        box = mailbox.mbox(out, create=False)
        for key in box.iterkeys():
            msg = box[key]                   # decodes the envelope line as ASCII
            envelope = msg.get_from()
            m = ASCTIME.match(envelope)
            if m is None:
                envelopes_ok = False
                detail.append("envelope not asctime: %r" % envelope)
                continue
            date = calendar.timegm(time.strptime(m.group(1), "%a %b %d %H:%M:%S %Y"))
            if date not in originals:
                envelopes_ok = False
                detail.append("envelope date of no message: %r" % envelope)
                continue
            body = QUOTED_FROM.sub(rb"\1", box.get_bytes(key))
            original = originals[date]
            if not original.endswith(b"\n"):
                original += b"\n"
            if body != original:
                bytes_ok = False
                detail.append("message of %r differs from its file" % envelope)
            read += 1
        box.close()
    except Exception as e:                   # noqa: BLE001 - any failure of the reader is the finding
        envelopes_ok = False
        detail.append("Python's mailbox failed: %r" % e)
    check("Python's mailbox reads every message", read == stored, "%d of %d\n%s" % (read, stored, "\n".join(detail)))
    check("every envelope line is asctime() ASCII with the message's date", envelopes_ok, "\n".join(detail))
    check("every message comes back byte for byte (mboxrd quoting undone)", bytes_ok, "\n".join(detail))

finish()
