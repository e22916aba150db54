# The audio server freezes (PulseAudio SIGSTOP'd for 12 s) just before a
# programme is prepared: the daemon's loop does not wait for it. Every
# `loaxa status` meanwhile answers; the programme starts as soon as the
# server answers again and is logged aired with its lateness and the
# reason (never a plain "aired"); the next programme airs on time.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_pulse_setup
D_DEVICE=default d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
PPID_FILE=$PULSE_RUN/xdg/pulse/pid
D_NOW=$(date +%s)
# prepare_seconds = 2: "late" is prepared at +12, while the server is stopped
d_plan "before 5 0 tone.wav" "late 14 0 tone.wav" "next 40 0 tone.wav"
d_start || t_done
d_wait_sql "select status from airing where $K = 'before'" "aired" 30
now=$(date +%s)
[ "$now" -lt $(( D_NOW + 10 )) ] || fail "setup too slow to stop the server before 'late'"
sleep $(( D_NOW + 10 - now ))
kill -STOP "$(cat "$PPID_FILE")" || fail "cannot stop PulseAudio"
stopped_at=$(date +%s%3N)
# the client: status every 0.2 s while the server is stopped (12 s)
asked=0 answered=0 worst=0
while [ $(( $(date +%s%3N) - stopped_at )) -lt 12000 ]; do
    t0=$(date +%s%3N)
    if timeout 5 "$LOAXA" status >/dev/null 2>&1; then
        answered=$((answered + 1))
    fi
    t=$(( $(date +%s%3N) - t0 ))
    [ "$t" -gt "$worst" ] && worst=$t
    asked=$((asked + 1))
    sleep 0.2
done
# the fault really happened: the server was still stopped
grep -q '^State:.*T' "/proc/$(cat "$PPID_FILE")/status" || fail "PulseAudio was not stopped"
kill -CONT "$(cat "$PPID_FILE")"
echo "  status while the server was stopped: $answered of $asked answered, slowest ${worst} ms"
[ "$asked" -gt 10 ] && [ "$answered" = "$asked" ] || fail "status did not always answer"
d_wait_sql "select status from airing where $K = 'late'" "aired" 40
row=$(d_sql "select reason || '|' || (actual_start_ms - planned_start_ms)
             from airing where $K = 'late'")
echo "  late: $row ms late"
[ "${row%%|*}" = "started late: the audio output did not answer" ] ||
    fail "the late start's reason: [$row]"
late=${row##*|}
[ "${late:-0}" -gt 5000 ] || fail "the late start is not logged late: $late ms"
grep -q "started .* s late" "$T_TMP/loaxad.log" || fail "the daemon's log does not say how late"
d_wait_sql "select status || '|' || reason from airing where $K = 'next'" "aired|" 40
next=$(d_sql "select actual_start_ms - planned_start_ms from airing where $K = 'next'")
echo "  next: $next ms from its start"
kill -0 "$D_PID" || fail "loaxad died"
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
t_done
