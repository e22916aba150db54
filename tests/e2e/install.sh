#!/usr/bin/env bash
# meson install into a staging root: binaries, man pages, unit and the
# default configuration; a second install (an upgrade) keeps the station's
# edited loaxa.conf and puts the new default beside it.
. "$(dirname "$0")/lib.sh"
t_setup
R="$T_TMP/root"
inst() { DESTDIR="$R" meson install -C "$BUILDDIR" --no-rebuild --quiet >"$T_TMP/inst" 2>&1; }
inst || { fail "meson install"; cat "$T_TMP/inst" >&2; t_done; }
conf=$(find "$R" -path '*/loaxa/loaxa.conf' | head -1)
[ -n "$conf" ] && ok "config installed" || fail "no loaxa.conf installed"
[ -n "$(find "$R" -name loaxad -type f)" ] || fail "no loaxad installed"
[ -n "$(find "$R" -name loaxad.service)" ] || fail "no unit installed"
grep -q '^commune =$' "$conf" || fail "the default config names a commune"
sed -i 's/^commune =$/commune = Xã Tân Phú/' "$conf"
inst || fail "second install"
grep -q '^commune = Xã Tân Phú$' "$conf" && ok "an upgrade keeps the station's settings" ||
    fail "the install overwrote loaxa.conf"
[ -f "$conf.dist" ] && ok "new default beside it" || fail "no loaxa.conf.dist"
t_done
