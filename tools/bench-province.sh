#!/bin/bash
# Province roll-up benchmark on a private PostgreSQL 15 cluster (the tests'
# tests/e2e/pg-lib.sh: a temporary folder, unix socket only, removed at the
# end): STATIONS station logs of one year each (one `loaxa simulate` of a
# dense plan, ~3,000 rows, copied under STATIONS station codes: the push
# sends each as its own station), pushed one after the other (rows/s), then
# `loaxa verify` of the province, the quarter report in each format and the
# year report (seconds), and the database's size.
#   tools/bench-province.sh [STATIONS]        (default 100; 3300: national)
#   BUILD=build-release tools/bench-province.sh 100
# Prints "name value unit" lines; nothing here is a pass/fail.
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRCDIR/build}
LOAXA=$BUILD/src/loaxa
N=${1:-100}
JOBS=${JOBS:-2}
. "$SRCDIR/tests/e2e/pg-lib.sh"
TMP=$(mktemp -d /tmp/loaxa-bench-prov.XXXXXX)
trap 'pg_stop; rm -rf "$TMP"' EXIT
# a copy: a rebuild during a long run does not pull the program away
cp "$LOAXA" "$TMP/loaxa" && LOAXA=$TMP/loaxa
cd "$SRCDIR"
export LOAXA_CONFIG=
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

# a dense plan: 8 daily programmes (2,920 airings a year) and a weekly one
ev() { printf 'BEGIN:VEVENT\r\nDTSTAMP:20250101T000000Z\r\n'; printf '%s\r\n' "$@";
       printf 'ATTACH:test/tone.wav\r\nEND:VEVENT\r\n'; }
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//bench//VI\r\n'
    for h in 06 07 09 11 14 16 18 19; do
        ev UID:d$h@bench DTSTART\;TZID=Asia/Ho_Chi_Minh:20260101T${h}0000 DURATION:PT10M \
           RRULE:FREQ=DAILY "SUMMARY:Chương trình $h giờ" "CATEGORIES:Thời sự"
    done
    ev UID:w@bench DTSTART\;TZID=Asia/Ho_Chi_Minh:20260105T110000 DURATION:PT5M PRIORITY:1 \
       RRULE:FREQ=WEEKLY "SUMMARY:Cảnh báo" "CATEGORIES:Thiên tai"
    printf 'END:VCALENDAR\r\n'
} >"$TMP/plan.ics"
S=(--plan "$TMP/plan.ics" --audio-root tests/fixtures/audio)
t0=$(now)
"$LOAXA" simulate "${S[@]}" --db "$TMP/st.db" --from 2026-01-01 --to 2026-12-31 >/dev/null \
    || { echo "simulate failed" >&2; exit 1; }
t1=$(now)
per=$(sqlite3 "$TMP/st.db" "SELECT count(*) FROM airing")
echo "simulate_year_rows $per rows"
echo "simulate_year_time $(secs "$t0" "$t1") s"

PG_FSYNC=${PG_FSYNC:-on} pg_start || exit 1
psql -X -q -v ON_ERROR_STOP=1 "$PG_URI" -f doc/province.sql >/dev/null || exit 1
pg_sql "SHOW fsync" | sed 's/^/pg_fsync /'

t0=$(now)
seq 1 "$N" | xargs -P "$JOBS" -I{} "$LOAXA" push "${S[@]}" --db "$TMP/st.db" \
    --station "ST{}" --commune "Xã {}" --province-url "$PG_URI" --quiet \
    || { echo "push failed" >&2; exit 1; }
t1=$(now)
rows=$(pg_sql "SELECT count(*) FROM loaxa.rows")
dt=$(secs "$t0" "$t1")
echo "stations $N"
echo "pushed_rows $rows rows"
echo "push_time $dt s ($JOBS pushes at a time)"
echo "push_rate $(echo "$rows / $dt" | bc) rows/s"
t0=$(now)
"$LOAXA" push "${S[@]}" --db "$TMP/st.db" --station ST1 --province-url "$PG_URI" --quiet
t1=$(now)
echo "push_again_one_station $(secs "$t0" "$t1") s"
pg_sql "VACUUM ANALYZE"
echo "db_size $(pg_sql "SELECT pg_database_size(current_database()) / 1048576") MiB"
echo "rows_size $(pg_sql "SELECT sum(pg_total_relation_size(inhrelid)) / 1048576 FROM pg_inherits WHERE inhparent = 'loaxa.rows'::regclass") MiB"

t0=$(now)
"$LOAXA" province verify --db "$PG_URI" >/dev/null
t1=$(now)
echo "verify_all $(secs "$t0" "$t1") s"
for fmt in text csv json html; do
    best=
    for _ in 1 2 3; do
        t0=$(now)
        "$LOAXA" province report --db "$PG_URI" --period 2026-Q2 --format $fmt >"$TMP/r.$fmt" \
            || { echo "report $fmt failed" >&2; exit 1; }
        t1=$(now)
        d=$(secs "$t0" "$t1")
        [ -z "$best" ] || [ "$(echo "$d < $best" | bc)" = 1 ] && best=$d
    done
    echo "report_quarter_$fmt $best s"
done
t0=$(now)
"$LOAXA" province report --db "$PG_URI" --period 2026 --format json >/dev/null
t1=$(now)
echo "report_year_json $(secs "$t0" "$t1") s"
