#!/bin/sh
# A configuration with unknown keys or wrong types is an error naming the key and
# its line, with exit status 2.
set -eu
nhiscan=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo"
printf 'resource "aws_iam_user" "a" {\n  name = "a"\n}\n' > "$work/repo/main.tf"

check() {
  expected_text=$1
  status=0
  "$nhiscan" scan "$work/repo" --root "$work/repo" > "$work/out" 2> "$work/err" || status=$?
  if [ "$status" -ne 2 ]; then echo "expected exit 2, got $status for:"; cat "$work/repo/.nhiscan.toml"; exit 1; fi
  grep -q -- "$expected_text" "$work/err" || { echo "stderr lacks '$expected_text':"; cat "$work/err"; exit 1; }
}

printf 'version = 1\n[review]\nmax-age = 30\n' > "$work/repo/.nhiscan.toml"
check ".nhiscan.toml:3: unknown key 'max-age' in \[review\]"

printf 'version = 1\n[review]\nmax-age-days = "ninety"\n' > "$work/repo/.nhiscan.toml"
check ".nhiscan.toml:3: \[review\] max-age-days must be a positive integer"

printf 'version = 1\n[rules]\ndisable = ["NHI999"]\n' > "$work/repo/.nhiscan.toml"
check "unknown rule 'NHI999'"

printf 'version = 1\n[[exception]]\nrules = ["NHI004"]\nuntil = "soon"\nidentity = "x"\n' > "$work/repo/.nhiscan.toml"
check ".nhiscan.toml:4: \[\[exception\]\] until must be a date"

printf 'version = 1\n[review\n' > "$work/repo/.nhiscan.toml"
check "invalid TOML"

# A valid configuration is found from the scan root upward and applied.
printf 'version = 1\n[rules]\ndisable = ["NHI001", "NHI002", "NHI006"]\n' > "$work/.nhiscan.toml"
rm "$work/repo/.nhiscan.toml"
"$nhiscan" scan "$work/repo" --root "$work/repo" --now 2026-06-01 -q ||
  { echo "configuration above the root was not applied"; exit 1; }
echo "configuration errors reported with key and line"
