#!/bin/bash
# Start the real `tern` binary under Xvfb (tern-session: private D-Bus and keyring),
# wait until its window is mapped, check its title, and save a screenshot.
#   tern-window-blackbox.sh TERN_SESSION TERN_BINARY
set -u
session=$1; tern=$2
if [ "${TERN_IN_SESSION:-}" != 1 ]; then
  export TERN_IN_SESSION=1
  exec "$session" --keyring "$0" "$@"
fi

fail() { echo "not ok: $*" >&2; exit 1; }
for tool in xdotool import; do
  command -v $tool >/dev/null || fail "$tool not found; install xdotool and imagemagick (see README.md)"
done

# The GTK_A11Y=test backend is for in-process tests; the real app gets none.
export GTK_A11Y=none
"$tern" >"$TERN_SESSION_DIR/tern.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT

wid=
for _ in $(seq 1 100); do
  kill -0 $pid 2>/dev/null || { cat "$TERN_SESSION_DIR/tern.log" >&2; fail "tern exited early"; }
  wid=$(xdotool search --onlyvisible --pid $pid --name '^Tern$' 2>/dev/null | head -n1)
  [ -n "$wid" ] && break
  sleep 0.1
done
[ -n "$wid" ] || { cat "$TERN_SESSION_DIR/tern.log" >&2; fail "no visible window named Tern"; }
echo "window $wid mapped: $(xdotool getwindowname "$wid")"

geometry=$(xdotool getwindowgeometry "$wid")
echo "$geometry"
sleep 0.5   # let the first frames render
out=${TERN_SCREENSHOT_DIR:-.}/tern-window-blackbox.png
mkdir -p "$(dirname "$out")"
import -window root "$out" || fail "screenshot failed"
echo "screenshot: $out"

# The window must not have logged criticals or warnings (but WebKit's word that it
# renders without GL, which the tests switch off with GDK_DEBUG=gl-disable).
if grep -E 'CRITICAL|WARNING' "$TERN_SESSION_DIR/tern.log" | grep -v 'GL support disabled via GDK_DEBUG'; then
  fail "tern logged warnings"
fi
echo "ok"
