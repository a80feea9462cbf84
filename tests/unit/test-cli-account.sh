#!/bin/bash
# tern-cli account add|list|remove, with a real (throw-away) gnome-keyring.
#   test-cli-account.sh TERN_SESSION TERN_CLI
set -u
session=$1; cli=$2
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring "$0" "$@"
fi

fails=0
ok() { echo "ok - $*"; }
fail() { echo "not ok - $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

home=$(mktemp -d); trap 'rm -rf "$home"' EXIT
export XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache
py=/usr/bin/python3

"$cli" account add --email alice@example.com --protocol imap --host imap.example.com \
  --password-command 'printf "s3cret\n"' --name 'Alice Liddell' 2>/dev/null
check "add an IMAP account" test $? = 0

"$cli" account add --email bob@example.org --protocol pop3 --host pop.example.org --security starttls \
  --smtp-host smtp.example.org --smtp-security starttls --password-stdin <<<'hunter2 with spaces' 2>/dev/null
check "add a POP3 account with the password on stdin" test $? = 0

"$cli" account add --email ALICE@example.com --protocol imap --host other 2>/dev/null
check "a second account for the same address (any case) fails" test $? = 1
"$cli" account add --email carol@example.com --protocol imap --host h --security maybe 2>/dev/null
check "a bad --security is a usage error" test $? = 2
"$cli" account add --email carol@example.com --protocol smtp --host h 2>/dev/null
check "a bad --protocol is a usage error" test $? = 2
"$cli" account add --email carol@example.com --protocol imap --host h --pin-certificate sha256:00 2>/dev/null
check "a malformed pin is a usage error" test $? = 2

json=$("$cli" account list --json)
check "list --json is one array with both accounts and the right settings" $py -c '
import json, sys
a = {x["email"]: x for x in json.loads(sys.argv[1])}
assert set(a) == {"alice@example.com", "bob@example.org"}, a
al, bo = a["alice@example.com"], a["bob@example.org"]
assert (al["protocol"], al["host"], al["port"], al["security"], al["user"]) == ("imap", "imap.example.com", 993, "tls", "alice@example.com"), al
assert al["name"] == "Alice Liddell"
assert (al["smtp_host"], al["smtp_port"], al["smtp_security"]) == ("imap.example.com", 465, "tls"), al
assert (bo["protocol"], bo["port"], bo["security"]) == ("pop3", 110, "starttls"), bo
assert (bo["smtp_host"], bo["smtp_port"], bo["smtp_security"]) == ("smtp.example.org", 587, "starttls"), bo
' "$json"

ini=$XDG_CONFIG_HOME/tern/accounts.ini
check "accounts.ini is 0600 in a 0700 folder" \
  test "$(stat -c %a "$ini")" = 600 -a "$(stat -c %a "$(dirname "$ini")")" = 700
check "no password in accounts.ini" bash -c "! grep -q hunter2 '$ini'"
check "the password is in the keyring" \
  test "$(secret-tool lookup account bob@example.org)" = "hunter2 with spaces"

"$cli" account remove bob@example.org 2>/dev/null
check "remove" test $? = 0
check "remove clears the keyring" bash -c '! secret-tool lookup account bob@example.org >/dev/null 2>&1'
check "removed account is gone from the list" \
  test "$("$cli" account list --json | $py -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1
"$cli" account remove nobody@example.com 2>/dev/null
check "removing an unknown account fails" test $? = 1

# no Secret Service on the bus: a clear error, and nothing half-added
err=$(DBUS_SESSION_BUS_ADDRESS=unix:path=$home/no-such-bus "$cli" account add --email dan@example.com \
      --protocol imap --host h --password-stdin <<<'pw' 2>&1 >/dev/null)
rc=$?
check "no keyring: add fails" test $rc = 1
check "no keyring: the message says so ($err)" bash -c "grep -qi keyring <<<\"\$1\"" _ "$err"
check "no keyring: the account was not saved" bash -c "! '$cli' account list | grep -q dan@"

[ $fails = 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
