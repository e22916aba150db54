# The command line itself: help, unknown commands and options, Vietnamese.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup

expect_rc 0 "$LOAXA" --help && grep_in "$T_TMP/out" 'schedule' && grep_in "$T_TMP/out" '--audio-root'
expect_rc 2 "$LOAXA" frobnicate && grep_in "$T_TMP/err" 'unknown command "frobnicate"'
expect_rc 2 "$LOAXA" check --tz Mars/Olympus && grep_in "$T_TMP/err" 'Mars/Olympus'
printf '[audio]\nfade_ms = lots\n' > "$T_TMP/bad.conf"
expect_rc 2 "$LOAXA" check --config "$T_TMP/bad.conf" && grep_in "$T_TMP/err" 'bad.conf:2:'
expect_rc 2 env LANG=vi_VN.UTF-8 "$LOAXA" frobnicate && grep_in "$T_TMP/err" 'không'
# common options before the command, and dates as the officer writes them
expect_rc 0 "$LOAXA" --tz Asia/Ho_Chi_Minh schedule --from 01/12/2026 --to 02/12/2026 --format csv &&
    ok "options before the command"
expect_rc 0 "$LOAXA" schedule --from 2026-12-01 --to 2026-12-02 --format csv
cmp -s "$T_TMP/out" <("$LOAXA" --tz Asia/Ho_Chi_Minh schedule --from 01/12/2026 --to 02/12/2026 --format csv) ||
    fail "DD/MM/YYYY differs from YYYY-MM-DD"
expect_rc 2 "$LOAXA" --db && grep_in "$T_TMP/err" 'option --db needs a value'
# A Vietnamese locale must not turn decimal points into commas in machine output.
expect_rc 0 env LANG=vi_VN.UTF-8 "$LOAXA" schedule --format json --from 2026-12-01 --days 2 &&
    /usr/bin/python3 -m json.tool "$T_TMP/out" >/dev/null || fail "schedule json under vi_VN is not JSON"
expect_rc 0 env LANG=vi_VN.UTF-8 "$LOAXA" schedule --format csv --from 2026-12-01 --days 2 &&
    /usr/bin/python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); i=r[0].index("duration_s"); sys.exit(len(r) < 2 or any(len(x) != len(r[0]) or "," in x[i] for x in r))' "$T_TMP/out" ||
    fail "schedule csv columns shift under vi_VN"
t_done
