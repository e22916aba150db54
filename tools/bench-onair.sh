#!/bin/bash
# bench-onair.sh [BUILDDIR]: CPU on air, not a test. A private PulseAudio
# null sink (as in the tests, with its low-latency monitor reader); a
# BENCH_ONAIR_S-second (default 60) 48 kHz stereo WAV aired by loaxad,
# BENCH_ONAIR_RUNS times (default 3); the CPU (utime + stime from
# /proc/PID/stat) of loaxad and of the pulseaudio process over the airing,
# in % of a core. For comparison: the server alone for as long (nobody
# playing) and tools/bench-play-minimal.c (a bare PortAudio program with a
# 20 ms buffer). BENCH_LATENCY sets audio.latency_ms (default: the config's
# default). Needs pulseaudio, pulseaudio-utils, sqlite3, sox.
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=$(cd "${1:-$SRCDIR/build}" && pwd)
export SRCDIR BUILDDIR LOAXA=$BUILDDIR/src/loaxa LOAXAD=$BUILDDIR/src/loaxad
export FIXTURES=$SRCDIR/tests/fixtures
SECS=${BENCH_ONAIR_S:-60}
RUNS=${BENCH_ONAIR_RUNS:-3}
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
pulse_start || { echo "bench-onair: PulseAudio did not start" >&2; exit 1; }
trap '[ -n "$D_PID" ] && kill -KILL "$D_PID" 2>/dev/null; pulse_stop; t_cleanup' EXIT
cc -O2 "$SRCDIR/tools/bench-play-minimal.c" -o "$T_TMP/minimal" \
    $(pkg-config --cflags --libs portaudio-2.0) -lm || exit 1
HZ=$(getconf CLK_TCK)
PA_PID=$(cat "$PULSE_RUN/xdg/pulse/pid")
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
now_ms() { date +%s%3N; }
pct() { awk -v t="$1" -v w="$2" -v hz="$HZ" 'BEGIN { printf "%.2f", 100 * t / hz / (w / 1000) }'; }
D_DEVICE=default d_setup
[ -n "${BENCH_LATENCY:-}" ] && sed -i "s/^\[audio\]$/[audio]\nlatency_ms = $BENCH_LATENCY/" "$D_CONF"
sox -n -r 48000 -c 2 -b 16 "$T_TMP/audio/prog.wav" synth "$SECS" sine 220-880 sine 330 \
    brownnoise remix 1,2,3 1,2,3 gain -12

{
for r in $(seq 1 "$RUNS"); do
    # the server with nobody playing
    s0=$(ticks "$PA_PID") w0=$(now_ms); sleep "$SECS"
    echo "server-alone $(pct $(( $(ticks "$PA_PID") - s0 )) $(( $(now_ms) - w0 )))"
    # the bare PortAudio program
    s0=$(ticks "$PA_PID") w0=$(now_ms)
    python3 - "$T_TMP/minimal" "$SECS" "${BENCH_MIN_LATENCY:-20}" >"$T_TMP/min.cpu" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(ru.ru_utime + ru.ru_stime)
PY
    w=$(( $(now_ms) - w0 ))
    echo "minimal $(awk -v c="$(cat "$T_TMP/min.cpu")" -v w="$w" 'BEGIN { printf "%.2f", 100 * c / (w / 1000) }')" \
         "$(pct $(( $(ticks "$PA_PID") - s0 )) "$w")"
    # loaxad airing the WAV
    rm -f "$T_TMP/log.db"*
    D_NOW=$(date +%s)
    d_plan "p$r 4 0 prog.wav" "far 86400 0 tone.wav"
    d_start || exit 1
    d_wait_sql "select status from airing where occ_key like 'p$r/%'" "on_air" 20 || exit 1
    d0=$(ticks "$D_PID") s0=$(ticks "$PA_PID") w0=$(now_ms)
    d_wait_sql "select status from airing where occ_key like 'p$r/%'" "aired" $((SECS + 20)) || exit 1
    w=$(( $(now_ms) - w0 ))
    echo "loaxad $(pct $(( $(ticks "$D_PID") - d0 )) "$w") $(pct $(( $(ticks "$PA_PID") - s0 )) "$w")"
    d_stop
done
} | tee "$T_TMP/cpu.out"
echo "== medians over $RUNS runs of $SECS s, % of a core (load: $(cut -d' ' -f1-3 /proc/loadavg))"
for who in server-alone minimal loaxad; do
    grep "^$who " "$T_TMP/cpu.out" | awk -v who="$who" '
        function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                                           if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                       return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        { a[NR] = $2; b[NR] = $3 }
        END { if (who == "server-alone") printf "%-13s server %.2f\n", who, med(a, NR)
              else printf "%-13s client %.2f + server %.2f = %.2f\n", who, med(a, NR), med(b, NR),
                          med(a, NR) + med(b, NR) }'
done
