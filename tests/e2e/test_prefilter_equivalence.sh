#!/bin/sh
# The parse shortcuts change nothing: over every fixture, the inventory and the
# findings are the same with them on and off (--no-prefilter), and with one worker
# thread. Diagnostics may differ, because a document that is not parsed reports no
# syntax error.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scan() {
  name=$1
  shift
  "$nhiscan" scan "$source_tree/fixtures" --root "$source_tree" --now 2026-06-01 --format json --fail-on none \
    --output "$work/$name.json" "$@"
}
scan default
scan full-parse --no-prefilter
scan one-thread --jobs 1
python3 - "$work" <<'PY'
import json
import sys

work = sys.argv[1]


def model(name):
    with open(f"{work}/{name}.json", encoding="utf-8") as handle:
        log = json.load(handle)
    identities = sorted(json.dumps(i, sort_keys=True) for i in log["identities"])
    findings = sorted(json.dumps(f, sort_keys=True) for f in log["findings"])
    return identities, findings


default = model("default")
failed = False
for other, description in (("full-parse", "--no-prefilter"), ("one-thread", "--jobs 1")):
    identities, findings = model(other)
    if identities != default[0]:
        print(f"identities differ with {description}")
        failed = True
    if findings != default[1]:
        print(f"findings differ with {description}")
        failed = True
if failed:
    sys.exit(1)
print(f"{len(default[0])} identities and {len(default[1])} findings identical with --no-prefilter and --jobs 1")
PY
