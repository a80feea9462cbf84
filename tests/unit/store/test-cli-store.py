#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tern-cli import, list, search, show and export, and their --json contract.

Usage: test-cli-store.py TERN_CLI

Runs in a throw-away XDG home; needs nothing outside the repository.
"""

import email.utils
import json
import os
import re
import resource
import socket
import signal
import subprocess
import sys
import tempfile
import unittest

TERN_CLI = None
KEYS = {"id", "account", "folder", "uid", "message_id", "subject", "from", "date",
        "flags", "size", "has_attachments"}
ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")

MESSAGES = [
    # (envelope date, raw message)
    ("Mon Jan  1 10:00:00 2024",
     b"From: =?iso-8859-1?q?Jos=E9_M=FCller?= <jose@example.de>\n"
     b"To: alice@example.com\n"
     b"Subject: =?utf-8?b?R3LDvMOfZSDwn46J?= \"quoted\" back\\slash\ttab\n"
     b"Date: Mon, 1 Jan 2024 10:00:00 +0100\n"
     b"Message-ID: <one@example.de>\n"
     b"Status: RO\n"
     b"X-Status: F\n"
     b"\n"
     b"Hello from Munich, the zeppelin is late.\n"),
    ("Tue Jan  2 10:00:00 2024",
     b"From: Bob <bob@example.com>\n"
     b"To: alice@example.com\n"
     b"Subject: Report with attachment\n"
     b"Date: Tue, 2 Jan 2024 09:30:00 -0500\n"
     b"Message-ID: <two@example.com>\n"
     b"MIME-Version: 1.0\n"
     b"Content-Type: multipart/mixed; boundary=xx\n"
     b"\n"
     b"--xx\n"
     b"Content-Type: text/plain\n"
     b"\n"
     b"See the attached quarterly figures.\n"
     b"--xx\n"
     b"Content-Type: application/pdf; name=q.pdf\n"
     b"Content-Disposition: attachment; filename=q.pdf\n"
     b"Content-Transfer-Encoding: base64\n"
     b"\n"
     b"JVBERi0xLjQK\n"
     b"--xx--\n"),
    ("Wed Jan  3 10:00:00 2024",
     b"From: carol@example.org\n"
     b"Subject: no date header, body line below\n"
     b"Message-ID: <three@example.org>\n"
     b"\n"
     b">From the quoted line\n"
     b"From here on, an unquoted body line\n"),
]


def mbox_bytes():
    out = b""
    for envelope, raw in MESSAGES:
        out += b"From sender@example.com " + envelope.encode() + b"\n" + raw + b"\n"
    return out

# Every C0 control character, DEL, C1 controls, invalid UTF-8 and a terminal's escape
# sequences (a CSI that colours, an OSC that retitles the window, BEL), in the subject,
# the sender's name and the body: what a hostile or broken mail may hold.
C0 = "".join(chr(c) for c in range(1, 0x20))
ESCAPES = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x9b2J"
NASTY_SUBJECT = "ctl " + C0 + "\x7f " + ESCAPES + " end"
NASTY_NAME = "Eve \x1b[5m\x07"
NASTY_BODY = (b"body: " + bytes(range(0, 0x20)) + b"\x7f \xff\xfe invalid \xc3 utf-8 "
              + ESCAPES.encode() + b"\n")


def encoded_word(text):
    import base64
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def nasty_mbox():
    return (b"From eve@example.com Thu Jan  4 10:00:00 2024\n"
            b"From: " + encoded_word(NASTY_NAME).encode() + b" <eve@example.com>\n"
            b"To: alice@example.com\n"
            b"Subject: " + encoded_word(NASTY_SUBJECT).encode() + b"\n"
            b"Date: Thu, 4 Jan 2024 10:00:00 +0000\n"
            b"Message-ID: <nasty@example.com>\n"
            b"Content-Type: text/plain; charset=utf-8\n"
            b"Content-Transfer-Encoding: 8bit\n"
            b"\n" + NASTY_BODY + b"\n"
            b"From eve@example.com Thu Jan  4 11:00:00 2024\n"
            b"From: \xff\xfeRaw \x1b[1m8-bit <raw@example.com>\n"
            b"Subject: raw \x1b]2;title\x07 \x01\x1f\x7f \xc3\x28 bytes\n"
            b"Message-ID: <raw8bit@example.com>\n"
            b"\n"
            b"raw\n")


class CliStore(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        home = self.tmp.name
        self.env = dict(os.environ)
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                         ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
            self.env[var] = os.path.join(home, sub)
        self.env.pop("TERN_STORE", None)
        self.mbox = os.path.join(home, "in.mbox")
        with open(self.mbox, "wb") as f:
            f.write(mbox_bytes())

    def run_cli(self, *args, expect=0, max_file_size=None, timeout=120):
        def limit():
            # Writes past the limit fail with EFBIG (SIGXFSZ ignored): a disk that fills up.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_size, max_file_size))
        proc = subprocess.run([TERN_CLI, *args], env=self.env, capture_output=True, timeout=timeout,
                              preexec_fn=limit if max_file_size is not None else None)
        if proc.returncode != expect:
            self.fail("tern-cli %s exited %d, not %d\nstdout: %s\nstderr: %s"
                      % (" ".join(args), proc.returncode, expect, proc.stdout, proc.stderr))
        return proc

    def json_of(self, *args):
        proc = self.run_cli(*args)
        text = proc.stdout.decode("utf-8")          # must be UTF-8
        data = json.loads(text)                      # must be one JSON value
        self.assertIsInstance(data, list)
        for obj in data:
            self.assertTrue(KEYS <= set(obj), obj)
            self.assertIsInstance(obj["id"], int)
            self.assertIsInstance(obj["uid"], int)
            self.assertIsInstance(obj["size"], int)
            self.assertIsInstance(obj["has_attachments"], bool)
            self.assertIsInstance(obj["flags"], list)
            for flag in obj["flags"]:
                self.assertIn(flag, ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"))
            self.assertRegex(obj["date"], ISO_8601)
        return data

    def import_mbox(self, folder="Archive/Old"):
        return self.run_cli("import", self.mbox, "--folder", folder)

    def test_import_list_json(self):
        proc = self.import_mbox()
        self.assertIn(b"3", proc.stdout)
        rows = self.json_of("list", "Archive/Old", "--json")
        self.assertEqual(len(rows), 3)
        self.assertEqual({r["account"] for r in rows}, {"local"})
        self.assertEqual({r["folder"] for r in rows}, {"Archive/Old"})
        by_id = {r["message_id"]: r for r in rows}
        one = by_id["one@example.de"]
        self.assertEqual(one["subject"], "Grüße 🎉 \"quoted\" back\\slash\ttab")
        self.assertEqual(one["from"], "José Müller <jose@example.de>")
        self.assertEqual(one["date"], "2024-01-01T10:00:00+01:00")
        self.assertEqual(sorted(one["flags"]), ["\\Flagged", "\\Seen"])
        self.assertFalse(one["has_attachments"])
        two = by_id["two@example.com"]
        self.assertTrue(two["has_attachments"])
        self.assertEqual(two["flags"], [])
        self.assertEqual(two["date"], "2024-01-02T09:30:00-05:00")
        self.assertEqual(two["size"], len(MESSAGES[1][1]))
        # no Date header: the envelope's date
        three = by_id["three@example.org"]
        self.assertEqual(three["date"], "2024-01-03T10:00:00+00:00")
        # newest first
        self.assertEqual([r["message_id"] for r in rows],
                         ["three@example.org", "two@example.com", "one@example.de"])
        self.assertEqual(len({r["uid"] for r in rows}), 3)
        # --limit
        self.assertEqual(len(self.json_of("list", "Archive/Old", "--json", "--limit", "1")), 1)
        # the human listing
        out = self.run_cli("list", "Archive/Old").stdout.decode()
        self.assertIn("Report with attachment", out)

    def test_import_is_idempotent(self):
        self.import_mbox()
        proc = self.import_mbox()
        self.assertIn(b"Imported 0 messages", proc.stdout)
        self.assertEqual(len(self.json_of("list", "Archive/Old", "--json")), 3)

    def test_empty_results_are_empty_arrays(self):
        self.import_mbox()
        self.assertEqual(self.run_cli("search", "nothingmatchesthis", "--json").stdout.strip(), b"[]")
        self.assertEqual(self.run_cli("list", "INBOX", "--json").stdout.strip(), b"[]")

    def test_search(self):
        self.import_mbox()
        cases = {
            "zeppelin": ["one@example.de"],
            "from:müller": ["one@example.de"],
            "from:bob subject:report": ["two@example.com"],
            "has:attachment": ["two@example.com"],
            "is:flagged": ["one@example.de"],
            "is:unread": ["three@example.org", "two@example.com"],
            "\"quarterly figures\"": ["two@example.com"],
            "in:Archive/Old -has:attachment": ["three@example.org", "one@example.de"],
            "after:2024-01-02": ["three@example.org", "two@example.com"],
            "before:2024-01-01": [],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                rows = self.json_of("search", query, "--json")
                self.assertEqual([r["message_id"] for r in rows], expected)
        # several arguments are one query
        rows = self.json_of("search", "from:bob", "has:attachment", "--json")
        self.assertEqual(len(rows), 1)
        # a bad query is a usage error with a clear message
        proc = self.run_cli("search", "is:bogus", expect=2)
        self.assertIn(b"is:", proc.stderr)
        self.assertEqual(proc.stdout, b"")

    def test_show(self):
        self.import_mbox()
        rows = self.json_of("search", "has:attachment", "--json")
        ident = str(rows[0]["id"])
        raw = self.run_cli("show", ident, "--raw").stdout
        self.assertEqual(raw, MESSAGES[1][1])
        shown = self.json_of("show", ident, "--json")
        self.assertEqual(len(shown), 1)
        self.assertIn("quarterly figures", shown[0]["body"])
        self.assertEqual(shown[0]["to"], "alice@example.com")
        text = self.run_cli("show", ident).stdout.decode()
        self.assertIn("Subject: Report with attachment", text)
        self.run_cli("show", "999999", expect=1)
        self.run_cli("show", "abc", expect=2)

    def nasty_import(self, folder="Nasty\x1b[31m\x1f"):
        path = os.path.join(self.tmp.name, "nasty.mbox")
        with open(path, "wb") as f:
            f.write(nasty_mbox())
        self.run_cli("import", path, "--folder", folder)
        rows = self.json_of("list", folder, "--json")
        self.assertEqual(len(rows), 2)
        return {r["message_id"]: r for r in rows}

    def test_json_is_valid_whatever_the_mail_holds(self):
        """Every --json output parses (strict: no raw control character) and is UTF-8."""
        folder = "Nasty\x1b[31m\x1f"
        rows = self.nasty_import(folder)
        nasty = rows["nasty@example.com"]
        self.assertEqual(nasty["folder"], folder)
        # the decoded values come through, escaped and unescaped again
        self.assertIn(C0[1:8], nasty["subject"])
        self.assertIn("\x1f\x7f", nasty["subject"])
        self.assertIn("\x1b[31mred", nasty["subject"])
        self.assertIn("\x1b[5m", nasty["from"])
        for args in (("search", "from:eve", "--json"), ("search", "in:" + folder, "--json"),
                     ("folders", "--json")):
            with self.subTest(args=args):
                proc = self.run_cli(*args)
                data = json.loads(proc.stdout.decode("utf-8"))
                self.assertTrue(data)
        for row in rows.values():
            shown = self.json_of("show", str(row["id"]), "--json")
            self.assertEqual(shown[0]["subject"], row["subject"])
        body = self.json_of("show", str(nasty["id"]), "--json")[0]["body"]
        self.assertIn("\x1f", body)
        self.assertIn("\x7f", body)
        self.assertIn("\x1b]0;pwned\x07", body)
        # the escapes are JSON's: no control character is left raw in any output
        for args in (("list", folder, "--json"), ("show", str(nasty["id"]), "--json"),
                     ("folders", "--json")):
            out = self.run_cli(*args).stdout
            self.assertIsNone(re.search(rb"[\x00-\x1f\x7f]", out.rstrip(b"\n")), args)
        # account list --json: a name given by the user, with control characters
        self.run_cli("account", "add", "--email", "eve@example.com", "--protocol", "imap",
                     "--host", "imap.example.com", "--password-command", "echo x",
                     "--name", "Eve\x1f\x1b[2J")
        accounts = json.loads(self.run_cli("account", "list", "--json").stdout.decode("utf-8"))
        self.assertEqual(accounts[0]["name"], "Eve\x1f\x1b[2J")

    def test_terminal_output_is_clean(self):
        """Text for a terminal has no control character from mail; --raw stays raw."""
        folder = "Nasty\x1b[31m\x1f"
        path = os.path.join(self.tmp.name, "nasty.mbox")
        with open(path, "wb") as f:
            f.write(nasty_mbox())
        self.run_cli("import", path, "--folder", folder)
        # the ids from the text listing (list cleaned its columns already)
        listing = self.run_cli("list", folder).stdout.decode().splitlines()[1:]
        rows = {("nasty@example.com" if " ctl " in line else "raw8bit@example.com"):
                {"id": int(line.split()[0])} for line in listing}
        nasty = rows["nasty@example.com"]
        # C0 but newline and tab, DEL, and C1 in UTF-8 (c2 80 to c2 9f)
        control = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
        for args in (("show", str(nasty["id"])), ("show", str(rows["raw8bit@example.com"]["id"])),
                     ("list", folder), ("search", "from:eve"), ("folders",),
                     ("list", folder + "-missing")):
            with self.subTest(args=args):
                proc = self.run_cli(*args, expect=1 if args[-1].endswith("-missing") else 0)
                self.assertIsNone(control.search(proc.stdout), proc.stdout)
                self.assertIsNone(control.search(proc.stderr), proc.stderr)
                proc.stdout.decode("utf-8")
        shown = self.run_cli("show", str(nasty["id"])).stdout.decode()
        self.assertIn("Subject: ctl \ufffd", shown)
        self.assertIn("\ufffd[31mred\ufffd[0m \ufffd]0;pwned\ufffd", shown)
        self.assertIn("Eve \ufffd[5m\ufffd", shown)
        self.assertIn("\ufffd[31mred", shown.split("\n\n", 1)[1])   # the body
        self.assertIn("Nasty\ufffd[31m\ufffd", self.run_cli("folders").stdout.decode())
        missing = self.run_cli("list", folder + "-missing", expect=1).stderr.decode()
        self.assertIn("Nasty\ufffd[31m\ufffd-missing", missing)
        # --raw: the stored bytes, escapes and all
        raw = self.run_cli("show", str(nasty["id"]), "--raw").stdout
        self.assertIn(NASTY_BODY, raw)
        self.assertIn(b"\n" + NASTY_BODY, nasty_mbox())

    def test_export_and_reimport(self):
        self.import_mbox()
        out_mbox = os.path.join(self.tmp.name, "out.mbox")
        out_md = os.path.join(self.tmp.name, "out-maildir")
        self.run_cli("export", "Archive/Old", "--format", "mbox", out_mbox)
        self.run_cli("export", "Archive/Old", "--format", "maildir", out_md)
        self.assertEqual(len(os.listdir(os.path.join(out_md, "cur"))), 3)
        # the Maildir round trip keeps bytes and flags
        self.run_cli("import", out_md, "--folder", "Again")
        again = self.json_of("list", "Again", "--json")
        self.assertEqual(len(again), 3)
        one = [r for r in again if r["message_id"] == "one@example.de"][0]
        self.assertEqual(sorted(one["flags"]), ["\\Flagged", "\\Seen"])
        for row in again:
            original = [m for _, m in MESSAGES if row["size"] == len(m)]
            self.assertEqual(len(original), 1)
            self.assertEqual(self.run_cli("show", str(row["id"]), "--raw").stdout, original[0])
        # the mbox (mboxrd) has three envelopes and quotes body "From " lines
        with open(out_mbox, "rb") as f:
            data = f.read()
        self.assertEqual(len(re.findall(rb"^From MAILER-DAEMON ", data, re.M)), 3)
        self.assertIn(b"\n>>From the quoted line\n", data)
        self.assertIn(b"\n>From here on", data)
        self.run_cli("export", "Archive/Old", "--format", "zip", out_mbox, expect=2)

    def leftovers(self):
        return [n for n in os.listdir(self.tmp.name) if n.startswith(".tern-export-")]

    def import_big(self, folder="Big"):
        """Ten messages of 20 kB, but the sixth of 100 kB: past the 64 kB limit of
        max_file_size (above the 32 kB the store's shared memory file takes) in the
        middle of an mbox or a Maildir export."""
        path = os.path.join(self.tmp.name, "big.mbox")
        with open(path, "wb") as f:
            for i in range(10):
                f.write(b"From x@example.com Mon Jan  1 10:00:00 2024\nSubject: big %d\n"
                        b"Message-ID: <big%d@example.com>\n\n" % (i, i))
                f.write((b"%d" % i) * (100000 if i == 5 else 20000) + b"\n\n")
        self.run_cli("import", path, "--folder", folder)

    def test_export_mbox_is_safe(self):
        """An existing file is kept unless --force, a link is never written through,
        the file is 0600, and a failure halfway leaves the old file as it was."""
        self.import_mbox()
        dest = os.path.join(self.tmp.name, "out.mbox")
        with open(dest, "wb") as f:
            f.write(b"precious old contents\n")
        proc = self.run_cli("export", "Archive/Old", "--format", "mbox", dest, expect=1)
        self.assertIn(b"--force", proc.stderr)
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), b"precious old contents\n")

        # through a symbolic link: never, not even with --force
        target = os.path.join(self.tmp.name, "target")
        with open(target, "wb") as f:
            f.write(b"the link's target\n")
        link = os.path.join(self.tmp.name, "link.mbox")
        os.symlink(target, link)
        for extra in ((), ("--force",)):
            proc = self.run_cli("export", "Archive/Old", "--format", "mbox", link, *extra, expect=1)
            self.assertIn(b"symbolic link", proc.stderr)
            self.assertTrue(os.path.islink(link))
            with open(target, "rb") as f:
                self.assertEqual(f.read(), b"the link's target\n")
        # a dangling link would create its target: refused as well
        dangling = os.path.join(self.tmp.name, "dangling.mbox")
        os.symlink(os.path.join(self.tmp.name, "created-through-link"), dangling)
        self.run_cli("export", "Archive/Old", "--format", "mbox", dangling, expect=1)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "created-through-link")))

        # a failure halfway (the file size limit reached) keeps the old file
        self.import_big()
        proc = self.run_cli("export", "Big", "--format", "mbox", dest, "--force", expect=1,
                            max_file_size=64 * 1024)
        self.assertIn(b"out.mbox", proc.stderr)
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), b"precious old contents\n")
        self.assertEqual(self.leftovers(), [])

        # --force replaces it, private to the user
        os.chmod(dest, 0o644)
        self.run_cli("export", "Archive/Old", "--format", "mbox", dest, "--force")
        with open(dest, "rb") as f:
            self.assertEqual(len(re.findall(rb"^From MAILER-DAEMON ", f.read(), re.M)), 3)
        self.assertEqual(os.stat(dest).st_mode & 0o777, 0o600)
        fresh = os.path.join(self.tmp.name, "fresh.mbox")
        self.run_cli("export", "Archive/Old", "--format", "mbox", fresh)
        self.assertEqual(os.stat(fresh).st_mode & 0o777, 0o600)
        self.assertEqual(self.leftovers(), [])

    def test_export_maildir_is_safe(self):
        self.import_mbox()
        dest = os.path.join(self.tmp.name, "md")
        self.run_cli("export", "Archive/Old", "--format", "maildir", dest)
        self.assertEqual(os.stat(dest).st_mode & 0o777, 0o700)
        for sub in ("cur", "new", "tmp"):
            self.assertEqual(os.stat(os.path.join(dest, sub)).st_mode & 0o777, 0o700, sub)
        names = os.listdir(os.path.join(dest, "cur"))
        self.assertEqual(len(names), 3)
        for name in names:
            self.assertEqual(os.stat(os.path.join(dest, "cur", name)).st_mode & 0o777, 0o600)
        # an existing Maildir: refused, or added to with --force
        proc = self.run_cli("export", "Archive/Old", "--format", "maildir", dest, expect=1)
        self.assertIn(b"--force", proc.stderr)
        self.assertEqual(len(os.listdir(os.path.join(dest, "cur"))), 3)
        self.run_cli("export", "Archive/Old", "--format", "maildir", dest, "--force")
        self.assertEqual(len(os.listdir(os.path.join(dest, "cur"))), 6)

        # links: DEST itself, or its cur/, lead elsewhere: nothing is written there
        elsewhere = os.path.join(self.tmp.name, "elsewhere")
        os.makedirs(os.path.join(elsewhere, "cur"))
        link = os.path.join(self.tmp.name, "md-link")
        os.symlink(elsewhere, link)
        for extra in ((), ("--force",)):
            proc = self.run_cli("export", "Archive/Old", "--format", "maildir", link, *extra, expect=1)
            self.assertIn(b"symbolic link", proc.stderr)
        tricked = os.path.join(self.tmp.name, "md2")
        os.makedirs(tricked)
        os.symlink(os.path.join(elsewhere, "cur"), os.path.join(tricked, "cur"))
        self.run_cli("export", "Archive/Old", "--format", "maildir", tricked, "--force", expect=1)
        self.assertEqual(os.listdir(os.path.join(elsewhere, "cur")), [])

        # a failure halfway leaves no half Maildir behind
        self.import_big()
        half = os.path.join(self.tmp.name, "half")
        proc = self.run_cli("export", "Big", "--format", "maildir", half, expect=1, max_file_size=64 * 1024)
        self.assertIn(b"File too large", proc.stderr)
        self.assertFalse(os.path.exists(half))
        self.assertEqual(self.leftovers(), [])

    def test_maildir_tree(self):
        root = os.path.join(self.tmp.name, "Maildir")
        layout = {"": 2, ".Lists.dev": 3, ".Sent": 1}
        n = 0
        for sub, count in layout.items():
            for d in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(root, sub, d), exist_ok=True)
            for i in range(count):
                n += 1
                name = "%d.M%dP1.host:2,%s" % (1700000000 + n, n, "S" if i % 2 else "")
                with open(os.path.join(root, sub, "cur", name), "wb") as f:
                    f.write(b"From: x@example.com\nSubject: maildir %d\nMessage-ID: <md%d@x>\n\nbody\n" % (n, n))
        self.run_cli("import", root, "--folder", "Old")
        self.assertEqual(len(self.json_of("list", "Old", "--json")), 2)
        self.assertEqual(len(self.json_of("list", "Old/Lists/dev", "--json")), 3)
        self.assertEqual(len(self.json_of("list", "Old/Sent", "--json")), 1)
        unread = self.json_of("search", "in:Old/Lists/dev", "is:unread", "--json")
        self.assertEqual(len(unread), 2)
        self.run_cli("import", root, "--folder", "Flat", "--flatten")
        self.assertEqual(len(self.json_of("list", "Flat", "--json")), 6)

    def test_maildir_import_reads_regular_files_only(self):
        """FIFOs, sockets and folders in a Maildir are not read (a FIFO does not hang
        the import), symbolic links are not followed; each is reported."""
        root = os.path.join(self.tmp.name, "Maildir")
        outside = os.path.join(self.tmp.name, "outside")
        os.makedirs(os.path.join(outside, "cur"))
        secret = os.path.join(outside, "secret")
        with open(secret, "wb") as f:
            f.write(b"From: x@example.com\nSubject: the secret file\nMessage-ID: <secret@x>\n\nsecret\n")
        with open(os.path.join(outside, "cur", "1.M1P1.h:2,"), "wb") as f:
            f.write(b"From: x@example.com\nSubject: the secret folder\nMessage-ID: <secretdir@x>\n\nsecret\n")
        for sub in ("cur", "new", "tmp", ".Sub/cur", ".Sub/new", ".Sub/tmp"):
            os.makedirs(os.path.join(root, sub))
        for i, sub in enumerate(("cur", "new")):
            with open(os.path.join(root, sub, "%d.M%dP1.host:2,S" % (1700000000 + i, i)), "wb") as f:
                f.write(b"From: x@example.com\nSubject: fine %d\nMessage-ID: <fine%d@x>\n\nbody\n" % (i, i))
        skipped = {
            os.path.join(root, "new", "1.fifo"): "FIFO",
            os.path.join(root, "cur", "2.link:2,S"): "symbolic link",
            os.path.join(root, "new", "3.dangling"): "symbolic link",
            os.path.join(root, "new", "4.sock"): "socket",
            os.path.join(root, "cur", "5.dir"): "folder",
            os.path.join(root, ".Linked"): "symbolic link",
            os.path.join(root, ".Sub", "cur"): None,      # replaced by a link below
        }
        os.mkfifo(os.path.join(root, "new", "1.fifo"))
        os.symlink(secret, os.path.join(root, "cur", "2.link:2,S"))
        os.symlink(os.path.join(outside, "gone"), os.path.join(root, "new", "3.dangling"))
        sock = socket.socket(socket.AF_UNIX)
        self.addCleanup(sock.close)
        sock.bind(os.path.join(root, "new", "4.sock"))
        os.makedirs(os.path.join(root, "cur", "5.dir"))
        os.symlink(outside, os.path.join(root, ".Linked"))
        os.rmdir(os.path.join(root, ".Sub", "cur"))
        os.symlink(os.path.join(outside, "cur"), os.path.join(root, ".Sub", "cur"))
        skipped[os.path.join(root, ".Sub", "cur")] = "symbolic link"

        proc = self.run_cli("import", root, "--folder", "Safe", "--json", timeout=30)
        report = json.loads(proc.stdout.decode("utf-8"))
        self.assertEqual((report["imported"], report["unreadable"], report["skipped"]), (2, 0, len(skipped)),
                         report)
        self.assertEqual({e["path"] for e in report["skipped_files"]}, set(skipped))
        for entry in report["skipped_files"]:
            self.assertIn(skipped[entry["path"]], entry["reason"])
            self.assertIn(entry["path"].encode(), proc.stderr)
        self.assertEqual(report["folder"], "Safe")
        self.assertEqual(sorted(r["subject"] for r in self.json_of("search", "in:Safe", "--json")),
                         ["fine 0", "fine 1"])
        self.assertEqual(self.json_of("search", "secret", "--json"), [])
        # without --json: the same on stderr, and a count
        proc = self.run_cli("import", root, "--folder", "Safe2", timeout=30)
        self.assertIn(b"Skipped %d entries" % len(skipped), proc.stdout)
        self.assertIn(b"1.fifo", proc.stderr)

        # a FIFO named as the source: refused at once
        fifo = os.path.join(self.tmp.name, "fifo.mbox")
        os.mkfifo(fifo)
        proc = self.run_cli("import", fifo, "--folder", "X", expect=1, timeout=30)
        self.assertIn(b"FIFO", proc.stderr)

    def test_errors_and_help(self):
        for command in ("import", "list", "search", "show", "export"):
            with self.subTest(command=command):
                proc = self.run_cli(command, "--help")
                self.assertIn(b"Usage", proc.stdout)
        proc = self.run_cli("list", "NoSuchFolder", "--json", expect=1)
        self.assertIn(b"NoSuchFolder", proc.stderr)
        self.assertEqual(proc.stdout, b"")
        self.run_cli("list", "INBOX", "--account", "nobody@example.com", expect=1)
        self.run_cli("import", os.path.join(self.tmp.name, "missing"), "--folder", "X", expect=1)
        self.run_cli("import", self.mbox, expect=2)       # no --folder
        self.run_cli("list", expect=2)
        # a store file that is not a store: a clear error, no crash
        store = os.path.join(self.env["XDG_DATA_HOME"], "tern", "store.db")
        os.makedirs(os.path.dirname(store), exist_ok=True)
        with open(store, "wb") as f:
            f.write(b"definitely not sqlite" * 20)
        proc = self.run_cli("list", "INBOX", expect=1)
        self.assertIn(b"not a Tern mail store", proc.stderr)

    def test_files_are_private(self):
        self.import_mbox()
        tern_dir = os.path.join(self.env["XDG_DATA_HOME"], "tern")
        self.assertEqual(os.stat(tern_dir).st_mode & 0o777, 0o700)
        # Folders (the bodies' packs beside the store) 0700, files 0600, all the way down.
        packs = 0
        for root, dirs, files in os.walk(tern_dir):
            for name in dirs:
                self.assertEqual(os.stat(os.path.join(root, name)).st_mode & 0o777, 0o700, name)
            for name in files:
                self.assertEqual(os.stat(os.path.join(root, name)).st_mode & 0o777, 0o600, name)
                packs += name.endswith(".pack")
        self.assertGreater(packs, 0, "the imported bodies are in a pack")


if __name__ == "__main__":
    TERN_CLI = sys.argv.pop(1)
    unittest.main(verbosity=2)
