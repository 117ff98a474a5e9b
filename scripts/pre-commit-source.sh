#!/bin/sh
# Entry of the `nhiscan-source` pre-commit hook. pre-commit runs it from its clone of
# the nhiscan repository, in the directory of the repository being committed to, with
# the staged file names as arguments. The first run builds nhiscan in the clone.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
binary="$top/build/nhiscan"
if [ ! -x "$binary" ]; then
  echo "nhiscan: building nhiscan in $top (first run only)" >&2
  make -C "$top" build >&2
fi
exec "$binary" scan --context . --quiet "$@"
