#!/usr/bin/env bash
# test-teardown.sh HARNESS BUILD_DIR: TAP test of tern-test-servers itself.
#
# The harness must leave nothing behind (no process of the run, no listening port, no
# run dir, no /tmp symlink) when the command fails, when the harness's process group
# gets SIGTERM then SIGKILL (what meson does on a timeout) and when the harness alone
# is killed with SIGKILL; a missing server binary or a non-root user must be a clear
# failure (exit status 1), never a skip (77).
set -u -o pipefail
shopt -s nullglob

SELF=$(readlink -f -- "${BASH_SOURCE[0]}")

# ---- run by the harness as its command: write down what the run consists of -------

# descendants PID...: the pids and all their descendants.
descendants ()
{
  ps -e -o pid=,ppid= | awk -v roots="$*" '
    { kids[$2] = kids[$2] " " $1 }
    END {
      n = split (roots, queue, " ")
      for (i = 1; i <= n; i++) {
        p = queue[i]; printf "%s ", p
        m = split (kids[p], k, " ")
        for (j = 1; j <= m; j++) queue[++n] = k[j]
      }
    }'
}

if [[ ${1:-} == --record ]]; then
  info=$2
  action=$3
  run=$TERN_TEST_RUN
  dovecot=$(cat "$run/dovecot/run/master.pid")
  postfix=$(tr -d ' ' < "$run/postfix/queue/pid/master.pid")
  link=
  [[ -f $run/socket-link ]] && link=$(cat "$run/socket-link")
  {
    printf 'RUN=%q\n' "$run"
    printf 'LINK=%q\n' "$link"
    printf 'LINK_WAS_THERE=%q\n' "$([[ -n $link && -L $link ]] && echo 1 || echo 0)"
    printf 'INSTANCE=%q\n' "tern-${run##*.}"
    printf 'CMD_PID=%q\n' "$$"
    printf 'PIDS=%q\n' "$(descendants "$dovecot" "$postfix")"
    printf 'PORTS=%q\n' "$TERN_TEST_IMAP_PORT $TERN_TEST_IMAPS_PORT $TERN_TEST_POP3_PORT $TERN_TEST_POP3S_PORT $TERN_TEST_SUBMISSION_PORT $TERN_TEST_SMTP_PORT $TERN_TEST_LMTP_PORT"
  } > "$info.tmp"
  mv "$info.tmp" "$info"
  case $action in
    sleep) exec sleep 120 ;;
    *) exit "$action" ;;
  esac
fi

# ---- the test -----------------------------------------------------------------------

HARNESS=$1
BUILD=$2
WORK=$(mktemp -d "$BUILD/teardown-test.XXXXXX")
# The mail user (nobody) must be able to reach the run dirs' Maildirs.
chmod 0755 "$WORK"
trap 'rm -rf -- "$WORK"' EXIT
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $*"; }
not_ok () { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
skip () { n=$((n + 1)); echo "ok $n # SKIP $*"; }
diag () { sed 's/^/# /' <<< "$*"; }

alive ()
{
  local s
  { read -r s < "/proc/$1/stat"; } 2>/dev/null || return 1
  s=${s##*) }
  [[ ${s%% *} != Z ]]
}

# Is the NUL-separated string $2 in /proc/$1/$3 (cmdline or environ)?
proc_has ()
{
  local -a items=()
  local item
  { mapfile -d '' -t items < "/proc/$1/$3"; } 2>/dev/null || return 1
  for item in "${items[@]}"; do
    # shellcheck disable=SC2053 # $2 is a pattern
    [[ $item == $2 ]] && return 0
  done
  return 1
}

# What is left of the run described by INFO (nothing printed: all gone).
leftovers ()
(
  # shellcheck source=/dev/null
  . "$1"
  local p f
  local -a argv
  [[ -e $RUN ]] && echo "the run dir $RUN still exists"
  [[ -n $LINK && ( -L $LINK || -e $LINK ) ]] && echo "the symlink $LINK still exists"
  for p in $PIDS $CMD_PID; do
    alive "$p" && echo "process $p ($(tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline")) is still running"
  done
  # Anything else of the run: Dovecot's titles, the run dir on a command line (the
  # guard, the Dovecot master), Postfix's MAIL_CONFIG.
  for f in /proc/[0-9]*; do
    p=${f#/proc/}
    [[ $p == "$$" || $p == "$BASHPID" ]] && continue
    { mapfile -d '' -t argv < "$f/cmdline"; } 2>/dev/null || continue
    if [[ ${argv[0]:-} == "dovecot-$INSTANCE/"* ]] || proc_has "$p" "*$RUN*" cmdline \
       || proc_has "$p" "MAIL_CONFIG=$RUN/postfix/etc" environ; then
      alive "$p" && echo "process $p of the run (${argv[*]}) is still running"
    fi
  done
  for p in $PORTS; do
    if [[ -n $(ss -Hltn "sport = :$p") ]]; then
      echo "port $p is still listening: $(ss -Hltnp "sport = :$p")"
    fi
  done
)

# check_gone NAME INFO TENTHS: ok when nothing of the run is left within TENTHS/10 s.
check_gone ()
{
  local name=$1 info=$2 tenths=$3 left start=$EPOCHREALTIME
  if [[ ! -s $info ]]; then
    not_ok "$name: the command did not run (no $info)"
    return
  fi
  while :; do
    left=$(leftovers "$info")
    [[ -z $left ]] && break
    [[ -z ${first_left:-} ]] && first_left=$left
    ((tenths-- > 0)) || break
    sleep 0.1
  done
  if [[ -n ${first_left:-} ]]; then
    diag "first seen: $first_left"
    first_left=
  fi
  if [[ -z $left ]]; then
    ok "$name: nothing left ($(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s after the harness ended)"
  else
    not_ok "$name"
    diag "$left"
    # Do not leave a mess for the next tests.
    # shellcheck source=/dev/null
    ( . "$info"; kill -KILL $PIDS $CMD_PID 2>/dev/null; rm -rf -- "$RUN"; [[ -L $LINK ]] && rm -f -- "$LINK" )
  fi
}

# wait_for_file PATH TENTHS
wait_for_file ()
{
  local tenths=$2
  while [[ ! -s $1 ]]; do
    ((tenths-- > 0)) || return 1
    sleep 0.1
  done
}

echo "1..7"

# 1-2. The command fails: its status comes back, and everything is torn down. A long
# parent dir forces the short /tmp symlink for the sockets.
long=$WORK/a-long-parent-directory-name-so-that-unix-socket-paths-would-not-fit-in-108-bytes
info=$WORK/exit1.info
"$HARNESS" "$long" -- bash "$SELF" --record "$info" 1
rc=$?
if ((rc == 1)); then
  ok "the harness returns the command's exit status 1"
else
  not_ok "the harness returns the command's exit status 1 (got $rc)"
fi
# shellcheck source=/dev/null
if [[ -s $info ]] && (. "$info"; [[ $LINK_WAS_THERE == 1 ]]); then
  check_gone "command exits 1 (run dir behind a /tmp symlink)" "$info" 10
else
  not_ok "command exits 1: the long run dir did not get a /tmp symlink"
fi

# 3. meson's timeout: SIGTERM to the test's process group, SIGKILL 0.5 s later.
info=$WORK/term.info
setsid "$HARNESS" "$WORK" -- bash "$SELF" --record "$info" sleep &
harness=$!
if wait_for_file "$info" 200; then
  kill -TERM -- "-$harness"
  sleep 0.5
  kill -KILL -- "-$harness" 2>/dev/null
fi
wait "$harness"
diag "harness exit status after SIGTERM: $?"
check_gone "SIGTERM then SIGKILL to the process group" "$info" 100

# 4. The harness alone killed with SIGKILL: its guard tears down (and stops the command).
info=$WORK/kill.info
"$HARNESS" "$WORK" -- bash "$SELF" --record "$info" sleep &
harness=$!
wait_for_file "$info" 200 && kill -KILL "$harness"
wait "$harness" 2>/dev/null
check_gone "SIGKILL to the harness alone" "$info" 100

# 5. The plain case passes the command's success through.
if "$HARNESS" "$WORK" -- true; then
  ok "the harness returns the command's exit status 0"
else
  not_ok "the harness returns the command's exit status 0"
fi

# 6. A missing server binary: exit status 1 and a clear message.
dovecot_dir=$(dirname "$(command -v dovecot)")
path=
IFS=: read -r -a dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [[ $d == "$dovecot_dir" || $(readlink -f -- "$d") == "$(readlink -f -- "$dovecot_dir")" ]] || path+=${path:+:}$d
done
if PATH=$path command -v dovecot > /dev/null || ! PATH=$path command -v bash > /dev/null; then
  skip "dovecot shares $dovecot_dir with basic tools: cannot hide it through PATH"
else
  out=$(PATH=$path "$HARNESS" "$WORK/missing" -- true 2>&1)
  rc=$?
  if ((rc == 1)) && [[ $out == *"dovecot not found"*"dovecot-core"* && ! -e $WORK/missing ]]; then
    ok "missing dovecot: exit status 1 and a clear message"
  else
    not_ok "missing dovecot: exit status 1 and a clear message (got $rc)"
  fi
  diag "$out"
fi

# 7. Not root: exit status 1 and a clear message.
if command -v setpriv > /dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$HARNESS"; then
  out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$HARNESS" "$WORK/nonroot" -- true 2>&1)
  rc=$?
  if ((rc == 1)) && [[ $out == *"must run as root"* ]]; then
    ok "not root: exit status 1 and a clear message"
  else
    not_ok "not root: exit status 1 and a clear message (got $rc)"
  fi
  diag "$out"
else
  skip "user nobody cannot read $HARNESS"
fi

exit "$failed"
