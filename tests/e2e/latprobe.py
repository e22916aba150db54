#!/usr/bin/env python3
"""latprobe.py: a loop-latency probe for loaxad (python3 standard library only).

  latprobe.py [run] --socket PATH [--interval S] [--timeout S] [--duration S]
              [--samples FILE] [--summary FILE] [--down-file FILE]
      connects to the daemon's control socket every --interval seconds
      (default 0.2), sends "STATUS\\n" and times the answer, from just before
      connect() to the reply's end (doc/control-protocol.md: one line, one
      reply line, close). One poll at a time: a daemon whose loop is blocked
      shows as one slow answer as long as the block (up to --timeout, default
      60 s, then a "timeout"), not as a pile of connections. Runs for
      --duration seconds or until SIGTERM/SIGINT, then prints the summary as
      one line of JSON (also written to --summary); it also stops when its
      parent process ends (unless --no-exit-with-parent). --samples gets one line
      per poll as it ends: START_MS LATENCY_MS OUTCOME DETAIL (tab-separated;
      START_MS is wall-clock epoch ms, LATENCY_MS has one decimal).
  latprobe.py summary --samples FILE [--down-file FILE] [--from MS] [--to MS]
      the summary of a samples file, optionally only polls that started in
      [from, to) (epoch ms).

Outcomes: ok (an "OK ..." reply), busy ("ERR busy"), rate (the rate limit's
"ERR too many commands"), err (another ERR, or a reply that is not one
line), timeout (no reply within --timeout), refused (connect failed: no
socket, nobody listening), closed (connection closed or reset without a
reply), unfinished (the probe was stopped while waiting; its time so far
counts towards the worst).

--down-file names a file of lines "down MS" / "up MS" (epoch ms) that a test
writes when it stops or kills the daemon itself and when it answers again:
polls that overlap such a window are counted as "down" and neither as
failures nor in the latency figures. A "down" without an "up" lasts to the
end. The file is read when the summary is made.

Summary fields: polls, answered (ok + busy + rate + err), ok, median_ms,
p99_ms, worst_ms (over answered polls and timeouts/unfinished ones outside
down windows: the longest the daemon took to answer or failed to),
worst_at (epoch ms of that poll's start), failures (busy + err + timeout +
refused + closed outside down windows; the rate limit is an answer that the
test's own bursts cause and is counted apart), by_outcome, down (polls in
down windows), over_250 (polls slower than 250 ms), from/to (epoch ms).
"""

import argparse
import errno
import json
import os
import signal
import socket
import sys
import time


class Stop(Exception):
    pass


def classify(reply):
    if not reply:
        return "closed", ""
    text = reply.decode("utf-8", "replace")
    if not reply.endswith(b"\n") or reply.count(b"\n") != 1:
        return "err", "not one line: " + text[:60]
    text = text.rstrip("\n")
    if text == "OK" or text.startswith("OK "):
        return "ok", ""
    if text.startswith("ERR "):
        msg = text[4:]
        if msg == "busy" or msg.startswith("busy"):
            return "busy", msg[:80]
        if "too many commands" in msg:
            return "rate", msg[:80]
        return "err", msg[:80]
    return "err", text[:80]


def poll(path, timeout):
    """One STATUS exchange; returns (outcome, detail). Raises Stop."""
    deadline = time.monotonic() + timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.setblocking(False)
        while True:
            try:
                s.connect(path)
                break
            except (BlockingIOError, InterruptedError):
                # AF_UNIX answers EAGAIN when the listen backlog is full
                if time.monotonic() >= deadline:
                    return "timeout", "connect: backlog full"
                time.sleep(0.005)
            except OSError as e:
                if e.errno in (errno.EAGAIN, errno.EINPROGRESS):
                    if time.monotonic() >= deadline:
                        return "timeout", "connect"
                    time.sleep(0.005)
                    continue
                return "refused", errno.errorcode.get(e.errno, str(e.errno))
        s.settimeout(max(0.001, deadline - time.monotonic()))
        try:
            s.sendall(b"STATUS\n")
        except socket.timeout:
            return "timeout", "send"
        except OSError as e:
            return "closed", "send: " + errno.errorcode.get(e.errno, str(e.errno))
        reply = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout", "reply (%d bytes so far)" % len(reply)
            s.settimeout(left)
            try:
                chunk = s.recv(1 << 20)
            except socket.timeout:
                return "timeout", "reply (%d bytes so far)" % len(reply)
            except OSError as e:
                if reply:
                    break
                return "closed", "recv: " + errno.errorcode.get(e.errno, str(e.errno))
            if not chunk:
                break
            reply += chunk
            if len(reply) > (64 << 20):
                return "err", "reply over 64 MB"
        return classify(reply)
    finally:
        s.close()


def read_down(path):
    """[(from_ms, to_ms)] from a down file; an open window ends at +inf."""
    wins = []
    if not path or not os.path.exists(path):
        return wins
    cur = None
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 2:
                continue
            try:
                t = float(p[1])
            except ValueError:
                continue
            if p[0] == "down" and cur is None:
                cur = t
            elif p[0] == "up" and cur is not None:
                wins.append((cur, t))
                cur = None
    if cur is not None:
        wins.append((cur, float("inf")))
    return wins


def read_samples(path):
    out = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 3:
                continue
            try:
                out.append((float(p[0]), float(p[1]), p[2], p[3] if len(p) > 3 else ""))
            except ValueError:
                continue
    return out


def pct(sorted_vals, q):
    if not sorted_vals:
        return None
    i = min(len(sorted_vals) - 1, max(0, int(round(q * (len(sorted_vals) - 1)))))
    return sorted_vals[i]


def summarize(samples, down, t_from=None, t_to=None, slow_ms=250.0):
    by = {}
    lat = []
    worst, worst_at, ndown, fails, over = 0.0, None, 0, 0, 0
    first = last = None
    for t0, ms, outcome, _detail in samples:
        if t_from is not None and t0 < t_from:
            continue
        if t_to is not None and t0 >= t_to:
            continue
        first = t0 if first is None else min(first, t0)
        last = t0 if last is None else max(last, t0)
        if any(a <= t0 + ms and t0 <= b for a, b in down):
            ndown += 1
            continue
        by[outcome] = by.get(outcome, 0) + 1
        if outcome in ("ok", "busy", "rate", "err"):
            lat.append(ms)
        if outcome in ("busy", "err", "timeout", "refused", "closed"):
            fails += 1
        if outcome in ("ok", "busy", "rate", "err", "timeout", "unfinished"):
            if ms > worst:
                worst, worst_at = ms, t0
            if ms > slow_ms:
                over += 1
    lat.sort()
    r1 = lambda v: None if v is None else round(v, 1)
    return {
        "polls": sum(by.values()) + ndown,
        "answered": len(lat),
        "ok": by.get("ok", 0),
        "median_ms": r1(pct(lat, 0.5)),
        "p99_ms": r1(pct(lat, 0.99)),
        "worst_ms": r1(worst),
        "worst_at": None if worst_at is None else int(worst_at),
        "failures": fails,
        "by_outcome": dict(sorted(by.items())),
        "down": ndown,
        "over_250": over,
        "from": None if first is None else int(first),
        "to": None if last is None else int(last),
    }


def cmd_run(a):
    stop = {"flag": False}

    def on_signal(_sig, _frm):
        stop["flag"] = True
        raise Stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    samples = []
    # created only now, after the handlers: a caller may wait for it
    out = open(a.samples, "a", buffering=1) if a.samples else None
    t_end = time.monotonic() + a.duration if a.duration else None
    next_at = time.monotonic()

    def record(wall0, ms, outcome, detail):
        samples.append((wall0, ms, outcome, detail))
        if out:
            out.write("%d\t%.1f\t%s\t%s\n" % (wall0, ms, outcome,
                                             detail.replace("\t", " ").replace("\n", " ")))

    parent = os.getppid()
    try:
        while not stop["flag"]:
            now = time.monotonic()
            if t_end is not None and now >= t_end:
                break
            if a.with_parent and os.getppid() != parent:
                break  # the test that started it has gone: no orphan prober
            if now < next_at:
                time.sleep(next_at - now)
            wall0 = time.time() * 1000.0
            m0 = time.monotonic()
            try:
                outcome, detail = poll(a.socket, a.timeout)
            except Stop:
                record(wall0, (time.monotonic() - m0) * 1000.0, "unfinished", "")
                raise
            record(wall0, (time.monotonic() - m0) * 1000.0, outcome, detail)
            # the next poll one interval after this one's start; no catching up
            next_at = max(next_at + a.interval, time.monotonic())
    except Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if out:
        out.close()
    summ = summarize(samples, read_down(a.down_file))
    line = json.dumps(summ, sort_keys=False)
    if a.summary:
        tmp = a.summary + ".tmp"
        with open(tmp, "w") as f:
            f.write(line + "\n")
        os.replace(tmp, a.summary)
    print(line, flush=True)
    return 0


def cmd_summary(a):
    summ = summarize(read_samples(a.samples), read_down(a.down_file), a.t_from, a.t_to)
    print(json.dumps(summ))
    return 0


def main():
    argv = sys.argv[1:]
    if not argv or argv[0] not in ("run", "summary", "-h", "--help"):
        argv = ["run"] + argv
    ap = argparse.ArgumentParser(description="loaxad loop-latency probe")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--socket", required=True)
    r.add_argument("--interval", type=float, default=0.2)
    r.add_argument("--timeout", type=float, default=60.0)
    r.add_argument("--duration", type=float, default=0.0, help="seconds (0: until a signal)")
    r.add_argument("--samples")
    r.add_argument("--summary")
    r.add_argument("--down-file")
    r.add_argument("--no-exit-with-parent", dest="with_parent", action="store_false",
                   help="keep running when the parent process ends")
    s = sub.add_parser("summary")
    s.add_argument("--samples", required=True)
    s.add_argument("--down-file")
    s.add_argument("--from", dest="t_from", type=float)
    s.add_argument("--to", dest="t_to", type=float)
    a = ap.parse_args(argv)
    if a.cmd == "run":
        if a.interval <= 0 or a.timeout <= 0:
            ap.error("--interval and --timeout must be positive")
        return cmd_run(a)
    return cmd_summary(a)


if __name__ == "__main__":
    sys.exit(main())
