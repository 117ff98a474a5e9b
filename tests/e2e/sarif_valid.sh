#!/bin/sh
# Scan a fixture into SARIF and validate the log against the SARIF 2.1.0 schema.
set -eu
nhiscan=$1
fixture=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$nhiscan" scan "$fixture" --root "$fixture" --now 2026-06-01 --format sarif --output "$out" || status=$?
if [ "$status" -gt 1 ]; then
  echo "nhiscan exited with $status" >&2
  exit 1
fi
/usr/bin/python3 "$here/../sarif/validate.py" "$out"
