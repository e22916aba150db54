#!/usr/bin/env bash
# loaxa play and loaxa devices: bad input through the CLI on the null
# output, then the real sound path (PortAudio -> ALSA -> a private
# PulseAudio null sink) recorded from the sink's monitor and compared with
# the source: length, correlation, loudness, and a Ctrl-C fade.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/pulse.sh"
t_setup
export XDG_CACHE_HOME=$T_TMP/cache
SINKCHECK=$BUILDDIR/tests/e2e/sinkcheck
A=$T_TMP/audio
mkdir -p "$A"

# ---- recordings made here ----
sox -n -r 44100 -c 2 "$A/sweep.wav" synth 2.5 sine 150-3000 gain -14 fade 0.05 2.5 0.05
sox -n -r 44100 -c 2 "$A/sweep.mp3" synth 2 sine 300-2500 gain -10 fade 0.05 2 0.05
sox -n -r 22050 -c 1 "$A/long.wav" synth 8 sine 500 gain -12
: >"$A/empty.wav"
echo "not audio at all" >"$A/text.wav"
head -c 2000 "$A/sweep.wav" >"$A/cut.wav"

# ---- bad input on the null output: clear messages, right exit codes ----
expect_rc 1 "$LOAXA" play --device null "$A/empty.wav" && grep_in "$T_TMP/err" 'empty' empty
expect_rc 1 "$LOAXA" play --device null "$A/text.wav" && grep_in "$T_TMP/err" 'libsndfile' text
expect_rc 1 "$LOAXA" play --device null "$A" && grep_in "$T_TMP/err" 'directory' dir
expect_rc 1 "$LOAXA" play --device null "$A/none.wav" && grep_in "$T_TMP/err" 'none.wav' missing
"$LOAXA" play --device null "$A/cut.wav" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
[ "$rc" -le 1 ] || fail "truncated wav: exit $rc"
expect_rc 2 "$LOAXA" play --device null
expect_rc 2 "$LOAXA" play --device null --at yesterday "$A/sweep.wav"
expect_rc 1 "$LOAXA" play --device no-such-card "$A/sweep.wav" &&
    grep_in "$T_TMP/err" 'file:PATH.wav' nodev && grep_in "$T_TMP/err" 'null' nodev
# the file output holds exactly the programme
if expect_rc 0 "$LOAXA" play --device "file:$T_TMP/out.wav" "$A/sweep.wav"; then
    grep_in "$T_TMP/out" 'finished after 2.500 s \(120000 frames\)' file-out
    grep_in "$T_TMP/out" 'loudness -[0-9.]+ LUFS, true peak -[0-9.]+ dBTP, gain [+-][0-9.]+ dB'
    n=$(soxi -s "$T_TMP/out.wav" 2>/dev/null); [ "$n" = 120000 ] || fail "file output length $n"
fi
expect_rc 0 "$LOAXA" play --device null --no-normalize "$A/sweep.wav" &&
    grep_in "$T_TMP/out" 'normalisation off' no-normalize
ok "null and file outputs"

# ---- the real sound path ----
pulse_require "the sound-path part"
expect_rc 0 "$LOAXA" devices && grep_in "$T_TMP/out" '^\* +[0-9]+ +ALSA' devices-default

# check_airing NAME FILE: plays FILE on the default device while recording
check_airing() {
    local name=$1 src=$2
    pulse_record "$T_TMP/$name.raw" || { fail "$name: parec did not start"; return; }
    "$LOAXA" play --device default "$src" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
    local rc=$?
    pulse_record_stop
    [ "$rc" -eq 0 ] || { fail "$name: loaxa play exit $rc"; cat "$T_TMP/$name.err" >&2; return; }
    grep_in "$T_TMP/$name.out" 'finished' "$name"
    "$SINKCHECK" "$T_TMP/$name.raw" "$src" --t0 "$(cat "$T_TMP/$name.raw.t0")" \
        >"$T_TMP/$name.check" || { fail "$name: silence at the sink"; return; }
    sed "s/^/  $name: /" "$T_TMP/$name.check"
    awk -F= -v n="$name" '
        { v[$1] = $2 }
        END {
            bad = 0
            d = v["duration_ms"] - v["source_active_ms"]; if (d < 0) d = -d
            if (d > 50) { print "FAIL: " n ": duration off by " d " ms"; bad = 1 }
            if (v["corr"] < 0.95) { print "FAIL: " n ": correlation " v["corr"]; bad = 1 }
            l = v["lufs"] + 16; if (l < 0) l = -l
            if (l > 1.0) { print "FAIL: " n ": loudness " v["lufs"] " LUFS"; bad = 1 }
            exit bad
        }' "$T_TMP/$name.check" >&2 || fail "$name: sound at the sink"
}
check_airing sweep "$A/sweep.wav"
check_airing mp3 "$A/sweep.mp3"
check_airing speech "$SRCDIR/audio/nhac-hieu.wav"

# Ctrl-C: fades out and says "stopped", well before the 8 s recording ends
pulse_record "$T_TMP/int.raw"
"$LOAXA" play --device default "$A/long.wav" >"$T_TMP/int.out" 2>&1 &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
rc=$?
pulse_record_stop
[ "$rc" -eq 0 ] || fail "SIGINT: exit $rc"
grep_in "$T_TMP/int.out" 'stopped after' sigint
"$SINKCHECK" "$T_TMP/int.raw" >"$T_TMP/int.check"
dur=$(sed -n 's/^duration_ms=//p' "$T_TMP/int.check")
awk -v d="$dur" 'BEGIN { exit !(d > 300 && d < 6000) }' || fail "SIGINT: sounded ${dur} ms"
ok "sound path"

# the sound server dies mid-airing: a device error, promptly, not a hang
timeout 60 "$LOAXA" play --device default "$A/long.wav" >"$T_TMP/lost.out" 2>"$T_TMP/lost.err" &
pid=$!
sleep 1.5
kill -KILL "$(cat "$PULSE_RUN/xdg/pulse/pid")"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "device lost: exit $rc (124: hung)"
grep_in "$T_TMP/lost.out" 'device-error after' device-lost
grep_in "$T_TMP/lost.err" 'audio device .* (stopped|answering)' device-lost
ok "device lost"
t_done
