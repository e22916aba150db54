#!/usr/bin/env bash
# Installs everything loaxa needs to build, run and test on Debian 12 (run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  build-essential meson ninja-build pkg-config gettext
  libical-dev libsndfile1-dev portaudio19-dev libsqlite3-dev libinih-dev
  libsoxr-dev libebur128-dev libxlsxwriter-dev libjson-c-dev nettle-dev check
  sqlite3 locales tzdata systemd valgrind
  pulseaudio pulseaudio-utils alsa-utils libasound2-plugins
  espeak-ng sox libsox-fmt-mp3 flac vorbis-tools lame
  clang libclang-rt-14-dev
  python3 python3-dateutil python3-openpyxl python3-jsonschema libfaketime
  libmicrohttpd-dev libsodium-dev libzip-dev libicu-dev libcurl4-gnutls-dev libmpg123-dev
  chromium chromium-driver python3-selenium python3-requests poppler-utils fonts-liberation2
  libreoffice-writer-nogui libreoffice-calc-nogui postgresql libpq-dev
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Vietnamese messages need the locale itself, not only the catalogue.
if ! locale -a 2>/dev/null | grep -qi '^vi_VN\.utf8$'; then
  sed -i 's/^# *\(vi_VN.UTF-8 UTF-8\)/\1/; s/^# *\(en_US.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^vi_VN.UTF-8 UTF-8' /etc/locale.gen || echo 'vi_VN.UTF-8 UTF-8' >> /etc/locale.gen
  locale-gen >/dev/null
fi
