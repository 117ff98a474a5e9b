#!/bin/sh
# Command-line contract: exit codes, usage errors, rules and explain, --fail-on,
# --quiet, output files.
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

demo="$source_tree/fixtures/demo"
expect_status 1 "$nhiscan" scan "$demo" --now 2026-06-01
grep -q "findings (" "$work/stdout" || fail "text summary missing"
expect_status 0 "$nhiscan" scan "$demo" --now 2026-06-01 --fail-on none
expect_status 0 "$nhiscan" scan "$demo" --now 2026-06-01 --fail-on critical
expect_status 1 "$nhiscan" scan "$demo" --now 2026-06-01 --fail-on high

# The summary line counts in the singular when there is one of a kind.
mkdir "$work/one"
printf '# nhi: owner=team-a purpose="deploys" review-by=2027-03-31\nresource "google_service_account" "a" {\n  account_id = "a"\n}\n' > "$work/one/main.tf"
expect_status 0 "$nhiscan" scan "$work/one" --now 2026-06-01
grep -qx "0 findings; 1 identity declared, 0 referenced; 1 file scanned" "$work/stdout" ||
  { cat "$work/stdout"; fail "singular summary line"; }

# Quiet prints nothing when the scan passes, and the findings when it fails.
expect_status 0 "$nhiscan" scan "$source_tree/fixtures/cases/B11" --now 2026-06-01 -q
[ ! -s "$work/stdout" ] || fail "--quiet printed output on success"
expect_status 1 "$nhiscan" scan "$demo" --now 2026-06-01 -q
[ -s "$work/stdout" ] || fail "--quiet hid failing findings"

# Usage and I/O errors exit 2 with a message.
expect_status 2 "$nhiscan" scan "$work/does-not-exist"
grep -q "path not found" "$work/stderr" || fail "missing path not reported"
expect_status 2 "$nhiscan" scan "$demo" --format yaml
expect_status 2 "$nhiscan" scan "$demo" --now 31.12.2026
expect_status 2 "$nhiscan" scan "$demo" --fail-on severe
expect_status 2 "$nhiscan" scan --no-such-option
expect_status 2 "$nhiscan" scan "$demo" --jobs many
expect_status 2 "$nhiscan" explain NHI999
expect_status 2 "$nhiscan" scan "$demo" --output "$work/no/such/dir/out.txt"

# Catalogue and documentation.
expect_status 0 "$nhiscan" rules
for id in NHI001 NHI002 NHI003 NHI004 NHI005 NHI006 NHI007 NHI008; do
  grep -q "^$id " "$work/stdout" || fail "rules does not list $id"
done
expect_status 0 "$nhiscan" explain missing-owner
grep -q "^# NHI001 missing-owner" "$work/stdout" || fail "explain by name"
expect_status 0 "$nhiscan" explain nhi004
grep -q "missing-rotation-policy" "$work/stdout" || fail "explain by lower-case id"
expect_status 0 "$nhiscan" --version
grep -q "^nhiscan [0-9]" "$work/stdout" || fail "--version"
expect_status 0 "$nhiscan" --help
grep -q "usage: nhiscan" "$work/stdout" || fail "--help"

# --output and --sarif write files; --format=json with the = form.
expect_status 1 "$nhiscan" scan "$demo" --now 2026-06-01 --format=json --output "$work/out.json" --sarif "$work/out.sarif"
[ ! -s "$work/stdout" ] || fail "--output also printed to stdout"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"] == 1 and d["scanned_at"] == "2026-06-01"' "$work/out.json"
/usr/bin/python3 "$source_tree/tests/sarif/validate.py" "$work/out.sarif"

# The inventory command lists identities and exits 0 even with findings.
expect_status 0 "$nhiscan" inventory "$demo" --now 2026-06-01
grep -q "terraform:fixtures/demo/infra/gcp/google_service_account.deployer" "$work/stdout" || fail "inventory lacks the deployer"
echo "command-line contract holds"
