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
  if [ "$mode" != nokeyring ]; then exec "$session" --keyring "$0" "$@"; fi
  exec "$session" --no-secrets "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"

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

if [ "$mode" = switch ]; then
  # A POP3 account whose N messages are here only (downloaded, deleted on the server),
  # switched to IMAP, killed midway, then finished: the server holds each once.
  export TERN_TEST_SWITCH_N=500
  cat > "$TERN_SESSION_DIR/imap.py" <<'PY'
import imaplib, os, ssl, sys, email, email.utils, time
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', os.environ['TERN_TEST_PASSWORD'])
m.select('INBOX')
if sys.argv[1] == 'fill':
    now = time.time()
    for i in range(int(os.environ['TERN_TEST_SWITCH_N'])):
        m.append('INBOX', '(\\Seen)' if i % 2 else None, None,
                 ('From: S <s@tern.test>\r\nTo: alice@tern.test\r\nSubject: Message %d\r\nMessage-ID: <sw%d@tern.test>\r\n'
                  'Date: %s\r\n\r\nBody %d.\r\n' % (i, i, email.utils.formatdate(now - i * 600), i)).encode())
else:
    # total, distinct Message-IDs, \\Seen, \\Flagged, INTERNALDATEs other than the Date header
    import re
    typ, data = (m.fetch('1:*', '(FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID DATE)])')
                 if int(m.select('INBOX')[1][0]) else ('OK', []))
    ids, seen, flagged, other_date = [], 0, 0, 0
    for p in data:
        if not isinstance(p, tuple):
            continue
        meta, headers = p[0].decode(), email.message_from_bytes(p[1])
        ids.append(headers['Message-ID'])
        seen += '\\Seen' in meta
        flagged += '\\Flagged' in meta
        internal = time.mktime(imaplib.Internaldate2tuple(p[0]))
        other_date += abs(internal - email.utils.parsedate_to_datetime(headers['Date']).timestamp()) > 1
    print(len(ids), len(set(ids)), seen, flagged, other_date)
m.logout()
PY
  python3 "$TERN_SESSION_DIR/imap.py" fill
  cli=$(dirname "$bin")/../../src/cli/tern-cli
  printf '%s\n' "$TERN_TEST_PASSWORD" | "$cli" account add --email alice@tern.test --protocol pop3 \
    --host localhost --port "$TERN_TEST_POP3S_PORT" --security tls --user alice \
    --smtp-host localhost --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
    --pin-certificate "$TERN_TEST_CA_CERT" --password-stdin --leave-on-server no >/dev/null
  "$cli" sync --account alice@tern.test >/dev/null
  # Some read, some flagged, here only (POP3 has no flags): the switch keeps them.
  mapfile -t newest < <("$cli" list INBOX --account alice@tern.test --json --limit 40 |
                         python3 -c 'import json, sys; [print(m["id"]) for m in json.load(sys.stdin)]')
  "$cli" mark --read "${newest[@]}" >/dev/null
  "$cli" mark --flagged "${newest[@]:0:10}" >/dev/null
  n=0
  step() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
  read -r total distinct seen flagged other_date < <(python3 "$TERN_SESSION_DIR/imap.py" count)
  step "the POP3 download left the server empty ($total)" '[ "$total" = 0 ]'
  set +e
  TERN_TEST_MODE=switch TERN_TEST_DIE_AT=250 "$bin" --tap > "$TERN_SESSION_DIR/tap-kill.txt" 2>&1
  status=$?
  set -e
  grep '^killed at' "$TERN_SESSION_DIR/tap-kill.txt" | sed 's/^/# /' || true
  step "the switch was killed midway (status $status)" '[ "$status" = 137 ]'
  read -r total distinct seen flagged other_date < <(python3 "$TERN_SESSION_DIR/imap.py" count)
  step "midway the server held part of the mail ($total of $TERN_TEST_SWITCH_N)" \
    '[ "$total" -gt 0 ] && [ "$total" -lt "$TERN_TEST_SWITCH_N" ] && [ "$total" = "$distinct" ]'
  run switch
  read -r total distinct seen flagged other_date < <(python3 "$TERN_SESSION_DIR/imap.py" count)
  step "after the resumed switch the server holds each message once ($total, $distinct distinct)" \
    '[ "$total" = "$TERN_TEST_SWITCH_N" ] && [ "$distinct" = "$TERN_TEST_SWITCH_N" ]'
  step "flags kept ($seen read, $flagged flagged) and dates kept ($other_date INTERNALDATEs not the Date)" \
    '[ "$seen" = 40 ] && [ "$flagged" = 10 ] && [ "$other_date" = 0 ]'
  echo "1..$n"
  exit 0
fi

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
