# Recordings that are not what they seem, and a crash mid-airing:
# - a FIFO under the audio root named by a plan item: the airing fails with
#   the reason naming the file, the loop never waits on it (status answers),
#   the next item airs on time;
# - a WAV cut short (its header claims twice what is there): aired, with the
#   reason "recording shorter than its header", and `loaxa check` warns;
# - kill -9 a few seconds into an airing: after the restart its row has its
#   actual start and the time played (within the progress interval).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
mkfifo "$T_TMP/audio/pipe.wav"
cp "$T_TMP/audio/jingle.wav" "$T_TMP/audio/short.wav"
truncate -s $(( $(stat -c %s "$T_TMP/audio/short.wav") / 2 )) "$T_TMP/audio/short.wav"
# the fault is in place: a FIFO, and a header that claims more than the file
[ -p "$T_TMP/audio/pipe.wav" ] || fail "no FIFO"
D_NOW=$(date +%s)
d_plan "fifo 4 0 pipe.wav" "after 7 0 tone.wav" "short 10 0 short.wav" "long 16 0 long.wav"
# check: the FIFO is an error (exit 1), the short WAV a warning
expect_rc 1 "$LOAXA" check
grep_in "$T_TMP/out" "pipe.wav.*not a regular file" "check:"
grep_in "$T_TMP/out" "short.wav.*shorter than its header" "check:"
d_start || t_done
asked=0 answered=0
while [ "$(date +%s)" -lt $(( D_NOW + 9 )) ]; do
    timeout 5 "$LOAXA" status >/dev/null 2>&1 && answered=$((answered + 1))
    asked=$((asked + 1))
    sleep 0.2
done
echo "  status around the FIFO's airing: $answered of $asked answered"
[ "$asked" -gt 10 ] && [ "$answered" = "$asked" ] || fail "status did not always answer"
d_wait_sql "select status from airing where $K = 'fifo'" "failed" 20
grep -q "pipe.wav.*not a regular file" <<<"$(d_sql "select reason from airing where $K = 'fifo'")" ||
    fail "the FIFO's reason: $(d_sql "select reason from airing where $K = 'fifo'")"
d_wait_sql "select status || '|' || reason from airing where $K = 'after'" "aired|" 20
d_wait_sql "select status || '|' || reason from airing where $K = 'short'" \
    "aired|recording shorter than its header" 30
grep -q "short.wav is .* ms shorter than its header" "$T_TMP/loaxad.log" ||
    fail "the daemon's log does not name the short recording"
# kill -9 about 7 s into the 60 s recording
d_wait_sql "select status from airing where $K = 'long'" "on_air" 30
sleep 7
d_wait_sql "select actual_start_ms is not null and played_ms > 0 from airing where $K = 'long'" "1" 10
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
