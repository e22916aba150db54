# Wall-clock steps under the real loaxad (libfaketime moves its clock while
# it runs; the monotonic clock is left alone so the daemon can tell): after
# a step forward, what was skipped beyond the grace period is missed (the
# clock jumped) and what is within it airs late; after a step back, nothing
# already logged airs again and new airings still come on time.
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

# forward 1000 s: f1 is 700 s late (grace 600: missed), f2 300 s (airs late)
echo "+1000" >"$FT"
"$LOAXA" status >/dev/null # any wake-up lets the daemon notice
d_wait_sql "select status||':'||reason from airing where $K = 'f1'" \
    "missed:the clock jumped forward past it" 10
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
t_done
