# A programme that starts later than planned is never a plain "aired": one
# queued behind the programme on air (two items 1 s apart, the first 3.6 s
# long) says it waited for it; the lateness is its actual minus planned start.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
D_NOW=$(date +%s)
d_plan "first 4 0 jingle.wav" "second 5 0 tone.wav" "third 14 0 tone.wav"
d_start || t_done
d_wait_sql "select status from airing where $K = 'second'" "aired" 30
row=$(d_sql "select actual_start_ms - planned_start_ms, reason from airing where $K = 'second'")
echo "  second: start offset (ms) | reason: $row"
IFS='|' read -r off reason <<<"$row"
[ "${off:-0}" -ge 2000 ] || fail "the second item was not queued behind the first ($off ms)"
[ "$reason" = "started late: the programme before it was on air" ] ||
    fail "a late start with reason \"$reason\""
d_wait_sql "select status || '|' || reason from airing where $K = 'third'" "aired|" 30
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
t_done
