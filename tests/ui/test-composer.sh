#!/bin/bash
# The composer and the outbox against the harness's Dovecot and Postfix, under
# tern-session (keyring, AT-SPI).
#   tern-test-servers DIR -- test-composer.sh TERN_SESSION TERN_CLI TEST_COMPOSER TERN [DRAG_SOURCE]
# Fills alice's mailbox (an INBOX to reply to and forward, a Sent folder that ranks
# the completion), adds the account through a proxy that can take the servers
# "offline" (composer-proxy.py: SIGUSR1 down, SIGUSR2 up), then
#  1. runs test-composer (TAP, in process, GTK_A11Y=test);
#  2. runs the real `tern`: `tern mailto:...` reaches it (the running instance opens a
#     composer), a file is dragged onto that composer from another program with the
#     real mouse (xdotool), Ctrl+Return sends it; the message must arrive with the
#     file; the composer's AT-SPI tree is dumped and its controls must be named.
set -euo pipefail
session=$1; cli=$2; bin=$3; tern=$4; drag=${5:-}
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring --a11y "$0" "$@"
fi
: "${TERN_TEST_IMAPS_PORT:?run under tests/servers/tern-test-servers}"
here=$(cd "$(dirname "$0")" && pwd)

python3 - <<'PY'
import imaplib, os, ssl, time, email.utils
ctx = ssl.create_default_context(cafile=os.environ['TERN_TEST_CA_CERT']); ctx.check_hostname = False
m = imaplib.IMAP4_SSL(os.environ['TERN_TEST_HOST'], int(os.environ['TERN_TEST_IMAPS_PORT']), ssl_context=ctx)
m.login('alice', os.environ.get('TERN_TEST_PASSWORD', 'secret'))
now = time.time()
def msg(mid, sender, to, subject, body, when, extra='', ctype='text/plain; charset=utf-8', enc='utf-8'):
    return ('From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@tern.test>\r\nDate: %s\r\n'
            'MIME-Version: 1.0\r\n%sContent-Type: %s\r\n\r\n%s\r\n' %
            (sender, to, subject, mid, email.utils.formatdate(when), extra, ctype, body)).encode(enc)
# The Sent folder: alice wrote to Carol three times, to Bob once.
for i in range(3):
    m.append('Sent', '(\\Seen)', None, msg('sent%d' % i, 'Alice <alice@tern.test>', '"Jones, Carol" <carol@tern.test>',
                                             'To Carol %d' % i, 'Hi Carol.', now - 86400 * (10 + i)))
m.append('Sent', '(\\Seen)', None, msg('sent9', 'Alice <alice@tern.test>', 'Bob Builder <bob@tern.test>',
                                       'To Bob', 'Hi Bob.', now - 86400 * 20))
# The INBOX: a plain message from Bob (to reply to), one with a list's Reply-To in
# ISO-8859-1, one with an attachment (to forward), an HTML-only one.
m.append('INBOX', None, None, msg('plain', 'Bob Builder <bob@tern.test>', 'alice@tern.test, carol@tern.test',
                                  'Lunch on Friday?', 'Shall we have lunch on Friday?\r\n\r\nBob', now - 3600))
m.append('INBOX', None, None, msg('latin', 'Dave <dave@tern.test>', 'alice@tern.test', '=?iso-8859-1?q?Caf=E9_menu?=',
                                  'Le caf\xe9 est ferm\xe9 lundi.', now - 7200,
                                  'Reply-To: Team <team@tern.test>\r\nContent-Transfer-Encoding: 8bit\r\n',
                                  'text/plain; charset=iso-8859-1', 'latin-1'))
m.append('INBOX', None, None, msg('attach', '"Jones, Carol" <carol@tern.test>', 'alice@tern.test', 'The report',
                                  '--b\r\nContent-Type: text/plain\r\n\r\nThe report is attached.\r\n--b\r\n'
                                  'Content-Type: application/pdf; name="report.pdf"\r\n'
                                  'Content-Disposition: attachment; filename="report.pdf"\r\n'
                                  'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJeLjz9MK\r\n--b--',
                                  now - 10800, '', 'multipart/mixed; boundary="b"'))
m.append('INBOX', None, None, msg('html', 'Erin <erin@tern.test>', 'alice@tern.test', 'Newsletter',
                                  '<html><body><h1>News</h1><p>All is <b>well</b>.</p></body></html>',
                                  now - 14400, '', 'text/html; charset=utf-8'))
m.logout()
PY

# The proxy between Tern and the servers: free ports next to the harness's.
proxy_ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
set -- $proxy_ports
imap_proxy=$1; smtp_proxy=$2
python3 "$here/composer-proxy.py" "$TERN_SESSION_DIR/proxy.pid" \
  "$imap_proxy:$TERN_TEST_IMAPS_PORT" "$smtp_proxy:$TERN_TEST_SUBMISSION_PORT" &
for i in $(seq 100); do [ -s "$TERN_SESSION_DIR/proxy.pid" ] && break; sleep 0.05; done
proxy=$(cat "$TERN_SESSION_DIR/proxy.pid")
trap 'kill $proxy 2>/dev/null || true' EXIT
export TERN_TEST_OFFLINE="kill -USR1 $proxy" TERN_TEST_ONLINE="kill -USR2 $proxy"
export TERN_TEST_IMAP="python3 $here/composer-imap.py"

"$cli" account add --email alice@tern.test --protocol imap --host "$TERN_TEST_HOST" \
  --port "$imap_proxy" --security tls --user alice --pin-certificate "$TERN_TEST_CA_CERT" \
  --smtp-host "$TERN_TEST_HOST" --smtp-port "$smtp_proxy" --smtp-security starttls \
  --password-command "echo ${TERN_TEST_PASSWORD:-secret}" >/dev/null
# A name for the From field (tern-cli has no option for it: accounts.ini's "name").
sed -i '/^\[Account alice@tern.test\]/a name=Alice Ærø' "$XDG_CONFIG_HOME/tern/accounts.ini"

# 1. in process; its TAP plan is moved to the end, after the black-box lines
set +e
if [ -n "${TERN_TEST_GDB:-}" ]; then   # debugging: a backtrace of the first fatal warning
  GTK_A11Y=test gdb -q -batch -ex run -ex bt --args "$bin" --tap ${TERN_TEST_ARGS:-} >&2; exit 1
fi
GTK_A11Y=test "$bin" --tap ${TERN_TEST_ARGS:-} | tee "$TERN_SESSION_DIR/tap.txt" | grep -v -E '^1\.\.[0-9]+$'
status=${PIPESTATUS[0]}
set -e
n=$(grep -cE '^(not )?ok [0-9]+' "$TERN_SESSION_DIR/tap.txt" || true)
if [ "$status" != 0 ]; then echo "1..$n"; exit "$status"; fi

# 2. the real binary, through `tern mailto:`, a real drag and drop, and AT-SPI
echo "# the real tern binary: mailto:, drag and drop, Ctrl+Return, AT-SPI"
export GTK_A11Y=atspi
n=$((n + 1))
if /usr/bin/python3 "$here/composer-blackbox.py" "$tern" "$drag" "${TERN_SCREENSHOT_DIR:-.}"; then
  # (WebKit's word that it renders without GL is no warning here: GDK_DEBUG=gl-disable)
  if grep -E 'CRITICAL|WARNING' "$TERN_SESSION_DIR/tern-blackbox.log" | grep -v 'GL support disabled via GDK_DEBUG' |
     sed 's/^/# tern: /' | grep .; then
    echo "not ok $n - the real binary logged warnings"; echo "1..$n"; exit 1
  fi
  echo "ok $n - the real binary: mailto: in the running instance, a file dropped, sent with Ctrl+Return"
else
  sed 's/^/# tern: /' "$TERN_SESSION_DIR/tern-blackbox.log"
  echo "not ok $n - the real binary: mailto:, drop, Ctrl+Return"; echo "1..$n"; exit 1
fi
echo "1..$n"
