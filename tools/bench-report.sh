#!/usr/bin/env bash
# Benchmark of the reports (issue #5): an as-run log of about 1,000,000
# airings (137 programmes a day for twenty years, 2007-2026, written by
# tests/golden/mklog.c through the real plan loader and aslog API, with its
# injected incidents), then the yearly report 2026 in every format, timed
# (best and median of 5 runs, wall clock, and peak RSS), and the database
# size. Figures, not a test. Usage: tools/bench-report.sh [BUILD_DIR] [WORK_DIR]
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
WORK=${2:-$(mktemp -d /tmp/loaxa-bench-report.XXXXXX)}
mkdir -p "$WORK"
LOAXA="$BUILD/src/loaxa"
MKLOG="$BUILD/tests/e2e/report-mklog"
[ -x "$LOAXA" ] && [ -x "$MKLOG" ] || { echo "build $BUILD first (meson compile -C $BUILD)"; exit 2; }
export LOAXA_CONFIG= TZ=Asia/Ho_Chi_Minh
PLAN="$WORK/busy.ics"         # the plan that made the log: DTSTART in 2007
PLAN26="$WORK/plan-2026.ics"  # the same programmes as this year's plan file
EMPTY="$WORK/empty.ics"       # no plan: isolates log reading, counting, rendering
DB="$WORK/busy.db"

if [ ! -s "$DB" ]; then
    topics=("Thời sự" "Nông nghiệp" "Y tế" "Giáo dục" "An ninh trật tự" "Cải cách hành chính"
            "Văn hóa - Xã hội" "Phòng chống thiên tai")
    {
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//bench//VI\r\n'
        for k in $(seq 0 136); do
            m=$((360 + 5 * k))
            printf 'BEGIN:VEVENT\r\nUID:bench-%03d@loaxa\r\nDTSTAMP:20060101T000000Z\r\n' "$k"
            printf 'DTSTART;TZID=Asia/Ho_Chi_Minh:20070101T%02d%02d00\r\n' $((m / 60)) $((m % 60))
            printf 'DURATION:PT4M\r\nRRULE:FREQ=DAILY\r\n'
            printf 'SUMMARY:Chương trình phát thanh số %d\r\n' "$k"
            printf 'CATEGORIES:%s\r\nX-LOAXA-UNIT:UBND xã\r\n' "${topics[$((k % 8))]}"
            printf 'ATTACH:test/tone.wav\r\nEND:VEVENT\r\n'
        done
        printf 'END:VCALENDAR\r\n'
    } >"$PLAN"
    start=$(date +%s.%N)
    "$MKLOG" "$PLAN" tests/fixtures/audio "$DB" 2007-01-01 2027-01-01
    end=$(date +%s.%N)
    printf 'log written in %.1f s\n' "$(echo "$end - $start" | bc)"
fi
sed 's/TZID=Asia\/Ho_Chi_Minh:20070101T/TZID=Asia\/Ho_Chi_Minh:20260101T/' "$PLAN" >"$PLAN26"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//bench//VI\r\nEND:VCALENDAR\r\n' >"$EMPTY"
/usr/bin/python3 - "$DB" <<'EOF'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("SELECT count(*) FROM airing").fetchone()[0]
y = db.execute("SELECT count(*) FROM airing WHERE planned_start_ms >= 1767200400000"
               " AND planned_start_ms < 1798736400000").fetchone()[0]
size = os.path.getsize(sys.argv[1])
print(f"rows: {n} (2026: {y}); database: {size / 1e6:.1f} MB, {size / n:.0f} bytes per row")
EOF

C=(--plan "$PLAN26" --audio-root tests/fixtures/audio --db "$DB" --as-of 2027-01-10 --lang en)
run() { # LABEL CMD...: best and median of 5 (wall, and CPU = user + sys), peak RSS
    local label=$1; shift
    local times=() cpus=() rss=0 t u s m
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" \
            || { echo "$label: failed"; cat "$WORK/err"; return; }
        read -r t u s m <"$WORK/time"
        times+=("$t"); cpus+=("$(echo "$u + $s" | bc)"); [ "$m" -gt "$rss" ] && rss=$m
    done
    local st sc
    st=$(printf '%s\n' "${times[@]}" | sort -n)
    sc=$(printf '%s\n' "${cpus[@]}" | sort -n)
    printf '%-30s wall best %5.0f median %5.0f ms | CPU best %5.0f median %5.0f ms | RSS %5.1f MB | %s B\n' \
        "$label" "$(echo "$st" | head -1 | awk '{print $1 * 1000}')" \
        "$(echo "$st" | sed -n 3p | awk '{print $1 * 1000}')" \
        "$(echo "$sc" | head -1 | awk '{print $1 * 1000}')" \
        "$(echo "$sc" | sed -n 3p | awk '{print $1 * 1000}')" \
        "$(echo "$rss" | awk '{print $1 / 1024}')" "$(stat -c %s "$WORK/out")"
}
for f in text csv json html; do
    run "report 2026 $f" "$LOAXA" report "${C[@]}" --period 2026 --format "$f"
done
run "report 2026 xlsx" "$LOAXA" report "${C[@]}" --period 2026 --format xlsx -o "$WORK/r.xlsx"
echo "  (xlsx file: $(stat -c %s "$WORK/r.xlsx") B)"
for f in docx odt; do run "report 2026 $f" "$LOAXA" report "${C[@]}" --period 2026 --format "$f"; done
run "report 2026 text, 2007 plan" "$LOAXA" report "${C[@]}" --plan "$PLAN" --period 2026
run "report 2026 text, no plan" "$LOAXA" report "${C[@]}" --plan "$EMPTY" --period 2026
run "report 2026 nd09 text" "$LOAXA" report "${C[@]}" --period 2026 --cutoff nd09
run "report 2026-Q1 text" "$LOAXA" report "${C[@]}" --period 2026-Q1
run "log 2026 csv (50k rows)" "$LOAXA" log --db "$DB" --from 2026-01-01 --to 2026-12-31 \
    --format csv
echo "work dir: $WORK (rm -rf it when done)"
