# Sourced by the Office bench scripts (needs HERE, ROOT, PY, CACHE): checks the tools
# they and keys.sh need, makes the cache folder absolute, then sources keys.sh.
for t in soffice certutil pk12util softhsm2-util /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing (see packaging/install-deps.sh)" >&2; exit 1; }
done
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
. "$HERE/keys.sh"
