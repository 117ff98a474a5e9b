#!/bin/sh
# No output format may print a secret: scan the NHI103 trigger fixture in every
# format (findings and inventory) and look for each raw value written in it.
set -eu
nhiscan=$1
source_dir=$2
fixture="$source_dir/fixtures/rules/NHI103-hardcoded-secret/trigger"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {
  name=$1
  shift
  status=0
  "$nhiscan" "$@" "$fixture" --root "$fixture" --now 2026-06-01 --no-color > "$out/$name" 2>&1 || status=$?
  if [ "$status" -gt 1 ]; then
    echo "nhiscan $* exited with $status" >&2
    cat "$out/$name" >&2
    exit 1
  fi
}
run scan.txt scan --format text
run scan.json scan --format json
run scan.sarif scan --format sarif
run inventory.txt inventory --format text
run inventory.json inventory --format json

# The scan must have found the values, or the check below proves nothing.
if [ "$(grep -c 'NHI103' "$out/scan.txt")" -lt 18 ]; then
  echo "expected 18 NHI103 findings in text output, got:" >&2
  cat "$out/scan.txt" >&2
  exit 1
fi

# Each raw value of the fixture (as written, and decoded where the file has base64),
# cut to a part long enough that it cannot occur by chance in a masked preview.
failed=0
for secret in \
  u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d \
  ZjljENUhJduRHHJEq8Lr2VxT \
  YXg4JdpmrcXgGCJbW56eCuNG \
  q8Lr2VxT9mNc4WbZ \
  Vb7nQ4xZ2kLm9Tp3 \
  T4kq9ZmW2xLr7VbN3cJd \
  SHQ3a1EybVo5d0xw \
  Ht7kQ2mZ9wLp \
  BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY \
  LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCmE0aGVu \
  a4henJBR8yCw24PznqetvQ105t7H89 \
  eyJhdXRocyI6IHsicmVnaXN0cnkuZXhhbXBsZS5jb20iOiB7ImF1dGgiOiAiYjNKa1pYSnpPbEpyTTNaWE9YRk1lREpVYmc9PSJ9fX0 \
  b3JkZXJzOlJrM3ZXOXFMeDJUbg \
  Rk3vW9qLx2Tn \
  Pq8mZ3xV7nL2kW9c \
  EUVW75EFR6EDT4SY \
  Sc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb \
  199351819093-7865797543231 \
  KtHF4vUCsMehGAkWvj7FAc9Q \
  Kd8vN2qZ7mXc4LwR9tBy \
  Wm4kQ9zXv2LcR7nT8pYb3sDf \
  KLzdocJ2isAjIhKtJ0Rl; do
  for file in "$out"/*; do
    if grep -F -q -- "$secret" "$file"; then
      echo "$(basename "$file") prints a secret value: ${secret%"${secret#????}"}..." >&2
      failed=1
    fi
  done
done
exit $failed
