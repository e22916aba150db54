#!/usr/bin/env bash
# Plans whose rules start long ago or run every minute (issue 17): they air
# today, `loaxa check` looks at a bounded number of airings and says where
# it stopped, `loaxa schedule` lists a bounded number of rows, and an
# absolute ATTACH inside the audio root is accepted. No timing asserted.
. "$(dirname "$0")/lib.sh"
t_setup
A=(--audio-root tests/fixtures/audio --tz Asia/Ho_Chi_Minh)
ics() { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n'; cat; printf 'END:VCALENDAR\r\n'; }
ev() { # UID DTSTART RRULE [ATTACH]
    printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20000101T000000Z\r\nDTSTART:%s\r\n' "$1" "$2"
    printf 'RRULE:%s\r\nSUMMARY:%s\r\nATTACH:%s\r\nEND:VEVENT\r\n' "$3" "$1" "${4:-test/tone.wav}"
}

# DTSTART before 1970: airs in 2026
ev old@t 19600101T080000Z FREQ=DAILY | ics >"$T_TMP/old.ics"
expect_rc 0 "$LOAXA" schedule "${A[@]}" --plan "$T_TMP/old.ics" --from 2026-12-04 --days 2 --format csv
[ "$(grep -c '^2026-12-0[45]T15:00:00+07:00,.*old@t' "$T_TMP/out")" = 2 ] && ok "1960 DAILY airs twice in two days" || fail "1960 DAILY: $(cat "$T_TMP/out")"
expect_rc 0 "$LOAXA" check "${A[@]}" --from 2026-12-04 --days 2 "$T_TMP/old.ics" && ok "1960 DAILY checks clean"

# FREQ=MINUTELY from 2000, three of them: 1.5 million airings a year
{ ev a@t 20000101T000000Z FREQ=MINUTELY; ev b@t 20000101T000010Z FREQ=MINUTELY
  ev c@t 20000101T000020Z FREQ=MINUTELY; } | ics >"$T_TMP/min.ics"
expect_rc 0 "$LOAXA" schedule "${A[@]}" --plan "$T_TMP/min.ics" --from 2026-12-04 --days 1 --format csv
[ "$(grep -c ',a@t,' "$T_TMP/out")" = 1440 ] && ok "MINUTELY from 2000: 1440 airings on 2026-12-04" || fail "minutely rows: $(grep -c ',a@t,' "$T_TMP/out")"
expect_rc 1 "$LOAXA" schedule "${A[@]}" --plan "$T_TMP/min.ics" --from 2026-12-04 --days 365 --format csv
grep_in "$T_TMP/err" "more than 200000 airings: listed up to 2027-01-19 00:00 only" "schedule bound"
expect_rc 0 "$LOAXA" check "${A[@]}" --set station.broadcast_hours=00:00-24:00 \
    --from 2026-01-01 "$T_TMP/min.ics"
grep_in "$T_TMP/out" "min.ics:8: warning: more than 1000000 airings in the checked span: .* checked up to 2026-08-21 00:00 only" "check bound"

# COUNT beyond the bound: refused at its line
ev big@t 20000101T000000Z 'FREQ=DAILY;COUNT=2000000' | ics >"$T_TMP/count.ics"
expect_rc 1 "$LOAXA" check "${A[@]}" "$T_TMP/count.ics"
grep_in "$T_TMP/out" "count.ics:8: error: RRULE with COUNT=2000000" "count refused"

# ATTACH: absolute inside the root accepted, outside refused
root=$(cd tests/fixtures/audio && pwd -P)
{ ev in@t 20261204T010000Z 'FREQ=DAILY;COUNT=1' "$root/test/tone.wav"
  ev out@t 20261204T020000Z 'FREQ=DAILY;COUNT=1' /etc/passwd; } | ics >"$T_TMP/abs.ics"
expect_rc 1 "$LOAXA" check "${A[@]}" --from 2026-12-04 --days 1 "$T_TMP/abs.ics"
grep_in "$T_TMP/out" "abs.ics:18: error: recording refused: .*outside the audio root" "absolute outside"
grep -q "abs.ics:10:" "$T_TMP/out" && fail "absolute inside refused: $(cat "$T_TMP/out")" || ok "absolute inside the root accepted"
t_done
