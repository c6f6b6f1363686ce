#!/bin/bash
# Peak memory of sealing docx files of several sizes (issue 7: the seal picture is put
# into word/document.xml while it streams). Two families of inputs, made once into the
# cache: LibreOffice-made letters of MIB MiB whose size is pictures (make-big-office.py
# fodt + soffice --convert-to, as office.sh; word/document.xml about 1.4 MB), and docx
# files whose word/document.xml itself is TEXT_MIB MiB of CJK text (make-big-office.py
# --text). Each is sealed at the default spot and at --keyword "甲方（盖章）" (the last
# paragraph, split over three runs), by this checkout's eseal and, with
# ESEAL_BASELINE=/path/to/eseal, an older build in the same run. See bench/README.md.
#
#   bench/docx-memory.sh                         # PICTURE_MIB="10 50" TEXT_MIB="25 60 130" RUNS=3
#   ESEAL_BASELINE=/tmp/eseal-old RUNS=1 bench/docx-memory.sh
#
# Results go to bench/results/<UTC date>-docx-memory.md (ESEAL_BENCH_OUT names another file).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=/usr/bin/python3
RUNS=${RUNS:-3}
PICTURE_MIB=${PICTURE_MIB:-10 50}
TEXT_MIB=${TEXT_MIB:-25 60 130}
CACHE=${ESEAL_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eseal-bench}
. "$HERE/office-setup.sh"  # the tools, the cache; keys.sh: PKI, seal image (SEAL), ESEAL

WORK=$(mktemp -d "$CACHE/docx-memory.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
inputs=()
for mib in $PICTURE_MIB; do
  if [ ! -f "$CACHE/big-office-$mib.docx" ]; then
    "$PY" "$HERE/make-big-office.py" "$WORK/big-office-$mib.fodt" "$mib"
    soffice --headless "-env:UserInstallation=file://$WORK/convert-profile" --convert-to "docx:MS Word 2007 XML" \
      --outdir "$CACHE" "$WORK/big-office-$mib.fodt" >/dev/null 2>&1
  fi
  inputs+=("$CACHE/big-office-$mib.docx")
done
for mib in $TEXT_MIB; do
  [ -f "$CACHE/docx-text-$mib.docx" ] || "$PY" "$HERE/make-big-office.py" "$CACHE/docx-text-$mib.docx" "$mib" --text
  inputs+=("$CACHE/docx-text-$mib.docx")
done

. "$HERE/measure.sh"
# measure's figures as a table cell; "failed: LAST LINE" when the command fails.
cell() {
  local r m c
  if read -r r m c < <(measure "$@" 2>"$WORK/failure"); then
    echo "$r s, $m MiB, $c s CPU"
  else
    echo "failed: $(grep -v '^Command exited' "$WORK/failure" | tail -1)"
  fi
}

OUT=${ESEAL_BENCH_OUT:-$HERE/results/$(date -u +%F)-docx-memory.md}
export BENCH_P12=test
{
  echo "# Sealing docx: peak memory by size ($(date -u '+%F %H:%M UTC'))"
  echo
  echo "Machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); eseal $("$ESEAL" --version 2>/dev/null | head -1)."
  echo "Each cell: wall time (median of $RUNS), peak RSS (largest), CPU time (user + sys, median); /usr/bin/time."
  echo "eseal sign with the signer-rsa PKCS#12 key, --image (42 mm), at the default spot and at --keyword."
  echo
  echo "| file | size | word/document.xml | build | sign (end of document) | sign --keyword 甲方（盖章） |"
  echo "|---|---|---|---|---|---|"
} >"$OUT"
for in in "${inputs[@]}"; do
  size=$(du -m "$in" | cut -f1)
  xml=$("$PY" -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("word/document.xml").file_size >> 20)' "$in")
  for bin in "$ESEAL" ${ESEAL_BASELINE:+"$ESEAL_BASELINE"}; do
    label=now
    [ "$bin" = "$ESEAL" ] || label="baseline $(basename "$bin")"
    sign() { echo rm -f "'$WORK/sealed.docx'" ";" exec "'$bin'" sign "'$in'" -o "'$WORK/sealed.docx'" \
      --key "'p12:$CACHE/pki/signer-rsa.p12'" --image "'$SEAL'" --pin-env BENCH_P12 "$@"; }
    end=$(cell sh -c "$(sign)")
    kw=$(cell sh -c "$(sign --keyword '甲方（盖章）')")
    if [ "$bin" = "$ESEAL" ]; then  # the last output (at the keyword) is checked
      "$ESEAL" verify "$WORK/sealed.docx" --trust "$CACHE/pki/trust.pem" --no-system-trust --quiet \
        || kw="$kw (verify FAILED)"
    fi
    echo "bench: $(basename "$in") ($label): end $end; keyword $kw"
    echo "| $(basename "$in") | $size MB | $xml MiB | $label | $end | $kw |" >>"$OUT"
  done
done
echo "bench: results in $OUT"
