#!/bin/bash
# Organising mail from the window, against the harness's Dovecot, under tern-session.
#   tern-test-servers DIR -- test-organise-window.sh TERN_SESSION TERN_CLI TEST_ORGANISE_WINDOW
# Fills alice's INBOX with twelve messages (Message-IDs <o0@tern.test> to
# <o11@tern.test>, o1 and o2 flagged or read) and makes a folder Receipts, adds the
# account with tern-cli through a proxy that can take the server "offline"
# (composer-proxy.py, the composer test's: SIGUSR1 down, SIGUSR2 up), then runs
# test-organise-window (TAP, in process). The test asks the server's state through a
# second IMAP session, straight to the server:
#   TERN_TEST_WHERE           prints "MESSAGE-ID FOLDER FLAGS…" for every message
#   TERN_TEST_DELETE_FOLDER F deletes the folder F on the server
#   TERN_TEST_FOLDERS         prints the server's folders, sorted
#   TERN_TEST_FILL F P N      appends N messages <P0@tern.test>… to the folder F
#                             (made if missing)
#   TERN_TEST_OFFLINE, TERN_TEST_ONLINE   the server unreachable for Tern, and back
set -euo pipefail
session=$1; cli=$2; bin=$3
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"
here=$(cd "$(dirname "$0")" && pwd)

cat > "$TERN_SESSION_DIR/imap.py" <<'PY'
import imaplib, os, re, ssl, sys, time, email.utils
def connect():
    ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
    m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
    m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
    return m
def where():
    m = connect()
    out = []
    typ, boxes = m.list()
    for line in boxes:
        name = line.decode().rsplit(' ', 1)[1].strip('"')
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
            out.append('%s %s %s' % (mid, name, ' '.join(sorted(flags))))
    m.logout()
    return out
PY

python3 - <<'PY'
import os, sys, time, email.utils
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect
m = connect()
now = time.time()
for i in range(12):
    date = email.utils.formatdate(now - i * 3600)
    msg = ('From: Bob <bob@tern.test>\r\nTo: Alice <alice@tern.test>\r\nSubject: Organise me %d\r\n'
           'Message-ID: <o%d@tern.test>\r\nDate: %s\r\n\r\nBody %d.\r\n' % (i, i, date, i)).encode()
    flags = '(\\Flagged)' if i == 1 else ('(\\Seen)' if i == 2 else None)
    m.append('INBOX', flags, None, msg)
m.create('Receipts'); m.subscribe('Receipts')
m.logout()
PY

cat > "$TERN_SESSION_DIR/where.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import where
print('\n'.join(where()))
PY
export TERN_TEST_WHERE="python3 $TERN_SESSION_DIR/where.py"

cat > "$TERN_SESSION_DIR/delete-folder.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect
m = connect()
typ, data = m.delete(sys.argv[1])
assert typ == 'OK', data
m.logout()
PY
export TERN_TEST_DELETE_FOLDER="python3 $TERN_SESSION_DIR/delete-folder.py"

cat > "$TERN_SESSION_DIR/folders.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect
m = connect()
typ, boxes = m.list()
print(' '.join(sorted(line.decode().rsplit(' ', 1)[1].strip('"') for line in boxes)))
m.logout()
PY
export TERN_TEST_FOLDERS="python3 $TERN_SESSION_DIR/folders.py"

cat > "$TERN_SESSION_DIR/fill.py" <<'PY'
import os, sys, time, email.utils
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect
folder, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
m = connect()
if folder != 'INBOX':
    m.create(folder); m.subscribe(folder)
now = time.time()
for i in range(n):
    msg = ('From: Carol <carol@tern.test>\r\nTo: Alice <alice@tern.test>\r\nSubject: %s %d\r\n'
           'Message-ID: <%s%d@tern.test>\r\nDate: %s\r\n\r\nBody %s %d.\r\n'
           % (prefix, i, prefix, i, email.utils.formatdate(now - 60 - i * 60), prefix, i)).encode()
    typ, data = m.append(folder, None, None, msg)
    assert typ == 'OK', data
m.logout()
PY
export TERN_TEST_FILL="python3 $TERN_SESSION_DIR/fill.py"

# The proxy between Tern and the IMAP server: a free port.
imap_proxy=$(python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$here/composer-proxy.py" "$TERN_SESSION_DIR/proxy.pid" "$imap_proxy:$TERN_TEST_IMAPS_PORT" &
for i in $(seq 100); do [ -s "$TERN_SESSION_DIR/proxy.pid" ] && break; sleep 0.05; done
proxy=$(cat "$TERN_SESSION_DIR/proxy.pid")
trap 'kill $proxy 2>/dev/null || true' EXIT
export TERN_TEST_OFFLINE="kill -USR1 $proxy" TERN_TEST_ONLINE="kill -USR2 $proxy"

"$cli" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
  --port "$imap_proxy" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" \
  --smtp-host "$TERN_TEST_HOST" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --password-command "echo ${TERN_TEST_PASSWORD:-secret}" >/dev/null

if [ -n "${TERN_TEST_GDB:-}" ]; then
  gdb -q -batch -ex run -ex bt --args "$bin" --tap
  exit 1
fi
"$bin" --tap
