#!/usr/bin/python3
"""Counts and expectations over a corpus scan (JSON output of nhiscan).

usage: corpus_checks.py SCAN.json FULL_PARSE.json ONE_THREAD.json

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
    return checks.failed


def same_model(first, second, description):
    def key(log):
        identities = sorted(json.dumps(i, sort_keys=True) for i in log["identities"])
        findings = sorted(json.dumps(f, sort_keys=True) for f in log["findings"])
        return identities, findings
    same = key(first) == key(second)
    print(("  ok    " if same else "  FAIL  ") + description)
    return 0 if same else 1


def main(paths):
    scan, full_parse, one_thread = (load(path) for path in paths)
    summary(scan)
    failed = expectations(scan)
    print("shortcuts:")
    failed += same_model(scan, full_parse, "inventory and findings identical with the YAML parse shortcut off")
    failed += same_model(scan, one_thread, "inventory and findings identical with one worker thread")
    if failed:
        print(f"corpus: {failed} checks failed")
        return 1
    print("corpus: all checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
