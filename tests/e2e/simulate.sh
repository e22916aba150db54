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

# Never into the station's log. Without --db: a throw-away log, nothing on
# disk (the default [paths] db is ./loaxa.db).
mkdir "$T_TMP/cwd"
(cd "$T_TMP/cwd" && "$LOAXA" simulate $P --from 2026-01-01 --to 2026-01-31) >"$T_TMP/out" 2>&1 ||
    fail "simulate without --db"
grep_in "$T_TMP/out" "occurrences simulated \(the log is not kept" "throw-away log"
[ -e "$T_TMP/cwd/loaxa.db" ] && fail "simulate wrote the default station log"
# --db naming the configured log, or any log with real airings: refused
printf '[paths]\ndb = %s\n' "$T_TMP/station.db" >"$T_TMP/loaxa.conf"
sqlite3 "$DB" ".backup '$T_TMP/station.db'"
sqlite3 "$T_TMP/station.db" "update airing set device = 'default' where rowid = (select min(rowid) from airing)"
before=$(sqlite3 "$T_TMP/station.db" "select count(*) from airing")
expect_rc 1 "$LOAXA" simulate --config "$T_TMP/loaxa.conf" $P --db "$T_TMP/station.db" \
    --from 2027-01-01 --to 2027-01-31
grep_in "$T_TMP/err" "is the station's as-run log" "station log refused"
cp "$T_TMP/station.db" "$T_TMP/other.db"
expect_rc 1 "$LOAXA" simulate $P --db "$T_TMP/other.db" --from 2027-01-01 --to 2027-01-31
grep_in "$T_TMP/err" "holds real airings" "real log refused"
[ "$(sqlite3 "$T_TMP/station.db" "select count(*) from airing")" = "$before" ] || fail "station log changed"
# Simulated rows in a station's log (an older loaxa) never count as aired in
# a report, while a simulation's own log reports as it is
expect_rc 0 "$LOAXA" report $P --db "$DB" --period 2026-01 --as-of 2026-02-01 --format json --lang en
sim_aired=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["aired"])' "$T_TMP/out" 2>/dev/null)
expect_rc 0 "$LOAXA" report $P --db "$T_TMP/station.db" --period 2026-01 --as-of 2026-02-01 --format json --lang en
st_aired=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["aired"])' "$T_TMP/out" 2>/dev/null)
[ -n "$sim_aired" ] && [ "$sim_aired" -gt 1 ] || fail "simulation's own report counts nothing ($sim_aired)"
[ -n "$st_aired" ] && [ "$st_aired" -le 1 ] || fail "a station's report counted simulated rows ($st_aired)"
echo "  aired in January: simulation's log $sim_aired, station's log with simulated rows $st_aired"
t_done
