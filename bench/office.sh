#!/bin/bash
# eseal benchmark for Office files: sealing a ~50 MB docx and a ~50 MB xlsx, next to a
# plain copy and to LibreOffice itself loading, storing and signing the same file
# (python3-uno, bench/lo-sign.py; one run, as issue 7 asks). See bench/README.md.
#
#   bench/office.sh                  # MIB=50, RUNS=3 eseal/cp runs, one LibreOffice run
#   MIB=20 RUNS=1 bench/office.sh
#   ESEAL_BASELINE=/path/to/old/eseal bench/office.sh   # a second eseal measured in the same run
#
# Inputs are made once into the cache (${ESEAL_BENCH_CACHE:-~/.cache/eseal-bench}): a
# flat ODF file (bench/make-big-office.py) converted by soffice --convert-to. Results go
# to bench/results/<UTC date>-office.md (ESEAL_BENCH_OUT names another file).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=/usr/bin/python3
MIB=${MIB:-50}
RUNS=${RUNS:-3}
CACHE=${ESEAL_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eseal-bench}
. "$HERE/office-setup.sh"  # the tools, the cache; keys.sh: PKI, SoftHSM2 token, NSS db (NSS), SEAL, ESEAL

WORK=$(mktemp -d "$CACHE/office-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
for kind in docx xlsx; do
  flat=$([ $kind = docx ] && echo fodt || echo fods)
  filter=$([ $kind = docx ] && echo "docx:MS Word 2007 XML" || echo "xlsx:Calc MS Excel 2007 XML")
  if [ ! -f "$CACHE/big-office-$MIB.$kind" ]; then
    "$PY" "$HERE/make-big-office.py" "$WORK/big-office-$MIB.$flat" "$MIB"
    soffice --headless "-env:UserInstallation=file://$WORK/convert-profile" --convert-to "$filter" \
      --outdir "$CACHE" "$WORK/big-office-$MIB.$flat" >/dev/null 2>&1
  fi
done

. "$HERE/measure.sh"  # measure CMD...: median wall s, max RSS MiB, median CPU s of RUNS runs

OUT=${ESEAL_BENCH_OUT:-$HERE/results/$(date -u +%F)-office.md}
{
  echo "# Office files: eseal sign next to cp and LibreOffice ($(date -u '+%F %H:%M UTC'))"
  echo
  echo "Machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); eseal $("$ESEAL" --version 2>/dev/null | head -1)."
  echo "eseal and cp: median of $RUNS runs (/usr/bin/time); LibreOffice: one run (load, store, sign)."
  echo
  echo "Each cell: wall time, peak RSS, CPU time (user + sys). \`cp + sha256sum\`: a copy and one hash of the file, the floor."
  echo
  echo "| file | size | cp | cp + sha256sum | eseal sign (p12, RSA) | eseal sign (SoftHSM2) | eseal verify | LibreOffice load + store + sign |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$OUT"
export SOFTHSM2_CONF="$CACHE/softhsm/softhsm2.conf" BENCH_PIN=11223344 BENCH_P12=test
for kind in docx xlsx; do
  in=$CACHE/big-office-$MIB.$kind
  size=$(du -m "$in" | cut -f1)
  read -r cp_s _ cp_c < <(measure cp "$in" "$WORK/copy.$kind")
  read -r cph_s cph_m cph_c < <(measure sh -c "cp '$in' '$WORK/copy2.$kind' && exec sha256sum '$in'")
  lo=$(MOZILLA_CERTIFICATE_FOLDER="sql:$NSS" "$PY" "$HERE/lo-sign.py" "$in" "$WORK/lo.$kind" "$WORK" 2>&1 | tail -1)
  # This checkout's eseal, then (ESEAL_BASELINE=path) another build's, in the same run.
  for bin in "$ESEAL" ${ESEAL_BASELINE:+"$ESEAL_BASELINE"}; do
    rm -f "$WORK"/sealed*."$kind"
    read -r p12_s p12_m p12_c < <(measure sh -c "rm -f '$WORK/sealed.$kind'; exec '$bin' sign '$in' -o '$WORK/sealed.$kind' \
      --key 'p12:$CACHE/pki/signer-rsa.p12' --image '$SEAL' --pin-env BENCH_P12")
    read -r tok_s tok_m tok_c < <(measure sh -c "rm -f '$WORK/sealed-token.$kind'; exec '$bin' sign '$in' -o '$WORK/sealed-token.$kind' \
      --key 'pkcs11:token=eseal-test;object=signer-rsa?module-path=/usr/lib/softhsm/libsofthsm2.so' --image '$SEAL' \
      --pin-env BENCH_PIN")
    read -r ver_s ver_m ver_c < <(measure "$bin" verify "$WORK/sealed.$kind" --trust "$CACHE/pki/trust.pem" --no-system-trust --quiet)
    label=$kind
    [ "$bin" = "$ESEAL" ] || label="$kind (baseline $(basename "$bin"))"
    echo "bench: $label ${size} MB: cp $cp_s s, eseal $p12_s s ($p12_m MiB) / token $tok_s s, verify $ver_s s; LibreOffice: $lo"
    echo "| $label | $size MB | $cp_s s, $cp_c s CPU | $cph_s s, $cph_m MiB, $cph_c s CPU | $p12_s s, $p12_m MiB, $p12_c s CPU |" \
      "$tok_s s, $tok_m MiB, $tok_c s CPU | $ver_s s, $ver_m MiB, $ver_c s CPU | $lo |" >>"$OUT"
  done
done
echo "bench: results in $OUT"
