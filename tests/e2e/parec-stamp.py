#!/usr/bin/env python3
"""parec-stamp.py OUT.raw [SINK]: records SINK's monitor (default "loa")
with parec as raw s16le 48 kHz stereo into OUT.raw until SIGTERM or SIGINT,
and writes when its frames sounded:
  OUT.raw.t0     wall-clock ns at which frame 0 sounded at the sink
  OUT.raw.clock  "T0_NS RATE": frame N sounded at T0_NS + N * 1e9 / RATE,
                 RATE being the sink's own frame rate in frames per second
                 of the system clock (use it for recordings over a few s)
  OUT.raw.t0.info  how both were found, for a human
OUT.raw.ready appears once data has flowed steadily for 0.3 s, so a test can
wait for it before it plays anything. See doc/audio-timing.md.

How: a chunk from the monitor arrives at or after the sink rendered it, so
(arrival - frames so far / rate) is an upper bound of when frame 0 was
rendered; its lower envelope is the render clock. Two corrections, both
measured rather than assumed:
- A null sink does not render in real time: it renders up to its configured
  latency ahead of its play position, and the monitor gets each block when
  it is rendered. So the envelope is the sink's play clock minus that
  latency, which we read from pactl (`configured ... usec` of the sink) and
  add back. (Tested: the apparent offset follows the configured latency
  exactly, 5, 20, 40 ms, whatever plays.)
- The sink's frame clock is not the system clock: here it runs about 185
  ppm fast (14 ms over 77 s), so one t0 for a long recording puts early
  frames ms off. The envelope's slope over one-second windows gives RATE."""
import os
import re
import signal
import subprocess
import sys
import time

RATE, FRAME = 48000, 4
WINDOW = RATE  # frames per window of the envelope
out = sys.argv[1]
sink = sys.argv[2] if len(sys.argv) > 2 else "loa"
rec = subprocess.Popen(["parec", "-d", sink + ".monitor", "--raw", "--format=s16le",
                        "--rate=48000", "--channels=2", "--latency-msec=5"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def sink_latency_ns():
    """The sink's configured latency (how far ahead it renders), or None."""
    try:
        txt = subprocess.run(["pactl", "list", "sinks"], capture_output=True, text=True,
                             timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for block in txt.split("\n\n"):
        if re.search(r"^\s*Name: %s\s*$" % re.escape(sink), block, re.M):
            m = re.search(r"Latency: \d+ usec, configured (\d+) usec", block)
            return int(m.group(1)) * 1000 if m else None
    return None


def stop(signum, frame):
    rec.send_signal(signal.SIGINT)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
total = 0
first_at = None
ready = False
lat_start = None
env = {}  # window -> (est, frames): the lowest est seen in that window
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
        frames = total // FRAME
        est = now - frames * 1_000_000_000 // RATE
        w = frames // WINDOW
        if w not in env or est < env[w][0]:
            env[w] = (est, frames)
        if first_at is None:
            first_at = now
        if not ready and now - first_at > 300_000_000:
            f.flush()
            lat_start = sink_latency_ns()
            open(out + ".ready", "w").close()
            ready = True
rec.wait()
lat_end = sink_latency_ns()
lat = lat_start if lat_start is not None else lat_end
lat = lat or 0

# Slope of the envelope: Theil-Sen (median of pairwise slopes) over the
# window minima, robust to windows a scheduling delay pushed up. Windows
# less than 4 s apart are too close to tell 100 ppm from jitter.
pts = sorted((fr, est) for est, fr in env.values())
some = pts[:: len(pts) // 300 + 1]  # pairs grow as the square: a few hundred do
slopes = []
for i in range(len(some)):
    for j in range(i + 1, len(some)):
        dfr = some[j][0] - some[i][0]
        if dfr >= 4 * RATE:
            slopes.append((some[j][1] - some[i][1]) / dfr)  # ns of est per frame
slopes.sort()
# under 8 s the drift is under 1.5 ms and a few pairs would only add noise
slope = slopes[len(slopes) // 2] if slopes and len(pts) >= 8 else 0.0
# est(frames) = t0 + frames * (1e9/RATE_sink - 1e9/RATE): the envelope is the
# lowest line of that slope under the windows' minima (no chunk can arrive
# before it was rendered, so nothing real lies below it). Over a long
# recording the 5th percentile, not the minimum: the first window or two
# can sit 0.5 ms below all the others (seen once in 78).
res = sorted(est - slope * fr for fr, est in pts)
t0_render = res[len(res) // 20] if res else 0
t0 = int(round(t0_render)) + lat if res else 0
rate = 1e9 / (1e9 / RATE + slope)
with open(out + ".t0", "w") as t:
    t.write("%d\n" % t0)
with open(out + ".clock", "w") as c:
    c.write("%d %.3f\n" % (t0, rate))
with open(out + ".t0.info", "w") as i:
    i.write("monitor_t0_ns=%d\nsink_latency_ns=%d\nsink_latency_end_ns=%s\n"
            "t0_ns=%d\nsink_rate=%.3f\nppm=%.1f\nwindows=%d\nframes=%d\n"
            % (int(round(t0_render)), lat, lat_end, t0, rate, (rate / RATE - 1) * 1e6,
               len(pts), total // FRAME))
