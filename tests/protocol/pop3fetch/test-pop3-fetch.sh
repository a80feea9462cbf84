#!/bin/bash
# test-pop3-fetch.sh TERN_CLI POP3FETCH_TOOL: POP3 download into the local store,
# against the harness's Dovecot (run through tests/servers/tern-test-servers). TAP.
#
# What it proves: every message is downloaded exactly once (twice run: no duplicate);
# leave-on-server on keeps them on the server, off deletes them only after the local
# commit; delete-after-days and delete-when-deleted-here send DELE; a process killed
# (SIGKILL) before or after the commit, or after DELE before QUIT, loses nothing and
# duplicates nothing. With the account setting backup = true, each sync ends with an
# mbox backup of the account's folders in $XDG_DATA_HOME/tern/backup/ACCOUNT/DATE/, the
# newest 3 kept, every message in it (mboxrd), a leftover .partial directory removed.
set -u
CLI=$1
TOOL=$2
n=0
fail=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
check () { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi; }

doveadm () { command doveadm -c "$TERN_TEST_DOVECOT_CONF" "$@"; }
server_count () { doveadm -f flow mailbox status -u "$1" messages INBOX | sed 's/.*messages=//'; }

# put N messages numbered from START into USER's INBOX
deliver () {
  local user=$1 start=$2 count=$3
  for i in $(seq "$start" $((start + count - 1))); do
    printf 'From: sender@tern.test\r\nTo: %s@tern.test\r\nSubject: message %d\r\nMessage-ID: <m%d.%s@tern.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nBody of message %d.\r\n' \
      "$user" "$i" "$i" "$user" "$i" | doveadm save -u "$user"
  done
}

# a fresh Tern home (config, store) for user USER
new_home () {
  export HOME=$(mktemp -d "$TERN_TEST_RUN/home.XXXXXX")
  export XDG_CONFIG_HOME=$HOME/config XDG_DATA_HOME=$HOME/data XDG_CACHE_HOME=$HOME/cache
  unset TERN_STORE
  "$CLI" account add --email "$1@tern.test" --protocol pop3 --host 127.0.0.1 \
    --port "$TERN_TEST_POP3S_PORT" --security tls --smtp-host 127.0.0.1 \
    --smtp-port "$TERN_TEST_SUBMISSION_PORT" --smtp-security starttls --user "$1" \
    --pin-certificate "$TERN_TEST_CA_CERT" --password-command "echo $TERN_TEST_PASSWORD" >/dev/null
}

local_count () { "$TOOL" count "$1@tern.test"; }
# distinct subjects in the local INBOX == total: no duplicates
local_distinct () {
  sqlite3 "$XDG_DATA_HOME/tern/store.db" \
    "SELECT count(DISTINCT m.subject) FROM messages m JOIN folders f ON f.id = m.folder_id JOIN accounts a ON a.id = f.account_id WHERE a.address = '$1@tern.test' AND f.path = 'INBOX'"
}

echo "1..26"

# --- download everything once; run again: nothing new -----------------------------
new_home alice
deliver alice 1 30
"$TOOL" fetch alice@tern.test 2>/dev/null; check "fetch exits 0" $? 0
check "30 messages downloaded" "$(local_count alice)" 30
"$TOOL" fetch alice@tern.test 2>/dev/null
check "second fetch: still 30 (no duplicates)" "$(local_count alice)" 30
check "all distinct" "$(local_distinct alice)" 30
check "leave on server (default): server keeps 30" "$(server_count alice)" 30
deliver alice 31 5
"$TOOL" fetch alice@tern.test 2>/dev/null
check "only the 5 new ones come" "$(local_count alice)" 35

# --- delete-when-deleted-here ------------------------------------------------------
"$TOOL" delete alice@tern.test 3
"$TOOL" fetch alice@tern.test 2>/dev/null
check "deleted here: not downloaded again" "$(local_count alice)" 32
"$TOOL" fetch alice@tern.test --delete-when-deleted 2>/dev/null
check "delete-when-deleted-here: server lost those 3" "$(server_count alice)" 32
check "local still 32" "$(local_count alice)" 32

# --- delete after days --------------------------------------------------------------
"$TOOL" age alice@tern.test 10
"$TOOL" fetch alice@tern.test --delete-after-days 7 2>/dev/null
check "delete-after-days 7: server empty after 10 days" "$(server_count alice)" 0
check "local keeps them all" "$(local_count alice)" 32

# --- leave-on-server off ------------------------------------------------------------
new_home bob
deliver bob 1 20
"$TOOL" fetch bob@tern.test --no-leave 2>/dev/null
check "no-leave: all 20 here" "$(local_count bob)" 20
check "no-leave: server empty" "$(server_count bob)" 0

# --- crashes: kill -9 before commit, after commit, after DELE -----------------------
new_home carol
deliver carol 1 40
TERN_TEST_POP3_CRASH=before-commit "$TOOL" fetch carol@tern.test --no-leave 2>/dev/null
check "killed before commit: server still has all 40" "$(server_count carol)" 40
TERN_TEST_POP3_CRASH=after-dele "$TOOL" fetch carol@tern.test --no-leave 2>/dev/null
check "killed after DELE before QUIT: server still has 40 (DELE not committed)" "$(server_count carol)" 40
"$TOOL" fetch carol@tern.test --no-leave 2>/dev/null
check "then a normal fetch: 40 here, each once" "$(local_count carol)/$(local_distinct carol)" "40/40"
check "and the server is empty" "$(server_count carol)" 0

# --- rolling backup ---------------------------------------------------------------------
new_home bob
sed -i '/^\[/a backup=true' "$XDG_CONFIG_HOME/tern/accounts.ini"
BACKUP=$XDG_DATA_HOME/tern/backup/bob@tern.test
mkdir -p "$BACKUP/.2000-01-01T000000Z.partial" && touch "$BACKUP/.2000-01-01T000000Z.partial/INBOX.mbox"
deliver bob 1 10
printf 'From: sender@tern.test\r\nTo: bob@tern.test\r\nSubject: from line\r\nMessage-ID: <fromline@tern.test>\r\n\r\nFrom here on, a line that mboxrd escapes.\r\n>From too.\r\n' \
  | doveadm save -u bob
(umask 022 && "$TOOL" fetch bob@tern.test 2>/dev/null)
check "backup: one backup directory after one sync" "$(ls "$BACKUP" | wc -l)" 1
latest=$BACKUP/$(ls "$BACKUP" | tail -n1)
check "backup: the mbox file is private (0600) whatever the umask" "$(stat -c %a "$latest/INBOX.mbox")" 600
check "backup: its folder is private (0700)" "$(stat -c %a "$latest")" 700
check "backup: INBOX.mbox has the 11 messages" "$(grep -c '^From MAILER-DAEMON ' "$latest/INBOX.mbox")" 11
# an independent reader: Python's mailbox decodes each envelope line as ASCII
check "backup: Python's mailbox reads the 11, each envelope in asctime's ASCII form" "$(/usr/bin/python3 -c '
import mailbox, re, sys
box = mailbox.mbox(sys.argv[1], create=False)
form = re.compile(r"MAILER-DAEMON [A-Z][a-z]{2} [A-Z][a-z]{2} [ 123][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}")
print(sum(1 for key in box.iterkeys() if form.fullmatch(box[key].get_from())))
' "$latest/INBOX.mbox")" 11
check "backup: mboxrd escaping" "$(grep -c '^>From here on\|^>>From too' "$latest/INBOX.mbox")" 2
check "backup: the interrupted .partial is gone" "$(ls -A "$BACKUP" | grep -c partial)" 0
for i in 1 2 3; do sleep 1.1; "$TOOL" fetch bob@tern.test 2>/dev/null; done
check "backup: after 4 syncs, the newest 3 are kept" "$(ls "$BACKUP" | wc -l)" 3
check "backup: the newest is complete" "$(grep -c '^From MAILER-DAEMON ' "$BACKUP/$(ls "$BACKUP" | tail -n1)/INBOX.mbox")" 11

exit $fail
