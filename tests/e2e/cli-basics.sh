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
# ---- one language per locale: failing commands under vi_VN say nothing in
# English (prefixes, statuses, levels included); under C.UTF-8 everything is
# English. Library texts (libsndfile, SQLite) may follow our own sentence.
EN_MARKERS='warning:|error:|\baired\b|\bmissed\b|\bfailed\b|[Cc]annot|not found|No such file|[Uu]nknown|Usage|daemon running|convert it|\bemergency\b|\bnormal\b|\badhoc\b|not allowed|join the group'
printf 'not a calendar\n' >"$T_TMP/bad.ics"
printf '\0\0\0\040ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0' >"$T_TMP/ghi-am.m4a"
printf 'junk' >"$T_TMP/junk.wav"
lang_cmds() { # each: exit status, then the command
    cat <<CMDS
1 check --plan $T_TMP/bad.ics
1 check --plan $T_TMP/none.ics
0 schedule --plan $T_TMP/bad.ics --from 2026-12-01 --days 1
1 play --device null $T_TMP/ghi-am.m4a
1 play --device null $T_TMP/junk.wav
1 play --device null --audio-root $T_TMP no-such.wav
1 status --socket $T_TMP/none.sock
1 air --socket $T_TMP/none.sock tone.wav
1 stop --socket $T_TMP/none.sock
1 reload --socket $T_TMP/none.sock
1 log --db $T_TMP/none.db
2 log --db $T_TMP/none.db --from someday
2 simulate --from 2026-12-01
0 simulate --from 2026-03-02 --to 2026-03-03
CMDS
}
while read -r want args; do
    # shellcheck disable=SC2086
    expect_rc "$want" env LANG=vi_VN.UTF-8 LC_ALL= LANGUAGE= "$LOAXA" $args || continue
    cat "$T_TMP/out" "$T_TMP/err" >"$T_TMP/all"
    if grep -qE -- "$EN_MARKERS" "$T_TMP/all"; then
        fail "English under vi_VN: loaxa $args"; grep -E -- "$EN_MARKERS" "$T_TMP/all" | head -3 >&2
    fi
    expect_rc "$want" env LANG=C.UTF-8 LC_ALL= LANGUAGE= "$LOAXA" $args || continue
    cat "$T_TMP/out" "$T_TMP/err" >"$T_TMP/all"
    # Vietnamese letters with diacritics only come from file contents here
    if grep -qE 'không|được|lỗi|cảnh báo|Cách dùng' "$T_TMP/all"; then
        fail "Vietnamese under C.UTF-8: loaxa $args"; head -3 "$T_TMP/all" >&2
    fi
done < <(lang_cmds)
ok "one language per locale for failing commands"
# the refused m4a says how to convert it, in both languages
expect_rc 1 env LANG=C.UTF-8 "$LOAXA" play --device null "$T_TMP/ghi-am.m4a" &&
    grep_in "$T_TMP/err" 'MP4/M4A.*ffmpeg -i "ghi-am.m4a" "ghi-am.wav"' m4a-en
expect_rc 1 env LANG=vi_VN.UTF-8 "$LOAXA" play --device null "$T_TMP/ghi-am.m4a" &&
    grep_in "$T_TMP/err" 'chuyển sang WAV.*ffmpeg -i "ghi-am.m4a" "ghi-am.wav"' m4a-vi
# loaxa play takes names under the audio root, as air and ATTACH do
mkdir -p "$T_TMP/root"
cp "$FIXTURES/audio/test/tone.wav" "$T_TMP/root/tone.wav"
expect_rc 0 env -C / "$LOAXA" play --device null --no-normalize --audio-root "$T_TMP/root" tone.wav &&
    grep_in "$T_TMP/out" 'finished' play-root
expect_rc 1 "$LOAXA" play --device null --audio-root "$T_TMP/root" ../bad.ics &&
    grep_in "$T_TMP/err" 'audio root' play-dotdot
expect_rc 1 "$LOAXA" play --device null --audio-root "$T_TMP/root" nothing.wav &&
    grep_in "$T_TMP/err" 'nothing.wav: no such file here nor under the audio root' play-missing
# a control socket the user may not open names the group to join
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    mkdir "$T_TMP/sk" && chmod 0711 "$T_TMP" "$T_TMP/sk"
    /usr/bin/python3 -c 'import socket,os,sys,time
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); os.chmod(sys.argv[1],0o660)
time.sleep(20)' "$T_TMP/sk/x.sock" & SKPID=$!
    for i in $(seq 50); do [ -S "$T_TMP/sk/x.sock" ] && break; sleep 0.1; done
    for L in C.UTF-8 vi_VN.UTF-8; do
        setpriv --reuid=nobody --regid=nogroup --clear-groups env LANG=$L LC_ALL= LANGUAGE= \
            "$LOAXA" status --socket "$T_TMP/sk/x.sock" --socket-group audio >"$T_TMP/out" 2>"$T_TMP/err"
        [ $? = 1 ] || fail "socket permission: exit status under $L"
        cp "$T_TMP/err" "$T_TMP/err.$L"
    done
    grep_in "$T_TMP/err.C.UTF-8" "not allowed to use the daemon's control socket $T_TMP/sk/x.sock: join the group audio \(adduser \\\$USER audio" sock-en
    grep_in "$T_TMP/err.vi_VN.UTF-8" 'không có quyền.*nhóm audio' sock-vi
    kill "$SKPID" 2>/dev/null; wait "$SKPID" 2>/dev/null
    chmod 0700 "$T_TMP"
else
    echo "skip: socket permission check needs root and setpriv"
fi
t_done
