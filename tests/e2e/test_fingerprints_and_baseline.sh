#!/bin/sh
# Fingerprints survive unrelated edits that move lines; a written baseline accepts
# every current finding, and a new finding still gets through it.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r "$source_tree/fixtures/cases/B03" "$work/repo"
cp -r "$source_tree/fixtures/cases/B06/k8s" "$work/repo/k8s"
fingerprints() {
  "$nhiscan" scan "$work/repo" --root "$work/repo" --now 2026-06-01 --format json --fail-on none |
    /usr/bin/python3 -c 'import json,sys; print("\n".join(sorted(f["fingerprint"] for f in json.load(sys.stdin)["findings"])))'
}
before=$(fingerprints)
[ -n "$before" ] || { echo "no findings to compare"; exit 1; }

# Move every declaration of every scanned file down by ten lines.
for file in "$work/repo/main.tf" "$work/repo/k8s/sa.yaml"; do
  { for i in 1 2 3 4 5 6 7 8 9 10; do echo "# moved down"; done; cat "$file"; } > "$file.moved"
  mv "$file.moved" "$file"
done
after=$(fingerprints)
if [ "$before" != "$after" ]; then
  echo "fingerprints changed after moving lines:"
  echo "before:"; echo "$before"; echo "after:"; echo "$after"
  exit 1
fi

# Baseline round trip.
"$nhiscan" scan "$work/repo" --root "$work/repo" --now 2026-06-01 --write-baseline "$work/baseline.toml" --fail-on none -q
"$nhiscan" scan "$work/repo" --root "$work/repo" --now 2026-06-01 --baseline "$work/baseline.toml" -q ||
  { echo "findings remain after applying the baseline just written"; exit 1; }

cat >> "$work/repo/main.tf" <<'HCL'

resource "aws_iam_access_key" "new_key" {
  user = "someone"
}
HCL
status=0
"$nhiscan" scan "$work/repo" --root "$work/repo" --now 2026-06-01 --baseline "$work/baseline.toml" --format json > "$work/new.json" || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 for a new finding, got $status"; exit 1; }
/usr/bin/python3 - "$work/new.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
open_findings = [f for f in log["findings"] if not f["suppressed"]]
ids = {f["identity"] for f in open_findings}
assert ids == {"terraform:aws_iam_access_key.new_key"}, ids
assert all(f.get("baselined") for f in log["findings"] if f["suppressed"]), "suppressed findings must come from the baseline"
PY
echo "fingerprints stable; baseline round trip ok"
