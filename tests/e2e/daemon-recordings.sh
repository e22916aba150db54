# A recording that is not what it seems, and a crash mid-airing (a FIFO:
# daemon-fifo.sh):
# - a WAV cut short (its header claims twice what is there): aired, with the
#   reason "recording shorter than its header", and `loaxa check` warns;
# - kill -9 a few seconds into an airing: after the restart its row has its
#   actual start and the time played (within the progress interval).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
cp "$T_TMP/audio/jingle.wav" "$T_TMP/audio/short.wav"
truncate -s $(( $(stat -c %s "$T_TMP/audio/short.wav") / 2 )) "$T_TMP/audio/short.wav"
# the fault is in place: the header claims more than the file holds
[ "$(sox --i -D "$T_TMP/audio/short.wav" 2>/dev/null | cut -d. -f1)" -ge 3 ] ||
    fail "the cut WAV's header does not claim the whole length"
D_NOW=$(date +%s)
d_plan "short 4 0 short.wav" "long 10 0 long.wav"
# check: the short WAV is a warning (exit 0)
expect_rc 0 "$LOAXA" check
grep_in "$T_TMP/out" "short.wav.*shorter than its header" "check:"
d_start || t_done
d_wait_sql "select status || '|' || reason from airing where $K = 'short'" \
    "aired|recording shorter than its header" 30
grep -q "short.wav is .* ms shorter than its header" "$T_TMP/loaxad.log" ||
    fail "the daemon's log does not name the short recording"
# kill -9 about 7 s into the 60 s recording
d_wait_sql "select status from airing where $K = 'long'" "on_air" 30
sleep 7
d_wait_sql "select actual_start_ms is not null and played_ms > 0
            from airing where $K = 'long'" "1" 10
d_kill9
d_start || t_done
d_wait_sql "select status from airing where $K = 'long' and attempt = 1" "interrupted" 20
row=$(d_sql "select actual_start_ms - planned_start_ms, played_ms, actual_end_ms - actual_start_ms
             from airing where $K = 'long' and attempt = 1")
echo "  interrupted row: start offset, played, end - start (ms): $row"
IFS='|' read -r off played span <<<"$row"
[ -n "$off" ] || fail "the interrupted row has no actual start"
[ "${played:-0}" -ge 2000 ] && [ "${played:-0}" -le 8000 ] ||
    fail "the interrupted row's played time: ${played:-none} ms (about 7 s were heard)"
[ "${span:-0}" = "${played:-x}" ] || fail "actual end is not start + played"
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
t_done
