#!/usr/bin/env bash
# Scan step of the nhiscan GitHub Action (action.yml). It reads the action's inputs
# from INPUT_* variables and the runner's GITHUB_* variables, so it runs the same way
# outside a runner:
#
#   NHISCAN           the nhiscan binary (default: nhiscan on the PATH)
#   INPUT_PATHS       paths to scan, one per line, relative to the workspace (default .)
#   INPUT_CONFIG      configuration file; empty: .nhiscan.toml found from the paths
#   INPUT_BASELINE    baseline file; empty: none
#   INPUT_FAIL_ON     low, medium, high, critical or none (default low)
#   INPUT_FORMAT      log output: github (annotations, default), text, markdown, json, sarif
#   INPUT_SARIF_FILE  where to write SARIF (default nhiscan.sarif)
#   INPUT_CATEGORY    SARIF automationDetails category (default nhiscan)
#   INPUT_ONLY_CHANGED  true: report only findings in the files that the pull request
#                     (or push) changed, reading the paths as context
#   GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH,
#   GITHUB_BASE_REF   as a runner sets them
#
# Outputs: sarif-file, category, findings, critical, high, medium, low (open findings,
# without suppressed or baselined ones), changed-files (with only-changed) and
# exit-code. The exit status is nhiscan's: 0 pass, 1 findings at or above fail-on,
# 2 invalid input or a scan error.
set -euo pipefail

nhiscan=${NHISCAN:-nhiscan}
fail_on=${INPUT_FAIL_ON:-low}
format=${INPUT_FORMAT:-github}
sarif_file=${INPUT_SARIF_FILE:-nhiscan.sarif}
category=${INPUT_CATEGORY:-nhiscan}
only_changed=${INPUT_ONLY_CHANGED:-false}
output_file=${GITHUB_OUTPUT:-/dev/null}

# Workflow commands: the message is escaped as the runner expects.
annotate() {
  local level=$1 message=$2
  message=${message//'%'/'%25'}
  message=${message//$'\r'/'%0D'}
  message=${message//$'\n'/'%0A'}
  echo "::$level title=nhiscan::$message"
}
die() {
  annotate error "$1"
  echo "nhiscan action: $1" >&2
  exit 2
}
set_output() {
  echo "$1=$2" >> "$output_file"
}

case "$fail_on" in
  low | medium | high | critical | none) ;;
  *) die "invalid fail-on '$fail_on': expected low, medium, high, critical or none" ;;
esac
case "$format" in
  github | text | markdown | json | sarif) ;;
  *) die "invalid format '$format': expected github, text, markdown, json or sarif" ;;
esac
case "$only_changed" in
  true | false) ;;
  *) die "invalid only-changed '$only_changed': expected true or false" ;;
esac
[ -n "$sarif_file" ] || die "sarif-file is empty: give a path for the SARIF log"
command -v "$nhiscan" >/dev/null 2>&1 || die "nhiscan binary '$nhiscan' not found"

cd "${GITHUB_WORKSPACE:-.}" || die "cannot enter the workspace '${GITHUB_WORKSPACE:-.}'"

# Paths, one per line; spaces inside a path are kept.
paths=()
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%$'\r'}
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && paths+=("$line")
done <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)

arguments=(scan --format "$format" --fail-on "$fail_on" --sarif "$sarif_file" --category "$category")
[ -z "${INPUT_CONFIG:-}" ] || arguments+=(--config "$INPUT_CONFIG")
[ -z "${INPUT_BASELINE:-}" ] || arguments+=(--baseline "$INPUT_BASELINE")
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
arguments+=(--markdown "$summary")

# Print the commit that the changes are measured from. The event payload gives the
# pull request's base, the merge group's base, or the commit before a push; without
# one, the base branch is used. Prints nothing when there is no base, and fails when
# the payload is unreadable.
base_commit() {
  local base=""
  if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
    base=$(python3 - "$GITHUB_EVENT_PATH" <<'PYTHON'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    event = json.load(handle)
pull_request = event.get("pull_request") or {}
merge_group = event.get("merge_group") or {}
base = (pull_request.get("base") or {}).get("sha") or merge_group.get("base_sha") or event.get("before") or ""
# A push that creates a branch has no commit before it.
print("" if set(base) <= {"0"} else base)
PYTHON
    ) || return 1
  fi
  if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    if git rev-parse -q --verify "refs/remotes/origin/$GITHUB_BASE_REF^{commit}" >/dev/null; then
      base="origin/$GITHUB_BASE_REF"
    else
      base="$GITHUB_BASE_REF"
    fi
  fi
  echo "$base"
}

# Whether a changed file lies inside one of the scanned paths.
inside_paths() {
  local file=$1 path
  for path in "${paths[@]}"; do
    path=${path#./}
    path=${path%/}
    if [ -z "$path" ] || [ "$path" = . ] || [ "$file" = "$path" ] || [ "${file#"$path"/}" != "$file" ]; then
      return 0
    fi
  done
  return 1
}

changed=()
scan_changed=false
if [ "$only_changed" = true ]; then
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    die "only-changed needs a git checkout, but $(pwd) is not a git repository"
  base=$(base_commit) || die "cannot read the event payload ${GITHUB_EVENT_PATH:-}"
  if [ -z "$base" ]; then
    annotate warning "only-changed: the event names no base commit and GITHUB_BASE_REF is empty; scanning everything"
  else
    if ! git rev-parse -q --verify "$base^{commit}" >/dev/null && git remote get-url origin >/dev/null 2>&1; then
      # A shallow checkout lacks the base: fetch that one commit.
      git fetch --quiet --no-tags --depth=1 origin "$base" || true
    fi
    git rev-parse -q --verify "$base^{commit}" >/dev/null ||
      die "only-changed: base commit '$base' is not in the checkout; check out with fetch-depth: 0"
    # Diff from the fork point when the history has one, so that later changes on
    # the base branch are not counted. Otherwise diff from the base itself. Names
    # are relative to the workspace, and deleted files are left out.
    from=$(git merge-base "$base" HEAD 2>/dev/null) || from=$base
    while IFS= read -r -d '' file; do
      inside_paths "$file" && changed+=("$file")
    done < <(git diff --relative --name-only -z --no-renames --diff-filter=d "$from" HEAD --)
    scan_changed=true
    echo "nhiscan action: ${#changed[@]} changed files in the scanned paths since ${from:0:12}" >&2
  fi
fi

if [ "$scan_changed" = true ]; then
  for path in "${paths[@]}"; do arguments+=(--context "$path"); done
  arguments+=(-- "${changed[@]}")
  set_output changed-files "${#changed[@]}"
else
  arguments+=(-- "${paths[@]}")
fi

status=0
"$nhiscan" "${arguments[@]}" || status=$?
set_output exit-code "$status"
if [ "$status" -gt 1 ]; then
  die "nhiscan failed with exit status $status; its message is above"
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi

# Open findings by severity, counted from the SARIF log.
counts=$(python3 - "$sarif_file" <<'PYTHON'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    log = json.load(handle)
counts = {"critical": 0, "high": 0, "medium": 0, "low": 0}
for run in log["runs"]:
    for result in run.get("results", []):
        if result.get("suppressions") or result.get("baselineState") == "unchanged":
            continue
        severity = (result.get("properties") or {}).get("severity")
        if severity in counts:
            counts[severity] += 1
print(sum(counts.values()), counts["critical"], counts["high"], counts["medium"], counts["low"])
PYTHON
) || die "cannot read the SARIF log $sarif_file"
read -r total critical high medium low <<< "$counts"
set_output sarif-file "$sarif_file"
set_output category "$category"
set_output findings "$total"
set_output critical "$critical"
set_output high "$high"
set_output medium "$medium"
set_output low "$low"

if [ "$status" -eq 1 ]; then
  echo "nhiscan action: $total open findings; failing because at least one is at or above '$fail_on'" >&2
fi
exit "$status"
