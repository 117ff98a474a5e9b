#!/bin/sh
# Long strings where the extractors match regular expressions: a Terraform JSON
# interpolation, a Terraform template, GitHub and Azure expressions, and a GitLab
# variable, each 200 KB. A recursive matcher overflowed the stack on 30 KB. The scan
# must finish and still read the identities around them.
set -eu
nhiscan=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/infra" "$repo/.github/workflows"

/usr/bin/python3 - "$repo" <<'PYTHON'
import json
import sys

repo = sys.argv[1]
long = "a" * 200_000
with open(f"{repo}/infra/main.tf.json", "w", encoding="utf-8") as handle:
    json.dump({"resource": {"aws_iam_user": {"deployer": {"name": "${" + long}}}}, handle)
with open(f"{repo}/infra/main.tf", "w", encoding="utf-8") as handle:
    handle.write('resource "google_service_account" "runner" {\n'
                 '  account_id   = "runner"\n'
                 f'  display_name = "${{var.{long}"\n'
                 "}\n")
with open(f"{repo}/.github/workflows/ci.yml", "w", encoding="utf-8") as handle:
    handle.write("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                 f"      - run: echo ${{{{ secrets.TOKEN }}}} ${{{{ secrets.{long}\n")
with open(f"{repo}/azure-pipelines.yml", "w", encoding="utf-8") as handle:
    handle.write(f"steps:\n  - script: echo $[ variables.{long}\n")
with open(f"{repo}/.gitlab-ci.yml", "w", encoding="utf-8") as handle:
    handle.write(f"variables:\n  GCP_SERVICE_ACCOUNT: {long}@example.iam.gserviceaccount.com\n"
                 "deploy:\n  script: gcloud auth activate-service-account --key-file=$KEY\n")
PYTHON

status=0
timeout 120 "$nhiscan" scan "$repo" --root "$repo" --now 2026-06-01 --fail-on none --format json \
  --output "$work/scan.json" 2> "$work/stderr" || status=$?
[ "$status" -eq 0 ] || { echo "FAIL: scan exited $status"; cat "$work/stderr"; exit 1; }

/usr/bin/python3 - "$work/scan.json" <<'PYTHON'
import json
import sys

log = json.load(open(sys.argv[1], encoding="utf-8"))
ids = [identity["id"] for identity in log["identities"]]
expected = ("aws_iam_user.deployer", "google_service_account.runner", "secret/TOKEN")
missing = [part for part in expected if not any(identity.endswith(part) for identity in ids)]
if missing:
    sys.exit(f"FAIL: identities missing: {missing}; {len(ids)} read")
print(f"{len(ids)} identities read around 200 KB strings")
PYTHON
