# pulse.sh: a private PulseAudio with a null sink, for tests that need the
# real sound path (PortAudio -> ALSA "default" -> PulseAudio) without a
# sound card. Source it after lib.sh; call pulse_start after t_setup (it
# works in $T_TMP):
#
#   . "$SRCDIR/tests/e2e/lib.sh"; . "$SRCDIR/tests/e2e/pulse.sh"
#   t_setup
#   pulse_require "the sound path"   # or: pulse_start || ... (see pulse_require)
#   pulse_record "$T_TMP/rec.raw"     # records the sink monitor in the background
#   "$LOAXA" play --device default file.wav
#   pulse_record_stop                 # the recording and rec.raw.t0 are complete
#   "$BUILDDIR/tests/e2e/sinkcheck" "$T_TMP/rec.raw" file.wav \
#       --t0 "$(cat "$T_TMP/rec.raw.t0")" [--planned MS]   # figures: see sinkcheck.c
#
# pulse_start exports PULSE_SERVER, XDG_RUNTIME_DIR and ALSA_CONFIG_PATH (ALSA's
# default PCM is PulseAudio), so every child plays into the sink "loa" (48 kHz,
# stereo, s16le), kept at low latency like a sound card by a reader on its
# monitor. It may be called again after the server was killed (a lost-device
# test); pulse_stop runs at exit (the first call sets the EXIT trap, before
# lib.sh's cleanup; a caller with its own trap should call pulse_stop).
# pulse_record writes raw s16le 48 kHz stereo and, once stopped, FILE.t0: the
# wall-clock ns at which its first frame sounded (corrected for the sink's
# latency, see parec-stamp.py), and FILE.clock: that start and the sink's
# measured rate (the null sink's clock drifts ~200 ppm). Silence at the
# monitor is exact zeros, so frame N sounded at t0 + N/rate: sinkcheck
# (--rate) or onsets.py (reads FILE.clock) turns that into start times.
# doc/audio-timing.md explains both corrections.

PULSE_RUN=
PULSE_WHY=
PULSE_REC_PID=
PULSE_KEEP_PID=
PULSE_TRAPPED=

pulse_start() {
    PULSE_WHY=
    local b
    for b in pulseaudio parec pactl; do
        command -v "$b" >/dev/null || { PULSE_WHY="$b is not installed (tools/deps.sh)"; return 1; }
    done
    PULSE_RUN=$T_TMP/pulse
    mkdir -p "$PULSE_RUN/xdg" "$PULSE_RUN/state" "$PULSE_RUN/home"
    chmod 700 "$PULSE_RUN/xdg"
    export XDG_RUNTIME_DIR=$PULSE_RUN/xdg PULSE_RUNTIME_PATH=$PULSE_RUN/xdg/pulse
    export PULSE_STATE_PATH=$PULSE_RUN/state JACK_NO_START_SERVER=1
    # ALSA's default device goes to PulseAudio whatever the machine's config says
    cat >"$PULSE_RUN/asound.conf" <<'CONF'
pcm.!default { type pulse }
ctl.!default { type pulse }
CONF
    export ALSA_CONFIG_PATH=$PULSE_RUN/asound.conf
    # the system configuration first, so plugins and cards still resolve
    [ -f /usr/share/alsa/alsa.conf ] &&
        export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$PULSE_RUN/asound.conf
    HOME=$PULSE_RUN/home pulseaudio -D --system=false --exit-idle-time=-1 -n \
        --use-pid-file=yes --log-target=file:"$PULSE_RUN/pulse.log" \
        --load="module-null-sink sink_name=loa rate=48000 channels=2 format=s16le" \
        --load="module-native-protocol-unix auth-anonymous=1 socket=$PULSE_RUN/pulse.sock" \
        >/dev/null 2>&1 || { PULSE_WHY="pulseaudio -D failed"; return 1; }
    export PULSE_SERVER=unix:$PULSE_RUN/pulse.sock
    local i
    for i in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    pactl set-default-sink loa >/dev/null 2>&1 ||
        { PULSE_WHY="the server did not answer (pactl)"; pulse_stop; return 1; }
    # An idle null sink runs with 2 s of latency and takes a player's data in
    # bursts, which a sound card never does. A low-latency reader on its
    # monitor for the whole session makes it keep time like a card.
    parec -d loa.monitor --raw --latency-msec=5 >/dev/null 2>&1 &
    PULSE_KEEP_PID=$!
    # once: a caller that sets its own EXIT trap and restarts the server
    # (to test a lost device) keeps its trap
    if [ -z "$PULSE_TRAPPED" ]; then
        trap 'pulse_stop; t_cleanup' EXIT
        PULSE_TRAPPED=1
    fi
    return 0
}

# pulse_require WHAT: pulse_start, or the test ends. In CI (CI=true) a sound
# server that cannot be started is a failure: a skip there would let the
# sound-path tests pass without ever playing a frame. Elsewhere (a desk
# without PulseAudio) the test is skipped (77) with the reason; failures
# already counted still fail it.
pulse_require() {
    pulse_start && return 0
    local log=${PULSE_RUN:+$PULSE_RUN/pulse.log}
    if [ "${CI:-}" = true ]; then
        echo "FAIL: CI=true and no PulseAudio for ${1:-this test}: ${PULSE_WHY:-unknown}" >&2
        [ -n "$log" ] && [ -s "$log" ] && tail -15 "$log" | sed 's/^/  pulse: /' >&2
        exit 1
    fi
    [ "${T_FAILS:-0}" -eq 0 ] || { echo "$T_FAILS failure(s)"; exit 1; }
    echo "SKIP: no PulseAudio for ${1:-this test}: ${PULSE_WHY:-unknown} (with CI=true this fails)"
    exit 77
}

pulse_stop() {
    pulse_record_stop
    if [ -n "$PULSE_KEEP_PID" ]; then
        kill "$PULSE_KEEP_PID" 2>/dev/null
        wait "$PULSE_KEEP_PID" 2>/dev/null
        PULSE_KEEP_PID=
    fi
    if [ -n "$PULSE_RUN" ] && [ -f "$PULSE_RUN/xdg/pulse/pid" ]; then
        kill "$(cat "$PULSE_RUN/xdg/pulse/pid")" 2>/dev/null
        local i
        for i in $(seq 30); do
            kill -0 "$(cat "$PULSE_RUN/xdg/pulse/pid" 2>/dev/null)" 2>/dev/null || break
            sleep 0.1
        done
    fi
    PULSE_RUN=
}

# pulse_record FILE: records the sink monitor until pulse_record_stop;
# returns once sound flows (an idle null sink starts slowly).
pulse_record() {
    rm -f "$1.ready" "$1.t0"
    python3 "$SRCDIR/tests/e2e/parec-stamp.py" "$1" loa &
    PULSE_REC_PID=$!
    local i
    for i in $(seq 100); do [ -e "$1.ready" ] && return 0; sleep 0.05; done
    return 1
}

pulse_record_stop() {
    if [ -n "$PULSE_REC_PID" ]; then
        sleep 0.2 # the sink's last buffer
        kill -TERM "$PULSE_REC_PID" 2>/dev/null
        wait "$PULSE_REC_PID" 2>/dev/null
        PULSE_REC_PID=
    fi
}
