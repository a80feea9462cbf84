#!/bin/bash
# bench-ui-sync.sh: the GUI's sync of N generated messages, and how long the UI
# thread's main loop ever waited meanwhile (a 5 ms timer's longest gap).
# Usage (as root, from the build dir's root):
#   tests/bench/bench-ui-sync.sh BUILD_DIR [N]
# Runs tests/ui/test-sync-window.sh (the ui test) with alice's Maildir seeded from
# gen-corpus.py (N messages, --seed 1, INBOX only) instead of 300 appended ones.
#
# Copyright 2026 The Tern developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
B=$(realpath "$1"); N=${2:-10000}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
GEN=${GEN_CORPUS:-/work/shared/tools/gen-corpus.py}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
python3 "$GEN" -n "$N" --seed 1 --inbox-only --maildir "$W/gen" >/dev/null
export GSK_RENDERER=cairo GDK_DEBUG=gl-disable GTK_A11Y=test GSETTINGS_BACKEND=memory \
       GSETTINGS_SCHEMA_DIR="$B/data" TERN_SCREENSHOT_DIR="$W" TERN_SEED_MAILDIR="$W/gen" \
       TERN_HTML_MODULE="$B/src/gui/libtern-html.so"
"$SRC/tests/servers/tern-test-servers" "$W" -- "$SRC/tests/ui/test-sync-window.sh" \
  "$SRC/tests/lib/tern-session" "$B/src/cli/tern-cli" "$B/tests/ui/test-sync-window" 2>&1 |
  grep -E 'ui-stall|^not ok|^ok|Bail'
printf 'load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
