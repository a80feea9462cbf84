#!/bin/bash
# tern-cli account test against the real Dovecot and Postfix: it logs in for real and
# names the cause of each failure. Run by tern-test-servers (TERN_TEST_* variables).
#   test-account-test.sh TERN_CLI
set -u
cli=$1
fails=0
ok() { echo "ok - $*"; }
fail() { echo "not ok - $*"; fails=$((fails + 1)); }

home=$(mktemp -d); trap 'rm -rf "$home"' EXIT
export XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache
h=$TERN_TEST_HOST
pass="--password-command 'echo $TERN_TEST_PASSWORD'"

add() { # email protocol host-args...
  local email=$1; shift
  "$cli" account add --email "$email" "$@" 2>/dev/null || fail "account add $email"
}
expect() { # name exit-code pattern account
  local name=$1 want=$2 pattern=$3 account=$4 out rc
  out=$("$cli" account test "$account" 2>&1); rc=$?
  if [ $rc = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then ok "$name"
  else fail "$name (exit $rc, output: $(tr '\n' '|' <<<"$out"))"; fi
}

add alice@tern.test --protocol imap --host "$h" --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD"
out=$("$cli" account test alice@tern.test 2>&1); rc=$?
if [ $rc = 0 ] && [ "$(grep -c 'OK: logged in' <<<"$out")" = 2 ]; then ok "IMAPS and submission: both log in"
else fail "IMAPS and submission (exit $rc: $(tr '\n' '|' <<<"$out"))"; fi

add bob@tern.test --protocol pop3 --host "$h" --port "$TERN_TEST_POP3_PORT" --security starttls --user bob \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD"
expect "POP3 with STLS logs in" 0 "OK: logged in" bob@tern.test

add carol@tern.test --protocol imap --host "$h" --port "$TERN_TEST_IMAP_PORT" --security starttls --user carol \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo wrong-password"
expect "a wrong password is a rejected login" 1 "\[login-rejected\]" carol@tern.test

add dave@tern.test --protocol imap --host "$h" --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --password-command "echo $TERN_TEST_PASSWORD"
fp=$(openssl x509 -in "$TERN_TEST_CA_CERT" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
expect "an unpinned self-signed certificate is not trusted, with its fingerprint" 1 \
  "\[certificate-untrusted\]" dave@tern.test
out=$("$cli" account test dave@tern.test 2>&1)
grep -q "$fp" <<<"$out" && ok "the diagnosis shows the certificate's SHA-256 fingerprint" \
  || fail "fingerprint $fp not in: $(tr '\n' '|' <<<"$out")"

# a port with nothing listening
free_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
add erin@tern.test --protocol imap --host "$h" --port "$free_port" --security tls --user alice \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD"
expect "an unused port is a refused connection" 1 "\[connection-refused\]" erin@tern.test

# the plain SMTP port offers no AUTH at all
add frank@tern.test --protocol imap --host "$h" --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SMTP_PORT" --smtp-security none \
  --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD"
expect "a server without the mechanism" 1 "\[mechanism-unsupported\]" frank@tern.test

# STARTTLS to a TLS port: the handshake never starts
add gina@tern.test --protocol imap --host "$h" --port "$TERN_TEST_IMAPS_PORT" --security starttls --user alice \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD"
expect "speaking plain text to a TLS port fails clearly" 1 "\[(tls-failed|timed-out|protocol-error|connection-lost)\]" gina@tern.test

[ $fails = 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
