# The as-run log's disk fills up while loaxad airs: programmes still air on
# time, their rows are kept in memory and written once there is room again;
# a plan reload meanwhile does not air them a second time; the error names
# SQLite's real reason. Needs root for a size-limited tmpfs (skipped if not).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
FS=$T_TMP/dbfs
mkdir -p "$FS"
mount -t tmpfs -o size=3m tmpfs "$FS" 2>/dev/null || { echo "SKIP: cannot mount a tmpfs (not root)"; exit 77; }
trap 'd_cleanup; umount "$FS" 2>/dev/null' EXIT
d_cleanup() { [ -n "$D_PID" ] && kill -KILL "$D_PID" 2>/dev/null; umount "$FS" 2>/dev/null; t_cleanup; }
d_setup
sed -i "s#^db = .*#db = $FS/log.db#" "$D_CONF"
K="substr(occ_key,1,instr(occ_key,'/')-1)"
dsql() { sqlite3 -batch "$FS/log.db" "$1" 2>/dev/null; }

D_NOW=$(date +%s)
PLAN=("a 3 0 tone.wav" "b 8 0 tone.wav" "c 11 0 tone.wav" "m 13 0 nothing.wav" "d 22 0 tone.wav")
d_plan "${PLAN[@]}"
d_start || t_done
for i in $(seq 100); do [ "$(dsql "select status from airing where $K='a'")" = aired ] && break; sleep 0.1; done
[ "$(dsql "select status from airing where $K='a'")" = aired ] || fail "a did not air"

# fill the disk: the log's next writes fail
dd if=/dev/zero of="$FS/fill" bs=64k 2>/dev/null
df -k "$FS" | tail -1 | sed 's/^/  disk: /'
# b and c air regardless, m fails (missing recording); their rows wait
for i in $(seq 150); do
    grep -q 'Item c (c/[^)]*) aired' "$T_TMP/loaxad.log" && grep -q "m/.*failed" "$T_TMP/loaxad.log" && break
    sleep 0.1
done
grep_in "$T_TMP/loaxad.log" 'Item b \(b/[^)]*\) aired'
grep_in "$T_TMP/loaxad.log" 'Item c \(c/[^)]*\) aired'
grep_in "$T_TMP/loaxad.log" 'cannot write the as-run log \(database or disk is full\); keeping its rows'
expect_rc 0 "$LOAXA" status --json && grep_in "$T_TMP/out" '"log_backlog":[1-9]'
# a reload while the rows wait: nothing airs twice
d_plan "${PLAN[@]}"
expect_rc 0 "$LOAXA" reload
sleep 2
[ "$(grep -c 'airing Item b' "$T_TMP/loaxad.log")" -eq 1 ] && ok "b aired once" || fail "b aired $(grep -c 'airing Item b' "$T_TMP/loaxad.log") times"

# room again: the kept rows land (retried every 5 s)
rm -f "$FS/fill"
for i in $(seq 150); do grep -q 'writable again' "$T_TMP/loaxad.log" && break; sleep 0.1; done
grep_in "$T_TMP/loaxad.log" 'the as-run log is writable again; [0-9]+ kept row\(s\) written'
for i in $(seq 200); do [ "$(dsql "select status from airing where $K='d'")" = aired ] && break; sleep 0.1; done
got=$(dsql "select group_concat($K||':'||status||':'||(actual_start_ms is not null), ' ') from (select * from airing order by planned_start_ms, id)")
[ "$got" = "a:aired:1 b:aired:1 c:aired:1 m:failed:0 d:aired:1" ] && ok "rows: $got" || fail "rows: $got"
dsql "select reason from airing where $K='m'" | grep -q 'nothing.wav' && ok "m's reason kept" || fail "m has no reason"
expect_rc 0 "$LOAXA" status --json && grep_in "$T_TMP/out" '"log_backlog":0'
[ "$(dsql 'pragma integrity_check')" = ok ] && ok "integrity_check ok" || fail "integrity_check"
d_stop
[ "$D_RC" -eq 0 ] && ok "clean stop" || fail "loaxad exited $D_RC"
t_done
