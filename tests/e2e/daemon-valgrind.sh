# The real loaxad under valgrind (memcheck), through PortAudio into a private
# PulseAudio null sink: airings, a corrupt recording, good and broken plan
# reloads, control commands good and bad, an ad-hoc airing and an operator
# stop, SIGHUP and SIGTERM. Valgrind must report no errors and no leaks
# (definite or indirect). Times are loose: valgrind runs the daemon ~20x
# slower, so items are spaced well apart. Skipped in the sanitizer build
# (ASan and valgrind do not mix).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
if ldd "$LOAXAD" | grep -q libasan; then echo "SKIP: sanitizer build"; exit 77; fi
command -v valgrind >/dev/null || { fail "valgrind is not installed (tools/deps.sh)"; t_done; }
t_setup
d_pulse_setup
D_DEVICE=default d_setup
K="substr(occ_key,1,instr(occ_key,'/')-1)"
head -c 30000 /dev/urandom >"$T_TMP/audio/corrupt.wav"
VG_LOG=$T_TMP/valgrind.%p.log
D_WRAP="valgrind --leak-check=full --show-leak-kinds=definite,indirect
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no
  --suppressions=$SRCDIR/tests/valgrind.supp --log-file=$VG_LOG"
D_NOW=$(( $(date +%s) + 8 )) # valgrind's start-up
d_plan "v1 6 0 tone.wav" "bad 14 0 corrupt.wav" "v2 22 0 jingle.wav"
D_START_TRIES=1200 d_start || t_done
d_wait_sql "select group_concat($K||':'||status, ' ') from (select * from airing order by planned_start_ms)" \
    "v1:aired bad:failed v2:aired" 90
d_wait_sql "select reason != '' from airing where $K = 'bad'" "1"

# control: good, malformed, ad hoc with an operator stop
expect_rc 0 "$LOAXA" status
printf 'NOPE\n' | python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
print(s.recv(4096).decode())' "$T_TMP/loaxad.sock" >"$T_TMP/a"
grep_in "$T_TMP/a" '^ERR '
expect_rc 0 "$LOAXA" air long.wav --priority priority
d_wait_status '"state":"on_air"' 60
expect_rc 0 "$LOAXA" stop
d_wait_sql "select status from airing where occ_key like 'adhoc/%'" "interrupted" 30

# a broken plan is refused, the good one stays; SIGHUP reloads a good one
printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n' >"$T_TMP/plan/p.ics"
expect_rc 1 "$LOAXA" reload
D_NOW=$(date +%s)
d_plan "v3 8 0 tone.wav"
kill -HUP "$D_PID"
d_wait_sql "select status from airing where $K = 'v3'" "aired" 60

d_stop
[ "$D_RC" -eq 0 ] && ok "loaxad exited 0 under valgrind" || fail "loaxad exited $D_RC (99: valgrind errors)"
shopt -s nullglob
logs=("$T_TMP"/valgrind.*.log)
[ ${#logs[@]} -ge 1 ] || fail "no valgrind log"
for l in "${logs[@]}"; do
    grep -hE '== (ERROR SUMMARY|   definitely lost:|   indirectly lost:|   possibly lost:|   still reachable:|   suppressed:)' "$l" |
        sed 's/^==[0-9]*== */  valgrind: /'
    if grep -qE 'ERROR SUMMARY: [1-9]' "$l"; then
        fail "valgrind reports errors"; sed 's/^/  | /' "$l" | head -120 >&2
    fi
done
t_done
