#!/bin/bash
# test-pop3-edge.sh TERN_CLI: POP3 downloads at the edges, against the harness's
# Dovecot (run through tests/servers/tern-test-servers, as root). TAP.
#
#  - disk full: the store on a small tmpfs fills up during the download; tern-cli sync
#    says "disk full" (not a connection failure), raises no critical, keeps the store
#    consistent and deletes nothing from the server; with room again, the next sync
#    downloads everything, once.
#  - the message size limit (TERN_TEST_MAX_MESSAGE_SIZE lowers it to 1 MiB here): a
#    larger message is named in the progress, not downloaded, and stays on the server
#    (leave-on-server off), while the others are downloaded; memory stays bounded,
#    also when the server's LIST understates the size (pop3-lying-front.py).
#  - a UIDL the server gives again to a new message (Dovecot's mailbox recreated with
#    the old UIDVALIDITY): the new message is downloaded, never deleted unread, with
#    leave-on-server off and with delete-when-deleted-here.
set -u
CLI=$1
LYING_FRONT=$2
TOOL=$3
n=0
fail=0
mounted=

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
check () { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi; }
cleanup () { [ -n "$mounted" ] && umount "$mounted" 2>/dev/null; }
trap cleanup EXIT

doveadm () { command doveadm -c "$TERN_TEST_DOVECOT_CONF" "$@"; }
server_count () { doveadm -f flow mailbox status -u "$1" messages INBOX | sed 's/.*messages=//'; }
store () { sqlite3 "$XDG_DATA_HOME/tern/store.db" "$1"; }

# a fresh Tern home and a POP3 account for USER [on PORT], leave-on-server off
new_home () {
  export HOME=$(mktemp -d "$TERN_TEST_RUN/home.XXXXXX")
  export XDG_CONFIG_HOME=$HOME/config XDG_DATA_HOME=$HOME/data XDG_CACHE_HOME=$HOME/cache
  "$CLI" account add --email "$1@tern.test" --protocol pop3 --host 127.0.0.1 \
    --port "${2:-$TERN_TEST_POP3S_PORT}" --security tls --smtp-host 127.0.0.1 \
    --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls --user "$1" \
    --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD" \
    --leave-on-server no >/dev/null
}

# SIZE bytes of base64 text as the body of message I for USER
deliver_big () {
  local user=$1 i=$2 size=$3
  { printf 'From: sender@tern.test\r\nTo: %s@tern.test\r\nSubject: big %d\r\nMessage-ID: <big%d.%s@tern.test>\r\n\r\n' \
      "$user" "$i" "$i" "$user"
    head -c "$size" /dev/urandom | base64 -w 76 | sed 's/$/\r/'; } | doveadm save -u "$user"
}

deliver_small () {
  printf 'From: sender@tern.test\r\nTo: %s@tern.test\r\nSubject: small %d\r\nMessage-ID: <small%d.%s@tern.test>\r\n\r\nHello.\r\n' \
    "$1" "$2" "$2" "$1" | doveadm save -u "$1"
}

# runs tern-cli sync; prints its exit status, then its peak memory (KiB), then its output.
# (Under AddressSanitizer, freed memory waits in a quarantine of 256 MB: a 1 MB one
# lets the peak say what the code keeps.)
sync_measured () {
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1" python3 -c '
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
print(p.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stdout.write(p.stdout.decode(errors="replace"))' "$CLI" sync
}

# empties USER's INBOX and makes its next message UID 1 again, with the UIDVALIDITY
# it had: that message gets the UIDL the first message of the old INBOX had
recreate_inbox () {
  local validity
  validity=$(doveadm -f flow mailbox status -u "$1" uidvalidity INBOX | sed 's/.*uidvalidity=//')
  rm -rf "$TERN_TEST_RUN/mail/$1/Maildir"
  sleep 1   # a new UIDVALIDITY, so that setting the old one back is a change
  "${@:2}"
  doveadm mailbox update -u "$1" --uid-validity "$validity" INBOX
}

echo "1..24"

# --- disk full ------------------------------------------------------------------------
new_home bob
for i in $(seq 1 12); do deliver_big bob "$i" 300000; done
mkdir -p -m 0700 "$XDG_DATA_HOME/tern"
mount -t tmpfs -o size=2M,mode=0700 tmpfs "$XDG_DATA_HOME/tern" && mounted=$XDG_DATA_HOME/tern
out=$("$CLI" sync 2>&1); rc=$?
check "disk full: the sync fails (no crash, no critical)" "$rc" 1
if grep -q "disk is full" <<<"$out" && grep -q "Nothing failed on the network" <<<"$out" &&
   ! grep -q "Connection failed" <<<"$out"; then
  ok "disk full: it says so, not a connection failure"
else not_ok "disk full: it says so, not a connection failure (output: $(tr '\n' '|' <<<"$out"))"; fi
check "disk full: the server keeps all 12" "$(server_count bob)" 12
check "disk full: the store is consistent" "$(store 'PRAGMA integrity_check')" ok
check "disk full: every UIDL recorded has its message" \
  "$(store 'SELECT count(*) FROM pop3_uidls WHERE message_id IS NULL OR message_id NOT IN (SELECT id FROM messages)')" 0
# room again: the same store on a real disk
cp -a "$XDG_DATA_HOME/tern" "$HOME/moved" && umount "$XDG_DATA_HOME/tern" && mounted=
rmdir "$XDG_DATA_HOME/tern" && mv "$HOME/moved" "$XDG_DATA_HOME/tern"
"$CLI" sync >/dev/null 2>&1
check "with room again: all 12 here, each once" \
  "$(store "SELECT count(*), count(DISTINCT subject) FROM messages WHERE subject LIKE 'big %'")" "12|12"
check "with room again: the server is emptied" "$(server_count bob)" 0

# --- the message size limit ---------------------------------------------------------
# Memory is bounded when a sync that meets the 64 MB message peaks within 32 MB of
# one that downloads a small message (whatever the build's own overhead).
export TERN_TEST_MAX_MESSAGE_SIZE=1048576
new_home carol
deliver_small carol 1
out=$(sync_measured); baseline=$(sed -n 2p <<<"$out")
bound=$((baseline + 32768))
deliver_big carol 2 48000000       # 64 MB of base64
deliver_small carol 3
out=$(sync_measured); rc=$(sed -n 1p <<<"$out"); rss=$(sed -n 2p <<<"$out")
check "too large: the sync goes on and succeeds" "$rc" 0
if grep -q "Message [0-9]* (.*MB) is larger than the limit of 1.0.*MB for one message: it was not downloaded" <<<"$out"; then
  ok "too large: the message is named"
else not_ok "too large: the progress names the message (output: $(tr '\n' '|' <<<"$out"))"; fi
check "too large: the others are here" "$(store "SELECT group_concat(subject, ',') FROM (SELECT subject FROM messages ORDER BY subject)")" "small 1,small 3"
check "too large: it stays on the server, the others are deleted" "$(server_count carol)" 1
if [ "$rss" -lt "$bound" ]; then ok "too large: memory stays bounded (peak ${rss} KiB, ${baseline} without it)"
else not_ok "too large: memory stays bounded (peak ${rss} KiB for a 64 MB message, ${baseline} without it)"; fi

# the same through a server whose LIST says every message has 100 bytes
front_dir=$(mktemp -d "$TERN_TEST_RUN/front.XXXXXX")
python3 "$LYING_FRONT" "$TERN_TEST_RUN/etc/cert.pem" "$TERN_TEST_RUN/etc/key.pem" "$TERN_TEST_POP3_PORT" \
  "$front_dir/port" 100 2>"$front_dir/err" &
front_pid=$!
for _ in $(seq 50); do [ -s "$front_dir/port" ] && break; sleep 0.1; done
new_home alice "$(cat "$front_dir/port")"
deliver_small alice 1
deliver_big alice 2 48000000
deliver_small alice 3
out=$(sync_measured); rc=$(sed -n 1p <<<"$out"); rss=$(sed -n 2p <<<"$out")
kill "$front_pid"
check "understated size: the sync goes on and succeeds" "$rc" 0
if grep -q "Message [0-9]* (.*MB) is larger than the limit of 1.0.*MB for one message: it was not downloaded" <<<"$out"; then
  ok "understated size: the message is refused as it arrives, and named"
else not_ok "understated size: the message is refused (output: $(tr '\n' '|' <<<"$out"))"; fi
check "understated size: the others are here" "$(store "SELECT group_concat(subject, ',') FROM (SELECT subject FROM messages ORDER BY subject)")" "small 1,small 3"
check "understated size: it stays on the server" "$(server_count alice)" 1
if [ "$rss" -lt "$bound" ]; then ok "understated size: memory stays bounded (peak ${rss} KiB, ${baseline} without it)"
else not_ok "understated size: memory stays bounded (peak ${rss} KiB for a 64 MB message, ${baseline} without it)"; fi
unset TERN_TEST_MAX_MESSAGE_SIZE

# --- a reused UIDL ---------------------------------------------------------------------
new_home bob
recreate_inbox bob deliver_small bob 1   # UID 1 again, after the disk-full test's 12
"$CLI" sync >/dev/null 2>&1
check "reused UIDL: the first message is downloaded and deleted there" "$(server_count bob)" 0
recreate_inbox bob deliver_small bob 2
"$CLI" sync >/dev/null 2>&1
check "reused UIDL: the new message is downloaded" "$(store "SELECT count(*) FROM messages WHERE subject = 'small 2'")" 1
check "reused UIDL: ... and deleted there only once here" "$(server_count bob)" 0
check "reused UIDL: the first message stays here" "$(store "SELECT count(*) FROM messages WHERE subject = 'small 1'")" 1

# leave on server, delete from it what is deleted here: the old message is gone from
# the server (another client), its UIDL names a new one, then the old one is deleted here
new_home carol
"$CLI" account set carol@tern.test --leave-on-server yes --delete-when-deleted yes >/dev/null
recreate_inbox carol deliver_small carol 10
"$CLI" sync >/dev/null 2>&1
recreate_inbox carol deliver_small carol 11
TERN_STORE=$XDG_DATA_HOME/tern/store.db "$TOOL" delete carol@tern.test 1
"$CLI" sync >/dev/null 2>&1
check "reused UIDL, deleted here: the new message stays on the server" "$(server_count carol)" 1
check "reused UIDL, deleted here: the new message is downloaded" \
  "$(store "SELECT group_concat(subject) FROM messages")" "small 11"
"$CLI" sync >/dev/null 2>&1
check "reused UIDL: the next sync downloads it no more" "$(store "SELECT group_concat(subject) FROM messages")" "small 11"

exit $fail
