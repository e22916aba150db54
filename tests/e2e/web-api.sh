# loaxa-web's API against the real loaxad (null output) and the CLI's view
# of the same station (web-api.py): an item airs, one is cancelled, one is
# pending approval, one comes later.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
. "$SRCDIR/tests/e2e/web-lib.sh"
t_setup
d_setup
D_NOW=$(date +%s)
ev() { # UID OFFSET PRIORITY STATUS
    printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nSUMMARY:Item %s\r\nPRIORITY:%s\r\nSTATUS:%s\r\nCATEGORIES:Thời sự,Nông nghiệp\r\nX-LOAXA-UNIT:UBND xã\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' \
        "$1" "$(d_time "$2")" "$1" "$3" "$4"
}
# the airings must fall on one local day with the later one: start early in it
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n'
    ev w-aired 3 0 CONFIRMED
    ev w-cancelled 4 0 CANCELLED
    ev w-pending 3600 0 TENTATIVE
    ev w-later 7200 3 CONFIRMED
    printf 'END:VCALENDAR\r\n'
} >"$T_TMP/plan/p.ics"
# the document's settings reach the report through loaxa-web as through the CLI
printf '[report]\nsigner = Nguyễn Văn An\ncode = BC-TEST\n' >>"$D_CONF"
d_start || t_done
w_setup
for i in $(seq 100); do
    "$LOAXA" log --format csv >"$T_TMP/log.csv" 2>/dev/null
    grep -q 'w-aired.*,aired,' "$T_TMP/log.csv" && grep -q 'w-cancelled.*,cancelled,' "$T_TMP/log.csv" && break
    sleep 0.2
done
grep -q 'w-aired.*,aired,' "$T_TMP/log.csv" || fail "the item did not air (log below)"
TZ=Asia/Ho_Chi_Minh
export W_DAY=$(TZ=$TZ date -d "@$((D_NOW + 3))" +%Y-%m-%d)
export W_PERIOD=$W_DAY..$W_DAY
export W_ASOF=$(TZ=$TZ date -d "@$((D_NOW + 120))" +%Y-%m-%dT%H:%M:%S)
python3 "$SRCDIR/tests/e2e/web-api.py" || fail "web-api.py (above)"
d_stop
t_done
