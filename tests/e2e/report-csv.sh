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
"$MKLOG" tests/golden/plan.ics tests/fixtures/audio "$DB" 2025-12-15 2026-04-01 >/dev/null \
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
# the same figures as the JSON report; --keys: the same table for programs.
for lang in vi en; do
    for t in summary items months; do
        expect_rc 0 "$LOAXA" report "${C[@]}" --lang "$lang" --table "$t" -o "$T_TMP/$t-$lang.csv"
    done
done
expect_rc 0 "$LOAXA" report "${C[@]}" --table items --keys --no-bom -o "$T_TMP/items-keys.csv"
if "$PY" - "$T_TMP" "$T_TMP/q1.json" <<'EOF'; then ok "tables agree with the json"; else fail "tables"; fi
import csv, json, re, sys
d = sys.argv[1]
r = json.load(open(sys.argv[2]))
def read(name, bom=True):
    raw = open("%s/%s" % (d, name), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf") == bom, name
    assert b"\r\n" in raw and raw.endswith(b"\r\n"), name
    rows = list(csv.reader(open("%s/%s" % (d, name), encoding="utf-8-sig", newline="")))
    assert all(len(x) == len(rows[0]) for x in rows), name
    return rows
keys = read("items-keys.csv", bom=False)
kh, kbody = keys[0], keys[1:]
col = {k: i for i, k in enumerate(kh)}
assert all(re.fullmatch(r"[a-z_]+", k) for k in kh), kh
assert len(kbody) == len(r["items"]), (len(kbody), len(r["items"]))  # no total row
titles = {"vi": {"title": "Tiêu đề", "planned": "Kế hoạch", "aired": "Đã phát"},
          "en": {"title": "Title", "planned": "Planned", "aired": "Aired"}}
for lang in ("vi", "en"):
    items = read("items-%s.csv" % lang)
    head, body, total = items[0], items[1:-1], items[-1]
    assert len(head) == len(kh), (head, kh)
    for k, t in titles[lang].items():
        assert head[col[k]] == t, (lang, k, head)
    assert len(body) == len(r["items"]), (len(body), len(r["items"]))
    pl = col["planned"]
    assert [int(x[pl]) for x in body] == [x["planned"] for x in r["items"]]
    assert int(total[pl]) == r["summary"]["planned"] == sum(int(x[pl]) for x in body)
    assert total[0] in ("Total", "Tổng cộng"), total[0]
    # airtime: minutes with a dot decimal in any language, ms with --keys
    ms = [k for k in kh if k.endswith("_ms")]
    assert "aired_ms" in ms, kh
    for k in ms:
        i = col[k]
        assert head[i].endswith(" (minutes)") or head[i].endswith(" (phút)"), head[i]
        for x, y in zip(body, kbody):
            assert re.fullmatch(r"\d+\.\d", x[i]), x[i]
            assert re.fullmatch(r"\d+", y[i]), y[i]
            assert abs(float(x[i]) - int(y[i]) / 60000) <= 0.05 + 1e-9, (x[i], y[i])
    for y, j in zip(kbody, r["items"]):
        a = int(y[col["aired_ms"]])
        if "aired_ms" in j:
            assert a == j["aired_ms"], (a, j)
        else:
            assert abs(a / 60000 - j["minutes"]) <= 0.05 + 1e-9, (a, j)
        assert y[col["uid"]] == j["uid"]
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

# A plan's title that Excel would run as a formula: an apostrophe first in
# the officer's file, the text as it is for programs.
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//csv test//VI\r\n'
    printf 'BEGIN:VEVENT\r\nUID:inj@loaxa\r\nDTSTAMP:20251201T000000Z\r\n'
    printf 'DTSTART;TZID=Asia/Ho_Chi_Minh:20260101T060000\r\nDURATION:PT5M\r\n'
    printf 'RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:=HYPERLINK("http://127.0.0.1/"\\,"x")\r\n'
    printf 'CATEGORIES:@SUM(A1)\r\nATTACH:test/tone.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
} >"$T_TMP/inj.ics"
"$MKLOG" "$T_TMP/inj.ics" "$FIXTURES/audio" "$T_TMP/inj.db" 2026-01-01 2026-01-05 >/dev/null \
    || fail "report-mklog (inj)"
I=(--plan "$T_TMP/inj.ics" --audio-root tests/fixtures/audio --db "$T_TMP/inj.db"
   --period 2026-01 --as-of 2026-02-01 --format csv --table items --lang en --no-bom)
if expect_rc 0 "$LOAXA" report "${I[@]}" -o "$T_TMP/inj.csv" \
   && expect_rc 0 "$LOAXA" report "${I[@]}" --keys -o "$T_TMP/inj-keys.csv"; then
    "$PY" - "$T_TMP/inj.csv" "$T_TMP/inj-keys.csv" <<'EOF' && ok "no formulas for Excel" || fail "formula injection"
import csv, sys
a = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
b = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
assert a[1][0] == "'=HYPERLINK(\"http://127.0.0.1/\",\"x\")", a[1]
assert a[1][1] == "'@SUM(A1)", a[1]
assert b[1][0] == "=HYPERLINK(\"http://127.0.0.1/\",\"x\")" and b[1][1] == "@SUM(A1)", b[1]
EOF
fi

# An unknown table: a usage error naming every table; each named one works.
expect_rc 2 "$LOAXA" report "${C[@]}" --lang en --table nosuch \
    && grep_in "$T_TMP/err" 'unknown table "nosuch" \(summary, items, topics, .*, all\)$' \
    && grep_in "$T_TMP/err" ' months, ' && grep_in "$T_TMP/err" ' incidents[,)]' \
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
