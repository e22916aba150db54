#!/bin/bash
# bench-web-idle.sh [BUILDDIR]: the CPU loaxa-web takes while one browser
# stays on the overview (which polls /api/v1/status every 3 s), and its
# RSS, not a test. Runs the browser test (tests/e2e/web-browser.sh) with
# LOAXA_WEB_IDLE_CPU=${BENCH_WEB_IDLE_SECONDS:-60}: after the checks, it
# logs in again, leaves the overview open and reads utime+stime of
# /proc/PID/stat before and after. Needs what that test needs (chromium,
# chromium-driver, python3-selenium, pulseaudio). Run from anywhere.
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=$(cd "${1:-$SRCDIR/build}" && pwd)
export SRCDIR BUILDDIR LOAXA=$BUILDDIR/src/loaxa LOAXAD=$BUILDDIR/src/loaxad
export LOAXA_WEB=$BUILDDIR/src/loaxa-web FIXTURES=$SRCDIR/tests/fixtures
export LOAXA_LOCALEDIR=$BUILDDIR/po LOAXA_CONFIG=
export LOAXA_WEB_IDLE_CPU=${BENCH_WEB_IDLE_SECONDS:-60}
export LOAXA_WEB_SHOTS_DIR=${LOAXA_WEB_SHOTS_DIR:-$(mktemp -d /tmp/loaxa-bench-web.XXXXXX)}
out=$(bash "$SRCDIR/tests/e2e/web-browser.sh" 2>&1)
rc=$?
grep '^figure:' <<<"$out"
[ "$rc" -eq 0 ] || { echo "bench-web-idle: the browser run failed:" >&2; grep -E 'FAIL' <<<"$out" >&2; exit 1; }
