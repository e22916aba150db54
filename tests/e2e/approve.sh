# Approvals that bind to content (station.approval = signed) under the real
# loaxad on the null device: nothing airs until `loaxa approve`; then the
# item's next occurrence airs; a change to the item (its title, plan edit +
# reload) makes the approval lapse and it waits again; a rejection needs a
# comment and shows in `loaxa pending`; the console's "AS web:NAME" is
# recorded with the peer; a decision on content that is not the item's is
# refused. `loaxa simulate` applies the same rule from the station's log.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
sed -i 's/^\[station\]$/[station]\napproval = signed/' "$D_CONF"
grep -q '^approval = signed' "$D_CONF" || fail "config not written"

# item a at +6, +16, +26, +36 (and +65) s; item b at +8 and +60 s
D_NOW=$(date +%s)
ab_plan() { # ab_plan TITLE-OF-A
    local f=$T_TMP/plan/.p.tmp
    {
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n'
        printf 'BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nRDATE:%s,%s,%s,%s\r\nSUMMARY:%s\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' \
            "$(d_time 6)" "$(d_time 16)" "$(d_time 26)" "$(d_time 36)" "$(d_time 65)" "$1"
        printf 'BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nRDATE:%s\r\nSUMMARY:Item b\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n' \
            "$(d_time 8)" "$(d_time 60)"
        printf 'END:VCALENDAR\r\n'
    } >"$f"
    mv "$f" "$T_TMP/plan/p.ics"
}
ab_plan "Tin sáng"
d_start || t_done
K="substr(occ_key,1,instr(occ_key,'/')-1)"

# both wait, their content hashes known once the recordings are read
pending_has_hashes() {
    local i
    for i in $(seq 100); do
        "$LOAXA" pending >"$T_TMP/pending" 2>&1
        [ "$(grep -cE 'content: [0-9a-f]{64}' "$T_TMP/pending")" = 2 ] && return 0
        sleep 0.1
    done
    fail "pending never showed two content hashes"; sed 's/^/  | /' "$T_TMP/pending" >&2
}
pending_has_hashes
grep_in "$T_TMP/pending" "^2 items wait for approval \(station.approval = signed\)" "pending:"
grep_in "$T_TMP/pending" "PENDING .* a  Tin sáng" "pending:"
grep_in "$T_TMP/pending" "PENDING .* b  Item b" "pending:"
d_wait_status '"pending_approvals":2' 5 && ok "status counts 2 pending approvals"
LANG=C.UTF-8 LANGUAGE=en expect_rc 0 "$LOAXA" status
grep_in "$T_TMP/out" "^Waiting: 2 item\(s\) wait for an approval" "status:"
expect_rc 0 "$LOAXA" pending --json
grep_in "$T_TMP/out" '"mode":"signed"'
grep_in "$T_TMP/out" '"uid":"a","title":"Tin sáng","level":"normal","first_start":"[^"]+","hash":"[0-9a-f]{64}","state":"pending","recordings":\["tone.wav"\]'
HASH_A=$(sed -n 's/.*"uid":"a","title":"Tin sáng"[^}]*"hash":"\([0-9a-f]*\)".*/\1/p' "$T_TMP/out")

# nothing airs before an approval: a/+6 and b/+8 are written off
NA="not approved (no approval of its current content)"
d_wait_sql "select status||':'||reason from airing where occ_key = 'a/$(d_time 6)'" "missed:$NA" 15 &&
    ok "a/+6 missed: not approved"
d_wait_sql "select status||':'||reason from airing where occ_key = 'b/$(d_time 8)'" "missed:$NA" 15
d_wait_sql "select count(*) from airing where status in ('aired','on_air')" "0" 1 && ok "nothing aired"

# a rejection needs a comment; with one it shows in pending
expect_rc 2 "$LOAXA" reject b
grep_in "$T_TMP/err" "comment"
expect_rc 0 "$LOAXA" reject b --comment "Sai giờ phát, đề nghị sửa"
grep_in "$T_TMP/out" "rejected: Item b \(b\)"
expect_rc 0 "$LOAXA" pending
grep_in "$T_TMP/out" "REJECTED .* b  Item b" "pending:"
grep_in "$T_TMP/out" "rejected by uid:[0-9]+\([^)]*\), [^:]+:[0-9:+]+: Sai giờ phát, đề nghị sửa" "pending:"

# approve a: it leaves the list, and its next occurrence (+16) airs
expect_rc 0 "$LOAXA" approve a --comment "Đồng ý"
grep_in "$T_TMP/out" "approved: Tin sáng \(a\), content ${HASH_A:0:12}"
expect_rc 0 "$LOAXA" pending
grep_in "$T_TMP/out" "^1 item waits" "pending:"
grep -q "PENDING .* a " "$T_TMP/out" && fail "a still pending after approve"
expect_rc 1 "$LOAXA" approve a   # no longer waits
grep_in "$T_TMP/err" "does not wait"
d_wait_sql "select decision||':'||(who like 'uid:%(%)')||':'||comment||':'||title from approvals where uid = 'a'" \
    "approved:1:Đồng ý:Tin sáng" 1 && ok "approval row: who, comment, title"
d_wait_sql "select status from airing where occ_key = 'a/$(d_time 16)'" "aired" 20 && ok "a/+16 aired after approve"

# the approval binds to the content: a new title, reloaded, waits again
ab_plan "Tin sáng (sửa)"
expect_rc 0 "$LOAXA" reload
pending_has_hashes
grep_in "$T_TMP/pending" "PENDING .* a  Tin sáng \(sửa\)" "after the edit:"
d_wait_status '"pending_approvals":2' 5
d_wait_sql "select status||':'||reason from airing where occ_key = 'a/$(d_time 26)'" "missed:$NA" 20 &&
    ok "a/+26 missed: the approval lapsed with the edit"

# the console acts for its account: AS web:NAME is recorded with the peer;
# the old content's hash is refused, the new one taken
"$LOAXA" pending --json >"$T_TMP/pj"
HASH_A2=$(sed -n 's/.*"uid":"a","title":"Tin sáng (sửa)"[^}]*"hash":"\([0-9a-f]*\)".*/\1/p' "$T_TMP/pj")
[ -n "$HASH_A2" ] && [ "$HASH_A2" != "$HASH_A" ] || fail "the edit did not change the hash ($HASH_A2)"
ctl() { python3 - "$T_TMP/loaxad.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while True:
    b = s.recv(65536)
    if not b: break
    out += b
print(out.decode().strip())
PY
}
R=$(ctl "AS web:chutich APPROVE a $HASH_A duyệt lại")
case $R in ERR*) ok "old content refused: $R" ;; *) fail "old hash accepted: $R" ;; esac
R=$(ctl "AS web:chu/tich APPROVE a $HASH_A2 x")
case $R in ERR*bad\ request*) ok "a bad account name is refused" ;; *) fail "bad AS accepted: $R" ;; esac
R=$(ctl "AS web:chutich APPROVE a $HASH_A2 duyệt lại")
[ "$R" = "OK $HASH_A2" ] || fail "AS approve: $R"
d_wait_sql "select who like 'uid:%(%) for web:chutich' from approvals where content_hash = '$HASH_A2'" "1" 1 &&
    ok "recorded as the peer for web:chutich"
d_wait_sql "select status from airing where occ_key = 'a/$(d_time 36)'" "aired" 20 && ok "a/+36 aired"
d_wait_sql "select count(*) from airing where uid = 'b' and status in ('aired','on_air')" "0" 1

# the approval binds to the recording's content too: replaced, it lapses
# (within the daemon's look again, a few seconds); put back, it holds again
pending_a() { "$LOAXA" pending --json 2>/dev/null | grep -oE '"uid":"a","title":"[^"]*","level":"[a-z]+","first_start":"[^"]*","hash":"[0-9a-f]*"' | sed 's/.*"hash":"//; s/"$//'; }
cp "$T_TMP/audio/jingle.wav" "$T_TMP/audio/tone.wav"
for i in $(seq 150); do H=$(pending_a); [ -n "$H" ] && [ "$H" != "$HASH_A2" ] && break; sleep 0.1; done
[ -n "$H" ] && [ "$H" != "$HASH_A2" ] && ok "a recording replaced: the approval lapsed" ||
    fail "a replaced recording did not make a wait again ($H)"
cp "$FIXTURES/audio/test/tone.wav" "$T_TMP/audio/tone.wav"
for i in $(seq 150); do H=$(pending_a); [ -z "$H" ] && break; sleep 0.1; done
[ -z "$H" ] && ok "the same content again: approved again" || fail "a still waits after the restore ($H)"

d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC after SIGTERM"

# the decisions are append-only
sqlite3 "$T_TMP/log.db" "delete from approvals" 2>/dev/null && fail "approvals deleted"
d_wait_sql "select count(*) from approvals" "3" 1

# the report's appendix: who approved or rejected which item when, and the
# items missed for want of an approval counted as not approved
DAY=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-%d) # the station's zone (station.timezone)
expect_rc 0 "$LOAXA" report --period "$DAY..$DAY" --format text --lang en
grep_in "$T_TMP/out" "^Approvals" "report:"
grep_in "$T_TMP/out" "Tin sáng \(sửa\) +approved +uid:[0-9]+\([^)]*\) for web:chutich +duyệt lại" "report:"
grep_in "$T_TMP/out" "Item b +rejected +uid:[0-9]+\([^)]*\) +Sai giờ phát" "report:"
expect_rc 0 "$LOAXA" report --period "$DAY..$DAY" --format json
grep_in "$T_TMP/out" '"decision": "approved"' "report json:"
grep_in "$T_TMP/out" "\"content_hash\": \"$HASH_A2\"" "report json:"
expect_rc 0 "$LOAXA" report --period "$DAY..$DAY" --format csv --table all
grep_in "$T_TMP/out" "^approval,3,by,uid:[0-9]+\([^)]*\) for web:chutich" "report csv:"
expect_rc 0 "$LOAXA" report --period "$DAY..$DAY" --format html --lang en -o "$T_TMP/r.html"
grep_in "$T_TMP/r.html" "4\. Approvals" "report html (the document's appendix):"
grep_in "$T_TMP/r.html" "for web:chutich" "report html:"

# simulate: the same rule, from the station's approvals (read-only). The
# edited plan: a (approved as it is now) airs, b (rejected) does not.
FROM=$(date -u -d "@$((D_NOW + 50))" '+%Y-%m-%dT%H:%M:%SZ')
TO=$(date -u -d "@$((D_NOW + 70))" '+%Y-%m-%dT%H:%M:%SZ')
ab_plan "Tin sáng (sửa)"
expect_rc 0 "$LOAXA" simulate --from "$FROM" --to "$TO" --db "$T_TMP/sim.db"
sqlite3 -batch "$T_TMP/sim.db" "select uid||':'||status||':'||reason from airing order by uid" >"$T_TMP/sim"
grep_in "$T_TMP/sim" "^a:aired:\$" "simulate:"
grep -qxF "b:missed:$NA" "$T_TMP/sim" || fail "simulate: b not missed as not approved"
d_wait_sql "select count(*) from approvals" "3" 1 # untouched
t_done
