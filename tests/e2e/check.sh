#!/usr/bin/env bash
# loaxa check on the bundled plan, the fixture corpus and broken files:
# exit status, "file:line: severity: message" lines at the exact lines,
# the summary, pending items, and station rules (overlaps, hours, sessions).
. "$(dirname "$0")/lib.sh"
t_setup
P=tests/fixtures/plans
L=tests/fixtures/loader
A=(--audio-root tests/fixtures/audio --from 2026-01-01 --commune "Xã Thử Nghiệm")

expect_rc 0 "$LOAXA" check --from 2026-01-01 && ok "bundled plan is clean"
# no commune set: a warning (reports would say it is not set), not an error
grep_in "$T_TMP/out" "warning: station.commune is not set" "commune not set"
expect_rc 0 "$LOAXA" check --from 2026-01-01 --commune "Xã Thử Nghiệm"
grep -q "station.commune" "$T_TMP/out" && fail "commune warning although set"
grep_in "$T_TMP/out" '^[0-9]+ files?, [0-9]+ items?, 0 errors?, ' "bundled summary"

for f in google outlook thunderbird multi-vcalendar dst exdate-other-zone rfc5545-examples; do
    expect_rc 0 "$LOAXA" check "${A[@]}" "$P/$f.ics" && ok "$f.ics has no errors"
done
expect_rc 0 "$LOAXA" check "${A[@]}" "$P/google.ics"
grep_in "$T_TMP/out" "google.ics:[0-9]+: warning: .*pending approval" "google pending"
grep_in "$T_TMP/out" "^1 item is pending approval" "google pending summary"
grep_in "$T_TMP/out" "google.ics:[0-9]+: note: VALARM inside a VEVENT is ignored" "valarm"
expect_rc 0 "$LOAXA" check "${A[@]}" "$P/thunderbird.ics"
grep_in "$T_TMP/out" "thunderbird.ics:[0-9]+: note: VTODO is ignored" "vtodo"
expect_rc 0 "$LOAXA" check "${A[@]}" "$P/outlook.ics"
grep_in "$T_TMP/out" "outlook.ics:85: warning: .*ATTACH" "outlook binary attach"
# Outlook's "high importance" is PRIORITY:1: an emergency, said at its line
grep_in "$T_TMP/out" "outlook.ics:72: warning: PRIORITY:1 from Outlook .*emergency" "outlook priority"
expect_rc 0 "$LOAXA" check "${A[@]}" --emergency-from-priority no "$P/outlook.ics"
grep -q "PRIORITY:1 from Outlook" "$T_TMP/out" && fail "outlook warning with emergency_from_priority = no"
expect_rc 0 "$LOAXA" check "${A[@]}" "$P/google.ics"
grep -q "PRIORITY:1 from Outlook" "$T_TMP/out" && fail "outlook warning for a Google calendar"

# broken files: errors at the physical lines
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/broken-props.ics" && ok "broken-props fails"
grep_in "$T_TMP/out" "^$P/broken-props.ics:9: error: .*property name" "garbage line"
grep_in "$T_TMP/out" "^$P/broken-props.ics:10: error: .*DTEND.*2026-12-01 06:35" "bad DTEND"
grep_in "$T_TMP/out" "^$P/broken-props.ics:11: warning: PRIORITY.*cao" "bad PRIORITY"
grep_in "$T_TMP/out" "^1 file, 0 items, 2 errors, " "broken-props summary"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/broken-syntax.ics"
grep_in "$T_TMP/out" "^$P/broken-syntax.ics:9: error: " "syntax garbage"
grep_in "$T_TMP/out" "^$P/broken-syntax.ics:10: error: .*DTEND" "syntax DTEND"
grep_in "$T_TMP/out" "^$P/broken-syntax.ics:14: error: BEGIN:VEVENT is never closed" "unclosed"
grep_in "$T_TMP/out" "^$P/broken-syntax.ics:1: error: BEGIN:VCALENDAR is never closed" "unclosed cal"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/bad-rrule.ics"
grep_in "$T_TMP/out" "^$P/bad-rrule.ics:19: error: .*RRULE.*FREQ=SOMETIMES" "bad rrule"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/unknown-tzid.ics"
grep_in "$T_TMP/out" "^$P/unknown-tzid.ics:7: error: unknown time zone TZID=\"Mars/Olympus_Mons\"" "tzid"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/missing-dtstart.ics"
grep_in "$T_TMP/out" "^$P/missing-dtstart.ics:14: error: VEVENT without DTSTART" "dtstart"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/empty.ics"
grep_in "$T_TMP/out" "^$P/empty.ics:1: error: empty file" "empty"
printf ' \r\n\t\n\n' >"$T_TMP/blank.ics"
expect_rc 1 "$LOAXA" check "${A[@]}" "$T_TMP/blank.ics"
grep_in "$T_TMP/out" "^$T_TMP/blank.ics:1: error: empty file" "whitespace-only"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/binary.ics"
grep_in "$T_TMP/out" "^$P/binary.ics:1: error: .*not iCalendar" "binary"

# recordings and paths
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/escape-attach.ics"
for n in 20 28 36; do grep_in "$T_TMP/out" "^$P/escape-attach.ics:$n: error: recording refused: " "escape $n"; done
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/url-attach.ics"
grep_in "$T_TMP/out" "^$P/url-attach.ics:20: error: recording refused: .*(URL|url)" "url"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/notaudio-attach.ics"
grep_in "$T_TMP/out" "^$P/notaudio-attach.ics:20: error: " "notaudio"
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/no-attach.ics"
grep_in "$T_TMP/out" "^$P/no-attach.ics:14: error: no ATTACH" "no attach"
expect_rc 0 "$LOAXA" check "${A[@]}" "$P/slot-too-short.ics"
grep_in "$T_TMP/out" "^$P/slot-too-short.ics:18: warning: the recordings last 60 s but the slot is 30 s" "slot"

# dates and times that do not exist, all-day events, malformed EXDATE,
# past-only items, links for recordings (never fetched)
expect_rc 1 "$LOAXA" check "${A[@]}" --from 2026-03-01 --days 30 "$L/diags.ics"
O="$T_TMP/out"
grep_in "$O" "^$L/diags.ics:7: error: DTSTART is a date without a time \(an all-day event\).*give it one" "all-day"
grep_in "$O" "^$L/diags.ics:14: error: DTSTART: \"20260230T063000\": 2026-02 has no day 30" "feb 30"
grep -q "libical cannot expand" "$O" && fail "feb 30 reported on the RRULE"
grep_in "$O" "^$L/diags.ics:23: error: DTEND: \"20260310T250000\": the time 25:00:00 does not exist" "hour 25"
grep_in "$O" "^$L/diags.ics:32: error: EXDATE: \"2026-03-03\" is not a date" "exdate form"
grep_in "$O" "^$L/diags.ics:39: warning: every airing of \"Đã qua\" is in the past" "past"
grep_in "$O" "^$L/diags.ics:49: warning: ATTACH \"https://example.com/ban-tin/tone.wav\?dl=1\" is a link, never fetched: the recording aired is the file .*/test/tone.wav$" "url attach"
grep_in "$O" "^$L/diags.ics:50: warning: ATTACH \"file:///C:/Users/Can%20bo/Music/long.wav\" .*/test/long.wav$" "file url"
grep_in "$O" "^$L/diags.ics:57: warning: ATTACH with FILENAME \"tone.wav\": .*/test/tone.wav$" "drive FILENAME"
grep_in "$O" "^1 file, 3 items, 4 errors, 4 warnings$" "diags summary"

# duplicate UID across files, given as two arguments
expect_rc 1 "$LOAXA" check "${A[@]}" "$P/dup-uid-a.ics" "$P/dup-uid-b.ics"
grep_in "$T_TMP/out" "^$P/dup-uid-b.ics:15: error: duplicate UID \"dup-uid@loaxa.test\" \(also $P/dup-uid-a.ics:15\)" "dup uid"
grep_in "$T_TMP/out" "^2 files, " "two files"

# station rules over the checked span
expect_rc 1 "$LOAXA" check "${A[@]}" --from 2026-03-01 --days 30 "$L/checks.ics"
O="$T_TMP/out"
grep_in "$O" "^$L/checks.ics:14: warning: \"Nhắc lịch tiêm chủng\" \(overlap-b@loaxa.test\) overlaps \"Tin nông nghiệp\" \(overlap-a@loaxa.test, $L/checks.ics:4\) 3 times in the checked span; first 2026-03-02 07:05-07:10 against 2026-03-02 07:00-07:10$" "overlap"
grep_in "$O" "^$L/checks.ics:22: warning: \"Phát quá sớm\" airs outside the broadcast hours 05:30-21:00 1 time; first 2026-03-02 04:30-04:35$" "hours"
grep_in "$O" "^$L/checks.ics:29: warning: the session starting with \"Phiên dài 1\" lasts longer than 45 minutes 1 time; first 2026-03-03 19:00-20:00$" "session"
grep_in "$O" "^$L/checks.ics:53: error: recording \"test/khong-co.wav\" not found" "missing"
grep_in "$O" "^$L/checks.ics:58: warning: the recordings last 60 s but the slot is 10 s" "short"
grep_in "$O" "^$L/checks.ics:67: warning: \"Chờ phê duyệt\" is pending approval" "pending"
grep_in "$O" "^1 file, 9 items, 1 error, 5 warnings$" "summary"
# settings move the limits: a wider day and longer sessions silence two warnings
expect_rc 1 "$LOAXA" check "${A[@]}" --from 2026-03-01 --days 30 --broadcast-hours 04:00-22:00 \
    --max-session 90 "$L/checks.ics"
grep -q "outside the broadcast hours\|lasts longer" "$T_TMP/out" && fail "settings not applied"
grep_in "$T_TMP/out" "^1 file, 9 items, 1 error, 3 warnings$" "summary with settings"

# a directory: its *.ics merged, an override in the second file
expect_rc 0 "$LOAXA" check "${A[@]}" --from 2026-03-01 "$L/dir"
grep_in "$T_TMP/out" "^2 files, 1 item, 0 errors, 0 warnings$" "dir"

# usage and unreadable input
expect_rc 2 "$LOAXA" check --days x && ok "bad --days"
expect_rc 1 "$LOAXA" check /nonexistent/plan.ics
grep_in "$T_TMP/err" "/nonexistent/plan.ics" "missing plan"
# one unreadable path among good ones: an error for it, the rest still checked
expect_rc 1 "$LOAXA" check "${A[@]}" --from 2026-03-01 "$L/good.ics" /nonexistent/x.ics
grep_in "$T_TMP/out" "^/nonexistent/x.ics: error: cannot open the plan /nonexistent/x.ics" "one bad"
grep_in "$T_TMP/out" "^2 files, 3 items, 1 error, " "others checked"
t_done
