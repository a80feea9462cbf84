#!/bin/bash
# A certificate pin must not leak to another account through TLS session resumption.
# Two accounts on the same host and port, the first pinned to the test server's
# self-signed certificate, the second without a pin, synced by one tern-cli process (as
# the GUI serves every account from one process). The server is a TLS front with
# session tickets (tls-resume-proxy.py) over Dovecot's plain IMAP port: the second
# account must refuse the certificate and never send its password.
# Run by tern-test-servers (TERN_TEST_* variables).
#   test-pin-resumption.sh TERN_CLI PROXY
set -u
cli=$1
proxy=$2
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; fails=$((fails + 1)); }

home=$(mktemp -d)
proxy_pid=
cleanup() { [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null; rm -rf "$home"; }
trap cleanup EXIT
export XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache
h=$TERN_TEST_HOST

python3 "$proxy" "$TERN_TEST_RUN/etc/cert.pem" "$TERN_TEST_RUN/etc/key.pem" "$TERN_TEST_IMAP_PORT" \
  "$home/port" "$home/handshakes" 2>"$home/proxy.err" &
proxy_pid=$!
for _ in $(seq 50); do [ -s "$home/port" ] && break; sleep 0.1; done
port=$(cat "$home/port" 2>/dev/null)
if [ -z "$port" ]; then
  echo "Bail out! the TLS proxy did not start: $(cat "$home/proxy.err")"
  exit 1
fi

echo "1..4"
"$cli" account add --email alice@tern.test --protocol imap --host "$h" --port "$port" --security tls \
  --user alice --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD" \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls >/dev/null
"$cli" account add --email bob@tern.test --protocol imap --host "$h" --port "$port" --security tls \
  --user bob --password-command "echo $TERN_TEST_PASSWORD" \
  --smtp-host "$h" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls >/dev/null

out=$("$cli" sync 2>&1); rc=$?
# The status lines are the account's newest: a quick sync's "done" may be replaced by the
# "up to date" that follows it (said only once the sync succeeded) before it is printed.
if grep -Eq "^alice@tern.test: (done|up to date)$" <<<"$out"; then ok "the pinned account syncs"
else fail "the pinned account syncs (output: $(tr '\n' '|' <<<"$out"))"; fi
if [ $rc != 0 ] && grep -q "bob@tern.test: The certificate of $h is not trusted" <<<"$out" &&
   ! grep -Eq "^bob@tern.test: (done|up to date)$" <<<"$out"; then
  ok "the account without a pin refuses the certificate"
else fail "the account without a pin refuses the certificate (exit $rc, output: $(tr '\n' '|' <<<"$out"))"; fi

# Dovecot logs every authentication attempt with its user name.
if ! grep -q "user=<bob>" "$TERN_TEST_LOG_DIR/dovecot.log"; then ok "the second account never sent its password"
else fail "the second account logged in: $(grep "user=<bob>" "$TERN_TEST_LOG_DIR/dovecot.log" | tr '\n' '|')"; fi
if [ "$(grep -c . "$home/handshakes")" -ge 2 ]; then ok "both accounts reached the server ($(tr '\n' ' ' <"$home/handshakes"))"
else fail "both accounts reached the server (handshakes: $(tr '\n' ' ' <"$home/handshakes"))"; fi

exit $((fails > 0))
