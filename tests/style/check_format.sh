#!/bin/sh
# The pinned .clang-format (clang-format 14, Debian 12) holds for eseal's own
# C++ sources: any file it would change fails the suite, with the command that fixes it.
# Usage: check_format.sh SOURCE_DIR
set -eu
root=${1:?usage: check_format.sh SOURCE_DIR}
cd "$root"
command -v clang-format >/dev/null || { echo "clang-format missing (package clang-format)"; exit 1; }
version=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
[ "$version" = 14 ] || echo "note: clang-format $version, the style is pinned for 14"
bad=0
total=0
for f in $(find core formats cli tests extension bench -type f \( -name '*.cpp' -o -name '*.hpp' \) \
             -not -path 'tests/fuzz/corpus/*' 2>/dev/null | sort); do
  total=$((total + 1))
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f"
    bad=$((bad + 1))
  fi
done
if [ "$bad" -ne 0 ]; then
  echo "$bad of $total files differ from .clang-format; fix with: clang-format -i FILE"
  exit 1
fi
echo "format: $total files match .clang-format"
