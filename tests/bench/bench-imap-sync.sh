#!/bin/bash
# bench-imap-sync.sh: tern-cli sync vs mbsync on the same Dovecot account, same run.
# Usage: tests/servers/tern-test-servers DIR -- tests/bench/bench-imap-sync.sh TERN_CLI [N]
# Prints: full sync, nothing-changed resync, 100 new + 500 flag changes (INBOX), each
# as wall time and as CPU time (user + sys, of the client alone: what a loaded machine
# distorts least); Tern's full sync also with the time until 20 sampled messages are
# found by a word of their body and by their subject; the peak RSS of Tern's full
# sync; the load average. mbsync runs twice per step, with FSync no and FSync yes (its
# default), each into a Maildir of its own. BASE_CLI=OTHER_TERN_CLI: another build of
# tern-cli (an older commit, say) syncs too, each step right after Tern's, into its
# own store, as another column. MBSYNC_FSYNC=no|yes: only that mbsync.
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
# FSync no: mbsync without its fsync() per message (Tern's store does not fsync each
# commit either: WAL, synchronous=NORMAL); FSync yes: its default.
MODES=${MBSYNC_FSYNC:-no yes}
for mode in $MODES; do
mkdir -p "$W/maildir-$mode"
cat > "$W/mbsyncrc-$mode" <<RC
FSync $mode

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
Path $W/maildir-$mode/
Inbox $W/maildir-$mode/INBOX
SubFolders Verbatim

Channel c
Far :remote:
Near :local:
Patterns *
Create Near
Sync All
SyncState *
RC
done

# t NAME CMD...: runs CMD, stores its wall time in $NAME, its CPU time (user + sys) in
# ${NAME}_cpu and its peak RSS (KiB) in ${NAME}_rss; fails the script if CMD fails.
t () {
  local name=$1; shift
  local s e wall user sys rss
  s=$(date +%s.%N)
  if ! /usr/bin/time -f '%e %U %S %M' -o "$W/t.txt" "$@" >"$W/out.log" 2>&1; then
    echo "# FAILED: $*" >&2; tail -20 "$W/out.log" >&2; exit 1
  fi
  e=$(date +%s.%N)
  read -r wall user sys rss < "$W/t.txt"
  printf -v "$name" '%s' "$(echo "$e - $s" | bc)"
  printf -v "${name}_cpu" '%s' "$(echo "$user + $sys" | bc)"
  printf -v "${name}_rss" '%s' "$rss"
}
# mbsync_all STEP: both mbsyncs, $mb_no_STEP and $mb_yes_STEP (and _cpu).
mbsync_all () {
  for mode in $MODES; do t "mb_${mode}_$1" mbsync -c "$W/mbsyncrc-$mode" -a; done
}
count_inbox () {
  for mode in $MODES; do find "$W/maildir-$mode/INBOX/cur" "$W/maildir-$mode/INBOX/new" -type f | wc -l; done |
    sort -u | tr '\n' ' ' | sed 's/ $//'
}
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

# searchable: seconds from now until each of 20 sampled messages is found by one
# `tern-cli search` for a word only its body has and a word of its subject (polled;
# gives up after 30 s), and the number of rounds of searches that took (1: the first
# search of each found it: searchable when the sync ended); "never 0" when a search
# never finds one.
searchable () {
  python3 - "$gen" "$CLI" <<'PY'
import email, email.policy, json, os, random, re, subprocess, sys, time
gen, cli = sys.argv[1], sys.argv[2]
start = time.monotonic()
files = sorted(os.path.join(d, f) for d in (gen + '/cur', gen + '/new') if os.path.isdir(d) for f in os.listdir(d))
random.seed(3)
probes = []
for f in random.sample(files, min(200, len(files))):
    m = email.message_from_binary_file(open(f, 'rb'), policy=email.policy.default)
    mid = (m['message-id'] or '').strip().strip('<>')
    part = m.get_body(preferencelist=('plain',))
    # Whole words only: "berlegungen" out of "überlegungen" is no word of the index.
    subject = re.findall(r'(?<!\w)[a-z]{6,}(?!\w)', str(m['subject'] or '').lower())
    if not mid or part is None or not subject:
        continue
    try:
        body = part.get_content().lower()
    except Exception:
        continue
    head = str(m['subject']).lower() + ' ' + str(m['from']).lower() + ' ' + str(m['to']).lower()
    words = [w for w in set(re.findall(r'(?<!\w)[a-z]{7,}(?!\w)', body)) if w not in head]
    if words:
        probes.append((mid, sorted(words, key=len)[-1], subject[0]))
    if len(probes) == 20:
        break
def found(query, mid):
    p = subprocess.run([cli, 'search', query, '--json', '--limit', '100000'], capture_output=True, text=True)
    return p.returncode == 0 and any(h.get('message_id') == mid for h in json.loads(p.stdout or '[]'))
# One search per message, by both words (terms are ANDed): few hits, a quick search.
pending = [(mid, 'body:%s subject:%s' % (w, s)) for mid, w, s in probes]
rounds = 0
while pending and time.monotonic() - start < 30:
    pending = [(mid, q) for mid, q in pending if not found(q, mid)]
    rounds += 1
print('%.3f %d' % (time.monotonic() - start, rounds) if not pending else 'never 0')
PY
}

mbsync_all full
got=$(count_inbox)
[ "$got" = "$N" ] || { echo "# mbsync stored $got messages, not $N" >&2; exit 1; }
# mbsync's Maildir driver waits for the second to turn when a directory changed in
# the current one: a resync a moment later, as a real one is, for both clients.
sleep 1.1
mbsync_all nop
# NOTMUCH=1: how long mbsync's Maildir then takes to become searchable (notmuch new).
mb_notmuch=
first_mode=${MODES%% *}
if [ "${NOTMUCH:-0}" = 1 ] && command -v notmuch >/dev/null; then
  printf '[database]\npath=%s\n[user]\nname=a\nprimary_email=alice@tern.test\n[new]\ntags=\n' "$W/maildir-$first_mode" > "$W/notmuch-config"
  t mb_notmuch env NOTMUCH_CONFIG="$W/notmuch-config" notmuch new --quiet
fi

# Tern's full sync (its peak RSS from /usr/bin/time), then how long until it is
# searchable: the sync is done when every sampled message is found by its body.
t tern_full "$CLI" sync
tern_full_rss=$tern_full_rss
read -r tern_searchable tern_search_rounds <<< "$(searchable)"
printf 'tern after full sync: messages, with body: %s\n' "$(tern_count)"
sleep 1.1
t tern_nop "$CLI" sync
if [ -n "${BASE_CLI:-}" ]; then
  (export XDG_CONFIG_HOME=$W/base-config XDG_DATA_HOME=$W/base-data XDG_CACHE_HOME=$W/base-cache
   "$BASE_CLI" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
     --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" \
     --password-command 'echo secret' >/dev/null
   t base_full "$BASE_CLI" sync; sleep 1.1; t base_nop "$BASE_CLI" sync
   echo "$base_full $base_full_cpu $base_nop $base_nop_cpu" > "$W/base.txt")
  read -r base_full base_full_cpu base_nop base_nop_cpu < "$W/base.txt"
fi

changes 0   # both clients then sync the same 100 new messages and 500 flag changes
sleep 1.1
mbsync_all chg
got=$(count_inbox)
[ "$got" = $((N + 100)) ] || { echo "# mbsync holds $got messages after the changes, not $((N + 100))" >&2; exit 1; }
sleep 1.1
t tern_chg "$CLI" sync
printf 'tern after the changes: messages, with body: %s\n' "$(tern_count)"
if [ -n "${BASE_CLI:-}" ]; then
  (export XDG_CONFIG_HOME=$W/base-config XDG_DATA_HOME=$W/base-data XDG_CACHE_HOME=$W/base-cache
   t base_chg "$BASE_CLI" sync; echo "$base_chg $base_chg_cpu" > "$W/base.txt")
  read -r base_chg base_chg_cpu < "$W/base.txt"
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
printf 'messages %d (%s MB in the Maildir)\n' "$N" "$(du -sm "$MAILDIR" | cut -f1)"
# One line per case and measure: mbsync (each FSync mode), tern and its ratio to each
# mbsync, the base build and its ratios.
ratio () { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then printf '%6.2f' "$(echo "$1 / $2" | bc -l)"; else printf '%6s' -; fi; }
{
  printf '%-16s' case
  for mode in $MODES; do printf ' %9s' "mb-fs-$mode"; done
  printf ' %9s' tern
  for mode in $MODES; do printf ' %6s' "/$mode"; done
  if [ -n "${BASE_CLI:-}" ]; then
    printf ' %9s' base
    for mode in $MODES; do printf ' %6s' "/$mode"; done
  fi
  printf '\n'
  for c in full nop chg; do
    for m in "" _cpu; do
      printf '%-16s' "$c${m:+ cpu}"
      for mode in $MODES; do eval "printf ' %9.3f' \$mb_${mode}_$c$m"; done
      eval "b=\$tern_$c$m"
      printf ' %9.3f' "$b"
      for mode in $MODES; do eval "ratio \$b \$mb_${mode}_$c$m"; done
      if [ -n "${BASE_CLI:-}" ]; then
        eval "x=\$base_$c$m"
        printf ' %9.3f' "$x"
        for mode in $MODES; do eval "ratio \$x \$mb_${mode}_$c$m"; done
      fi
      printf '\n'
    done
  done
}
if [ "$tern_searchable" = never ]; then
  printf 'tern full sync then searchable (20 messages by body and subject): NEVER within 30 s\n'
else
  searched=$(echo "$tern_full + $tern_searchable" | bc -l)
  printf 'tern full sync then searchable (20 messages by body and subject): %.3f s (%.3f + searches %.3f, %s round(s))' \
    "$searched" "$tern_full" "$tern_searchable" "$tern_search_rounds"
  for mode in $MODES; do eval "printf ', %.2f of mbsync FSync %s' \$(echo \"\$searched / \$mb_${mode}_full\" | bc -l) $mode"; done
  printf '\n'
fi
for mode in $MODES; do
  eval "printf 'tern: all INBOX headers listed after %.3f s = %.2f of mbsync FSync %s full sync (that sync: %.3f s, polled)\\n' \
    \$tern_headers \$(echo \"\$tern_headers / \$mb_${mode}_full\" | bc -l) $mode \$tern_headers_total"
done
[ -n "$mb_notmuch" ] && eval "printf 'searchable: mbsync FSync %s + notmuch new %.3f s (%.3f + %.3f)\\n' $first_mode \
  \$(echo \"\$mb_${first_mode}_full + \$mb_notmuch\" | bc -l) \$mb_${first_mode}_full \$mb_notmuch"
printf 'peak RSS (full sync): tern %s KiB' "$tern_full_rss"
for mode in $MODES; do eval "printf ', mbsync FSync %s %s KiB' $mode \$mb_${mode}_full_rss"; done
printf '\n'
printf 'load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
