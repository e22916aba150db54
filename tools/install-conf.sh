#!/bin/sh
# meson install step: the default configuration goes to SYSCONFDIR/loaxa/loaxa.conf
# only when there is none. An existing file is the station's own settings: it is
# kept, and a changed default is put beside it as loaxa.conf.dist to compare.
# Usage (from meson): install-conf.sh SYSCONFDIR SOURCE
set -eu
dir="${DESTDIR:-}$1/loaxa"
src=$2
mkdir -p "$dir"
if [ ! -e "$dir/loaxa.conf" ]; then
    install -m 0644 "$src" "$dir/loaxa.conf"
elif ! cmp -s "$src" "$dir/loaxa.conf"; then
    install -m 0644 "$src" "$dir/loaxa.conf.dist"
    echo "kept the existing $dir/loaxa.conf; the new default is $dir/loaxa.conf.dist"
fi
