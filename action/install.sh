#!/usr/bin/env bash
# Install step of the nhiscan GitHub Action (action.yml): makes PREFIX/bin/nhiscan
# runnable and prints `path=PREFIX/bin/nhiscan` to GITHUB_OUTPUT.
#
#   install.sh version   print the version in CMakeLists.txt (the cache key)
#   install.sh PREFIX    install into PREFIX
#
# A binary already in PREFIX (restored by actions/cache) is kept. When it cannot
# load its shared libraries, as on a fresh runner, they are installed with apt.
# Otherwise nhiscan is built from the source tree that contains this action and
# installed into PREFIX. apt runs through sudo unless the script runs as root.
set -euo pipefail

source_tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "${1:-}" = version ]; then
  version=$(sed -n 's/^project(nhiscan VERSION \([0-9][0-9.]*\).*/\1/p' "$source_tree/CMakeLists.txt")
  [ -n "$version" ] || { echo "nhiscan action: no version in $source_tree/CMakeLists.txt" >&2; exit 2; }
  echo "$version"
  exit 0
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: install.sh version | install.sh PREFIX" >&2
  exit 2
fi
prefix=$1
binary="$prefix/bin/nhiscan"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The development packages pull in the shared libraries under whatever name the
# distribution release gives them (libtomlplusplus3 on Debian 12, for example).
install_runtime_libraries() {
  echo "nhiscan action: installing the shared libraries nhiscan needs" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libyaml-dev libtomlplusplus-dev libboost-filesystem-dev >/dev/null
}

if [ -x "$binary" ]; then
  if ! "$binary" --version >/dev/null 2>&1; then
    install_runtime_libraries
  fi
else
  echo "nhiscan action: building nhiscan from $source_tree" >&2
  as_root "$source_tree/scripts/bootstrap.sh" build
  build_dir=$(mktemp -d)
  cmake -S "$source_tree" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DNHISCAN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build_dir" -j "$(nproc)"
  cmake --install "$build_dir" --prefix "$prefix" --strip >/dev/null
  rm -rf "$build_dir"
fi

"$binary" --version >&2 || { echo "nhiscan action: $binary does not run" >&2; exit 2; }
echo "path=$binary" >> "${GITHUB_OUTPUT:-/dev/null}"
