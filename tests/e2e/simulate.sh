# `loaxa simulate` over a year of the bundled plan: one row per occurrence
# `loaxa schedule` lists, same keys, cancelled ones cancelled, nothing
# extra; a second run writes nothing twice; bad arguments are refused.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
P="--plan $SRCDIR/schedules --audio-root $SRCDIR/audio"
DB=$T_TMP/sim.db
expect_rc 2 "$LOAXA" simulate $P --db "$DB"
expect_rc 2 "$LOAXA" simulate $P --db "$DB" --from 2026-02-30 --to 2026-03-01 && grep_in "$T_TMP/err" '2026-02-30'
expect_rc 2 "$LOAXA" simulate $P --db "$DB" --from 2026-03-01 --to 2026-02-01
expect_rc 0 "$LOAXA" simulate $P --db "$DB" --from 2026-01-01 --to 2026-12-31
grep_in "$T_TMP/out" '^[0-9]+ occurrences simulated' && grep_in "$T_TMP/out" 'aired +[0-9]+'
expect_rc 0 "$LOAXA" schedule $P --from 2026-01-01 --to 2026-12-31 --all --format csv
tail -n +2 "$T_TMP/out" | cut -d, -f4 | sort >"$T_TMP/want"
tail -n +2 "$T_TMP/out" | awk -F, '$NF == "yes" { print $4 }' | sort >"$T_TMP/want-cancelled"
sqlite3 "$DB" "select occ_key from airing" | sort >"$T_TMP/got"
sqlite3 "$DB" "select occ_key from airing where status = 'cancelled'" | sort >"$T_TMP/got-cancelled"
[ -s "$T_TMP/want" ] || fail "schedule listed nothing"
cmp -s "$T_TMP/want" "$T_TMP/got" || { fail "simulate's keys differ from the schedule"; diff "$T_TMP/want" "$T_TMP/got" | head >&2; }
cmp -s "$T_TMP/want-cancelled" "$T_TMP/got-cancelled" || fail "cancelled occurrences differ"
n=$(wc -l <"$T_TMP/want")
[ "$(sqlite3 "$DB" "select count(*) from airing where status = 'aired' and actual_start_ms = planned_start_ms and played_ms > 0")" -gt $(( n / 2 )) ] ||
    fail "too few aired rows on time"
echo "  $n occurrences in 2026, all in the log"
expect_rc 0 "$LOAXA" simulate $P --db "$DB" --from 2026-01-01 --to 2026-12-31
grep_in "$T_TMP/out" "$n already in the log"
[ "$(sqlite3 "$DB" "select count(*) from airing")" = "$n" ] || fail "the second run added rows"
t_done
