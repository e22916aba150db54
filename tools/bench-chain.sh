#!/usr/bin/env bash
# Benchmark of the hash chain and the export (issue 16): a log of N rows
# (default 300,000, a province's year) not yet linked (copies, by SQL, of a
# simulated year's rows), then timed: linking them all (the migration's code,
# chain_unchained, run by the first write), `loaxa log verify`, `loaxa export` as JSON Lines and CSV (wall
# clock, best of 3), and the sizes. Figures, not a test.
# Usage: tools/bench-chain.sh [BUILD_DIR] [ROWS]
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${2:-300000}
LOAXA="$BUILD/src/loaxa"
[ -x "$LOAXA" ] || { echo "build $BUILD first"; exit 2; }
W=$(mktemp -d /tmp/loaxa-bench-chain.XXXXXX)
trap 'rm -rf "$W"' EXIT
export LOAXA_CONFIG= TZ=Asia/Ho_Chi_Minh LC_ALL=C.UTF-8 LANGUAGE=
"$LOAXA" simulate --plan schedules --audio-root audio --db "$W/y.db" --from 2026-01-01 \
    --to 2026-12-31 >/dev/null
year=$(sqlite3 "$W/y.db" "select count(*) from airing")
# copies of the year, each with its own keys, not linked (as the migration
# finds rows); the next write links them all, with the migration's code
sqlite3 "$W/y.db" "CREATE TEMP TABLE one AS SELECT * FROM airing; DELETE FROM airing;
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ($ROWS + $year - 1) / $year)
    INSERT INTO airing (occ_key, attempt, uid, plan_file, title, categories, unit, priority,
        recordings, planned_start_ms, planned_end_ms, actual_start_ms, actual_end_ms, played_ms,
        underruns, device, status, reason, source, operator, closes)
    SELECT 'c' || i || '/' || occ_key, attempt, uid, plan_file, title, categories, unit, priority,
        recordings, planned_start_ms, planned_end_ms, actual_start_ms, actual_end_ms, played_ms,
        underruns, device, status, reason, source, operator, closes FROM one, k;
    DELETE FROM airing WHERE id > (SELECT min(id) FROM airing) + $ROWS - 1; VACUUM;"
n=$(sqlite3 "$W/y.db" "select count(*) from airing")
echo "rows: $n ($(du -k "$W/y.db" | cut -f1) kB, not linked)"
best() { # LABEL CMD...: best wall time of 3 runs
    local label=$1 b= t; shift
    for _ in 1 2 3; do
        local s=$(date +%s.%N); "$@" >/dev/null 2>&1; t=$(echo "$(date +%s.%N) - $s" | bc)
        [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ] && b=$t
    done
    printf '%-28s %6.2f s  (%.0f rows/s)\n' "$label" "$b" "$(echo "$n / $b" | bc -l)"
}
cp "$W/y.db" "$W/m.db"
s=$(date +%s.%N)
"$LOAXA" simulate --plan schedules --audio-root audio --db "$W/m.db" --from 2026-01-05 \
    --to 2026-01-05 >/dev/null # a day's new rows: the first write links all before them
t=$(echo "$(date +%s.%N) - $s" | bc)
printf '%-28s %6.2f s  (%.0f rows/s)\n' "linking them all (migration)" "$t" "$(echo "$n / $t" | bc -l)"
echo "size with the chain: $(du -k "$W/m.db" | cut -f1) kB"
best "loaxa log verify" "$LOAXA" log verify --db "$W/m.db"
best "loaxa export (jsonl)" "$LOAXA" export --db "$W/m.db" -o "$W/e.jsonl"
best "loaxa export (csv)" "$LOAXA" export --db "$W/m.db" --format csv -o "$W/e.csv"
echo "export: jsonl $(du -k "$W/e.jsonl" | cut -f1) kB, csv $(du -k "$W/e.csv" | cut -f1) kB"
"$LOAXA" log verify --db "$W/m.db"
