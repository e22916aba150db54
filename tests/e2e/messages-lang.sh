# One language per locale for the daemon and the commands that talk to it:
# under LANG=vi_VN.UTF-8 the daemon's log lines (level prefixes, statuses,
# levels) and `status`/`air` say nothing in English; under C.UTF-8 they are
# English. Library texts may follow a sentence of ours. Needs the
# Vietnamese catalogue (po/vi.po with po/new/messages.po merged).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
d_setup
trap 'd_cleanup' EXIT
printf '\0\0\0\040ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0' >"$T_TMP/audio/zalo.m4a"
EN='warning:|error:|\baired\b|\binterrupted\b|\bfailed\b|\bmissed\b|\((normal|priority|emergency)\)|\[(normal|priority|emergency)\]|, (plan|adhoc)\)|[Cc]annot|No such file|starting|asks to air|loaded|convert it'
run() { # LANG: a plan with a missing and an m4a recording, an ad-hoc airing
    local L=$1
    rm -f "$T_TMP/log.db"* "$T_TMP/loaxad.log"
    D_NOW=$(date +%s)
    d_plan "ok 2 5 tone.wav" "gone 3 5 missing.wav" "phone 4 5 zalo.m4a" "later 7200 1 jingle.wav"
    export LANG=$L LC_ALL= LANGUAGE=
    d_start || return 1
    "$LOAXA" air tone.wav >"$T_TMP/air.$L" 2>&1 || fail "air under $L"
    d_wait_sql "select count(*) from airing where status in ('aired','failed')" 4 30
    "$LOAXA" status >"$T_TMP/status.$L" 2>&1 || fail "status under $L"
    d_stop
    cp "$T_TMP/loaxad.log" "$T_TMP/daemon.$L"
    unset LANG
}
run vi_VN.UTF-8
cat "$T_TMP/daemon.vi_VN.UTF-8" "$T_TMP/air.vi_VN.UTF-8" "$T_TMP/status.vi_VN.UTF-8" >"$T_TMP/all.vi"
if grep -E -- "$EN" "$T_TMP/all.vi" >"$T_TMP/english"; then
    fail "English under vi_VN:"; sed 's/^/  | /' "$T_TMP/english" | head -10 >&2
else
    ok "daemon, air and status all Vietnamese"
fi
grep_in "$T_TMP/daemon.vi_VN.UTF-8" 'loaxad: cảnh báo: ' vi-prefix
grep_in "$T_TMP/daemon.vi_VN.UTF-8" 'zalo.m4a.*ffmpeg -i "zalo.m4a" "zalo.wav"' vi-m4a
grep_in "$T_TMP/status.vi_VN.UTF-8" '\[khẩn cấp\]' vi-level
run C.UTF-8
grep_in "$T_TMP/daemon.C.UTF-8" 'loaxad: warning: ' en-prefix
grep_in "$T_TMP/daemon.C.UTF-8" ' aired: first frame' en-status
grep_in "$T_TMP/air.C.UTF-8" '\(normal\)' en-level
grep_in "$T_TMP/status.C.UTF-8" '\[emergency\]' en-next
grep_in "$T_TMP/daemon.C.UTF-8" 'MP4/M4A \(AAC\).*ffmpeg -i "zalo.m4a" "zalo.wav"' en-m4a
if grep -E 'không|được|lỗi|cảnh báo|đã phát' "$T_TMP/daemon.C.UTF-8" "$T_TMP/air.C.UTF-8" "$T_TMP/status.C.UTF-8" >"$T_TMP/viet"; then
    fail "Vietnamese under C.UTF-8:"; sed 's/^/  | /' "$T_TMP/viet" | head -5 >&2
fi
t_done
