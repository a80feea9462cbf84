#!/bin/bash
# test-pop3-edge.sh TERN_CLI: POP3 downloads at the edges, against the harness's
# Dovecot (run through tests/servers/tern-test-servers, as root). TAP.
#
#  - disk full: the store on a small tmpfs fills up during the download; tern-cli sync
#    says "disk full" (not a connection failure), raises no critical, keeps the store
#    consistent and deletes nothing from the server; with room again, the next sync
#    downloads everything, once.
set -u
CLI=$1
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

# a fresh Tern home and a POP3 account for USER, leave-on-server off
new_home () {
  export HOME=$(mktemp -d "$TERN_TEST_RUN/home.XXXXXX")
  export XDG_CONFIG_HOME=$HOME/config XDG_DATA_HOME=$HOME/data XDG_CACHE_HOME=$HOME/cache
  "$CLI" account add --email "$1@tern.test" --protocol pop3 --host 127.0.0.1 \
    --port "$TERN_TEST_POP3S_PORT" --security tls --smtp-host 127.0.0.1 \
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

echo "1..7"

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

exit $fail
