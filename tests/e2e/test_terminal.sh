#!/bin/sh
# Terminal manners, on a pseudo-terminal made by script(1): colour only on a terminal
# and never with NO_COLOR or --no-color, a progress line on standard error for long
# scans that is cleared before the report, and silence with --quiet.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v script >/dev/null 2>&1 || fail "script(1) from util-linux is missing"

demo="$source_tree/fixtures/demo"
escape=$(printf '\033')

# Runs a shell command on a pseudo-terminal; what the terminal shows goes to
# $work/screen, and $status is the command's exit status.
on_terminal() {
  status=0
  script -q -e -c "$1" /dev/null < /dev/null > "$work/screen" 2>&1 || status=$?
}
has_colour() { grep -q "$escape\[" "$work/screen"; }

# Colour on a terminal.
on_terminal "NO_COLOR= '$nhiscan' scan '$demo' --now 2026-06-01 --fail-on none"
[ "$status" -eq 0 ] || fail "scan on a terminal exited $status"
has_colour || { cat "$work/screen"; fail "no colour on a terminal"; }

# No colour with NO_COLOR set, with --no-color, or into a pipe.
on_terminal "NO_COLOR=1 '$nhiscan' scan '$demo' --now 2026-06-01 --fail-on none"
grep -q "findings (" "$work/screen" || fail "NO_COLOR: no report"
! has_colour || fail "colour with NO_COLOR=1"
on_terminal "NO_COLOR= '$nhiscan' scan '$demo' --now 2026-06-01 --fail-on none --no-color"
! has_colour || fail "colour with --no-color"
on_terminal "NO_COLOR= '$nhiscan' scan '$demo' --now 2026-06-01 --fail-on none | cat"
grep -q "findings (" "$work/screen" || fail "pipe: no report"
! has_colour || fail "colour into a pipe"

# A scan long enough for the progress line: 1000 files of 100 ServiceAccounts each,
# read by one thread.
mkdir "$work/big"
/usr/bin/python3 - "$work/big" <<'PYTHON'
import sys

document = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa{i}\n  namespace: ns{n}\n---\n"
for n in range(1000):
    with open(f"{sys.argv[1]}/accounts-{n}.yaml", "w", encoding="utf-8") as handle:
        handle.write("".join(document.format(i=i, n=n) for i in range(100)))
PYTHON
# The Markdown summary keeps the report short.
long_scan="'$nhiscan' scan '$work/big' --root '$work/big' --now 2026-06-01 --fail-on none -j 1 --format markdown"

on_terminal "$long_scan"
[ "$status" -eq 0 ] || fail "long scan exited $status"
# The line counts the files read, then names the stages after the reading. Which of
# them appear depends on the machine's speed. Checking 100,000 identities takes over
# a second here, so that stage must be the last line drawn. The line is erased
# (carriage return, spaces, carriage return) before the report.
/usr/bin/python3 - "$work/screen" <<'PYTHON' || { cat -v "$work/screen" | head -c 2000; echo; fail "the progress line misbehaves"; }
import re
import sys

screen = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
report = screen.index("## nhiscan")
drawn = [part.rstrip(" ") for part in screen[:report].split("\r") if part.strip(" ")]
if not drawn or "nhiscan: checking 100000 identities" not in drawn:
    sys.exit("no stage line: %r" % drawn[-3:])
if not all(re.fullmatch(r"nhiscan: (read \d+/1000 files|reading Terraform modules|linking \d+ identity records|"
                        r"checking 100000 identities)", line) for line in drawn):
    sys.exit("unexpected progress text: %r" % drawn)
if drawn[-1] != "nhiscan: checking 100000 identities":
    sys.exit("the last line drawn is %r" % drawn[-1])
last = screen.rindex("nhiscan: checking 100000 identities", 0, report)
blank = "\r" + " " * max(len(line) for line in drawn[-1:]) + "\r"
cleared = screen.find(blank, last)
sys.exit(0 if 0 <= cleared < report else "not cleared before the report")
PYTHON

# Never when standard error is not a terminal, never with --quiet.
on_terminal "$long_scan 2> '$work/stderr'"
if grep -q "nhiscan: read" "$work/stderr" "$work/screen"; then
  fail "progress line although standard error is a file"
fi
on_terminal "$long_scan --quiet"
[ "$status" -eq 0 ] || fail "quiet long scan exited $status"
[ ! -s "$work/screen" ] || { cat -v "$work/screen" | head; fail "--quiet printed on a terminal"; }

# --quiet prints nothing on success, and the findings on failure.
on_terminal "'$nhiscan' scan '$source_tree/fixtures/cases/B11' --now 2026-06-01 --quiet"
[ "$status" -eq 0 ] || fail "quiet passing scan exited $status"
[ ! -s "$work/screen" ] || { cat -v "$work/screen"; fail "--quiet printed on success"; }
on_terminal "'$nhiscan' scan '$demo' --now 2026-06-01 --quiet"
[ "$status" -eq 1 ] || fail "quiet failing scan exited $status"
grep -q "NHI001" "$work/screen" || fail "--quiet hid the findings of a failing scan"

echo "colour, progress and quiet behave on a terminal"
