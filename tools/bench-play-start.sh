#!/usr/bin/env bash
# How close to the planned instant does the first sample come out? Airs a
# short tone N times with `loaxa play --at` (prepared about 2 s ahead, as
# the daemon does) into a private PulseAudio null sink, records the sink's
# monitor, and reports how late the first non-zero frame was (negative:
# early), median and worst, plus what loaxa itself reported. "At the sink"
# maps frames with parec-stamp.py's clock (the sink's play position); "at the
# monitor" is the raw monitor timing, one sink latency early (see
# doc/audio-timing.md).
# Usage: tools/bench-play-start.sh [BUILDDIR] [N]   (default build, 10)
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
N=${2:-10}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
meson compile -C "$B" >/dev/null
SRCDIR=$PWD
. tests/e2e/lib.sh
. tests/e2e/pulse.sh
t_setup
export XDG_CACHE_HOME=$T_TMP/cache LOAXA_CONFIG=
pulse_start || { echo "bench-play-start: PulseAudio would not start" >&2; exit 1; }
sox -n -r 44100 -c 2 "$T_TMP/beep.wav" synth 0.5 sine 1000 gain -6
: >"$T_TMP/late"
for i in $(seq "$N"); do
    pulse_record "$T_TMP/rec.raw"
    # a planned instant 2-3 s ahead, at a random millisecond
    at=$(python3 -c 'import time, random
print("%.3f" % (int(time.time()) + 2 + random.random()))')
    "$B/src/loaxa" play --device default --at "@$at" "$T_TMP/beep.wav" >"$T_TMP/out"
    pulse_record_stop
    planned=$(python3 -c "print(round($at * 1000))")
    set -- $(cat "$T_TMP/rec.raw.clock")
    late=$("$B/tests/e2e/sinkcheck" "$T_TMP/rec.raw" --t0 "$1" --rate "$2" \
        --planned "$planned" | sed -n 's/^late_ms=//p')
    raw_late=$("$B/tests/e2e/sinkcheck" "$T_TMP/rec.raw" --planned "$planned" \
        --t0 "$(sed -n 's/^monitor_t0_ns=//p' "$T_TMP/rec.raw.t0.info")" | sed -n 's/^late_ms=//p')
    reported=$(sed -n 's/^Started: .*\.\([0-9]*\) (.*/\1/p' "$T_TMP/out")
    echo "airing $i: observed late ${late} ms at the sink (${raw_late} at the monitor;" \
         "sink latency $(sed -n 's/^sink_latency_ns=//p' "$T_TMP/rec.raw.t0.info") ns," \
         "planned .${planned: -3}, loaxa reported .$reported)"
    echo "$late" >>"$T_TMP/late"
done
sort -n "$T_TMP/late" | awk '{ v[NR] = $1; a = $1 < 0 ? -$1 : $1; if (a > w) w = a }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "median %.1f ms, min %.1f, max %.1f, worst |late| %.1f ms over %d airings\n",
                 m, v[1], v[NR], w, NR }'
