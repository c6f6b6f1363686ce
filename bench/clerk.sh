#!/bin/bash
# Speed a clerk feels (issue 9): vnd.eseal:Seal dispatched to the reloaded, signed
# document in LibreOffice, next to LibreOffice's own sign-and-reload of the same
# document, interleaved in one run; and the verify panel listing a PDF with 5 seals.
# See bench/README.md and bench/clerk.py.
#
#   bench/clerk.sh              # RUNS=5 (each after one warm-up run)
#   RUNS=2 bench/clerk.sh
#
# Needs build/eseal.oxt and build/bin/eseal (the normal build), soffice, python3-uno
# (/usr/bin/python3), certutil/pk12util, softhsm2. Results go to
# bench/results/<UTC date>-clerk.md (ESEAL_BENCH_OUT names another file).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=/usr/bin/python3
RUNS=${RUNS:-5}
CACHE=${ESEAL_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eseal-bench}
OXT=${ESEAL_OXT:-$ROOT/build/eseal.oxt}
for t in soffice certutil pk12util softhsm2-util; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing (see packaging/install-deps.sh)" >&2; exit 1; }
done
[ -f "$OXT" ] || { echo "bench: $OXT is missing: build first" >&2; exit 1; }
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
. "$HERE/keys.sh"  # PKI, SoftHSM2 token, NSS db (NSS), seal image (SEAL), ESEAL

OUT=${ESEAL_BENCH_OUT:-$HERE/results/$(date -u +%F)-clerk.md}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
export SOFTHSM2_CONF="$CACHE/softhsm/softhsm2.conf" BENCH_PIN=11223344
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
status=0
"$PY" "$HERE/clerk.py" "$ESEAL" "$OXT" "$CACHE" "$SEAL" "$RUNS" | tee "$LOG" || status=$?
{
  echo "# Speed a clerk feels: eseal in LibreOffice next to LibreOffice's own signing ($(date -u '+%F %H:%M UTC'))"
  echo
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load $LOAD_BEFORE before"\
       "and $(cut -d' ' -f1-3 /proc/loadavg) after; $(soffice --version 2>/dev/null | head -1);"\
       "eseal $("$ESEAL" --version 2>/dev/null | head -1) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null))."
  echo "One headless LibreOffice (throwaway profile, eseal.oxt installed); each timed run after one warm-up;"
  echo "eseal and LibreOffice interleaved run by run on fresh copies of the same file; RSA-2048 signer-rsa for both"
  echo "(eseal: SoftHSM2 token; LibreOffice: the same key in an NSS database)."
  echo
  awk '/^\|/ {print; t=1; next} t {print ""; t=0}' "$LOG"
  echo
  echo '```'
  grep -v '^|\|^$' "$LOG"
  echo '```'
} >"$OUT"
echo "bench: results in $OUT"
exit $status
