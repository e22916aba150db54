# The station console in a real browser: headless Chromium driven by
# Selenium (tests/e2e/web-browser.py) against the real loaxa-web and the
# real loaxad airing through PortAudio into a private PulseAudio null sink.
# A user made with `loaxa user add` logs in through the form, sees the
# programme on air while it airs, the week with that airing (details by
# click and by keyboard), filters the log, downloads the CSV and every
# report format and checks their content; screenshots of each page at
# 1366x768 and 360x800 go to $LOAXA_WEB_SHOTS_DIR (default
# build/meson-logs/web-browser/), and are copied to $LOAXA_WEB_SHOTS_COPY
# when set. Without chromium, chromedriver or python3-selenium the test is
# skipped (77), except under CI=true, where that is a failure.
# LOAXA_WEB_IDLE_CPU=SECONDS: also measures loaxa-web's CPU with the
# browser left on the overview (tools/bench-web-idle.sh; printed only).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
PY=/usr/bin/python3   # Debian's, with python3-selenium
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}

missing=
[ -x "$CHROMIUM" ] || missing="$missing chromium"
[ -x "$CHROMEDRIVER" ] || missing="$missing chromium-driver"
"$PY" -c 'import selenium' 2>/dev/null || missing="$missing python3-selenium"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = true ]; then
        echo "FAIL: CI=true and missing for the browser test:$missing (tools/deps.sh)" >&2
        exit 1
    fi
    echo "SKIP: missing for the browser test:$missing (with CI=true this fails)"
    exit 77
fi
[ -s "$BUILDDIR/web/static/i18n-vi.json" ] || { echo "FAIL: no $BUILDDIR/web (build first)" >&2; exit 1; }

t_setup
d_pulse_setup "the console's browser test"
W_PID=
w_cleanup() {
    [ -n "$W_PID" ] && kill -KILL "$W_PID" 2>/dev/null
    d_cleanup_pulse
}
trap 'w_cleanup' EXIT
D_DEVICE=default d_setup
cat >>"$D_CONF" <<CONF
[web]
listen = 127.0.0.1:0
db = $T_TMP/web.db
static_dir = $BUILDDIR/web
CONF

# The plan, relative to now: one aired before the browser comes, one long
# airing it must see on air (stopped by the operator once seen), and
# three later today: an emergency, one pending approval, one cancelled;
# and one whose recording is missing.
D_NOW=$(date +%s)
ev() { # UID OFFSET PRIORITY FILE STATUS TITLE UNIT TOPICS
    printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nSUMMARY:%s\r\nPRIORITY:%s\r\nSTATUS:%s\r\nCATEGORIES:%s\r\nX-LOAXA-UNIT:%s\r\nATTACH:%s\r\nEND:VEVENT\r\n' \
        "$1" "$(d_time "$2")" "$6" "$3" "$5" "$8" "$7" "$4"
}
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e web//VI\r\n'
    ev early 5 5 tone.wav CONFIRMED "Thông báo lịch tiêm chủng" "Trạm Y tế" "Y tế"
    ev main 25 3 long.wav CONFIRMED "Bản tin thời sự sáng" "UBND xã" "Thời sự,Nông nghiệp"
    ev later 1800 1 jingle.wav CONFIRMED "Cảnh báo mưa lũ" "Ban Chỉ huy PCTT" "Phòng chống thiên tai"
    ev waiting 2400 5 tone.wav TENTATIVE "Thông báo chờ duyệt" "Hội Nông dân" "Nông nghiệp"
    ev dropped 3000 5 tone.wav CANCELLED "Chương trình đã hủy" "Đoàn Thanh niên" "Thanh niên"
    # a recording that is not there: a plan problem (file:line) on the overview
    ev broken 18000 5 thieu.wav CONFIRMED "Thiếu bản ghi" "UBND xã" "Thời sự"
    printf 'END:VCALENDAR\r\n'
} >"$T_TMP/plan/p.ics"
# the daemon in the station's language, as its unit runs it (the plan's
# problems and the failures it reports read Vietnamese on the overview)
LANG=vi_VN.UTF-8 LC_ALL= LANGUAGE= d_start || t_done

printf 'mat-khau-canbo\nmat-khau-canbo\n' | "$LOAXA" user add canbo --role officer \
    >"$T_TMP/user.out" 2>&1 || { fail "loaxa user add"; cat "$T_TMP/user.out" >&2; t_done; }

"$LOAXA_WEB" >"$T_TMP/web.log" 2>&1 &
W_PID=$!
PORT=
for i in $(seq 200); do
    PORT=$(sed -n 's/.*(\(port\|cổng\) \([0-9][0-9]*\)).*/\2/p' "$T_TMP/web.log" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$W_PID" 2>/dev/null || break
    sleep 0.05
done
[ -n "$PORT" ] || { fail "loaxa-web did not start"; sed 's/^/  web: /' "$T_TMP/web.log" >&2; t_done; }
ok "loaxa-web on port $PORT (pid $W_PID)"

SHOTS=${LOAXA_WEB_SHOTS_DIR:-$BUILDDIR/meson-logs/web-browser}
mkdir -p "$SHOTS"
"$PY" "$SRCDIR/tests/e2e/web-browser.py" --base "http://127.0.0.1:$PORT" \
    --user canbo --password mat-khau-canbo --shots "$SHOTS" --tmp "$T_TMP" \
    --chromium "$CHROMIUM" --chromedriver "$CHROMEDRIVER" \
    --web-pid "$W_PID" --daemon-pid "$D_PID" --idle-cpu "${LOAXA_WEB_IDLE_CPU:-0}" \
    --stop-cmd "$LOAXA stop" || fail "the browser session (above)"
if [ -n "${LOAXA_WEB_SHOTS_COPY:-}" ]; then
    mkdir -p "$LOAXA_WEB_SHOTS_COPY" && cp "$SHOTS"/*.png "$LOAXA_WEB_SHOTS_COPY"/
fi

# (the browser stopped loaxad to see the overview without it: its exit status is checked)
kill -TERM "$W_PID"
wait "$W_PID"
W_RC=$?
W_PID=
[ "$W_RC" = 0 ] || { fail "loaxa-web exit $W_RC"; tail -20 "$T_TMP/web.log" >&2; }
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
t_done
