#!/bin/sh
# Scan a corpus (default ../shared/corpus) with the sanitizer build (make sanitize):
# once as users run it, once with every parse shortcut off. Fails on any report of
# AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer. Skips cleanly when
# the corpus is absent.
set -eu
nhiscan=${1:-build-asan/nhiscan}
corpus=${2:-../shared/corpus}
if [ ! -d "$corpus" ]; then
  echo "sanitize: $corpus not found; corpus scan skipped"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="exitcode=86:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1"
for shortcut in "" --no-prefilter; do
  status=0
  start=$(date +%s)
  "$nhiscan" scan "$corpus" --root "$corpus" --format json --fail-on none --output "$work/scan.json" \
    --sarif "$work/scan.sarif" $shortcut 2> "$work/stderr" || status=$?
  if [ "$status" -ne 0 ] || grep -qE 'Sanitizer|runtime error' "$work/stderr"; then
    echo "sanitize: scan of $corpus ${shortcut:-(default)} failed with exit $status:"
    grep -E -A30 'ERROR|runtime error' "$work/stderr" | head -60
    exit 1
  fi
  echo "sanitize: $corpus scanned ${shortcut:-with the shortcuts on} in $(( $(date +%s) - start )) s, no sanitizer report"
done
