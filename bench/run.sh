#!/bin/sh
# Benchmark: nhiscan over a corpus and over 4 and 16 copies of it, beside the time to
# read the same files (`cat`, the floor). On the corpus, also the peer tools:
# secretlint (secret detection, npm) on every file, @cdktf/hcl2json (HCL parsing, npm)
# on the Terraform files and PyYAML's libyaml loader (Debian python3-yaml) on the
# YAML files. Also times three YAML event parsers and the alias-bomb case
# (fixtures/cases/B30).
# Usage: bench/run.sh NHISCAN CORPUS [RUNS]
# Every figure is the median run by wall time of RUNS runs (default 5; 3 for the
# 16 copies and the peers) with a warm page cache; CPU time is user + system and
# peak memory the maximum resident set size, both from GNU time for that run.
# Writes bench/RESULTS.md. Not part of `make test`.
set -eu
nhiscan=${1:-build/nhiscan}
corpus_arg=${2:-../shared/corpus}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if [ ! -d "$corpus_arg" ]; then
  echo "bench: $corpus_arg not found; skipped"
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench: GNU time is missing; install it with: apt-get install -y time" >&2
  exit 1
fi
nhiscan=$(cd "$(dirname "$nhiscan")" && pwd)/$(basename "$nhiscan")
corpus=$(cd "$corpus_arg" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The peers: npm packages pinned in bench/package-lock.json, Debian's python3-yaml.
peers=yes
if [ ! -d "$here/node_modules/secretlint" ] || [ ! -d "$here/node_modules/@cdktf/hcl2json" ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || peers=no
fi
if ! /usr/bin/python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
  echo "bench: python3-yaml with libyaml is missing; install it with: apt-get install -y python3-yaml" >&2
  peers=no
fi

# The trees: the corpus itself, and 4 and 16 copies of it side by side.
for copies in 4 16; do
  i=1
  while [ "$i" -le "$copies" ]; do
    mkdir -p "$work/x$copies"
    cp -r "$corpus" "$work/x$copies/copy-$i"
    i=$((i + 1))
  done
done
tree_of() { if [ "$1" = 1 ]; then echo "$corpus"; else echo "$work/x$1"; fi; }

# measure NAME RUNS COMMAND...: runs COMMAND, appending "wall user system maxrss_kb" per
# run to $work/NAME.times; its output goes to $work/NAME.out.
measure() {
  name=$1
  count=$2
  shift 2
  : > "$work/$name.times"
  i=0
  while [ "$i" -lt "$count" ]; do
    /usr/bin/time -f "%e %U %S %M" -o "$work/$name.one" "$@" > "$work/$name.out" 2>&1 || true
    tail -1 "$work/$name.one" >> "$work/$name.times"
    i=$((i + 1))
  done
}
# The median run by wall time: "wall cpu peak_mib".
median() {
  sort -n "$work/$1.times" | awk -v n="$(wc -l < "$work/$1.times")" \
    'NR == int((n + 1) / 2) {printf "%.2f %.2f %.1f\n", $1, $2 + $3, $4 / 1024}'
}
field() { median "$1" | cut -d' ' -f"$2"; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.1f", $1 / $2; else print "n/a" }'; }


output="--format json --fail-on none --output $work/scan.json"
for copies in 1 4 16; do
  tree=$(tree_of "$copies")
  n=$runs
  [ "$copies" = 16 ] && n=$(( runs < 3 ? runs : 3 ))
  # Warm the page cache so that every measurement reads from memory.
  find "$tree" -type f -print0 | xargs -0 cat > /dev/null
  measure "cat-x$copies" "$n" sh -c "find '$tree' -type f -print0 | xargs -0 cat"
  measure "nhiscan-x$copies" "$n" "$nhiscan" scan "$tree" --root "$tree" $output
  eval "files_x$copies=$(find "$tree" -type f | wc -l)"
  eval "bytes_x$copies=$(find "$tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')"
done

"$nhiscan" scan "$corpus" --root "$corpus" --format json --fail-on none --output "$work/scan.json"
identities=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["identities"]))' \
  "$work/scan.json")
peer_runs=$(( runs < 3 ? runs : 3 ))
measure nhiscan-jobs1 "$peer_runs" "$nhiscan" scan "$corpus" --root "$corpus" $output --jobs 1
measure nhiscan-full-parse "$peer_runs" "$nhiscan" scan "$corpus" --root "$corpus" $output --no-prefilter
measure alias-bomb "$runs" "$nhiscan" scan "$root/fixtures/cases/B30" --root "$root/fixtures/cases/B30" \
  --format json --fail-on none --output "$work/bomb.json"
find "$corpus" -name '*.tf' -type f > "$work/terraform.list"
find "$corpus" \( -name '*.yaml' -o -name '*.yml' \) -type f > "$work/yaml.list"
if [ "$peers" = yes ]; then
  measure secretlint "$peer_runs" "$here/node_modules/.bin/secretlint" --secretlintrc "$here/peers/secretlintrc.json" \
    --format json "$corpus/**/*"
  measure hcl2json "$peer_runs" sh -c "node '$here/peers/hcl2json.js' < '$work/terraform.list'"
  measure pyyaml "$peer_runs" sh -c "/usr/bin/python3 '$here/peers/pyyaml_load.py' < '$work/yaml.list'"
  measure nhiscan-terraform "$peer_runs" "$nhiscan" scan "$corpus" --root "$corpus" $output --exclude '*.yaml' --exclude '*.yml' --exclude '*.tfvars' \
    --exclude '*.tf.json'
  measure nhiscan-yaml "$peer_runs" "$nhiscan" scan "$corpus" --root "$corpus" $output --exclude '*.tf' --exclude '*.tfvars' --exclude '*.tf.json'
fi
# The YAML event parsers that nhiscan could use, on the same files without Helm
# templates (which are not YAML until rendered).
yaml_parsers=no
if pkg-config --exists yaml-0.1 libfyaml yaml-cpp 2>/dev/null; then
  if c++ -O2 -std=c++17 "$here/yaml_events.cpp" -o "$work/yaml_events" \
       $(pkg-config --cflags --libs yaml-0.1 libfyaml yaml-cpp) 2>/dev/null; then
    yaml_parsers=yes
    grep -v '/templates/' "$work/yaml.list" > "$work/yaml-plain.list"
    for parser in libyaml libfyaml yaml-cpp; do
      for i in 1 2 3; do "$work/yaml_events" "$parser" < "$work/yaml-plain.list" 2>/dev/null; done |
        sort -k6 -n | sed -n 2p >> "$work/yaml-parsers.txt"
    done
  fi
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
cores=$(nproc)
memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
version=$("$nhiscan" --version)
wall1=$(field nhiscan-x1 1)
cat1=$(field cat-x1 1)

{
  echo "# Benchmark results"
  echo
  echo "Machine: $cpu, $cores cores, $memory RAM; $(uname -sr)."
  echo "Command: \`bench/run.sh $1 $corpus_arg $runs\` ($version), $(date -u +%Y-%m-%d)."
  echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
  echo "Warm page cache; each figure is the median run by wall time of $runs runs (3 for the 16 copies and the"
  echo "peers). CPU time is user + system; peak memory is the maximum resident set size (GNU time)."
  echo
  echo "## nhiscan against reading the files"
  echo
  echo "| tree | files | MB | \`cat\` wall (s) | nhiscan wall (s) | nhiscan CPU (s) | nhiscan peak memory (MiB) | wall / \`cat\` |"
  echo "|---|---|---|---|---|---|---|---|"
  for copies in 1 4 16; do
    eval "files=\$files_x$copies bytes=\$bytes_x$copies"
    c=$(field "cat-x$copies" 1)
    w=$(field "nhiscan-x$copies" 1)
    echo "| corpus x$copies | $files | $(echo "$bytes" | awk '{printf "%.1f", $1 / 1e6}') | $c | $w | $(field "nhiscan-x$copies" 2) | $(field "nhiscan-x$copies" 3) | $(ratio "$w" "$c") |"
  done
  echo
  echo "The scan of the corpus reports $identities identities. Wall time from x1 to x16 grows"
  echo "$(ratio "$(field nhiscan-x16 1)" "$wall1") times for 16 times the input."
  echo
  echo "## nhiscan beside peer tools, on the corpus (x1)"
  echo
  echo "| tool | input | wall (s) | CPU (s) | peak memory (MiB) | tool wall / nhiscan wall |"
  echo "|---|---|---|---|---|---|"
  row() {  # row NAME INPUT MEASUREMENT
    echo "| $1 | $2 | $(field "$3" 1) | $(field "$3" 2) | $(field "$3" 3) | $(ratio "$(field "$3" 1)" "$wall1") |"
  }
  row "nhiscan scan (all cores)" "every file" nhiscan-x1
  row "nhiscan scan --jobs 1" "every file" nhiscan-jobs1
  row "nhiscan scan --no-prefilter" "every file, every document parsed" nhiscan-full-parse
  if [ "$peers" = yes ]; then
    row "nhiscan scan, Terraform only" "$(wc -l < "$work/terraform.list") .tf files" nhiscan-terraform
    row "nhiscan scan, YAML only" "$(wc -l < "$work/yaml.list") YAML files" nhiscan-yaml
    row "secretlint $(sed -n 's/.*"secretlint": "\(.*\)".*/\1/p' "$here/package.json") (recommended preset)" "every file" secretlint
    row "@cdktf/hcl2json $(sed -n 's/.*"@cdktf\/hcl2json": "\(.*\)".*/\1/p' "$here/package.json"), parse only" \
      "$(wc -l < "$work/terraform.list") .tf files" hcl2json
    row "PyYAML $(/usr/bin/python3 -c 'import yaml; print(yaml.__version__)') CSafeLoader (libyaml), load only" \
      "$(wc -l < "$work/yaml.list") YAML files" pyyaml
  else
    echo
    echo "The peers were not measured: npm or python3-yaml is missing."
  fi
  echo
  echo "## YAML event parsers"
  echo
  if [ "$yaml_parsers" = yes ]; then
    echo "Events only, one thread, the corpus's YAML files without Helm templates read into memory"
    echo "first (bench/yaml_events.cpp; median of 3 runs). nhiscan reads YAML with libyaml."
    echo
    echo "| parser | files | MB | events | files with an error | seconds | MB/s |"
    echo "|---|---|---|---|---|---|---|"
    awk '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}' "$work/yaml-parsers.txt"
  else
    echo "Not measured: the development packages of libyaml, libfyaml and yaml-cpp are needed"
    echo "(apt-get install -y libyaml-dev libfyaml-dev libyaml-cpp-dev)."
  fi
  echo
  echo "## Targets"
  echo
  echo "| target | measured | met |"
  echo "|---|---|---|"
  check() {  # check DESCRIPTION MEASURED CONDITION(awk, on \$1)
    met=$(echo "$2" | awk "{ print (($3) ? \"yes\" : \"no\") }")
    echo "| $1 | $2 | $met |"
  }
  mb() { echo "$1" | awk '{printf "%.0f", $1 * 1.048576}'; }
  check "corpus wall time at most 5 x \`cat\`" "$(ratio "$wall1" "$cat1") x" '$1 <= 5'
  if [ "$peers" = yes ]; then
    check "at least 10 x faster than PyYAML's libyaml loader" "$(ratio "$(field pyyaml 1)" "$wall1") x" '$1 >= 10'
    check "at least 10 x faster than secretlint" "$(ratio "$(field secretlint 1)" "$wall1") x" '$1 >= 10'
  fi
  check "corpus peak memory under 200 MB" "$(mb "$(field nhiscan-x1 3)") MB" '$1 < 200'
  check "x16 wall time at most 16 x the corpus's" "$(ratio "$(field nhiscan-x16 1)" "$wall1") x" '$1 <= 16'
  check "x16 peak memory under 400 MB" "$(mb "$(field nhiscan-x16 3)") MB" '$1 < 400'
  echo
  echo "## Hostile input"
  echo
  echo "The alias bomb of fixtures/cases/B30 (nine levels of ten aliases, about 10^9 nodes if"
  echo "expanded) scans in $(field alias-bomb 1) s wall, $(field alias-bomb 3) MiB peak memory."
} > "$here/RESULTS.md"
cat "$here/RESULTS.md"
