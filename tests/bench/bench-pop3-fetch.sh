#!/usr/bin/env bash
# bench-pop3-fetch.sh: downloading N messages over POP3S on loopback, fetchmail against
# `tern-cli sync` of a POP3 account, in the same run, against the private Dovecot of
# tests/servers/tern-test-servers. Not a meson test: run it by hand, as root (the
# harness needs root), after building:
#
#   tests/bench/bench-pop3-fetch.sh BUILD_DIR [N] [ROUNDS]     (N = 10000, ROUNDS = 1)
#
# Needs fetchmail (apt-get install -y fetchmail) and /usr/bin/time.
#
# The messages are ../shared/tools/gen-corpus.py -n N --seed 1 --maildir (every folder's
# messages copied into alice's INBOX: POP3 sees the INBOX only), chowned to the mail
# user, then `doveadm force-resync -u alice INBOX`.
#
# fetchmail: POP3S (ssl), keep (the messages stay on the server), all (every message,
# not just the unseen), each message piped to an MDA `cat > /dev/null` (fetchmail runs
# the MDA once per message: that is its normal way to deliver without an MTA). The
# harness's certificate is self-signed (CN=localhost, SAN 127.0.0.1): fetchmail is given
# it with sslcertfile and checks it (sslcertck), so no verification is switched off.
# Tern: a fresh home, a POP3 account (leave on server, the default) pinned to the same
# certificate, `tern-cli sync`: every message downloaded by UIDL and stored in the
# SQLite store (full text index included). Both timings are of the whole process.
#
# Before the timed rounds, one untimed fetchmail run warms Dovecot's POP3 caches (UIDL
# and sizes of every message) and the page cache, so neither client pays for them.
# Each round runs Tern then fetchmail; the ratio is of the medians (wall time), the
# target being Tern <= 0.8 x fetchmail. The load average is printed with each round.
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
ROUNDS=${3:-1}
CLI=$BUILD/src/cli/tern-cli
GEN=${TERN_GEN_CORPUS:-$SOURCE_ROOT/../shared/tools/gen-corpus.py}
CONF=$TERN_TEST_DOVECOT_CONF
[[ -x $CLI ]] || { echo "$CLI not built" >&2; exit 1; }
command -v fetchmail > /dev/null || { echo "fetchmail not found (apt-get install -y fetchmail)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }

WORK=$TERN_TEST_RUN/bench
mkdir -p "$WORK"

# ---- the mailbox ---------------------------------------------------------------------
echo "generating $N messages (gen-corpus.py --seed 1) ..."
/usr/bin/python3 "$GEN" -n "$N" --seed 1 --maildir "$WORK/maildir" > /dev/null
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

# ---- the clients ---------------------------------------------------------------------
cat > "$WORK/fetchmailrc" <<CONF
set no syslog
poll $TERN_TEST_HOST protocol pop3 service $TERN_TEST_POP3S_PORT
  user "alice" password "$TERN_TEST_PASSWORD"
  ssl sslcertck sslcertfile "$TERN_TEST_CA_CERT" sslcommonname localhost
  keep fetchall
  mda "cat > /dev/null"
CONF
chmod 600 "$WORK/fetchmailrc"
fetchmail_run () {
  rm -f "$WORK/fetchmail.ids" "$WORK/fetchmail.pid"
  fetchmail -f "$WORK/fetchmailrc" --idfile "$WORK/fetchmail.ids" --pidfile "$WORK/fetchmail.pid" \
    --nodetach -v > "$WORK/fetchmail.log" 2>&1 || [[ $? == 0 ]]
}
fetchmail_count () { grep -c 'reading message' "$WORK/fetchmail.log" || true; }

tern_home () {   # a fresh home with the POP3 account
  export HOME=$WORK/tern-home-$1 XDG_CONFIG_HOME=$WORK/tern-home-$1/config
  export XDG_DATA_HOME=$WORK/tern-home-$1/data XDG_CACHE_HOME=$WORK/tern-home-$1/cache
  rm -rf "$HOME"; mkdir -p "$HOME"
  "$CLI" account add --email "alice@$TERN_TEST_DOMAIN" --protocol pop3 --host "$TERN_TEST_HOST" \
    --port "$TERN_TEST_POP3S_PORT" --security tls --user alice \
    --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD" > /dev/null 2>&1
}
tern_count () {
  sqlite3 "$XDG_DATA_HOME/tern/store.db" \
    "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.path = 'INBOX'"
}

timed () {   # timed CMD...: prints "wall_ms cpu_ms" (the process and its children)
  /usr/bin/time -f '%e %U %S' -o "$WORK/time.out" "$@" > /dev/null 2>> "$WORK/timed.err"
  read -r wall user sys < "$WORK/time.out"
  echo "$(echo "$wall * 1000 / 1" | bc) $(echo "($user + $sys) * 1000 / 1" | bc)"
}
export -f fetchmail_run; export WORK

# ---- warm-up, and fetchmail really gets everything --------------------------------------
echo "warm-up: fetchmail (untimed) ..."
fetchmail_run
FM_GOT=$(fetchmail_count)
echo "fetchmail check: $FM_GOT of $N messages read"
((FM_GOT == N)) || { echo "fetchmail did not read all $N messages; its log:" >&2; tail -20 "$WORK/fetchmail.log" >&2; exit 1; }

# ---- timed rounds ------------------------------------------------------------------------
FM_TIMES=(); TERN_TIMES=(); FM_CPU=(); TERN_CPU=()
for ((r = 1; r <= ROUNDS; r++)); do
  tern_home "$r"
  read -r tw tc < <(timed "$CLI" sync)
  got=$(tern_count)
  ((got == N)) || { echo "round $r: tern stored $got of $N messages" >&2; exit 1; }
  read -r fw fc < <(timed bash -c fetchmail_run)
  fgot=$(fetchmail_count)
  ((fgot == N)) || { echo "round $r: fetchmail read $fgot of $N messages" >&2; exit 1; }
  FM_TIMES+=("$fw"); FM_CPU+=("$fc"); TERN_TIMES+=("$tw"); TERN_CPU+=("$tc")
  echo "round $r: tern $tw ms (cpu $tc ms, $got stored), fetchmail $fw ms (cpu $fc ms, $fgot read), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
median () { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
FM_MED=$(median "${FM_TIMES[@]}"); TERN_MED=$(median "${TERN_TIMES[@]}")
FM_CPU_MED=$(median "${FM_CPU[@]}"); TERN_CPU_MED=$(median "${TERN_CPU[@]}")
printf 'median of %d rounds: fetchmail %d ms, tern %d ms; ratio tern/fetchmail %.3f (target <= 0.8)\n' \
  "$ROUNDS" "$FM_MED" "$TERN_MED" "$(echo "$TERN_MED / $FM_MED" | bc -l)"
printf 'client CPU time (user+sys, children included), median: fetchmail %d ms, tern %d ms; ratio %.3f\n' \
  "$FM_CPU_MED" "$TERN_CPU_MED" "$(echo "$TERN_CPU_MED / $FM_CPU_MED" | bc -l)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
