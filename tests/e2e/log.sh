# `loaxa log` on the fixed log of tests/golden/mklog.c: one day in every
# format byte for byte, the --from/--to/--status filters, and errors.
# LOAXA_UPDATE_GOLDEN=1 rewrites the goldens.
. "$(dirname "$0")/lib.sh"
t_setup
# the goldens are English: the log's table follows the locale (not --lang)
export LC_ALL=C.UTF-8 LANGUAGE=

G="$SRCDIR/tests/golden"
DB="$T_TMP/log.db"
"$BUILDDIR/tests/e2e/report-mklog" "$G/plan.ics" "$FIXTURES/audio" "$DB" 2025-12-15 \
    2026-04-01 >/dev/null || { fail "report-mklog"; t_done; }

golden() { # NAME ARGS...
    local name=$1; shift
    if ! expect_rc 0 "$LOAXA" log --db "$DB" --lang en "$@"; then return; fi
    if [ -n "${LOAXA_UPDATE_GOLDEN:-}" ]; then cp "$T_TMP/out" "$G/$name"; fi
    if cmp -s "$T_TMP/out" "$G/$name"; then ok "golden $name"
    else fail "golden $name differs"; diff -u "$G/$name" "$T_TMP/out" | head -30 >&2; fi
}
# 10/01: a failed attempt then missed; 16/01: preempted then restarted;
# 22/01: the row left on air by a "crash", recovered as interrupted.
golden log-day.txt --from 2026-01-10 --to 2026-01-10
golden log-days.csv --from 2026-01-16 --to 2026-01-22 --format csv
golden log-incidents.json --from 2026-01-16 --to 2026-01-22T23:59 --status interrupted \
    --format json

# --to DATE includes the whole day; --to DATETIME is exclusive
expect_rc 0 "$LOAXA" log --db "$DB" --from 2026-01-13 --to 2026-01-13 --format csv
[ "$(grep -c '^2026-01-13' "$T_TMP/out")" -eq 2 ] && ok "--to a day" || fail "--to a day"
expect_rc 0 "$LOAXA" log --db "$DB" --from 2026-01-13 --to 2026-01-13T17:30 --format csv
[ "$(grep -c '^2026-01-13' "$T_TMP/out")" -eq 1 ] && ok "--to a time" || fail "--to a time"

# every status filter returns only that status, and they add up to all rows
total=0
for s in on_air aired interrupted failed missed cancelled; do
    expect_rc 0 "$LOAXA" log --db "$DB" --status "$s" --format csv || continue
    n=$(($(wc -l <"$T_TMP/out") - 1))
    other=$(tail -n +2 "$T_TMP/out" | cut -d, -f6 | grep -vc "^$s\$")
    [ "$other" -eq 0 ] || fail "--status $s lists other statuses"
    total=$((total + n))
done
expect_rc 0 "$LOAXA" log --db "$DB" --format csv
[ "$total" -eq $(($(wc -l <"$T_TMP/out") - 1)) ] && ok "status filters partition the log" \
    || fail "status filters: $total"
grep_in "$T_TMP/out" '^2026-02-20T10:00:00\+07:00,.*,emergency,' "emergency row" && ok "emergency row"
# the crash row was recovered: nothing is left on air
expect_rc 0 "$LOAXA" log --db "$DB" --status on_air --lang en
grep_in "$T_TMP/out" '^No rows\.$' && ok "no row left on air"

expect_rc 2 "$LOAXA" log --db "$DB" --status played && ok "bad status"
expect_rc 2 "$LOAXA" log --db "$DB" --from 2026-13-01 && ok "bad date"
expect_rc 2 "$LOAXA" log --db "$DB" --format xml && ok "bad format"
expect_rc 1 "$LOAXA" log --db "$T_TMP/none.db" && ok "missing log"
# the table follows the locale, whatever --lang says; CSV keeps its keywords
if expect_rc 0 env LC_ALL=vi_VN.UTF-8 "$LOAXA" log --db "$DB" --from 2026-01-10 --to 2026-01-10 --lang en; then
    grep_in "$T_TMP/out" 'Trạng thái' vi-table && grep_in "$T_TMP/out" 'bỏ lỡ' vi-status
    grep -qwE 'missed|failed|plan' "$T_TMP/out" && fail "English status or source in the vi table"
fi
expect_rc 0 env LC_ALL=vi_VN.UTF-8 "$LOAXA" log --db "$DB" --from 2026-01-10 --to 2026-01-10 --format csv &&
    grep_in "$T_TMP/out" ',missed,plan,' vi-csv-keywords
t_done
