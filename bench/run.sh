#!/bin/sh
# Benchmark: a full corpus scan against the time to merely read the same files.
# Usage: bench/run.sh NHISCAN CORPUS [RUNS]
# Reports the median wall time of RUNS runs (default 5) with a warm page cache, the
# CPU time and peak memory (GNU time) of the median run, and the ratio to `cat`.
# Writes bench/RESULTS.md. Not part of `make test`.
set -eu
nhiscan=${1:-build/nhiscan}
corpus=${2:-../shared/corpus}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -d "$corpus" ]; then
  echo "bench: $corpus not found; skipped"
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench: GNU time is missing; install it with: apt-get install -y time" >&2
  exit 1
fi
corpus=$(cd "$corpus" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

files=$(find "$corpus" -type f | wc -l)
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

# Warm the page cache so that both measurements read from memory.
find "$corpus" -type f -print0 | xargs -0 cat > /dev/null

# measure NAME COMMAND...: appends "wall user system maxrss_kb" per run to $work/NAME.
measure() {
  name=$1
  shift
  i=0
  while [ "$i" -lt "$runs" ]; do
    /usr/bin/time -f "%e %U %S %M" -o "$work/$name.one" "$@" > /dev/null 2>&1 || true
    cat "$work/$name.one" >> "$work/$name"
    i=$((i + 1))
  done
}

measure cat sh -c "find '$corpus' -type f -print0 | xargs -0 cat"
measure nhiscan "$nhiscan" scan "$corpus" --root "$corpus" --format json --fail-on none --output "$work/out.json"

# The median run by wall time.
median() { sort -n "$work/$1" | awk -v n="$runs" 'NR == int((n + 1) / 2)'; }
cat_run=$(median cat)
scan_run=$(median nhiscan)
cat_wall=$(echo "$cat_run" | cut -d' ' -f1)
scan_wall=$(echo "$scan_run" | cut -d' ' -f1)
scan_cpu=$(echo "$scan_run" | awk '{printf "%.2f", $2 + $3}')
scan_rss=$(echo "$scan_run" | awk '{printf "%.1f", $4 / 1024}')
ratio=$(echo "$scan_wall $cat_wall" | awk '{ if ($2 > 0) printf "%.1f", $1 / $2; else print "n/a" }')
identities=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["identities"]))' "$work/out.json")

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
cores=$(nproc)
memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
version=$("$nhiscan" --version)

cat > "$here/RESULTS.md" <<MD
# Benchmark results

Machine: $cpu, $cores cores, $memory RAM; $(uname -sr).
Command: \`bench/run.sh $nhiscan $2 $runs\` ($version), $(date -u +%Y-%m-%d).
Corpus: $files files, $bytes bytes; warm page cache; median of $runs runs.

| what | wall time (s) | CPU time (s) | peak memory (MiB) |
|---|---|---|---|
| read every file (\`cat\`), the floor | $cat_wall | | |
| nhiscan scan, JSON output ($identities identities) | $scan_wall | $scan_cpu | $scan_rss |

nhiscan takes $ratio times the time needed to read the files.
MD
cat "$here/RESULTS.md"
