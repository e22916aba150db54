# The editable documents (issue 11): a year report as DOCX and ODT, read
# back as zips of well-formed XML with the parts each format needs, then
# converted to PDF by LibreOffice headless, whose text must hold the
# heading, title, sections, a figure of the JSON report, "Nơi nhận" and the
# signer, on A4 pages, more than one. T_PNG=FILE: page 1 of the DOCX's PDF
# as a PNG (for a note).
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
PY=/usr/bin/python3
SOFFICE=$(command -v soffice || true)
PLAN="$T_TMP/year.ics"
ev() { # UID DTSTART RRULE SUMMARY CATEGORIES UNIT PRIORITY
    printf 'BEGIN:VEVENT\r\nUID:%s@docx.loaxa\r\nDTSTAMP:20251201T000000Z\r\n' "$1"
    printf 'DTSTART;TZID=Asia/Ho_Chi_Minh:%s\r\nDURATION:PT10M\r\n' "$2"
    [ -z "$3" ] || printf 'RRULE:%s\r\n' "$3"
    printf 'SUMMARY:%s\r\nCATEGORIES:%s\r\nX-LOAXA-UNIT:%s\r\nPRIORITY:%s\r\n' "$4" "$5" "$6" "$7"
    printf 'ATTACH:test/tone.wav\r\nEND:VEVENT\r\n'
}
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//docx test//VI\r\n'
    ev thoi-su 20260101T060000 'FREQ=DAILY' 'Bản tin thời sự sáng' 'Thời sự' 'UBND thị trấn' 5
    ev thoi-su-chieu 20260101T170000 'FREQ=DAILY' 'Bản tin thời sự chiều' 'Thời sự' 'UBND thị trấn' 5
    ev phap-luat 20260101T113000 'FREQ=DAILY' 'Phổ biến pháp luật' 'Pháp luật' 'Tư pháp' 5
    ev nong-nghiep 20260106T173000 'FREQ=WEEKLY;BYDAY=TU,SA' 'Chuyên mục Nông nghiệp <&> "A"' \
        'Nông nghiệp' 'Hội Nông dân' 5
    ev y-te 20260105T180000 'FREQ=WEEKLY;BYDAY=MO' 'Y tế cộng đồng' 'Y tế' 'Trạm Y tế' 5
    ev bao 20260915T070000 '' 'Cảnh báo bão số 5' 'Phòng chống thiên tai' 'Ban Chỉ huy PCTT' 1
    printf 'END:VCALENDAR\r\n'
} >"$PLAN"
DB="$T_TMP/year.db"
export LOAXA_CONFIG="$T_TMP/loaxa.conf"
printf '[station]\ncommune = Thị trấn Vĩnh Lộc\n[report]\nsigner = Nguyễn Văn An\n' >"$LOAXA_CONFIG"
C=(--plan "$PLAN" --audio-root "$FIXTURES/audio" --db "$DB")
expect_rc 0 "$LOAXA" simulate "${C[@]}" --from 2026-01-01 --to 2027-01-01 || t_done
R=("${C[@]}" --period 2026 --as-of 2027-01-05 --lang vi)
expect_rc 0 "$LOAXA" report "${R[@]}" --format json && cp "$T_TMP/out" "$T_TMP/r.json"
for f in docx odt; do
    expect_rc 0 "$LOAXA" report "${R[@]}" --format "$f" -o "$T_TMP/r.$f" && ok "$f written"
done
# to a pipe as well (libzip cannot seek there): the same members
"$LOAXA" report "${R[@]}" --format docx | cat >"$T_TMP/pipe.docx"
"$PY" -c 'import sys, zipfile as z; a, b = (z.ZipFile(f) for f in sys.argv[1:]); assert a.testzip() is None and a.namelist() == b.namelist()' \
    "$T_TMP/pipe.docx" "$T_TMP/r.docx" && ok "docx to a pipe" || fail "docx to a pipe"

# The packages: members, order, well-formed XML, structure.
if "$PY" - "$T_TMP/r.docx" "$T_TMP/r.odt" <<'PYEOF'; then ok "packages"; else fail "packages"; fi
import sys, zipfile, xml.etree.ElementTree as ET
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
d = zipfile.ZipFile(sys.argv[1])
names = d.namelist()
for n in ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
          "word/settings.xml", "word/header1.xml", "word/_rels/document.xml.rels",
          "docProps/core.xml"]:
    assert n in names, n
xml = {n: ET.fromstring(d.read(n)) for n in names if n.endswith((".xml", ".rels"))}
doc = xml["word/document.xml"]
sect = doc.find(f"{W}body/{W}sectPr")
pg, mar = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
assert (pg.get(f"{W}w"), pg.get(f"{W}h")) == ("11906", "16838"), pg.attrib
assert [mar.get(W + k) for k in ("top", "bottom", "left", "right")] == ["1134", "1134", "1701", "850"]
tbls = doc.findall(f".//{W}tbl")
assert len(tbls) >= 4, len(tbls)
assert any(t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None for t in tbls), "no header rows"
assert any(t.find(f"{W}tblPr/{W}tblBorders") is not None for t in tbls), "no borders"
styles = {s.get(f"{W}styleId") for s in xml["word/styles.xml"].iter(f"{W}style")}
assert {"Normal", "Title", "Heading1", "Heading2", "BodyText"} <= styles, styles
used = {p.get(f"{W}val") for p in doc.iter(f"{W}pStyle")}
assert {"Title", "Heading1", "Heading2", "BodyText"} <= used, used
assert "Times New Roman" in d.read("word/styles.xml").decode()
assert b" PAGE " in d.read("word/header1.xml")
core = d.read("docProps/core.xml").decode()
assert "<dc:creator>loaxa</dc:creator>" in core and "<dc:title>" in core, core

o = zipfile.ZipFile(sys.argv[2])
info = o.infolist()
assert info[0].filename == "mimetype" and info[0].compress_type == zipfile.ZIP_STORED
assert o.read("mimetype") == b"application/vnd.oasis.opendocument.text"
for n in ["META-INF/manifest.xml", "content.xml", "styles.xml", "meta.xml"]:
    ET.fromstring(o.read(n))
O = "{urn:oasis:names:tc:opendocument:xmlns:%s:1.0}"
c = ET.fromstring(o.read("content.xml"))
assert len(c.findall(".//" + O % "table" + "table")) >= 4
assert c.find(".//" + O % "table" + "table-header-rows") is not None
assert len(c.findall(".//" + O % "text" + "h")) >= 3
s = o.read("styles.xml").decode()
assert 'fo:page-width="210mm"' in s and 'fo:margin-left="30mm"' in s and "text:page-number" in s
assert "<dc:title>" in o.read("meta.xml").decode()
PYEOF

# Text from the plan and the settings is escaped, and characters XML
# forbids are dropped: markup and a control character in the signer.
CONF="$T_TMP/esc.conf"
printf '[report]\nsigner = Lê <Văn> & "B"\x01\nrecipients = Sở VH&TT|Lưu: VT\n' >"$CONF"
for f in docx odt; do
    LOAXA_CONFIG="$CONF" "$LOAXA" report "${R[@]}" --format "$f" -o "$T_TMP/esc.$f" \
        2>"$T_TMP/err" || fail "$f with markup in settings: $(cat "$T_TMP/err")"
done
if "$PY" - "$T_TMP/esc.docx" "$T_TMP/esc.odt" <<'PYEOF'; then ok "outside text escaped"; else fail "outside text escaped"; fi
import sys, zipfile, xml.etree.ElementTree as ET
for path, part in ((sys.argv[1], "word/document.xml"), (sys.argv[2], "content.xml")):
    text = "".join(ET.fromstring(zipfile.ZipFile(path).read(part)).itertext())
    for want in ('Lê <Văn> & "B"', "Sở VH&TT", 'Nông nghiệp <&> "A"'):
        assert want in text, (path, want)
    assert "\x01" not in text
PYEOF

if [ -z "$SOFFICE" ]; then echo "SKIP: LibreOffice (soffice) not installed"; exit 77; fi
# LibreOffice with a profile of its own: parallel runs must not share one.
export HOME="$T_TMP/home"
mkdir -p "$HOME"
for f in docx odt; do
    mkdir -p "$T_TMP/pdf-$f"
    timeout 300 "$SOFFICE" "-env:UserInstallation=file://$T_TMP/lo-$f" --headless \
        --convert-to pdf --outdir "$T_TMP/pdf-$f" "$T_TMP/r.$f" >"$T_TMP/lo.out" 2>&1
    P="$T_TMP/pdf-$f/r.pdf"
    if [ ! -s "$P" ]; then
        fail "$f: LibreOffice made no PDF"; sed 's/^/  | /' "$T_TMP/lo.out" >&2; continue
    fi
    pdftotext "$P" "$T_TMP/$f.txt"
    pdfinfo "$P" >"$T_TMP/$f.info"
    if "$PY" - "$T_TMP/r.json" "$T_TMP/$f.txt" "$T_TMP/$f.info" "$f" "$T_TMP/r.docx" <<'PYEOF'; then ok "$f: LibreOffice's PDF"; else fail "$f: LibreOffice's PDF"; fi
import json, re, sys, zipfile, xml.etree.ElementTree as ET
r = json.load(open(sys.argv[1]))
flat = re.sub(r"\s+", " ", open(sys.argv[2]).read())
info = open(sys.argv[3]).read()
fmt = sys.argv[4]
def need(s):
    s = re.sub(r"\s+", " ", s).strip()
    assert s in flat, f"{fmt}: {s!r} not in the PDF's text"
# the words of the form (Vietnamese in any language) and the settings
for s in ["ỦY BAN NHÂN DÂN", "THỊ TRẤN VĨNH LỘC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "Độc lập - Tự do - Hạnh phúc", "Vĩnh Lộc, ngày", "Số:", "/BC-UBND", "Nơi nhận:",
          "CHỦ TỊCH", "Nguyễn Văn An", "PHỤ LỤC"]:
    need(s)
# the title, the subject and every heading the document has (doc.c's words)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
doc = ET.fromstring(zipfile.ZipFile(sys.argv[5]).read("word/document.xml"))
seen = set()
for p in doc.iter(f"{W}p"):
    st = p.find(f"{W}pPr/{W}pStyle")
    if st is not None and st.get(f"{W}val") in ("Title", "Subtitle", "Heading1", "Heading2"):
        need("".join(t.text or "" for t in p.iter(f"{W}t")))
        seen.add(st.get(f"{W}val"))
assert seen == {"Title", "Subtitle", "Heading1", "Heading2"}, seen
assert re.search(r"\bI\. .*\bII\. .*\bIII\. ", flat), f"{fmt}: sections I-III"
aired = r["summary"]["aired"]
viet = f"{aired:,}".replace(",", ".")
assert aired >= 1000, aired  # a figure with a thousands separator
need(viet)
m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
assert m and abs(float(m.group(1)) - 595.3) < 2 and abs(float(m.group(2)) - 841.9) < 2, info
pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
assert pages > 1, pages
print(f"  {fmt}: {pages} pages, aired {viet}")
PYEOF
    # the page number: none on the first page, "2" atop the second
    pdftotext -f 2 -l 2 "$P" - | grep -m1 -v '^[[:space:]]*$' | grep -qx '[[:space:]]*2[[:space:]]*' \
        && ok "$f: page number atop page 2" || fail "$f: no page number atop page 2"
    pdftotext -f 1 -l 1 "$P" - | grep -m1 -v '^[[:space:]]*$' | grep -q 'ỦY BAN' \
        && ok "$f: page 1 starts with the heading" || fail "$f: page 1 does not start with the heading"
done
# Word's headings and tables are Writer's own once imported: the DOCX as
# ODT has outline headings, tables with repeated header rows, the styles.
mkdir -p "$T_TMP/rt"
timeout 300 "$SOFFICE" "-env:UserInstallation=file://$T_TMP/lo-docx" --headless \
    --convert-to odt --outdir "$T_TMP/rt" "$T_TMP/r.docx" >"$T_TMP/lo.out" 2>&1
if "$PY" - "$T_TMP/rt/r.odt" <<'PYEOF'; then ok "docx imported: headings, tables"; else fail "docx imported: headings, tables"; fi
import sys, zipfile, xml.etree.ElementTree as ET
O = "{urn:oasis:names:tc:opendocument:xmlns:%s:1.0}"
c = ET.fromstring(zipfile.ZipFile(sys.argv[1]).read("content.xml"))
levels = [h.get(O % "text" + "outline-level") for h in c.iter(O % "text" + "h")]
assert "1" in levels and "2" in levels, levels
tables = c.findall(".//" + O % "table" + "table")
assert len(tables) >= 6, len(tables)
assert sum(t.find(O % "table" + "table-header-rows") is not None for t in tables) >= 4
PYEOF
if [ -n "${T_PNG:-}" ] && [ -s "$T_TMP/pdf-docx/r.pdf" ]; then
    pdftoppm -r 50 -png -f 1 -l 1 -singlefile "$T_TMP/pdf-docx/r.pdf" "${T_PNG%.png}"
fi
t_done
