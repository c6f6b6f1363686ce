#!/bin/sh
# Builds the Debian package from a finished build tree, checks it with lintian
# (no errors allowed), unpacks it with dpkg-deb -x into a temporary folder and
# runs the packaged eseal from there: --version, a Chinese --help, the man
# pages, and `eseal demo` sealing the packaged sample documents.
# Usage: test_deb.sh BUILD_DIR
set -eu
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/pkg/eseal_*.deb)
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

[ "$(dpkg-deb -f "$deb" Package)" = eseal ] || fail "package name is not eseal"
dpkg-deb -f "$deb" Depends | grep -q libqpdf || fail "Depends lacks the shared libraries (shlibdeps)"

# lintian: errors fail the test; warnings are printed for people.
lintian --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
if grep -q '^E:' "$work/lintian.log"; then fail "lintian reported errors"; fi

root="$work/root"
dpkg-deb -x "$deb" "$root"
exe="$root/usr/bin/eseal"
[ -x "$exe" ] || fail "no /usr/bin/eseal in the package"
for f in usr/share/man/man1/eseal.1.gz usr/share/man/zh_CN/man1/eseal.1.gz \
         usr/share/bash-completion/completions/eseal usr/share/locale/zh_CN/LC_MESSAGES/eseal.mo \
         usr/share/doc/eseal/copyright usr/share/doc/eseal/changelog.gz \
         usr/share/eseal/demo/samples.tsv usr/share/eseal/demo/letter.pdf; do
  [ -f "$root/$f" ] || fail "missing $f"
done

# The LibreOffice extension, for every user: the unpacked .oxt (the one the
# extension test installs into a real LibreOffice) in the bundled-extensions
# folder, file for file and byte for byte.
if [ -f "$build/eseal.oxt" ]; then
  ext="$root/usr/lib/libreoffice/share/extensions/eseal"
  [ -f "$ext/description.xml" ] || fail "the package lacks the extension in $ext"
  mkdir "$work/oxt"
  (cd "$work/oxt" && unzip -q "$build/eseal.oxt")
  (cd "$work/oxt" && find . -type f | sort) >"$work/oxt.list"
  (cd "$ext" && find . -type f | sort) >"$work/ext.list"
  diff "$work/oxt.list" "$work/ext.list" || fail "the packaged extension's files differ from eseal.oxt's"
  while read -r f; do
    cmp -s "$work/oxt/$f" "$ext/$f" || fail "packaged extension file $f differs from eseal.oxt's"
  done <"$work/oxt.list"
  dpkg-deb -f "$deb" Depends | grep -q 'libuno-cppu3' || fail "Depends lacks the UNO libraries the extension links"
  echo "packaged extension: $(wc -l <"$work/oxt.list") files, identical to eseal.oxt"
fi

version=$("$exe" --version)
echo "$version" | grep -Eq '^eseal [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version printed '$version'"

# The unpacked package finds its own catalogue (not the build tree's).
LANG=zh_CN.UTF-8 "$exe" >"$work/zh.txt" 2>&1 && fail "no command must be a usage error"
grep -q '未给出命令' "$work/zh.txt" || fail "LANG=zh_CN.UTF-8 did not give Chinese: $(head -1 "$work/zh.txt")"

# The demo seals the packaged sample documents (found beside the executable).
home="$work/home"
mkdir -p "$home"
out="$work/demo-out"
HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
  "$exe" demo "$out" >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; fail "eseal demo from the package"; }
n=$(ls "$out"/*.pdf | wc -l)
[ "$n" -ge 2 ] || fail "demo sealed $n documents"
for pdf in "$out"/*.pdf; do
  pdfsig "$pdf" >"$work/pdfsig.log" 2>&1 || true
  grep -q "Signature is Valid" "$work/pdfsig.log" || { cat "$work/pdfsig.log"; fail "pdfsig does not call $pdf valid"; }
done
echo "packaged eseal: $version; demo sealed $n documents, pdfsig: valid"
