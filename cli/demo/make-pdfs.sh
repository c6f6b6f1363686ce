#!/bin/sh
# Re-makes letter.pdf and statement.pdf from their flat ODF sources with
# LibreOffice (headless, a throw-away profile). Needs libreoffice-writer and
# fonts-noto-cjk. Run from anywhere; writes next to this script.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PROFILE=/tmp/eseal-lo-$$
trap 'rm -rf "$PROFILE"' EXIT INT TERM
soffice --headless --norestore "-env:UserInstallation=file://$PROFILE" \
  --convert-to pdf --outdir "$HERE" "$HERE/letter.fodt" "$HERE/statement.fodt"
for f in letter statement; do
  pdffonts "$HERE/$f.pdf" | grep -q "NotoS.*CJK" || { echo "make-pdfs: $f.pdf lacks Noto CJK" >&2; exit 1; }
  qpdf --check "$HERE/$f.pdf" >/dev/null
  echo "$f.pdf: $(wc -c < "$HERE/$f.pdf") bytes"
done
