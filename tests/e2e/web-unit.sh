# loaxa-web's systemd unit: it parses, its sandbox stays tight (scored with
# `systemd-analyze security --offline`; 1.2 when written), it has the
# network but no devices, reads the as-run log read-only and writes only its
# own state folder; and loaxad's unit keeps its own confinement.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
UNIT=$BUILDDIR/doc/loaxa-web.service
[ -f "$UNIT" ] || { fail "no $UNIT"; t_done; }
score() { systemd-analyze security --offline=yes --no-pager "$1" 2>&1 | tee "$T_TMP/sec" |
          sed -n 's/.*Overall exposure level for [a-z-]*\.service: \([0-9.]*\).*/\1/p'; }
s=$(score "$UNIT")
echo "  systemd-analyze security loaxa-web.service: ${s:-?}"
awk -v s="${s:-99}" 'BEGIN { exit !(s <= 1.5) }' && ok "loaxa-web exposure $s <= 1.5" \
    || { fail "loaxa-web exposure ${s:-?} > 1.5"; grep '✗' "$T_TMP/sec" >&2; }
s=$(score "$BUILDDIR/doc/loaxad.service")
echo "  systemd-analyze security loaxad.service: ${s:-?}"
awk -v s="${s:-99}" 'BEGIN { exit !(s <= 2.0) }' && ok "loaxad exposure $s <= 2.0" \
    || fail "loaxad exposure ${s:-?} > 2.0"
grep -qx 'PrivateNetwork=yes' "$BUILDDIR/doc/loaxad.service" && ok "loaxad keeps PrivateNetwork=yes" \
    || fail "loaxad lost PrivateNetwork=yes"
for k in 'User=loaxa-web' 'SupplementaryGroups=loaxa' 'ProtectSystem=strict' 'ProtectHome=yes' \
         'PrivateTmp=yes' 'PrivateDevices=yes' 'DevicePolicy=closed' 'NoNewPrivileges=yes' \
         'CapabilityBoundingSet=' 'ReadOnlyPaths=/var/lib/loaxa/log' \
         'StateDirectory=loaxa/web' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
         'SystemCallErrorNumber=EPERM' 'IPAddressDeny=any'; do
    grep -qx -- "$k" "$UNIT" && ok "$k" || fail "unit lacks $k"
done
grep -E '^DeviceAllow=' "$UNIT" && fail "loaxa-web may open a device"
grep -E '^(ReadWritePaths|StateDirectory|RuntimeDirectory|LogsDirectory|CacheDirectory)=' "$UNIT" \
    >"$T_TMP/rw"
[ "$(cat "$T_TMP/rw")" = "StateDirectory=loaxa/web
ReadWritePaths=/var/lib/loaxa/schedules /var/lib/loaxa/audio" ] && ok "writable: the plan folder, the audio root, StateDirectory=loaxa/web" \
    || { fail "writable paths:"; cat "$T_TMP/rw" >&2; }
grep -qx 'db = /var/lib/loaxa/web/loaxa-web.db' "$SRCDIR/doc/loaxa.conf" \
    && ok "the shipped web.db is in the unit's state folder" || fail "doc/loaxa.conf: [web] db"
systemd-analyze verify "$UNIT" 2>&1 | grep -vE 'is not executable|man loaxa|Command .man' >"$T_TMP/verify"
[ ! -s "$T_TMP/verify" ] && ok "systemd-analyze verify" || { fail "verify:"; cat "$T_TMP/verify" >&2; }
t_done
