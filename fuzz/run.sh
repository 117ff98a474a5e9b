#!/bin/sh
# Build the libFuzzer targets (build-fuzz/, clang) and run each for a bounded time.
# Usage: fuzz/run.sh [TARGET...]   (default: every target)
# Environment: FUZZ_SECONDS per target (default 60), FUZZ_JOBS parallel targets
# (default 1), FUZZ_BUILD build directory (default build-fuzz).
# Seeds come from fixtures/ and tests/fuzz-regressions/; the corpus grown by earlier
# runs is kept in fuzz/work/ and crashes land in fuzz/artifacts/. Each run appends
# "target seconds executions crashes" to fuzz/work/runs.log. Exits 1 on a crash.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
build=${FUZZ_BUILD:-$root/build-fuzz}
all="fuzz_hcl fuzz_tfjson fuzz_yaml fuzz_toml fuzz_comments fuzz_report"
targets=${*:-$all}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ is missing; install it with: apt-get install -y clang" >&2
  exit 1
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNHISCAN_FUZZ=ON -DNHISCAN_BUILD_TESTS=OFF \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target $targets

# seed TARGET: fills fuzz/work/TARGET/seeds from the fixtures.
seed() {
  dir="$root/fuzz/work/$1/seeds"
  rm -rf "$dir"
  mkdir -p "$dir" "$root/fuzz/work/$1/corpus"
  n=0
  add() {  # add PREFIX_BYTE_OCTAL_OR_EMPTY FILE
    n=$((n + 1))
    if [ -n "$1" ]; then
      { printf "\\$1"; cat "$2"; } > "$dir/seed-$n"
    else
      cp "$2" "$dir/seed-$n"
    fi
  }
  case $1 in
    fuzz_hcl)
      find "$root/fixtures" \( -name '*.tf' -o -name '*.tfvars' \) -type f | while read -r f; do add "" "$f"; done ;;
    fuzz_tfjson)
      find "$root/fixtures" -name '*.tf.json' -type f | while read -r f; do add "" "$f"; done
      find "$root/fixtures" -name '*.json' -type f | while read -r f; do add "" "$f"; done ;;
    fuzz_yaml)
      # The first byte picks the file kind: 0 manifest, 1 workflow, 2 action,
      # 3 Helm template, 4 GitLab CI, 5 Helm values, 6 Azure Pipelines, 7 Bitbucket,
      # 8 CircleCI (+128: the `kind:` shortcut on).
      find "$root/fixtures" \( -name '*.yml' -o -name '*.yaml' \) -type f | while read -r f; do
        case $f in
          */.github/workflows/*) add 001 "$f" ;;
          */action.yml | */action.yaml) add 002 "$f" ;;
          */templates/*) add 003 "$f"; add 203 "$f" ;;
          *gitlab*) add 004 "$f" ;;
          */values.yaml | */values-*.yaml) add 005 "$f" ;;
          *azure-pipelines*) add 006 "$f" ;;
          *bitbucket-pipelines.yml) add 007 "$f" ;;
          */.circleci/*) add 010 "$f" ;;
          *) add 000 "$f"; add 200 "$f" ;;
        esac
      done ;;
    fuzz_toml)
      # The first byte picks the loader: 0 configuration, 1 inventory, 2 baseline.
      find "$root/fixtures" -name '*.toml' -type f | while read -r f; do
        case $f in
          *inventory*) add 001 "$f" ;;
          *baseline* | *accepted*) add 002 "$f" ;;
          *) add 000 "$f" ;;
        esac
      done ;;
    fuzz_comments)
      grep -rhoE '(#|//).*(nhi:|nhiscan:).*' "$root/fixtures" | head -300 | while IFS= read -r line; do
        n=$((n + 1))
        printf '%s\n' "$line" > "$dir/seed-$n"
      done ;;
    fuzz_report)
      printf 'dir with space/caf\303\251.yaml\000id\000name \342\200\234q\342\200\235\000\377\376bad\000key\000value' \
        > "$dir/seed-1"
      printf 'a/b.tf\000x\000y\000z\000owner\000team@example.com' > "$dir/seed-2" ;;
  esac
  regressions="$root/tests/fuzz-regressions/$1"
  if [ -d "$regressions" ]; then
    for f in "$regressions"/*; do [ -f "$f" ] && cp "$f" "$dir/"; done
  fi
  return 0
}

run() {
  target=$1
  seed "$target"
  mkdir -p "$root/fuzz/artifacts/$target"
  log="$root/fuzz/work/$target/last.log"
  status=0
  "$build/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$root/fuzz/artifacts/$target/" \
    "$root/fuzz/work/$target/corpus" "$root/fuzz/work/$target/seeds" > "$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(find "$root/fuzz/artifacts/$target" -type f | wc -l)
  echo "$target $seconds ${execs:-0} $status" >> "$root/fuzz/work/runs.log"
  echo "fuzz: $target ran ${seconds}s, ${execs:-0} executions, exit $status, $crashes file(s) in fuzz/artifacts/$target"
  [ "$status" -eq 0 ] || { grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" || true; return 1; }
}

failed=0
if [ "$jobs" -le 1 ]; then
  for target in $targets; do run "$target" || failed=1; done
else
  # Groups of FUZZ_JOBS targets at a time, so that each gets a core of its own.
  pids=""
  running=0
  for target in $targets; do
    run "$target" &
    pids="$pids $!"
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
      for pid in $pids; do wait "$pid" || failed=1; done
      pids=""
      running=0
    fi
  done
  for pid in $pids; do wait "$pid" || failed=1; done
fi
exit $failed
