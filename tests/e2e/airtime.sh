# Airtime is the decoded length (issue 11). An MP3 without a Xing/LAME tag
# (lame -t) has a length libsndfile estimates from its size: at 32 kbit/s
# it says 0.47 % more than decodes. `loaxa simulate` logs each airing's
# played_ms, `loaxa report` adds them up and loaxad logs what it played:
# all must be the decoded length, computed here on its own by walking the
# file's MPEG frames (frames x samples per frame: no tag, nothing trimmed).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
printf '[daemon]\noverrun = run\n' >>"$D_CONF"
PY=/usr/bin/python3
K="substr(occ_key,1,instr(occ_key,'/')-1)"

# fixtures: 20 s without a tag, 7.3 s with one (exact: a control)
mk() { # NAME SECONDS RATE LAME-ARGS
    sox -n -r "$3" -c 1 -b 16 "$T_TMP/src.wav" synth "$2" sine 300 vol 0.4 2>/dev/null &&
        lame --quiet $4 "$T_TMP/src.wav" "$T_TMP/audio/$1" || fail "cannot make $1 (sox, lame)"
}
mk notag.mp3 20 22050 "-t -b 32"
mk tag.mp3 7.3 44100 "-b 128"
# decoded FILE: "SAMPLES RATE", the samples from the frame headers
decoded() {
    "$PY" - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
br1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
br2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
pos = samples = 0
while pos + 4 <= len(b):
    assert b[pos] == 0xFF and b[pos + 1] & 0xE0 == 0xE0, "no frame at %d" % pos
    ver, layer = (b[pos + 1] >> 3) & 3, (b[pos + 1] >> 1) & 3
    bri, sri, pad = b[pos + 2] >> 4, (b[pos + 2] >> 2) & 3, (b[pos + 2] >> 1) & 1
    assert layer == 1 and 0 < bri < 15 and sri < 3 and ver != 1
    rate = [44100, 48000, 32000][sri] // {3: 1, 2: 2, 0: 4}[ver]
    spf = 1152 if ver == 3 else 576
    pos += spf // 8 * (br1 if ver == 3 else br2)[bri] * 1000 // rate + pad
    samples += spf
print(samples, rate)
PY
}
# decoded_ms FILE: floor(samples * 1000 / rate)
decoded_ms() { set -- $(decoded "$1") && echo $(( $1 * 1000 / $2 )); }
want=$(decoded_ms "$T_TMP/audio/notag.mp3")
[ -n "$want" ] || fail "no frame count"

# a day of plan: the untagged recording three times, the tagged one once
f=$T_TMP/plan/.p.tmp
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n' >"$f"
for ev in "n1 T030000Z notag.mp3" "n2 T050000Z notag.mp3" "n3 T080000Z notag.mp3" \
          "t1 T090000Z tag.mp3"; do
    set -- $ev
    printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260310%s\r\nDURATION:PT5M\r\nSUMMARY:Item %s\r\nATTACH:%s\r\nEND:VEVENT\r\n' \
        "$1" "$2" "$1" "$3" >>"$f"
done
printf 'END:VCALENDAR\r\n' >>"$f"
mv "$f" "$T_TMP/plan/p.ics"
expect_rc 0 "$LOAXA" simulate --db "$T_TMP/sim.db" --from 2026-03-10 --to 2026-03-11
q() { sqlite3 -batch "$T_TMP/sim.db" "$1"; }
[ "$(q "select count(*) from airing where status = 'aired'")" = 4 ] || fail "simulate: not 4 aired"
for k in n1 n2 n3; do
    got=$(q "select played_ms from airing where $K = '$k'")
    [ "$got" = "$want" ] || fail "simulate $k: played_ms ${got:-none}, decoded $want ms"
done
got=$(q "select played_ms from airing where $K = 't1'")
[ "$got" = 7300 ] || fail "simulate t1 (tagged): played_ms ${got:-none}, decoded 7300 ms"
echo "  untagged 20 s MP3: decoded $want ms, simulate logged $(q "select played_ms from airing where $K = 'n1'") ms"

# the report's total is the sum of the rows (src/report reads played_ms)
sed "s|^db = .*|db = $T_TMP/sim.db|" "$D_CONF" >"$T_TMP/report.conf"
LOAXA_CONFIG=$T_TMP/report.conf expect_rc 0 "$LOAXA" report --period 2026-03-10..2026-03-10 \
    --as-of 2026-03-12T00:00:00 --format json --lang en
total=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["total_ms"])' \
    "$T_TMP/out" 2>/dev/null)
[ "$total" = $(( 3 * want + 7300 )) ] || fail "report total_ms ${total:-none}, want $(( 3 * want + 7300 ))"

# Untagged VBR and ABR files (phones, apps): libsndfile estimated their
# length from the first frame and stopped decoding there, 4.5 and 21.3 of
# 30 s. libmpg123 decodes them: `loaxa play` to a file writes all of it
# (the source's frames at the output's 48 kHz, within the resampler's one
# frame), and `loaxa check` says nothing of a truncated file.
mk vbr.mp3 30 44100 "-t -V 4"
mk abr.mp3 30 44100 "-t --abr 96"
for n in vbr abr; do
    "$LOAXA" play --no-tune --device "file:$T_TMP/$n.wav" "$T_TMP/audio/$n.mp3" \
        >"$T_TMP/$n.out" 2>&1 &  # in real time: both at once
done
wait
for n in vbr abr; do
    set -- $(decoded "$T_TMP/audio/$n.mp3")
    want48=$(( $1 * 48000 / $2 ))
    got=$(soxi -s "$T_TMP/$n.wav" 2>/dev/null)
    echo "  untagged $n 30 s MP3: $1 frames at $2 Hz in the file, played $got at 48 kHz (want $want48)"
    d=$(( ${got:-0} - want48 ))
    [ "${d#-}" -le 1 ] || { fail "play $n.mp3: ${got:-no} frames, the file holds $want48"; cat "$T_TMP/$n.out" >&2; }
done
f=$T_TMP/vbr.ics
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n' >"$f"
for ev in "v1 T030000Z vbr.mp3" "a1 T050000Z abr.mp3"; do
    set -- $ev
    printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260310%s\r\nDURATION:PT5M\r\nSUMMARY:Item %s\r\nATTACH:%s\r\nEND:VEVENT\r\n' \
        "$1" "$2" "$1" "$3" >>"$f"
done
printf 'END:VCALENDAR\r\n' >>"$f"
expect_rc 0 "$LOAXA" check --audio-root "$T_TMP/audio" --from 2026-03-10 --commune X "$f" &&
    ok "check: untagged VBR and ABR"
grep -i "shorter\|truncated" "$T_TMP/out" "$T_TMP/err" && fail "check warns of a truncated VBR/ABR MP3"

# loaxad: a fully aired untagged MP3 logs what it played, the decoded length
# (counted in output blocks: within 20 ms of it; the header's estimate is
# 94 ms more)
D_NOW=$(date +%s)
d_plan "live 3 0 notag.mp3"
d_start || t_done
d_wait_sql "select status from airing where $K = 'live'" "aired" 60
got=$(d_sql "select played_ms from airing where $K = 'live'")
echo "  loaxad played $got ms of the untagged MP3 (decoded $want ms)"
d=$(( ${got:-0} - want ))
[ "${d#-}" -le 20 ] || fail "loaxad played ${got:-none} ms, decoded $want ms"
d_stop
[ "$D_RC" = 0 ] || fail "loaxad exit $D_RC"
t_done
