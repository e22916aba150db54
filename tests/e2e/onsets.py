#!/usr/bin/env python3
"""onsets.py REC.raw T0_NS [GAP_MS]: the sounding segments of a null-sink
monitor recording (raw s16le 48 kHz stereo, as pulse_record makes it), one
line each: "START_MS DURATION_MS", START_MS being wall-clock ms (UTC) from
the recording's first-frame time T0_NS (FILE.t0). Silence from the monitor
is exact zeros; segments closer than GAP_MS (default 150) are merged, so a
programme's quiet passages do not split it."""
import array
import sys

RATE = 48000
raw, t0_ns = sys.argv[1], int(open(sys.argv[2]).read().split()[0]) if not sys.argv[2].isdigit() else int(sys.argv[2])
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
    print(t0_ns // 1_000_000 + a * 1000 // RATE, (b - a + 1) * 1000 // RATE)
