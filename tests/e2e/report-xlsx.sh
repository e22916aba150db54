# The XLSX report read back with openpyxl against the JSON figures: a sheet
# per table, numbers as numbers, SUM formulas in the total rows with their
# cached results, A4 print setup fitted to the page width with repeated
# column titles, margins, page numbers, column widths from the content, the
# heading on the summary sheet, the month chart on text categories; then
# printed by LibreOffice (when its Calc is installed) to check what a
# reader shows: Vietnamese decimals, months as text, no machine columns.
. "$(dirname "$0")/lib.sh"
t_setup

MKLOG="$BUILDDIR/tests/e2e/report-mklog"
PY=/usr/bin/python3   # Debian's, with python3-openpyxl
G="$SRCDIR/tests/golden"
DB="$T_TMP/log.db"
"$MKLOG" "$G/plan.ics" "$FIXTURES/audio" "$DB" 2025-12-15 2026-04-01 >/dev/null \
    || { fail "report-mklog"; t_done; }
C=(--plan tests/golden/plan.ics --audio-root tests/fixtures/audio --db "$DB"
   --commune "Thị trấn Vĩnh Lộc" --period 2026-Q1 --as-of 2026-06-01)

for lang in en vi; do
    expect_rc 0 "$LOAXA" report "${C[@]}" --format json --lang "$lang" -o "$T_TMP/q1-$lang.json"
    expect_rc 0 "$LOAXA" report "${C[@]}" --format xlsx --lang "$lang" -o "$T_TMP/q1-$lang.xlsx"
done

# The tables in their order (the sheets'), named by the CSV's error; the
# item columns by their keys (the sheet's columns are the CSV's).
"$LOAXA" report "${C[@]}" --format csv --table '?' --lang en 2>"$T_TMP/keys.err"
TABLES=$(sed -n 's/.*unknown table "?" (\(.*\), all).*/\1/p' "$T_TMP/keys.err" | tr -d ' ')
ITEMCOLS=$("$LOAXA" report "${C[@]}" --format csv --table items --keys --no-bom | head -1 | tr -d '\r')
# approvals: a sheet only when the period has decisions (station.approval = signed); none here
TABLES=${TABLES/,approvals/}
[ -n "$TABLES" ] && [ -n "$ITEMCOLS" ] || fail "table names ($TABLES) or item keys ($ITEMCOLS)"

check() { # LANG XLSX: the workbook against the JSON
    "$PY" - "$1" "$2" "$T_TMP/q1-$1.json" "$TABLES" "$ITEMCOLS" <<'EOF'
import json, sys
import openpyxl
lang, path, jpath = sys.argv[1:4]
tables, itemcols = sys.argv[4].split(","), sys.argv[5].split(",")
r = json.load(open(jpath))
wb = openpyxl.load_workbook(path)                  # formulas as written
wv = openpyxl.load_workbook(path, data_only=True)  # their cached results
assert len(wb.sheetnames) == len(tables) >= 5, (wb.sheetnames, tables)
sheet = lambda key: wb.worksheets[tables.index(key)]
if lang == "en":
    names = {"summary": "Summary", "items": "By item", "months": "By month",
             "incidents": "Incidents"}
    assert all(sheet(k).title == v for k, v in names.items()), wb.sheetnames

def head_row(ws):
    """the row of the column titles: the first whose cells are all bold and bordered"""
    for row in ws.iter_rows():
        cells = [c for c in row if c.value is not None]
        if len(cells) >= 2 and all(c.font.b and c.border.bottom.style for c in cells):
            return row[0].row
    raise AssertionError("no column titles in " + ws.title)

for ws in wb.worksheets:
    # print setup: A4, one page wide, the titles on every page, the decree's margins
    assert ws.page_setup.paperSize == 9, (ws.title, ws.page_setup.paperSize)
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    # fitToWidth: 1 is the default, left out of the file
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title
    assert ws.page_setup.orientation in ("portrait", "landscape"), ws.title
    h = head_row(ws)
    assert (ws.print_title_rows or "").replace("$", "") == "%d:%d" % (h, h), \
        (ws.title, ws.print_title_rows, h)
    assert ws.print_area, ws.title
    m = ws.page_margins
    assert abs(m.left - 30 / 25.4) < 0.01 and abs(m.right - 15 / 25.4) < 0.01, (ws.title, m)
    assert abs(m.top - 20 / 25.4) < 0.01 and abs(m.bottom - 20 / 25.4) < 0.01, (ws.title, m)
    foot = ws.oddFooter.center.text or ""
    assert "&P" in foot and "&N" in foot, (ws.title, foot)
    # every used column has a width that holds its short cells
    for col in range(1, ws.max_column + 1):
        letter = openpyxl.utils.get_column_letter(col)
        dim = ws.column_dimensions[letter]
        assert dim.width and dim.width >= 6, (ws.title, letter, dim.width)
        for row in ws.iter_rows(min_row=h + 1, min_col=col, max_col=col):
            v = row[0].value
            if isinstance(v, str) and not v.startswith("=") and not row[0].alignment.wrap_text \
                    and row[0].coordinate not in ws.merged_cells and len(v) < 45:
                assert dim.width >= len(v), (ws.title, letter, v, dim.width)
    if ws.title != wb.sheetnames[0]:
        assert ws.freeze_panes == "A%d" % (h + 1), (ws.title, ws.freeze_panes)

def body(ws):
    """the rows under the titles, up to the first empty row"""
    h = head_row(ws)
    rows = []
    for row in ws.iter_rows(min_row=h + 1):
        if all(c.value is None for c in row):
            break
        rows.append(row)
    return h, rows

# the summary: the heading above the table, numbers as numbers
s = wb.worksheets[0]
top = [c.value.replace("\n", " ") for row in s.iter_rows(max_row=head_row(s) - 1)
       for c in row if c.value]
assert "ỦY BAN NHÂN DÂN" in top and "THỊ TRẤN VĨNH LỘC" in top, top
assert r["title"] in top, (r["title"], top)
assert any(r["period"]["title" if lang == "en" else "title_vi"] in str(t) for t in top), top
assert any("2026-Q1" in str(t) for t in top), top
h, rows = body(s)
# the figure, its value, then its machine key (outside the print area)
vals = {row[2].value: row[1] for row in rows}
planned = vals["planned"]
assert planned.value == r["summary"]["planned"] and isinstance(planned.value, int), planned.value
assert planned.number_format.endswith("#,##0"), planned.number_format
pct = vals["compliance_pct"]
assert pct.number_format.endswith("0.0%"), pct.number_format
assert abs(pct.value * 100 - r["summary"]["compliance_pct"]) < 0.05, pct.value
if lang == "vi":  # tagged Vietnamese: LibreOffice shows 83,1%
    assert pct.number_format.startswith("[$-42A]"), pct.number_format

# items: integers, minutes to a tenth, a total row of SUM formulas with cached sums
it = sheet("items")
h, rows = body(it)
items, total = rows[:-1], rows[-1]
assert len(items) == len(r["items"]), (len(items), len(r["items"]))
heads = [c.value for c in it[h]]
assert len(heads) == len(itemcols), (heads, itemcols)
pl = itemcols.index("planned")
assert heads[pl] == {"en": "Planned", "vi": "Kế hoạch"}[lang], heads
assert [x[pl].value for x in items] == [x["planned"] for x in r["items"]]
assert all(isinstance(x[pl].value, int) for x in items)
air = itemcols.index("aired_ms")
assert heads[air].endswith({"en": " (minutes)", "vi": " (phút)"}[lang]) \
    or heads[air].endswith(" (minutes)"), heads[air]
for x, j in zip(items, r["items"]):
    assert isinstance(x[air].value, (int, float)), x[air].value
    assert x[air].number_format.endswith("#,##0.0"), x[air].number_format
    jm = j["aired_ms"] / 60000 if "aired_ms" in j else j["minutes"]
    assert abs(x[air].value - jm) <= 0.051, (x[air].value, jm)
formulas = [c for c in total if c.data_type == "f"]
assert len(formulas) >= 5, [(c.value, c.data_type) for c in total]
assert all(str(c.value).startswith("=SUM(") for c in formulas)
cached = {c.column: wv[it.title].cell(row=c.row, column=c.column).value for c in formulas}
assert cached[pl + 1] == r["summary"]["planned"], cached
for col, v in cached.items():
    assert abs(v - sum(x[col - 1].value for x in items)) < 1e-9, (col, v)
# airtime stored exact (shown to a tenth): its total is the summary's, not a
# sum of rounded cells
assert abs(cached[air + 1] - r["summary"]["total_ms"] / 60000) < 1e-9, \
    (cached[air + 1], r["summary"]["total_ms"])
# the machine column (UID) is outside the print area, the officer's inside
uid = itemcols.index("uid")
area = it.print_area if isinstance(it.print_area, str) else it.print_area[0]
last_col = area.split(":")[-1].replace("$", "").rstrip("0123456789")
printed = openpyxl.utils.column_index_from_string(last_col)
assert uid >= printed > max(pl, air, itemcols.index("title")), (area, itemcols)
# a wrapped column's rows are as high as their lines
wrapped = [row for row in items if any(c.alignment.wrap_text for c in row)]
assert wrapped, "no wrapped column"
for row in wrapped:
    long = max((c for c in row if c.alignment.wrap_text), key=lambda c: len(str(c.value or "")))
    if len(str(long.value or "")) > it.column_dimensions[long.column_letter].width:
        assert (it.row_dimensions[row[0].row].height or 0) > 16, row[0].row

# months: text months, a total row, the chart over the text cells
mo = sheet("months")
h, rows = body(mo)
months, total = rows[:-1], rows[-1]
assert [x[0].value for x in months] == ["%s/%s" % (m["month"][5:], m["month"][:4])
                                        for m in r["months"]], [x[0].value for x in months]
assert all(x[0].data_type == "s" for x in months)
assert any(c.data_type == "f" for c in total)
assert len(mo._charts) == 1
ser = mo._charts[0].series[0]
assert ser.cat.strRef is not None and ser.cat.numRef is None, ser.cat
ref = ser.cat.strRef.f.split("!")[1].replace("$", "")
first, last = ref.split(":")
cats = [c.value for row in mo[first:last] for c in row]
assert cats == [x[0].value for x in months], (ref, cats)
vref = ser.val.numRef.f.split("!")[1].replace("$", "")
vals = [c.value for row in mo[vref.split(":")[0]:vref.split(":")[1]] for c in row]
assert vals == [m["airings"] for m in r["months"]], vals

# incidents: times are dates
inc = sheet("incidents")
h, rows = body(inc)
assert len(rows) == len(r["incidents"]), (len(rows), len(r["incidents"]))
assert all(x[0].is_date for x in rows)
EOF
}
for lang in en vi; do
    if check "$lang" "$T_TMP/q1-$lang.xlsx"; then ok "xlsx read back ($lang)"; else fail "xlsx ($lang)"; fi
done

# The same report twice is the same file (created: when the report was made).
sleep 1
expect_rc 0 "$LOAXA" report "${C[@]}" --format xlsx --lang en -o "$T_TMP/again.xlsx" \
    && cmp -s "$T_TMP/q1-en.xlsx" "$T_TMP/again.xlsx" && ok "xlsx reproducible" \
    || fail "xlsx differs between two runs"

# The issuing body from report.issuer, its lines in capitals.
expect_rc 0 "$LOAXA" report "${C[@]}" --format xlsx --lang vi -o "$T_TMP/iss.xlsx" \
    --set "report.issuer=ủy ban nhân dân huyện Yên Định | xã Định Hải"
if "$PY" - "$T_TMP/iss.xlsx" <<'EOF'; then ok "xlsx issuer"; else fail "xlsx issuer"; fi
import sys, openpyxl
s = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
assert (s["A1"].value, s["A2"].value) == ("ỦY BAN NHÂN DÂN HUYỆN YÊN ĐỊNH", "XÃ ĐỊNH HẢI"), \
    (s["A1"].value, s["A2"].value)
assert s["A1"].font.b
EOF

# A title longer than a cell holds (32767 characters): cut, not left out,
# its row no higher than Excel allows (409 pt).
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//xlsx test//VI\r\n'
    printf 'BEGIN:VEVENT\r\nUID:long@loaxa\r\nDTSTAMP:20251201T000000Z\r\n'
    printf 'DTSTART;TZID=Asia/Ho_Chi_Minh:20260101T060000\r\nDURATION:PT5M\r\n'
    printf 'RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:'
    for _ in $(seq 4000); do printf 'Tiêu đề dài '; done
    printf '\r\nATTACH:test/tone.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
} >"$T_TMP/long.ics"
"$MKLOG" "$T_TMP/long.ics" "$FIXTURES/audio" "$T_TMP/long.db" 2026-01-01 2026-01-05 >/dev/null \
    || fail "report-mklog (long)"
expect_rc 0 "$LOAXA" report --plan "$T_TMP/long.ics" --audio-root tests/fixtures/audio \
    --db "$T_TMP/long.db" --period 2026-01 --as-of 2026-02-01 --format xlsx -o "$T_TMP/long.xlsx"
if "$PY" - "$T_TMP/long.xlsx" <<'EOF'; then ok "xlsx: a long title cut"; else fail "xlsx long title"; fi
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[1]
v = ws["A2"].value
assert v and v.startswith("Tiêu đề dài Tiêu đề") and 20000 < len(v) <= 32767, len(v or "")
assert 100 < ws.row_dimensions[2].height <= 409, ws.row_dimensions[2].height
EOF

# Printed by LibreOffice: what a reader shows.
if [ -e /usr/lib/libreoffice/program/libsclo.so ] && command -v soffice >/dev/null \
        && command -v pdftotext >/dev/null; then
    for lang in en vi; do
        HOME="$T_TMP" timeout 120 soffice --headless "-env:UserInstallation=file://$T_TMP/lo" \
            --convert-to pdf --outdir "$T_TMP/pdf-$lang" "$T_TMP/q1-$lang.xlsx" \
            >"$T_TMP/lo.out" 2>&1 || { fail "soffice ($lang)"; cat "$T_TMP/lo.out" >&2; }
        pdftotext -layout "$T_TMP/pdf-$lang/q1-$lang.pdf" "$T_TMP/q1-$lang.txt" \
            || fail "pdftotext ($lang)"
        pdfinfo "$T_TMP/pdf-$lang/q1-$lang.pdf" >"$T_TMP/info-$lang" || fail "pdfinfo ($lang)"
    done
    if "$PY" - "$T_TMP" "$T_TMP/q1-en.json" <<'EOF'; then ok "xlsx printed by LibreOffice"; else fail "xlsx printed"; fi
import json, re, sys
import openpyxl
d = sys.argv[1]
r = json.load(open(sys.argv[2]))
for lang in ("en", "vi"):
    text = open("%s/q1-%s.txt" % (d, lang), encoding="utf-8").read()
    info = open("%s/info-%s" % (d, lang)).read()
    pct = "%.1f%%" % r["summary"]["compliance_pct"]
    if lang == "vi":
        pct = pct.replace(".", ",")
    assert pct in text, (lang, pct)
    # the months as text, in the table and under the chart, never as serial numbers
    for m in r["months"]:
        mm = "%s/%s" % (m["month"][5:], m["month"][:4])
        assert text.count(mm) >= 2, (lang, mm, text.count(mm))
    assert not re.search(r"\b4[5-7]\d{3}\b", text), re.findall(r"\b4[5-7]\d{3}\b", text)
    # the machine columns stay off the paper
    assert "@golden.loaxa" not in text
    # every sheet on its own page(s), every page A4, page numbers in the footer
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    sheets = len(openpyxl.load_workbook("%s/q1-%s.xlsx" % (d, lang)).sheetnames)
    assert pages == sheets, (lang, pages, sheets)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    assert sorted(round(float(x)) for x in size) == [595, 842], size
    assert ("Page 1 of %d" % pages) in text or ("Trang 1/%d" % pages) in text, lang
EOF
elif [ -n "${CI:-}" ]; then
    fail "LibreOffice Calc (libreoffice-calc-nogui) is needed under CI"
else
    echo "skip: LibreOffice Calc is not installed (libreoffice-calc-nogui)"
fi
t_done
