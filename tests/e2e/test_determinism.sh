#!/bin/sh
# Output is the same bytes whatever the thread count, and from run to run.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for format in text json sarif; do
  for jobs in 1 2 7; do
    "$nhiscan" scan "$source_tree/fixtures" --root "$source_tree" --now 2026-06-01 --format "$format" --jobs "$jobs" \
      --fail-on none --no-color > "$work/$format-$jobs" 2>&1
  done
  cmp -s "$work/$format-1" "$work/$format-2" || { echo "$format differs between 1 and 2 jobs"; diff "$work/$format-1" "$work/$format-2" | head; exit 1; }
  cmp -s "$work/$format-1" "$work/$format-7" || { echo "$format differs between 1 and 7 jobs"; exit 1; }
done
for format in json csv markdown; do
  for jobs in 1 3; do
    "$nhiscan" inventory "$source_tree/fixtures" --root "$source_tree" --now 2026-06-01 --format "$format" \
      --jobs "$jobs" > "$work/inventory-$format-$jobs" 2>&1
  done
  cmp -s "$work/inventory-$format-1" "$work/inventory-$format-3" ||
    { echo "inventory $format differs between 1 and 3 jobs"; exit 1; }
done
echo "identical output for 1, 2 and 7 jobs"
