#!/usr/bin/env bash
# Builds and runs tools/bench-mp3-length.c against the audio library of a
# normal (optimised) build, on 5 minutes of 128 kbit/s stereo MP3 (tagged,
# and untagged VBR): tools/bench-mp3-length.sh [BUILDDIR] (default build).
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
meson compile -C "$B" loaxa-audio loaxa-core >/dev/null
cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -I"$B" tools/bench-mp3-length.c "$B/src/audio/libloaxa-audio.a" \
    "$B/src/core/libloaxa-core.a" \
    $(pkg-config --cflags --libs sndfile libmpg123 portaudio-2.0 soxr libebur128) -lpthread -lm \
    -o "$B/bench-mp3-length"
T=$(mktemp -d "${TMPDIR:-/tmp}/loaxa-bench-mp3.XXXXXX")
trap 'rm -rf "$T"' EXIT
sox -n -r 44100 -c 2 -b 16 "$T/src.wav" synth 300 pinknoise vol 0.3 2>/dev/null
lame --quiet -b 128 "$T/src.wav" "$T/cbr128.mp3"
lame --quiet -t --abr 128 "$T/src.wav" "$T/abr128-untagged.mp3"
for f in cbr128 abr128-untagged; do
    echo "$f.mp3 (5 min, $(( $(stat -c %s "$T/$f.mp3") / 1024 )) KiB):"
    "$B/bench-mp3-length" "$T/$f.mp3" "${RUNS:-9}"
done
