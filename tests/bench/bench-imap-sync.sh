#!/bin/bash
# bench-imap-sync.sh: tern-cli sync vs mbsync on the same Dovecot account, same run.
# Usage: tests/servers/tern-test-servers DIR -- tests/bench/bench-imap-sync.sh TERN_CLI [N]
# Prints: full sync, nothing-changed resync, 100 new + 500 flag changes (INBOX); the
# peak RSS of Tern's full sync; the load average. BASE_CLI=OTHER_TERN_CLI: another
# build of tern-cli (an older commit, say) syncs too, each step right after Tern's, into
# its own store, as a third column.
#
# The account is filled with gen-corpus.py (N messages, --seed 1, INBOX only) written
# straight into alice's Maildir (Dovecot indexes it at the first SELECT; a first
# untimed STATUS does that before either client runs). mbsync (isync 1.4: SSLType, not
# 1.5's TLSType) syncs it over IMAPS into a Maildir; its exit status and the number of
# files it wrote are checked. mbsync connects to "localhost", not 127.0.0.1: isync 1.4
# matches the certificate's DNS names only, not its IP SAN (the server is the same).
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
CLI=$(realpath "$1"); N=${2:-10000}
GEN=${GEN_CORPUS:-/work/shared/tools/gen-corpus.py}
W=$(mktemp -d); export XDG_CONFIG_HOME=$W/config XDG_DATA_HOME=$W/data XDG_CACHE_HOME=$W/cache
command -v mbsync >/dev/null || { echo "# mbsync (isync) is not installed"; exit 77; }
[ -x /usr/bin/time ] || { echo "# /usr/bin/time (package time) is not installed"; exit 77; }
trap 'rm -rf "$W"' EXIT

# ---- the account ------------------------------------------------------------------
MAILDIR=$TERN_TEST_RUN/mail/alice/Maildir
owner=$(stat -c %u:%g "$TERN_TEST_RUN/mail/alice")
# GEN_DIR: a Maildir made earlier by the same gen-corpus.py command (saves minutes at 50,000).
if [ -n "${GEN_DIR:-}" ] && [ -d "$GEN_DIR/cur" ]; then
  gen=$GEN_DIR
else
  gen=$W/gen
  /usr/bin/python3 "$GEN" -n "$N" --seed 1 --inbox-only --maildir "$gen" >/dev/null
fi
mkdir -p "$MAILDIR"
cp -a "$gen/." "$MAILDIR/"
chown -R "$owner" "$MAILDIR"
rm -rf "$W/gen"

imap () {  # python code run with an IMAP4_SSL connection `m`, logged in as alice
python3 - "$@" <<PY
import imaplib, ssl, os, sys
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
$IMAP_CODE
m.logout()
PY
}
IMAP_CODE="print(m.status('INBOX', '(MESSAGES)')[1][0].decode())" imap   # Dovecot indexes here

"$CLI" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" --port "$TERN_TEST_IMAPS_PORT" \
  --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" --password-command 'echo secret' >/dev/null

# ---- mbsync -----------------------------------------------------------------------
mkdir -p "$W/maildir"
# MBSYNC_FSYNC=no: mbsync without its fsync() per message (Tern's store does not fsync
# each commit either: WAL, synchronous=NORMAL).
cat > "$W/mbsyncrc" <<RC
FSync ${MBSYNC_FSYNC:-yes}

IMAPAccount a
Host localhost
Port $TERN_TEST_IMAPS_PORT
User alice
Pass secret
SSLType IMAPS
CertificateFile $TERN_TEST_CA_CERT

IMAPStore remote
Account a

MaildirStore local
Path $W/maildir/
Inbox $W/maildir/INBOX
SubFolders Verbatim

Channel c
Far :remote:
Near :local:
Patterns *
Create Near
Sync All
SyncState *
RC

# t NAME CMD...: runs CMD, stores its wall time in $NAME; fails the script if CMD fails.
t () {
  local name=$1; shift
  local s e
  s=$(date +%s.%N)
  if ! "$@" >"$W/out.log" 2>&1; then
    echo "# FAILED: $*" >&2; tail -20 "$W/out.log" >&2; exit 1
  fi
  e=$(date +%s.%N)
  printf -v "$name" '%s' "$(echo "$e - $s" | bc)"
}
count_inbox () { find "$W/maildir/INBOX/cur" "$W/maildir/INBOX/new" -type f | wc -l; }
tern_count () {  # messages of the account, and how many have their body
  python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*c.execute("SELECT count(*), coalesce(sum(has_body), 0) FROM messages m JOIN folders f ON f.id = m.folder_id JOIN accounts a ON a.id = f.account_id WHERE a.address = ?", ("alice@tern.test",)).fetchone())' "$XDG_DATA_HOME/tern/store.db"
}

changes () {
IMAP_CODE="
m.select('INBOX')
off = int(sys.argv[1])
for i in range(100):
    m.append('INBOX', None, None, ('Subject: new %d\r\nMessage-ID: <n%d-%d@x>\r\n\r\nhi\r\n' % (i, off, i)).encode())
m.uid('STORE', '%d:%d' % (off + 1, off + 500), '+FLAGS', '(\\\\Flagged)')
" imap "$1"
}

t mb_full mbsync -c "$W/mbsyncrc" -a
got=$(count_inbox)
[ "$got" -eq "$N" ] || { echo "# mbsync stored $got messages, not $N" >&2; exit 1; }
# mbsync's Maildir driver waits for the second to turn when a directory changed in
# the current one: a resync a moment later, as a real one is, for both clients.
sleep 1.1
t mb_nop mbsync -c "$W/mbsyncrc" -a
# NOTMUCH=1: how long mbsync's Maildir then takes to become searchable (notmuch new).
mb_notmuch=
if [ "${NOTMUCH:-0}" = 1 ] && command -v notmuch >/dev/null; then
  printf '[database]\npath=%s\n[user]\nname=a\nprimary_email=alice@tern.test\n[new]\ntags=\n' "$W/maildir" > "$W/notmuch-config"
  t mb_notmuch env NOTMUCH_CONFIG="$W/notmuch-config" notmuch new --quiet
fi

# Tern's full sync, under /usr/bin/time -v for the peak RSS (its overhead is nil).
t tern_full /usr/bin/time -v -o "$W/time.txt" "$CLI" sync
tern_full_rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$W/time.txt")
printf 'tern after full sync: messages, with body: %s\n' "$(tern_count)"
sleep 1.1
t tern_nop "$CLI" sync
if [ -n "${BASE_CLI:-}" ]; then
  (export XDG_CONFIG_HOME=$W/base-config XDG_DATA_HOME=$W/base-data XDG_CACHE_HOME=$W/base-cache
   "$BASE_CLI" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
     --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" \
     --password-command 'echo secret' >/dev/null
   t base_full "$BASE_CLI" sync; sleep 1.1; t base_nop "$BASE_CLI" sync
   echo "$base_full $base_nop" > "$W/base.txt")
  read -r base_full base_nop < "$W/base.txt"
fi

changes 0   # both clients then sync the same 100 new messages and 500 flag changes
sleep 1.1
t mb_chg mbsync -c "$W/mbsyncrc" -a
got=$(count_inbox)
[ "$got" -eq $((N + 100)) ] || { echo "# mbsync holds $got messages after the changes, not $((N + 100))" >&2; exit 1; }
sleep 1.1
t tern_chg "$CLI" sync
printf 'tern after the changes: messages, with body: %s\n' "$(tern_count)"
if [ -n "${BASE_CLI:-}" ]; then
  (export XDG_CONFIG_HOME=$W/base-config XDG_DATA_HOME=$W/base-data XDG_CACHE_HOME=$W/base-cache
   t base_chg "$BASE_CLI" sync; echo "$base_chg" > "$W/base.txt")
  read -r base_chg < "$W/base.txt"
fi

# "All INBOX headers listed": a second full sync into a new store, apart from the
# timed one (the reader below costs CPU and holds WAL snapshots), while a reader
# polls the store every 20 ms (read-only, beside the WAL) for the moment every
# INBOX message is listed (its header stored).
export XDG_DATA_HOME=$W/data-headers
python3 - "$XDG_DATA_HOME/tern/store.db" "$((N + 100))" "$W/headers.txt" "$W/out.log" \
  /usr/bin/time -v -o "$W/time.txt" "$CLI" sync <<'PY'
import os, sqlite3, subprocess, sys, time
db, n, out, log, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
start = time.monotonic()
proc = subprocess.Popen(cmd, stdout=open(log, 'w'), stderr=subprocess.STDOUT)
listed = None
while proc.poll() is None:
    if listed is None and os.path.exists(db):
        try:
            c = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=0.1)
            k = c.execute("SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id "
                          "WHERE f.path = 'INBOX'").fetchone()[0]
            c.close()
            if k >= n:
                listed = time.monotonic() - start
        except sqlite3.Error:
            pass
    time.sleep(0.02)
total = time.monotonic() - start
open(out, 'w').write('%.3f %.3f\n' % (listed if listed is not None else total, total))
sys.exit(proc.returncode)
PY
read -r tern_headers tern_headers_total < "$W/headers.txt"
printf 'messages %d (%s MB in the Maildir); mbsync FSync %s\n' "$N" "$(du -sm "$MAILDIR" | cut -f1)" "${MBSYNC_FSYNC:-yes}"
if [ -n "${BASE_CLI:-}" ]; then
  printf '%-28s %8s %8s %6s %8s %6s\n' case mbsync tern ratio base ratio
else
  printf '%-28s %8s %8s %6s\n' case mbsync tern ratio
fi
for c in full nop chg; do
  eval "a=\$mb_$c b=\$tern_$c"
  if [ -n "${BASE_CLI:-}" ]; then
    eval "x=\$base_$c"
    printf '%-28s %8.3f %8.3f %6.2f %8.3f %6.2f\n' "$c" "$a" "$b" "$(echo "$b / $a" | bc -l)" "$x" \
      "$(echo "$x / $a" | bc -l)"
  else
    printf '%-28s %8.3f %8.3f %6.2f\n' "$c" "$a" "$b" "$(echo "$b / $a" | bc -l)"
  fi
done
printf 'tern: all INBOX headers listed after %.3f s = %.2f of mbsync full sync (that sync: %.3f s, polled)\n' \
  "$tern_headers" "$(echo "$tern_headers / $mb_full" | bc -l)" "$tern_headers_total"
[ -n "$mb_notmuch" ] && printf 'searchable: mbsync + notmuch new %.3f s (%.3f + %.3f), tern %.3f s: %.2f of mbsync alone\n' \
  "$(echo "$mb_full + $mb_notmuch" | bc -l)" "$mb_full" "$mb_notmuch" "$tern_full" "$(echo "$tern_full / $mb_full" | bc -l)"
printf 'tern peak RSS (full sync) %s KiB\n' "$tern_full_rss"
printf 'load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
