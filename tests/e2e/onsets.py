#!/usr/bin/env python3
"""onsets.py REC.raw T0_NS [GAP_MS]: the sounding segments of a null-sink
monitor recording (raw s16le 48 kHz stereo, as pulse_record makes it), one
line each: "START_MS DURATION_MS", START_MS being wall-clock ms (UTC) from
the recording's first-frame time T0_NS (FILE.t0). Silence from the monitor
is exact zeros; segments closer than GAP_MS (default 150) are merged, so a
programme's quiet passages do not split it. When T0_NS is a FILE.t0 path and
FILE.clock exists beside it (parec-stamp.py writes both), frames are mapped
with the sink's own measured frame rate, which matters over a long
recording (see doc/audio-timing.md)."""
import array
import sys

RATE = 48000
raw, arg = sys.argv[1], sys.argv[2]
rate_sink = RATE
if arg.isdigit():
    t0_ns = int(arg)
else:
    t0_ns = int(open(arg).read().split()[0])
    clock = arg[:-3] + ".clock" if arg.endswith(".t0") else None
    if clock:
        try:
            t0_s, rate_s = open(clock).read().split()[:2]
            t0_ns, rate_sink = int(t0_s), float(rate_s)
        except (OSError, ValueError):
            pass
gap = int(sys.argv[3]) if len(sys.argv) > 3 else 150
frames = array.array("i")  # one stereo s16 frame = 4 bytes = one int
with open(raw, "rb") as f:
    data = f.read()
frames.frombytes(data[: len(data) // 4 * 4])
gap_frames = gap * RATE // 1000
segs = []
start = last = None
for i, v in enumerate(frames):
    if v:
        if start is None:
            start = i
        elif i - last > gap_frames:
            segs.append((start, last))
            start = i
        last = i
if start is not None:
    segs.append((start, last))
for a, b in segs:
    # rounded to the nearest ms (flooring made every start look 0.5 ms early)
    print(round((t0_ns + a * 1e9 / rate_sink) / 1e6), (b - a + 1) * 1000 // RATE)
