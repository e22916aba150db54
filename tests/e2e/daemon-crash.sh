# kill -9 of the real loaxad, again and again, mostly during airings: after
# each restart the cut row is `interrupted` (daemon stopped), nothing airs
# twice, no occurrence is left without its row, and the database is never
# corrupt (PRAGMA integrity_check).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
N=40
ROUNDS=${LOAXA_CRASH_ROUNDS:-30}
D_NOW=$(date +%s)
evs=()
for i in $(seq 1 $N); do evs+=("k$i $((3 + 2 * i)) 0 tone.wav"); done
d_plan "${evs[@]}"
for r in $(seq 1 "$ROUNDS"); do
    d_start || break
    sleep "0.$((RANDOM % 9 + 1))"
    d_kill9
    ok=$(d_sql "pragma integrity_check")
    [ "$ok" = ok ] || fail "round $r: integrity_check says $ok"
done
d_start || t_done
# the last occurrence is planned at +83 s; every one gets a row
d_wait_sql "select count(*) from airing where occ_key like 'k%'" "$N" 150
d_wait_sql "select count(*) from airing where status = 'on_air'" "0" 10
d_stop
d_wait_sql "pragma integrity_check" "ok" 1
d_wait_sql "select count(*) from (select occ_key from airing group by occ_key having count(*) > 1)" "0" 1
d_wait_sql "select count(*) from airing where status not in ('aired','interrupted','missed')" "0" 1
d_wait_sql "select count(*) from airing where status = 'interrupted' and reason != 'daemon stopped'" "0" 1
d_wait_sql "select count(*) > 0 from airing where status = 'interrupted'" "1" 1
d_wait_sql "select count(*) > 0 from airing where status = 'aired'" "1" 1
echo "  after $ROUNDS kills: $(d_sql "select group_concat(status||'='||n, ', ') from (select status, count(*) n from airing group by status)")"
[ "$(grep -c 'were cut by the daemon stopping' "$T_TMP/loaxad.log")" -gt 0 ] ||
    fail "no restart reported recovering an interrupted airing"
t_done
