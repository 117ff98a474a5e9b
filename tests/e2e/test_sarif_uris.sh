#!/bin/sh
# SARIF URIs are relative to the repository root (the git top-level), whatever form
# the scanned path takes, and every region is 1-based.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source_tree/fixtures/cases/B19/." "$work/repo"
git -C "$work/repo" init -q

check() {
  description=$1
  directory=$2
  shift 2
  status=0
  (cd "$directory" && "$@" > "$work/out.sarif") || status=$?
  [ "$status" -le 1 ] || { echo "$description: exit $status"; exit 1; }
  /usr/bin/python3 - "$work/out.sarif" "$description" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
uris = set()
for result in log["runs"][0]["results"]:
    for location in result["locations"]:
        physical = location["physicalLocation"]
        uris.add(physical["artifactLocation"]["uri"])
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        assert region["startLine"] >= 1 and region.get("startColumn", 1) >= 1, region
assert uris == {"infra/iam/users.tf"}, (sys.argv[2], uris)
PY
}

check "relative path" "$work/repo" "$nhiscan" scan infra/iam --format sarif
check "dot-slash path" "$work/repo" "$nhiscan" scan ./infra/iam/ --format sarif
check "absolute path" "$work/repo" "$nhiscan" scan "$work/repo/infra/iam" --format sarif
check "from a subdirectory" "$work/repo/infra" "$nhiscan" scan iam --format sarif
/usr/bin/python3 "$source_tree/tests/sarif/validate.py" "$work/out.sarif"
echo "URIs are repository-relative in every invocation form"
