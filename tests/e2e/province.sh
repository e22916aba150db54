# The province roll-up against a real PostgreSQL 15 (a private cluster in a
# temporary folder, unix socket only, removed at the end): five station logs
# made by `loaxa simulate` are pushed; a second push adds nothing; a push
# killed half-way (kill -9) is resumed without duplicates or gaps; the
# province report's figures are the sum of the five station reports'; a row
# edited in the province is flagged by `loaxa province verify`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg-lib.sh"
t_setup
trap 'pg_stop; t_cleanup' EXIT
[ -x "$PG_BIN/initdb" ] || { echo "SKIP: no PostgreSQL 15 ($PG_BIN)"; exit 77; }
pg_start || { fail "cannot start PostgreSQL"; t_done; }
psql -X -q -v ON_ERROR_STOP=1 "$PG_URI" -f doc/province.sql >/dev/null \
    && ok "doc/province.sql loads" || { fail "doc/province.sql"; t_done; }

ev() { printf 'BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n'; printf '%s\r\n' "$@";
       printf 'ATTACH:test/tone.wav\r\nEND:VEVENT\r\n'; }
# station N: a daily news at 06:00+N min, a weekly programme, a monthly
# emergency (PRIORITY:1), one cancelled instance; different per station
mkplan() {
    local n=$1
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//province test//VI\r\n'
    ev UID:sang$n@p DTSTART\;TZID=Asia/Ho_Chi_Minh:2026070${n}T06${n}000 DURATION:PT15M \
       RRULE:FREQ=DAILY "SUMMARY:Bản tin\\nsáng\\\\ $n\\, \\;" "CATEGORIES:Thời sự"
    ev UID:sang$n@p RECURRENCE-ID\;TZID=Asia/Ho_Chi_Minh:20260810T06${n}000 \
       DTSTART\;TZID=Asia/Ho_Chi_Minh:20260810T06${n}000 DURATION:PT15M STATUS:CANCELLED \
       "SUMMARY:Bản tin sáng $n"
    ev UID:tuan$n@p DTSTART\;TZID=Asia/Ho_Chi_Minh:20260702T17${n}000 DURATION:PT20M \
       RRULE:FREQ=WEEKLY\;INTERVAL=$n "SUMMARY:Nông nghiệp $n" "CATEGORIES:Nông nghiệp"
    ev UID:bao$n@p DTSTART\;TZID=Asia/Ho_Chi_Minh:20260715T11${n}000 DURATION:PT5M PRIORITY:1 \
       RRULE:FREQ=MONTHLY\;COUNT=$((n + 1)) "SUMMARY:Cảnh báo $n" "CATEGORIES:Thiên tai"
    # not approved (STATUS:TENTATIVE under require_approval) and one that
    # collides with the morning news (missed or cut: not all aired)
    ev UID:nhac$n@p DTSTART\;TZID=Asia/Ho_Chi_Minh:20260704T190000 DURATION:PT20M \
       STATUS:TENTATIVE RRULE:FREQ=WEEKLY "SUMMARY:Âm nhạc $n"
    ev UID:trung$n@p DTSTART\;TZID=Asia/Ho_Chi_Minh:2026070${n}T06${n}500 DURATION:PT10M \
       RRULE:FREQ=WEEKLY\;COUNT=$((n * 2)) "SUMMARY:Trùng giờ $n"
    printf 'END:VCALENDAR\r\n'
}
COMMUNES=("" "Xã Một" "Xã Hai" "Phường Ba" "Thị trấn Bốn" "Xã Năm")
for n in 1 2 3 4 5; do
    mkplan $n >"$T_TMP/plan$n.ics"
    S[$n]="--plan $T_TMP/plan$n.ics --audio-root tests/fixtures/audio --db $T_TMP/st$n.db"
    # shellcheck disable=SC2086
    expect_rc 0 "$LOAXA" simulate ${S[$n]} --from 2026-07-01 --to 2026-09-30 \
        || { fail "simulate $n"; t_done; }
done
ok "five station logs simulated"
push() { # n [more flags]
    local n=$1; shift
    # shellcheck disable=SC2086
    "$LOAXA" push ${S[$n]} --commune "${COMMUNES[$n]}" --station-code "XA0$n" --province "Tỉnh Thử" \
        --province-url "$PG_URI" --quiet "$@"
}
rows_in_log() { sqlite3 "$T_TMP/st$1.db" "SELECT count(*) FROM airing WHERE status <> 'on_air'"; }
total=0
for n in 1 2 3 4 5; do
    push $n >"$T_TMP/out" 2>"$T_TMP/err" || { fail "push $n"; cat "$T_TMP/err" >&2; }
    total=$((total + $(rows_in_log $n)))
done
got=$(pg_sql "SELECT count(*) FROM loaxa.rows")
[ "$got" = "$total" ] && ok "five pushes: $got rows = the logs' $total" \
    || fail "pushed $got rows, the logs have $total"
[ "$(pg_sql "SELECT commune || '/' || province FROM loaxa.stations WHERE code = 'XA05'")" = "Xã Năm/Tỉnh Thử" ] \
    && ok "station.code, station.commune, station.province arrive" || fail "station identity"
# titles with a line break, a backslash, a comma, a semicolon: COPY's escapes
# (the verify below recomputes their hashes)
nl=$(pg_sql "SELECT count(*) FROM loaxa.rows WHERE title LIKE E'Bản tin\\nsáng\\\\\\\\ %, ;'")
[ "$nl" -gt 0 ] && ok "a title with a line break and a backslash arrives as it is ($nl rows)" \
    || fail "escaped titles: $nl rows; $(pg_sql "SELECT DISTINCT title FROM loaxa.rows LIMIT 3")"
# a second push adds nothing
for n in 1 2 3 4 5; do
    "$LOAXA" push ${S[$n]} --station "XA0$n" --province-url "$PG_URI" >"$T_TMP/out" 2>&1
    grep -q " 0 row(s) sent, 0 new" "$T_TMP/out" || { fail "second push $n:"; cat "$T_TMP/out" >&2; }
done
[ "$(pg_sql "SELECT count(*) FROM loaxa.rows")" = "$total" ] && ok "a second push adds nothing"

# the province report: the sum of the station reports (2026-Q3, all past)
for n in 1 2 3 4 5; do
    expect_rc 0 "$LOAXA" report ${S[$n]} --period 2026-Q3 --format json --as-of 2026-10-05 \
        && cp "$T_TMP/out" "$T_TMP/st$n.json"
done
expect_rc 0 "$LOAXA" province verify --db "$PG_URI" && ok "province verify: all chains OK" \
    || sed 's/^/  | /' "$T_TMP/out" >&2
expect_rc 0 "$LOAXA" province report --db "$PG_URI" --period 2026-Q3 --format json \
    && cp "$T_TMP/out" "$T_TMP/prov.json"
if python3 - "$T_TMP" <<'EOF'; then ok "province figures = the sum of the station reports"; else fail "province figures"; fi
import json, sys
d = sys.argv[1]
prov = json.load(open(f"{d}/prov.json"))
want = {"planned": 0, "aired": 0, "emergency_airings": 0, "own_ms": 0, "airings": 0}
by = {c["station"]: c for c in prov["communes"]}
bad = 0
for n in range(1, 6):
    s = json.load(open(f"{d}/st{n}.json"))
    flat = {}
    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    flat.setdefault(k, v)
                walk(v)
    walk(s.get("summary", s))
    fig = {"planned": flat["planned"], "aired": flat["aired"],
           "emergency_airings": flat["emergency_airings"], "own_ms": flat["total_ms"],
           "airings": flat["airings"]}
    c = by[f"XA0{n}"]
    for k, v in fig.items():
        want[k] += v
        if c[k] != v:
            print(f"station {n} {k}: province {c[k]} station {v}", file=sys.stderr); bad += 1
for k, v in want.items():
    if prov["total"][k] != v:
        print(f"total {k}: province {prov['total'][k]} stations {v}", file=sys.stderr); bad += 1
if want["planned"] == 0 or want["emergency_airings"] == 0:
    print("nothing counted", file=sys.stderr); bad += 1
sys.exit(1 if bad else 0)
EOF
# the same table without PostgreSQL, from the five SQLite logs
expect_rc 0 "$LOAXA" province report --period 2026-Q3 --format json \
    $(for n in 1 2 3 4 5; do echo --log "$T_TMP/st$n.db"; done) && cp "$T_TMP/out" "$T_TMP/logs.json"
python3 - "$T_TMP" <<'EOF' && ok "the roll-up of SQLite logs (--log) = the province's figures" \
    || fail "--log roll-up"
import json, sys
d = sys.argv[1]
a, b = json.load(open(f"{d}/prov.json")), json.load(open(f"{d}/logs.json"))
keys = ["planned", "aired", "emergency_airings", "own_ms", "airings"]
ok = all(a["total"][k] == b["total"][k] for k in keys) and b["total"]["chain_fails"] == 0
ok = ok and [c["planned"] for c in b["communes"]] == [c["planned"] for c in sorted(a["communes"], key=lambda c: c["station"])]
print({k: (a["total"][k], b["total"][k]) for k in keys}, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
for fmt in text csv html; do
    expect_rc 0 "$LOAXA" province report --db "$PG_URI" --period 2026-Q3 --format $fmt \
        && grep -q "Xã Năm" "$T_TMP/out" && ok "province report --format $fmt" \
        || fail "province report --format $fmt"
done
grep_in "$T_TMP/out" "Tổng cộng|Total" "html total"

# kill -9 half-way: a big log (a dense plan over a year), one row a batch
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//province test//VI\r\n'
    for h in 06 07 08 09 10 11 14 15 16 17 18 19; do
        ev UID:big$h@p DTSTART\;TZID=Asia/Ho_Chi_Minh:20250101T${h}0000 DURATION:PT5M \
           RRULE:FREQ=DAILY "SUMMARY:Tin $h"
    done
    printf 'END:VCALENDAR\r\n'
} >"$T_TMP/big.ics"
BIG="--plan $T_TMP/big.ics --audio-root tests/fixtures/audio --db $T_TMP/big.db"
expect_rc 0 "$LOAXA" simulate $BIG --from 2025-01-01 --to 2025-12-31 || fail "simulate big"
big=$(sqlite3 "$T_TMP/big.db" "SELECT count(*) FROM airing WHERE status <> 'on_air'")
"$LOAXA" push $BIG --station BIG --province-url "$PG_URI" --push-batch 1 --quiet &
pid=$!
for _ in $(seq 1 300); do
    n=$(pg_sql "SELECT count(*) FROM loaxa.rows WHERE station = 'BIG'")
    [ "$n" -gt 200 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
mid=$(pg_sql "SELECT count(*) FROM loaxa.rows WHERE station = 'BIG'")
[ "$mid" -gt 0 ] && [ "$mid" -lt "$big" ] && ok "push killed half-way ($mid of $big rows)" \
    || fail "the kill did not land half-way ($mid of $big)"
expect_rc 0 "$LOAXA" push $BIG --station BIG --province-url "$PG_URI" --quiet || fail "resume"
after=$(pg_sql "SELECT count(*), count(DISTINCT (occ_key, attempt)), max(chain_pos) FROM loaxa.rows WHERE station = 'BIG'")
[ "$after" = "$big|$big|$big" ] && ok "resumed: $big rows, no duplicates" \
    || fail "after the resume: count|distinct|max = $after, want $big"
[ "$(pg_sql "SELECT count(*) FROM loaxa.chain_gaps('BIG')")" = 0 ] && ok "no gaps" \
    || fail "gaps: $(pg_sql "SELECT * FROM loaxa.chain_gaps('BIG')")"

# tampering on the province side: a deleted row is a gap; verify flags it
pg_sql "DELETE FROM loaxa.rows WHERE station = 'XA03' AND chain_pos = 7"
expect_rc 3 "$LOAXA" province verify --db "$PG_URI" && grep_in "$T_TMP/out" "XA03.*7" \
    && ok "province verify flags a deleted row (XA03 at 7)"
[ "$(pg_sql "SELECT first_missing FROM loaxa.chain_gaps('XA03')")" = 7 ] \
    && ok "loaxa.chain_gaps names the gap"
expect_rc 0 "$LOAXA" province report --db "$PG_URI" --period 2026-Q3 --format json \
    && python3 -c 'import json,sys; c={x["station"]:x for x in json.load(open(sys.argv[1]))["communes"]}; sys.exit(0 if c["XA03"]["state"]=="chain_fails" and c["XA01"]["state"]=="ok" else 1)' "$T_TMP/out" \
    && ok "the report marks the station whose chain fails" || fail "report chain state"
# a row edited in a station's log before its push: `loaxa log verify` fails
# there, and the province, recomputing the chain, flags the station
mkplan 4 | sed 's/@p/@p6/' >"$T_TMP/plan6.ics"
S[6]="--plan $T_TMP/plan6.ics --audio-root tests/fixtures/audio --db $T_TMP/st6.db"
expect_rc 0 "$LOAXA" simulate ${S[6]} --from 2026-07-01 --to 2026-09-30 || fail "simulate 6"
expect_rc 0 "$LOAXA" log verify ${S[6]} && ok "station 6's log verifies before the edit"
sqlite3 "$T_TMP/st6.db" "UPDATE airing SET played_ms = played_ms + 60000 WHERE id = 5"
expect_rc 1 "$LOAXA" log verify ${S[6]} && ok "loaxa log verify: the edited row fails locally" \
    || sed 's/^/  | /' "$T_TMP/out" >&2
COMMUNES[6]="Xã Sáu"
push 6 >/dev/null 2>&1 || fail "push 6"
expect_rc 3 "$LOAXA" province verify --db "$PG_URI" --station XA06 \
    && grep_in "$T_TMP/out" "XA06.*does not match" && ok "province verify flags the edited row"
# and a row edited in the province itself
expect_rc 0 "$LOAXA" province verify --db "$PG_URI" --station XA01 || fail "XA01 before"
pg_sql "UPDATE loaxa.rows SET title = 'sửa' WHERE station = 'XA01' AND chain_pos = 3"
expect_rc 3 "$LOAXA" province verify --db "$PG_URI" --station XA01 \
    && grep_in "$T_TMP/out" "XA01.*row 3 .*does not match" \
    && ok "province verify flags a row edited in the province"
# a station without rows in the period: reported as such
pg_sql "INSERT INTO loaxa.stations (code, commune) VALUES ('XA09', 'Xã Chín')"
expect_rc 0 "$LOAXA" province report --db "$PG_URI" --period 2026-Q3 --format csv --lang en \
    && grep_in "$T_TMP/out" '"XA09","Xã Chín".*"did not report"' "missing station"
# a station's own role with a password (scram), given in a file: it may add
# rows and move its position, nothing else
pg_sql "CREATE ROLE pusher LOGIN PASSWORD 'sesame-7'; GRANT USAGE ON SCHEMA loaxa TO pusher;
        GRANT SELECT, INSERT, UPDATE ON loaxa.stations TO pusher;
        GRANT SELECT, INSERT ON loaxa.rows TO pusher"
{ echo "local all pusher scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } >"$PG_DIR/hba.new"
cat "$PG_DIR/hba.new" >"$PG_DIR/data/pg_hba.conf"
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" reload >/dev/null
printf 'sesame-7\n' >"$T_TMP/pw"; printf 'wrong\n' >"$T_TMP/badpw"
PU="postgresql:///province?host=$PG_DIR&user=pusher"
expect_rc 0 "$LOAXA" push ${S[2]} --station XA07 --province-url "$PU" \
    --province-password-file "$T_TMP/pw" && grep_in "$T_TMP/out" "sent, [0-9]+ new" \
    && ok "push with a password file (scram)"
expect_rc 1 "$LOAXA" push ${S[2]} --station XA07 --province-url "$PU" \
    --province-password-file "$T_TMP/badpw" && grep_in "$T_TMP/err" "password" \
    && ok "a wrong password is refused"
pg_sql "DELETE FROM loaxa.rows WHERE station = 'XA07'" || true
pg_sql "UPDATE loaxa.stations SET pushed_pos = 0 WHERE code = 'XA07'"
# bad input is refused
expect_rc 1 "$LOAXA" push ${S[1]} --station 'a b' --province-url "$PG_URI" || true
expect_rc 2 "$LOAXA" province report --db "$PG_URI" --period 2026-Q9 || true
expect_rc 1 "$LOAXA" push ${S[1]} --station XA01 \
    --province-url "postgresql:///nope?host=$PG_DIR&user=postgres" || true
t_done
