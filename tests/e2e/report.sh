# `loaxa report` on a fixed log (tests/golden/mklog.c over tests/golden/plan.ics):
# text, csv and json byte for byte against tests/golden/; html parsed with
# html.parser and xlsx opened with openpyxl, both cross-checked against the
# json figures; periods, errors, and a report while another process holds
# a write transaction (WAL). LOAXA_UPDATE_GOLDEN=1 rewrites the goldens.
. "$(dirname "$0")/lib.sh"
t_setup

MKLOG="$BUILDDIR/tests/e2e/report-mklog"
PY=/usr/bin/python3   # Debian's, with python3-openpyxl
G="$SRCDIR/tests/golden"
DB="$T_TMP/log.db"
"$MKLOG" tests/golden/plan.ics tests/fixtures/audio "$DB" 2025-12-15 2026-04-01 >/dev/null \
    || { fail "report-mklog"; t_done; }
C=(--plan tests/golden/plan.ics --audio-root tests/fixtures/audio --db "$DB"
   --commune "Thị trấn Vĩnh Lộc")

golden() { # NAME ARGS...: the report with ARGS must equal tests/golden/NAME
    local name=$1; shift
    if ! expect_rc 0 "$LOAXA" report "${C[@]}" "$@"; then return; fi
    if [ -n "${LOAXA_UPDATE_GOLDEN:-}" ]; then cp "$T_TMP/out" "$G/$name"; fi
    if cmp -s "$T_TMP/out" "$G/$name"; then ok "golden $name"
    else fail "golden $name differs"; diff -u "$G/$name" "$T_TMP/out" | head -30 >&2; fi
}
golden report-q1.txt --period 2026-Q1 --as-of 2026-06-01 --lang en
golden report-q1.csv --period 2026-Q1 --as-of 2026-06-01 --lang en --format csv \
    --table all --no-bom
golden report-q1.json --period 2026-Q1 --as-of 2026-06-01 --lang en --format json
# nd09 quarter that starts in the previous December, cut at an as-of inside it
golden report-q1-nd09-partial.txt --period 2026-Q1 --cutoff nd09 --as-of 2026-02-10T12:00 \
    --generated-at 2026-02-10T12:05 --lang en
golden report-month.json --period 2026-02 --as-of 2026-06-01 --lang en --format json
golden report-range.csv --period 2026-01-10..2026-01-13 --as-of 2026-06-01 --lang en \
    --format csv --table all --no-bom

# The figures add up and trace back to the log: outcomes partition planned,
# and "aired" equals the aired plan rows `loaxa log` lists.
"$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format json >"$T_TMP/q1.json"
"$LOAXA" log --db "$DB" --from 2026-01-01 --to 2026-03-31 --status aired --format json \
    >"$T_TMP/aired.json"
if "$PY" - "$T_TMP/q1.json" "$T_TMP/aired.json" <<'EOF'; then ok "figures add up"; else fail "figures"; fi
import json, sys
r = json.load(open(sys.argv[1])); rows = json.load(open(sys.argv[2]))
s = r["summary"]
# planned is the plan after cancellations, without what was not approved
parts = sum(s[k] for k in ("aired", "interrupted", "failed", "missed", "on_air", "unlogged"))
assert parts == s["planned"], (parts, s["planned"])
assert s["scheduled"] == s["planned"] + s["cancelled"] + s["not_approved"]
plan_aired = {x["occurrence"] for x in rows if not x["occurrence"].startswith("adhoc/")}
assert len(plan_aired) == s["aired"], (len(plan_aired), s["aired"])
assert sum(i["planned"] for i in r["items"]) == s["planned"]
assert sum(m["planned"] for m in r["months"]) == s["planned"]
assert sum(m["aired"] for m in r["months"]) == s["aired"]
assert sum(i["planned_ms"] for i in r["items"]) == s["planned_ms"]
assert sum(m["planned_ms"] for m in r["months"]) == s["planned_ms"]
assert sum(l["planned"] for l in r["levels"]) == s["planned"]
assert sum(u["planned"] for u in r["units"]) == s["planned"]
# one ad hoc emergency, one other ad hoc airing: both ad hoc
assert s["emergency_airings"] == 1 and s["adhoc_airings"] == 2
assert sum(g["count"] for g in r["incident_summary"]) == len(r["incidents"]) == s["incidents"]
assert abs(s["compliance_pct"] - round(100 * s["aired"] / s["planned"], 1)) < 1e-9
EOF

# HTML: a parsed document with the administrative heading (Vietnamese in any
# language; the body in the report's language), the tables (total rows
# apart) and one SVG bar per month, agreeing with the JSON.
expect_rc 0 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format html --lang en \
    -o "$T_TMP/q1.html"
if "$PY" - "$T_TMP/q1.html" "$T_TMP/q1.json" <<'EOF'; then ok "html structure"; else fail "html"; fi
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.tables = {}; self.cur = None
        self.text = []; self.bars = []; self.cell = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("br", "meta", "line", "rect", "path"): self.stack.append(tag)
        if tag == "table" and a.get("id"): self.cur = a["id"]; self.tables[self.cur] = []
        if tag == "tr" and self.cur and a.get("class") != "total": self.tables[self.cur].append([])
        if tag == "tr" and a.get("class") == "total": self.cur_total = self.cur; self.cur = None
        if tag in ("td", "th") and self.cur: self.cell = ""
        if tag == "rect" and a.get("class") == "bar": self.bars.append(float(a["height"]))
    def handle_endtag(self, tag):
        if tag in ("br", "meta", "line", "rect", "path"): return
        assert self.stack and self.stack[-1] == tag, (self.stack[-5:], tag)
        self.stack.pop()
        if tag in ("td", "th") and self.cur and self.cell is not None:
            self.tables[self.cur][-1].append(self.cell); self.cell = None
        if tag == "tr" and getattr(self, "cur_total", None): self.cur = self.cur_total; self.cur_total = None
        if tag == "table": self.cur = None
    def handle_data(self, d):
        self.text.append(d)
        if self.cell is not None: self.cell += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
assert not p.stack, p.stack
text = "".join(p.text)
for s in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
          "THỊ TRẤN VĨNH LỘC", "Số: ......./BC-UBND", "REPORT", "quarter I of 2026",
          "Vĩnh Lộc, ngày 01 tháng 6 năm 2026", "I. RESULTS", "Nơi nhận:", "PHỤ LỤC"):
    assert s in text, s
r = json.load(open(sys.argv[2]))
summ = {row[0]: row[1] for row in p.tables["summary"][1:]}
assert int(summ["Planned airings (after cancellations)"]) == r["summary"]["planned"]
assert int(summ["aired"]) == r["summary"]["aired"]
assert len(p.tables["items"]) - 1 == len(r["items"])
assert len(p.tables["incidents"]) - 1 == len(r["incidents"])
assert len(p.bars) == len(r["months"]) == len(p.tables["months"]) - 1
# bars are proportional to the airings of each month
airings = [m["airings"] for m in r["months"]]
for h, a in zip(p.bars, airings):
    assert abs(h / max(p.bars) - a / max(airings)) < 0.01, (h, a)
EOF

# XLSX: read back in report-xlsx.sh.
expect_rc 0 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format xlsx \
    --lang en -o "$T_TMP/q1.xlsx"
# xlsx to a pipe works too (written to a temporary file, then copied)
"$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format xlsx >"$T_TMP/p.xlsx"
[ "$(head -c 2 "$T_TMP/p.xlsx")" = "PK" ] && ok "xlsx to stdout" || fail "xlsx to stdout"

# ... and to a pipe it is the same workbook as with -o (the module's
# temporary file), apart from the creation time.
"$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format xlsx --lang en \
    >"$T_TMP/p-en.xlsx"
if "$PY" - "$T_TMP/q1.xlsx" "$T_TMP/p-en.xlsx" <<'EOF'; then ok "xlsx: pipe = -o"; else fail "xlsx: pipe differs from -o"; fi
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
assert a.namelist() == b.namelist(), (a.namelist(), b.namelist())
for n in a.namelist():
    if n != "docProps/core.xml":
        assert a.read(n) == b.read(n), n
EOF
# A binary format is refused on a terminal (asked of the registry, named
# in the message), and nothing is written.
if command -v script >/dev/null; then
    expect_rc 2 script -qec "'$LOAXA' report --plan tests/golden/plan.ics --audio-root tests/fixtures/audio --db '$DB' --period 2026-Q1 --as-of 2026-06-01 --lang en --format xlsx" /dev/null \
        && grep_in "$T_TMP/out" 'xlsx format is binary' "binary to a terminal" \
        && ! grep -q 'PK' "$T_TMP/out" && ok "binary format refused on a terminal"
fi
# The usage and the errors list every format of the registry.
expect_rc 0 "$LOAXA" report --help
for f in text csv html xlsx json; do
    grep_in "$T_TMP/out" "^  $f +[a-z]" "usage lists $f" || break
done && ok "usage lists the formats"
expect_rc 2 "$LOAXA" report "${C[@]}" --period 2026 --format pdf --lang en \
    && grep_in "$T_TMP/err" 'unknown format "pdf" \(text, csv, html, xlsx, docx, odt, json\)' && ok "bad format lists the formats"
# An output that cannot be written is an error naming it, in every format.
for f in text xlsx; do
    expect_rc 1 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --lang en \
        --format "$f" -o "$T_TMP/no/such/dir/r.$f" && grep_in "$T_TMP/err" "no/such/dir/r.$f" \
        && ok "unwritable -o ($f)"
done

# Vietnamese is the default: the legal heading is rendered directly.
expect_rc 0 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format html
grep_in "$T_TMP/out" 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' "vi heading" && ok "vietnamese heading"
grep_in "$T_TMP/out" '<html lang="vi">' "html lang"

# CSV with a BOM for Excel
expect_rc 0 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format csv --bom
[ "$(head -c 3 "$T_TMP/out" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && ok "bom" || fail "bom"

# -o writes the file and nothing to stdout
expect_rc 0 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --lang en \
    -o "$T_TMP/q1.txt" && [ ! -s "$T_TMP/out" ] && cmp -s "$T_TMP/q1.txt" "$G/report-q1.txt" \
    && ok "-o FILE" || fail "-o FILE"

# Errors: usage (2), problems (1)
expect_rc 2 "$LOAXA" report "${C[@]}" --period 2026-Q5 && grep_in "$T_TMP/err" 'Q5' && ok "bad period"
expect_rc 2 "$LOAXA" report "${C[@]}" && ok "period required"
expect_rc 2 "$LOAXA" report "${C[@]}" --period 2026 --format pdf && ok "bad format"
expect_rc 2 "$LOAXA" report "${C[@]}" --period 2026 --as-of yesterday && ok "bad as-of"
expect_rc 1 "$LOAXA" report "${C[@]}" --period 2027 --as-of 2026-06-01 --lang en \
    && grep_in "$T_TMP/err" 'not started' && ok "future period"
expect_rc 1 "$LOAXA" report "${C[@]}" --db "$T_TMP/none.db" --period 2026 --lang en \
    && grep_in "$T_TMP/err" 'none.db' && ok "missing log"
[ ! -e "$T_TMP/none.db" ] && ok "missing log not created" || fail "report created a log"

# On a log written by `loaxa simulate` (the daemon's core on a virtual
# clock): everything planned aired, and simulating again changes nothing.
SIM=(--plan tests/golden/plan.ics --audio-root tests/fixtures/audio --db "$T_TMP/sim.db")
sim_report() {
    "$LOAXA" report "${SIM[@]}" --period 2026-Q1 --as-of 2026-06-01 --format json >"$T_TMP/$1"
}
if expect_rc 0 "$LOAXA" simulate "${SIM[@]}" --from 2025-12-15 --to 2026-04-01 && sim_report s1 &&
   expect_rc 0 "$LOAXA" simulate "${SIM[@]}" --from 2025-12-15 --to 2026-04-01 && sim_report s2; then
    if "$PY" - "$T_TMP/s1" "$T_TMP/s2" <<'EOF'; then ok "simulated log"; else fail "simulated log"; fi
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
s = a["summary"]
assert (s["planned"], s["aired"], s["cancelled"], s["unlogged"]) == (118, 118, 1, 0), s
assert s["compliance_pct"] == 100.0 and s["airings"] == 118
assert a == b
EOF
fi

# A report while another process holds a write transaction (WAL): it
# neither waits nor sees the uncommitted rows.
"$PY" - "$DB" "$T_TMP/fifo" <<'EOF' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
for i in range(1000):
    db.execute("INSERT INTO airing (occ_key, attempt, uid, planned_start_ms, planned_end_ms,"
               " status, source, played_ms) VALUES (?, 1, 'w', 1769904000000, 1769904001000, 'aired',"
               " 'adhoc', 1000)", ("adhoc/w%d" % i,))
open(sys.argv[2] + ".ready", "w").close()
while not os.path.exists(sys.argv[2] + ".done"):
    time.sleep(0.05)
db.execute("COMMIT")
EOF
WPID=$!
for _ in $(seq 200); do [ -e "$T_TMP/fifo.ready" ] && break; sleep 0.05; done
expect_rc 0 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --lang en \
    && cmp -s "$T_TMP/out" "$G/report-q1.txt" && ok "report during a write transaction" \
    || fail "report during a write transaction"
touch "$T_TMP/fifo.done"
wait "$WPID" || fail "writer"
expect_rc 0 "$LOAXA" report "${C[@]}" --period 2026-Q1 --as-of 2026-06-01 --format json
grep_in "$T_TMP/out" '"adhoc_airings": 1002' "after commit" && ok "committed rows counted"

# no commune set: an official report says so instead of carrying a name
C0=(--plan tests/golden/plan.ics --audio-root tests/fixtures/audio --db "$DB" --commune=)
if expect_rc 0 "$LOAXA" report "${C0[@]}" --period 2026-Q1 --as-of 2026-06-01; then
    grep_in "$T_TMP/out" "^\(chưa đặt tên xã: đặt station.commune trong loaxa.conf\)$" "commune not set"
    grep -q "Vĩnh Lộc" "$T_TMP/out" && fail "a compiled-in commune name"
fi
t_done
