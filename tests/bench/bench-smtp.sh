#!/usr/bin/env bash
# bench-smtp.sh: msmtp sending N messages one by one, against Tern sending the same N
# messages over one connection, both to the private Postfix submission port (STARTTLS,
# AUTH PLAIN) of tests/servers/tern-test-servers. Not a meson test: run it by hand, as
# root (the harness needs root), after building:
#
#   tests/bench/bench-smtp.sh BUILD_DIR [N]        (N defaults to 1000)
#
# The messages are ../shared/tools/gen-corpus.py -n N --seed 4 --eml (realistic sizes:
# most 2-20 KB, a few up to 3 MB), the same files for both. msmtp runs once per message
# (connect, STARTTLS, AUTH, send, QUIT), as a user's script would; Tern's bench-smtp
# keeps one connection and pipelines (ninja -C BUILD tests/bench/bench-smtp first).
# Both times include reading the files. The script then waits until Postfix has
# delivered all 2N messages into bob's INBOX and checks the count.
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
BENCH=$BUILD/tests/bench/bench-smtp
GEN=${TERN_GEN_CORPUS:-$SOURCE_ROOT/../shared/tools/gen-corpus.py}
command -v msmtp > /dev/null || { echo "msmtp not found (apt-get install msmtp)" >&2; exit 1; }
[[ -x $BENCH ]] || { echo "$BENCH not built" >&2; exit 1; }

WORK=$TERN_TEST_RUN/bench
mkdir -p "$WORK/eml"
python3 "$GEN" -n "$N" --seed 4 --eml "$WORK/eml" > /dev/null
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

echo "messages: $N files, $BYTES bytes (gen-corpus.py --seed 4)"
echo "msmtp $(msmtp --version | head -n1 | awk '{print $3}'), one process and one connection per message ..."
t0=$(now)
for f in "$WORK"/eml/*.eml; do
  msmtp -C "$WORK/msmtprc" "bob@$TERN_TEST_DOMAIN" < "$f"
done
t1=$(now)
MSMTP_NS=$((t1 - t0))
printf 'msmtp: %d messages: %.3f s in all (%.2f ms per message)\n' "$N" \
  "$(echo "$MSMTP_NS / 1000000000" | bc -l)" "$(echo "$MSMTP_NS / 1000000 / $N" | bc -l)"

echo "tern, one connection with PIPELINING ..."
t0=$(now)
"$BENCH" "$TERN_TEST_HOST" "$TERN_TEST_SUBMISSION_PORT" "$TERN_TEST_CA_CERT" alice "$TERN_TEST_PASSWORD" \
  "alice@$TERN_TEST_DOMAIN" "bob@$TERN_TEST_DOMAIN" "$WORK/eml"
t1=$(now)
TERN_NS=$((t1 - t0))
printf 'tern (whole process): %.3f s (%.2f ms per message)\n' \
  "$(echo "$TERN_NS / 1000000000" | bc -l)" "$(echo "$TERN_NS / 1000000 / $N" | bc -l)"
printf 'ratio tern/msmtp: %.4f (msmtp/tern: %.1fx)\n' \
  "$(echo "$TERN_NS / $MSMTP_NS" | bc -l)" "$(echo "$MSMTP_NS / $TERN_NS" | bc -l)"

# Both runs really delivered everything.
expected=$((2 * N))
for _ in $(seq 1 600); do
  got=$(doveadm -c "$TERN_TEST_DOVECOT_CONF" search -u bob mailbox INBOX all | wc -l)
  ((got >= expected)) && break
  sleep 0.5
done
echo "delivered into bob's INBOX: $got of $expected"
((got == expected))
