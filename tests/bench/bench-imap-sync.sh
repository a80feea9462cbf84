#!/bin/bash
# bench-imap-sync.sh: tern-cli sync vs mbsync on the same Dovecot account, same run.
# Usage: tests/servers/tern-test-servers DIR -- tests/bench/bench-imap-sync.sh TERN_CLI [N]
# Prints: full sync, nothing-changed resync, 100 new + 500 flag changes; and peak RSS.
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
CLI=$1; N=${2:-10000}
W=$(mktemp -d); export XDG_CONFIG_HOME=$W/config XDG_DATA_HOME=$W/data XDG_CACHE_HOME=$W/cache
command -v mbsync >/dev/null || { echo "# mbsync (isync) is not installed"; exit 77; }

python3 - "$N" <<'PY'
import imaplib, ssl, os, sys
n = int(sys.argv[1])
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
for i in range(n):
    body = ('From: bob@tern.test\r\nTo: alice@tern.test\r\nSubject: bench %d\r\nMessage-ID: <b%d@tern.test>\r\n'
            'Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n' % (i, i)) + ('line of text %d\r\n' % i) * (20 + i % 200)
    m.append('INBOX', '(\\Seen)' if i % 2 else None, None, body.encode())
m.logout()
PY

"$CLI" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" --port "$TERN_TEST_IMAPS_PORT" \
  --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" --password-command 'echo secret' >/dev/null
mkdir -p "$W/maildir"
cat > "$W/mbsyncrc" <<RC
IMAPAccount a
Host $TERN_TEST_HOST
Port $TERN_TEST_IMAPS_PORT
User alice
Pass secret
TLSType IMAPS
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
SyncState *
RC

t () { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
rss () { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

changes () {
python3 - "$1" <<'PY'
import imaplib, ssl, os, sys
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', 'secret'); m.select('INBOX')
off = int(sys.argv[1])
for i in range(100):
    m.append('INBOX', None, None, ('Subject: new %d\r\nMessage-ID: <n%d-%d@x>\r\n\r\nhi\r\n' % (i, off, i)).encode())
m.uid('STORE', '%d:%d' % (off + 1, off + 500), '+FLAGS', '(\\Flagged)')
m.logout()
PY
}

mb_full=$(t mbsync -c "$W/mbsyncrc" -a); mb_nop=$(t mbsync -c "$W/mbsyncrc" -a)
tern_full_rss=$( { /usr/bin/time -f %M "$CLI" sync >/dev/null 2>/dev/null; } 2>&1 | tail -1 )
rm -rf "$XDG_DATA_HOME/tern"
tern_full=$(t "$CLI" sync); tern_nop=$(t "$CLI" sync)
changes 0;    mb_chg=$(t mbsync -c "$W/mbsyncrc" -a)
changes 1000; tern_chg=$(t "$CLI" sync)
printf 'messages %d\n' "$N"
printf '%-28s %8s %8s %6s\n' case mbsync tern ratio
for c in full nop chg; do
  eval "a=\$mb_$c b=\$tern_$c"
  printf '%-28s %8.3f %8.3f %6.2f\n' "$c" "$a" "$b" "$(echo "$b / $a" | bc -l)"
done
printf 'tern peak RSS (full sync) %s KiB\n' "$tern_full_rss"
