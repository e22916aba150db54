# The console's pages as files (the browser test, web-browser, runs them):
# every string a page or script marks has Vietnamese in po/vi.po (or a
# helper's unmerged po/new/*.po), and the strings the build's catalogue
# holds are those; nothing the strict CSP would block or that reaches
# off the station (inline scripts, styles or handlers, javascript: URLs,
# other origins); nothing that writes markup from data (innerHTML, eval);
# each page with its language, a viewport, a translated title, and a
# label for every field.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
PY=/usr/bin/python3

po=(--po "$SRCDIR/po/vi.po")
for p in "$SRCDIR"/po/new/*.po; do [ -f "$p" ] && po+=(--po "$p"); done
if "$PY" "$SRCDIR/tools/po2json.py" json "$SRCDIR/web" "${po[@]}" -o "$T_TMP/vi.json" \
    --missing "$T_TMP/missing" 2>/dev/null; then
    if [ -s "$T_TMP/missing" ]; then
        fail "page strings without Vietnamese:"; sed 's/^/  | /' "$T_TMP/missing" >&2
    else
        ok "every page string has Vietnamese ($("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T_TMP/vi.json") strings)"
    fi
else
    fail "tools/po2json.py json"
fi
# the build's catalogue is made the same way
if [ -f "$BUILDDIR/web/static/i18n-vi.json" ]; then
    cmp -s "$T_TMP/vi.json" "$BUILDDIR/web/static/i18n-vi.json" &&
        ok "the build's catalogue is po2json's" ||
        fail "build/web/static/i18n-vi.json differs from po2json's (reconfigure the build?)"
fi
# the POT for tools/update-po.sh: every mark, with its place
"$PY" "$SRCDIR/tools/po2json.py" pot "$SRCDIR/web" -o "$T_TMP/web.pot" &&
    msgfmt --check -o /dev/null "$T_TMP/web.pot" 2>"$T_TMP/pot.err" &&
    grep -q '^#: web/index.html:' "$T_TMP/web.pot" && ok "the POT of the page strings" ||
    { fail "po2json pot"; cat "$T_TMP/pot.err" >&2; }

if "$PY" - "$SRCDIR/web" <<'EOF'; then ok "pages and scripts fit the CSP and are labelled"; else fail "pages (above)"; fi
import html.parser, os, re, sys
web = sys.argv[1]
bad = []
class P(html.parser.HTMLParser):
    def __init__(self, name):
        super().__init__()
        self.name, self.ids, self.fors, self.fields, self.lang = name, set(), set(), [], None
        self.title_i18n = self.viewport = False
        self.in_script = False
    def err(self, msg):
        bad.append("%s:%d: %s" % (self.name, self.getpos()[0], msg))
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k, v in attrs:
            if k.startswith("on"):
                self.err("inline handler " + k)
            if k == "style":
                self.err("inline style attribute")
            if v and re.match(r"\s*javascript:", v, re.I):
                self.err("javascript: URL")
            if k in ("src", "href", "action") and v and re.match(r"\s*(https?:)?//", v, re.I):
                self.err("another origin: " + v)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "script":
            if not a.get("src"):
                self.err("inline script")
            self.in_script = True
        if tag == "style":
            self.err("inline <style>")
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = True
        if tag == "title" and a.get("data-i18n"):
            self.title_i18n = True
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "label" and a.get("for"):
            self.fors.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "radio",
                                                                              "checkbox"):
            self.fields.append((a.get("id"), self.getpos()[0]))
    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
    def handle_data(self, data):
        if self.in_script and data.strip():
            self.err("inline script")
for name in sorted(os.listdir(web)):
    if not name.endswith(".html"):
        continue
    p = P(name)
    p.feed(open(os.path.join(web, name), encoding="utf-8").read())
    if p.lang not in ("vi",):
        bad.append(name + ": <html lang> is not vi")
    if not p.viewport:
        bad.append(name + ": no viewport meta")
    if not p.title_i18n:
        bad.append(name + ": the title is not marked for translation")
    for fid, line in p.fields:
        if not fid or fid not in p.fors:
            bad.append("%s:%d: a field without a label (%s)" % (name, line, fid))
static = os.path.join(web, "static")
for name in sorted(os.listdir(static)):
    text = open(os.path.join(static, name), encoding="utf-8").read()
    if name.endswith(".js"):
        for pat in (r"\.innerHTML\b", r"\.outerHTML\b", r"\beval\(", r"new Function\(",
                    r"document\.write", r"insertAdjacentHTML", r"setAttribute\(\s*[\"']style",
                    r"setTimeout\(\s*[\"']"):
            for m in re.finditer(pat, text):
                bad.append("static/%s:%d: %s" % (name, text.count("\n", 0, m.start()) + 1,
                                                 m.group(0)))
    if re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", re.sub(r"/\*.*?\*/", "", text, flags=re.S)):
        bad.append("static/%s: a URL of another origin" % name)
for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
t_done
