# Wall-clock steps under the real loaxad (libfaketime moves its clock while
# it runs; the monotonic clock is left alone so the daemon can tell): a step
# forward first holds what it made due (30 s, SCHED_JUMP_HOLD_MS); then what
# was skipped beyond the grace period is missed (the clock jumped) and what
# is within it airs late; after a step back, nothing already logged airs
# again and new airings still come on time. A wrong step corrected within
# the hold writes nothing off: the items of that hour air at their time.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
FT_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$FT_LIB" ] || { echo "SKIP: libfaketime not installed"; exit 77; }
d_setup
FT=$T_TMP/faketime
echo "+0" >"$FT"
D_WRAP="env LD_PRELOAD=$FT_LIB FAKETIME_TIMESTAMP_FILE=$FT FAKETIME_NO_CACHE=1 DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0"
K="substr(occ_key,1,instr(occ_key,'/')-1)"
D_NOW=$(date +%s)
d_plan "f1 300 0 tone.wav" "f2 700 0 tone.wav"
d_start || t_done

# forward 1000 s: f1 is 700 s late (grace 600: missed), f2 300 s (airs late),
# both once the hold is over
echo "+1000" >"$FT"
"$LOAXA" status >/dev/null # any wake-up lets the daemon notice
sleep 3
d_wait_sql "select count(*) from airing where $K in ('f1','f2')" "0" 1 && ok "held after the step"
d_wait_sql "select status||':'||reason from airing where $K = 'f1'" \
    "missed:the clock jumped forward past it" 45
d_wait_sql "select status||':'||(actual_start_ms - planned_start_ms >= 290000) from airing where $K = 'f2'" \
    "aired:1" 20
grep_in "$T_TMP/loaxad.log" 'wall clock jumped by \+(99[0-9]|100[0-9]) s'

# back to 4 s before f2's planned time: f2 must not air again; f3, planned
# after it, airs
el=$(( $(date +%s) - D_NOW ))
echo "+$(( 700 - el - 4 ))" >"$FT"
"$LOAXA" status >/dev/null
d_plan "f1 300 0 tone.wav" "f2 700 0 tone.wav" "f3 706 0 tone.wav"
d_wait_sql "select status||':'||(actual_start_ms >= planned_start_ms) from airing where $K = 'f3'" "aired:1" 30
d_wait_sql "select count(*) from airing where $K = 'f2'" "1" 1
grep_in "$T_TMP/loaxad.log" 'wall clock jumped by -'
d_stop

# a wrong step (+1 h) corrected 5 s later, within the hold: g1 (in that
# hour, beyond its grace in the wrong time) is not written off and airs at
# its time, once
echo "+0" >"$FT"
sleep 1
D_NOW=$(date +%s)
d_plan "g1 12 0 tone.wav"
d_start || t_done
sleep 2
echo "+3600" >"$FT"
"$LOAXA" status >/dev/null
sleep 5
grep_in "$T_TMP/loaxad.log" 'wall clock jumped by \+36[0-9][0-9] s'
d_wait_sql "select count(*) from airing where $K = 'g1'" "0" 1 && ok "nothing written off during the hold"
echo "+0" >"$FT"
"$LOAXA" status >/dev/null
d_wait_sql "select status from airing where $K = 'g1'" "aired" 30
d_wait_sql "select count(*) from airing where $K = 'g1'" "1" 1
# started for its planned instant (the player's own clock under libfaketime
# is not the daemon's, so its first-frame time is not judged here)
grep_in "$T_TMP/loaxad.log" "airing Item g1 \(g1/[0-9TZ]+\) at [0-9-]+T$(TZ=Asia/Ho_Chi_Minh date -d "@$((D_NOW + 12))" +%H:%M:%S)"
d_stop
t_done
