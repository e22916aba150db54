# What `check` warns about, the real loaxad enforces (issue 18): a
# programme longer than its slot (DURATION) is faded out at the slot's end
# and logged aired with that reason; an item outside the broadcast hours is
# not aired (logged missed), an emergency then still airs; the next airing
# is named however far ahead it is; recordings that cannot air are in
# status as soon as the plan is loaded.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"

# plan_ev UID OFFSET PRIORITY FILE [DURATION]
plan_ev() {
    printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\n' "$1" "$(d_time "$2")"
    [ -n "${5:-}" ] && printf 'DURATION:%s\r\n' "$5"
    printf 'SUMMARY:Item %s\r\nPRIORITY:%s\r\nSTATUS:CONFIRMED\r\nATTACH:%s\r\nEND:VEVENT\r\n' "$1" "$3" "$4"
}
plan_write() {
    { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n'; cat; printf 'END:VCALENDAR\r\n'; } \
        >"$T_TMP/plan/.p.tmp" && mv "$T_TMP/plan/.p.tmp" "$T_TMP/plan/p.ics"
}

# --- a 60 s recording in a 3 s slot: cut at the slot's end, aired
D_NOW=$(date +%s)
plan_ev slot 3 0 long.wav PT3S | plan_write
d_start || t_done
d_wait_sql "select status||':'||reason from airing where $K = 'slot'" \
    "aired:cut at the end of its slot" 20 && ok "cut at the end of its slot, logged aired"
played=$(d_sql "select played_ms from airing where $K = 'slot'")
echo "played: ${played} ms of a 3000 ms slot"
[ "${played:-0}" -gt 1500 ] && [ "${played:-0}" -le 3500 ] || fail "played $played ms in a 3 s slot"
grep_in "$T_TMP/loaxad.log" 'longer than its slot'
d_stop
[ "$D_RC" -eq 0 ] || fail "loaxad exited $D_RC"

# --- broadcast hours that exclude now: the normal item is missed with the
# reason, never shown as next; the emergency airs
m=$(( 10#$(TZ=Asia/Ho_Chi_Minh date +%H) * 60 + 10#$(TZ=Asia/Ho_Chi_Minh date +%M) ))
if [ "$m" -lt 720 ]; then hours=20:00-21:00; else hours=01:00-02:00; fi
D_NOW=$(date +%s)
{ plan_ev out 3 0 tone.wav; plan_ev em 4 1 tone.wav; } | plan_write
d_start --broadcast-hours "$hours" || t_done
expect_rc 0 "$LOAXA" status --json
grep -q '"key":"out/' "$T_TMP/out" && fail "status names an item that will not air"
grep -q '"key":"em/' "$T_TMP/out" || fail "status does not name the emergency"
d_wait_sql "select status||':'||reason from airing where $K = 'out'" \
    "missed:outside the broadcast hours" 20 && ok "outside the hours: missed"
d_wait_sql "select status from airing where $K = 'em'" "aired" 20 && ok "the emergency airs"
d_stop
[ "$D_RC" -eq 0 ] || fail "loaxad exited $D_RC"

# --- the next airing however far: 40 days ahead, beyond the loaded window
# (two days), named by status and by the start's "next airing" line
D_NOW=$(date +%s)
plan_ev far $((40 * 86400)) 0 tone.wav | plan_write
: >"$T_TMP/loaxad.log"
d_start || t_done
d_wait_status '"next":\[\{"key":"far/' 10 && ok "status names an airing 40 days ahead"
expect_rc 0 "$LOAXA" status && grep_in "$T_TMP/out" 'Item far'
grep_in "$T_TMP/loaxad.log" 'next airing: Item far \(far/'
d_stop
[ "$D_RC" -eq 0 ] || fail "loaxad exited $D_RC"

# --- recordings checked when the plan is loaded: a missing one and one
# that is not audio are errors in status at once (file:line of the ATTACH),
# long before their airing; a reload after the file appears clears it
D_NOW=$(date +%s)
echo "not audio" >"$T_TMP/audio/text.wav"
{ plan_ev miss 3600 0 missing.wav; plan_ev txt 3700 0 text.wav; } | plan_write
d_start || t_done
d_wait_status '"error_count":2' 10 && ok "two recordings that cannot air, in status at start"
expect_rc 0 "$LOAXA" status --json
grep_in "$T_TMP/out" 'p.ics:11: recording .{1,2}missing.wav.{1,2} not found under the audio root'
grep_in "$T_TMP/out" 'p.ics:20: recording .{1,2}text.wav.{1,2}: .*not a recording'
grep_in "$T_TMP/out" '"bad_recordings":2'
expect_rc 0 "$LOAXA" status && grep_in "$T_TMP/out" 'recordings missing or unreadable'
cp "$T_TMP/audio/tone.wav" "$T_TMP/audio/missing.wav"
expect_rc 0 "$LOAXA" reload
d_wait_status '"error_count":1' 10 && ok "the recording put in place: one error left"
d_stop
[ "$D_RC" -eq 0 ] || fail "loaxad exited $D_RC"

# --- start and reload alike: a plan with errors is refused and the last
# good plan airs; at start that is the copy kept of the last good load
rm -f "$T_TMP/audio/text.wav"
D_NOW=$(date +%s)
plan_ev keep 10 0 tone.wav | plan_write
d_start || t_done
d_wait_status '"key":"keep/' 10
d_stop
ls "$T_TMP"/log.db.plan/*.ics >/dev/null 2>&1 && ok "the good plan's copy is kept" || fail "no copy in log.db.plan"
{ plan_ev new 10 0 tone.wav; printf 'BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:yesterday\r\nEND:VEVENT\r\n'; } | plan_write
d_start || t_done
expect_rc 0 "$LOAXA" status --json
grep_in "$T_TMP/out" '"refused":true,"saved_copy":true'
grep_in "$T_TMP/out" '"key":"keep/'
expect_rc 0 "$LOAXA" status && grep_in "$T_TMP/out" 'airing the last good plan \(its saved copy'
d_wait_sql "select status from airing where $K = 'keep'" "aired" 20 && ok "at start, the last good plan airs"
[ -z "$(d_sql "select status from airing where $K = 'new'")" ] || fail "an item of the refused plan aired"
expect_rc 1 "$LOAXA" reload && grep_in "$T_TMP/err" 'still airing the last good plan'
d_stop
[ "$D_RC" -eq 0 ] || fail "loaxad exited $D_RC"
t_done
