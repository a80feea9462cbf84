#!/bin/bash
# bench-composer.sh: the composer's benchmark against the harness's Dovecot and Postfix.
# Usage (as root, from the source tree's root):
#   ninja -C BUILD tests/bench/bench-composer src/cli/tern-cli
#   tests/bench/bench-composer.sh BUILD [ROUNDS] [N]
# Puts a 1 MB HTML newsletter (and 200 small messages) in alice's INBOX, adds the
# account, then runs bench-composer under Xvfb (tern-session): a reply to the newsletter
# ROUNDS times (default 11) to the cursor in the body, then N (default 100) messages sent
# from the composer, the UI thread's CPU time each until it is in the outbox; an anchor
# (a bare AdwWindow + GtkTextView with the same text) in the same run.
#
# One run here (2 cores shared, load average 11.8; 11 rounds, 100 + 10 messages):
#   reply to the 1 MB HTML message, to the cursor in the body: min 72, median 270 ms
#     (UI thread's CPU time: median 53 ms); to the first frame: min 115, median 356 ms
#   anchor, same text, to focus: median 36 ms; to the first frame: median 130 ms
#   send, UI thread's CPU time until in the outbox: median 10.4, p90 16.0 ms
#     (one outlier at 165 ms); with a 1 MB attachment: median 22.8 ms
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  B=$(realpath "$1"); SRC=$(cd "$(dirname "$0")/../.." && pwd)
  W=$(mktemp -d "${TMPDIR:-/tmp}/comp-bench-XXXXXX"); chmod 755 "$W"; trap 'rm -rf "$W"' EXIT
  export TERN_IN_SESSION=1 GSK_RENDERER=cairo GDK_DEBUG=gl-disable GTK_A11Y=none NO_AT_BRIDGE=1 \
         GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$B/data" BENCH_BUILD="$B" \
         TERN_HTML_MODULE="$B/src/gui/libtern-html.so"
  "$SRC/tests/servers/tern-test-servers" "$W" -- "$SRC/tests/lib/tern-session" --keyring "$0" "$@"
  printf 'load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
B=$BENCH_BUILD; ROUNDS=${2:-11}; N=${3:-100}
python3 - <<'PY'
import imaplib, os, ssl, random, time, email.utils
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
rng = random.Random(1)
words = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore '
         'et dolore magna aliqua Grüße Köln café naïve').split()
parts = ['<html><head><style>td{padding:4px}</style></head><body><h1>The big newsletter</h1>']
size = 0
i = 0
while size < 1024 * 1024:
    para = ' '.join(rng.choice(words) for _ in range(60))
    if i % 5 == 0:
        block = '<table><tr><td><b>%d</b></td><td><a href="https://example.com/%d">%s</a></td></tr></table>' % (i, i, para)
    else:
        block = '<p style="color:#333">%s <i>%s</i></p>' % (para, rng.choice(words))
    parts.append(block)
    size += len(block)
    i += 1
parts.append('</body></html>')
html = '\r\n'.join(parts)
msg = ('From: News <news@tern.test>\r\nTo: alice@tern.test\r\nSubject: A big HTML newsletter\r\n'
       'Message-ID: <big@tern.test>\r\nDate: %s\r\nMIME-Version: 1.0\r\n'
       'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n'
       % (email.utils.formatdate(), html)).encode()
m.append('INBOX', None, None, msg)
for k in range(200):
    m.append('INBOX', '(\\Seen)', None, ('From: Bob <bob@tern.test>\r\nTo: alice@tern.test\r\nSubject: small %d\r\n'
             'Message-ID: <s%d@tern.test>\r\nDate: %s\r\n\r\nSmall message %d.\r\n'
             % (k, k, email.utils.formatdate(time.time() - 86400 - k * 60), k)).encode())
m.logout()
print('newsletter: %d bytes of HTML' % len(html))
PY
"$B/src/cli/tern-cli" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
  --port "$TERN_TEST_IMAPS_PORT" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" \
  --smtp-host "$TERN_TEST_HOST" --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls \
  --password-command "echo ${TERN_TEST_PASSWORD:-secret}" >/dev/null
${BENCH_WRAP:-} "$B/tests/bench/bench-composer" "$ROUNDS" "$N"
