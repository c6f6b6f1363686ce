#!/bin/sh
# The two set-up commands of the README, on a fresh Debian 12 machine:
#   ./packaging/setup.sh demo   install packages, build, run `eseal demo`
#   ./packaging/setup.sh test   install packages, build, run every test
#                               (then again in an ASan+UBSan build)
# Environment: ESEAL_SKIP_SANITIZE=1 skips the sanitizer pass of `test`;
# ESEAL_DEMO_DIR chooses where `demo` writes (default ./eseal-demo).
set -eu

mode=${1:-}
case "$mode" in
  demo|test) ;;
  *) echo "usage: $0 demo|test" >&2; exit 64 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/packaging/install-deps.sh"

jobs=$(nproc 2>/dev/null || echo 2)
build() {
  dir=$1; shift
  cmake -S "$root" -B "$root/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$root/$dir" -j"$jobs"
}

if [ "$mode" = demo ]; then
  build build
  exec "$root/build/bin/eseal" demo "${ESEAL_DEMO_DIR:-$root/eseal-demo}"
fi

build build
ctest --test-dir "$root/build" --output-on-failure -j"$jobs"

if [ "${ESEAL_SKIP_SANITIZE:-0}" != 1 ]; then
  build build-asan -DESEAL_SANITIZE=ON
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
  LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs"
fi
