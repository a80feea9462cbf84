#!/usr/bin/python3
# test-cli-ops.py: tern-cli mark, move, copy, delete and folder against the real Dovecot.
#
# Usage (by meson, through tests/servers/tern-test-servers): test-cli-ops.py TERN_CLI;
# prints TAP. Each operation must show in the store at once (tern-cli list), reach the
# server with the next sync, offline included, and chains of operations made before a
# sync (a move and the move back: what an undo does) must reach the server as made.
# The server is read through a second IMAP session (imaplib).
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later

import imaplib
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

CLI = sys.argv[1]
HOST = os.environ['TERN_TEST_HOST']
PORT = int(os.environ['TERN_TEST_IMAPS_PORT'])
POP3S = int(os.environ['TERN_TEST_POP3S_PORT'])
CA = os.environ['TERN_TEST_CA_CERT']
PASSWORD = os.environ.get('TERN_TEST_PASSWORD', 'secret')
ALICE, BOB, CAROL = 'alice@tern.test', 'bob@tern.test', 'carol@tern.test'

work = tempfile.mkdtemp(prefix='tern-cli-ops-')
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


class Proxy:
    """Forwards to the IMAPS port; goes offline on demand."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.online = True
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            client, _ = self.sock.accept()
            if not self.online:
                client.close()
                continue
            try:
                server = socket.create_connection((HOST, PORT))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self.pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self.pump, args=(server, client), daemon=True).start()

    @staticmethod
    def pump(src, dst):
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


proxy = Proxy()


def cli(*args, check=False):
    p = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True, timeout=300)
    if check and p.returncode != 0:
        raise RuntimeError('tern-cli %s failed (%d): %s' % (' '.join(map(str, args)), p.returncode, p.stderr))
    return p


def imap(user):
    ctx = ssl.create_default_context(cafile=CA)
    ctx.check_hostname = False
    m = imaplib.IMAP4_SSL(HOST, PORT, ssl_context=ctx)
    m.login(user, PASSWORD)
    return m


def message(tag):
    return ('From: Dave <dave@tern.test>\r\nTo: alice@tern.test\r\nSubject: %s\r\n'
            'Message-ID: <%s@tern.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n'
            'Content-Type: text/plain\r\n\r\nThe body of %s.\r\n' % (tag, tag, tag)).encode()


def server(user, folder):
    """{message_id: sorted flags} of a server folder (None when it does not exist)."""
    m = imap(user)
    typ, _ = m.select('"%s"' % folder, readonly=True)
    if typ != 'OK':
        m.logout()
        return None
    typ, data = m.uid('FETCH', '1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
    out = {}
    for item in data:
        if isinstance(item, tuple):
            flags = re.search(rb'FLAGS \((.*?)\)', item[0]).group(1).decode().split()
            mid = re.search(rb'<(.*?)@', item[1]).group(1).decode()
            out.setdefault(mid, []).append(sorted(f for f in flags if f != '\\Recent'))
    m.logout()
    return out


def store(account, folder):
    """{message_id: (id, flags)} of a folder in the store."""
    p = cli('list', folder, '--account', account, '--json')
    if p.returncode != 0:
        return None
    return {r['message_id'].split('@')[0]: (r['id'], sorted(r['flags'])) for r in json.loads(p.stdout)}


def sync(account):
    return cli('sync', '--account', account)


print('TAP version 13', flush=True)

# Alice through the proxy (so she can go offline), Bob directly; Carol by POP3.
for addr, user, port in ((ALICE, 'alice', proxy.port), (BOB, 'bob', PORT)):
    p = cli('account', 'add', '--email', addr, '--protocol', 'imap', '--host', '127.0.0.1', '--port', port,
            '--security', 'tls', '--user', user, '--pin-certificate', CA, '--password-command', 'echo ' + PASSWORD)
    ok(p.returncode == 0, 'account add ' + addr, p.stderr)
p = cli('account', 'add', '--email', CAROL, '--protocol', 'pop3', '--host', '127.0.0.1', '--port', POP3S,
        '--security', 'tls', '--user', 'carol', '--pin-certificate', CA, '--password-command', 'echo ' + PASSWORD)
ok(p.returncode == 0, 'account add ' + CAROL, p.stderr)

m = imap('alice')
m.create('Projects')
for tag in ('a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'):
    m.append('INBOX', None, None, message(tag))
m.logout()
m = imap('carol')
m.append('INBOX', None, None, message('c1'))
m.logout()
for addr in (ALICE, BOB, CAROL):
    p = sync(addr)
    ok(p.returncode == 0, 'first sync of ' + addr, p.stderr)

inbox = store(ALICE, 'INBOX')
ok(inbox is not None and len(inbox) == 7, 'the store has the seven messages', inbox)
ids = {tag: inbox[tag][0] for tag in inbox}

# ---- mark ----
p = cli('mark', ids['a1'], ids['a2'], '--read', '--flagged')
ok(p.returncode == 0, 'mark --read --flagged', p.stderr)
now = store(ALICE, 'INBOX')
ok(now['a1'][1] == ['\\Flagged', '\\Seen'] and now['a2'][1] == ['\\Flagged', '\\Seen'],
   'mark: the store changed at once', now)
ok(server('alice', 'INBOX')['a1'] == [[]], 'mark: the server not yet (before the sync)')
p = cli('mark', ids['a3'], '--add-keyword', '$label1')
ok(p.returncode == 0, 'mark --add-keyword', p.stderr)
sync(ALICE)
srv = server('alice', 'INBOX')
ok(srv['a1'] == [['\\Flagged', '\\Seen']] and srv['a2'] == [['\\Flagged', '\\Seen']],
   'mark: on the server after the sync', srv)
ok(srv['a3'] == [['$label1']], 'mark: the keyword on the server', srv)
p = cli('mark', ids['a1'], '--unread', '--remove-keyword', '$label1')
sync(ALICE)
ok(server('alice', 'INBOX')['a1'] == [['\\Flagged']], 'mark --unread reaches the server')

# bad usage and bad ids
ok(cli('mark', ids['a1']).returncode == 2, 'mark without an action is a usage error')
ok(cli('mark', ids['a1'], '--read', '--unread').returncode == 2, 'mark --read --unread is a usage error')
ok(cli('mark', 'x1', '--read').returncode == 2, 'mark with a bad id is a usage error')
p = cli('mark', '999999', '--read')
ok(p.returncode == 1 and '999999' in p.stderr, 'mark of an unknown message fails and says which', p.stderr)

# ---- move, copy ----
p = cli('move', ids['a4'], '--to', 'Projects')
ok(p.returncode == 0, 'move', p.stderr)
ok('a4' in store(ALICE, 'Projects') and 'a4' not in store(ALICE, 'INBOX'), 'move: the store at once')
p = cli('copy', ids['a5'], '--to', 'Projects')
ok(p.returncode == 0, 'copy', p.stderr)
sync(ALICE)
srv_in, srv_pr = server('alice', 'INBOX'), server('alice', 'Projects')
ok('a4' in srv_pr and 'a4' not in srv_in, 'move: on the server', (srv_in, srv_pr))
ok('a5' in srv_pr and 'a5' in srv_in and len(srv_pr['a5']) == 1, 'copy: on the server, once', (srv_in, srv_pr))
ok(store(ALICE, 'Projects').keys() == srv_pr.keys(), 'copy: no duplicate in the store after the sync')

# ---- offline: a chain made before any sync reaches the server as made ----
proxy.online = False
a6 = ids['a6']
ok(cli('move', a6, '--to', 'Projects').returncode == 0, 'offline: move')
ok(cli('mark', a6, '--flagged').returncode == 0, 'offline: flag the moved message')
ok(cli('move', a6, '--to', 'INBOX').returncode == 0, 'offline: move it back (an undo)')
ok(cli('mark', ids['a7'], '--read').returncode == 0, 'offline: mark')
p = sync(ALICE)
ok(p.returncode != 0, 'offline: the sync fails and says so', p.stderr)
ok(server('alice', 'INBOX')['a7'] == [[]], 'offline: the server has not changed')
proxy.online = True
p = sync(ALICE)
ok(p.returncode == 0, 'online again: the sync replays the journal', p.stderr)
srv_in, srv_pr = server('alice', 'INBOX'), server('alice', 'Projects')
ok(srv_in.get('a6') == [['\\Flagged']] and 'a6' not in srv_pr,
   'the chain move, flag, move back: once in INBOX, flagged, not in Projects', (srv_in, srv_pr))
ok(srv_in.get('a7') == [['\\Seen']], 'the offline mark reached the server', srv_in)
st_in = store(ALICE, 'INBOX')
ok(st_in.keys() == srv_in.keys(), 'the store equals the server after the replay', (st_in.keys(), srv_in.keys()))
p = sync(ALICE)
st_in2 = store(ALICE, 'INBOX')
ok(p.returncode == 0 and st_in2 == st_in, 'a second sync changes nothing (no duplicate)', (st_in, st_in2))

# ---- across accounts: IMAP to IMAP, POP3 to IMAP ----
a2 = store(ALICE, 'INBOX')['a2'][0]
p = cli('move', a2, '--to', 'INBOX', '--to-account', BOB)
ok(p.returncode == 0, 'move to another account', p.stderr)
ok('a2' in store(BOB, 'INBOX') and 'a2' not in store(ALICE, 'INBOX'), 'across accounts: the store at once')
sync(ALICE)
sync(BOB)
ok('a2' not in server('alice', 'INBOX'), 'across accounts: gone from the source server')
ok(server('bob', 'INBOX').get('a2') == [['\\Flagged', '\\Seen']], 'across accounts: on the target server, flags kept',
   server('bob', 'INBOX'))
c1 = store(CAROL, 'INBOX')['c1'][0]
p = cli('copy', c1, '--to', 'INBOX', '--to-account', ALICE)
ok(p.returncode == 0, 'copy from POP3 to IMAP', p.stderr)
sync(ALICE)
ok('c1' in server('alice', 'INBOX'), 'POP3 to IMAP: uploaded')

# ---- delete ----
a3 = store(ALICE, 'INBOX')['a3'][0]
p = cli('delete', a3)
ok(p.returncode == 0, 'delete (to the Trash)', p.stderr)
ok('a3' in store(ALICE, 'Trash') and 'a3' not in store(ALICE, 'INBOX'), 'delete: in the Trash at once')
sync(ALICE)
ok('a3' in server('alice', 'Trash') and 'a3' not in server('alice', 'INBOX'), 'delete: in the server Trash')
p = cli('delete', store(ALICE, 'Trash')['a3'][0], '--permanently')
ok(p.returncode == 0, 'delete --permanently', p.stderr)
sync(ALICE)
ok('a3' not in server('alice', 'Trash') and 'a3' not in store(ALICE, 'Trash'), 'delete --permanently: gone for good')

# ---- folders ----
p = cli('folder', 'create', 'Projects/2026', '--account', ALICE)
ok(p.returncode == 0, 'folder create', p.stderr)
ok(store(ALICE, 'Projects/2026') == {}, 'folder create: in the store at once')
p = cli('folder', 'create', 'Projects/2026', '--account', ALICE)
ok(p.returncode == 1, 'folder create of an existing folder fails', p.stderr)
sync(ALICE)
ok(server('alice', 'Projects/2026') == {}, 'folder create: on the server')
ok(cli('move', store(ALICE, 'INBOX')['a5'][0], '--to', 'Projects/2026').returncode == 0, 'move into the new folder')
p = cli('folder', 'rename', 'Projects/2026', 'Archive2026', '--account', ALICE)
ok(p.returncode == 0, 'folder rename (and move to the top level)', p.stderr)
ok(store(ALICE, 'Archive2026') is not None and 'a5' in store(ALICE, 'Archive2026'), 'folder rename: the store at once')
sync(ALICE)
ok(server('alice', 'Projects/2026') is None and 'a5' in (server('alice', 'Archive2026') or {}),
   'folder rename: on the server with its message')


def lsub(user):
    m = imap(user)
    typ, data = m.lsub()
    m.logout()
    return {re.search(rb'"([^"]*)"$|(\S+)$', line).group(1 if line.endswith(b'"') else 2).decode() for line in data}


def folders_json(account):
    return {f['path']: f for f in json.loads(cli('folders', '--account', account, '--json', check=True).stdout)}


ok('Archive2026' in lsub('alice'), 'a folder made here is subscribed on the server', lsub('alice'))
p = cli('folder', 'unsubscribe', 'Archive2026', '--account', ALICE)
ok(p.returncode == 0 and folders_json(ALICE)['Archive2026']['subscribed'] is False, 'folder unsubscribe: at once',
   p.stderr)
sync(ALICE)
ok('Archive2026' not in lsub('alice') and folders_json(ALICE)['Archive2026']['subscribed'] is False,
   'folder unsubscribe: on the server, and the sync keeps it', lsub('alice'))
p = cli('folder', 'subscribe', 'Archive2026', '--account', ALICE)
ok(p.returncode == 0 and folders_json(ALICE)['Archive2026']['subscribed'] is True, 'folder subscribe', p.stderr)
sync(ALICE)
ok('Archive2026' in lsub('alice'), 'folder subscribe: on the server', lsub('alice'))
ok(cli('folder', 'unsubscribe', 'INBOX', '--account', ALICE).returncode == 1, 'the Inbox stays subscribed')
ok(cli('folder', 'unsubscribe', 'INBOX', '--account', CAROL).returncode == 1, 'a POP3 account has no subscriptions')
p = cli('folder', 'empty', 'Archive2026', '--account', ALICE)
ok(p.returncode == 0 and store(ALICE, 'Archive2026') == {}, 'folder empty', p.stderr)
p = cli('folder', 'delete', 'Archive2026', '--account', ALICE)
ok(p.returncode == 0 and store(ALICE, 'Archive2026') is None, 'folder delete', p.stderr)
sync(ALICE)
ok(server('alice', 'Archive2026') is None, 'folder delete: gone from the server')
ok(cli('folder', 'delete', 'INBOX', '--account', ALICE).returncode == 1, 'the Inbox cannot be deleted')
ok(cli('folder', 'create', 'Local stuff').returncode == 0 and store('local', 'Local stuff') == {},
   'a folder in Local Folders')

print('1..%d' % n_test, flush=True)
sys.exit(1 if failures else 0)
