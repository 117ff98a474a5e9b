#!/bin/sh
# Installs what the build (and, with "test", the test suite) needs on Debian:
# apt packages when run as root, otherwise the exact apt-get line to run; then the
# pinned npm packages (tree-sitter runtime and HCL grammar, the SARIF schema).
set -eu

mode=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)

packages="g++ make cmake pkg-config libyaml-dev libtomlplusplus-dev libboost-filesystem-dev nlohmann-json3-dev ca-certificates"
if [ "$mode" = test ]; then
  packages="$packages doctest-dev python3 python3-jsonschema git pre-commit dpkg-dev file"
fi

missing=""
for package in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $package" ;;
  esac
done
# Node.js may come from Debian (nodejs + npm) or from elsewhere; only the commands matter.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "nhiscan: installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "nhiscan: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
fi

# npm ci reinstalls only when the lock file changed since the last install.
install_npm() {
  directory=$1
  stamp="$directory/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$directory/package-lock.json" -nt "$stamp" ]; then
    echo "nhiscan: installing pinned npm packages in ${directory#"$top"/}"
    (cd "$directory" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
}

install_npm "$top/grammars"
if [ "$mode" = test ]; then
  install_npm "$top/tests/sarif"
  install_npm "$top/tests/mermaid"
  install_npm "$top/tests/action"
fi
