#!/usr/bin/env python3
"""The web console's strings and their Vietnamese, from the one catalogue.

The pages are static, so their strings cannot go through gettext at run
time. They are marked instead: in web/*.html by data-i18n="msgid" (the
element's text) and data-i18n-ATTR="msgid" (its attribute ATTR: title,
placeholder, aria-label, alt), in web/static/*.js by _("msgid") and
N_("msgid") (English msgids, as in the C sources). Two commands:

  po2json.py pot WEBDIR -o FILE     the marked strings as a POT (with
                                    web/...:LINE references); tools/update-po.sh
                                    merges it into po/loaxa.pot, so po/vi.po
                                    stays the one catalogue translators edit
  po2json.py json WEBDIR --po PO... -o FILE [--missing FILE]
                                    {"msgid": "msgstr", ...} for the marked
                                    strings, each from the first PO file that
                                    translates it (not fuzzy); the build runs
                                    it with po/vi.po first, then the helpers'
                                    unmerged po/new/*.po. --missing writes the
                                    untranslated msgids, one a line (a test
                                    fails on any).
"""
import argparse
import html.parser
import json
import os
import re
import sys

ATTR_RE = re.compile(r"^data-i18n(-[a-z-]+)?$")
JS_RE = re.compile(r"""\bN?_\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')\s*\)""")


class _Marks(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if ATTR_RE.match(name) and value:
                self.found.append((value, self.getpos()[0]))

    handle_startendtag = handle_starttag


def _js_unescape(s):
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)",
                  lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u" and
                  len(m.group(1)) == 5 else {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  s)


def extract(webdir):
    """[(msgid, "web/file:line")] in file order, HTML pages then scripts."""
    out = []
    names = sorted(f for f in os.listdir(webdir) if f.endswith(".html"))
    static = os.path.join(webdir, "static")
    names += sorted(os.path.join("static", f) for f in os.listdir(static) if f.endswith(".js"))
    for name in names:
        path = os.path.join(webdir, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        ref = "web/" + name
        if name.endswith(".html"):
            p = _Marks()
            p.feed(text)
            out += [(m, "%s:%d" % (ref, line)) for m, line in p.found]
        else:
            for m in JS_RE.finditer(text):
                s = m.group(1) if m.group(1) is not None else m.group(2)
                line = text.count("\n", 0, m.start()) + 1
                out.append((_js_unescape(s), "%s:%d" % (ref, line)))
    return out


def _po_unquote(s):
    s = s.strip()
    if not (s.startswith('"') and s.endswith('"')):
        raise ValueError("not a PO string: " + s)
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  s[1:-1])


def read_po(path):
    """{msgid: msgstr} of the translated, not fuzzy entries (no msgctxt)."""
    entries, cur, key, fuzzy = {}, {}, None, False

    def flush():
        nonlocal cur, fuzzy
        mid, mstr = cur.get("msgid"), cur.get("msgstr", cur.get("msgstr[0]"))
        if mid and mstr and not fuzzy and "msgctxt" not in cur:
            entries[mid] = mstr
        cur, fuzzy = {}, False

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                key = None
            elif line.startswith("#,"):
                if cur:
                    flush()
                fuzzy = "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if key:
                    cur[key] += _po_unquote(line)
            else:
                word, _, rest = line.partition(" ")
                if word == "msgid" and "msgid" in cur:
                    fl = fuzzy
                    flush()
                    fuzzy = fl
                key = word
                cur[key] = _po_unquote(rest)
    flush()
    return entries


def _po_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def cmd_pot(args):
    refs = {}
    for mid, ref in extract(args.webdir):
        refs.setdefault(mid, []).append(ref)
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for mid, rs in refs.items():
        lines += ["#: " + " ".join(rs)]
        if "{" in mid:
            lines += ["#. TRANSLATORS: keep the {names} in braces as they are"]
        lines += ["msgid " + _po_quote(mid), 'msgstr ""', ""]
    with open(args.o, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return 0


def cmd_json(args):
    cats = [read_po(p) for p in args.po if os.path.exists(p)]
    table, missing = {}, []
    for mid, _ref in extract(args.webdir):
        if mid in table or mid in missing:
            continue
        for c in cats:
            if mid in c:
                table[mid] = c[mid]
                break
        else:
            missing.append(mid)
    tmp = args.o + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(table, f, ensure_ascii=False, sort_keys=True, indent=0)
        f.write("\n")
    os.replace(tmp, args.o)
    if args.missing:
        with open(args.missing, "w", encoding="utf-8") as f:
            f.writelines(m + "\n" for m in missing)
    for m in missing:
        print("po2json: no Vietnamese for %r" % m, file=sys.stderr)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pot")
    p.add_argument("webdir")
    p.add_argument("-o", required=True)
    p.set_defaults(fn=cmd_pot)
    j = sub.add_parser("json")
    j.add_argument("webdir")
    j.add_argument("--po", action="append", default=[])
    j.add_argument("-o", required=True)
    j.add_argument("--missing")
    j.set_defaults(fn=cmd_json)
    args = ap.parse_args()
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
