#!/usr/bin/python3
"""Checks the printed report (tests/e2e/report-print.sh): PAGES DIR HTML.

DIR holds report.pdf's pdfinfo, its text (pdftotext, -bbox-layout) and its
pages rendered by pdftoppm -gray at 50 dpi (pages/p-N.pgm). Prints every
failed check and exits 1 if there was one."""
import glob
import hashlib
import html
import html.parser
import os
import re
import subprocess
import sys

MM = 72 / 25.4
# Decree 30/2020/ND-CP, Phụ lục I: top 20-25, bottom 20-25, left 30-35,
# right 15-20 mm; the document asks for the smallest of each.
TOP, BOTTOM, LEFT, RIGHT = 20 * MM, 20 * MM, 30 * MM, 15 * MM
TOL = 1.5  # points: glyph side bearings, rounding

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)
    return cond


want_pages, d, html_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pdf = os.path.join(d, "report.pdf")

# --- pages: A4, how many
info = open(os.path.join(d, "pdfinfo"), encoding="utf-8").read()
m = re.search(r"^Pages:\s+(\d+)", info, re.M)
pages = int(m.group(1)) if m else 0
check(pages > 1, f"a year report on one page ({pages})")
check(pages == want_pages, f"{pages} pages, expected {want_pages} (see PAGES in report-print.sh)")
sizes = re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts(.*)$", info, re.M)
check(len(sizes) == pages, "pdfinfo lists every page's size")
dims = {}
for n, w, h, rest in sizes:
    w, h = float(w), float(h)
    dims[int(n)] = (w, h)
    check("A4" in rest and {round(w), round(h)} == {595, 842}, f"page {n} is not A4: {w}x{h}")
check(dims.get(1, (0, 1))[0] < dims.get(1, (1, 0))[1], "page 1 is portrait")


# --- words and lines with their boxes (pdftotext -bbox-layout)
class Boxes(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages = []   # [{"w","h","lines": [[(xmin,ymin,xmax,ymax,text)]]}]
        self.word = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "page":
            self.pages.append({"w": float(a["width"]), "h": float(a["height"]), "lines": []})
        elif tag == "line":
            self.pages[-1]["lines"].append([])
        elif tag == "word":
            self.word = [float(a[k]) for k in ("xmin", "ymin", "xmax", "ymax")] + [""]

    def handle_data(self, data):
        if self.word is not None:
            self.word[4] += data

    def handle_endtag(self, tag):
        if tag == "word" and self.word is not None:
            self.pages[-1]["lines"][-1].append(tuple(self.word))
            self.word = None


bx = Boxes()
bx.feed(open(os.path.join(d, "bbox.html"), encoding="utf-8").read())
check(len(bx.pages) == pages, "pdftotext saw every page")

# --- no text outside the margins; the page number alone in the top margin
for i, p in enumerate(bx.pages, 1):
    w, h = p["w"], p["h"]
    numbers = []
    for line in p["lines"]:
        for x0, y0, x1, y1, t in line:
            if y1 <= TOP + TOL:
                numbers.append((x0, x1, t))
                continue
            check(x0 >= LEFT - TOL, f"page {i}: {t!r} starts at {x0:.1f} pt, left of the margin")
            check(x1 <= w - RIGHT + TOL, f"page {i}: {t!r} ends at {x1:.1f} pt, in the right "
                                         f"margin (text {w - RIGHT:.1f})")
            check(y0 >= TOP - TOL, f"page {i}: {t!r} reaches into the top margin")
            check(y1 <= h - BOTTOM + TOL, f"page {i}: {t!r} is in the bottom margin")
    if i == 1:
        check(not numbers, f"page 1 carries {numbers} in its top margin (no number on page 1)")
    else:
        ok = len(numbers) == 1 and numbers[0][2] == str(i) and \
            abs((numbers[0][0] + numbers[0][1]) / 2 - (LEFT + w - RIGHT) / 2) < 6
        check(ok, f"page {i}: the page number centred over the text in the top margin, found {numbers}")

# --- no ink outside the margins (table rules, bars: what has no words)
pgms = sorted(glob.glob(os.path.join(d, "pages", "p-*.pgm")),
              key=lambda f: int(re.search(r"-(\d+)\.pgm$", f).group(1)))
check(len(pgms) == pages, f"pdftoppm rendered {len(pgms)} of {pages} pages")
for i, f in enumerate(pgms, 1):
    raw = open(f, "rb").read()
    mm = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    if not check(mm, f"{f}: not a PGM"):
        continue
    pw, ph = int(mm.group(1)), int(mm.group(2))
    px = raw[mm.end():]
    s = pw / dims.get(i, (pw * 72 / 50, 0))[0]   # pixels per point
    l, r = int((LEFT - 2 * TOL) * s), int((dims[i][0] - RIGHT + 2 * TOL) * s) + 1
    b = int((dims[i][1] - BOTTOM + 2 * TOL) * s) + 1
    top = int((TOP - TOL) * s)
    bad = []
    for y in range(ph):
        row = px[y * pw:(y + 1) * pw]
        if y >= b:
            if min(row) < 200:
                bad.append(("bottom", y))
        elif y > top:
            if min(row[:l]) < 200 or min(row[r:]) < 200:
                bad.append(("side", y))
    check(not bad, f"page {i}: ink outside the margins at rows {bad[:5]}")

# --- the headings of the document, from the HTML
class Heads(html.parser.HTMLParser):
    """The headings and captions, and the words of each table's header row."""
    def __init__(self):
        super().__init__()
        self.heads, self.cur = [], None
        self.theads, self.th = [], None

    def handle_starttag(self, tag, attrs):
        c = dict(attrs).get("class", "")
        if tag in ("h1", "h2", "h3", "caption") or (tag == "p" and c.startswith("appx")):
            self.cur = ""
        if tag == "thead":
            self.th = ""

    def handle_data(self, data):
        if self.cur is not None:
            self.cur += data
        if self.th is not None:
            self.th += " " + data

    def handle_endtag(self, tag):
        if self.cur is not None and tag in ("h1", "h2", "h3", "caption", "p"):
            self.heads.append(" ".join(self.cur.split()))
            self.cur = None
        if tag == "thead":
            self.theads.append(set(self.th.split()))
            self.th = None


src = open(html_path, encoding="utf-8").read()
hp = Heads()
hp.feed(src)
check(len(hp.heads) >= 10, f"the document's headings: {hp.heads}")
# A page must not end with a heading, a caption or a table's header row:
# its lowest row of words is not a heading (or its first line) and not
# made only of the words of a header row.
for i, p in enumerate(bx.pages, 1):
    words = [wd for ln in p["lines"] for wd in ln if wd[3] > TOP + TOL]
    if not words or i == len(bx.pages):
        continue
    low = max(wd[3] for wd in words)
    row = sorted(wd for wd in words if wd[3] >= low - 3)
    text = " ".join(wd[4] for wd in row)
    for hd in hp.heads:
        check(not (len(text) > 2 and hd.startswith(text)),
              f"page {i} ends with the heading {hd!r}")
    for th in hp.theads:
        check(not {wd[4] for wd in row} <= th, f"page {i} ends with a table's header: {text!r}")

# --- the text: the form, in order, and nothing technical before the appendix
def norm(s):
    return " ".join(s.split())


plain = norm(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                            check=True).stdout)
layout = norm(open(os.path.join(d, "report.txt"), encoding="utf-8").read())
must = ["ỦY BAN NHÂN DÂN", "THỊ TRẤN VĨNH LỘC", "Số: ......./BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Vĩnh Lộc, ngày 05 tháng 01 năm 2027", "BÁO CÁO",
        "Kết quả hoạt động truyền thanh năm 2026", "I. KẾT QUẢ THỰC HIỆN",
        "II. TỒN TẠI, HẠN CHẾ", "III. PHƯƠNG HƯỚNG, KIẾN NGHỊ",
        "Tiếp tục duy trì bản tin thời sự hai buổi mỗi tuần. Bổ sung chuyên mục an toàn "
        "giao thông.", "Đề nghị cấp kinh phí thay thế bộ khuếch đại & loa hỏng.",
        "Nơi nhận:", "- UBND huyện (để báo cáo);", "- Như trên;", "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An", "PHỤ LỤC",
        'Chuyên mục <b>an toàn</b> & "giao thông"']
pos = []
for s in must:
    at = plain.find(s)
    if at < 0 and s in layout:
        at = -2   # in the layout text only (two columns side by side)
    check(at != -1, f"not in the printed text: {s!r}")
    pos.append(at)
order = [plain.find(s) for s in ("BÁO CÁO", "I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ",
                                 "III. PHƯƠNG HƯỚNG, KIẾN NGHỊ", "Nơi nhận:", "PHỤ LỤC")]
check(all(a >= 0 for a in order) and order == sorted(order), f"sections out of order: {order}")
check("Bản tin thời sự của thị trấn" in plain, "an item's title")

cut = plain.find("PHỤ LỤC")
body, appx = (plain[:cut], plain[cut:]) if cut >= 0 else (plain, "")
for pat, what in ((r"\b[0-9a-f]{64}\b", "a SHA-256"), (r"@print\.loaxa", "a UID"),
                  (r"\d{8}T\d{6}Z", "an occurrence key"), (r"TENTATIVE", "TENTATIVE"),
                  (r"\bUID\b", "a UID column")):
    found = re.search(pat, body)
    check(not found, f"{what} before the appendix: {found.group(0) if found else ''}")
sha = hashlib.sha256(open(os.path.join(d, "plan.ics"), "rb").read()).hexdigest()
check(sha in appx.replace(" ", ""), "the plan's SHA-256 in the appendix")
check(re.search(r"thoi-su@print\.loaxa", appx.replace(" ", "")), "UIDs in the appendix")
check(re.search(r"/\d{8}T\d{6}Z", appx.replace(" ", "")), "occurrence keys in the appendix")

# Section II: the 17 failures are one line with their count, not 17 rows.
two = plain[plain.find("II. TỒN TẠI"):plain.find("III. PHƯƠNG")]
reason = "không tìm thấy thiết bị âm thanh đầu ra"
check(two.count(reason) == 1, f"section II names the device failure {two.count(reason)} times")
check(re.search(r"\b17\b", two), "section II counts the 17 failures")
check("17 lượt thất bại" in body, "the failures in a sentence")
check(appx.count(reason) >= 17, "each failure in the appendix")

# Outside text is text: the HTML escapes it.
check("&lt;b&gt;an toàn&lt;/b&gt; &amp; &quot;giao thông&quot;" in src, "the title escaped")
check("<b>an toàn" not in src, "markup from the plan in the HTML")

for e in errors:
    print("  " + e)
print(f"  {pages} pages; {len(errors)} problem(s)")
sys.exit(1 if errors else 0)
