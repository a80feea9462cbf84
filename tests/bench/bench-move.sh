#!/bin/bash
# bench-move.sh: 10,000 selected messages moved from the window, against the engine's
# own bare UID MOVE of the same set (see bench-move.c for what is measured).
# Usage (as root):
#   ninja -C BUILD tests/bench/bench-move src/cli/tern-cli
#   tests/bench/bench-move.sh BUILD [ROUNDS]
# ROUNDS (default 3) rounds, each on fresh copies of the same mailbox: the users t1..tR
# (added to Tern, one per round) and b1..bR (the bare UID MOVE's, one per round) of a
# private Dovecot each get an INBOX of the same 10,000 messages of gen-corpus.py
# --seed 1 --inbox-only (hard links of one generated Maildir: Dovecot never writes a
# message file, it links and unlinks them) and an empty folder Moved, each indexed by
# Dovecot (a first STATUS) before the clock starts. Tern's accounts are added with
# tern-cli and synced by `tern-cli sync` (the engine's own sync, bodies included) into
# the session's store; then bench-move opens the window in process.
# GEN_DIR: a Maildir made earlier by the same gen-corpus.py command (saves a minute).
# TERN_BENCH_TRACE=1: also when Tern's own UID MOVE went out and came back (watches
# the IMAP transcript: slower; those are not the benchmark's figures).
# TERN_BENCH_WRAP: a command put before bench-move, e.g. "perf record -g -o FILE".
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  B=$(realpath "$1"); ROUNDS=${2:-3}
  SRC=$(cd "$(dirname "$0")/../.." && pwd)
  GEN=${GEN_CORPUS:-$SRC/../shared/tools/gen-corpus.py}
  W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
  chmod 755 "$W"
  if [ -n "${GEN_DIR:-}" ] && [ -d "$GEN_DIR/cur" ]; then
    gen=$(realpath "$GEN_DIR")
  else
    gen=$W/gen
    python3 "$GEN" -n 10000 --seed 1 --inbox-only --maildir "$gen" >/dev/null
  fi
  tern_users=$(seq -f 't%g' -s ' ' 1 "$ROUNDS"); bare_users=$(seq -f 'b%g' -s ' ' 1 "$ROUNDS")
  export GSK_RENDERER=cairo GDK_DEBUG=gl-disable GTK_A11Y=none GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 \
         GSETTINGS_SCHEMA_DIR="$B/data" TERN_SEED_MAILDIR="$gen" TERN_IN_SESSION=1 \
         TERN_HTML_MODULE="$B/src/gui/libtern-html.so" TERN_TEST_USERS="$tern_users $bare_users" \
         TERN_BENCH_BIN="$B/tests/bench/bench-move" TERN_BENCH_CLI="$B/src/cli/tern-cli" \
         TERN_BENCH_ROUNDS=$ROUNDS TERN_BENCH_TERN_USERS="$tern_users" TERN_BENCH_BARE_USERS="$bare_users"
  exec "$SRC/tests/servers/tern-test-servers" "$W" -- "$SRC/tests/lib/tern-session" --keyring "$0"
fi

# Inside the servers and the session: every user's mailbox, from the same files.
for u in $TERN_TEST_USERS; do
  maildir=$TERN_TEST_RUN/mail/$u/Maildir
  owner=$(stat -c %u:%g "$TERN_TEST_RUN/mail/$u")
  mkdir -p "$maildir"
  cp -al "$TERN_SEED_MAILDIR/." "$maildir/"
  chown -R "$owner" "$maildir"
done
python3 - $TERN_TEST_USERS <<'PY'
import imaplib, os, ssl, sys
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
for user in sys.argv[1:]:
    m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
    m.login(user, os.environ['TERN_TEST_PASSWORD'])
    status = m.status('INBOX', '(MESSAGES)')[1][0].decode()   # Dovecot indexes the Maildir here
    assert ' 10000)' in status, status
    typ, data = m.create('Moved'); assert typ == 'OK', data
    m.subscribe('Moved')
    m.logout()
print('mailboxes ready:', ' '.join(sys.argv[1:]), file=sys.stderr)
PY

printf 'messages 10000 (%s MB in the Maildir)\n' "$(du -sm "$TERN_SEED_MAILDIR" | cut -f1)"
for u in $TERN_BENCH_TERN_USERS; do
  "$TERN_BENCH_CLI" account add --email "$u@$TERN_TEST_DOMAIN" --protocol imap --host "$TERN_TEST_HOST" \
    --port "$TERN_TEST_IMAPS_PORT" --security tls --user "$u" --pin-certificate "$TERN_TEST_CA_CERT" \
    --password-command "echo $TERN_TEST_PASSWORD" >/dev/null
done
s=$(date +%s.%N)
"$TERN_BENCH_CLI" sync >"$TERN_SESSION_DIR/sync.log" 2>&1 || { tail -20 "$TERN_SESSION_DIR/sync.log"; exit 1; }
printf 'tern-cli sync of %s accounts: %.1f s  [load %s]\n' "$TERN_BENCH_ROUNDS" "$(echo "$(date +%s.%N) - $s" | bc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"

# shellcheck disable=SC2086
${TERN_BENCH_WRAP:-} "$TERN_BENCH_BIN" "$TERN_BENCH_ROUNDS" $TERN_BENCH_TERN_USERS -- $TERN_BENCH_BARE_USERS \
  2>"$TERN_SESSION_DIR/bench.log" || { tail -30 "$TERN_SESSION_DIR/bench.log"; exit 1; }
