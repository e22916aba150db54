# The reasons the real loaxad stores, read in a Vietnamese report and in
# `loaxa log`: an airing cut by kill -9 (daemon stopped), one missed while
# the daemon was down, one stopped by the operator, one cut by SIGTERM
# (shutdown) and one that failed (a corrupt recording). Each shows in
# Vietnamese, and no stored English reason text appears.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
head -c 30000 /dev/urandom >"$T_TMP/audio/corrupt.wav"
K="substr(occ_key,1,instr(occ_key,'/')-1)"
D_NOW=$(date +%s)
d_plan "k 2 0 long.wav" "m 5 0 tone.wav" "o 8 0 long.wav" "f 11 0 corrupt.wav" \
    "s 14 0 long.wav"
d_start || t_done
# past() SECONDS: waits until D_NOW + SECONDS (the row is written at
# prepare, before the start: cut only once it really airs)
past() { while [ "$(date +%s)" -lt $((D_NOW + $1)) ]; do sleep 0.1; done; }
d_wait_sql "select status from airing where $K = 'k'" "on_air" 20
past 3
d_kill9 # mid-airing: k is cut, and m is due while the daemon is down
past 6
d_start --grace 0 || t_done
d_wait_sql "select status||':'||reason from airing where $K = 'k'" "interrupted:daemon stopped" 10
d_wait_sql "select status||':'||reason from airing where $K = 'm'" \
    "missed:the daemon was not running" 10
d_wait_sql "select status from airing where $K = 'o'" "on_air" 20
past 9
expect_rc 0 "$LOAXA" stop
d_wait_sql "select status||':'||(reason like 'stopped by the operator: uid:%') from airing where $K = 'o'" \
    "interrupted:1" 10
d_wait_sql "select status from airing where $K = 'f'" "failed" 20
d_wait_sql "select status from airing where $K = 's'" "on_air" 20
past 15
d_stop # SIGTERM mid-airing
d_wait_sql "select status||':'||reason from airing where $K = 's'" "interrupted:shutdown" 1
echo "  stored: $(d_sql "select group_concat($K||'='||status||':'||reason, ' | ') from airing")"

YDAY=$(TZ=Asia/Ho_Chi_Minh date -d yesterday +%F)
TMRW=$(TZ=Asia/Ho_Chi_Minh date -d tomorrow +%F)
# English text of every stored reason (core/reasons.h) and the old spelling
ENGLISH=$T_TMP/english
sed -n 's/.*N_("\([^"]*\)").*/\1/p' "$SRCDIR/src/core/reasons.h" >"$ENGLISH"
echo "operator uid:" >>"$ENGLISH"
[ "$(wc -l <"$ENGLISH")" -gt 20 ] || fail "reasons.h: too few reasons read"
no_english() { # WHAT: $T_TMP/out has no English reason text
    local bad
    bad=$(grep -oFf "$ENGLISH" "$T_TMP/out" | sort -u | tr '\n' ';')
    [ -z "$bad" ] && ok "$1: no English reason" || fail "$1: English reasons: $bad"
}
vi_reasons() { # WHAT: each reason shows in Vietnamese
    local v
    for v in "bị gián đoạn: dịch vụ nền đã dừng đột ngột" "dịch vụ nền không chạy" \
        "cán bộ vận hành đã dừng: uid:" "dịch vụ nền tắt theo yêu cầu" "không đọc được bản ghi"; do
        grep -qF "$v" "$T_TMP/out" || { fail "$1: no \"$v\""; sed 's/^/  out: /' "$T_TMP/out" >&2; return; }
    done
    ok "$1: reasons in Vietnamese"
}
expect_rc 0 "$LOAXA" report --period "$YDAY..$TMRW" --lang vi
vi_reasons "report"
no_english "report"
# `loaxa log` follows the locale
LANG=vi_VN.UTF-8 LC_ALL= LANGUAGE= expect_rc 0 "$LOAXA" log --from "$YDAY" --to "$TMRW"
grep -qF "dịch vụ nền đã dừng đột ngột" "$T_TMP/out" && grep -qF "dịch vụ nền tắt theo yêu cầu" "$T_TMP/out" \
    && ok "log: reasons in Vietnamese" || { fail "log: reasons"; cat "$T_TMP/out" >&2; }
no_english "log"
t_done
