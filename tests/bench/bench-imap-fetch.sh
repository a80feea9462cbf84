#!/usr/bin/env bash
# bench-imap-fetch.sh: `UID FETCH 1:* BODY.PEEK[]` of N messages over IMAPS on loopback,
# Tern against the floor of a bare `openssl s_client` given the same commands pipelined,
# in the same run, against the private Dovecot of tests/servers/tern-test-servers. Not
# a meson test: run it by hand, as root (the harness needs root), after building:
#
#   ninja -C BUILD_DIR tests/bench/bench-imap-fetch
#   tests/bench/bench-imap-fetch.sh BUILD_DIR [N] [ROUNDS]   (N = 10000, ROUNDS = 5)
#
# The messages are ../shared/tools/gen-corpus.py -n N --seed 1 --maildir (all folders'
# messages go into alice's INBOX), the same for both clients. Both clients do the same
# four steps (TLS connect, LOGIN, SELECT INBOX, UID FETCH 1:* BODY.PEEK[], LOGOUT) and
# both timings are of the whole process. After a warm-up round of each, ROUNDS rounds
# alternate floor and Tern; the ratio is Tern's median over the floor's median, for the
# wall time and for the client's own CPU time (the one to trust on a busy machine). Tern's
# peak RSS comes from /usr/bin/time -v, for the first 1000 messages and for all N, to
# show that memory does not grow with the number of messages.
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
SOURCE_ROOT=$(cd -- "$HERE/../.." && pwd)

if [[ -z ${TERN_TEST_RUN:-} ]]; then
  (($# >= 1)) || { echo "usage: $0 BUILD_DIR [N] [ROUNDS]" >&2; exit 2; }
  BUILD=$(cd -- "$1" && pwd)
  mkdir -p "$BUILD/tests/bench"
  exec "$SOURCE_ROOT/tests/servers/tern-test-servers" "$BUILD/tests/bench" -- "$0" "$@"
fi

BUILD=$(cd -- "$1" && pwd)
N=${2:-10000}
ROUNDS=${3:-5}
BENCH=$BUILD/tests/bench/bench-imap-fetch
GEN=${TERN_GEN_CORPUS:-$SOURCE_ROOT/../shared/tools/gen-corpus.py}
CONF=$TERN_TEST_DOVECOT_CONF
[[ -x $BENCH ]] || { echo "$BENCH not built (ninja -C $BUILD tests/bench/bench-imap-fetch)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }
command -v openssl > /dev/null || { echo "openssl not found" >&2; exit 1; }

WORK=$TERN_TEST_RUN/bench
mkdir -p "$WORK"

# ---- the mailbox ---------------------------------------------------------------------
echo "generating $N messages (gen-corpus.py --seed 1) ..."
python3 "$GEN" -n "$N" --seed 1 --maildir "$WORK/maildir" > /dev/null
doveadm -c "$CONF" mailbox status -u alice messages INBOX > /dev/null   # creates the Maildir
MAILDIR=$TERN_TEST_RUN/mail/alice/Maildir
mkdir -p "$MAILDIR/cur"
find "$WORK/maildir" -path '*/cur/*' -type f -print0 | xargs -0 cp -p -t "$MAILDIR/cur/"
chown -R "$TERN_TEST_MAIL_USER:" "$MAILDIR"
doveadm -c "$CONF" force-resync -u alice INBOX
COUNT=$(doveadm -c "$CONF" mailbox status -u alice messages INBOX | sed 's/.*=//')
FILE_BYTES=$(find "$MAILDIR/cur" -type f -print0 | du -cb --files0-from=- | tail -n1 | cut -f1)
echo "INBOX: $COUNT messages, $FILE_BYTES bytes in the Maildir"
((COUNT == N)) || { echo "expected $N messages in INBOX" >&2; exit 1; }

COMMANDS=$(printf 'a LOGIN alice %s\r\nb SELECT INBOX\r\nc UID FETCH 1:* BODY.PEEK[]\r\nd LOGOUT\r\n' "$TERN_TEST_PASSWORD")
floor () {
  printf '%s' "$COMMANDS" | openssl s_client -quiet -CAfile "$TERN_TEST_CA_CERT" \
    -connect "$TERN_TEST_HOST:$TERN_TEST_IMAPS_PORT" 2> /dev/null
}
tern () {
  "$BENCH" "$TERN_TEST_HOST" "$TERN_TEST_IMAPS_PORT" "$TERN_TEST_CA_CERT" alice "$TERN_TEST_PASSWORD" "$@"
}

# ---- warm-up, and both clients really get everything ---------------------------------
FLOOR_FETCHES=$(floor | grep -c '^\* [0-9]* FETCH (UID' || true)
FLOOR_BYTES=$(floor | wc -c)
echo "floor check: $FLOOR_FETCHES FETCH responses, $FLOOR_BYTES bytes of IMAP received"
((FLOOR_FETCHES == N)) || { echo "the openssl floor did not get all $N messages" >&2; exit 1; }
echo "tern check: $(tern 1:* INBOX --checksum)"

# ---- timed rounds ------------------------------------------------------------------------
# /usr/bin/time gives each client's wall time and its own CPU time (user + system): on a
# busy machine the wall time also measures the other processes, the CPU time does not.
FLOOR_TIMES=(); TERN_TIMES=(); FLOOR_CPU=(); TERN_CPU=()
timed () {   # timed CMD...: runs CMD (its output discarded), prints "wall_ms cpu_ms"
  /usr/bin/time -f '%e %U %S' -o "$WORK/time.out" "$@" > /dev/null
  read -r wall user sys < "$WORK/time.out"
  echo "$(echo "$wall * 1000 / 1" | bc) $(echo "($user + $sys) * 1000 / 1" | bc)"
}
floor_cmd () { printf '%s' "$COMMANDS" | openssl s_client -quiet -CAfile "$TERN_TEST_CA_CERT" \
  -connect "$TERN_TEST_HOST:$TERN_TEST_IMAPS_PORT" > /dev/null 2>&1; }
export -f floor_cmd; export COMMANDS TERN_TEST_CA_CERT TERN_TEST_HOST TERN_TEST_IMAPS_PORT
for ((r = 1; r <= ROUNDS; r++)); do
  read -r fw fc < <(timed bash -c floor_cmd)
  read -r tw tc < <(timed "$BENCH" "$TERN_TEST_HOST" "$TERN_TEST_IMAPS_PORT" "$TERN_TEST_CA_CERT" alice \
                          "$TERN_TEST_PASSWORD")
  FLOOR_TIMES+=("$fw"); FLOOR_CPU+=("$fc"); TERN_TIMES+=("$tw"); TERN_CPU+=("$tc")
  echo "round $r: floor $fw ms (cpu $fc ms), tern $tw ms (cpu $tc ms), load $(cut -d' ' -f1 /proc/loadavg)"
done
median () { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
FLOOR_MED=$(median "${FLOOR_TIMES[@]}"); TERN_MED=$(median "${TERN_TIMES[@]}")
FLOOR_CPU_MED=$(median "${FLOOR_CPU[@]}"); TERN_CPU_MED=$(median "${TERN_CPU[@]}")
printf 'median of %d rounds: floor %d ms (%.1f MB/s of messages), tern %d ms (%.1f MB/s); ratio tern/floor %.3f\n' \
  "$ROUNDS" "$FLOOR_MED" "$(echo "$FILE_BYTES / 1000 / $FLOOR_MED" | bc -l)" \
  "$TERN_MED" "$(echo "$FILE_BYTES / 1000 / $TERN_MED" | bc -l)" "$(echo "$TERN_MED / $FLOOR_MED" | bc -l)"
printf 'client CPU time (user+sys), median: floor %d ms, tern %d ms; ratio %.3f\n' \
  "$FLOOR_CPU_MED" "$TERN_CPU_MED" "$(echo "$TERN_CPU_MED / $FLOOR_CPU_MED" | bc -l)"

# ---- memory: peak RSS for 1000 messages and for all of them ----------------------------
rss () {
  /usr/bin/time -v "$BENCH" "$TERN_TEST_HOST" "$TERN_TEST_IMAPS_PORT" "$TERN_TEST_CA_CERT" alice \
    "$TERN_TEST_PASSWORD" "$1" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
}
SMALL=$((N < 1000 ? N : 1000))
echo "peak RSS of tern: $(rss "1:$SMALL") KiB for $SMALL messages, $(rss "1:*") KiB for $N messages"
