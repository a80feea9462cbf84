#!/usr/bin/python3
# test-cli-terminal.py: mail and folder names from the real Dovecot, full of terminal
# escape sequences, reach the terminal without their control characters.
#
# Usage (by meson, through tests/servers/tern-test-servers): test-cli-terminal.py
# TERN_CLI; prints TAP. A message whose sender, subject and body hold ESC, BEL, CSI and
# OSC sequences is appended to Alice's INBOX, and a folder whose name holds them is
# made in her Maildir (Dovecot refuses such names in CREATE, but lists what it finds,
# in modified UTF-7). After tern-cli sync, what show, list, folders and sync print has
# no control character, --raw gives the message's bytes and --json has the exact text.
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import imaplib
import json
import os
import pwd
import re
import ssl
import subprocess
import sys
import tempfile

CLI = sys.argv[1]
HOST = os.environ['TERN_TEST_HOST']
PORT = int(os.environ['TERN_TEST_IMAPS_PORT'])
CA = os.environ['TERN_TEST_CA_CERT']
RUN = os.environ['TERN_TEST_RUN']
PASSWORD = os.environ.get('TERN_TEST_PASSWORD', 'secret')
ALICE = 'alice@tern.test'

ESCAPES = '\x1b]0;pwned\x07\x1b[2J\x1b[31m\x9b1m'
SUBJECT = 'Invoice ' + ESCAPES + ' due'
NAME = 'Mallory ' + ESCAPES
BODY = ('Pay now ' + ESCAPES + ' please\r\n').encode()
FOLDER = 'Esc\x1b]0;pwned\x07Box'
CONTROL = re.compile(rb'[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]')

work = tempfile.mkdtemp(prefix='tern-cli-terminal-')
os.environ['XDG_CONFIG_HOME'] = os.path.join(work, 'config')
os.environ['XDG_DATA_HOME'] = os.path.join(work, 'data')
os.environ['XDG_CACHE_HOME'] = os.path.join(work, 'cache')

n_test = 0
failures = 0


def ok(cond, name, diag=None):
    global n_test, failures
    n_test += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n_test, name), flush=True)
    if not cond:
        failures += 1
        for line in str(diag or '').splitlines()[:40]:
            print('# ' + line, flush=True)
    return cond


def cli(*args):
    return subprocess.run([CLI] + [str(a) for a in args], capture_output=True, timeout=300)


def clean(name, p):
    out = p.stdout + p.stderr
    ok(CONTROL.search(out) is None, name + ': no control character printed', repr(out))
    try:
        out.decode('utf-8')
        ok(True, name + ': UTF-8')
    except UnicodeDecodeError as e:
        ok(False, name + ': UTF-8', e)


def word(text):
    return '=?utf-8?b?' + base64.b64encode(text.encode()).decode() + '?='


print('TAP version 13', flush=True)

ctx = ssl.create_default_context(cafile=CA)
ctx.check_hostname = False
m = imaplib.IMAP4_SSL(HOST, PORT, ssl_context=ctx)
m.login('alice', PASSWORD)
raw = ('From: %s <mallory@tern.test>\r\nTo: alice@tern.test\r\nSubject: %s\r\n'
       'Message-ID: <escapes@tern.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n'
       'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
       % (word(NAME), word(SUBJECT))).encode() + BODY
typ, _ = m.append('INBOX', None, None, raw)
ok(typ == 'OK', 'the message is on the server')
m.logout()

p = cli('account', 'add', '--email', ALICE, '--protocol', 'imap', '--host', '127.0.0.1', '--port', PORT,
        '--security', 'tls', '--user', 'alice', '--pin-certificate', CA, '--password-command', 'echo ' + PASSWORD)
ok(p.returncode == 0, 'account add', p.stderr)
p = cli('sync', '--account', ALICE)
ok(p.returncode == 0, 'sync', p.stderr)

p = cli('list', 'INBOX', '--account', ALICE, '--json')
rows = json.loads(p.stdout) if p.returncode == 0 else []
ok(len(rows) == 1 and rows[0]['subject'] == SUBJECT, 'list --json: the exact subject, escapes and all', p.stdout)
ident = rows[0]['id'] if rows else 0
clean('list', cli('list', 'INBOX', '--account', ALICE))

p = cli('show', ident)
clean('show', p)
text = p.stdout.decode(errors='replace')
ok('Subject: Invoice \ufffd]0;pwned\ufffd\ufffd[2J\ufffd[31m\ufffd1m due' in text,
   'show: the subject, each control character a U+FFFD', repr(text))
ok('Mallory \ufffd]0;pwned' in text and 'Pay now \ufffd]0;pwned' in text, 'show: the sender and the body too', repr(text))
p = cli('show', ident, '--raw')
ok(p.returncode == 0 and BODY in p.stdout, 'show --raw: the bytes as stored, escapes included', p.stdout)
p = cli('show', ident, '--json')
shown = json.loads(p.stdout) if p.returncode == 0 else [{}]
ok(shown[0].get('subject') == SUBJECT and ESCAPES in shown[0].get('body', ''),
   'show --json: the exact subject and body', p.stdout)

# A folder named with escapes, as Dovecot finds it in the Maildir.
nobody = pwd.getpwnam(os.environ.get('TERN_TEST_MAIL_USER', 'nobody'))
folder_dir = os.path.join(RUN, 'mail', 'alice', 'Maildir', '.' + FOLDER)
for sub in ('', 'cur', 'new', 'tmp'):
    os.makedirs(os.path.join(folder_dir, sub), exist_ok=True)
    os.chown(os.path.join(folder_dir, sub), nobody.pw_uid, nobody.pw_gid)
m = imaplib.IMAP4_SSL(HOST, PORT, ssl_context=ctx)
m.login('alice', PASSWORD)
typ, listed = m.list()
m.logout()
ok(any(b'Esc&ABs-]0;pwned&AAc-Box' in line for line in listed), 'Dovecot lists the folder', listed)

# Whether the sync of such a folder succeeds is not this test's business; what it says is.
clean('sync with the folder', cli('sync', '--account', ALICE))
p = cli('folders', '--account', ALICE, '--json')
paths = [f['path'] for f in json.loads(p.stdout)] if p.returncode == 0 else []
ok(FOLDER in paths, 'folders --json: the exact name', paths)
p = cli('folders', '--account', ALICE)
clean('folders', p)
ok('Esc\ufffd]0;pwned\ufffdBox' in p.stdout.decode(errors='replace'), 'folders: the name, cleaned', p.stdout)

print('1..%d' % n_test, flush=True)
sys.exit(1 if failures else 0)
