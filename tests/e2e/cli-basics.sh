# The command line itself: help, unknown commands and options, Vietnamese.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup

expect_rc 0 "$LOAXA" --help && grep_in "$T_TMP/out" 'schedule' && grep_in "$T_TMP/out" '--audio-root'
expect_rc 2 "$LOAXA" frobnicate && grep_in "$T_TMP/err" 'unknown command "frobnicate"'
expect_rc 2 "$LOAXA" check --tz Mars/Olympus && grep_in "$T_TMP/err" 'Mars/Olympus'
printf '[audio]\nfade_ms = lots\n' > "$T_TMP/bad.conf"
expect_rc 2 "$LOAXA" check --config "$T_TMP/bad.conf" && grep_in "$T_TMP/err" 'bad.conf:2:'
expect_rc 2 env LANG=vi_VN.UTF-8 "$LOAXA" frobnicate && grep_in "$T_TMP/err" 'không'
t_done
