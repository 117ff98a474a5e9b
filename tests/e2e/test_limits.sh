#!/bin/sh
# Input limits from .nhiscan.toml [limits] and the command line: a file over a limit
# is reported and skipped, the rest of the scan goes on, and invalid limits are
# configuration errors.
set -eu
nhiscan=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo"

account() {  # account NAME: a ServiceAccount manifest
  printf 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n  namespace: limits\n' "$1"
}
account survivor > "$repo/survivor.yaml"
{ account long; printf '  annotations:\n    note: "%0300d"\n' 0; } > "$repo/long-line.yaml"
{ account one; echo ---; account two; echo ---; account three; } > "$repo/three-documents.yaml"
{ account deep; printf '  labels:\n    a:\n      b:\n        c:\n          d:\n            e: f\n'; } > "$repo/deep.yaml"
printf 'resource "aws_iam_user" "nested" {\n  tags = { a = { b = { c = { d = { e = { f = { g = "h" } } } } } } }\n}\n' \
  > "$repo/nested.tf"

scan() {  # scan [OPTIONS...]: text report in $work/out
  "$nhiscan" scan "$repo" --root "$repo" --now 2026-06-01 --fail-on none --no-color "$@" > "$work/out" 2>&1
}
expect() {
  grep -q -- "$1" "$work/out" || { echo "output lacks '$1':"; cat "$work/out"; exit 1; }
}
reject() {
  if grep -q -- "$1" "$work/out"; then echo "output has '$1':"; cat "$work/out"; exit 1; fi
}

cat > "$repo/.nhiscan.toml" <<'TOML'
version = 1
[limits]
max-line-length = 200
max-documents = 2
max-yaml-depth = 4
max-yaml-nodes = 1000
max-hcl-depth = 3
TOML
scan --format text
expect "long-line.yaml:7: warning: line is 312 bytes long, more than the limit of 200 bytes; file skipped"
expect "three-documents.yaml: warning: file has 3 YAML documents, more than the limit of 2; skipped"
expect "deep.yaml:9: error: YAML nesting is deeper than 4 levels; document skipped"
expect "nested.tf:1: error: HCL nesting is deeper than 3 levels; deeper parts are not read"
"$nhiscan" inventory "$repo" --root "$repo" --now 2026-06-01 --format json --output "$work/inventory.json" 2>/dev/null
grep -q 'ServiceAccount/limits/survivor' "$work/inventory.json" || { echo "survivor.yaml was not scanned"; exit 1; }

# The command line overrides the configuration.
scan --format text --max-line-length 1000
reject "long-line.yaml:7: warning"
scan --format text --max-file-size 50
expect "survivor.yaml: warning: file is larger than the limit of 50 bytes; skipped"
printf 'version = 1\n[limits]\nmax-yaml-nodes = 5\n' > "$repo/.nhiscan.toml"
scan --format text
expect "survivor.yaml:3: error: document has more than 5 YAML nodes; document skipped"

# Invalid limits are configuration errors with exit status 2.
invalid() {  # invalid TOML_BODY MESSAGE
  printf 'version = 1\n[limits]\n%s\n' "$1" > "$repo/.nhiscan.toml"
  status=0
  scan --format text || status=$?
  [ "$status" -eq 2 ] || { echo "expected exit 2 for '$1', got $status"; cat "$work/out"; exit 1; }
  expect "$2"
}
invalid 'max-yaml-depth = 501' "\[limits\] max-yaml-depth must be an integer from 1 to 500 (levels)"
invalid 'max-line-length = 0' "\[limits\] max-line-length must be an integer from 1 to"
invalid 'max-lines = 10' "unknown key 'max-lines' in \[limits\]"
invalid 'max-documents = "many"' "\[limits\] max-documents must be an integer"
rm "$repo/.nhiscan.toml"
status=0
"$nhiscan" scan "$repo" --max-line-length 0 > "$work/out" 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "expected exit 2 for --max-line-length 0, got $status"; exit 1; }
expect "--max-line-length needs a number of bytes"
echo "limits reported, files skipped, scan continued"
