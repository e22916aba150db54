#!/usr/bin/env bash
# loaxa schedule: exact CSV for a small plan (override moved, instance
# cancelled, emergency without slot gets its length from the recording),
# JSON with the same keys, aligned text with Vietnamese, windows and DST.
. "$(dirname "$0")/lib.sh"
t_setup
L=tests/fixtures/loader
A=(--audio-root tests/fixtures/audio --plan "$L/good.ics")

expect_rc 0 "$LOAXA" schedule "${A[@]}" --from 2026-03-02 --days 5 --format csv && ok "csv"
cat >"$T_TMP/want.csv" <<'CSV'
start,end,uid,key,summary,categories,unit,priority,level,approved,audio,duration_s,cancelled
2026-03-02T06:30:00+07:00,2026-03-02T06:35:00+07:00,ban-tin-sang@loaxa.test,ban-tin-sang@loaxa.test/20260301T233000Z,Bản tin sáng,Thời sự;Chính quyền,Văn phòng UBND,0,normal,yes,test/tone.wav,300.000,no
2026-03-03T06:30:00+07:00,2026-03-03T06:35:00+07:00,ban-tin-sang@loaxa.test,ban-tin-sang@loaxa.test/20260302T233000Z,Bản tin sáng,Thời sự;Chính quyền,Văn phòng UBND,0,normal,yes,test/tone.wav,300.000,no
2026-03-03T11:30:00+07:00,2026-03-03T11:31:00+07:00,khan-cap@loaxa.test,khan-cap@loaxa.test/20260303T043000Z,KHẨN: Phòng chống bão,,Ban Chỉ huy PCTT,1,emergency,yes,test/long.wav,60.000,no
2026-03-03T18:00:00+07:00,2026-03-03T18:05:00+07:00,cho-duyet@loaxa.test,cho-duyet@loaxa.test/20260303T110000Z,"Thông báo chờ duyệt, ""có dấu phẩy, và ngoặc""",,,3,priority,no,test/tone.wav;test/tone.wav,300.000,no
2026-03-04T17:00:00+07:00,2026-03-04T17:05:00+07:00,ban-tin-sang@loaxa.test,ban-tin-sang@loaxa.test/20260303T233000Z,Bản tin sáng (dời sang chiều),Thời sự;Chính quyền,Văn phòng UBND,0,normal,yes,test/tone.wav,300.000,no
2026-03-06T06:30:00+07:00,2026-03-06T06:35:00+07:00,ban-tin-sang@loaxa.test,ban-tin-sang@loaxa.test/20260305T233000Z,Bản tin sáng,Thời sự;Chính quyền,Văn phòng UBND,0,normal,yes,test/tone.wav,300.000,no
CSV
diff "$T_TMP/want.csv" "$T_TMP/out" >&2 || fail "csv differs"

# --to with a date alone includes that day; --all shows the cancelled instance
expect_rc 0 "$LOAXA" schedule "${A[@]}" --from 2026-03-05 --to 2026-03-05 --format csv --all
[ "$(grep -c . "$T_TMP/out")" -eq 2 ] || fail "one row wanted for 5 March"
grep_in "$T_TMP/out" "ban-tin-sang@loaxa.test/20260304T233000Z,.*,yes$" "cancelled flagged"
expect_rc 0 "$LOAXA" schedule "${A[@]}" --from 2026-03-05 --to 2026-03-05 --format csv
[ "$(grep -c . "$T_TMP/out")" -eq 1 ] || fail "cancelled instance listed without --all"

# JSON: same keys, parsed by an independent reader
expect_rc 0 "$LOAXA" schedule "${A[@]}" --from 2026-03-02 --days 5 --format json && ok "json"
python3 - "$T_TMP/out" <<'PY' || fail "json content"
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 6, len(rows)
want = {"start", "end", "uid", "key", "summary", "categories", "unit", "priority", "level",
        "approved", "audio", "duration_s", "cancelled"}
assert all(set(r) == want for r in rows), rows[0].keys()
e = rows[2]
assert e["level"] == "emergency" and e["priority"] == 1 and e["duration_s"] == 60.0, e
assert e["end"] == "2026-03-03T11:31:00+07:00", e
p = rows[3]
assert p["approved"] is False and p["audio"] == ["test/tone.wav", "test/tone.wav"], p
assert rows[0]["categories"] == ["Thời sự", "Chính quyền"], rows[0]
assert rows[4]["summary"] == "Bản tin sáng (dời sang chiều)", rows[4]
PY

# text: columns line up by display width, with Vietnamese diacritics
expect_rc 0 "$LOAXA" schedule "${A[@]}" --from 2026-03-02 --days 5 && ok "text"
grep_in "$T_TMP/out" "PENDING" "pending shown"
grep_in "$T_TMP/out" "^6 airings$" "count"
grep_in "$T_TMP/out" "^1 airing is PENDING approval" "pending note"
python3 - "$T_TMP/out" <<'PY' || fail "text columns not aligned"
import sys, unicodedata
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if "  " in l]
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
head = lines[0]
col = width(head[:head.index("Title")])
for l in lines[1:]:
    for t in ("Bản tin", "KHẨN", "Thông báo"):
        if t in l:
            assert width(l[:l.index(t)]) == col, (l, col)
PY

# DST: New York's spring-forward gap and fall-back overlap (RFC 5545 §3.3.5)
expect_rc 0 "$LOAXA" schedule --tz America/New_York --plan tests/fixtures/plans/dst.ics \
    --audio-root tests/fixtures/audio --from 2026-03-08 --days 2 --format csv
grep_in "$T_TMP/out" "^2026-03-08T03:30:00-04:00,.*dst-gap-start@loaxa.test/20260308T073000Z" "gap"
grep_in "$T_TMP/out" "^2026-03-09T02:30:00-04:00,.*dst-gap-start@loaxa.test/20260309T063000Z" "after gap"
expect_rc 0 "$LOAXA" schedule --tz America/New_York --plan tests/fixtures/plans/dst.ics \
    --audio-root tests/fixtures/audio --from 2026-11-01 --days 1 --format csv
grep_in "$T_TMP/out" "^2026-11-01T01:30:00-04:00,.*dst-overlap-start@loaxa.test/20261101T053000Z" "overlap"

# the bundled plan has work every day; default window from today
expect_rc 0 "$LOAXA" schedule --from 2026-11-23 --days 7 && ok "bundled plan"
grep_in "$T_TMP/out" "^[1-9][0-9]* airings$" "bundled airings"
expect_rc 0 "$LOAXA" schedule --days 1 && ok "default window"

# the bundled plan over two years, against the independent expander
# (tools/expected-occurrences.py: own parser, dateutil, zoneinfo)
python3 tools/expected-occurrences.py schedules/ke-hoach-2026.ics --start 2026-01-01T00:00:00Z \
    --end 2028-01-01T00:00:00Z -o "$T_TMP/bundled.expected" || fail "expected-occurrences.py"
expect_rc 0 "$LOAXA" schedule --from 2026-01-01T07:00 --to 2028-01-01T07:00 --format csv
python3 - "$T_TMP/out" "$T_TMP/bundled.expected" <<'PY' || fail "bundled plan differs"
import csv, sys, datetime as dt
got = ["%s\t%s" % (r["uid"], dt.datetime.fromisoformat(r["start"]).astimezone(
    dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")) for r in csv.DictReader(open(sys.argv[1]))]
want = open(sys.argv[2]).read().splitlines()[1:]
assert len(want) > 100, len(want)
for i, (g, w) in enumerate(zip(got, want)):
    assert g == w, (i, g, w)
assert len(got) == len(want), (len(got), len(want))
PY

# usage errors
expect_rc 2 "$LOAXA" schedule --format xml && ok "bad format"
expect_rc 2 "$LOAXA" schedule --from 2026-02-30 && ok "bad date"
expect_rc 2 "$LOAXA" schedule --from 2026-03-02 --to 2026-03-01T00:00 && ok "to before from"
expect_rc 1 "$LOAXA" schedule --plan /nonexistent && ok "missing plan"
t_done
