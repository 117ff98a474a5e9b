#!/bin/sh
# Scan a corpus of real repositories (default ../shared/corpus) and print counts per
# rule, platform and kind; then check the corpus expectations, that the YAML parse
# shortcut changes nothing, that the thread count changes nothing, and that the
# SARIF log validates. Skips cleanly when the corpus is absent.
set -eu
nhiscan=${1:-build/nhiscan}
corpus=${2:-../shared/corpus}
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -d "$corpus" ]; then
  echo "corpus: $corpus not found; skipped"
  exit 0
fi
corpus=$(cd "$corpus" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now=${NOW:-$(date -u +%Y-%m-%d)}

start=$(date +%s.%N)
"$nhiscan" scan "$corpus" --root "$corpus" --now "$now" --format json --output "$work/scan.json" \
  --sarif "$work/scan.sarif" --fail-on none
end=$(date +%s.%N)
echo "corpus: scanned $corpus in $(echo "$end - $start" | bc) s"

"$nhiscan" scan "$corpus" --root "$corpus" --now "$now" --format json --output "$work/full-parse.json" \
  --fail-on none --no-prefilter
"$nhiscan" scan "$corpus" --root "$corpus" --now "$now" --format json --output "$work/one-thread.json" \
  --fail-on none --jobs 1
"$nhiscan" scan "$corpus" --root "$corpus" --now "$now" --format text --output "$work/scan.txt" --fail-on none

/usr/bin/python3 "$here/corpus_checks.py" "$work/scan.json" "$work/full-parse.json" "$work/one-thread.json" \
  "$corpus" "$work/scan.json" "$work/scan.sarif" "$work/scan.txt"
/usr/bin/python3 "$here/../tests/sarif/validate.py" "$work/scan.sarif" && echo "corpus: SARIF log is valid SARIF 2.1.0"
"$nhiscan" inventory "$corpus" --root "$corpus" --now "$now" --format markdown --output "$work/inventory.md"
node "$here/../tests/mermaid/check.mjs" "$work/inventory.md" > "$work/mermaid.txt" || { cat "$work/mermaid.txt"; exit 1; }
sed 's/^/corpus: /' "$work/mermaid.txt"
