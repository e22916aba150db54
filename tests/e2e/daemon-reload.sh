# Plan reloads under the real loaxad: the plan folder deleted and made
# again (twice, and moved away and back) is watched for good, and while it
# is missing status shows an error; a plan of 100 000 events is read and
# expanded off the loop: a client asking `status` every 200 ms gets every
# answer (the worst time is printed) while the last good plan's item airs
# on time, and `loaxa reload` answers with the reload's result.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"

D_NOW=$(date +%s)
d_plan "first 3 0 tone.wav"
d_start || t_done
d_wait_sql "select status from airing where $K = 'first'" "aired" 20

# --- the folder deleted: an error in status; made again: read again, twice
for round in 1 2; do
    rm -rf "$T_TMP/plan"
    d_wait_status '"error_count":[1-9]' 10 && ok "round $round: a missing folder is an error"
    expect_rc 0 "$LOAXA" status && grep_in "$T_TMP/out" 'cannot read the plan'
    mkdir "$T_TMP/plan"
    D_NOW=$(date +%s)
    d_plan "back$round 3 0 tone.wav"
    d_wait_sql "select status from airing where $K = 'back$round'" "aired" 20 &&
        ok "round $round: the plan is read again when the folder comes back"
done
mv "$T_TMP/plan" "$T_TMP/plan.away"
d_wait_status '"error_count":[1-9]' 10
mv "$T_TMP/plan.away" "$T_TMP/plan"
d_wait_status '"error_count":0' 10 && ok "moved away and back"

# --- a big plan: 100 000 events a minute apart from an hour ahead, and
# "keep" (in the plan airing now too) at the same instant. Under the
# sanitizers (each malloc unwinds its stack) plan_load of 20 000 events
# takes longer than `loaxa reload` waits: 2 000 there.
N=100000
ldd "$LOAXAD" 2>/dev/null | grep -q libasan && N=2000
D_NOW=$(date +%s)
KEEP_AT=8
d_plan "keep $KEEP_AT 0 tone.wav"
d_wait_status '"key":"keep/' 10
keep_ev=$(printf 'BEGIN:VEVENT\r\nUID:keep\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nSUMMARY:Item keep\r\nPRIORITY:0\r\nSTATUS:CONFIRMED\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' "$(d_time $KEEP_AT)")
awk -v now="$D_NOW" -v keep="$keep_ev" -v n="$N" 'BEGIN {
    printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n%s\n", keep
    for (i = 0; i < n; i++)
        printf "BEGIN:VEVENT\r\nUID:big%d\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nSUMMARY:Big %d\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n",
            i, strftime("%Y%m%dT%H%M%SZ", now + 3600 + i * 60, 1), i
    printf "END:VCALENDAR\r\n" }' >"$T_TMP/big.ics"

# the probe: status every 200 ms, each answer timed
rm -f "$T_TMP/probe.stop"
(
    n=0 bad=0 worst=0
    while [ ! -e "$T_TMP/probe.stop" ]; do
        s=$(date +%s%N)
        "$LOAXA" status >/dev/null 2>&1 || bad=$((bad + 1))
        ms=$(( ($(date +%s%N) - s) / 1000000 ))
        [ "$ms" -gt "$worst" ] && worst=$ms
        n=$((n + 1))
        sleep 0.2
    done
    echo "$n $bad $worst" >"$T_TMP/probe"
) &
PROBE=$!

# written 2 s before keep's start: keep airs while the plan loads
while [ "$(date +%s)" -lt $((D_NOW + KEEP_AT - 2)) ]; do sleep 0.1; done
mv "$T_TMP/big.ics" "$T_TMP/plan/p.ics"
for i in $(seq 600); do
    grep -q "plan loaded: $((N + 1)) item" "$T_TMP/loaxad.log" && break
    sleep 0.1
done
grep_in "$T_TMP/loaxad.log" "plan loaded: $((N + 1)) item"
expect_rc 0 "$LOAXA" reload && grep_in "$T_TMP/out" "plan loaded: $((N + 1)) item" &&
    ok "reload answers with its result"
touch "$T_TMP/probe.stop"
wait "$PROBE"
read -r n bad worst <"$T_TMP/probe"
echo "  status probe during the reloads: $n answers, $bad unanswered, worst ${worst} ms"
[ "$n" -ge 10 ] || fail "only $n status answers"
[ "$bad" = 0 ] || fail "$bad status requests not answered"
[ "$worst" -lt 2000 ] || fail "a status answer took ${worst} ms (the loop waited for the plan)"
d_wait_sql "select group_concat(status) from airing where $K = 'keep'" "aired" 20
grep_in "$T_TMP/loaxad.log" "airing Item keep \(keep/[0-9TZ]+\) at [0-9-]+T$(TZ=Asia/Ho_Chi_Minh date -d "@$((D_NOW + KEEP_AT))" +%H:%M:%S)"
d_wait_sql "select count(*) from airing where $K = 'keep' and actual_start_ms >= planned_start_ms" "1" 1
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC after SIGTERM"
t_done
