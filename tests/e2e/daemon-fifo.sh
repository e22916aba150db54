# A recording that is really a FIFO (under the audio root, named by a plan
# item): the airing fails with a reason naming the file, the loop never
# waits on it (every status answers), and the next item airs on time.
# `loaxa check` calls it an error. (Every open of a recording must be
# non-blocking: the decoder, the probe, the loudness measurement, and the
# hash written into the log row.)
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
mkfifo "$T_TMP/audio/pipe.wav"
[ -p "$T_TMP/audio/pipe.wav" ] || fail "no FIFO"
D_NOW=$(date +%s)
d_plan "fifo 4 0 pipe.wav" "after 8 0 tone.wav"
expect_rc 1 timeout 20 "$LOAXA" check
grep_in "$T_TMP/out" "pipe.wav.*not a regular file" "check:"
d_start || t_done
asked=0 answered=0
while [ "$(date +%s)" -lt $(( D_NOW + 10 )) ]; do
    timeout 5 "$LOAXA" status >/dev/null 2>&1 && answered=$((answered + 1))
    asked=$((asked + 1))
    sleep 0.2
done
echo "  status around the FIFO's airing: $answered of $asked answered"
[ "$asked" -gt 10 ] && [ "$answered" = "$asked" ] || fail "status did not always answer"
d_wait_sql "select status from airing where $K = 'fifo'" "failed" 20
reason=$(d_sql "select reason from airing where $K = 'fifo'")
echo "  fifo: failed: $reason"
grep -q "pipe.wav.*not a regular file" <<<"$reason" || fail "the FIFO's reason: $reason"
d_wait_sql "select status || '|' || reason from airing where $K = 'after'" "aired|" 20
# a daemon stuck on the FIFO would not take SIGTERM: do not wait forever
kill -TERM "$D_PID"
for i in $(seq 100); do kill -0 "$D_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$D_PID" 2>/dev/null; then
    fail "loaxad did not stop"; d_kill9
else
    d_stop
    [ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
fi
t_done
