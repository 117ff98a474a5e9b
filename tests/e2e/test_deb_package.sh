#!/bin/sh
# The Debian package: cpack builds it from the build directory of the binary under
# test, its dependencies name the runtime library packages, and the binary runs
# from a temporary root that dpkg -x unpacked it into.
set -eu
nhiscan=$1
source_tree=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

build=$(dirname "$nhiscan")
[ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $build"
command -v dpkg-shlibdeps >/dev/null 2>&1 || fail "dpkg-shlibdeps is missing (Debian package dpkg-dev)"

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
set -- "$work"/out/nhiscan_*.deb
[ -f "$1" ] || { cat "$work/cpack.log"; fail "no nhiscan_*.deb written"; }
deb=$1

[ "$(dpkg-deb -f "$deb" Package)" = nhiscan ] || fail "package name"
version=$("$nhiscan" --version | sed 's/^nhiscan //')
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version differs from nhiscan --version ($version)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for library in libyaml-0 libtomlplusplus libboost-filesystem libstdc++6 libc6; do
  echo "$depends" | grep -q "$library" || fail "Depends lacks $library"
done
# Every dependency is a package that is installed here, so the names are real.
echo "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | while read -r package; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    fail "dependency $package is not an installed package"
done

# The files are under /usr, the binary is stripped, and the docs come along.
dpkg-deb -c "$deb" > "$work/contents"
grep -q " ./usr/bin/nhiscan$" "$work/contents" || fail "no /usr/bin/nhiscan"
grep -q " ./usr/share/doc/nhiscan/README.md$" "$work/contents" || fail "no README in /usr/share/doc/nhiscan"
grep -q " ./usr/share/doc/nhiscan/github-action.md$" "$work/contents" || fail "no docs in /usr/share/doc/nhiscan"

root="$work/root"
dpkg -x "$deb" "$root"
installed="$root/usr/bin/nhiscan"
if command -v file >/dev/null 2>&1 && file "$installed" | grep -q "not stripped"; then
  fail "the packaged binary is not stripped"
fi
if ldd "$installed" | grep -q "not found"; then
  ldd "$installed"
  fail "a shared library of the packaged binary is missing"
fi
"$installed" --version | grep -qx "nhiscan $version" || fail "the installed binary does not run"
"$installed" rules > "$work/rules" || fail "rules failed"
grep -q "^NHI001 " "$work/rules" || fail "rules does not list NHI001"
status=0
"$installed" scan "$source_tree/fixtures/demo" --root "$source_tree/fixtures/demo" --now 2026-06-01 \
  --sarif "$work/demo.sarif" > "$work/scan" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$work/scan"; fail "scan of the demo: expected exit 1, got $status"; }
grep -q "NHI001" "$work/scan" || fail "scan of the demo found no NHI001"
/usr/bin/python3 "$source_tree/tests/sarif/validate.py" "$work/demo.sarif"
echo "the Debian package installs and runs"
