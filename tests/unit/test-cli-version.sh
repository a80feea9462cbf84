#!/bin/sh
# tern-cli --version prints "tern-cli VERSION"; no arguments is a usage error (2);
# an unknown command is a usage error too.
set -u
cli=$1; version=$2
out=$("$cli" --version) || { echo "tern-cli --version failed"; exit 1; }
[ "$out" = "tern-cli $version" ] || { echo "unexpected --version output: $out"; exit 1; }
"$cli" >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || { echo "tern-cli without a command exited $rc, expected 2"; exit 1; }
"$cli" no-such-command >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || { echo "unknown command exited $rc, expected 2"; exit 1; }
"$cli" --help | grep -q "Usage: tern-cli" || { echo "--help shows no usage"; exit 1; }
echo "ok"
