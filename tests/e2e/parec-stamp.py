#!/usr/bin/env python3
"""parec-stamp.py OUT.raw [SINK]: records SINK's monitor (default "loa")
with parec as raw s16le 48 kHz stereo into OUT.raw until SIGTERM or SIGINT,
and writes the wall-clock time of the recording's first frame, in ns, to
OUT.raw.t0.

Why: a PulseAudio null sink that is idle renders in blocks of up to 2 s, so
the recording does not start when parec does. Each chunk arrives at most a
little after it was rendered; the earliest (arrival - frames so far / rate)
over all chunks is the best estimate of when frame 0 sounded. OUT.raw.ready
appears once data has flowed steadily for 0.3 s, so a test can wait for it
before it plays anything."""
import os
import signal
import subprocess
import sys
import time

RATE, FRAME = 48000, 4
out = sys.argv[1]
sink = sys.argv[2] if len(sys.argv) > 2 else "loa"
rec = subprocess.Popen(["parec", "-d", sink + ".monitor", "--raw", "--format=s16le",
                        "--rate=48000", "--channels=2", "--latency-msec=5"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def stop(signum, frame):
    rec.send_signal(signal.SIGINT)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
best = None
total = 0
first_at = None
ready = False
fd = rec.stdout.fileno()
with open(out, "wb") as f:
    while True:
        try:
            b = os.read(fd, 65536)
        except InterruptedError:
            continue
        if not b:
            break
        now = time.time_ns()
        f.write(b)
        total += len(b)
        est = now - total // FRAME * 1_000_000_000 // RATE
        best = est if best is None else min(best, est)
        if first_at is None:
            first_at = now
        if not ready and now - first_at > 300_000_000:
            f.flush()
            open(out + ".ready", "w").close()
            ready = True
rec.wait()
with open(out + ".t0", "w") as t:
    t.write("%d\n" % (best if best is not None else 0))
