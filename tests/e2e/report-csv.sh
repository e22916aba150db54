# The CSV report as an officer opens it and as a program reads it: a UTF-8
# BOM by default (Excel's cue) and none with --no-bom; one table per file
# with --table NAME, its column titles in the report's language and its
# numbers machine-readable, agreeing with the JSON report; every table the
# error lists can be written; --table all is the long format of before.
. "$(dirname "$0")/lib.sh"
t_setup

MKLOG="$BUILDDIR/tests/e2e/report-mklog"
PY=/usr/bin/python3
G="$SRCDIR/tests/golden"
DB="$T_TMP/log.db"
"$MKLOG" "$G/plan.ics" "$FIXTURES/audio" "$DB" 2025-12-15 2026-04-01 >/dev/null \
    || { fail "report-mklog"; t_done; }
C=(--plan tests/golden/plan.ics --audio-root tests/fixtures/audio --db "$DB"
   --commune "Thị trấn Vĩnh Lộc" --period 2026-Q1 --as-of 2026-06-01 --format csv)
bom() { [ "$(head -c 3 "$1" | od -An -tx1 | tr -d ' ')" = "efbbbf" ]; }

expect_rc 0 "$LOAXA" report "${C[@]}" --format json --lang en -o "$T_TMP/q1.json"

# BOM: by default, with --bom, not with --no-bom (the last one given counts)
expect_rc 0 "$LOAXA" report "${C[@]}" && bom "$T_TMP/out" && ok "bom by default" \
    || fail "no bom by default"
expect_rc 0 "$LOAXA" report "${C[@]}" --bom && bom "$T_TMP/out" && ok "--bom" || fail "--bom"
expect_rc 0 "$LOAXA" report "${C[@]}" --no-bom && ! bom "$T_TMP/out" \
    && [ "$(head -c 1 "$T_TMP/out")" != "" ] && ok "--no-bom" || fail "--no-bom"
expect_rc 0 "$LOAXA" report "${C[@]}" --no-bom --bom && bom "$T_TMP/out" && ok "--no-bom --bom" \
    || fail "--no-bom --bom"

# The long format of before, for programs: --table all, byte for byte.
for spec in "report-q1.csv 2026-Q1" "report-range.csv 2026-01-10..2026-01-13"; do
    set -- $spec
    expect_rc 0 "$LOAXA" report "${C[@]}" --period "$2" --lang en --table all --no-bom \
        && cmp -s "$T_TMP/out" "$G/$1" && ok "--table all = $1" \
        || { fail "--table all differs from $1"; diff -u "$G/$1" "$T_TMP/out" | head >&2; }
done
expect_rc 0 "$LOAXA" report "${C[@]}" --lang en --table all && bom "$T_TMP/out" \
    && tail -c +4 "$T_TMP/out" | cmp -s - "$G/report-q1.csv" && ok "--table all with a bom" \
    || fail "--table all with a bom"

# One table per file: titles in the report's language, numbers for machines,
# the same figures as the JSON report.
for lang in vi en; do
    for t in summary items months; do
        expect_rc 0 "$LOAXA" report "${C[@]}" --lang "$lang" --table "$t" -o "$T_TMP/$t-$lang.csv"
    done
done
if "$PY" - "$T_TMP" "$T_TMP/q1.json" <<'EOF'; then ok "tables agree with the json"; else fail "tables"; fi
import csv, json, re, sys
d = sys.argv[1]
r = json.load(open(sys.argv[2]))
def read(name):
    raw = open("%s/%s" % (d, name), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), name
    assert b"\r\n" in raw and raw.endswith(b"\r\n"), name
    rows = list(csv.reader(open("%s/%s" % (d, name), encoding="utf-8-sig", newline="")))
    assert all(len(x) == len(rows[0]) for x in rows), name
    return rows
heads = {"vi": ["Tiêu đề", "Chủ đề", "Đơn vị", "Nguồn", "Kế hoạch", "Đã phát"],
         "en": ["Title", "Topic", "Unit", "Source", "Planned", "Aired"]}
for lang in ("vi", "en"):
    items = read("items-%s.csv" % lang)
    head, body, total = items[0], items[1:-1], items[-1]
    assert head[:6] == heads[lang], head
    assert len(body) == len(r["items"]), (len(body), len(r["items"]))
    pl = head.index(heads[lang][4])
    assert [int(x[pl]) for x in body] == [x["planned"] for x in r["items"]]
    assert int(total[pl]) == r["summary"]["planned"] == sum(int(x[pl]) for x in body)
    assert total[0] in ("Total", "Tổng cộng", "Tổng số"), total[0]
    # airtime: minutes with a dot decimal, whatever the language
    air = [i for i, h in enumerate(head) if "(minutes)" in h or "(phút)" in h]
    assert len(air) == 1, head
    for x, j in zip(body, r["items"]):
        assert re.fullmatch(r"\d+\.\d", x[air[0]]), x[air[0]]
        jm = j["minutes"] if "minutes" in j else j["aired_ms"] / 60000
        assert abs(float(x[air[0]]) - jm) <= 0.051, (x[air[0]], jm)
    # the machine column (UID) last
    assert [x[-1] for x in body] == [x["uid"] for x in r["items"]]
    months = read("months-%s.csv" % lang)
    assert [x[0] for x in months[1:-1]] == \
        ["%s/%s" % (m["month"][5:], m["month"][:4]) for m in r["months"]], months
    summ = read("summary-%s.csv" % lang)
    # the officer's columns first (figure, value), the machine key last
    byk = {x[-1]: x[1] for x in summ[1:]}
    assert int(byk["planned"]) == r["summary"]["planned"]
    assert float(byk["compliance_pct"]) == r["summary"]["compliance_pct"]
    for x in summ[1:] + items[1:]:
        for v in x:
            assert not re.fullmatch(r"\d{1,3}([.,]\d{3})+", v), ("grouped", v)
            assert not re.fullmatch(r"\d+,\d+", v), ("decimal comma", v)
EOF

# An unknown table: a usage error naming every table; each named one works.
expect_rc 2 "$LOAXA" report "${C[@]}" --lang en --table nosuch \
    && grep_in "$T_TMP/err" 'unknown table "nosuch" \(summary, items, topics, months, incidents.*, all\)' \
    && [ ! -s "$T_TMP/out" ] && ok "unknown table"
names=$(sed -n 's/.*unknown table "nosuch" (\(.*\)).*/\1/p' "$T_TMP/err" | tr -d ',')
n=0
for t in $names; do
    [ "$t" = all ] && continue
    if expect_rc 0 "$LOAXA" report "${C[@]}" --table "$t" --no-bom; then
        "$PY" -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1],newline="",encoding="utf-8")));
assert rows and all(len(x)==len(rows[0]) for x in rows), sys.argv[1]' "$T_TMP/out" \
            && n=$((n + 1)) || fail "table $t is not a grid"
    fi
done
[ "$n" -ge 5 ] && ok "every listed table ($n) is a grid" || fail "listed tables: $n"
# --table is the csv's: other formats have every table
expect_rc 2 "$LOAXA" report "${C[@]}" --lang en --format json --table items \
    && grep_in "$T_TMP/err" 'only as csv' && ok "--table with json refused"
# the help says it
expect_rc 0 "$LOAXA" report --help
grep_in "$T_TMP/out" '--table NAME' "help --table" && grep_in "$T_TMP/out" '--no-bom' "help --no-bom" \
    && grep_in "$T_TMP/out" 'table all' "help all" && ok "help names the csv options"
t_done
