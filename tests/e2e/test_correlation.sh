#!/bin/sh
# Identities spread over files are connected in the inventory JSON and drawn in the
# Markdown graph: a GKE ServiceAccount and its Google service account (annotation and
# IAM binding), a workload and its ServiceAccount, an EKS ServiceAccount and its IRSA
# role, a workflow secret and the github_actions_secret that sets it. Every graph must
# parse with Mermaid's own parser.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fixture="$source_tree/fixtures/correlation/platform-repo"

"$nhiscan" inventory "$fixture" --root "$fixture" --now 2026-06-01 --format json --output "$work/inventory.json"
"$nhiscan" inventory "$fixture" --root "$fixture" --now 2026-06-01 --format markdown --output "$work/inventory.md"
"$nhiscan" inventory "$fixture" --root "$fixture" --now 2026-06-01 --format csv --output "$work/inventory.csv"

/usr/bin/python3 - "$work/inventory.json" "$work/inventory.md" "$work/inventory.csv" <<'PY'
import csv, json, re, sys
log = json.load(open(sys.argv[1]))
markdown = open(sys.argv[2]).read()
identities = {i["id"]: i for i in log["identities"]}

def links(identity_id, kind):
    return {l["target"]: l for l in identities[identity_id]["links"] if l["type"] == kind}

ksa = "kubernetes:ServiceAccount/shop/api"
gsa = "terraform:infra/google_service_account.api"
to_gsa = links(ksa, "federated_with")
assert gsa in to_gsa, to_gsa
assert to_gsa[gsa]["confirmed_by"]["file"] == "infra/gke.tf", "the binding confirms the annotation"
assert ksa in links(gsa, "federated_with"), identities[gsa]["links"]
assert any(g["role"] == "roles/cloudsql.client" for g in identities[gsa]["grants"])
assert any(c["name"] == "Deployment/shop/api" for c in identities[ksa]["consumers"]), identities[ksa]["consumers"]

eks = "kubernetes:ServiceAccount/orders/orders-api"
role = "terraform:infra/aws_iam_role.orders"
to_role = links(eks, "federated_with")
assert role in to_role, to_role
assert to_role[role]["confirmed_by"] is not None, "the trust condition confirms the annotation"
assert eks in links(role, "federated_with")

secret = "github-actions:secret/DEPLOY_KEY"
setter = "terraform:infra/github_actions_secret.deploy_key"
assert setter in links(secret, "set_by"), identities[secret]["links"]
assert identities[secret]["attributes"]["governed_by"] == setter
assert any(c["location"]["file"] == ".github/workflows/deploy.yml" for c in identities[setter]["consumers"])

# The graph draws each connection inside one Mermaid block.
blocks = re.findall(r"```mermaid\n(.*?)```", markdown, re.S)
def block_with(*labels):
    return any(all(label in block for label in labels) for block in blocks)
assert block_with("ServiceAccount: shop/api", "GCP service account: api", "federated with", "Deployment/shop/api"), blocks
assert block_with("ServiceAccount: orders/orders-api", "AWS role: orders-api", "federated with")
assert block_with("GitHub ci secret: DEPLOY_KEY", "github_actions_secret.deploy_key", "set by", "deploy.yml")

rows = list(csv.DictReader(open(sys.argv[3])))
assert {row["id"] for row in rows} == set(identities), "CSV lists every identity"
print("all connections present")
PY
node "$source_tree/tests/mermaid/check.mjs" "$work/inventory.md"
