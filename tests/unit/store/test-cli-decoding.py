#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tern-cli list, search and show print the header fields as the engine decodes them.

Usage: test-cli-decoding.py TERN_CLI

Raw 8-bit headers read in the charset of the text part, a run of encoded words that
GMime 3.2.13 cuts short, senders in unusual forms, an internationalized domain, two
Subject headers: each message is imported, and tern-cli's --json output (the same
fields as ever) and its search show the decoded values. Runs in a throw-away XDG home.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

TERN_CLI = None

MESSAGES = {
    # message id: (raw message, subject, from)
    "korean@example.kr": (
        b"From: \xb1\xb3\xc0\xb0\xc6\xc0 <master@example.kr>\n"
        b"Subject: [\xb1\xa4\xb0\xed] \xbf\xe4\xc1\xf2 \xb6\xdf\xb4\xc2 \xc1\xf7\xc1\xbe\n"
        b"Date: Mon, 1 Jan 2024 10:00:00 +0900\n"
        b"Message-ID: <korean@example.kr>\n"
        b"MIME-Version: 1.0\n"
        b"Content-Type: multipart/alternative; boundary=b\n"
        b"\n"
        b"--b\n"
        b"Content-Type: text/plain; charset=ks_c_5601-1987\n"
        b"\n"
        b"\xbe\xc8\xb3\xe7\n"
        b"--b--\n",
        "[광고] 요즘 뜨는 직종", "교육팀 <master@example.kr>"),
    "turkish@example.com.tr": (
        b"From: Ay\xfee Y\xfdlmaz <ayse@example.com.tr>\n"
        b"Subject: T\xfcrk\xe7e \xfeark\xfd\n"
        b"Date: Mon, 1 Jan 2024 11:00:00 +0300\n"
        b"Message-ID: <turkish@example.com.tr>\n"
        b"Content-Type: text/plain; charset=iso-8859-9\n"
        b"\n"
        b"merhaba\n",
        "Türkçe şarkı", "Ayşe Yılmaz <ayse@example.com.tr>"),
    "split@example.com": (
        b"From: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?= <hw@xn--mller-kva.de>\n"
        b"Subject: =?UTF-8?B?5pel5g==?= =?UTF-8?B?nKzoqp4=?= and =?UTF-8?B?WA==?= =?UTF-8?B?WFla?=\n"
        b"Subject: a second subject\n"
        b"Date: Mon, 1 Jan 2024 12:00:00 +0000\n"
        b"Message-ID: <split@example.com>\n"
        b"\n"
        b"body\n",
        "日本語 and XXYZ", "Hello world <hw@müller.de>"),
    "daemon@example.com": (
        b"From: MAILER DAEMON <>\n"
        b"Subject: bounce\n"
        b"Date: Mon, 1 Jan 2024 13:00:00 +0000\n"
        b"Message-ID: <daemon@example.com>\n"
        b"\n"
        b"body\n",
        "bounce", "MAILER DAEMON <>"),
    "localpart@example.jp": (
        b"From: =?iso-2022-jp?B?c291czFAYWEuYWxsZXMub3IuanA=?=@mx2.alles.or.jp\n"
        b"Subject: local part\n"
        b"Date: Mon, 1 Jan 2024 14:00:00 +0000\n"
        b"Message-ID: <localpart@example.jp>\n"
        b"\n"
        b"body\n",
        "local part", "\"sous1@aa.alles.or.jp\"@mx2.alles.or.jp"),
}


class CliDecoding(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.env = dict(os.environ)
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                         ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
            self.env[var] = os.path.join(self.tmp.name, sub)
        self.env.pop("TERN_STORE", None)
        mbox = os.path.join(self.tmp.name, "in.mbox")
        with open(mbox, "wb") as f:
            for raw, _, _ in MESSAGES.values():
                f.write(b"From sender@example.com Mon Jan  1 10:00:00 2024\n" + raw + b"\n")
        self.run_cli("import", mbox, "--folder", "Decoding")

    def run_cli(self, *args):
        proc = subprocess.run([TERN_CLI, *args], env=self.env, capture_output=True, timeout=120)
        if proc.returncode != 0:
            self.fail("tern-cli %s exited %d\nstderr: %s" % (" ".join(args), proc.returncode, proc.stderr))
        return proc

    def json_of(self, *args):
        return json.loads(self.run_cli(*args).stdout.decode("utf-8"))

    def test_list(self):
        rows = {r["message_id"]: r for r in self.json_of("list", "Decoding", "--json")}
        self.assertEqual(set(rows), set(MESSAGES))
        for message_id, (_, subject, sender) in MESSAGES.items():
            with self.subTest(message_id=message_id):
                self.assertEqual(rows[message_id]["subject"], subject)
                self.assertEqual(rows[message_id]["from"], sender)

    def test_search(self):
        cases = {
            "subject:광고": "korean@example.kr",
            "from:교육팀": "korean@example.kr",
            "subject:şarkı": "turkish@example.com.tr",
            "from:müller": "split@example.com",
            "subject:XXYZ": "split@example.com",
            "from:daemon": "daemon@example.com",
            "from:sous1": "localpart@example.jp",
        }
        for query, message_id in cases.items():
            with self.subTest(query=query):
                rows = self.json_of("search", query, "--json")
                self.assertEqual([r["message_id"] for r in rows], [message_id])
        self.assertEqual(self.json_of("search", "subject:second", "--json"), [])

    def test_show(self):
        rows = {r["message_id"]: r for r in self.json_of("list", "Decoding", "--json")}
        shown = self.json_of("show", str(rows["korean@example.kr"]["id"]), "--json")
        self.assertEqual(shown[0]["subject"], "[광고] 요즘 뜨는 직종")
        self.assertEqual(shown[0]["from"], "교육팀 <master@example.kr>")
        self.assertEqual(shown[0]["body"], "안녕")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    TERN_CLI = sys.argv.pop(1)
    unittest.main(verbosity=2)
