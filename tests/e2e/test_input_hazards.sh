#!/bin/sh
# Hostile file trees: BOM, CRLF, UTF-16, invalid UTF-8, NUL bytes, empty and null
# documents, a symbolic link loop, a dangling link, a FIFO, a device node, an
# unreadable file, and paths with spaces, non-ASCII and non-UTF-8 bytes. The scan
# must finish, report each hazard, and write valid UTF-8 JSON and SARIF.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/dir with space" "$repo/loop"

account() {  # account NAME: a ServiceAccount manifest
  printf 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n  namespace: hazards\n' "$1"
}
{ printf '\357\273\277'; account bom; } > "$repo/bom.yaml"
account crlf | sed 's/$/\r/' > "$repo/crlf.yaml"
account utf16 | python3 -c 'import sys; sys.stdout.buffer.write(b"\xff\xfe" + sys.stdin.read().encode("utf-16-le"))' \
  > "$repo/utf16le.yaml"
account utf16be | python3 -c 'import sys; sys.stdout.buffer.write(b"\xfe\xff" + sys.stdin.read().encode("utf-16-be"))' \
  > "$repo/utf16be.yaml"
{ account latin1; printf '  annotations:\n    owner: "M\374ller \223team\224"\n'; } > "$repo/invalid-utf8.yaml"
{ account binary; printf 'data: \000\001\002\n'; } > "$repo/nul.yaml"
: > "$repo/empty.yaml"
printf -- '---\n---\n' > "$repo/markers-only.yaml"
printf -- '--- ~\n---\nnull\n...\n' > "$repo/null-documents.yaml"
account spaced > "$repo/dir with space/$(printf 'caf\303\251') account.yaml"
account odd-name > "$repo/name-$(printf '\377')-bytes.yaml"
ln -s .. "$repo/loop/parent"
ln -s "$repo/loop" "$repo/loop/self"
ln -s "$repo/does-not-exist.yaml" "$repo/dangling.yaml"
ln -s /dev/zero "$repo/zero.yaml"
mkfifo "$repo/fifo.yaml"
device=no
if mknod "$repo/device.yaml" c 1 3 2>/dev/null; then device=yes; fi
account locked > "$repo/unreadable.yaml"
chmod 000 "$repo/unreadable.yaml"

# A FIFO that were opened would block the scan forever: bound it.
status=0
timeout 60 "$nhiscan" scan "$repo" --root "$repo" --now 2026-06-01 --fail-on none --format json \
  --output "$work/scan.json" --sarif "$work/scan.sarif" > "$work/stdout" 2> "$work/stderr" || status=$?
[ "$status" -eq 0 ] || { echo "scan exit $status"; cat "$work/stderr"; exit 1; }
timeout 60 "$nhiscan" scan "$repo" --root "$repo" --now 2026-06-01 --fail-on none --no-color > "$work/scan.txt" 2>&1

root=no
[ "$(id -u)" -eq 0 ] && root=yes
/usr/bin/python3 - "$work" "$root" "$device" <<'PY'
import json
import sys

work, root, device = sys.argv[1], sys.argv[2] == "yes", sys.argv[3] == "yes"
failures = []


def check(condition, description):
    if not condition:
        failures.append(description)


raw = {}
for name in ("scan.json", "scan.sarif", "scan.txt"):
    with open(f"{work}/{name}", "rb") as handle:
        raw[name] = handle.read()
    try:
        raw[name].decode("utf-8")
    except UnicodeDecodeError as error:
        failures.append(f"{name} is not valid UTF-8: {error}")
log = json.loads(raw["scan.json"])
sarif = json.loads(raw["scan.sarif"])

accounts = {i["name"] for i in log["identities"] if i["kind"] == "service_account"}
expected = {"hazards/bom", "hazards/crlf", "hazards/utf16", "hazards/utf16be", "hazards/latin1", "hazards/spaced",
            "hazards/odd-name"}
if root:
    # Permissions do not stop root: the file is read like any other.
    expected.add("hazards/locked")
for name in sorted(expected):
    check(name in accounts, f"ServiceAccount {name} found")
check("hazards/binary" not in accounts, "nothing read from the file with NUL bytes")
check(not root or "hazards/locked" in accounts, "the chmod 000 file is read when running as root")
check(root or "hazards/locked" not in accounts, "the chmod 000 file is not read without permission")

diagnostics = {}
for diagnostic in log["diagnostics"]:
    diagnostics.setdefault(diagnostic["file"], []).append(diagnostic["message"])


def reported(file, text):
    check(any(text in message for message in diagnostics.get(file, [])), f"{file} reports '{text}'")


reported("nul.yaml", "binary file (contains NUL bytes); skipped")
reported("invalid-utf8.yaml", "not valid UTF-8; read as Windows-1252")
reported("utf16le.yaml", "decoded from UTF-16")
reported("utf16be.yaml", "decoded from UTF-16")
if not root:
    reported("unreadable.yaml", "cannot open file; skipped")
scanned = {file for file in diagnostics}
for never in ("fifo.yaml", "zero.yaml", "dangling.yaml", "device.yaml"):
    check(never not in scanned, f"{never} is never opened")
check(not any("loop/" in i["location"]["file"] for i in log["identities"]), "links inside the tree are not followed")
owner = [i for i in log["identities"] if i["name"] == "hazards/latin1"]
check(owner and owner[0]["owner"] == "M\u00fcller \u201cteam\u201d", "Windows-1252 text decoded into the model")

uris = set()
for result in sarif["runs"][0]["results"]:
    for location in result["locations"]:
        uris.add(location["physicalLocation"]["artifactLocation"]["uri"])
check("dir%20with%20space/caf%C3%A9%20account.yaml" in uris, "space and non-ASCII percent-encoded in SARIF URIs")
check("name-%FF-bytes.yaml" in uris, "a non-UTF-8 byte in a file name percent-encoded in SARIF URIs")
check(all(all(c.isascii() and c not in " \\" for c in uri) for uri in uris), "every SARIF URI is ASCII")
files = {i["location"]["file"] for i in log["identities"]}
check("name-\ufffd-bytes.yaml" in files, "a non-UTF-8 file name is shown with U+FFFD in JSON")
check(b"dir with space/caf\xc3\xa9 account.yaml" in raw["scan.txt"], "the text report names the non-ASCII path")
for prefix in ("markers-only", "null-documents", "empty"):
    check(not any(f.startswith(prefix) for f in files), f"{prefix}.yaml holds no identity")

if failures:
    print("\n".join("FAIL " + failure for failure in failures))
    sys.exit(1)
print(f"{len(expected)} accounts found; every hazard reported; outputs are valid UTF-8")
PY
/usr/bin/python3 "$source_tree/tests/sarif/validate.py" "$work/scan.sarif" > /dev/null
