#!/bin/sh
# --context: the PATH arguments are reported and the context is only read. Covers
# files and directories as PATH arguments, no PATH argument, invalid combinations,
# excluded files, and --markdown.
# shellcheck disable=SC2086 # $options is split into arguments on purpose
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

expect_status() {
  want=$1
  shift
  status=0
  "$@" > "$work/stdout" 2> "$work/stderr" || status=$?
  [ "$status" -eq "$want" ] || { cat "$work/stdout" "$work/stderr"; fail "expected exit $want, got $status: $*"; }
}
# Prints the sorted set of files that findings are reported in.
reported_files() {
  /usr/bin/python3 -c 'import json,sys; print("\n".join(sorted({f["location"]["file"] for f in json.load(open(sys.argv[1]))["findings"]})))' "$1"
}

repo="$work/demo repo"
cp -r "$source_tree/fixtures/demo" "$repo"
git -C "$repo" init -q
cd "$repo"
options="--now 2026-06-01 --fail-on none --format json"

# A file argument: only its findings.
expect_status 0 "$nhiscan" scan --context . $options --output "$work/one.json" infra/gcp/service_accounts.tf
[ "$(reported_files "$work/one.json")" = "infra/gcp/service_accounts.tf" ] ||
  fail "file argument: findings in $(reported_files "$work/one.json" | tr '\n' ' ')"

# The same findings as in a full scan, because the rest is read as context.
expect_status 0 "$nhiscan" scan . $options --output "$work/all.json"
/usr/bin/python3 - "$work/one.json" "$work/all.json" <<'PYTHON' || fail "findings in the file differ from the full scan's"
import json
import sys

def keys(path):
    findings = json.load(open(path))["findings"]
    return sorted((f["rule_id"], f["location"]["line"], f["message"]) for f in findings
                  if f["location"]["file"] == "infra/gcp/service_accounts.tf")

sys.exit(0 if keys(sys.argv[1]) == keys(sys.argv[2]) else 1)
PYTHON

# A directory argument: the findings of the files below it.
expect_status 0 "$nhiscan" scan --context . $options --output "$work/k8s.json" k8s
reported_files "$work/k8s.json" > "$work/k8s.files"
[ -s "$work/k8s.files" ] || fail "directory argument: no findings"
if grep -v "^k8s/" "$work/k8s.files"; then fail "directory argument: findings outside k8s"; fi

# No PATH argument: nothing scanned, an empty but valid SARIF log, exit 0.
expect_status 0 "$nhiscan" scan --context . --now 2026-06-01 --sarif "$work/empty.sarif" --quiet
[ ! -s "$work/stdout" ] || fail "no PATH argument: output printed"
/usr/bin/python3 "$source_tree/tests/sarif/validate.py" "$work/empty.sarif"
/usr/bin/python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["runs"][0]["results"] == []' "$work/empty.sarif" ||
  fail "no PATH argument: SARIF has results"

# Only files that nhiscan does not read: nothing to report.
expect_status 0 "$nhiscan" scan --context . --now 2026-06-01 README.md

# A file whose name has a space.
mkdir "$repo/more keys"
cp infra/gcp/service_accounts.tf "more keys/service accounts.tf"
expect_status 0 "$nhiscan" scan --context . $options --output "$work/space.json" "more keys/service accounts.tf"
[ "$(reported_files "$work/space.json")" = "more keys/service accounts.tf" ] || fail "a path with a space was not reported"

# An excluded file stays excluded.
expect_status 0 "$nhiscan" scan --context . $options --exclude "more keys" --output "$work/excluded.json" "more keys/service accounts.tf"
[ -z "$(reported_files "$work/excluded.json")" ] || fail "an excluded file was reported"

# Errors: a missing path, a path outside the root, and invalid combinations.
expect_status 2 "$nhiscan" scan --context . no-such-file.tf
grep -q "no-such-file.tf: path not found" "$work/stderr" || fail "missing path: no message"
expect_status 2 "$nhiscan" scan --context . "$source_tree/fixtures/demo/infra/aws/iam.tf"
grep -q "outside the scan root" "$work/stderr" || fail "outside path: no message"
expect_status 2 "$nhiscan" inventory --context . k8s
grep -q "applies to scan only" "$work/stderr" || fail "inventory with --context: no message"
expect_status 2 "$nhiscan" scan --context . --write-baseline "$work/b.toml" k8s
grep -q "cannot be combined with --context" "$work/stderr" || fail "--write-baseline with --context: no message"
[ ! -e "$work/b.toml" ] || fail "a baseline was written"

# --markdown writes the summary besides the main report.
expect_status 1 "$nhiscan" scan . --now 2026-06-01 --markdown "$work/summary.md" --quiet
grep -q "^## nhiscan: non-human identity governance" "$work/summary.md" || fail "--markdown wrote no summary"
expect_status 2 "$nhiscan" scan . --now 2026-06-01 --markdown "$work/no/such/dir/summary.md"

echo "--context reports the PATH arguments and reads the rest"
