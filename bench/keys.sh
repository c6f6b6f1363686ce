# Sourced by the bench scripts: the keys every tool signs with and the seal image,
# made once into $CACHE (needs ROOT, CACHE, PY). Sets NSS (NSS database holding
# signer-rsa, root trusted) and NICK (its certificate's nickname) for pdfsig, and
# SEAL (a red seal PNG with a transparent background); ESEAL, unless given, is the
# first eseal binary built in this checkout.
if [ -z "${ESEAL:-}" ]; then
  for b in "$ROOT/build/bin/eseal" "$ROOT"/build-*/bin/eseal; do
    if [ -x "$b" ]; then ESEAL=$b; break; fi
  done
fi
ESEAL=${ESEAL:-$ROOT/build/bin/eseal}
sh "$ROOT/tests/fixtures/make-test-pki.sh" "$CACHE/pki" >/dev/null
sh "$ROOT/tests/fixtures/make-softhsm-token.sh" "$CACHE/softhsm" "$CACHE/pki" >/dev/null
NSS="$CACHE/nssdb"
if [ ! -f "$NSS/.complete" ]; then
  rm -rf "$NSS"; mkdir -p "$NSS"
  certutil -N --empty-password -d "sql:$NSS"
  pk12util -i "$CACHE/pki/signer-rsa.p12" -W test -d "sql:$NSS" >/dev/null
  certutil -A -n bench-root -t "CT,C,C" -i "$CACHE/pki/root-ca.crt" -d "sql:$NSS"
  touch "$NSS/.complete"
fi
NICK=$(certutil -L -d "sql:$NSS" | awk '/u,u,u/ { $NF=""; sub(/[ \t]+$/, ""); print; exit }')
SEAL="$CACHE/seal.png"
[ -f "$SEAL" ] || "$PY" - "$SEAL" <<'PYEOF'
import sys
from PIL import Image, ImageDraw
n = 400
im = Image.new("RGBA", (n, n), (0, 0, 0, 0))
d = ImageDraw.Draw(im)
d.ellipse([6, 6, n - 7, n - 7], outline=(220, 20, 30, 255), width=26)
d.regular_polygon((n / 2, n / 2 - 10, 90), 5, fill=(220, 20, 30, 255))
im.save(sys.argv[1])
PYEOF
