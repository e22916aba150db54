#!/usr/bin/env bash
# CPU time per minute of audio and peak RSS of `loaxa play`, for a 44.1 kHz
# stereo MP3 played to a 48 kHz output (a private PulseAudio null sink,
# as in the tests), against tools/bench-play-minimal.c, a bare PortAudio
# program with a 20 ms buffer. Also times the one-off loudness analysis
# (later plays read it from the cache).
# Usage: tools/bench-play.sh [BUILDDIR] [SECONDS]   (default build, 60)
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
SECS=${2:-60}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
meson compile -C "$B" >/dev/null
SRCDIR=$PWD
. tests/e2e/lib.sh
. tests/e2e/pulse.sh
t_setup
export XDG_CACHE_HOME=$T_TMP/cache LOAXA_CONFIG=
cc -O2 tools/bench-play-minimal.c -o "$T_TMP/minimal" \
    $(pkg-config --cflags --libs portaudio-2.0) -lm
pulse_start || { echo "bench-play: PulseAudio would not start" >&2; exit 1; }
# music-like material: two voices and some noise, so the decoder works
sox -n -r 44100 -c 2 "$T_TMP/in.wav" synth "$SECS" sine 220-880 sine 330 brownnoise \
    remix 1,2,3 1,2,3 gain -12
lame --quiet -b 128 "$T_TMP/in.wav" "$T_TMP/prog.mp3"

# measure LABEL CMD...: user+sys CPU seconds and peak RSS of CMD
measure() {
    local label=$1; shift
    python3 - "$label" "$SECS" "$@" <<'PY'
import resource, subprocess, sys, time
label, secs, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
t = time.time()
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
wall = time.time() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
print("%-28s cpu %6.2f s  = %5.2f%% of a core  per minute of audio %5.2f s  "
      "peak RSS %6.1f MB  wall %.1f s" % (label, cpu, 100 * cpu / wall, cpu * 60 / secs,
                                         ru.ru_maxrss / 1024, wall))
PY
}
# one-off analysis: prepare measures and caches, then Ctrl-C right away
python3 - "$B/src/loaxa" "$T_TMP/prog.mp3" <<'PY'
import resource, subprocess, sys, time, signal
p = subprocess.Popen([sys.argv[1], "play", "--device", "null", sys.argv[2]],
                     stdout=subprocess.PIPE, text=True)
for line in p.stdout:
    if "Output" in line or "loudness" in line:
        break
p.send_signal(signal.SIGINT)
p.communicate()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%-28s cpu %6.2f s (decode + EBU R128 + true peak, once per file)"
      % ("loudness analysis", ru.ru_utime + ru.ru_stime))
PY
measure "bench-play-minimal" "$T_TMP/minimal" "$SECS"
measure "loaxa play (cached loudness)" "$B/src/loaxa" play --device default "$T_TMP/prog.mp3"
measure "loaxa play --no-normalize" "$B/src/loaxa" play --device default --no-normalize \
    "$T_TMP/prog.mp3"
