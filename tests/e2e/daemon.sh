# The real loaxad (output "null", real time): airings in order with rows
# written before and completed after; back-to-back collisions by level then
# start; an emergency cutting in; operator stop and ad-hoc airing; late
# within grace, missed beyond it and while the daemon was down; cancelled
# and unapproved items; a broken plan over a good one; SIGTERM; a reload
# moving a prepared occurrence; the watchdog abandoning a wedged output.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
Q="select group_concat(occ_key||':'||status, ' ') from (select * from airing order by coalesce(actual_start_ms, planned_start_ms), id)"
K="substr(occ_key,1,instr(occ_key,'/')-1)"
QK="select group_concat($K||':'||status, ' ') from (select * from airing order by coalesce(actual_start_ms, planned_start_ms), id)"

# --- in order, on time, the log says so; cancelled and tentative ones do not air
D_NOW=$(date +%s)
d_plan "a 3 0 tone.wav" "b 5 0 tone.wav" "c 6 0 tone.wav CANCELLED" "t 7 0 tone.wav TENTATIVE" \
       "d 8 0 long.wav"
d_start || t_done
grep_in "$T_TMP/loaxad.log" 'plan loaded: 5 item'
d_wait_sql "$QK" "a:aired b:aired c:cancelled t:missed d:on_air" 30
expect_rc 0 "$LOAXA" status && grep_in "$T_TMP/out" 'On air: +Item d' && grep_in "$T_TMP/out" 'remaining|starts in'
expect_rc 0 "$LOAXA" stop && grep_in "$T_TMP/out" 'stopping d/'
d_wait_sql "$QK" "a:aired b:aired c:cancelled t:missed d:interrupted" 30
d_wait_sql "select reason from airing where occ_key like 't/%'" "not approved (STATUS:TENTATIVE)"
# every aired row: first frame at or after the planned start, played the whole file
d_wait_sql "select count(*) from airing where status='aired' and actual_start_ms >= planned_start_ms and played_ms >= 990 and actual_end_ms > actual_start_ms and device != ''" "2"
d_wait_sql "select recordings like '%\"sha256\":\"________________________________________________________________\"%' from airing where occ_key like 'a/%'" "1"
for r in $(d_sql "select actual_start_ms - planned_start_ms from airing where status='aired'"); do
    echo "  start offset (null output): $r ms"
done

# --- collisions: n1 plays 3.6 s; n2 (normal, earlier) and p (priority, later)
# collide with it: p goes first, then n2, back to back
D_NOW=$(date +%s)
d_plan "n1 3 0 jingle.wav" "n2 4 0 tone.wav" "p 5 3 tone.wav"
d_wait_sql "$QK" "a:aired b:aired c:cancelled t:missed d:interrupted n1:aired p:aired n2:aired" 30
d_wait_sql "select count(*) from airing where $K in ('p','n2') and actual_start_ms > planned_start_ms" "2"

# --- an emergency cuts in (preempt = drop): the cut one is interrupted
D_NOW=$(date +%s)
d_plan "long1 3 0 long.wav" "e 6 1 tone.wav"
d_wait_sql "select group_concat($K||':'||status||':'||reason, ' ') from (select * from airing where $K in ('long1','e') order by id)" \
    "long1:interrupted:preempted by an emergency e:aired:" 30
d_wait_sql "select played_ms between 1000 and 10000 from airing where $K = 'long1'" "1"

# --- ad hoc and operator stop; files outside the audio root are refused
expect_rc 1 "$LOAXA" air /etc/passwd && grep_in "$T_TMP/err" 'audio root'
expect_rc 1 "$LOAXA" air no-such-thing && grep_in "$T_TMP/err" 'neither'
expect_rc 2 "$LOAXA" air tone.wav --priority urgent
expect_rc 0 "$LOAXA" air long.wav --priority priority && grep_in "$T_TMP/out" 'adhoc/'
d_wait_status '"state":"on_air"' 10
expect_rc 0 "$LOAXA" stop
d_wait_sql "select status||':'||source||':'||(reason like 'stopped by the operator: uid:%')||':'||(operator like 'uid:%') from airing where occ_key like 'adhoc/%'" \
    "interrupted:adhoc:1:1" 10
expect_rc 1 "$LOAXA" stop && grep_in "$T_TMP/err" 'nothing is on air'
expect_rc 0 "$LOAXA" air e --priority emergency
d_wait_sql "select status||':'||source||':'||uid||':'||priority from airing where occ_key like 'adhoc/%' order by id desc limit 1" \
    "aired:emergency:e:1" 10

# --- a broken plan written over the good one: the good one keeps airing
D_NOW=$(date +%s)
d_plan "g 5 0 tone.wav"
d_wait_status '"key":"g/' 10
printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:bad\r\nDTSTART:yesterday\r\n' >"$T_TMP/plan/p.ics"
d_wait_status '"error_count":[1-9]' 10
expect_rc 0 "$LOAXA" status && grep_in "$T_TMP/out" 'still airing the last good plan'
expect_rc 1 "$LOAXA" reload && grep_in "$T_TMP/err" 'error'
d_wait_sql "select status from airing where $K = 'g'" "aired" 30

# --- SIGTERM during an airing: interrupted (shutdown), exit 0
D_NOW=$(date +%s)
d_plan "s 2 0 long.wav"
d_wait_sql "select status from airing where $K = 's'" "on_air" 20
sleep 1
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC after SIGTERM"
d_wait_sql "select status||':'||reason from airing where $K = 's'" "interrupted:shutdown" 2

# --- missed while down; late within grace; missed beyond grace
sleep 4 # after the last row the log has (s, planned 2 s after its D_NOW)
D_NOW=$(date +%s)
d_plan "down1 -1 0 tone.wav" "down2 -2 0 tone.wav" "block 6 0 jingle.wav" "beyond 7 0 tone.wav"
sleep 1
d_start --grace 0 || t_done
d_wait_sql "select group_concat($K||':'||status||':'||reason, ' ') from (select * from airing where $K in ('down1','down2') order by $K)" \
    "down1:missed:the daemon was not running down2:missed:the daemon was not running" 10
d_wait_sql "select group_concat($K||':'||status||':'||reason, ' ') from (select * from airing where $K in ('block','beyond') order by planned_start_ms)" \
    "block:aired: beyond:missed:could not start within the grace period" 20
d_stop
D_NOW=$(date +%s)
d_plan "late2 -20 0 tone.wav"
d_start || t_done
d_wait_sql "select status||':'||(actual_start_ms - planned_start_ms >= 20000) from airing where $K = 'late2'" "aired:1" 20
d_stop

# --- preempt = resume: the cut item goes on where it stopped, as attempt 2
D_NOW=$(date +%s)
d_plan "j 3 0 jingle.wav" "e2 4 1 tone.wav"
d_start --preempt resume || t_done
d_wait_sql "select group_concat(attempt||':'||status, ' ') from (select * from airing where $K = 'j' order by attempt)" \
    "1:interrupted 2:aired" 30
d_wait_sql "select sum(played_ms) between 3300 and 3900 from airing where $K = 'j'" "1" 1
d_wait_sql "select status from airing where $K = 'e2'" "aired" 1
d_stop

# --- a fresh install: no plan folder yet; the daemon waits for it
mv "$T_TMP/plan" "$T_TMP/plan.old"
d_start || t_done
grep_in "$T_TMP/loaxad.log" 'no plan yet'
mkdir "$T_TMP/plan"
D_NOW=$(date +%s)
d_plan "first 3 0 tone.wav"
d_wait_sql "select status from airing where $K = 'first'" "aired" 20
d_stop

# --- a reload moves tonight's prepared occurrence (a RECURRENCE-ID override,
# same occurrence key, new start): the prepared programme is dropped and airs
# at the new time, once; not at the old one
D_NOW=$(date +%s)
m_plan() { # m_plan [NEW-OFFSET]: a daily item m at +8 s, its first occurrence moved
    local f=$T_TMP/plan/.p.tmp
    {
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n'
        printf 'BEGIN:VEVENT\r\nUID:m\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nRRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Item m\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' "$(d_time 8)"
        [ -n "${1:-}" ] && printf 'BEGIN:VEVENT\r\nUID:m\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:%s\r\nDTSTART:%s\r\nSUMMARY:Item m\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' "$(d_time 8)" "$(d_time "$1")"
        printf 'END:VCALENDAR\r\n'
    } >"$f"
    mv "$f" "$T_TMP/plan/p.ics"
}
m_plan
d_start --prepare 6 || t_done # prepared at +2, armed (row written) about 1 s before +8
d_wait_status '"prepared":\{[^}]*"key":"m/' 10
d_wait_sql "select count(*) from airing where $K = 'm'" "0" 1
m_plan 14
d_wait_sql "select count(*)||':'||status||':'||(planned_start_ms = $(( (D_NOW + 14) * 1000 )))||':'||(actual_start_ms >= planned_start_ms) from airing where $K = 'm'" \
    "1:aired:1:1" 30
grep_in "$T_TMP/loaxad.log" 'Item m \(m/[0-9TZ]+\) dropped before its start: moved in the plan'
d_stop

# --- a wedged output (null:stall-after=MS: the device stops taking frames
# 4.5 s after the stream opened, 2 s before the start, without an error):
# w1 (3.6 s) wedges; the watchdog stops it after its length + 30 s, abandons
# it 5 s later (interrupted, "output stalled"), and w2 (1 s, ends before its
# own stream would stall) airs on time.
D_NOW=$(date +%s)
d_plan "w1 6 0 jingle.wav" "w2 50 0 tone.wav"
d_start --device null:stall-after=4500 || t_done
d_wait_sql "select status from airing where $K = 'w1'" "on_air" 20
d_wait_sql "select status||':'||reason from airing where $K = 'w1'" "interrupted:output stalled" 60
grep_in "$T_TMP/loaxad.log" 'overran its expected length'
grep_in "$T_TMP/loaxad.log" 'abandoning its output'
expect_rc 0 "$LOAXA" status && grep_in "$T_TMP/out" 'output stalled'
d_wait_sql "select status||':'||(actual_start_ms >= planned_start_ms) from airing where $K = 'w2'" "aired:1" 30
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC after SIGTERM"

# --- nothing in the log aired twice
d_wait_sql "select count(*) from airing where status = 'aired' group by occ_key having count(*) > 1" "" 1
t_done
