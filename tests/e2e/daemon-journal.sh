# The as-run log's disk (a 2 MB tmpfs) is full and loaxad restarts within
# the grace period, by kill -9 and by SIGTERM: what aired or was on air
# while the log refused its rows is read back from <db>.journal, is not
# aired a second time, and lands in the log, once, when there is room.
# Needs root for a size-limited tmpfs (skipped if not).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
FS=$T_TMP/dbfs
mkdir -p "$FS"
mount -t tmpfs -o size=2m tmpfs "$FS" 2>/dev/null || { echo "SKIP: cannot mount a tmpfs (not root)"; exit 77; }
d_cleanup() { [ -n "$D_PID" ] && kill -KILL "$D_PID" 2>/dev/null; umount "$FS" 2>/dev/null; t_cleanup; }
trap d_cleanup EXIT
d_setup
sed -i "s#^db = .*#db = $FS/log.db#" "$D_CONF"
LOG=$T_TMP/loaxad.log
K="substr(occ_key,1,instr(occ_key,'/')-1)"
dsql() { sqlite3 -batch "$FS/log.db" "$1" 2>/dev/null; }
wait_log() { # PATTERN [SECONDS]
    local i
    for i in $(seq $(( ${2:-20} * 10 ))); do grep -qE -- "$1" "$LOG" && return 0; sleep 0.1; done
    fail "loaxad never said /$1/"; tail -15 "$LOG" | sed 's/^/  log: /' >&2
    return 1
}
aired() { grep -c "airing Item $1 " "$LOG"; }
until_t() { while [ "$(date +%s)" -lt $((D_NOW + $1)) ]; do sleep 0.1; done; } # OFFSET

D_NOW=$(date +%s)
d_plan "a 3 0 tone.wav" "b 7 0 tone.wav" "c 10 0 long.wav" "e 17 0 long.wav"
d_start || t_done
# the journal is allocated at start, beside the log, in full
J=$FS/log.db.journal
[ "$(stat -c %s "$J" 2>/dev/null)" = 65536 ] && ok "journal: 64 KiB" || fail "journal size: $(stat -c %s "$J" 2>&1)"
echo "  journal on disk: $(du -k "$J" | cut -f1) KiB of $(df -k "$FS" | awk 'NR==2{print $2}') KiB"
for i in $(seq 100); do [ "$(dsql "select status from airing where $K='a'")" = aired ] && break; sleep 0.1; done
[ "$(dsql "select status from airing where $K='a'")" = aired ] || fail "a did not air"

dd if=/dev/zero of="$FS/fill" bs=16k 2>/dev/null
df -k "$FS" | tail -1 | sed 's/^/  disk: /'
[ "$(df -k "$FS" | awk 'NR==2{print $4}')" = 0 ] && ok "the disk is full" || fail "the disk is not full"

# b airs whole and c goes on air while the log refuses their rows; then kill -9
wait_log 'Item b \(b/[^)]*\) aired'
wait_log 'cannot write the as-run log \(database or disk is full\)'
wait_log 'airing Item c '
until_t 12 # on air (the "airing" line comes when it is armed, before its start)
d_kill9
ok "killed (-9) while c is on air"
d_start || t_done
wait_log 'row\(s\) read back from the journal'
grep_in "$LOG" '2 as-run log row\(s\) read back from the journal'
# within grace: neither airs again
sleep 2.5
[ "$(aired b)" = 1 ] && ok "b aired once" || fail "b aired $(aired b) times"
[ "$(aired c)" = 1 ] && ok "c aired once after kill -9" || fail "c aired $(aired c) times"
expect_rc 0 "$LOAXA" status --json && grep_in "$T_TMP/out" '"log_backlog":2'

# the SIGTERM variant: e on air, the daemon stopped, started again
wait_log 'airing Item e '
until_t 19
d_stop
[ "$D_RC" -eq 0 ] && ok "stopped by SIGTERM" || fail "loaxad exited $D_RC"
grep_in "$LOG" '3 as-run log row\(s\) kept in the journal'
d_start || t_done
grep_in "$LOG" '3 as-run log row\(s\) read back from the journal'
sleep 2.5
[ "$(aired e)" = 1 ] && ok "e aired once after SIGTERM" || fail "e aired $(aired e) times"
[ "$(aired c)" = 1 ] && ok "c still aired once" || fail "c aired $(aired c) times"
[ -z "$(dsql "select 1 from airing where $K in ('b','c','e')")" ] && ok "no row yet for b, c, e" \
    || fail "rows written on a full disk?"

# room again: each lands once, with what happened
rm -f "$FS/fill"
wait_log 'the as-run log is writable again' 15
got=$(dsql "select group_concat($K||':'||status||':'||reason, ' ') from (select * from airing order by planned_start_ms, id)")
want="a:aired: b:aired: c:interrupted:daemon stopped e:interrupted:shutdown"
[ "$got" = "$want" ] && ok "rows: $got" || fail "rows: [$got], wanted [$want]"
[ "$(dsql "select count(*) from airing where $K='b' and actual_start_ms is not null and played_ms = 1000")" = 1 ] \
    && ok "b's row has its times" || fail "b's row: $(dsql "select * from airing where $K='b'")"
[ "$(dsql "select count(*) from airing where $K='e' and played_ms > 0")" = 1 ] \
    && ok "e's row has its played time" || fail "e's row: $(dsql "select * from airing where $K='e'")"
expect_rc 0 "$LOAXA" status --json && grep_in "$T_TMP/out" '"log_backlog":0'
# the journal holds nothing now: a restart reads nothing back
d_stop
d_start || t_done
sleep 0.5
[ "$(grep -c 'read back from the journal' "$LOG")" = 2 ] && ok "journal empty after the rows landed" \
    || fail "journal read back again"
[ "$(dsql 'select count(*) from airing')" = 4 ] && ok "4 rows" || fail "$(dsql 'select count(*) from airing') rows"
[ "$(dsql 'pragma integrity_check')" = ok ] && ok "integrity_check ok" || fail "integrity_check"
d_stop
# the rows the journal and the backlog wrote are in the hash chain
expect_rc 0 env LC_ALL=C.UTF-8 LANGUAGE= "$LOAXA" log verify --db "$FS/log.db" && grep_in "$T_TMP/out" "^OK: 4 rows" "chain"
[ "$D_RC" -eq 0 ] && ok "clean stop" || fail "loaxad exited $D_RC"
t_done
