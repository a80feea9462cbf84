#!/bin/bash
# The main window against the harness's Dovecot, under tern-session (keyring, AT-SPI).
#   tern-test-servers DIR -- test-mail-window.sh TERN_SESSION TERN_CLI TEST_MAIL_WINDOW TERN
# Fills alice's mailbox over IMAP (an INBOX of 40 messages from this week back to
# 2019, one with an attachment, one in HTML with a remote image, a search word,
# flags, a conversation of three from last year; folders Projects, Projects/2024 and
# Receipts), adds the account with tern-cli (bodies of the last 60 days: the
# conversation's are fetched when it is opened), then
#  1. runs test-mail-window (TAP, in process, GTK_A11Y=test): the engine's own sync
#     fills the store; TERN_TEST_DELIVER appends a message while the test runs,
#     TERN_TEST_SERVER_FLAGS SUBJECT prints the server's flags of a message (a
#     second IMAP session);
#  2. starts the real `tern` on the same store with AT-SPI, dumps its accessibility
#     tree (tern-atspi-tree.txt next to the screenshots), checks that every button
#     and every list row has a name, and moves through the message list with the
#     real Down key (xdotool).
set -euo pipefail
session=$1; cli=$2; bin=$3; tern=$4
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring --a11y "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"
here=$(cd "$(dirname "$0")" && pwd)

cat > "$TERN_SESSION_DIR/imap.py" <<'PY'
import imaplib, os, ssl, sys, time, email.utils
def connect():
    ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
    m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
    m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
    return m
def message(i, sender, subject, body, when, extra=''):
    date = email.utils.formatdate(when, localtime=False)
    return ('From: %s\r\nTo: Alice <alice@tern.test>\r\nSubject: %s\r\nMessage-ID: <w%s@tern.test>\r\n'
            'Date: %s\r\n%s\r\n%s\r\n' % (sender, subject, i, date, extra, body)).encode()
PY

python3 - <<'PY'
import os, sys, time
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect, message
m = connect()
now = time.time()
people = ['Bob Builder <bob@tern.test>', '"Jones, Carol" <carol@tern.test>', 'dave@tern.test',
          '=?utf-8?q?Ren=C3=A9e_Dupr=C3=A9?= <renee@tern.test>']
for i in range(40):
    when = now - i * 3 * 3600 - (0 if i < 5 else i * 86400)
    body = 'Body of message %d. %s' % (i, 'The quokka smiles at the camera.' if i == 7 else 'Nothing special here.')
    extra = ''
    if i == 9:
        extra = 'MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n'
        body = ('<html><body><h2 style="color:#1c71d8">Quarterly news</h2>'
                '<p>Body of message 9, in <b>HTML</b>.</p>'
                '<p><img src="http://images.tern.test/chart.png" width="160" height="60" alt="a chart"></p>'
                '</body></html>')
    if i == 3:
        extra = ('MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n')
        body = ('--b\r\nContent-Type: text/plain\r\n\r\nSee the attached report.\r\n--b\r\n'
                'Content-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\n'
                'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--')
    flags = '(\\Seen \\Flagged)' if i == 5 else ('(\\Seen)' if i % 3 == 2 else None)
    m.append('INBOX', flags, None, message(i, people[i % len(people)], 'Message number %d' % i, body, when, extra))
# A conversation of three, older than the rest (at the bottom of the list).
old = now - 400 * 86400
m.append('INBOX', '(\\Seen)', None, message('t1', 'Bob Builder <bob@tern.test>', 'Trip plans', 'Shall we go?', old))
m.append('INBOX', '(\\Seen)', None, message('t2', 'Dave Doe <dave@tern.test>', 'Re: Trip plans', 'Yes!', old + 3600,
                                         'In-Reply-To: <wt1@tern.test>\r\nReferences: <wt1@tern.test>\r\n'))
m.append('INBOX', '(\\Seen)', None, message('t3', 'Erin <erin@tern.test>', 'Re: Trip plans', 'Count me in.', old + 7200,
                                         'In-Reply-To: <wt2@tern.test>\r\nReferences: <wt1@tern.test> <wt2@tern.test>\r\n'))
for f in ('Projects', 'Projects/2024', 'Receipts'):
    m.create(f); m.subscribe(f)
for i in range(3):
    m.append('Projects', '(\\Seen)', None, message(100 + i, people[0], 'Project plan %d' % i, 'Plans.', now - i * 86400))
m.logout()
PY

cat > "$TERN_SESSION_DIR/deliver.py" <<'PY'
import os, sys, time
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect, message
m = connect()
m.append('INBOX', None, None, message('new', 'Carol New <carol.new@tern.test>', 'A new arrival', 'Fresh mail.', time.time()))
m.logout()
PY
export TERN_TEST_DELIVER="python3 $TERN_SESSION_DIR/deliver.py"

cat > "$TERN_SESSION_DIR/flags.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['TERN_SESSION_DIR'])
from imap import connect
m = connect()
m.select('INBOX', readonly=True)
typ, data = m.search(None, 'HEADER', 'Subject', '"%s"' % sys.argv[1])
for n in data[0].split():
    typ, f = m.fetch(n, '(FLAGS)')
    print(f[0].decode())
m.logout()
PY
export TERN_TEST_SERVER_FLAGS="python3 $TERN_SESSION_DIR/flags.py"

"$cli" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
  --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" --body-days 60 \
  --smtp-host "$TERN_TEST_HOST" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --password-command "echo ${TERN_TEST_PASSWORD:-secret}" >/dev/null

# 1. in process; its TAP plan is moved to the end, after the AT-SPI check's line
set +e
GTK_A11Y=test "$bin" --tap | tee "$TERN_SESSION_DIR/tap.txt" | grep -v -E '^1\.\.[0-9]+$'
status=${PIPESTATUS[0]}
set -e
n=$(grep -cE '^(not )?ok [0-9]+' "$TERN_SESSION_DIR/tap.txt" || true)
if [ "$status" != 0 ]; then echo "1..$n"; exit "$status"; fi

# 2. the real binary, through AT-SPI and the real keyboard
echo "# AT-SPI: the real tern binary"
export GTK_A11Y=atspi
"$tern" >"$TERN_SESSION_DIR/tern.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
n=$((n + 1))
if ! /usr/bin/python3 "$here/atspi-check.py" tern "${TERN_SCREENSHOT_DIR:-.}/tern-atspi-tree.txt"; then
  echo "not ok $n - AT-SPI tree and keyboard of the real binary"; echo "1..$n"
  sed 's/^/# tern: /' "$TERN_SESSION_DIR/tern.log"; exit 1
fi
# (WebKit's word that it renders without GL is no warning here: GDK_DEBUG=gl-disable)
if grep -E 'CRITICAL|WARNING' "$TERN_SESSION_DIR/tern.log" | grep -v 'GL support disabled via GDK_DEBUG' |
   sed 's/^/# tern: /' | grep .; then
  echo "not ok $n - the real binary logged warnings"; echo "1..$n"; exit 1
fi
echo "ok $n - AT-SPI tree and keyboard of the real binary"
echo "1..$n"
