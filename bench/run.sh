#!/bin/bash
# eseal benchmark: sealing and verifying a ~200 MB PDF, against the physical floor
# (copy + SHA-256 of the same bytes) and against Poppler's pdfsig and MuPDF's mutool.
# See bench/README.md. Usage:
#
#   bench/run.sh                     # 200 MiB input, 3 timed runs per tool (+ hyperfine)
#   MIB=50 RUNS=2 bench/run.sh       # smaller/faster
#   ESEAL=/path/to/eseal bench/run.sh
#
# The input is built once into the cache dir (${ESEAL_BENCH_CACHE:-~/.cache/eseal-bench})
# and kept; results go to bench/results/<UTC date>.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=/usr/bin/python3
MIB=${MIB:-200}
RUNS=${RUNS:-3}
HF_RUNS=${HF_RUNS:-5}
CACHE=${ESEAL_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eseal-bench}

for t in pdfsig mutool openssl qpdf certutil pk12util softhsm2-util /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing (see packaging/install-deps.sh)" >&2; exit 1; }
done
HAVE_HF=0
command -v hyperfine >/dev/null && HAVE_HF=1

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
BIG="$CACHE/big-$MIB.pdf"
BIGF="$CACHE/big-$MIB-field.pdf"

echo "bench: preparing inputs in $CACHE"
[ -f "$BIG" ] || "$PY" "$HERE/make-big-pdf.py" "$BIG" "$MIB"
[ -f "$BIGF" ] || "$PY" "$HERE/make-big-pdf.py" "$BIGF" "$MIB" --sig-field
. "$HERE/keys.sh"  # test PKI, SoftHSM2 token, NSS db (NSS, NICK), seal image (SEAL)
FIELD=$("$PY" -c "import pikepdf,sys
with pikepdf.open(sys.argv[1]) as p: print(p.Root.AcroForm.Fields[0].objgen[0])" "$BIGF")

WORK=$(mktemp -d "$CACHE/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
export SOFTHSM2_CONF="$CACHE/softhsm/softhsm2.conf"
export ESEAL_BENCH_PIN=11223344 ESEAL_BENCH_P12=test
P11KEY="pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so"
P12KEY="p12:$CACHE/pki/signer-rsa.p12"

# Warm the page cache: every tool reads the input from memory, as the floor does.
cat "$BIG" "$BIGF" >/dev/null

# Result rows: id|label|median wall s|max RSS KiB|hyperfine mean|hyperfine sd|status
ROWS=()

# seconds from GNU time's "h:mm:ss" or "m:ss.ss"
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }'; }

# measure ID LABEL PREP CMD [CHECK]: RUNS runs under /usr/bin/time -v (PREP before each,
# untimed), CHECK (untimed) on the last run's result, then hyperfine when present.
measure() {
  local id=$1 label=$2 prep=$3 cmd=$4 check=${5:-true} walls=() rss=0 status=ok
  echo "bench: $label"
  for _ in $(seq "$RUNS"); do
    sh -c "$prep"
    if ! /usr/bin/time -v -o "$WORK/time.txt" sh -c "$cmd" >"$WORK/cmd.log" 2>&1; then
      status="failed (exit $(sed -n 's/.*Exit status: //p' "$WORK/time.txt")): $(tail -n 1 "$WORK/cmd.log" | cut -c1-100)"
    fi
    walls+=("$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$WORK/time.txt" | to_seconds)")
    local r
    r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  if [ "$status" = ok ] && ! sh -c "$check" >"$WORK/check.log" 2>&1; then
    status="output rejected: $(tail -n 1 "$WORK/check.log" | cut -c1-100)"
  fi
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  local mean="" sd=""
  if [ "$HAVE_HF" = 1 ] && [ "$status" = ok ]; then
    hyperfine --style none --runs "$HF_RUNS" --warmup 1 --prepare "$prep" --export-json "$WORK/hf.json" \
      -n "$id" "$cmd" >/dev/null 2>&1 || true
    if [ -f "$WORK/hf.json" ]; then
      read -r mean sd < <("$PY" -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%.3f %.3f' % (r['mean'], r['stddev'] or 0))" "$WORK/hf.json")
      rm -f "$WORK/hf.json"
    fi
  fi
  ROWS+=("$id|$label|$median|$rss|$mean|$sd|$status")
}

OUT="$WORK/out.pdf"
CLEAN="rm -f '$OUT'"
# A sealed output counts only if pdfsig finds every signature in it valid.
VALID="pdfsig -nssdir 'sql:$NSS' '$OUT' 2>&1 | grep 'Signature Validation' | grep -v -q 'Signature is Valid' && exit 1; pdfsig -nssdir 'sql:$NSS' '$OUT' 2>&1 | grep -q 'Signature is Valid'"

# ---- signing ----
measure floor-sign "cp + openssl dgst -sha256 (floor)" "$CLEAN" \
  "cp '$BIG' '$OUT' && openssl dgst -sha256 '$BIG' >/dev/null"
measure eseal-p12 "eseal sign, PKCS#12 key (RSA-2048)" "$CLEAN" \
  "'$ESEAL' sign '$BIG' -o '$OUT' --key '$P12KEY' --seal '$SEAL' --pin-env ESEAL_BENCH_P12" "$VALID"
measure eseal-p11 "eseal sign, SoftHSM2 key (RSA-2048)" "$CLEAN" \
  "'$ESEAL' sign '$BIG' -o '$OUT' --key '$P11KEY' --seal '$SEAL' --pin-env ESEAL_BENCH_PIN" "$VALID"
[ -f "$OUT" ] && cp "$OUT" "$WORK/sealed-eseal.pdf"
measure pdfsig-sign "pdfsig -add-signature (Poppler $(pdfsig -v 2>&1 | sed -n 's/pdfsig version //p'), NSS, RSA-2048)" \
  "$CLEAN" "pdfsig -nssdir 'sql:$NSS' -add-signature -nick '$NICK' '$BIG' '$OUT'" "$VALID"
measure mutool-sign "mutool sign ($(mutool -v 2>&1 | sed -n 's/mutool version //p'), PKCS#12, RSA-2048, SHA-1)" \
  "$CLEAN" "mutool sign -s '$CACHE/pki/signer-rsa.p12' -P test -o '$OUT' '$BIGF' $FIELD" "$VALID"

# ---- verifying (the file eseal sealed with the SoftHSM key) ----
if [ -f "$WORK/sealed-eseal.pdf" ]; then
  V="$WORK/sealed-eseal.pdf"
  measure floor-verify "openssl dgst -sha256 (floor)" true "openssl dgst -sha256 '$V' >/dev/null"
  measure eseal-verify "eseal verify" true \
    "'$ESEAL' verify '$V' --trust '$CACHE/pki/trust.pem' --no-system-trust >/dev/null"
  measure pdfsig-verify "pdfsig (verify)" true "pdfsig -nssdir 'sql:$NSS' '$V' >/dev/null"
else
  echo "bench: eseal produced no sealed file; verify rows skipped" >&2
  ROWS+=("eseal-verify|eseal verify|||||skipped: eseal sign produced no file")
fi

# ---- report ----
ESEAL_VERSION=$("$ESEAL" --version 2>/dev/null | head -1) || ESEAL_VERSION=""
mkdir -p "$HERE/results"
DAY=$(date -u +%Y-%m-%d)
RES="$HERE/results/$DAY.md"
[ -e "$RES" ] && RES="$HERE/results/$DAY-$(date -u +%H%M).md"

field() { printf '%s' "$1" | cut -d'|' -f"$2"; }
lookup() { local r; for r in "${ROWS[@]}"; do [ "$(field "$r" 1)" = "$1" ] && field "$r" "$2" && return 0; done; return 0; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "–"; else printf "%.2f", a / b }'; }

{
  echo "# eseal benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Input: $(basename "$BIG"), $(stat -c %s "$BIG") bytes, $(qpdf --show-npages "$BIG") pages of random RGB"
  echo "images (incompressible); mutool signs $(basename "$BIGF") (same content plus an empty signature"
  echo "field). Page cache warm. Wall = median of $RUNS runs under \`/usr/bin/time -v\`; peak RSS = the"
  echo "largest of those runs; status \"ok\" = every run exited 0 and pdfsig finds every signature"
  echo "in the output valid; hyperfine = mean ± σ of $HF_RUNS runs after one warm-up$([ "$HAVE_HF" = 1 ] || echo " (hyperfine not installed: column empty)")."
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs available"
  echo "- RAM: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- Kernel: $(uname -sr); filesystem of the work dir: $(df -T "$WORK" | awk 'NR == 2 { print $2 }')"
  echo "- $(. /etc/os-release && echo "$PRETTY_NAME"); $(openssl version); eseal: ${ESEAL_VERSION:-not runnable} ($ESEAL)"
  echo
  for phase in sign verify; do
    if [ "$phase" = sign ]; then
      echo "## Sealing"; floor=$(lookup floor-sign 3); peer=$(lookup pdfsig-sign 3); peerName="pdfsig -add-signature"
    else
      echo "## Verifying"; floor=$(lookup floor-verify 3); peer=$(lookup pdfsig-verify 3); peerName="pdfsig"
    fi
    echo
    echo "| tool | wall s | hyperfine s | peak RSS MiB | × floor | × $peerName | status |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    for r in "${ROWS[@]}"; do
      id=$(field "$r" 1)
      case "$phase:$id" in sign:*-sign|sign:eseal-p12|sign:eseal-p11|verify:*-verify) ;; *) continue ;; esac
      wall=$(field "$r" 3); rss=$(field "$r" 4); mean=$(field "$r" 5); sd=$(field "$r" 6)
      hf="–"; [ -n "$mean" ] && hf="$mean ± $sd"
      rssm="–"; [ -n "$rss" ] && rssm=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
      echo "| $(field "$r" 2) | ${wall:-–} | $hf | $rssm | $(ratio "$wall" "$floor") | $(ratio "$wall" "$peer") | $(field "$r" 7) |"
    done
    echo
  done
  echo "Commands (\$OUT removed before each run):"
  echo
  echo '```'
  echo "floor:   cp BIG OUT && openssl dgst -sha256 BIG"
  echo "eseal:   eseal sign BIG -o OUT --key p12:signer-rsa.p12 | pkcs11:token=eseal-test;object=signer-rsa?... --seal seal.png --pin-env VAR"
  echo "pdfsig:  pdfsig -nssdir sql:NSSDB -add-signature -nick NICK BIG OUT"
  echo "mutool:  mutool sign -s signer-rsa.p12 -P test -o OUT BIG-field FIELD"
  echo "verify:  eseal verify SEALED --trust trust.pem --no-system-trust | pdfsig -nssdir sql:NSSDB SEALED | openssl dgst -sha256 SEALED"
  echo '```'
} >"$RES"
cat "$RES"
echo "bench: results in $RES"
