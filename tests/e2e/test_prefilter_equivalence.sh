#!/bin/sh
# The parse shortcuts change nothing: identities and findings are the same with them
# on and off (--no-prefilter), and with one worker thread. This holds over the whole
# fixture tree and over each fixture on its own, because one fixture's escaped module
# sources turn the Terraform shortcut off for any scan that includes it. Diagnostics
# may differ, because a document that is not parsed reports no syntax error.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$nhiscan" "$source_tree" "$work" <<'PY'
import json
import pathlib
import subprocess
import sys

nhiscan, source_tree, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
fixtures = source_tree / "fixtures"


def model(tree, *options):
    output = work / "scan.json"
    subprocess.run([nhiscan, "scan", str(tree), "--root", str(tree), "--now", "2026-06-01", "--format", "json",
                    "--fail-on", "none", "--output", str(output), *options],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = json.loads(output.read_text(encoding="utf-8"))
    identities = sorted(json.dumps(i, sort_keys=True) for i in log["identities"])
    findings = sorted(json.dumps(f, sort_keys=True) for f in log["findings"])
    return identities, findings


trees = [fixtures] + sorted(config.parent for config in fixtures.rglob("fixture.conf"))
failures = []
for tree in trees:
    default = model(tree)
    for options, description in ((["--no-prefilter"], "--no-prefilter"), (["--jobs", "1"], "--jobs 1")):
        identities, findings = model(tree, *options)
        name = tree.relative_to(source_tree)
        if identities != default[0]:
            failures.append(f"{name}: identities differ with {description}")
        if findings != default[1]:
            failures.append(f"{name}: findings differ with {description}")
if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"identities and findings identical with --no-prefilter and --jobs 1 in {len(trees)} trees")
PY
