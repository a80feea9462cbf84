#!/usr/bin/env bash
# bench-outbox.sh: msmtp sending N messages one by one, against Tern sending the same
# N messages through its outbox (tern-cli send --queue for each, then one
# tern-cli outbox --flush: one connection, PIPELINING), both to the private Postfix
# submission port (STARTTLS, AUTH PLAIN) of tests/servers/tern-test-servers. Not a
# meson test: run it by hand, as root, after building:
#
#   tests/bench/bench-outbox.sh BUILD_DIR [N]        (N defaults to 1000)
#
# The messages are gen-corpus.py -n N --seed 4 --eml (as bench-smtp.sh), with To set to
# bob@tern.test and Cc/Bcc removed (the outbox takes the recipients from the header).
# The figure compared is the flush (the sending); the queueing (N processes) is shown
# apart. Both runs are then checked: all 2N messages delivered into bob's INBOX.
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
SOURCE_ROOT=$(cd -- "$HERE/../.." && pwd)

if [[ -z ${TERN_TEST_RUN:-} ]]; then
  (($# >= 1)) || { echo "usage: $0 BUILD_DIR [N]" >&2; exit 2; }
  BUILD=$(cd -- "$1" && pwd)
  mkdir -p "$BUILD/tests/bench"
  exec "$SOURCE_ROOT/tests/servers/tern-test-servers" "$BUILD/tests/bench" -- "$0" "$@"
fi

BUILD=$(cd -- "$1" && pwd)
N=${2:-1000}
CLI=$BUILD/src/cli/tern-cli
GEN=${TERN_GEN_CORPUS:-$SOURCE_ROOT/../shared/tools/gen-corpus.py}
command -v msmtp > /dev/null || { echo "msmtp not found (apt-get install msmtp)" >&2; exit 1; }
[[ -x $CLI ]] || { echo "$CLI not built" >&2; exit 1; }

WORK=$TERN_TEST_RUN/bench
mkdir -p "$WORK/eml"
python3 "$GEN" -n "$N" --seed 4 --eml "$WORK/eml" > /dev/null
python3 - "$WORK/eml" <<'PY'
import email.parser, email.policy, pathlib, sys
for p in pathlib.Path(sys.argv[1]).glob("*.eml"):
    raw = p.read_bytes()
    sep = raw.find(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.find(b"\n\n")
    nl = b"\r\n" if b"\r\n\r\n" in raw else b"\n"
    head, body = raw[:sep], raw[sep:]
    out, skip = [], False
    for line in head.split(nl):
        if line[:1] in (b" ", b"\t"):
            if not skip:
                out.append(line)
            continue
        skip = line.split(b":", 1)[0].strip().lower() in (b"to", b"cc", b"bcc")
        if not skip:
            out.append(line)
    out.append(b"To: bob@tern.test")
    p.write_bytes(nl.join(out) + body)
PY
BYTES=$(cat "$WORK"/eml/*.eml | wc -c)

cat > "$WORK/msmtprc" <<CONF
defaults
logfile $WORK/msmtp.log
account bench
host $TERN_TEST_HOST
port $TERN_TEST_SUBMISSION_PORT
tls on
tls_starttls on
tls_trust_file $TERN_TEST_CA_CERT
auth plain
user alice
password $TERN_TEST_PASSWORD
from alice@$TERN_TEST_DOMAIN
account default : bench
CONF
chmod 600 "$WORK/msmtprc"

now () { date +%s%N; }
secs () { echo "$1 / 1000000000" | bc -l; }

echo "messages: $N files, $BYTES bytes (gen-corpus.py --seed 4)"
echo "msmtp, one process and one connection per message ..."
t0=$(now)
for f in "$WORK"/eml/*.eml; do
  msmtp -C "$WORK/msmtprc" "bob@$TERN_TEST_DOMAIN" < "$f"
done
t1=$(now)
MSMTP_NS=$((t1 - t0))
printf 'msmtp: %d messages: %.3f s\n' "$N" "$(secs $MSMTP_NS)"

export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/config XDG_DATA_HOME=$WORK/home/data
mkdir -p "$HOME"
"$CLI" account add --email "alice@$TERN_TEST_DOMAIN" --protocol pop3 --host "$TERN_TEST_HOST" \
  --port "$TERN_TEST_POP3S_PORT" --security tls --smtp-host "$TERN_TEST_HOST" \
  --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls --user alice \
  --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD" > /dev/null 2>&1

echo "tern: queueing (tern-cli send --queue, one process per message) ..."
t0=$(now)
for f in "$WORK"/eml/*.eml; do
  "$CLI" send --queue "$f" > /dev/null
done
t1=$(now)
printf 'tern queueing: %.3f s\n' "$(secs $((t1 - t0)))"

echo "tern: tern-cli outbox --flush (one connection, PIPELINING) ..."
t0=$(now)
"$CLI" outbox --flush > /dev/null 2> "$WORK/flush.log"
t1=$(now)
TERN_NS=$((t1 - t0))
printf 'tern outbox flush: %d messages: %.3f s\n' "$N" "$(secs $TERN_NS)"
printf 'ratio tern-flush/msmtp: %.4f (target <= 0.1)\n' "$(echo "$TERN_NS / $MSMTP_NS" | bc -l)"

expected=$((2 * N))
for _ in $(seq 1 600); do
  got=$(doveadm -c "$TERN_TEST_DOVECOT_CONF" search -u bob mailbox INBOX all | wc -l)
  ((got >= expected)) && break
  sleep 0.5
done
echo "delivered into bob's INBOX: $got of $expected"
((got == expected))
