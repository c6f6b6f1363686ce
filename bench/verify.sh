#!/bin/bash
# eseal benchmark (b) of issue 6: verifying a PDF carrying 20 seals (20 incremental
# updates made by eseal, SoftHSM2 RSA-2048, one per page of a 20-page file) and, when
# the shared test data is there, the EU DSS test file 25sigs.pdf (25 PAdES signatures),
# with eseal's full revision analysis, next to pdfsig; wall time and peak RSS.
#
#   bench/verify.sh                  # RUNS=5
#   REALWORLD=/path/to/realworld-pdf bench/verify.sh
#
# Results go to bench/results/<UTC date>-verify.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=/usr/bin/python3
RUNS=${RUNS:-5}
CACHE=${ESEAL_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eseal-bench}
REALWORLD=${REALWORLD:-$ROOT/../shared/testdata/realworld-pdf}
[ -d "$REALWORLD" ] || REALWORLD=/work/shared/testdata/realworld-pdf
for t in pdfsig certutil pk12util softhsm2-util /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing (see packaging/install-deps.sh)" >&2; exit 1; }
done
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
. "$HERE/keys.sh"
export SOFTHSM2_CONF="$CACHE/softhsm/softhsm2.conf" ESEAL_BENCH_PIN=11223344
P11KEY="pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
WORK=$(mktemp -d "$CACHE/verify-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

# The 20-seal file, made with this eseal every run (it is quick).
"$PY" -c "import pikepdf,sys
p = pikepdf.new()
for i in range(20): p.add_blank_page(page_size=(595, 842))
p.save(sys.argv[1])" "$WORK/s0.pdf"
for i in $(seq 1 20); do
  "$ESEAL" sign "$WORK/s$((i - 1)).pdf" -o "$WORK/s$i.pdf" --key "$P11KEY" --seal "$SEAL" \
    --pin-env ESEAL_BENCH_PIN --page "$i" --size 30 >/dev/null
done
TWENTY="$WORK/s20.pdf"
[ "$(pdfsig -nssdir "sql:$NSS" "$TWENTY" 2>&1 | grep -c 'Signature is Valid')" = 20 ] ||
  { echo "bench: pdfsig does not find 20 valid seals" >&2; exit 1; }
"$ESEAL" verify "$TWENTY" --trust "$CACHE/pki/trust.pem" --no-system-trust --quiet ||
  { echo "bench: eseal verify does not pass the 20 seals" >&2; exit 1; }

# one run: "wall rssKiB"
timed() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" sh -c "$1" >/dev/null 2>&1 || true
  cat "$WORK/time.txt" | tail -n 1
}
row() {  # LABEL FILE ESEAL_ARGS PDFSIG_ARGS
  local ew=() pw=() er=0 pr=0 w r
  for _ in $(seq "$RUNS"); do
    read -r w r < <(timed "'$ESEAL' verify '$2' $3"); ew+=("$w"); [ "$r" -gt "$er" ] && er=$r
    read -r w r < <(timed "pdfsig $4 '$2'"); pw+=("$w"); [ "$r" -gt "$pr" ] && pr=$r
  done
  local em pm
  em=$(printf '%s\n' "${ew[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  pm=$(printf '%s\n' "${pw[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  echo "| $1 | $em (${ew[*]}) | $(awk -v k="$er" 'BEGIN { printf "%.1f", k / 1024 }') | $pm (${pw[*]}) | $(awk -v k="$pr" 'BEGIN { printf "%.1f", k / 1024 }') | $(awk -v a="$em" -v b="$pm" 'BEGIN { printf "%.1f", a / b }') |"
}

mkdir -p "$HERE/results"
RES="$HERE/results/$(date -u +%Y-%m-%d)-verify.md"
[ -e "$RES" ] && RES="$HERE/results/$(date -u +%Y-%m-%d-%H%M)-verify.md"
{
  echo "# eseal benchmark (b), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Wall = median of $RUNS runs (eseal and pdfsig interleaved), peak RSS = largest; eseal verify"
  echo "runs its full revision analysis (every later revision judged for every signature)."
  echo
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- eseal: $ESEAL; $(pdfsig -v 2>&1 | head -1)"
  echo
  echo "| file | eseal verify s (runs) | eseal MiB | pdfsig s (runs) | pdfsig MiB | × pdfsig |"
  echo "|---|---:|---:|---:|---:|---:|"
  row "20 eseal seals, 20 revisions ($(stat -c %s "$TWENTY") bytes)" "$TWENTY" \
    "--trust '$CACHE/pki/trust.pem' --no-system-trust" "-nssdir 'sql:$NSS'"
  if [ -f "$REALWORLD/dss/25sigs.pdf" ]; then
    row "EU DSS 25sigs.pdf, 25 signatures ($(stat -c %s "$REALWORLD/dss/25sigs.pdf") bytes)" \
      "$REALWORLD/dss/25sigs.pdf" "" ""
  fi
} >"$RES"
cat "$RES"
echo "bench: results in $RES"
