#!/bin/bash
# tern-cli account add|list|remove|set, with a real (throw-away) gnome-keyring.
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

# ---- the sync settings: account add and account set --------------------------------

# settings EMAIL: body_days leave_on_server delete_after_days delete_when_deleted backup
# server_files_sent of EMAIL, as `account list --json` gives them (a new process each time,
# so what it shows is what accounts.ini holds)
settings() {
  "$cli" account list --json | $py -c '
import json, sys
a = {x["email"]: x for x in json.load(sys.stdin)}[sys.argv[1]]
print(" ".join(json.dumps(a[k]) for k in ("body_days", "leave_on_server", "delete_after_days",
                                          "delete_when_deleted", "backup", "server_files_sent")))
' "$1"
}
# ini_keys EMAIL: the keys of EMAIL's group in accounts.ini, "key=value" sorted, one line
ini_keys() {
  $py -c '
import configparser, sys
c = configparser.ConfigParser(interpolation=None); c.optionxform = str; c.read(sys.argv[1])
print(" ".join(sorted("%s=%s" % kv for kv in c["Account " + sys.argv[2]].items())))
' "$ini" "$1"
}
# usage_error WHAT REGEX CMD...: CMD exits 2 and says something matching REGEX on stderr
usage_error() {
  local what=$1 regex=$2 err rc; shift 2
  err=$("$@" 2>&1 >/dev/null); rc=$?
  check "$what: exit 2 and a message ($err)" \
    bash -c '[ "$1" = 2 ] && grep -qE -- "$2" <<<"$3"' _ "$rc" "$regex" "$err"
}

check "account --help lists set" bash -c "'$cli' account --help | grep -qw set"
check "account set --help lists the six options" bash -c "'$cli' account set --help | grep -c \
  -e --body-days -e --leave-on-server -e --delete-after-days -e --delete-when-deleted \
  -e --backup= -e --server-files-sent | grep -qx 6"

check "an account added without them has the defaults" \
  test "$(settings alice@example.com)" = "0 true 0 false false false"
check "the defaults write none of their keys" \
  bash -c '! grep -qE "^(body-days|backup|server-files-sent)=" "$1"' _ "$ini"

"$cli" account add --email erin@example.com --protocol imap --host imap.example.com \
  --password-command 'echo pw' --body-days 30 --server-files-sent yes 2>/dev/null
check "add an IMAP account with --body-days and --server-files-sent" test $? = 0
check "list --json shows them" test "$(settings erin@example.com)" = "30 true 0 false false true"
check "accounts.ini has body-days=30 and server-files-sent=true" \
  bash -c 'grep -qw body-days=30 <<<"$1" && grep -qw server-files-sent=true <<<"$1"' _ "$(ini_keys erin@example.com)"

"$cli" account add --email frank@example.net --protocol pop3 --host pop.example.net \
  --password-command 'echo pw' --leave-on-server no --delete-after-days 14 \
  --delete-when-deleted yes --backup yes 2>/dev/null
check "add a POP3 account with the four POP3 settings" test $? = 0
check "list --json shows them" test "$(settings frank@example.net)" = "0 false 14 true true false"

"$cli" account set erin@example.com --body-days 7 --server-files-sent no 2>/dev/null
check "set changes the IMAP settings" test $? = 0
check "the new IMAP settings are read back" test "$(settings erin@example.com)" = "7 true 0 false false false"
check "the rest of the account is kept" \
  test "$(ini_keys erin@example.com)" = "body-days=7 host=imap.example.com password-command=echo pw port=993 protocol=imap security=tls smtp-host=imap.example.com smtp-port=465 smtp-security=tls smtp-user=erin@example.com user=erin@example.com"
"$cli" account set ERIN@example.com --body-days 0 2>/dev/null
check "set --body-days 0 (the address in any case)" test $? = 0
check "body-days 0 is read back, and its key is gone" \
  bash -c '[ "$1" = "0 true 0 false false false" ] && ! grep -q "^body-days" "$2"' _ "$(settings erin@example.com)" "$ini"

"$cli" account set frank@example.net --delete-after-days 30 2>/dev/null
check "set one POP3 setting" test $? = 0
check "only that one changed" test "$(settings frank@example.net)" = "0 false 30 true true false"
"$cli" account set frank@example.net --leave-on-server yes --delete-after-days 0 \
  --delete-when-deleted no --backup no 2>/dev/null
check "set all four POP3 settings" test $? = 0
check "the new POP3 settings are read back" test "$(settings frank@example.net)" = "0 true 0 false false false"
"$cli" account set frank@example.net --backup yes --leave-on-server no 2>/dev/null
check "the POP3 settings are read back again" test "$(settings frank@example.net)" = "0 false 0 false true false"

cp "$ini" "$home/before.ini"

# bad values, for add and for set
for case in "imap --body-days -3" "imap --body-days abc" "imap --body-days 3000000000" \
            "imap --server-files-sent maybe" "pop3 --leave-on-server maybe" \
            "pop3 --delete-after-days -1" "pop3 --delete-after-days 1.5" \
            "pop3 --delete-when-deleted 1" "pop3 --backup true"; do
  read -r protocol option value <<<"$case"
  [ "$protocol" = imap ] && target=erin@example.com || target=frank@example.net
  usage_error "add $option $value" "$option.*$value" \
    "$cli" account add --email gina@example.com --protocol "$protocol" --host h "$option" "$value"
  usage_error "set $option $value" "$option.*$value" "$cli" account set "$target" "$option" "$value"
done
usage_error "add --backup with an empty value" "--backup" \
  "$cli" account add --email gina@example.com --protocol pop3 --host h --backup ''

# settings of the other protocol
for option in --leave-on-server=no --delete-after-days=3 --delete-when-deleted=yes --backup=yes; do
  usage_error "add $option for IMAP" "${option%=*}.*POP3" \
    "$cli" account add --email gina@example.com --protocol imap --host h "$option"
  usage_error "set $option for IMAP" "${option%=*}.*POP3" "$cli" account set erin@example.com "$option"
done
for option in --body-days=3 --server-files-sent=yes; do
  usage_error "add $option for POP3" "${option%=*}.*IMAP" \
    "$cli" account add --email gina@example.com --protocol pop3 --host h "$option"
  usage_error "set $option for POP3" "${option%=*}.*IMAP" "$cli" account set frank@example.net "$option"
done
usage_error "set with one right and one wrong protocol setting" "--body-days.*IMAP" \
  "$cli" account set frank@example.net --backup no --body-days 3

usage_error "set with no setting" "no setting" "$cli" account set erin@example.com
usage_error "set with no account" "Usage" "$cli" account set --backup yes
err=$("$cli" account set nobody@example.com --backup yes 2>&1 >/dev/null)
rc=$?
check "set on an unknown account fails ($err)" \
  bash -c '[ "$1" = 1 ] && grep -q nobody@example.com <<<"$2"' _ "$rc" "$err"

check "no failed add saved its account" bash -c "! '$cli' account list | grep -q gina@"
check "no failed set changed accounts.ini" cmp -s "$ini" "$home/before.ini"

[ $fails = 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
