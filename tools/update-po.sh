#!/usr/bin/env bash
# Regenerates po/POTFILES and po/loaxa.pot from the sources (and the web
# pages' strings, tools/po2json.py) and merges po/vi.po. Then translate every new or fuzzy entry in po/vi.po.
set -eu
cd "$(dirname "$0")/.."
grep -rlE '\b_\(|N_\(' src --include='*.c' --include='*.h' --include='*.def' | sort > po/POTFILES
xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --add-comments=TRANSLATORS \
  --language=C --package-name=loaxa --msgid-bugs-address=loaxa@localhost \
  -f po/POTFILES -o po/loaxa.pot
# the web console's page strings (data-i18n marks, _() in its scripts)
python3 tools/po2json.py pot web -o po/web.pot.tmp
msgcat --use-first po/loaxa.pot po/web.pot.tmp -o po/loaxa.pot
rm -f po/web.pot.tmp
if [ -f po/vi.po ]; then
  msgmerge --quiet --update --backup=none --no-fuzzy-matching po/vi.po po/loaxa.pot
else
  msginit --no-translator --locale=vi_VN.UTF-8 -i po/loaxa.pot -o po/vi.po
fi
msgfmt --check --statistics -o /dev/null po/vi.po
