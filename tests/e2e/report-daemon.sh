# `loaxa report` and `loaxa log` while the real loaxad airs and writes the
# log (WAL: readers never wait for the daemon, the daemon never waits for
# them): the airing on air is counted as such, then as interrupted after
# an operator stop, and every report in between succeeds.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
PY=/usr/bin/python3
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
YDAY=$(TZ=Asia/Ho_Chi_Minh date -d yesterday +%F)
TMRW=$(TZ=Asia/Ho_Chi_Minh date -d tomorrow +%F)
P="$YDAY..$TMRW"
summary() { # KEY: a figure of the report's JSON summary
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])' \
        "$T_TMP/out" "$1"
}

D_NOW=$(date +%s)
d_plan "a 2 0 long.wav" "b 4 0 tone.wav"
d_start || t_done
d_wait_sql "select status from airing where occ_key like 'a/%'" "on_air" 30
# The row is written when the programme is prepared, before its start:
# wait until both planned starts have passed (a is then really playing,
# b waits behind it), so "planned" does not depend on when we ask.
while [ "$(date +%s)" -lt $((D_NOW + 5)) ]; do sleep 0.2; done
# reports in a loop while the daemon is on air and writing: all succeed
n=0
for i in $(seq 20); do
    "$LOAXA" report --period "$P" --format json --lang en >"$T_TMP/r$i" 2>"$T_TMP/e$i" \
        && n=$((n + 1))
done
[ "$n" -eq 20 ] && ok "20 reports while on air" || { fail "only $n/20 reports"; cat "$T_TMP/e1" >&2; }
expect_rc 0 "$LOAXA" report --period "$P" --format json --lang en
[ "$(summary on_air)" = 1 ] && [ "$(summary planned)" = 2 ] && ok "on air counted" \
    || fail "on air: $(summary on_air), planned $(summary planned)"
grep_in "$T_TMP/out" '"partial": true' && ok "partial period"
expect_rc 0 "$LOAXA" log --status on_air --format csv
[ "$(grep -c '^20' "$T_TMP/out")" -eq 1 ] && ok "log lists the airing on air" || fail "log on_air"

expect_rc 0 "$LOAXA" stop
d_wait_sql "select status from airing where occ_key like 'a/%'" "interrupted" 10
d_wait_sql "select status from airing where occ_key like 'b/%'" "aired" 30
expect_rc 0 "$LOAXA" report --period "$P" --format json --lang en
[ "$(summary interrupted)" = 1 ] && [ "$(summary aired)" = 1 ] && [ "$(summary on_air)" = 0 ] \
    && ok "interrupted and aired counted" \
    || fail "after stop: interrupted $(summary interrupted), aired $(summary aired)"
"$PY" - "$T_TMP/out" <<'PYEOF' && ok "incident from the log" || fail "incident"
import json, sys
r = json.load(open(sys.argv[1]))
inc = [i for i in r["incidents"] if i["uid"] == "a"]
assert len(inc) == 1 and inc[0]["status"] == "interrupted" and inc[0]["played_ms"] > 0, inc
assert r["summary"]["airings"] == 2
PYEOF
d_stop
[ "${D_RC:-1}" -eq 0 ] || fail "loaxad exit $D_RC"
t_done
