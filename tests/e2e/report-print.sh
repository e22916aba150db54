# The printed document (issue 11): a year report of a small plan, logged
# by `loaxa simulate` with 17 identical failures and a few misses written
# into the log, rendered as HTML and printed to PDF by headless Chromium
# as an officer would print it. Checked on the PDF (report-print.py): A4
# pages, the page count, the decree's margins (no word and no ink outside
# them, on pages rendered by pdftoppm), page numbers from page 2, no
# heading left at a page foot, the heading, sections and signature, no
# technical detail before the appendix, the 17 failures as one line, and
# outside text printed as text. LOAXA_PRINT_PNG=FILE keeps page 1 as a PNG.
. "$(dirname "$0")/lib.sh"
t_setup

# The page count of this fixture: it changes when the document's content
# or layout does (a table added to the grids, a longer sentence); then
# check the new pages (LOAXA_PRINT_PNG, T_KEEP=1) and set it here.
PAGES=7

PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
for t in "$CHROMIUM" pdfinfo pdftotext pdftoppm sqlite3 msgfmt msgcat; do
    [ -n "$t" ] && command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
# The document names Times New Roman, then Liberation Serif (its metrics,
# with Vietnamese): without either the pages differ. tools/deps.sh installs
# fonts-liberation2.
fc-list ':lang=vi' family | grep -qE 'Times New Roman|Liberation Serif|Tinos' \
    || { fail "no Times New Roman-compatible font for Vietnamese: fonts-liberation2 (tools/deps.sh)"; t_done; }

# A year of plan: news twice a week, a monthly health programme, a topic
# with an outside title (markup that must print as text), an emergency
# item (PRIORITY:1) and one cancelled news.
P="$T_TMP/plan.ics"
cat >"$P" <<'EOF'
BEGIN:VCALENDAR
PRODID:-//loaxa//print test plan//VI
VERSION:2.0
BEGIN:VEVENT
UID:thoi-su@print.loaxa
DTSTAMP:20251201T000000Z
DTSTART;TZID=Asia/Ho_Chi_Minh:20260101T060000
DTEND;TZID=Asia/Ho_Chi_Minh:20260101T061500
RRULE:FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261231T000000Z
SUMMARY:Bản tin thời sự của thị trấn
CATEGORIES:Thời sự
X-LOAXA-UNIT:UBND thị trấn
STATUS:CONFIRMED
ATTACH:test/tone.wav
END:VEVENT
BEGIN:VEVENT
UID:thoi-su@print.loaxa
DTSTAMP:20251201T000000Z
RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20260430T060000
DTSTART;TZID=Asia/Ho_Chi_Minh:20260430T060000
DTEND;TZID=Asia/Ho_Chi_Minh:20260430T061500
SUMMARY:Bản tin thời sự của thị trấn
STATUS:CANCELLED
ATTACH:test/tone.wav
END:VEVENT
BEGIN:VEVENT
UID:y-te@print.loaxa
DTSTAMP:20251201T000000Z
DTSTART;TZID=Asia/Ho_Chi_Minh:20260105T070000
DTEND;TZID=Asia/Ho_Chi_Minh:20260105T071000
RRULE:FREQ=MONTHLY;BYMONTHDAY=5;COUNT=12
SUMMARY:Tuyên truyền phòng chống sốt xuất huyết
CATEGORIES:Y tế
X-LOAXA-UNIT:Trạm Y tế
PRIORITY:3
STATUS:CONFIRMED
ATTACH:test/tone.wav
END:VEVENT
BEGIN:VEVENT
UID:atgt@print.loaxa
DTSTAMP:20251201T000000Z
DTSTART;TZID=Asia/Ho_Chi_Minh:20260103T173000
DTEND;TZID=Asia/Ho_Chi_Minh:20260103T174500
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;UNTIL=20261231T000000Z
SUMMARY:Chuyên mục <b>an toàn</b> & "giao thông"
CATEGORIES:An toàn giao thông
X-LOAXA-UNIT:Công an thị trấn
STATUS:CONFIRMED
ATTACH:test/tone.wav
END:VEVENT
BEGIN:VEVENT
UID:bao-so-3@print.loaxa
DTSTAMP:20251201T000000Z
DTSTART;TZID=Asia/Ho_Chi_Minh:20260915T110000
DTEND;TZID=Asia/Ho_Chi_Minh:20260915T111000
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Thông báo khẩn: phòng chống bão số 3
CATEGORIES:Phòng chống thiên tai
X-LOAXA-UNIT:Ban Chỉ huy Phòng chống thiên tai
PRIORITY:1
STATUS:CONFIRMED
ATTACH:test/tone.wav
END:VEVENT
END:VCALENDAR
EOF
DB="$T_TMP/log.db"
S=(--plan "$P" --audio-root tests/fixtures/audio --db "$DB")
expect_rc 0 "$LOAXA" simulate "${S[@]}" --from 2026-01-01 --to 2026-12-31 || t_done
# An output device gone for 17 news in a row (the same failure 17 times:
# one line in section II) and three misses.
sqlite3 "$DB" "UPDATE airing SET status = 'failed', reason = 'no output device', played_ms = 0,
  actual_start_ms = NULL, actual_end_ms = NULL WHERE id IN (SELECT id FROM airing
  WHERE uid = 'thoi-su@print.loaxa' AND status = 'aired' ORDER BY planned_start_ms
  LIMIT 17 OFFSET 20);
  UPDATE airing SET status = 'missed', reason = 'could not start within 10 minutes',
  played_ms = 0, actual_start_ms = NULL, actual_end_ms = NULL WHERE id IN (SELECT id FROM airing
  WHERE uid = 'atgt@print.loaxa' AND status = 'aired' ORDER BY planned_start_ms LIMIT 3);" \
    || { fail "sqlite3"; t_done; }

# The officer's settings: a deputy signs, three recipients, section III
# from a file (two paragraphs).
printf 'Tiếp tục duy trì bản tin thời sự hai buổi mỗi tuần.\nBổ sung chuyên mục\nan toàn giao thông.\n\nĐề nghị cấp kinh phí thay thế bộ khuếch đại & loa hỏng.\n' \
    >"$T_TMP/directions.txt"
cat >"$T_TMP/loaxa.conf" <<EOF
[station]
commune = Thị trấn Vĩnh Lộc
[report]
sign_block = TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH
signer = Nguyễn Văn An
recipients = UBND huyện (để báo cáo)|Như trên|Lưu: VT, VHXH
directions_file = $T_TMP/directions.txt
EOF

# The body's Vietnamese: po/vi.po with the helpers' new entries (po/new,
# until they are merged into it), compiled for this run.
mkdir -p "$T_TMP/locale/vi/LC_MESSAGES"
msgcat --use-first $(ls po/new/*.po 2>/dev/null) po/vi.po -o "$T_TMP/all.po" 2>/dev/null &&
    msgfmt -o "$T_TMP/locale/vi/LC_MESSAGES/loaxa.mo" "$T_TMP/all.po" || fail "catalogue"
export LOAXA_LOCALEDIR="$T_TMP/locale"

H="$T_TMP/report.html"
LOAXA_CONFIG="$T_TMP/loaxa.conf" expect_rc 0 "$LOAXA" report "${S[@]}" --period 2026 \
    --as-of 2027-01-05 --generated-at 2027-01-05T09:00 --lang vi --format html -o "$H" || t_done

# Chromium prints as an officer's browser would: its own header and footer
# off (the document numbers its pages), a profile of its own.
PDF="$T_TMP/report.pdf"
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$T_TMP/chromium" --no-pdf-header-footer --print-to-pdf="$PDF" \
    "file://$H" >"$T_TMP/chromium.log" 2>&1
[ -s "$PDF" ] || { fail "chromium printed nothing"; tail -5 "$T_TMP/chromium.log" >&2; t_done; }
pdfinfo -f 1 -l 999 "$PDF" >"$T_TMP/pdfinfo" || fail "pdfinfo"
pdftotext -layout "$PDF" "$T_TMP/report.txt" || fail "pdftotext"
pdftotext -bbox-layout "$PDF" "$T_TMP/bbox.html" || fail "pdftotext -bbox-layout"
mkdir -p "$T_TMP/pages"
pdftoppm -r 50 -gray "$PDF" "$T_TMP/pages/p" || fail "pdftoppm"
if [ -n "${LOAXA_PRINT_PNG:-}" ]; then
    pdftoppm -r 50 -png -f 1 -l 1 -singlefile "$PDF" "${LOAXA_PRINT_PNG%.png}" || fail "page 1 png"
fi

if "$PY" "$SRCDIR/tests/e2e/report-print.py" "$PAGES" "$T_TMP" "$H"; then
    ok "printed document"
else
    fail "printed document"
fi
t_done
