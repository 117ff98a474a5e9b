#!/bin/sh
# The hooks of .pre-commit-hooks.yaml, run by Debian's pre-commit from `git commit`
# in a temporary repository. An unowned service-account key blocks the commit and an
# owned one passes. A finding in an unstaged file does not block, and neither does a
# commit with no file to check. The hook repository is a file:// copy, and the
# commits run without a network where `unshare -n` is allowed.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

command -v pre-commit >/dev/null 2>&1 ||
  fail "pre-commit is not installed; run scripts/bootstrap.sh test as root (Debian package pre-commit)"

# Keep git and pre-commit away from the user's configuration and cache.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
export PRE_COMMIT_HOME="$work/pre-commit-home"
# The `nhiscan` hook runs the nhiscan on the PATH.
mkdir "$work/bin"
ln -s "$nhiscan" "$work/bin/nhiscan"
export PATH="$work/bin:$PATH"

offline=""
if unshare -n true 2>/dev/null; then
  offline="unshare -n"
else
  echo "note: unshare -n is not allowed here; the commits run with the network"
fi

# The hook repository: the manifest and the entry script of the source hook, with a
# link standing in for the build that the script would otherwise run on first use.
hooks="$work/hooks"
mkdir -p "$hooks/scripts" "$hooks/build"
cp "$source_tree/.pre-commit-hooks.yaml" "$hooks/"
cp "$source_tree/scripts/pre-commit-source.sh" "$hooks/scripts/"
ln -s "$nhiscan" "$hooks/build/nhiscan"
git -C "$hooks" init -q
git -C "$hooks" add -A
git -C "$hooks" commit -q -m "hooks"
rev=$(git -C "$hooks" rev-parse HEAD)
pre-commit validate-manifest "$hooks/.pre-commit-hooks.yaml" || fail "the hook manifest is invalid"

# The configurations shown in the README and docs/pre-commit.md are valid.
snippets=0
for doc in "$source_tree/README.md" "$source_tree/docs/pre-commit.md"; do
  /usr/bin/python3 - "$doc" "$work/snippet-$(basename "$doc" .md)" <<'PYTHON'
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"^```yaml\n(.*?)^```", text, re.S | re.M) if b.startswith("repos:")]
for number, block in enumerate(blocks):
    with open(f"{sys.argv[2]}-{number}.yaml", "w", encoding="utf-8") as handle:
        handle.write(block)
PYTHON
done
for snippet in "$work"/snippet-*.yaml; do
  [ -f "$snippet" ] || continue
  pre-commit validate-config "$snippet" || { cat "$snippet"; fail "a documented pre-commit configuration is invalid"; }
  snippets=$((snippets + 1))
done
[ "$snippets" -eq 3 ] || fail "found $snippets pre-commit configurations in the docs, expected 3"

# The project, in a directory whose name has a space.
project="$work/my project"
mkdir "$project"
cd "$project"
git init -q
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: file://$hooks
    rev: $rev
    hooks:
      - id: nhiscan
        args: [--now=2026-06-01]
      - id: nhiscan-source
        args: [--now=2026-06-01]
EOF
pre-commit validate-config .pre-commit-config.yaml || fail "the test's pre-commit configuration is invalid"
pre-commit install >/dev/null

commit() {
  status=0
  $offline git commit -q -m "$1" > "$work/out" 2>&1 || status=$?
  return $status
}

# An owned service account.
cat > accounts.tf <<'EOF'
# nhi: owner=team-data review-by=2027-03-31 purpose="exports billing metrics"
resource "google_service_account" "exporter" {
  account_id = "exporter"
  project    = "acme"
}
EOF
git add .pre-commit-config.yaml accounts.tf
commit "owned account" || { cat "$work/out"; fail "an owned service account was blocked"; }

# An unowned key, in a file whose name has a space, blocks the commit with the file,
# the line and the rule in the message.
cat > "exporter keys.tf" <<'EOF'
resource "google_service_account_key" "exporter" {
  service_account_id = google_service_account.exporter.name
}
EOF
git add "exporter keys.tf"
before=$(git rev-parse HEAD)
if commit "unowned key"; then
  cat "$work/out"
  fail "an unowned service-account key was committed"
fi
[ "$(git rev-parse HEAD)" = "$before" ] || fail "HEAD moved although the hook failed"
grep -q "exporter keys.tf:1:1: high\[NHI004\]" "$work/out" || { cat "$work/out"; fail "no NHI004 for the unowned key"; }
grep -q "missing-rotation-policy" "$work/out" || { cat "$work/out"; fail "the message does not name the rule"; }
grep -q "^nhiscan (built from source)" "$work/out" || { cat "$work/out"; fail "the source hook did not run"; }
# The key's owner comes from the account in accounts.tf, which is not staged, so
# only a hook that reads the rest of the repository as context finds it.
if grep -q "NHI001" "$work/out"; then
  cat "$work/out"
  fail "the owner inherited from the unstaged account was ignored"
fi
# Findings in unstaged files are not reported.
if grep -Eq "^accounts.tf:[0-9]+:[0-9]+: " "$work/out"; then
  cat "$work/out"
  fail "a finding in an unstaged file was reported"
fi

# The owned key, with a rotation, passes.
cat > "exporter keys.tf" <<'EOF'
# nhi: owner=team-data review-by=2027-03-31 rotation=90d purpose="used by the on-premises exporter"
resource "google_service_account_key" "exporter" {
  service_account_id = google_service_account.exporter.name
}
EOF
git add "exporter keys.tf"
commit "owned key" || { cat "$work/out"; fail "an owned key with a rotation was blocked"; }

# An ungoverned account committed without the hook does not block a later commit of
# another, clean file.
cat > legacy.tf <<'EOF'
resource "google_service_account" "legacy" {
  account_id = "legacy"
  project    = "acme"
}
EOF
git add legacy.tf
git commit -q --no-verify -m "legacy account"
cat > workload.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: info
EOF
git add workload.yaml
commit "clean manifest" || { cat "$work/out"; fail "a finding in an unstaged file blocked the commit"; }

# A commit with no file that the hooks check skips them.
echo "notes" > NOTES.txt
git add NOTES.txt
commit "notes" || { cat "$work/out"; fail "a commit without checked files was blocked"; }
grep -q "no files to check" "$work/out" || { cat "$work/out"; fail "pre-commit did not skip the hooks"; }

# Called directly with no file, as pre-commit would with an empty list, the hook's
# command prints nothing and passes.
status=0
nhiscan scan --context . --quiet > "$work/out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "no files: expected exit 0, got $status"
[ ! -s "$work/out" ] || { cat "$work/out"; fail "no files: output printed"; }

echo "pre-commit hooks block ungoverned identities and pass governed ones"
