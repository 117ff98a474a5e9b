#!/usr/bin/python3
"""Counts and expectations over a corpus scan (JSON output of nhiscan).

usage: corpus_checks.py SCAN.json FULL_PARSE.json ONE_THREAD.json CORPUS OUTPUT...

Prints findings per rule and identities per platform and kind, then checks what the
scanner must find in the known repositories of the corpus. Exits 1 when a check fails.
"""
import collections
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def summary(log):
    rules = collections.Counter(f["rule_id"] for f in log["findings"] if not f["suppressed"])
    print("findings per rule:")
    for rule, count in sorted(rules.items()):
        print(f"  {rule}  {count}")
    platforms = collections.Counter((i["platform"], i["kind"], i["origin"]) for i in log["identities"])
    print("identities per platform, kind and origin:")
    for (platform, kind, origin), count in sorted(platforms.items()):
        print(f"  {platform:<12} {kind:<18} {origin:<10} {count}")
    levels = collections.Counter(d["level"] for d in log["diagnostics"])
    print("diagnostics: " + ", ".join(f"{count} {level}" for level, count in sorted(levels.items())))


class Checks:
    def __init__(self, log):
        self.log = log
        self.failed = 0
        self.findings_at = collections.defaultdict(set)
        for finding in log["findings"]:
            where = (finding["location"]["file"], finding["location"]["line"])
            self.findings_at[where].add(finding["rule_id"])

    def check(self, ok, description):
        print(("  ok    " if ok else "  FAIL  ") + description)
        if not ok:
            self.failed += 1

    def identities(self, predicate):
        return [i for i in self.log["identities"] if predicate(i)]

    def rules_at(self, identity):
        return self.findings_at[(identity["location"]["file"], identity["location"]["line"])]


def expectations(log):
    checks = Checks(log)
    print("corpus expectations:")

    keys = checks.identities(lambda i: i["attributes"].get("terraform_type") in
                             ("google_service_account_key", "aws_iam_access_key"))
    checks.check(len(keys) >= 10 and all("NHI004" in checks.rules_at(k) for k in keys),
                 f"every google_service_account_key and aws_iam_access_key ({len(keys)}) gets NHI004")

    token = checks.identities(lambda i: i["id"] == "kubernetes:Secret/kube-system/argocd-manager-long-lived-token")
    checks.check(len(token) == 1 and {"NHI001", "NHI004"} <= checks.rules_at(token[0]),
                 "argo-cd argocd-manager-long-lived-token is an identity with NHI001 and NHI004")

    install = "argoproj__argo-cd/manifests/install.yaml"
    accounts = checks.identities(lambda i: i["location"]["file"] == install and i["kind"] == "service_account")
    lines = sorted(a["location"]["line"] for a in accounts)
    checks.check(len(accounts) == 7 and lines[0] > 30000,
                 f"argo-cd install.yaml ServiceAccounts found at their own lines ({lines})")

    crd = "argoproj__argo-cd/manifests/crds/applicationset-crd.yaml"
    checks.check(not checks.identities(lambda i: i["location"]["file"] == crd),
                 "nothing in applicationset-crd.yaml is an identity")

    release = checks.identities(lambda i: i["id"] == "github-actions:secret/GCP_CREDENTIALS_JSON")
    checks.check(len(release) == 1 and release[0]["credential"]["static"] and release[0]["credential"]["cloud"] == "gcp"
                 and any("make-release.yaml" in c["location"]["file"] for c in release[0]["consumers"]),
                 "microservices-demo make-release.yaml GCP key is a static ci_secret")

    federated = checks.identities(lambda i: i["kind"] == "federated_trust" and i["platform"] == "gcp" and any(
        "microservices-demo/.github/workflows/ci-main.yaml" in c["location"]["file"] for c in i["consumers"]))
    checks.check(len(federated) == 1 and federated[0]["credential"]["federated"],
                 "microservices-demo ci-main.yaml google-github-actions/auth login is federated")

    bad_locations = [f for f in log["findings"] if f["location"]["line"] < 1 or not f["location"]["file"]]
    checks.check(not bad_locations, "every finding has a file and a 1-based line")

    # Platforms beyond the first set.
    rbac = "hashicorp__terraform-provider-azuread/examples/create-for-rbac/"
    entra = checks.identities(lambda i: i["id"].startswith("terraform:" + rbac) and i["kind"] in ("password", "certificate"))
    checks.check(len(entra) == 2 and all((i["credential"] or {}).get("expiry") == "180d" for i in entra),
                 "azuread create-for-rbac password and certificate read with their 6-month expiry")
    mineiros = checks.identities(lambda i: i["id"].startswith("terraform:mineiros-io__terraform-github-repository/"))
    checks.check(any(i["kind"] == "deploy_key" for i in mineiros) and any(i["kind"] == "ci_secret" for i in mineiros),
                 "terraform-github-repository deploy keys and Actions secrets are identities")
    vault = checks.identities(lambda i: "vault_approle_auth_backend_role" in i["id"] or "vault_token." in i["id"])
    checks.check(len(vault) >= 3, f"vault-guides AppRole role, secret id and token are identities ({len(vault)})")

    # CI systems and Kubernetes beyond plain manifests.
    def static(i):
        return (i.get("credential") or {}).get("static") and not (i.get("credential") or {}).get("federated")
    azcopy = checks.identities(lambda i: i["location"]["file"] == "Azure__azure-storage-azcopy/azure-pipelines.yml")
    names = {i["id"] for i in azcopy if static(i)}
    checks.check({"azure-pipelines:variable/AWS_ACCESS_KEY_ID", "azure-pipelines:variable/AWS_SECRET_ACCESS_KEY",
                  "azure-pipelines:variable/AZCOPY_SPA_CLIENT_SECRET"} <= names,
                 "azcopy azure-pipelines.yml static AWS keys and service-principal secret")
    dspace = checks.identities(lambda i: i["location"]["file"] == "4Science__DSpace/bitbucket-pipelines.yml")
    checks.check(any(i["kind"] == "federated_trust" and i["credential"]["federated"] for i in dspace)
                 and not any(i["id"].startswith("bitbucket:variable/AWS_") for i in dspace),
                 "DSpace bitbucket-pipelines.yml OIDC role is federated")
    previous = checks.identities(lambda i: i["location"]["file"] == "4Science__DSpace@354ed8e4/bitbucket-pipelines.yml")
    checks.check({"bitbucket:variable/AWS_ACCESS_KEY_ID", "bitbucket:variable/AWS_SECRET_ACCESS_KEY"}
                 <= {i["id"] for i in previous if static(i)},
                 "DSpace previous revision's static AWS keys are static")
    gcloud = checks.identities(lambda i: i["id"] == "circleci:variable/GCLOUD_SERVICE_KEY")
    checks.check(len(gcloud) == 1 and static(gcloud[0]) and gcloud[0]["credential"]["cloud"] == "gcp",
                 "terratest CircleCI GCP key found through its YAML anchor")
    checks.check(len(checks.identities(lambda i: i["id"].startswith("gitlab-ci:oidc/") and i["credential"]["federated"])) >= 1,
                 "gitlab-runner id_tokens federation")
    helm = checks.identities(lambda i: i["origin"] == "template" and i["kind"] == "service_account")
    checks.check(any("vault-helm/templates" in i["location"]["file"] for i in helm)
                 and any("karpenter/templates" in i["location"]["file"] for i in helm),
                 "vault-helm and karpenter template ServiceAccounts are identities")
    template_errors = [d for d in log["diagnostics"] if "/templates/" in d["file"] and d["level"] != "note"]
    checks.check(not template_errors, "no Helm template makes the scan fail")

    # Risk rules.
    def rule_on(rule, predicate):
        return [f for f in log["findings"] if f["rule_id"] == rule and predicate(f)]
    checks.check(len(rule_on("NHI101", lambda f: f["location"]["file"].endswith(
        "terraform-google-github-actions-runners/test/setup/iam.tf"))) >= 1,
        "NHI101 on the roles/owner CI account of github-actions-runners test/setup/iam.tf")
    checks.check(len(rule_on("NHI101", lambda f: f["location"]["file"].startswith(rbac))) == 1,
                 "NHI101 on the subscription Contributor service principal of create-for-rbac")
    checks.check(len(rule_on("NHI101", lambda f: "argo-cd/test/e2e" in f["location"]["file"]
                             and f["identity"].endswith("/default"))) == 2,
                 "NHI101 on argo-cd's test ClusterRoleBindings of cluster-admin to default")
    checks.check(len(rule_on("NHI101", lambda f: "examples/iam-role/" in f["identity"] and '["admin"]' in f["identity"])) == 1,
                 "NHI101 on the AdministratorAccess role of terraform-aws-iam examples/iam-role")
    tokens = checks.identities(lambda i: i["attributes"].get("secret_type") == "kubernetes.io/service-account-token")
    checks.check(len(tokens) >= 5 and all("NHI104" in checks.rules_at(t) for t in tokens),
                 f"NHI104 on every service-account-token Secret ({len(tokens)})")
    checks.check(not rule_on("NHI102", lambda f: f["location"]["file"].endswith("microservices-demo/.github/workflows/ci-main.yaml")),
                 "NHI102 not on the workload-identity login of microservices-demo ci-main.yaml")
    checks.check(bool(rule_on("NHI102", lambda f: f["location"]["file"] == "Azure__azure-storage-azcopy/azure-pipelines.yml"))
                 and len(rule_on("NHI102", lambda f: f["location"]["file"] == "4Science__DSpace@354ed8e4/bitbucket-pipelines.yml")) == 3
                 and not rule_on("NHI102", lambda f: f["location"]["file"] == "4Science__DSpace/bitbucket-pipelines.yml"),
                 "NHI102 on azcopy's static AWS keys and the previous DSpace pipeline, not the current one")
    logins = [i for i in log["identities"] if i["kind"] == "federated_trust" and i["origin"] == "referenced"]
    federated_files = {c["location"]["file"] for i in logins for c in i["consumers"]}
    flagged_federated = rule_on("NHI102", lambda f: f["location"]["file"] in federated_files and "federat" not in f["message"]
                                and "fallback" not in f["message"] and "key" not in f["message"])
    checks.check(not flagged_federated, "NHI102 never on a workload-identity login")

    # Connections across files.
    wordpress = checks.identities(lambda i: i["id"].endswith("wordpress-persistent-disks/terraform/kubernetes_service_account.wordpress_ksa"))
    checks.check(len(wordpress) == 1 and any(l["type"] == "federated_with" and l["target"].endswith("google_service_account.wordpress_app_sa")
                                             and l["confirmed_by"] for l in wordpress[0]["links"]),
                 "wordpress-persistent-disks ServiceAccount linked to its Google service account, confirmed by the binding")
    irsa = checks.identities(lambda i: i["id"].endswith("examples/iam-role-for-service-accounts/module.irsa.aws_iam_role.this"))
    trusted = sorted(l["target"] for l in irsa[0]["links"] if l["type"] == "federated_with") if irsa else []
    checks.check(trusted == ["kubernetes:ServiceAccount/canary/blue", "kubernetes:ServiceAccount/canary/my-app",
                             "kubernetes:ServiceAccount/default/blue", "kubernetes:ServiceAccount/default/my-app"],
                 f"terraform-aws-iam IRSA role lists the four ServiceAccounts it trusts ({len(trusted)})")
    checks.check(len(rule_on("NHI112", lambda f: f["identity"] == "kubernetes:ServiceAccount/default/vault-auth")) == 1,
                 "vault-guides vault-auth binding to an undeclared ServiceAccount gets NHI112")
    return checks.failed


def masked_everywhere(log, corpus, outputs):
    """No output may show the raw value of a hard-coded secret (NHI103): not in a finding's
    message, not in its identity's record, not in the excerpt printed under it."""
    sarif = load(next(path for path in outputs if path.endswith(".sarif")))
    text_lines = open(next(path for path in outputs if path.endswith(".txt")), encoding="utf-8").read().split("\n")
    identities = {i["id"]: i for i in log["identities"]}
    sarif_messages = [r["message"]["text"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "NHI103"]
    leaked = []
    for finding in log["findings"]:
        if finding["rule_id"] != "NHI103":
            continue
        identity = identities.get(finding["identity"], {})
        # What the record says of the value (file paths aside, which may share its words).
        record = json.dumps([identity.get("name"), identity.get("hardcoded_values", []) and
                             [v["masked"] for v in identity["hardcoded_values"]],
                             {k: v for k, v in identity.get("attributes", {}).items() if "/" not in v}])
        for value in identity.get("hardcoded_values", []):
            where = value["location"]
            with open(f"{corpus}/{where['file']}", encoding="utf-8", errors="replace") as handle:
                lines = handle.read().split("\n")
            line = lines[where["line"] - 1] if where["line"] <= len(lines) else ""
            raw = line[where["column"] - 1:].strip().strip("'\"")
            raw = raw.split()[0].strip("'\",") if raw.split() else ""
            if len(raw) < 6:
                continue
            header = f"{where['file']}:{where['line']}:"
            excerpts = [text_lines[i + 1] for i, text in enumerate(text_lines[:-1])
                        if text.startswith(header) and "[NHI103]" in text]
            places = [finding["message"], record] + excerpts + [m for m in sarif_messages if header in m or raw in m]
            if any(raw in place for place in places):
                leaked.append((where["file"], where["line"]))
    ok = not leaked
    print(("  ok    " if ok else "  FAIL  ") + f"no hard-coded secret value appears unmasked in any output {leaked[:3]}")
    return 0 if ok else 1


def same_model(first, second, description):
    def key(log):
        identities = sorted(json.dumps(i, sort_keys=True) for i in log["identities"])
        findings = sorted(json.dumps(f, sort_keys=True) for f in log["findings"])
        return identities, findings
    same = key(first) == key(second)
    print(("  ok    " if same else "  FAIL  ") + description)
    return 0 if same else 1


def main(paths):
    scan, full_parse, one_thread = (load(path) for path in paths[:3])
    summary(scan)
    failed = expectations(scan)
    failed += masked_everywhere(scan, paths[3], paths[4:])
    print("shortcuts:")
    failed += same_model(scan, full_parse, "inventory and findings identical with the YAML parse shortcut off")
    failed += same_model(scan, one_thread, "inventory and findings identical with one worker thread")
    if failed:
        print(f"corpus: {failed} checks failed")
        return 1
    print("corpus: all checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
