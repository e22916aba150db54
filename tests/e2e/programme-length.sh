# One programme length (issue 10): for an item with a signature tune and
# several recordings, `loaxa check`, `loaxa simulate` and loaxad agree on
# how long it lasts (tune, recordings, tune: 3.6 + 1 + 1 + 3.6 s).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_setup
# the length model, not the slot cut (daemon-enforce.sh): let it run
printf '[daemon]\noverrun = run\n' >>"$D_CONF"
K="substr(occ_key,1,instr(occ_key,'/')-1)"
D_NOW=$(date +%s)
f=$T_TMP/plan/.p.tmp
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n' >"$f"
printf 'BEGIN:VEVENT\r\nUID:prog\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDURATION:PT5S\r\nSUMMARY:Prog\r\nX-LOAXA-SIGNATURE:jingle.wav\r\nATTACH:tone.wav\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' \
    "$(d_time 4)" >>"$f"
printf 'END:VCALENDAR\r\n' >>"$f"
mv "$f" "$T_TMP/plan/p.ics"

# check: the slot warning gives the programme's length, tunes included
expect_rc 0 "$LOAXA" check
grep_in "$T_TMP/out" "the programme lasts 10 s with its signature tunes but the slot is 5 s" "check:"
# simulate: the aired row's length
from=$(date -u -d "@$D_NOW" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "@$(( D_NOW + 3600 ))" +%Y-%m-%dT%H:%M:%SZ)
expect_rc 0 "$LOAXA" simulate --db "$T_TMP/sim.db" --from "$from" --to "$to"
sim=$(sqlite3 -batch "$T_TMP/sim.db" "select played_ms from airing where $K = 'prog' and status = 'aired'")
[ "${sim:-0}" -ge 9100 ] && [ "${sim:-0}" -le 9300 ] || fail "simulate: ${sim:-no} ms (9.2 s)"
# the daemon: what it played
d_start || t_done
d_wait_sql "select status from airing where $K = 'prog'" "aired" 40
got=$(d_sql "select played_ms from airing where $K = 'prog'")
echo "  programme length: simulate $sim ms, loaxad played $got ms"
# played time is counted in output blocks: within 50 ms of the model's
d=$(( ${got:-0} - ${sim:-0} ))
[ "${d#-}" -le 50 ] || fail "loaxad played ${got:-none} ms, simulate says $sim ms"
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
t_done
