#!/bin/sh
# The GitHub Action's scripts, run with the variables that a runner sets, against a
# temporary git repository whose path has a space: the SARIF log, the job summary,
# every output, only-changed on a pull request, and invalid inputs.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
scan="$source_tree/action/scan.sh"
install="$source_tree/action/install.sh"

# Prints the value of output NAME from the GITHUB_OUTPUT file.
output() {
  sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -n 1
}
# Prints the number of open results of each severity in a SARIF log, as the outputs
# should report them.
sarif_counts() {
  /usr/bin/python3 - "$1" <<'PYTHON'
import json
import sys

log = json.load(open(sys.argv[1], encoding="utf-8"))
results = [r for run in log["runs"] for r in run.get("results", []) if not r.get("suppressions")]
severities = [r["properties"]["severity"] for r in results]
print(len(results), *(severities.count(s) for s in ("critical", "high", "medium", "low")))
PYTHON
}
# Runs scan.sh with a fresh output and summary file; the exit status is in $status.
run_scan() {
  : > "$GITHUB_OUTPUT"
  : > "$GITHUB_STEP_SUMMARY"
  status=0
  "$scan" > "$work/log" 2> "$work/err" || status=$?
}

# The runner's files and the repository.
workspace="$work/checkout of repo"
mkdir -p "$workspace"
export GITHUB_WORKSPACE="$workspace"
export GITHUB_OUTPUT="$work/github_output"
export GITHUB_STEP_SUMMARY="$work/step_summary"
export GITHUB_EVENT_PATH="$work/event.json"
export NHISCAN="$nhiscan"
echo '{}' > "$GITHUB_EVENT_PATH"

# --- install.sh: the version is the cache key, and a restored binary is used as is.
version=$("$install" version)
"$nhiscan" --version | grep -qx "nhiscan $version" || fail "install.sh version '$version' differs from nhiscan --version"
mkdir -p "$work/tool cache/bin"
ln -s "$nhiscan" "$work/tool cache/bin/nhiscan"
: > "$GITHUB_OUTPUT"
"$install" "$work/tool cache" 2> "$work/err" || { cat "$work/err"; fail "install.sh rejected a restored binary"; }
[ "$(output path)" = "$work/tool cache/bin/nhiscan" ] || fail "install.sh path output: '$(output path)'"
status=0
"$install" 2> "$work/err" || status=$?
[ "$status" -eq 2 ] || fail "install.sh without a prefix: expected exit 2, got $status"

# --- A full scan of the demo repository, with the action's defaults.
cp -r "$source_tree/fixtures/demo" "$workspace/demo"
git -C "$workspace" init -q -b main
git -C "$workspace" add -A
git -C "$workspace" commit -q -m "demo"
base=$(git -C "$workspace" rev-parse HEAD)

export INPUT_PATHS="demo" INPUT_CATEGORY="nhiscan-demo"
run_scan
[ "$status" -eq 1 ] || { cat "$work/log" "$work/err"; fail "demo with fail-on low: expected exit 1, got $status"; }
sarif="$workspace/nhiscan.sarif"
[ -s "$sarif" ] || fail "no SARIF log at the default sarif-file"
/usr/bin/python3 "$source_tree/tests/sarif/validate.py" "$sarif" || fail "the action's SARIF log violates the SARIF 2.1.0 schema"
category=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["automationDetails"]["id"])' "$sarif")
[ "$category" = "nhiscan-demo/" ] || fail "automationDetails.id is '$category', expected 'nhiscan-demo/'"
[ "$(output sarif-file)" = "nhiscan.sarif" ] || fail "sarif-file output: '$(output sarif-file)'"
[ "$(output category)" = "nhiscan-demo" ] || fail "category output: '$(output category)'"
[ "$(output exit-code)" = 1 ] || fail "exit-code output: '$(output exit-code)'"
[ -z "$(output changed-files)" ] || fail "changed-files set without only-changed"
# shellcheck disable=SC2046 # the counts are split into $1..$5 on purpose
set -- $(sarif_counts "$sarif")
[ "$1" -gt 0 ] || fail "the demo has no open findings"
[ "$(output findings)" = "$1" ] || fail "findings output $(output findings), SARIF has $1"
[ "$(output critical)" = "$2" ] || fail "critical output $(output critical), SARIF has $2"
[ "$(output high)" = "$3" ] || fail "high output $(output high), SARIF has $3"
[ "$(output medium)" = "$4" ] || fail "medium output $(output medium), SARIF has $4"
[ "$(output low)" = "$5" ] || fail "low output $(output low), SARIF has $5"
demo_findings=$1
grep -q "^## nhiscan: non-human identity governance" "$GITHUB_STEP_SUMMARY" || fail "no Markdown job summary"
grep -q "open findings" "$GITHUB_STEP_SUMMARY" || fail "the job summary has no count"
grep -q "^::error file=demo/infra/gcp/service_accounts.tf,line=" "$work/log" || { cat "$work/log"; fail "no annotation for the demo key"; }

# fail-on none passes with the same findings; a threshold above every finding passes.
INPUT_FAIL_ON=none run_scan
[ "$status" -eq 0 ] || fail "fail-on none: expected exit 0, got $status"
[ "$(output findings)" = "$demo_findings" ] || fail "fail-on none changed the count"
if [ "$3" -eq 0 ] && [ "$2" -eq 0 ]; then
  INPUT_FAIL_ON=high run_scan
  [ "$status" -eq 0 ] || fail "fail-on high without high findings: expected exit 0, got $status"
fi

# A baseline of every current finding: nothing open, the step passes, and the SARIF
# log still lists the findings as suppressed.
"$nhiscan" scan "$workspace/demo" --root "$workspace" --fail-on none --quiet --write-baseline "$workspace/baseline.toml"
INPUT_BASELINE=baseline.toml run_scan
[ "$status" -eq 0 ] || { cat "$work/log" "$work/err"; fail "baseline: expected exit 0, got $status"; }
[ "$(output findings)" = 0 ] || fail "baseline: findings output '$(output findings)'"
/usr/bin/python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["runs"][0]["results"]) > 0' "$sarif" ||
  fail "baseline: the SARIF log lost the suppressed findings"

# A configuration that disables the owner rule.
printf '[rules]\ndisable = ["NHI001"]\n' > "$workspace/strict.toml"
INPUT_CONFIG=strict.toml run_scan
if grep -q "NHI001" "$work/log"; then fail "config: the disabled rule was reported"; fi
[ "$(output findings)" -lt "$demo_findings" ] || fail "config: findings output '$(output findings)' did not drop"

# sarif-file in a directory with a space; text format in the log.
mkdir "$workspace/scan results"
INPUT_SARIF_FILE="scan results/nhi.sarif" INPUT_FORMAT=text run_scan
[ -s "$workspace/scan results/nhi.sarif" ] || fail "sarif-file with a space was not written"
grep -q "findings (" "$work/log" || fail "format text did not print the text report"

# --- only-changed on a pull request: the PR adds a key without a rotation next to
# an owned account, and touches a README.
mkdir -p "$workspace/infra/data exports"
cat > "$workspace/infra/data exports/accounts.tf" <<'EOF'
# nhi: owner=team-data review-by=2027-03-31 purpose="exports billing metrics"
resource "google_service_account" "exporter" {
  account_id = "exporter"
  project    = "acme"
}
EOF
git -C "$workspace" add -A
git -C "$workspace" commit -q -m "owned account"
base=$(git -C "$workspace" rev-parse HEAD)
git -C "$workspace" checkout -q -b feature
cat > "$workspace/infra/data exports/exporter key.tf" <<'EOF'
resource "google_service_account_key" "exporter" {
  service_account_id = google_service_account.exporter.name
}
EOF
echo "docs" > "$workspace/README.md"
git -C "$workspace" add -A
git -C "$workspace" commit -q -m "add a key"
printf '{"pull_request": {"number": 7, "base": {"ref": "main", "sha": "%s"}}}\n' "$base" > "$GITHUB_EVENT_PATH"

export INPUT_PATHS="demo
infra
" INPUT_ONLY_CHANGED=true
run_scan
[ "$status" -eq 1 ] || { cat "$work/log" "$work/err"; fail "only-changed: expected exit 1, got $status"; }
[ "$(output changed-files)" = 1 ] || { cat "$work/err"; fail "changed-files output '$(output changed-files)', expected 1 (README.md is outside the paths)"; }
grep -q "infra/data exports/exporter key.tf" "$work/log" || { cat "$work/log"; fail "only-changed: no finding for the new key"; }
if grep -q "file=demo/" "$work/log"; then
  cat "$work/log"
  fail "only-changed reported a finding in an unchanged file"
fi
if grep -q "NHI001" "$work/log"; then
  cat "$work/log"
  fail "only-changed lost the owner that the key inherits from its account"
fi
# shellcheck disable=SC2046 # the counts are split into $1..$5 on purpose
set -- $(sarif_counts "$sarif")
[ "$(output findings)" = "$1" ] || fail "only-changed: findings output $(output findings), SARIF has $1"
[ "$1" -gt 0 ] || fail "only-changed: no findings in the changed files"
[ "$1" -lt "$demo_findings" ] || fail "only-changed: $1 findings, not fewer than the full scan's $demo_findings"

# The base from GITHUB_BASE_REF when the payload has none.
echo '{}' > "$GITHUB_EVENT_PATH"
GITHUB_BASE_REF=main run_scan
[ "$(output changed-files)" = 1 ] || { cat "$work/err"; fail "GITHUB_BASE_REF: changed-files '$(output changed-files)'"; }

# A pull request that changes no scanned file reports nothing and passes.
git -C "$workspace" checkout -q main
git -C "$workspace" checkout -q -b docs-only
echo "more docs" > "$workspace/README.md"
git -C "$workspace" add -A
git -C "$workspace" commit -q -m "docs"
printf '{"pull_request": {"base": {"sha": "%s"}}}\n' "$base" > "$GITHUB_EVENT_PATH"
run_scan
[ "$status" -eq 0 ] || { cat "$work/log" "$work/err"; fail "no changed scanned files: expected exit 0, got $status"; }
[ "$(output changed-files)" = 0 ] || fail "no changed scanned files: changed-files '$(output changed-files)'"
[ "$(output findings)" = 0 ] || fail "no changed scanned files: findings '$(output findings)'"
/usr/bin/python3 "$source_tree/tests/sarif/validate.py" "$sarif" || fail "the empty SARIF log is invalid"

# A push that creates a branch has no base: everything is scanned, with a warning.
printf '{"before": "0000000000000000000000000000000000000000"}\n' > "$GITHUB_EVENT_PATH"
run_scan
[ "$status" -eq 1 ] || fail "no base: expected a full scan with findings, got exit $status"
grep -q "^::warning title=nhiscan::only-changed" "$work/log" || { cat "$work/log"; fail "no base: no warning"; }
[ "$(output findings)" = "$demo_findings" ] || fail "no base: findings '$(output findings)', expected the full scan's $demo_findings"

# A base commit that is not in the checkout and cannot be fetched.
printf '{"pull_request": {"base": {"sha": "%s"}}}\n' "1111111111111111111111111111111111111111" > "$GITHUB_EVENT_PATH"
run_scan
[ "$status" -eq 2 ] || fail "missing base commit: expected exit 2, got $status"
grep -q "fetch-depth: 0" "$work/log" || { cat "$work/log"; fail "missing base commit: no hint"; }

# --- Invalid input exits 2 with an error annotation that names the value.
unset INPUT_ONLY_CHANGED
INPUT_FAIL_ON=severe run_scan
[ "$status" -eq 2 ] || fail "fail-on severe: expected exit 2, got $status"
grep -q "^::error title=nhiscan::invalid fail-on 'severe'" "$work/log" || { cat "$work/log"; fail "fail-on severe: no error annotation"; }
INPUT_FORMAT=xml run_scan
[ "$status" -eq 2 ] || fail "format xml: expected exit 2, got $status"
INPUT_ONLY_CHANGED=yes run_scan
[ "$status" -eq 2 ] || fail "only-changed yes: expected exit 2, got $status"
INPUT_PATHS="does not exist" run_scan
[ "$status" -eq 2 ] || fail "a missing path: expected exit 2, got $status"
grep -q "path not found" "$work/err" || { cat "$work/err"; fail "a missing path: no message"; }
INPUT_CONFIG="missing.toml" run_scan
[ "$status" -eq 2 ] || fail "a missing config: expected exit 2, got $status"
NHISCAN="$work/no-such-nhiscan" run_scan
[ "$status" -eq 2 ] || fail "a missing binary: expected exit 2, got $status"

# only-changed outside a git repository.
plain="$work/plain dir"
mkdir "$plain"
cp -r "$source_tree/fixtures/demo/infra" "$plain/infra"
GITHUB_WORKSPACE="$plain" INPUT_PATHS=. INPUT_ONLY_CHANGED=true run_scan
[ "$status" -eq 2 ] || fail "only-changed without git: expected exit 2, got $status"
grep -q "not a git repository" "$work/log" || { cat "$work/log"; fail "only-changed without git: no message"; }
# Without only-changed, a plain directory scans.
GITHUB_WORKSPACE="$plain" INPUT_PATHS=. run_scan
[ "$status" -eq 1 ] || { cat "$work/log" "$work/err"; fail "plain directory: expected exit 1, got $status"; }

echo "action scripts write SARIF, summary and outputs, and reject invalid input"
