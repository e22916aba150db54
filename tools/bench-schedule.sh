#!/usr/bin/env bash
# Builds and runs tools/bench-schedule.c against the core library of a
# normal (optimised) build: tools/bench-schedule.sh [BUILDDIR] (default build).
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
meson compile -C "$B" loaxacore >/dev/null
cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -I"$B" tools/bench-schedule.c "$B/src/libloaxacore.a" \
    $(pkg-config --cflags --libs libical sndfile portaudio-2.0 sqlite3 inih soxr libebur128 \
      xlsxwriter json-c nettle) -lpthread -lm -o "$B/bench-schedule"
exec "$B/bench-schedule"
