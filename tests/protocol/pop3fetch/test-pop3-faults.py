#!/usr/bin/python3
# test-pop3-faults.py: the POP3 download (tern-cli sync of a POP3 account) never loses
# nor duplicates a message when the connection is cut at random points or when
# tern-cli is killed (SIGKILL) at random moments. Run against the real Dovecot by
# tests/servers/tern-test-servers; prints TAP.
#
# Usage (by meson): test-pop3-faults.py TERN_CLI
# TERN_TEST_SEED=N changes the seed of the random choices (messages, cut points, kill
# delays; printed as a TAP comment), TERN_TEST_SEED=random picks one. The cut points
# are reproducible for a seed; the kill moments depend on timing too.
#
# The account reaches POP3S through a TCP proxy in this script, which can close both
# directions of a connection after a chosen number of bytes. Messages (unique
# Message-IDs, 300 B to 250 KB, lines that need dot-stuffing) are APPENDed to alice's
# INBOX by IMAP. The store (tern-cli list --json) and the server (IMAP, Message-ID and
# RFC822.SIZE) are compared after every cut or kill:
#   - nothing lost: every message delivered is in the store or still on the server;
#   - nothing duplicated: no Message-ID twice in the store;
#   - nothing truncated: every stored message has the size it was delivered with.
# After each phase one clean sync (leave on server) must make the store hold every
# message delivered exactly once, the server's included; one more with leave-on-server
# off must empty the server and change nothing here.
#
# Phase 1, the fault proxy: rounds of new mail and a sync whose connection is cut at a
# random byte (from the server, or from the client), leave-on-server on or off; then
# rounds aimed at the DELE/QUIT end of a session (leave-on-server off, the cut within
# the last bytes an uncut session would carry); then rounds where the proxy swallows
# the server's reply to QUIT (the server has deleted the messages downloaded in that
# session, tern-cli sees the connection drop: they must be committed already).
# Phase 2, kill -9: rounds of new mail; in each, the sync at hand is first timed on a
# copy of the store, then tern-cli sync is killed after a random delay within that
# time (half of them near its end, where the commit, DELE and QUIT are), leave-on-server
# on or off.
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later

import collections
import imaplib
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

CLI = sys.argv[1]
HOST = os.environ['TERN_TEST_HOST']
IMAPS_PORT = int(os.environ['TERN_TEST_IMAPS_PORT'])
POP3S_PORT = int(os.environ['TERN_TEST_POP3S_PORT'])
CA = os.environ['TERN_TEST_CA_CERT']
USER = 'alice'
ADDR = 'alice@tern.test'
PASSWORD = os.environ.get('TERN_TEST_PASSWORD', 'secret')
SEED = os.environ.get('TERN_TEST_SEED', '20260513')
SEED = random.SystemRandom().randrange(1 << 31) if SEED == 'random' else int(SEED)

rng = random.Random(SEED)

work = tempfile.mkdtemp(prefix='tern-pop3-faults-', dir=os.environ.get('TERN_TEST_RUN'))
os.environ['HOME'] = work
os.environ['XDG_CONFIG_HOME'] = os.path.join(work, 'config')
os.environ['XDG_DATA_HOME'] = os.path.join(work, 'data')
os.environ['XDG_CACHE_HOME'] = os.path.join(work, 'cache')
os.environ.pop('TERN_STORE', None)
ACCOUNTS_INI = os.path.join(work, 'config', 'tern', 'accounts.ini')

n_test = 0
failures = 0


def ok(cond, name, diag=None):
    global n_test, failures
    n_test += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n_test, name), flush=True)
    if not cond:
        failures += 1
        if diag:
            for line in str(diag).splitlines()[:60]:
                print('# ' + line, flush=True)
    return cond


def note(text):
    print('# ' + text, flush=True)


# ---- the fault proxy: forwards to POP3S, cuts a connection after N bytes ----

class Proxy:
    HOLD = 0.03

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        # for the next connections: None, ('s2c' or 'c2s', N): close both directions once
        # N bytes went that way; ('swallow-last', None): see swallow_last()
        self.cut = None
        self.cuts = 0          # connections the proxy cut
        self.swallowed = 0     # of which, by dropping the server's last reply
        self.log = []          # per connection: {'s2c': n, 'c2s': n, 'cut': bool}
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                server = socket.create_connection((HOST, POP3S_PORT))
            except OSError:
                client.close()
                continue
            conn = {'s2c': 0, 'c2s': 0, 'cut': False, 'limit': self.cut,
                    'socks': (client, server), 'closed': 0, 'closing': False}
            with self.lock:
                self.log.append(conn)
            threading.Thread(target=self.pump, args=(conn, client, server, 'c2s'), daemon=True).start()
            threading.Thread(target=self.pump, args=(conn, server, client, 's2c'), daemon=True).start()

    def pump(self, conn, src, dst, direction):
        if conn['limit'] and conn['limit'][0] == 'swallow-last':
            if direction == 's2c':
                self.swallow_last(conn, src, dst)
                return
            limit = None
        else:
            limit = conn['limit'][1] if conn['limit'] and conn['limit'][0] == direction else None
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                if limit is not None and conn[direction] + len(data) >= limit:
                    part = data[:limit - conn[direction]]
                    dst.sendall(part)
                    conn[direction] += len(part)
                    with self.lock:
                        if not conn['cut']:
                            conn['cut'] = True
                            self.cuts += 1
                    break
                dst.sendall(data)
                conn[direction] += len(data)
        except OSError:
            pass
        self.close(conn)

    def swallow_last(self, conn, src, dst):
        """Forwards what the server sends HOLD seconds late; when the server closes the
        connection, drops what it sent in its last HOLD seconds (the reply to QUIT:
        the server has done the QUIT, the client never hears of it) and closes."""
        held = collections.deque()
        try:
            while True:
                timeout = max(0.0, held[0][0] + self.HOLD - time.monotonic()) if held else None
                readable, _, _ = select.select([src], [], [], timeout)
                if readable:
                    data = src.recv(16384)
                    if not data:
                        if held and not conn['closing']:     # the server closed, not the client
                            with self.lock:
                                conn['cut'] = True
                                self.cuts += 1
                                self.swallowed += 1
                        break
                    held.append((time.monotonic(), data))
                while held and held[0][0] + self.HOLD <= time.monotonic():
                    data = held.popleft()[1]
                    dst.sendall(data)
                    conn['s2c'] += len(data)
        except OSError:
            pass
        self.close(conn)

    def close(self, conn):
        # Either side ending (or the cut) closes both directions of both sockets.
        conn['closing'] = True
        for s in conn['socks']:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self.lock:
            conn['closed'] += 1
            if conn['closed'] == 2:
                for s in conn['socks']:
                    s.close()

    def last(self):
        with self.lock:
            return dict(self.log[-1]) if self.log else None

    def wait_idle(self, timeout=5):
        """Waits until every connection is closed on both sides."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if all(c['closed'] == 2 for c in self.log):
                    return True
            time.sleep(0.01)
        return False


proxy = Proxy()


# ---- messages ----

WORDS = ('pop3 retr dele uidl quit commit store server proxy crash kill byte message '
         'mailbox queue batch order safe lost twice never once random').split()
delivered = {}      # Message-ID -> size (bytes as appended, CRLF)
next_no = 0


def make_message(no):
    """A message of a random size (some ~200 KB, so that cuts land inside them), with
    lines that POP3 dot-stuffs ("." alone, "..", ".x")."""
    r = rng.random()
    if r < 0.08:
        target = rng.randint(150000, 250000)
    elif r < 0.25:
        target = rng.randint(8000, 50000)
    else:
        target = rng.randint(300, 4000)
    mid = 'f%d.%d@tern.test' % (no, SEED % 100000)
    head = ('From: Bob <bob@tern.test>\r\nTo: alice@tern.test\r\nSubject: fault test %d\r\n'
            'Message-ID: <%s>\r\nDate: Mon, 1 Jan 2024 %02d:%02d:00 +0000\r\n'
            'Content-Type: text/plain; charset=us-ascii\r\n\r\n' % (no, mid, (no // 60) % 24, no % 60))
    lines = [head, 'Message %d.\r\n' % no]
    size = len(head)
    while size < target:
        k = rng.random()
        if k < 0.03:
            line = '.\r\n'
        elif k < 0.06:
            line = '..%s\r\n' % rng.choice(WORDS)
        elif k < 0.10:
            line = '.%s\r\n' % ' '.join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
        else:
            line = ' '.join(rng.choice(WORDS) for _ in range(rng.randint(1, 14))) + '\r\n'
        lines.append(line)
        size += len(line)
    lines.append('End of message %d.\r\n' % no)
    raw = ''.join(lines).encode()
    return mid, raw


def imap():
    ctx = ssl.create_default_context(cafile=CA)
    ctx.check_hostname = False
    m = imaplib.IMAP4_SSL(HOST, IMAPS_PORT, ssl_context=ctx)
    m.login(USER, PASSWORD)
    return m


def deliver(count):
    global next_no
    m = imap()
    for _ in range(count):
        next_no += 1
        mid, raw = make_message(next_no)
        typ, data = m.append('INBOX', None, None, raw)
        if typ != 'OK':
            raise RuntimeError('APPEND failed: %s' % data)
        delivered[mid] = len(raw)
    m.logout()


def top_bytes():
    """About what TOP n 0 of every message in alice's INBOX sends: before its DELEs, a
    sync checks with it that each message it did not download in the same session is
    still the one it stored (a UIDL may be reused)."""
    m = imap()
    typ, exists = m.select('INBOX', readonly=True)
    total = 0
    if int(exists[0]) > 0:
        typ, data = m.fetch('1:*', '(BODY.PEEK[HEADER])')
        total = sum(len(item[1]) + len(b"+OK\r\n.\r\n") for item in data if isinstance(item, tuple))
    m.logout()
    return total


def server_state():
    """Counter of the Message-IDs in alice's INBOX on the server, and their sizes."""
    m = imap()
    typ, exists = m.select('INBOX', readonly=True)
    assert typ == 'OK'
    ids = collections.Counter()
    sizes = {}
    data = None
    if int(exists[0]) > 0:
        typ, data = m.fetch('1:*', '(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
    for item in data or []:
        if not isinstance(item, tuple):
            continue
        head, body = item
        mo = re.search(rb'<(.*?)>', body)
        mid = mo.group(1).decode() if mo else None
        ids[mid] += 1
        sizes[mid] = int(re.search(rb'RFC822\.SIZE (\d+)', head).group(1))
    m.logout()
    return ids, sizes


def cli(*args, timeout=60, env=None):
    """Runs tern-cli; one that hangs (a sync here takes well under a second) is killed
    and reported as a failure, with status -1."""
    try:
        return subprocess.run([CLI] + list(args), capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stderr.decode(errors='replace') if isinstance(e.stderr, bytes) else (e.stderr or '')
        return subprocess.CompletedProcess(e.cmd, -1, '', 'HUNG: killed after %d s\n%s' % (timeout, out))


def sync():
    return cli('sync', '--account', ADDR)


def store_state():
    """Counter of the Message-IDs in the local INBOX, and {Message-ID: [sizes]}."""
    p = cli('list', 'INBOX', '--account', ADDR, '--json', '--limit', '100000')
    if p.returncode != 0:
        raise RuntimeError('tern-cli list failed (%d): %s' % (p.returncode, p.stderr))
    ids = collections.Counter()
    sizes = collections.defaultdict(list)
    for row in json.loads(p.stdout or '[]'):
        ids[row.get('message_id')] += 1
        sizes[row.get('message_id')].append(row.get('size'))
    return ids, sizes


def set_leave_on_server(on):
    """Edits accounts.ini (the account's group, key leave-on-server) in place."""
    group = '[Account %s]' % ADDR
    with open(ACCOUNTS_INI) as f:
        lines = f.read().splitlines()
    out, in_group, done = [], False, False
    for line in lines:
        if line.startswith('['):
            if in_group and not done:
                out.append('leave-on-server=%s' % ('true' if on else 'false'))
                done = True
            in_group = line.strip() == group
        if in_group and re.match(r'\s*leave-on-server\s*=', line):
            line = 'leave-on-server=%s' % ('true' if on else 'false')
            done = True
        out.append(line)
    if in_group and not done:
        out.append('leave-on-server=%s' % ('true' if on else 'false'))
    tmp = ACCOUNTS_INI + '.tmp'
    with open(tmp, 'w') as f:
        f.write('\n'.join(out) + '\n')
    os.chmod(tmp, 0o600)
    os.replace(tmp, ACCOUNTS_INI)


def invariants(srv, st, st_sizes):
    """What must hold at any time, whatever was cut or killed: a list of problems."""
    problems = []
    lost = sorted(m for m in delivered if st[m] == 0 and srv[m] == 0)
    dups = sorted((m, n) for m, n in st.items() if n > 1)
    extra = sorted(str(m) for m in st if m not in delivered)
    bad_size = sorted((m, s, delivered[m]) for m, ss in st_sizes.items() if m in delivered
                      for s in ss if s != delivered[m])
    srv_dups = sorted((m, n) for m, n in srv.items() if n > 1)
    if lost:
        problems.append('LOST (neither in the store nor on the server): %d: %s' % (len(lost), ' '.join(lost[:20])))
    if dups:
        problems.append('DUPLICATED in the store: %d: %s' % (len(dups), ' '.join('%s x%d' % d for d in dups[:20])))
    if bad_size:
        problems.append('TRUNCATED or altered in the store (id, stored size, delivered size): %s' % bad_size[:10])
    if extra:
        problems.append('unknown messages in the store: %s' % ' '.join(extra[:10]))
    if srv_dups:
        problems.append('duplicated on the server (?): %s' % srv_dups[:10])
    return problems


def check_round(name):
    srv, _ = server_state()
    st, st_sizes = store_state()
    problems = invariants(srv, st, st_sizes)
    ok(not problems, '%s: nothing lost, duplicated or truncated (store %d, server %d)'
       % (name, sum(st.values()), sum(srv.values())), '\n'.join(problems))
    return srv, st


def clean_syncs(phase):
    """One clean sync with leave-on-server on, one with it off: store == delivered."""
    proxy.cut = None
    set_leave_on_server(True)
    p = sync()
    ok(p.returncode == 0, '%s: clean sync exits 0' % phase, p.stderr)
    srv, _ = server_state()
    st, st_sizes = store_state()
    missing = sorted(m for m in delivered if st[m] == 0)
    dups = sorted((m, n) for m, n in st.items() if n > 1)
    extra = sorted(str(m) for m in st if m not in delivered)
    bad_size = sorted((m, s, delivered[m]) for m, ss in st_sizes.items() if m in delivered
                      for s in ss if s != delivered[m])
    diag = []
    if missing:
        diag.append('missing: %d: %s' % (len(missing), ' '.join(missing[:30])))
    if dups:
        diag.append('duplicates: %d: %s' % (len(dups), ' '.join('%s x%d' % d for d in dups[:30])))
    if extra:
        diag.append('not delivered: %s' % ' '.join(extra[:30]))
    if bad_size:
        diag.append('wrong size (id, stored, delivered): %s' % bad_size[:10])
    ok(not diag, '%s: the store holds every one of the %d messages delivered, each once, intact'
       % (phase, len(delivered)), '\n'.join(diag))
    not_here = sorted(str(m) for m in srv if st[m] == 0)
    ok(not not_here, '%s: every message still on the server (%d) is in the store'
       % (phase, sum(srv.values())), 'on the server only: ' + ' '.join(not_here[:30]))

    set_leave_on_server(False)
    p = sync()
    ok(p.returncode == 0, '%s: clean sync with leave-on-server off exits 0' % phase, p.stderr)
    srv, _ = server_state()
    st2, _ = store_state()
    ok(sum(srv.values()) == 0, '%s: leave-on-server off: the server is empty' % phase,
       'left on the server: %s' % ' '.join(sorted(map(str, srv))[:30]))
    ok(st2 == st, '%s: and the store is unchanged (%d messages)' % (phase, sum(st2.values())),
       'store changed: %s' % ((st2 - st) + (st - st2)))


def pending_bytes(srv_sizes, st):
    return sum(s for m, s in srv_sizes.items() if st[m] == 0)


# ---- the test ----

print('TAP version 13', flush=True)
note('seed %d (TERN_TEST_SEED=%d replays this run)' % (SEED, SEED))
t_start = time.time()

p = cli('account', 'add', '--email', ADDR, '--protocol', 'pop3', '--host', '127.0.0.1',
        '--port', str(proxy.port), '--security', 'tls', '--user', USER,
        '--pin-certificate', CA, '--password-command', 'echo %s' % PASSWORD)
ok(p.returncode == 0, 'account add (POP3S through the fault proxy on port %d)' % proxy.port, p.stderr)

# ---- phase 1: the fault proxy ----

deliver(250)
note('%d messages, %d bytes delivered' % (len(delivered), sum(delivered.values())))

cut_syncs = 0
failed_syncs = 0
cuts_before = proxy.cuts
for round_ in range(14):
    if round_ > 0:
        deliver(rng.randint(5, 25))
    leave = rng.random() < 0.5
    set_leave_on_server(leave)
    srv, srv_sizes = server_state()
    st, _ = store_state() if round_ > 0 else (collections.Counter(), None)
    # what an uncut session would carry from the server: roughly the new messages,
    # the UIDL listing, DELE replies, TLS and the greeting
    estimate = pending_bytes(srv_sizes, st) + 40 * sum(srv.values()) * (1 if leave else 2) + 6000
    if rng.random() < 0.25:
        cut = ('c2s', rng.randint(1, 1200 + 15 * sum(srv.values())))
    elif rng.random() < 0.3:
        cut = ('s2c', rng.randint(1, 6000))            # TLS, greeting, login, UIDL
    else:
        cut = ('s2c', rng.randint(1, int(estimate * 1.1)))
    proxy.cut = cut
    p = sync()
    proxy.cut = None
    proxy.wait_idle()
    conn = proxy.last()
    cut_syncs += 1
    failed_syncs += p.returncode != 0
    note('round %d: leave-on-server %s, cut %s at %d of ~%d: %s, exit %d'
         % (round_ + 1, leave, cut[0], cut[1], estimate, 'cut' if conn and conn['cut'] else 'not cut',
            p.returncode))
    check_round('cut round %d' % (round_ + 1))

# Aimed at the end of a session: everything is here, leave-on-server off, so an uncut
# session is TLS + UIDL + LIST + TOP... + DELE... + QUIT; the cut lands in its DELE and
# QUIT replies.
quit_cuts_deleted = 0
for round_ in range(8):
    deliver(rng.randint(3, 15))
    proxy.cut = None
    set_leave_on_server(True)
    p1 = sync()
    p2 = sync()                              # nothing to download: measure the session
    proxy.wait_idle()
    base = proxy.last()
    srv, _ = server_state()
    n_srv = sum(srv.values())
    set_leave_on_server(False)
    end_of_tops = base['s2c'] + top_bytes()
    cut = ('s2c', rng.randint(max(1, end_of_tops - 300), end_of_tops + 60 * n_srv + 100))
    proxy.cut = cut
    p = sync()
    proxy.cut = None
    proxy.wait_idle()
    conn = proxy.last()
    cut_syncs += 1
    failed_syncs += p.returncode != 0
    srv_after, _ = server_state()
    if p.returncode != 0 and sum(srv_after.values()) < n_srv:
        quit_cuts_deleted += 1
    note('DELE round %d: %d on the server, session %d bytes (%d with the TOPs), cut at %d of %d: %s, exit %d, '
         '%d left on the server'
         % (round_ + 1, n_srv, base['s2c'], end_of_tops, cut[1], conn['s2c'], 'cut' if conn['cut'] else 'not cut',
            p.returncode, sum(srv_after.values())))
    ok(p1.returncode == 0 and p2.returncode == 0, 'DELE round %d: the clean syncs before it exit 0' % (round_ + 1),
       p1.stderr + p2.stderr)
    check_round('DELE round %d' % (round_ + 1))

# The worst moment: the server has done the QUIT (deleted what was downloaded in this
# very session) and the connection drops before its reply reaches tern-cli. The proxy
# swallows the server's last reply. tern-cli fails, the server has deleted the
# messages: they must all be in the store already.
swallow_syncs = 0
swallow_deleted = 0
for round_ in range(6):
    deliver(rng.randint(3, 20))
    set_leave_on_server(False)
    srv, _ = server_state()
    proxy.cut = ('swallow-last', None)
    p = sync()
    proxy.cut = None
    proxy.wait_idle()
    conn = proxy.last()
    cut_syncs += 1
    swallow_syncs += 1
    failed_syncs += p.returncode != 0
    srv_after, _ = server_state()
    if p.returncode != 0 and sum(srv_after.values()) < sum(srv.values()):
        quit_cuts_deleted += 1
        swallow_deleted += 1
    note('QUIT round %d: %d on the server, the last reply %s, exit %d, %d left on the server'
         % (round_ + 1, sum(srv.values()), 'swallowed' if conn['cut'] else 'not swallowed', p.returncode,
            sum(srv_after.values())))
    check_round('QUIT round %d' % (round_ + 1))
ok(swallow_deleted > 0, 'the server did QUIT (deleted) and tern-cli failed without its reply, in %d of %d rounds'
   % (swallow_deleted, swallow_syncs))

cuts = proxy.cuts - cuts_before
note('phase 1: %d syncs through the fault proxy, %d connections cut (%d by swallowing the reply to QUIT), '
     '%d syncs failed, %d of them after the server had done the DELEs'
     % (cut_syncs, cuts, proxy.swallowed, failed_syncs, quit_cuts_deleted))
ok(cuts >= cut_syncs // 2, 'the proxy really cut connections (%d of %d)' % (cuts, cut_syncs))
ok(failed_syncs > 0, 'and syncs failed because of it (%d, with a non-zero exit)' % failed_syncs)
clean_syncs('after the fault proxy')

# ---- phase 2: kill -9 ----

proxy.cut = None
deliver(200)
STORE = os.path.join(work, 'data', 'tern', 'store.db')


def measure_sync():
    """How long the sync at hand takes on this machine now: the same sync (leave on
    server, so that the server does not change) on a copy of the store."""
    scratch = os.path.join(work, 'scratch')
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(STORE + suffix):
            shutil.copy(STORE + suffix, scratch)
    set_leave_on_server(True)
    t0 = time.monotonic()
    p = cli('sync', '--account', ADDR, env=dict(os.environ, TERN_STORE=os.path.join(scratch, 'store.db')))
    took = time.monotonic() - t0
    shutil.rmtree(scratch)
    proxy.wait_idle()
    return took, p


kills = 0
finished = 0
measured_ok = True
for round_ in range(12):
    if round_ > 0:
        deliver(rng.randint(10, 40))
    srv, srv_sizes = server_state()
    st, _ = store_state()
    took, p = measure_sync()
    if p.returncode != 0:
        measured_ok = ok(False, 'kill round %d: the measuring sync exits 0' % (round_ + 1), p.stderr)
    leave = rng.random() < 0.5
    set_leave_on_server(leave)
    # half anywhere in the sync, half near its end (the last commit, DELE, QUIT)
    delay = took * (rng.uniform(0.02, 1.0) if round_ % 2 == 0 else rng.uniform(0.7, 1.05))
    proc = subprocess.Popen([CLI, 'sync', '--account', ADDR], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    rc = proc.wait()
    if rc == -signal.SIGKILL:
        kills += 1
    else:
        finished += 1
    proxy.wait_idle()
    note('kill round %d: leave-on-server %s, %d bytes to download, the sync takes %.3f s, '
         'SIGKILL after %.3f s: %s' % (round_ + 1, leave, pending_bytes(srv_sizes, st), took, delay,
                                       'killed' if rc == -signal.SIGKILL else 'had finished (%d)' % rc))
    check_round('kill round %d' % (round_ + 1))

ok(measured_ok, 'the syncs measuring each round on a copy of the store exit 0')
note('phase 2: %d syncs killed with SIGKILL, %d had finished first' % (kills, finished))
ok(kills >= 3, 'tern-cli sync was really killed during syncs (%d of %d)' % (kills, kills + finished))
clean_syncs('after kill -9')

# Dovecot 2.3 keeps a pop3 process idle (until its 10 min timeout) when the client
# went away during the hand-over from pop3-login: kick them, or the harness waits for
# them at teardown and then kills them.
kick = subprocess.run(['doveadm', '-c', os.environ['TERN_TEST_DOVECOT_CONF'], 'kick', USER],
                      capture_output=True, text=True)
note('doveadm kick %s: %s' % (USER, ' '.join((kick.stdout + kick.stderr).split()) or 'nothing to kick'))
note('%d messages delivered in all; %.1f s' % (len(delivered), time.time() - t_start))
print('1..%d' % n_test, flush=True)
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if failures else 0)
