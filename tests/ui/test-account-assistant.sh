#!/bin/bash
# The account assistant against the harness's Dovecot and Postfix, under tern-session.
#   tern-test-servers DIR -- test-account-assistant.sh TERN_SESSION TEST_BINARY keyring|nokeyring
# Fills the Inboxes of alice (12 messages), bob (7) and carol (3) over IMAP, then runs
# the in-process test (TAP). Afterwards the password must be in no file at all: every
# file of the session (the store, its WAL, the settings, the caches, the keyring's own
# files) is searched for it. With "keyring", the keyring holds it (checked with
# secret-tool too); with "nokeyring" (no Secret Service on the bus) the test runs
# twice: the assistant, then the next start, which asks for the password.
set -euo pipefail
session=$1; bin=$2; mode=$3
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  if [ "$mode" = keyring ]; then exec "$session" --keyring "$0" "$@"; fi
  exec "$session" --no-secrets "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"

python3 - <<'PY'
import imaplib, os, ssl, time, email.utils
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
now = time.time()
for user, n in (('alice', 12), ('bob', 7), ('carol', 3)):
    m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
    m.login(user, os.environ['TERN_TEST_PASSWORD'])
    for i in range(n):
        date = email.utils.formatdate(now - i * 3600)
        m.append('INBOX', None, None, ('From: Sender %d <s%d@tern.test>\r\nTo: %s@tern.test\r\nSubject: Hello %s %d\r\n'
                                       'Message-ID: <a%d.%s@tern.test>\r\nDate: %s\r\n\r\nBody %d.\r\n'
                                       % (i, i, user, user, i, i, user, date, i)).encode())
    m.logout()
PY

n=0
run() {  # run the test binary in a mode; its TAP lines renumbered into ours
  local status
  set +e
  local wrap=; [ "${TERN_TEST_WRAP_MODE:-$1}" = "$1" ] && wrap=${TERN_TEST_WRAP:-}
  TERN_TEST_MODE=$1 $wrap "$bin" --tap > "$TERN_SESSION_DIR/tap-$1.txt"
  status=$?
  set -e
  while IFS= read -r line; do
    if [[ "$line" =~ ^(not\ )?ok\ [0-9]+(.*)$ ]]; then
      n=$((n + 1)); echo "${BASH_REMATCH[1]}ok $n${BASH_REMATCH[2]}"
    elif [[ ! "$line" =~ ^1\.\.[0-9]+$ ]]; then
      echo "$line"
    fi
  done < "$TERN_SESSION_DIR/tap-$1.txt"
  if [ "$status" != 0 ]; then echo "not ok $((n + 1)) - $1 exited with $status"; echo "1..$((n + 1))"; exit 1; fi
}

if [ "$mode" = keyring ]; then
  run keyring
  n=$((n + 1))
  got=$(secret-tool lookup account alice@tern.test || true)
  if [ "$got" = "$TERN_TEST_PASSWORD" ]; then echo "ok $n - secret-tool finds alice's password in the keyring"
  else echo "not ok $n - secret-tool: the keyring does not hold alice's password"; fi
else
  run nokeyring-setup
  run nokeyring-restart
fi

# Nowhere on disk: no file of the session holds the password in clear.
n=$((n + 1))
hits=$(grep -r -a -l -F -- "$TERN_TEST_PASSWORD" "$TERN_SESSION_DIR" 2>/dev/null | grep -v '/tap-' || true)
files=$(find "$XDG_DATA_HOME/tern" "$XDG_CONFIG_HOME/tern" -type f | wc -l)
if [ -z "$hits" ] && [ "$files" -ge 2 ]; then
  echo "ok $n - the password is in none of the $(find "$TERN_SESSION_DIR" -type f | wc -l) files of the session ($files of Tern's)"
else
  echo "not ok $n - the password is on disk: ${hits:-no Tern files were written}"
fi
echo "1..$n"
