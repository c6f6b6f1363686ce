#!/bin/bash
# Issue 6 (b): verifying the EU DSS test file 25sigs.pdf (25 PAdES signatures, 50 revisions)
# with eseal's full revision analysis, next to pdfsig, in one run: instructions counted by
# callgrind (stable on a loaded machine, unlike wall time), wall time (median of RUNS
# interleaved runs), peak RSS (largest of those runs), and each one's ratio to pdfsig.
#
#   bench/verify-instr.sh                                    # build/bin/eseal, RUNS=7
#   ESEAL_BEFORE=/tmp/eseal-old bench/verify-instr.sh        # and an older build in the same run
#   FILE=/path/to/other.pdf bench/verify-instr.sh
#
# Results go to bench/results/<UTC date>-verify-instr.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
RUNS=${RUNS:-7}
ESEAL=${ESEAL:-$ROOT/build/bin/eseal}
ESEAL_BEFORE=${ESEAL_BEFORE:-}
REALWORLD=${REALWORLD:-$ROOT/../shared/testdata/realworld-pdf}
[ -d "$REALWORLD" ] || REALWORLD=/work/shared/testdata/realworld-pdf
FILE=${FILE:-$REALWORLD/dss/25sigs.pdf}
for t in pdfsig valgrind /usr/bin/time "$ESEAL"; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
[ -f "$FILE" ] || { echo "bench: $FILE not found" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

# The tools, as "label|command" (the file is appended).
tools=("pdfsig|pdfsig")
[ -n "$ESEAL_BEFORE" ] && tools+=("eseal verify, before|$ESEAL_BEFORE verify")
tools+=("eseal verify|$ESEAL verify")

# Same verdict lines from both eseal builds (the comparison is of equal work).
if [ -n "$ESEAL_BEFORE" ]; then
  "$ESEAL_BEFORE" verify "$FILE" --json >"$WORK/before.json" 2>/dev/null || true
  "$ESEAL" verify "$FILE" --json >"$WORK/after.json" 2>/dev/null || true
  # (validationTime is the time of the run)
  if diff -q <(grep -v validationTime "$WORK/before.json") <(grep -v validationTime "$WORK/after.json") >/dev/null; then
    same="identical but for validationTime"
  else
    same="DIFFERENT"
  fi
fi

instr() {  # COMMAND: instructions (Ir) of the whole run
  # shellcheck disable=SC2086 # the command is words (paths without spaces)
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" $1 "$FILE" >/dev/null 2>&1 || true
  awk '/^summary:/ { print $2 }' "$WORK/cg.out"
}
declare -A IR WALLS RSS
for t in "${tools[@]}"; do
  label=${t%%|*}
  IR[$label]=$(instr "${t#*|}")
done
for _ in $(seq "$RUNS"); do
  for t in "${tools[@]}"; do
    label=${t%%|*}
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" sh -c "${t#*|} '$FILE' >/dev/null 2>&1" || true
    read -r w r < <(tail -n 1 "$WORK/time.txt")
    WALLS[$label]="${WALLS[$label]:-} $w"
    [ "$r" -gt "${RSS[$label]:-0}" ] && RSS[$label]=$r
  done
done
median() { printf '%s\n' $1 | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

mkdir -p "$HERE/results"
RES="$HERE/results/$(date -u +%Y-%m-%d)-verify-instr.md"
[ -e "$RES" ] && RES="$HERE/results/$(date -u +%Y-%m-%d-%H%M)-verify-instr.md"
{
  echo "# eseal benchmark (b), instructions, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "$(basename "$FILE") ($(stat -c %s "$FILE") bytes); instructions = callgrind Ir of one run;"
  echo "wall = median of $RUNS interleaved runs; peak RSS = largest of them."
  echo
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- eseal: $ESEAL${ESEAL_BEFORE:+; before: $ESEAL_BEFORE (JSON reports of the two: $same)}; $(pdfsig -v 2>&1 | head -1)"
  echo
  echo "| tool | instructions (M) | × pdfsig | wall s median (runs) | × pdfsig | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|---:|"
  p_ir=${IR[pdfsig]}
  p_w=$(median "${WALLS[pdfsig]}")
  for t in "${tools[@]}"; do
    label=${t%%|*}
    w=$(median "${WALLS[$label]}")
    echo "| $label | $(awk -v i="${IR[$label]}" 'BEGIN { printf "%.1f", i / 1e6 }') |" \
      "$(awk -v a="${IR[$label]}" -v b="$p_ir" 'BEGIN { printf "%.2f", a / b }') |" \
      "$w (${WALLS[$label]# }) | $(awk -v a="$w" -v b="$p_w" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') |" \
      "$(awk -v k="${RSS[$label]}" 'BEGIN { printf "%.1f", k / 1024 }') |"
  done
} >"$RES"
cat "$RES"
echo "bench: results in $RES"
