#!/bin/bash
# The sidebar's folders against the harness's Dovecot, under tern-session: the
# subscribed-only view and moving a folder by drag and drop.
#   tern-test-servers DIR -- test-sidebar-folders.sh TERN_SESSION TERN_CLI TEST_SIDEBAR_FOLDERS
# Makes alice's folders (every one subscribed): Lists, Lists/dev, Old, Clients (three
# messages <c0@tern.test>…), Clients/Acme (two, <a0@tern.test>…), and two messages in
# the INBOX; adds the account with tern-cli, then runs test-sidebar-folders (TAP, in
# process). The test asks the server through a second IMAP session, straight to it:
#   TERN_TEST_SERVER folders          the folders (LIST), sorted, space-separated
#   TERN_TEST_SERVER subscribed       the subscribed folders (LSUB), sorted
#   TERN_TEST_SERVER mids FOLDER      the Message-IDs in FOLDER, sorted
#   TERN_TEST_SERVER unsubscribe|subscribe|create FOLDER
set -euo pipefail
session=$1; cli=$2; bin=$3
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"

cat > "$TERN_SESSION_DIR/server.py" <<'PY'
import imaplib, os, re, ssl, sys, time, email.utils

def connect():
    ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
    m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
    m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
    return m

def names(lines):
    return sorted(line.decode().rsplit(' ', 1)[1].strip('"') for line in lines if line is not None)

def append(m, folder, mid, subject):
    msg = ('From: Bob <bob@tern.test>\r\nTo: Alice <alice@tern.test>\r\nSubject: %s\r\n'
           'Message-ID: <%s@tern.test>\r\nDate: %s\r\n\r\nBody of %s.\r\n'
           % (subject, mid, email.utils.formatdate(time.time() - 60), mid)).encode()
    typ, data = m.append(folder, None, None, msg)
    assert typ == 'OK', data

def check(result):
    typ, data = result
    assert typ == 'OK', data

m = connect()
cmd = sys.argv[1]
if cmd == 'setup':
    for folder in ('Lists', 'Lists/dev', 'Old', 'Clients', 'Clients/Acme'):
        check(m.create(folder)); check(m.subscribe(folder))
    for i in range(3):
        append(m, 'Clients', 'c%d' % i, 'Client %d' % i)
    for i in range(2):
        append(m, 'Clients/Acme', 'a%d' % i, 'Acme %d' % i)
        append(m, 'INBOX', 'i%d' % i, 'Inbox %d' % i)
elif cmd == 'folders':
    typ, boxes = m.list()
    print(' '.join(names(boxes)))
elif cmd == 'subscribed':
    typ, boxes = m.lsub()
    print(' '.join(names(boxes)))
elif cmd == 'mids':
    typ, count = m.select('"%s"' % sys.argv[2], readonly=True)
    assert typ == 'OK', count
    mids = []
    if int(count[0]) > 0:
        typ, data = m.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
        for part in data:
            if isinstance(part, tuple):
                mids.append(re.search(rb'<([^@>]*)@', part[1]).group(1).decode())
    print(' '.join(sorted(mids)))
elif cmd in ('unsubscribe', 'subscribe', 'create'):
    check(getattr(m, cmd)(sys.argv[2]))
else:
    sys.exit('unknown command ' + cmd)
m.logout()
PY
export TERN_TEST_SERVER="python3 $TERN_SESSION_DIR/server.py"
$TERN_TEST_SERVER setup

"$cli" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
  --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" \
  --smtp-host "$TERN_TEST_HOST" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --password-command "echo ${TERN_TEST_PASSWORD:-secret}" >/dev/null

if [ -n "${TERN_TEST_GDB:-}" ]; then
  gdb -q -batch -ex run -ex bt --args "$bin" --tap
  exit 1
fi
"$bin" --tap
