#!/bin/sh
# A `.terraform/` module cache left by `terraform init` is never scanned, and no URI
# names it (remote modules are not followed).
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source_tree/fixtures/cases/B21/." "$work/repo"
(cd "$work/repo" && sh ./setup.sh)
[ -d "$work/repo/.terraform/modules" ] || { echo "setup did not create the cache"; exit 1; }
status=0
"$nhiscan" scan "$work/repo" --root "$work/repo" --now 2026-06-01 --format json > "$work/out.json" || status=$?
[ "$status" -le 1 ] || { echo "exit $status"; exit 1; }
/usr/bin/python3 - "$work/out.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
files = {f["location"]["file"] for f in log["findings"]} | {i["location"]["file"] for i in log["identities"]}
assert files == {"main.tf"}, files
ids = sorted(i["id"] for i in log["identities"])
assert ids == ["terraform:google_service_account.reporting"], ids
rules = sorted(f["rule_id"] for f in log["findings"] if f["location"]["line"] == 9)
assert rules == ["NHI001", "NHI002", "NHI006"], rules
PY
echo ".terraform skipped"
