# `loaxa log verify` over a simulated log: OK with the row count and head;
# an edited title fails naming that row; a deleted row fails naming the
# gap; the report's appendix carries the same head.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
export LC_ALL=C.UTF-8 LANGUAGE=
P="--plan $SRCDIR/schedules --audio-root $SRCDIR/audio"
DB=$T_TMP/sim.db
expect_rc 0 "$LOAXA" simulate $P --db "$DB" --from 2026-01-01 --to 2026-02-28
n=$(sqlite3 "$DB" "select count(*) from airing where status <> 'on_air'")
[ "$n" -gt 10 ] || fail "simulate wrote only $n rows"
head=$(sqlite3 "$DB" "select hash from airing order by seq desc limit 1")
expect_rc 0 "$LOAXA" log verify --db "$DB" &&
    grep_in "$T_TMP/out" "^OK: $n rows in the chain, head $head\$" "verify OK with count and head"
[ "$(sqlite3 "$DB" "select count(distinct seq) from airing where seq between 1 and $n")" = "$n" ] ||
    fail "seq is not 1..$n"

# an edited title: the row is named
cp "$DB" "$T_TMP/edit.db"
read -r id key < <(sqlite3 -separator ' ' "$T_TMP/edit.db" "select id, occ_key from airing where seq = 7")
sqlite3 "$T_TMP/edit.db" "update airing set title = title || ' (sửa)' where id = $id"
expect_rc 1 "$LOAXA" log verify --db "$T_TMP/edit.db" &&
    grep_in "$T_TMP/out" "row $id \(occurrence $key, attempt 1, seq 7\): hash mismatch" "edit named" &&
    grep_in "$T_TMP/out" "holds up to there: 6 rows" "edit: the good part"

# a deleted row: the gap is named at the row after it
cp "$DB" "$T_TMP/del.db"
read -r nid nkey < <(sqlite3 -separator ' ' "$T_TMP/del.db" "select id, occ_key from airing where seq = 11")
sqlite3 "$T_TMP/del.db" "delete from airing where seq = 10"
expect_rc 1 "$LOAXA" log verify --db "$T_TMP/del.db" &&
    grep_in "$T_TMP/out" "row $nid \(occurrence $nkey, attempt 1\): gap in seq: 11 where 10 was expected" "gap named"

# a number edited (played time of seq 20)
cp "$DB" "$T_TMP/num.db"
sid=$(sqlite3 "$T_TMP/num.db" "select id from airing where seq = 20")
sqlite3 "$T_TMP/num.db" "update airing set played_ms = played_ms + 1000 where id = $sid"
expect_rc 1 "$LOAXA" log verify --db "$T_TMP/num.db" && grep_in "$T_TMP/out" "row $sid .*seq 20\): hash mismatch" "number edit named"

# the head a report prints: the log passes through it, later rows or not
expect_rc 0 "$LOAXA" report $P --db "$DB" --period 2026-01 --as-of 2026-06-01 --lang en --format json &&
    rh=$(python3 -c 'import json,sys; c = json.load(open(sys.argv[1]))["log_chain"]; print("%d:%s" % (c["rows"], c["head"]))' "$T_TMP/out")
[ "${rh:-}" = "$n:$head" ] && ok "the report's appendix: $n rows, head" || fail "report head ${rh:-} (log $n:$head)"
expect_rc 0 "$LOAXA" log verify --db "$DB" --head "$rh" && grep_in "$T_TMP/out" "passes through the head given \(row $n\)"
expect_rc 0 "$LOAXA" log verify --db "$DB" --head "5:$(sqlite3 "$DB" "select hash from airing where seq = 5")"
# the last rows deleted: only the head a report gave shows it
cp "$DB" "$T_TMP/tail.db"
sqlite3 "$T_TMP/tail.db" "delete from airing where seq > $((n - 3))"
expect_rc 0 "$LOAXA" log verify --db "$T_TMP/tail.db"
expect_rc 1 "$LOAXA" log verify --db "$T_TMP/tail.db" --head "$rh" &&
    grep_in "$T_TMP/out" "chain has only $((n - 3)) rows: rows were deleted at its end"
expect_rc 1 "$LOAXA" log verify --db "$DB" --head "5:$head" && grep_in "$T_TMP/out" "row 5 of the chain has the hash"
expect_rc 2 "$LOAXA" log verify --db "$DB" --head "5:xyz"

# a log that is not there, and bad arguments
expect_rc 1 "$LOAXA" log verify --db "$T_TMP/none.db"
expect_rc 2 "$LOAXA" log verify --db "$DB" extra
t_done
