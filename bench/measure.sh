# Sourced by the bench scripts (needs RUNS and WORK, a scratch folder).
# Median wall seconds, max RSS (MiB) and median CPU seconds (user + sys) of RUNS runs of a command.
measure() {
  local times=() cpus=() rss=0 r c
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
    read -r t m u s <"$WORK/time"
    times+=("$t")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  r=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  c=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$r $((rss / 1024)) $c"
}
