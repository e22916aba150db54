#!/bin/bash
# bench-daemon.sh [BUILDDIR]: figures for the daemon, not tests.
#  1. start offset at the PulseAudio null sink's monitor over N real-time
#     airings (default 24; BENCH_AIRINGS): median and worst, in ms
#  2. CPU time used while idle for BENCH_IDLE_S seconds (default 600)
#  3. RSS idle and on air (VmRSS, VmHWM)
#  4. `loaxa simulate` over a year of the bundled plan
# Needs pulseaudio, pulseaudio-utils, sqlite3. Run from anywhere.
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=$(cd "${1:-$SRCDIR/build}" && pwd)
export SRCDIR BUILDDIR LOAXA=$BUILDDIR/src/loaxa LOAXAD=$BUILDDIR/src/loaxad
export FIXTURES=$SRCDIR/tests/fixtures
N=${BENCH_AIRINGS:-24}
IDLE_S=${BENCH_IDLE_S:-600}
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
pulse_start || { echo "bench-daemon: PulseAudio did not start" >&2; exit 1; }
trap '[ -n "$D_PID" ] && kill -KILL "$D_PID" 2>/dev/null; pulse_stop; t_cleanup' EXIT
D_DEVICE=default d_setup
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

echo "== start offset at the sink monitor, $N airings"
pulse_record "$T_TMP/rec.raw"
D_NOW=$(date +%s)
evs=()
for i in $(seq 1 "$N"); do evs+=("b$i $((4 + 3 * i)) 0 tone.wav"); done
d_plan "${evs[@]}"
d_start || exit 1
d_wait_sql "select count(*) from airing where status = 'aired'" "$N" $((20 + 3 * N))
pulse_record_stop
python3 "$SRCDIR/tests/e2e/onsets.py" "$T_TMP/rec.raw" "$T_TMP/rec.raw.t0" | awk '{ print $1 }' >"$T_TMP/on"
d_sql "select planned_start_ms from airing order by planned_start_ms" >"$T_TMP/pl"
paste "$T_TMP/on" "$T_TMP/pl" | awk '{ print $1 - $2 }' | sort -n >"$T_TMP/off"
echo "offsets (ms): $(tr '\n' ' ' <"$T_TMP/off")"
echo "recording clock (see doc/audio-timing.md): $(tr '\n' ' ' <"$T_TMP/rec.raw.t0.info")"
awk '{ a[NR] = $1; m = ($1 < 0 ? -$1 : $1); if (m > w) { w = m; ws = $1 } }
     END { med = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
           printf "median %s ms, worst %s ms (%d airings)\n", med, ws, NR }' "$T_TMP/off"

echo "== RSS on air"
D_NOW=$(date +%s)
d_plan "big 3 0 long.wav"
d_wait_sql "select status from airing where occ_key like 'big/%'" "on_air" 20
sleep 5
echo "on air: VmRSS $(rss_kb "$D_PID" VmRSS) kB (anonymous $(rss_kb "$D_PID" RssAnon) kB)," \
     "VmHWM $(rss_kb "$D_PID" VmHWM) kB"
"$LOAXA" stop >/dev/null
d_wait_sql "select status from airing where occ_key like 'big/%'" "interrupted" 20
d_stop

echo "== idle for $IDLE_S s (next airing in a day)"
D_NOW=$(date +%s)
d_plan "far 86400 0 tone.wav"
d_start || exit 1
sleep 2
t0=$(cpu_ticks "$D_PID")
w0=$(awk '/voluntary_ctxt_switches/ && !/non/ { print $2 }' "/proc/$D_PID/status")
echo "idle: VmRSS $(rss_kb "$D_PID" VmRSS) kB (anonymous $(rss_kb "$D_PID" RssAnon) kB;" \
     "the rest is shared library pages)"
sleep "$IDLE_S"
t1=$(cpu_ticks "$D_PID")
w1=$(awk '/voluntary_ctxt_switches/ && !/non/ { print $2 }' "/proc/$D_PID/status")
echo "idle CPU: $(( (t1 - t0) * 1000 / HZ )) ms in $IDLE_S s; wake-ups (voluntary switches): $((w1 - w0))"
echo "idle: VmRSS $(rss_kb "$D_PID" VmRSS) kB after"
d_stop

echo "== simulate a year of the bundled plan"
rm -f "$T_TMP/sim.db"
s=$(date +%s%N)
"$LOAXA" simulate --plan "$SRCDIR/schedules" --audio-root "$SRCDIR/audio" --db "$T_TMP/sim.db" \
    --from 2026-01-01 --to 2026-12-31 | head -1
e=$(date +%s%N)
echo "simulate 2026: $(( (e - s) / 1000000 )) ms wall"
