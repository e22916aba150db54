# The real loaxad in real time through PortAudio into a private PulseAudio
# null sink whose monitor is recorded: the right recordings come out in
# order at the planned times (the measured offsets are printed, not
# asserted), the log says so, and when the sound server is taken away and
# returned, the daemon logs the failures and airs again without a restart.
# Idle, it lets go of PortAudio (no connection to the server), and the next
# airing initialises it again and sounds.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_pulse_setup
D_DEVICE=default d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
pulse_record "$T_TMP/rec.raw" || fail "the monitor recording did not start"
D_NOW=$(date +%s)
# short, long, short, long, short: the order shows in the segment lengths
d_plan "r1 5 0 tone.wav" "r2 7 0 jingle.wav" "r3 12 0 tone.wav" "r4 14 0 jingle.wav" \
       "r5 19 0 tone.wav"
d_start || t_done
d_wait_sql "select count(*) from airing where status = 'aired'" "5" 60
pulse_record_stop
python3 "$SRCDIR/tests/e2e/onsets.py" "$T_TMP/rec.raw" "$T_TMP/rec.raw.t0" >"$T_TMP/onsets"
mapfile -t planned < <(d_sql "select planned_start_ms from airing order by planned_start_ms")
mapfile -t logged < <(d_sql "select actual_start_ms from airing order by planned_start_ms")
mapfile -t seg < "$T_TMP/onsets"
[ "${#seg[@]}" -eq 5 ] || fail "wanted 5 sounding segments, got ${#seg[@]}: ${seg[*]}"
want=(1000 3600 1000 3600 1000)
for i in 0 1 2 3 4; do
    set -- ${seg[$i]:-0 0}
    d=$2
    # loose enough for an underrun's gap under load, tight enough to tell
    # the 1 s tone from the 3.6 s jingle
    [ "$d" -ge $(( want[i] - 300 )) ] && [ "$d" -le $(( want[i] + 300 )) ] ||
        fail "segment $((i + 1)) lasts $d ms, the recording ${want[$i]} ms"
    echo "  r$((i + 1)): start offset at the sink monitor $(( $1 - planned[i] )) ms;" \
         "log's actual start - monitor: $(( logged[i] - $1 )) ms"
done
echo "$T_TMP/onsets" >/dev/null

# the sound server goes away mid-airing, then comes back
D_NOW=$(date +%s)
d_plan "gone 3 0 long.wav" "during 9 0 tone.wav" "back 20 0 tone.wav"
d_wait_sql "select status from airing where $K = 'gone'" "on_air" 20
sleep 2
kill "$(cat "$PULSE_RUN/xdg/pulse/pid")"
d_wait_sql "select status in ('interrupted','failed') from airing where $K = 'gone'" "1" 30
d_wait_sql "select status from airing where $K = 'during'" "failed" 30
echo "  device lost: $(d_sql "select status||': '||reason from airing where $K = 'gone'")"
echo "  while away:  $(d_sql "select status||': '||reason from airing where $K = 'during'")"
pulse_start || fail "PulseAudio did not come back"
d_wait_sql "select status from airing where $K = 'back'" "aired" 40
kill -0 "$D_PID" || fail "loaxad died"

# idle: PortAudio terminated, so the daemon is no client of the server
clients() { pactl list clients 2>/dev/null | grep -c "application.process.id = \"$D_PID\""; }
for i in $(seq 100); do [ "$(clients)" = 0 ] && break; sleep 0.1; done
[ "$(clients)" = 0 ] || fail "idle loaxad still holds $(clients) PulseAudio connection(s)"
# and the next airing initialises it again, and is heard
pulse_record "$T_TMP/rec2.raw" || fail "the second monitor recording did not start"
D_NOW=$(date +%s)
d_plan "again 3 0 tone.wav"
d_wait_sql "select status from airing where $K = 'again'" "aired" 20
pulse_record_stop
python3 "$SRCDIR/tests/e2e/onsets.py" "$T_TMP/rec2.raw" "$T_TMP/rec2.raw.t0" >"$T_TMP/onsets2"
[ "$(wc -l <"$T_TMP/onsets2")" -eq 1 ] ||
    fail "after an idle spell: wanted 1 sounding segment, got $(tr '\n' ' ' <"$T_TMP/onsets2")"
echo "  after an idle spell: start offset at the sink monitor" \
     "$(( $(cut -d' ' -f1 "$T_TMP/onsets2") - $(d_sql "select planned_start_ms from airing where $K = 'again'") )) ms"
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
t_done
