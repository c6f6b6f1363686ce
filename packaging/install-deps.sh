#!/bin/sh
# Installs every Debian 12 package that eseal's build, demo, tests and benchmarks need.
# Non-interactive and idempotent: packages already present are left alone.
set -eu

PACKAGES="
  build-essential cmake pkg-config git
  libssl-dev openssl libqpdf-dev libpoppler-cpp-dev libp11-kit-dev p11-kit libpng-dev zlib1g-dev
  libboost-test-dev nlohmann-json3-dev libfreetype-dev libzip-dev libxml2-dev zip
  libjpeg-dev
  softhsm2 opensc
  poppler-utils qpdf mupdf-tools libnss3-tools xmlsec1
  libreoffice-writer libreoffice-calc fonts-noto-cjk
  libreoffice-dev libreoffice-dev-common libreoffice-draw libreoffice-impress libreoffice-l10n-zh-cn
  xvfb xauth scrot xdotool
  libapache-poi-java libbcpkix-java libxml-security-java libslf4j-java default-jdk-headless
  python3 python3-pikepdf python3-uno
  time ca-certificates hyperfine
  gettext lintian dpkg-dev file clang-format ccache unzip
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
