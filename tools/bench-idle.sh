#!/bin/bash
# bench-idle.sh [BUILDDIR]: idle memory of loaxad, not a test.
# For the null device and for PortAudio on a private PulseAudio null sink:
# VmRSS (from /proc/PID/status) and Pss, Rss (from /proc/PID/smaps_rollup)
# right after start, and idle again after an airing (BENCH_IDLE_AIRINGS
# airings of the 1 s tone, default 2), BENCH_IDLE_RUNS runs each (default 3).
# Needs pulseaudio, pulseaudio-utils, sqlite3. Run from anywhere.
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=$(cd "${1:-$SRCDIR/build}" && pwd)
export SRCDIR BUILDDIR LOAXA=$BUILDDIR/src/loaxa LOAXAD=$BUILDDIR/src/loaxad
export FIXTURES=$SRCDIR/tests/fixtures
RUNS=${BENCH_IDLE_RUNS:-3}
AIRINGS=${BENCH_IDLE_AIRINGS:-2}
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
pulse_start || { echo "bench-idle: PulseAudio did not start" >&2; exit 1; }
trap '[ -n "$D_PID" ] && kill -KILL "$D_PID" 2>/dev/null; pulse_stop; t_cleanup' EXIT

# mem PID: "VmRSS Pss RssAnon" in kB (RssAnon: the part that is the
# daemon's own, not shared library pages)
mem() {
    echo "$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status")" \
         "$(awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup")" \
         "$(awk '$1 == "RssAnon:" { print $2 }' "/proc/$1/status")"
}

for dev in null default; do
    for r in $(seq 1 "$RUNS"); do
        rm -f "$T_TMP/log.db"* "$T_TMP/loaxad.log"
        D_DEVICE=$dev d_setup
        D_NOW=$(date +%s)
        evs=()
        for i in $(seq 1 "$AIRINGS"); do evs+=("i$i $((3 + 3 * i)) 0 tone.wav"); done
        evs+=("far 86400 0 tone.wav")
        d_plan "${evs[@]}"
        d_start || exit 1
        sleep 2
        before=$(mem "$D_PID")
        d_wait_sql "select count(*) from airing where status = 'aired'" "$AIRINGS" $((20 + 3 * AIRINGS)) ||
            { echo "bench-idle: airings did not air" >&2; exit 1; }
        sleep 3
        after=$(mem "$D_PID")
        echo "$dev run $r: at start VmRSS/Pss/RssAnon $before kB; idle after $AIRINGS airings $after kB"
        d_stop
    done
done | tee "$T_TMP/idle.out"
echo "== medians (kB)"
for dev in null default; do
    grep "^$dev " "$T_TMP/idle.out" | awk -v d="$dev" '
        { s1[NR] = $7; s2[NR] = $8; s3[NR] = $9; a1[NR] = $15; a2[NR] = $16; a3[NR] = $17 }
        function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                                           if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                       return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        END { printf "%-8s at start VmRSS %d Pss %d RssAnon %d; idle after airings VmRSS %d Pss %d RssAnon %d\n",
                     d, med(s1, NR), med(s2, NR), med(s3, NR), med(a1, NR), med(a2, NR), med(a3, NR) }'
done
