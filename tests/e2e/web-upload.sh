# loaxa-web part 2 against the real loaxad (null output): plans uploaded,
# checked, diffed, installed, versioned, rolled back and followed from a
# local HTTP server; recordings uploaded (WAV, FLAC, MP3 made here; corrupt,
# huge, wrong type, hostile names), played, renamed, deleted; emergency and
# stop; roles, CSRF, concurrent installs and the audit trail
# (web-upload.py).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
. "$SRCDIR/tests/e2e/web-lib.sh"
t_setup
d_setup
D_NOW=$(date +%s)
export D_NOW
d_plan "w-keep 3600 0 tone.wav" "w-gone 7200 0 tone.wav"
# every item waits for an approver (the console's approvals route)
printf '[station]\napproval = signed\n' >>"$D_CONF"
d_start || t_done
w_setup
printf 'password-dave\npassword-dave\n' |
    "$LOAXA" user add dave --role approver --set "web.db=$WEB_DB" || fail "loaxa user add dave"
# recordings made here: 1 s of a tone in each format, and broken ones
R=$T_TMP/rec
mkdir -p "$R"
sox -n -r 44100 -c 1 -b 16 "$R/tone.wav" synth 1 sine 440 vol 0.5 || fail "sox wav"
sox -n -r 48000 -c 2 "$R/tone.flac" synth 1 sine 440 vol 0.5 || fail "sox flac"
lame --quiet -b 128 "$R/tone.wav" "$R/tone.mp3" || fail "lame mp3"
head -c 40000 "$R/tone.wav" >"$R/cut.wav"            # header says 88 200 bytes of audio
printf 'this is no recording\n%.0s' $(seq 200) >"$R/text.mp3"
cp "$FIXTURES/audio/test/notaudio.wav" "$R/notaudio.wav"
sox -n -r 48000 -c 2 -b 16 "$R/big.wav" synth 270 sine 440 vol 0.3 || fail "sox big" # ~52 MB
export REC=$R
# as under the unit's UMask=0077: what the daemon reads must still be readable
umask 077
python3 "$SRCDIR/tests/e2e/web-upload.py" || fail "web-upload.py (above)"
# the audit trail from the shell, and the CLI's own rows
for v in add passwd; do
    printf 'password-eve1\npassword-eve1\n' |
        "$LOAXA" user $v eve $([ $v = add ] && echo --role viewer) --set "web.db=$WEB_DB" \
        || fail "loaxa user $v eve"
done
"$LOAXA" user remove eve --set "web.db=$WEB_DB" || fail "loaxa user remove eve"
"$LOAXA" audit --set "web.db=$WEB_DB" >"$T_TMP/audit.txt" || fail "loaxa audit"
for a in user-add user-passwd user-remove login login-failed plan-upload install rollback recording-upload \
         recording-delete emergency stop; do
    grep -qE "  $a( |\$)" "$T_TMP/audit.txt" && ok "loaxa audit shows $a" \
        || fail "loaxa audit lacks $a"
done
grep -qE '^[0-9-]+ [0-9:]+  uid:[0-9]+\([^)]*\)  local  user-add  dave approver' "$T_TMP/audit.txt" \
    && ok "loaxa user add is in the audit trail" || fail "no user-add row by the CLI"
expect_rc 0 "$LOAXA" audit --from 2000-01-01 --to 2000-01-02 --set "web.db=$WEB_DB" &&
    grep_in "$T_TMP/out" 'No actions|Không có' "an empty period"
# the trail refuses to be changed, even by a writer of the file
if sqlite3 "$WEB_DB" "UPDATE audit SET user = 'x'" 2>/dev/null; then
    fail "an audit row was updated"
else ok "UPDATE on audit is refused"; fi
if sqlite3 "$WEB_DB" "DELETE FROM audit" 2>/dev/null; then
    fail "audit rows were deleted"
else ok "DELETE on audit is refused"; fi
d_stop
t_done
