#!/bin/bash
# test-outbox.sh TERN_CLI: the outbox and tern-cli send/outbox against the harness's
# Postfix (submission) and Dovecot. TAP.
#
# What it proves: send --to delivers proper MIME (RFC 2047 subject, UTF-8 body in QP or
# base64, RFC 2231 attachment name, type guessed, Message-ID on the sender's domain,
# Bcc delivered but not shown); send FILE.eml delivers; a copy lands in the local Sent
# of the POP3 account; with the server unreachable the message stays queued (exit 0)
# and goes out with outbox --flush; a refused recipient is marked failed with the
# server's reply (exit 1); a proxy that cuts connections at random points never loses
# nor duplicates a message. An IMAP account gets its copy APPENDed (\Seen) to the
# server's Sent, exactly once, also after a crash between "sent" and the filing and
# after one between the APPEND and the removal (TERN_TEST_OUTBOX_CRASH); none with
# server-files-sent = true; a POP3 account gets none on the server. A message refused
# for some recipients only is sent to the others, filed, and kept as "partly-sent"
# with the refused recipients and replies until dismissed.
set -u
CLI=$1
HERE=$(cd "$(dirname "$0")" && pwd)
n=0
fail=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
check () { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi; }
doveadm () { command doveadm -c "$TERN_TEST_DOVECOT_CONF" "$@"; }
server_count () { doveadm -f flow mailbox status -u "$1" messages INBOX | sed 's/.*messages=//'; }
# LMTP delivery is asynchronous after Postfix queued it: wait for COUNT messages
wait_count () {
  for _ in $(seq 100); do
    [ "$(server_count "$1")" -ge "$2" ] && break
    sleep 0.1
  done
  sleep 0.3
  server_count "$1"
}
free_port () { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
new_home () {
  export HOME=$(mktemp -d "$TERN_TEST_RUN/home.XXXXXX")
  export XDG_CONFIG_HOME=$HOME/config XDG_DATA_HOME=$HOME/data XDG_CACHE_HOME=$HOME/cache
  "$CLI" account add --email "$1@tern.test" --protocol pop3 --host 127.0.0.1 \
    --port "$TERN_TEST_POP3S_PORT" --security tls --smtp-host 127.0.0.1 \
    --smtp-port "$2" --smtp-security starttls --user "$1" \
    --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD" >/dev/null 2>&1
}
sql () { sqlite3 "$XDG_DATA_HOME/tern/store.db" "$1"; }
outbox_field () { "$CLI" outbox --json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join(str(e[sys.argv[1]]) for e in d))" "$1"; }
PROXY_PIDS=()
cleanup () { for p in "${PROXY_PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

echo "1..35"

# --- send --to: proper MIME, delivered, copy in Sent -------------------------------
new_home alice "$TERN_TEST_SUBMISSION_PORT"
SUBJECT='Grüße aus Köln – ça va? 日本'
BODY='Hallo Bob, schöne Grüße! Ünïcödé text, and a long enough line to see how it is wrapped by the encoder.'
ATT="$HOME/Résumé été.pdf"
printf '%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' > "$ATT"
out=$(printf '%s\n' "$BODY" | "$CLI" send --to bob@tern.test --bcc carol@tern.test \
      --subject "$SUBJECT" --attach "$ATT" 2>&1)
check "send --to exits 0" $? 0
case $out in *"Queued as message "*"Sent."*) ok "send prints the outbox id, then Sent.";; *) not_ok "send output: $out";; esac
check "bob got it" "$(wait_count bob 1)" 1
check "carol (Bcc) got it" "$(wait_count carol 1)" 1
doveadm fetch -u bob text mailbox INBOX | sed '1d' > "$HOME/got.eml"
problems=$(/usr/bin/python3 "$HERE/check-mime.py" "$SUBJECT" "$BODY" "Résumé été.pdf" application/pdf "$ATT" < "$HOME/got.eml")
check "MIME is right (RFC 2047, QP/base64 UTF-8, RFC 2231, type, Message-ID, no Bcc)" "$problems" ""
check "a copy in the local Sent" "$(sql "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.path = 'Sent'")" 1
check "outbox empty" "$(outbox_field id)" ""

# --- send FILE.eml ------------------------------------------------------------------
printf 'From: alice@tern.test\r\nTo: bob@tern.test\r\nSubject: from a file\r\n\r\nA file.\r\n' > "$HOME/m.eml"
"$CLI" send "$HOME/m.eml" >/dev/null 2>&1
check "send FILE.eml exits 0" $? 0
check "bob has 2" "$(wait_count bob 2)" 2

# --- permanent failure ----------------------------------------------------------------
printf 'From: alice@tern.test\r\nTo: nosuchuser@tern.test\r\nSubject: refused\r\n\r\nx\r\n' > "$HOME/bad.eml"
"$CLI" send "$HOME/bad.eml" >/dev/null 2>&1
check "refused recipient: exit 1" $? 1
check "marked failed with the server's reply" "$(outbox_field state) $(outbox_field error | cut -c1-3)" "failed 550"

# --- no network, then the server comes back --------------------------------------------
PORT=$(free_port)
new_home alice "$PORT"
printf 'From: alice@tern.test\r\nTo: bob@tern.test\r\nSubject: offline\r\n\r\nLater.\r\n' > "$HOME/off.eml"
"$CLI" send "$HOME/off.eml" >/dev/null 2>&1
check "server down: send exits 0 (queued durably)" $? 0
check "queued with one attempt and a retry time" "$(outbox_field state) $(outbox_field attempts)" "queued 1"
/usr/bin/python3 "$HERE/fault-proxy.py" "$PORT" "$TERN_TEST_SUBMISSION_PORT" & PROXY_PIDS+=($!)
sleep 0.5
"$CLI" outbox --flush >/dev/null 2>&1
check "outbox --flush when the server is back: exit 0" $? 0
check "delivered" "$(wait_count bob 3)" 3

# --- IMAP account: the copy APPENDed to the server's Sent ---------------------------------
new_imap_home () {
  export HOME=$(mktemp -d "$TERN_TEST_RUN/home.XXXXXX")
  export XDG_CONFIG_HOME=$HOME/config XDG_DATA_HOME=$HOME/data XDG_CACHE_HOME=$HOME/cache
  "$CLI" account add --email "$1@tern.test" --protocol imap --host 127.0.0.1 \
    --port "$TERN_TEST_IMAPS_PORT" --security tls --smtp-host 127.0.0.1 \
    --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls --user "$1" \
    --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD" >/dev/null 2>&1
}
# sent_count USER MESSAGE-ID: how many messages with that Message-ID the server's Sent has
sent_count () { doveadm search -u "$1" mailbox Sent header message-id "$2" | grep -c .; }
sent_seen () { doveadm fetch -u "$1" flags mailbox Sent header message-id "$2" | grep -c '\\Seen'; }
imap_send () { # imap_send ID-LOCALPART SUBJECT [ENV...]: sends from carol
  local id=$1 subject=$2; shift 2
  printf 'From: carol@tern.test\r\nTo: bob@tern.test\r\nSubject: %s\r\nMessage-ID: <%s@tern.test>\r\n\r\nIMAP.\r\n' \
    "$subject" "$id" > "$HOME/$id.eml"
  env "$@" "$CLI" send "$HOME/$id.eml" >"$HOME/$id.out" 2>&1
}
new_imap_home carol
imap_send imap-1 "imap sent"
check "IMAP account: send exits 0" $? 0
check "IMAP account: the copy is in the server's Sent once" "$(sent_count carol '<imap-1@tern.test>')" 1
check "IMAP account: the copy is \\Seen" "$(sent_seen carol '<imap-1@tern.test>')" 1
check "IMAP account: no local copy added (the sync brings it)" \
  "$(sql "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.role = 2")" 0
check "IMAP account: outbox empty" "$(outbox_field id)" ""

# Some recipients refused: sent to the others, filed, kept as "partly-sent" with the
# refused recipients and the server's replies (outbox --json "rejected"), until dismissed.
printf 'From: carol@tern.test\r\nTo: bob@tern.test, nosuchuser@tern.test\r\nSubject: partial\r\nMessage-ID: <partial-1@tern.test>\r\n\r\nSome.\r\n' > "$HOME/p.eml"
out=$("$CLI" send "$HOME/p.eml" 2>&1)
check "partly refused: exit 0" $? 0
case $out in *"Sent, but not to every recipient."*"refused nosuchuser@tern.test: 550"*) ok "partly refused: says who was refused";; *) not_ok "partly refused output: $out";; esac
rej=$("$CLI" outbox --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); e=d[0]; print(e["state"], len(d), " ".join(r["recipient"] + "=" + r["reply"][:3] for r in e["rejected"]), e["error"])')
check "partly refused: outbox --json has state and rejected" "$rej" "partly-sent 1 nosuchuser@tern.test=550 None"
check "partly refused: filed in the server's Sent" "$(sent_count carol '<partial-1@tern.test>')" 1
"$CLI" outbox --dismiss "$(outbox_field id)" >/dev/null 2>&1
check "partly refused: --dismiss removes the notice" "$?/$(outbox_field id)" "0/"

# A crash after "sent", before the APPEND: the next flush files it, once, never resends.
imap_send imap-2 "imap crash after sent" TERN_TEST_OUTBOX_CRASH=after-sent
check "crash after sent: the row is left sent" "$(outbox_field state)" "sent"
check "crash after sent: not in Sent yet" "$(sent_count carol '<imap-2@tern.test>')" 0
"$CLI" outbox --flush >/dev/null 2>&1
check "crash after sent: flush files it once" "$(sent_count carol '<imap-2@tern.test>')/$(outbox_field id)" "1/"

# A crash after the APPEND, before the removal: the Message-ID search keeps it single.
imap_send imap-3 "imap crash after append" TERN_TEST_OUTBOX_CRASH=after-append
check "crash after append: the row is left sent, the copy is there" \
  "$(outbox_field state) $(sent_count carol '<imap-3@tern.test>')" "sent 1"
"$CLI" outbox --flush >/dev/null 2>&1
check "crash after append: still exactly one copy, outbox empty" "$(sent_count carol '<imap-3@tern.test>')/$(outbox_field id)" "1/"
sleep 1
check "bob got each IMAP message once (never resent)" \
  "$(doveadm search -u bob mailbox INBOX header subject 'imap ' | grep -c .)" 3

# server-files-sent = true: no APPEND.
sed -i '/^\[/a server-files-sent=true' "$XDG_CONFIG_HOME/tern/accounts.ini"
imap_send imap-4 "imap server files"
check "server-files-sent: sent, no copy appended" "$?/$(sent_count carol '<imap-4@tern.test>')/$(outbox_field id)" "0/0/"

# A POP3 account: nothing on the server's Sent (its copy is the local one).
check "POP3 account: nothing appended to the server's Sent" "$(doveadm search -u alice mailbox Sent ALL | grep -c .)" 0

# --- a proxy cutting connections at random points ----------------------------------------
# run_cut NAME PROXY-ARGS...: queue 15 messages to carol, flush until done, count them.
run_cut () {
  local name=$1; shift
  local port; port=$(free_port)
  /usr/bin/python3 "$HERE/fault-proxy.py" "$port" "$TERN_TEST_SUBMISSION_PORT" "$@" & PROXY_PIDS+=($!)
  new_home alice "$port"
  sleep 0.3
  for i in $(seq 1 15); do
    printf 'From: alice@tern.test\r\nTo: carol@tern.test\r\nSubject: %s %d\r\n\r\nNumber %d.\r\n' "$name" "$i" "$i" > "$HOME/c.eml"
    "$CLI" send --queue "$HOME/c.eml" >/dev/null 2>&1
  done
  for round in $(seq 1 80); do
    "$CLI" outbox --flush >/dev/null 2>&1 && break
  done
  sleep 1
  subjects=$(doveadm fetch -u carol hdr.subject mailbox INBOX | grep "^hdr.subject: $name ")
  distinct=$(printf '%s\n' "$subjects" | sort -u | grep -c .)
  dups=$(printf '%s\n' "$subjects" | sort | uniq -d | grep -c .)
  left=$(outbox_field id)
  echo "# $name: $round flush rounds, $distinct distinct, $dups repeated, outbox '$left'"
}
# The client's data cut at random points (the server's replies still arrive): a message
# is never lost and never repeated.
run_cut upcut --cut 4000 --seed 11 --upload-only
check "upload cut at random points: 15 delivered, none twice, outbox empty" "$distinct/$dups/$left" "15/0/"
# Both directions cut: never lost. A repeat is possible only when the cut fell after the
# server had the final "." and before its 250 reached us (RFC 1047): reported, not failed.
run_cut bothcut --cut 6000 --seed 7
check "both directions cut at random points: 15 delivered, outbox empty" "$distinct/$left" "15/"
exit $fail
