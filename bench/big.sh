#!/bin/bash
# eseal benchmark (c) of issue 6: sealing one ~500 MB PDF, wall time and peak RSS,
# next to the two floors measured in the same run, interleaved run by run:
#   cp IN OUT && openssl dgst -sha256 IN                       (cp does not fsync)
#   dd if=IN of=OUT bs=1M conv=fsync && openssl dgst -sha256 IN (fsync, as eseal does)
# The last eseal output is checked: eseal verify PASSED, pdfsig valid, qpdf --check clean,
# and its first MIB bytes equal to the input (an incremental update only appends).
#
#   bench/big.sh                     # 500 MiB, RUNS=5
#   MIB=100 RUNS=2 bench/big.sh
#   ESEAL_BEFORE=/path/to/old/eseal bench/big.sh   # also time an older build, same runs
#
# Inputs and keys are kept in ${ESEAL_BENCH_CACHE:-~/.cache/eseal-bench};
# results go to bench/results/<UTC date>-big.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=/usr/bin/python3
MIB=${MIB:-500}
RUNS=${RUNS:-5}
CACHE=${ESEAL_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eseal-bench}
for t in pdfsig qpdf openssl dd certutil pk12util softhsm2-util /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing (see packaging/install-deps.sh)" >&2; exit 1; }
done
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
BIG="$CACHE/big-$MIB.pdf"
[ -f "$BIG" ] || "$PY" "$HERE/make-big-pdf.py" "$BIG" "$MIB"
. "$HERE/keys.sh"
WORK=$(mktemp -d "$CACHE/big-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
export SOFTHSM2_CONF="$CACHE/softhsm/softhsm2.conf" ESEAL_BENCH_PIN=11223344
P11KEY="pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
OUT="$WORK/out.pdf"
cat "$BIG" >/dev/null  # page cache warm: every tool reads the input from memory

# one run of CMD under /usr/bin/time: "wall user sys rssKiB"
timed() {
  rm -f "$OUT"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" sh -c "$1" >"$WORK/cmd.log" 2>&1 || {
    echo "bench: failed: $1" >&2; tail -n 5 "$WORK/cmd.log" >&2; exit 1; }
  cat "$WORK/time.txt"
}
checked() {
  "$ESEAL" verify "$OUT" --trust "$CACHE/pki/trust.pem" --no-system-trust --quiet ||
    { echo "bench: eseal verify rejects the output" >&2; exit 1; }
  pdfsig -nssdir "sql:$NSS" "$OUT" 2>&1 | grep -q "Signature is Valid" ||
    { echo "bench: pdfsig rejects the output" >&2; exit 1; }
  qpdf --check "$OUT" >/dev/null 2>&1 || { echo "bench: qpdf --check warns about the output" >&2; exit 1; }
  cmp -n "$(stat -c %s "$BIG")" "$BIG" "$OUT" || { echo "bench: the input bytes changed" >&2; exit 1; }
}

declare -A WALL USER SYS RSS
ids=(cp dd eseal)
[ -n "${ESEAL_BEFORE:-}" ] && ids+=(before)
for id in "${ids[@]}"; do WALL[$id]=""; USER[$id]=""; SYS[$id]=""; RSS[$id]=0; done
record() {
  read -r w u s r <<<"$2"
  WALL[$1]+="$w "; USER[$1]+="$u "; SYS[$1]+="$s "
  [ "$r" -gt "${RSS[$1]}" ] && RSS[$1]=$r
  return 0
}
SIGN="--key '$P11KEY' --seal '$SEAL' --pin-env ESEAL_BENCH_PIN"
for run in $(seq "$RUNS"); do
  echo "bench: run $run of $RUNS"
  record cp "$(timed "cp '$BIG' '$OUT' && openssl dgst -sha256 '$BIG' >/dev/null")"
  record dd "$(timed "dd if='$BIG' of='$OUT' bs=1M conv=fsync status=none && openssl dgst -sha256 '$BIG' >/dev/null")"
  record eseal "$(timed "'$ESEAL' sign '$BIG' -o '$OUT' $SIGN")"
  [ "$run" = "$RUNS" ] && checked  # the checks cost more than the runs: the last output
  if [ -n "${ESEAL_BEFORE:-}" ]; then
    record before "$(timed "'$ESEAL_BEFORE' sign '$BIG' -o '$OUT' $SIGN")"
  fi
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mkdir -p "$HERE/results"
RES="$HERE/results/$(date -u +%Y-%m-%d)-big.md"
[ -e "$RES" ] && RES="$HERE/results/$(date -u +%Y-%m-%d-%H%M)-big.md"
cp_m=$(echo "${WALL[cp]}" | median); dd_m=$(echo "${WALL[dd]}" | median)
label() {
  case $1 in
    cp) echo "cp + openssl dgst -sha256 (no fsync)" ;;
    dd) echo "dd bs=1M conv=fsync + openssl dgst -sha256" ;;
    eseal) echo "eseal sign, SoftHSM2 RSA-2048 ($ESEAL)" ;;
    before) echo "eseal sign, before ($ESEAL_BEFORE)" ;;
  esac
}
{
  echo "# eseal benchmark (c), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Input: $(basename "$BIG"), $(stat -c %s "$BIG") bytes; page cache warm; $RUNS runs, the tools"
  echo "interleaved run by run; wall = median, CPU = median user + median system, peak RSS = largest."
  echo "The last eseal output: eseal verify PASSED, pdfsig valid, qpdf --check clean, input bytes kept."
  echo
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(. /etc/os-release && echo "$PRETTY_NAME"); $(uname -r); $(df -T "$WORK" | awk 'NR == 2 { print $2 }'); $(openssl version)"
  echo
  echo "| | wall s (runs) | CPU s | peak RSS MiB | × cp floor | × dd fsync floor |"
  echo "|---|---:|---:|---:|---:|---:|"
  for id in "${ids[@]}"; do
    w=$(echo "${WALL[$id]}" | median)
    c=$(awk -v u="$(echo "${USER[$id]}" | median)" -v s="$(echo "${SYS[$id]}" | median)" 'BEGIN { printf "%.2f", u + s }')
    echo "| $(label "$id") | $w (${WALL[$id]% }) | $c | $(awk -v k="${RSS[$id]}" 'BEGIN { printf "%.1f", k / 1024 }') | $(ratio "$w" "$cp_m") | $(ratio "$w" "$dd_m") |"
  done
} >"$RES"
cat "$RES"
echo "bench: results in $RES"
