#!/bin/bash
# eseal benchmark (a): sealing a batch of N one-page PDFs (default 500) with one
# command and one PIN entry, in documents per second, next to a loop of Poppler's
# `pdfsig -add-signature` over the same files in the same run. See bench/README.md.
#
#   bench/batch.sh                 # 500 files, RUNS=3
#   N=100 RUNS=1 bench/batch.sh
#
# Each run times eseal with its default workers (--jobs, two per core, at most 8)
# and with --jobs 1 (one file after the other), then the pdfsig loop.
# Inputs, keys and the NSS db are kept in ${ESEAL_BENCH_CACHE:-~/.cache/eseal-bench};
# results go to bench/results/<UTC date>-batch.md (ESEAL_BENCH_OUT=NAME: results/NAME.md).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=/usr/bin/python3
N=${N:-500}
RUNS=${RUNS:-3}
CACHE=${ESEAL_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eseal-bench}
for t in pdfsig qpdf certutil pk12util softhsm2-util /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing (see packaging/install-deps.sh)" >&2; exit 1; }
done
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
. "$HERE/keys.sh"

# N one-page A4 letters, each with its own /Info title (pikepdf), made once.
IN="$CACHE/batch-$N"
if [ ! -f "$IN.complete" ]; then
  rm -rf "$IN"; mkdir -p "$IN"
  "$PY" - "$IN" "$N" <<'PYEOF'
import sys
import pikepdf
out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    text = f"BT /F1 14 Tf 72 760 Td (Letter {i + 1} of {n}: batch sealing benchmark) Tj ET".encode()
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595.28, 841.89],
                                           Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                                           Contents=pdf.make_stream(text)))
    pdf.pages.append(page)
    pdf.docinfo["/Title"] = f"letter {i + 1}"
    pdf.save(f"{out}/letter-{i + 1:04d}.pdf")
PYEOF
  touch "$IN.complete"
fi

WORK=$(mktemp -d "$CACHE/batch-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
export SOFTHSM2_CONF="$CACHE/softhsm/softhsm2.conf" ESEAL_BENCH_PIN=11223344
P11KEY="pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
cat "$IN"/*.pdf >/dev/null  # warm the page cache

# wall seconds and peak RSS KiB of one run of CMD under /usr/bin/time -v
timed() {
  /usr/bin/time -v -o "$WORK/time.txt" sh -c "$1" >"$WORK/cmd.log" 2>&1 || {
    echo "bench: failed: $1" >&2; tail -n 5 "$WORK/cmd.log" >&2; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$WORK/time.txt" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  echo "$wall $rss"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
ESEAL_WALLS=() SERIAL_WALLS=() PDFSIG_WALLS=() ESEAL_RSS=0 SERIAL_RSS=0 PDFSIG_RSS=0 ESEAL_CPU=() SERIAL_CPU=()
# user + sys seconds of the last timed run
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$WORK/time.txt"; }
for run in $(seq "$RUNS"); do
  echo "bench: run $run: eseal sign DIR --out-dir --jobs 1 (SoftHSM2, RSA-2048), $N files"
  rm -rf "$WORK/serial"
  read -r w r < <(timed "'$ESEAL' sign '$IN' --out-dir '$WORK/serial' --jobs 1 --key '$P11KEY' --seal '$SEAL' --pin-env ESEAL_BENCH_PIN")
  SERIAL_WALLS+=("$w"); SERIAL_CPU+=("$(cpu)"); [ "$r" -gt "$SERIAL_RSS" ] && SERIAL_RSS=$r
  grep -q "^sealed $N, failed 0, skipped 0" "$WORK/cmd.log" || { echo "bench: eseal --jobs 1 did not seal all $N" >&2; exit 1; }
  echo "bench: run $run: eseal sign DIR --out-dir, default --jobs (SoftHSM2, RSA-2048), $N files"
  rm -rf "$WORK/eseal"
  read -r w r < <(timed "'$ESEAL' sign '$IN' --out-dir '$WORK/eseal' --key '$P11KEY' --seal '$SEAL' --pin-env ESEAL_BENCH_PIN")
  ESEAL_WALLS+=("$w"); ESEAL_CPU+=("$(cpu)"); [ "$r" -gt "$ESEAL_RSS" ] && ESEAL_RSS=$r
  grep -q "^sealed $N, failed 0, skipped 0" "$WORK/cmd.log" || { echo "bench: eseal did not seal all $N" >&2; exit 1; }
  echo "bench: run $run: pdfsig -add-signature loop (NSS, RSA-2048), $N files"
  rm -rf "$WORK/pdfsig"; mkdir -p "$WORK/pdfsig"
  read -r w r < <(timed "for f in '$IN'/*.pdf; do pdfsig -nssdir 'sql:$NSS' -add-signature -nick '$NICK' \"\$f\" '$WORK/pdfsig'/\$(basename \"\$f\") || exit 1; done")
  PDFSIG_WALLS+=("$w"); [ "$r" -gt "$PDFSIG_RSS" ] && PDFSIG_RSS=$r
done

# Every output of the last run is checked: pdfsig finds a valid signature in a sample
# of eseal's outputs and in pdfsig's own, and eseal verify passes eseal's folder.
for f in "$WORK/eseal/letter-0001.pdf" "$WORK/eseal/letter-$(printf %04d "$N").pdf" "$WORK/pdfsig/letter-0001.pdf"; do
  pdfsig -nssdir "sql:$NSS" "$f" | grep -q "Signature is Valid" || { echo "bench: $f not valid per pdfsig" >&2; exit 1; }
done
"$ESEAL" verify "$WORK/eseal" --trust "$CACHE/pki/trust.pem" --no-system-trust --quiet ||
  { echo "bench: eseal verify does not pass every sealed file" >&2; exit 1; }
[ "$(ls "$WORK/eseal" | wc -l)" = "$N" ] || { echo "bench: eseal wrote $(ls "$WORK/eseal" | wc -l) files" >&2; exit 1; }

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
EW=$(median "${ESEAL_WALLS[@]}") SW=$(median "${SERIAL_WALLS[@]}") PW=$(median "${PDFSIG_WALLS[@]}")
rate() { awk -v n="$N" -v w="$1" 'BEGIN { printf "%.1f", n / w }'; }
mkdir -p "$HERE/results"
if [ -n "${ESEAL_BENCH_OUT:-}" ]; then
  RES="$HERE/results/$ESEAL_BENCH_OUT.md"
else
  RES="$HERE/results/$(date -u +%Y-%m-%d)-batch.md"
  [ -e "$RES" ] && RES="$HERE/results/$(date -u +%Y-%m-%d-%H%M)-batch.md"
fi
{
  echo "# eseal batch benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "$N one-page PDFs (pikepdf, $(du -sk "$IN" | cut -f1) KiB in all), page cache warm; wall = median of $RUNS"
  echo "runs under \`/usr/bin/time -v\`, peak RSS the largest. Outputs checked: pdfsig finds the"
  echo "first and last eseal output and pdfsig's own valid; \`eseal verify DIR --quiet\` exits 0 on"
  echo "all $N of eseal's."
  echo
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(. /etc/os-release && echo "$PRETTY_NAME"); $(openssl version | cut -d' ' -f1-2); $("$ESEAL" --version | head -1); Poppler $(pdfsig -v 2>&1 | sed -n 's/pdfsig version //p')"
  echo
  echo "| tool | wall s (runs) | documents/s | CPU s, user+sys (runs) | peak RSS MiB | × pdfsig loop |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| eseal sign DIR --out-dir, default --jobs, SoftHSM2 RSA-2048, one PIN entry | $EW (${ESEAL_WALLS[*]}) | $(rate "$EW") | ${ESEAL_CPU[*]} | $(awk -v k="$ESEAL_RSS" 'BEGIN { printf "%.1f", k / 1024 }') | $(awk -v a="$PW" -v b="$EW" 'BEGIN { printf "%.1f", a / b }') |"
  echo "| eseal sign DIR --out-dir --jobs 1 (one file after the other) | $SW (${SERIAL_WALLS[*]}) | $(rate "$SW") | ${SERIAL_CPU[*]} | $(awk -v k="$SERIAL_RSS" 'BEGIN { printf "%.1f", k / 1024 }') | $(awk -v a="$PW" -v b="$SW" 'BEGIN { printf "%.1f", a / b }') |"
  echo "| for f: pdfsig -add-signature (NSS, RSA-2048) | $PW (${PDFSIG_WALLS[*]}) | $(rate "$PW") | | $(awk -v k="$PDFSIG_RSS" 'BEGIN { printf "%.1f", k / 1024 }') | 1.0 |"
} >"$RES"
cat "$RES"
echo "bench: results in $RES"
