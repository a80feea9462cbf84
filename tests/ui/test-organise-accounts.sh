#!/bin/bash
# Organising mail between accounts from the window, against the harness's Dovecot,
# under tern-session.
#   tern-test-servers DIR -- test-organise-accounts.sh TERN_SESSION TERN_CLI TEST_ORGANISE_ACCOUNTS
# Takes Dovecot's Archive folder away (the harness makes it for every user: here no
# account has one until the window creates it), fills alice's INBOX with <x0@tern.test>
# to <x9@tern.test> (x1 flagged, x2 read with the keyword $label1, x3 flagged and read
# with $work) and her folder Batch with twenty bigger ones <b0@…> to <b19@…>, makes
# bob's folder Projects, puts <c0@…> and <c1@…> in carol's INBOX, then adds alice and
# bob by IMAP through a proxy that can cut them off (composer-proxy.py: SIGUSR1 cuts
# every connection and refuses new ones, SIGUSR2 brings them back) and carol by POP3,
# and runs test-organise-accounts (TAP, in process). The test asks the servers
# through second IMAP sessions, straight to Dovecot:
#   TERN_TEST_WHERE        prints "USER MESSAGE-ID FOLDER FLAGS…" for every message of
#                          alice, bob and carol
#   TERN_TEST_FOLDERS U    prints U's folders on the server, sorted
#   TERN_TEST_CUT_WHEN U F N PID   waits until U's folder F holds N messages or more,
#                          then cuts Tern off (SIGUSR1 to the proxy PID,
#                          $TERN_TEST_PROXY_PID) and prints how many there were
#   TERN_TEST_OFFLINE, TERN_TEST_ONLINE   the IMAP servers unreachable for Tern, and back
set -euo pipefail
session=$1; cli=$2; bin=$3
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"
here=$(cd "$(dirname "$0")" && pwd)
password=${TERN_TEST_PASSWORD:-secret}

# No Archive folder made by Dovecot: the window offers to create one.
sed -i '/mailbox Archive {/,/}/ s/auto = subscribe/auto = no/' "$TERN_TEST_DOVECOT_CONF"
doveadm -c "$TERN_TEST_DOVECOT_CONF" reload
sleep 1

cat > "$TERN_SESSION_DIR/imap.py" <<'PY'
import imaplib, os, re, ssl
def connect(user):
    ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
    m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
    m.login(user, os.environ.get('TERN_TEST_PASSWORD', 'secret'))
    return m
def folders(m):
    typ, boxes = m.list()
    return sorted(line.decode().rsplit(' ', 1)[1].strip('"') for line in boxes)
def where(user):
    m = connect(user)
    out = []
    for name in folders(m):
        typ, count = m.select('"%s"' % name, readonly=True)
        if int(count[0]) == 0:
            continue
        typ, data = m.fetch('1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
        for part in data:
            if not isinstance(part, tuple):
                continue
            flags = re.search(rb'FLAGS \(([^)]*)\)', part[0]).group(1).decode().split()
            flags = [f for f in flags if f != '\\Recent']
            mid = re.search(rb'<([^>]*)>', part[1]).group(1).decode()
            out.append('%s %s %s %s' % (user, mid, name, ' '.join(sorted(flags))))
    m.logout()
    return out
PY

python3 - <<'PY'
import os, sys, time, email.utils
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect
def message(mid, subject, i, size=0):
    date = email.utils.formatdate(time.time() - i * 3600)
    body = 'Body of %s.\r\n' % mid + ('%s filler line to make the message bigger\r\n' % mid) * (size // 48)
    return ('From: Dan <dan@tern.test>\r\nTo: Alice <alice@tern.test>\r\nSubject: %s\r\n'
            'Message-ID: <%s@tern.test>\r\nDate: %s\r\n\r\n%s' % (subject, mid, date, body)).encode()
m = connect('alice')
flags = {1: '(\\Flagged)', 2: '(\\Seen $label1)', 3: '(\\Flagged \\Seen $work)'}
for i in range(10):
    typ, data = m.append('INBOX', flags.get(i), None, message('x%d' % i, 'Across %d' % i, i))
    assert typ == 'OK', data
m.create('Batch'); m.subscribe('Batch')
for i in range(20):
    typ, data = m.append('Batch', None, None, message('b%d' % i, 'Batch %d' % i, i, 256 * 1024))
    assert typ == 'OK', data
m.logout()
m = connect('bob')
m.create('Projects'); m.subscribe('Projects')
m.logout()
m = connect('carol')
for i in range(2):
    typ, data = m.append('INBOX', None, None, message('c%d' % i, 'Downloaded %d' % i, i))
    assert typ == 'OK', data
m.logout()
PY

cat > "$TERN_SESSION_DIR/where.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import where
print('\n'.join(where('alice') + where('bob') + where('carol')))
PY
export TERN_TEST_WHERE="python3 $TERN_SESSION_DIR/where.py"

cat > "$TERN_SESSION_DIR/folders.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect, folders
m = connect(sys.argv[1])
print(' '.join(folders(m)))
m.logout()
PY
export TERN_TEST_FOLDERS="python3 $TERN_SESSION_DIR/folders.py"

# The proxy between Tern and the IMAP server, one port for alice and one for bob; what
# Tern sends bob goes at 1 MB/s, so that the batch (5 MB) is cut off midway.
ports=$(python3 -c 'import socket
a=socket.socket(); a.bind(("127.0.0.1",0)); b=socket.socket(); b.bind(("127.0.0.1",0))
print(a.getsockname()[1], b.getsockname()[1])')
read -r alice_port bob_port <<< "$ports"
python3 "$here/composer-proxy.py" "$TERN_SESSION_DIR/proxy.pid" \
  "$alice_port:$TERN_TEST_IMAPS_PORT" "$bob_port:$TERN_TEST_IMAPS_PORT:1048576" &
for i in $(seq 100); do [ -s "$TERN_SESSION_DIR/proxy.pid" ] && break; sleep 0.05; done
proxy=$(cat "$TERN_SESSION_DIR/proxy.pid")
trap 'kill $proxy 2>/dev/null || true' EXIT
export TERN_TEST_OFFLINE="kill -USR1 $proxy" TERN_TEST_ONLINE="kill -USR2 $proxy"

cat > "$TERN_SESSION_DIR/cut-when.py" <<'PY'
import os, signal, sys, time
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect
user, folder, n, proxy = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
m = connect(user)
until = time.monotonic() + 120
while time.monotonic() < until:
    typ, data = m.status(folder, '(MESSAGES)')
    count = int(data[0].decode().rsplit('MESSAGES ', 1)[1].rstrip(')'))
    if count >= n:
        os.kill(proxy, signal.SIGUSR1)
        print(count)
        break
    time.sleep(0.01)
else:
    sys.exit('%s never held %d messages' % (folder, n))
m.logout()
PY
export TERN_TEST_CUT_WHEN="python3 $TERN_SESSION_DIR/cut-when.py"
export TERN_TEST_PROXY_PID=$proxy

for pair in "alice:$alice_port" "bob:$bob_port"; do
  user=${pair%%:*}; port=${pair##*:}
  "$cli" account add --email "$user@tern.test" --protocol imap --host "$TERN_TEST_HOST" \
    --port "$port" --security tls --user "$user" --pin-certificate "$TERN_TEST_CA_CERT" \
    --smtp-host "$TERN_TEST_HOST" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
    --password-command "echo $password" >/dev/null
done
"$cli" account add --email carol@tern.test --protocol pop3 --host "$TERN_TEST_HOST" \
  --port "$TERN_TEST_POP3S_PORT" --security tls --user carol --pin-certificate "$TERN_TEST_CA_CERT" \
  --smtp-host "$TERN_TEST_HOST" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --password-command "echo $password" >/dev/null

if [ -n "${TERN_TEST_GDB:-}" ]; then
  gdb -q -batch -ex run -ex bt --args "$bin" --tap
  exit 1
fi
"$bin" --tap
