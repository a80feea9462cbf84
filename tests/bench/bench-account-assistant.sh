#!/bin/bash
# bench-account-assistant.sh: the account assistant's speed (see bench-account-assistant.c).
# Usage (as root):
#   ninja -C BUILD tests/bench/bench-account-assistant
#   tests/bench/bench-account-assistant.sh BUILD [N_MESSAGES] [ROUNDS]
# alice's Inbox is seeded with N_MESSAGES (default 10000) from gen-corpus.py --seed 1
# --inbox-only, indexed by Dovecot before the clock starts.
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  B=$(realpath "$1"); N=${2:-10000}; ROUNDS=${3:-5}
  SRC=$(cd "$(dirname "$0")/../.." && pwd)
  GEN=${GEN_CORPUS:-$SRC/../shared/tools/gen-corpus.py}
  W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
  python3 "$GEN" -n "$N" --seed 1 --inbox-only --maildir "$W/gen" >/dev/null
  export GSK_RENDERER=cairo GDK_DEBUG=gl-disable GTK_A11Y=test GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 \
         GSETTINGS_SCHEMA_DIR="$B/data" TERN_SEED_MAILDIR="$W/gen" TERN_IN_SESSION=1 \
         TERN_HTML_MODULE="$B/src/gui/libtern-html.so" \
         TERN_TEST_PASSWORD=bench-pw-1 TERN_BENCH_BIN="$B/tests/bench/bench-account-assistant" TERN_BENCH_ROUNDS=$ROUNDS
  exec "$SRC/tests/servers/tern-test-servers" "$W" -- "$SRC/tests/lib/tern-session" --keyring "$0"
fi
maildir=$TERN_TEST_RUN/mail/alice/Maildir
owner=$(stat -c %u:%g "$TERN_TEST_RUN/mail/alice")
mkdir -p "$maildir"
cp -a "$TERN_SEED_MAILDIR/." "$maildir/"
chown -R "$owner" "$maildir"
python3 - <<'PY'
import imaplib, os, ssl
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', os.environ['TERN_TEST_PASSWORD'])
print('alice INBOX:', m.status('INBOX', '(MESSAGES)')[1][0].decode())   # Dovecot indexes the Maildir here
m.logout()
PY
"$TERN_BENCH_BIN" "$TERN_BENCH_ROUNDS" 2>"$TERN_SESSION_DIR/bench.log" || { cat "$TERN_SESSION_DIR/bench.log"; exit 1; }
# With TERN_BENCH_MARKS=1, the window's own marks (monotonic microseconds, UI thread CPU ms).
grep '^tern-bench:' "$TERN_SESSION_DIR/bench.log" || true
