#!/usr/bin/env bash
# Configures (once) and builds loaxa in ./build.
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null
echo "built: build/src/loaxa build/src/loaxad"
