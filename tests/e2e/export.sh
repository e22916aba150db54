# `loaxa export`: JSON Lines valid against doc/export.schema.json with the
# chain recomputed from the exported fields alone (tests/e2e/export-check.py),
# CSV that parses to the same rows, counts equal the log's, the station's
# identity on every row, --from/--to, and bad arguments refused.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
export LC_ALL=C.UTF-8 LANGUAGE=
P="--plan $SRCDIR/schedules --audio-root $SRCDIR/audio"
DB=$T_TMP/sim.db
CHECK="$SRCDIR/tests/e2e/export-check.py"
SCHEMA="$SRCDIR/doc/export.schema.json"
ID=(--station-code 09952 --commune "Xã Tân Phú" --province "Đồng Nai")
expect_rc 0 "$LOAXA" simulate $P --db "$DB" --from 2026-01-01 --to 2026-03-31
# a row still on air is left out of the export
sqlite3 "$DB" "insert into airing (occ_key, attempt, uid, planned_start_ms, planned_end_ms,
    status, source) values ('onair/1', 1, 'onair', 1767225600000, 1767225660000, 'on_air', 'plan')"
n=$(sqlite3 "$DB" "select count(*) from airing where status <> 'on_air'")
head=$(sqlite3 "$DB" "select hash from airing order by seq desc limit 1")

expect_rc 0 "$LOAXA" export --db "$DB" "${ID[@]}" && cp "$T_TMP/out" "$T_TMP/all.jsonl"
[ "$(wc -l <"$T_TMP/all.jsonl")" = "$n" ] && ok "jsonl: $n rows, as the log" || fail "jsonl rows differ from the log's $n"
expect_rc 0 "$LOAXA" export --db "$DB" "${ID[@]}" --format csv && cp "$T_TMP/out" "$T_TMP/all.csv"
expect_rc 0 /usr/bin/python3 "$CHECK" "$SCHEMA" "$T_TMP/all.jsonl" --csv "$T_TMP/all.csv" &&
    grep_in "$T_TMP/out" "^rows $n head $head checked $n " "schema, chain and csv" && cat "$T_TMP/out"
grep -vc '"station":{"code":"09952","commune":"Xã Tân Phú","province":"Đồng Nai"}' "$T_TMP/all.jsonl" |
    grep -qx 0 && ok "station identity on every row" || fail "a row without the station's identity"
grep -q 'onair/1' "$T_TMP/all.jsonl" && fail "a row on air was exported"

# the checker can fail: an edited field no longer matches its hash
sed '3s/"played_ms":\([0-9]*\)/"played_ms":1\1/' "$T_TMP/all.jsonl" >"$T_TMP/bad.jsonl"
expect_rc 1 /usr/bin/python3 "$CHECK" "$SCHEMA" "$T_TMP/bad.jsonl" && grep_in "$T_TMP/err" "seq 3: hash"
sed '2s/"status":"[a-z]*"/"status":"played"/' "$T_TMP/all.jsonl" >"$T_TMP/bad.jsonl"
expect_rc 1 /usr/bin/python3 "$CHECK" "$SCHEMA" "$T_TMP/bad.jsonl" && grep_in "$T_TMP/err" "line 2 does not match"

# a period: the rows planned in February, as the log counts them
feb=$(sqlite3 "$DB" "select count(*) from airing where status <> 'on_air'
    and planned_start_ms >= strftime('%s', '2026-01-31T17:00:00') * 1000
    and planned_start_ms < strftime('%s', '2026-02-28T17:00:00') * 1000")
expect_rc 0 "$LOAXA" export --db "$DB" --from 2026-02-01 --to 2026-02-28 -o "$T_TMP/feb.jsonl" &&
    grep_in "$T_TMP/err" "^$feb rows written to"
[ "$(wc -l <"$T_TMP/feb.jsonl")" = "$feb" ] && [ "$feb" -gt 0 ] && ok "February: $feb rows" ||
    fail "February export: $(wc -l <"$T_TMP/feb.jsonl") rows, log $feb"
grep_in "$T_TMP/err" "station.code is not set" "warning without station.code"
expect_rc 0 "$LOAXA" export --db "$DB" --from 2026-02-01 --to 2026-02-28 --format csv
[ "$(/usr/bin/python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1], newline="")))))' "$T_TMP/out")" = "$feb" ] ||
    fail "February csv rows differ"
expect_rc 0 /usr/bin/python3 "$CHECK" "$SCHEMA" "$T_TMP/feb.jsonl"

# refused: a bad format, time, code or argument; a log that is not there
expect_rc 2 "$LOAXA" export --db "$DB" --format xml
expect_rc 2 "$LOAXA" export --db "$DB" --from 2026-02-30
expect_rc 2 "$LOAXA" export --db "$DB" --station-code "09 952"
expect_rc 2 "$LOAXA" export --db "$DB" extra
expect_rc 1 "$LOAXA" export --db "$T_TMP/none.db"
t_done
