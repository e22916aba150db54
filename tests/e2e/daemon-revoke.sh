# A plan change that moves an armed programme (its row written, its player
# armed, 0.5 s before its start) under the real loaxad: it is cancelled
# before its first sample and the moved occurrence airs once, at its new
# time (DTSTART edited: a new key; a RECURRENCE-ID override: the same key,
# a second attempt). One that has started stays, and its moved occurrence,
# falling within that airing, is logged, not aired again.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
REVOKED="moved or removed in the plan before it started"

# until SECONDS-FROM-D_NOW (fractions allowed)
until_at() {
    local at_ns
    at_ns=$(awk -v n="$D_NOW" -v s="$1" 'BEGIN { printf "%.0f", (n + s) * 1e9 }')
    while [ "$(date +%s%N)" -lt "$at_ns" ]; do sleep 0.02; done
}

# --- DTSTART edited 0.5 s before the start: a new key
D_NOW=$(date +%s)
d_plan "m1 6 0 tone.wav"
d_start || t_done
until_at 5.5
d_wait_sql "select status from airing where $K = 'm1'" "on_air" 1 && ok "m1 armed (its row written)"
d_plan "m1 12 0 tone.wav"
d_wait_sql "select status||':'||reason from airing where occ_key = 'm1/$(d_time 6)'" \
    "cancelled:$REVOKED" 10
d_wait_sql "select status||':'||(actual_start_ms >= planned_start_ms) from airing where occ_key = 'm1/$(d_time 12)'" \
    "aired:1" 20
d_wait_sql "select count(*) from airing where uid = 'm1' and status = 'aired'" "1" 1 && ok "m1 aired once"
grep_in "$T_TMP/loaxad.log" "Item m1 \(m1/[0-9TZ]+\) is not aired: $REVOKED"

# --- a RECURRENCE-ID override 0.5 s before the start: the same key
D_NOW=$(date +%s)
r_plan() { # r_plan [NEW-OFFSET]: a daily item r at +6 s, its first occurrence moved
    local f=$T_TMP/plan/.p.tmp
    {
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n'
        printf 'BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nRRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Item r\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' "$(d_time 6)"
        [ -n "${1:-}" ] && printf 'BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:%s\r\nDTSTART:%s\r\nSUMMARY:Item r\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' "$(d_time 6)" "$(d_time "$1")"
        printf 'END:VCALENDAR\r\n'
    } >"$f"
    mv "$f" "$T_TMP/plan/p.ics"
}
r_plan
until_at 5.5
d_wait_sql "select status from airing where $K = 'r'" "on_air" 1
r_plan 12
RK="r/$(d_time 6)"
d_wait_sql "select group_concat(attempt||':'||status||':'||(planned_start_ms = $(( (D_NOW + 12) * 1000 ))), ' ') from (select * from airing where occ_key = '$RK' order by attempt)" \
    "1:cancelled:0 2:aired:1" 20 && ok "r: cancelled at the old time, aired once at the new"
d_wait_sql "select count(*) from airing where uid = 'r' and status = 'aired'" "1" 1

# --- moved after it started: it stays; the moved occurrence, within that
# airing, is logged and not aired
D_NOW=$(date +%s)
d_plan "L 3 0 long.wav"
d_wait_sql "select status from airing where $K = 'L'" "on_air" 10
until_at 4.5
d_plan "L 10 0 long.wav"
d_wait_sql "select status||':'||reason from airing where occ_key = 'L/$(d_time 10)'" \
    "cancelled:moved in the plan into its own airing, which is on air" 20
d_wait_sql "select status from airing where occ_key = 'L/$(d_time 3)'" "on_air" 1 && ok "L stays on air"
expect_rc 0 "$LOAXA" stop
d_wait_sql "select status from airing where occ_key = 'L/$(d_time 3)'" "interrupted" 10
d_wait_sql "select count(*) from airing where uid = 'L'" "2" 1

d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC after SIGTERM"
d_wait_sql "select count(*) from airing where status = 'aired' group by occ_key having count(*) > 1" "" 1
t_done
