#!/bin/bash
# The GUI's sync, in process, against the harness's Dovecot, under tern-session.
#   tern-test-servers DIR -- test-sync-window.sh TERN_SESSION TERN_CLI TEST_SYNC_WINDOW [N]
# Puts N messages (default 300) in alice's INBOX, adds the account with tern-cli in
# the session's private XDG dirs, then runs test-sync-window (TAP). With
# TERN_SEED_MAILDIR set (the benchmark), that Maildir is copied into alice's instead.
set -euo pipefail
session=$1; cli=$2; bin=$3; n=${4:-300}
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"

if [ -n "${TERN_SEED_MAILDIR:-}" ]; then
  maildir=$TERN_TEST_RUN/mail/alice/Maildir
  owner=$(stat -c %u:%g "$TERN_TEST_RUN/mail/alice")
  mkdir -p "$maildir"
  cp -a "$TERN_SEED_MAILDIR/." "$maildir/"
  chown -R "$owner" "$maildir"
  n=$(find "$TERN_SEED_MAILDIR/cur" "$TERN_SEED_MAILDIR/new" -type f | wc -l)
fi
python3 - "$n" <<'PY'
import imaplib, os, ssl, sys
n = int(sys.argv[1])
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
if not os.environ.get('TERN_SEED_MAILDIR'):
    for i in range(n):
        body = ('From: Bob <bob@tern.test>\r\nTo: alice@tern.test\r\nSubject: message %d\r\n'
                'Message-ID: <gui%d@tern.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n'
                'Body of message %d.\r\n' % (i, i, i)) + 'x' * (i * 37 % 4000) + '\r\n'
        m.append('INBOX', None, None, body.encode())
typ, data = m.status('INBOX', '(MESSAGES)')   # Dovecot indexes a copied Maildir here
assert b'MESSAGES %d' % n in data[0], data
m.logout()
PY

"$cli" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
  --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" \
  --smtp-host "$TERN_TEST_HOST" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --password-command "echo ${TERN_TEST_PASSWORD:-secret}" >/dev/null

TERN_EXPECT_MESSAGES=$n exec "$bin" --tap
