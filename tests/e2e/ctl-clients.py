"""Control-socket clients for the e2e tests (python3 stdlib only).

  poll SECONDS LOAXA...      runs `loaxa status` every 200 ms; prints each
                             answer's time, then a summary line
  nonreaders SOCK N HOLD REQUEST
                             N clients send REQUEST and never read, holding
                             their connection HOLD seconds
  idle SOCK N SECONDS        keeps N connections open that send nothing;
                             any the daemon closes is opened again at once
  idle-blocking SOCK N SECONDS
                             the same with N threads in blocking connect(),
                             so they wait in the kernel's queue for room
"""
import os
import selectors
import socket
import subprocess
import sys
import time


def poll(seconds, cmd):
    end = time.monotonic() + seconds
    worst = 0.0
    n = bad = 0
    while time.monotonic() < end:
        t0 = time.monotonic()
        p = subprocess.run(cmd, capture_output=True, text=True)
        el = (time.monotonic() - t0) * 1000
        n += 1
        worst = max(worst, el)
        if p.returncode != 0:
            bad += 1
            sys.stderr.write(f"status failed after {el:.0f} ms: {p.stderr.strip()}\n")
        time.sleep(max(0.0, 0.2 - (time.monotonic() - t0)))
    print(f"answers={n} failed={bad} worst_ms={worst:.0f}")


def connect(path):
    # non-blocking: a full listen queue must not hold the flood in connect()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(path)
    except (BlockingIOError, InterruptedError):
        s.close()
        return None
    return s


def nonreaders(path, n, hold, request):
    socks = []
    while len(socks) < n:
        s = connect(path)
        if s is None:
            time.sleep(0.01)
            continue
        s.sendall(request.encode() + b"\n")
        socks.append(s)
    print(f"nonreaders={len(socks)} sent={request}", flush=True)
    time.sleep(hold)
    for s in socks:
        s.close()


def idle(path, n, seconds):
    sel = selectors.DefaultSelector()
    opened = closed = 0
    end = time.monotonic() + seconds
    live = 0
    while time.monotonic() < end:
        while live < n:
            s = connect(path)
            if s is None:
                break
            sel.register(s, selectors.EVENT_READ)
            live += 1
            opened += 1
        for key, _ in sel.select(timeout=0.01):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                live -= 1
                closed += 1
    print(f"idle: opened={opened} closed_by_daemon={closed} open_at_end={live}")


def idle_blocking(path, n, seconds):
    import threading
    end = time.monotonic() + seconds
    counts = {"opened": 0, "closed": 0}
    lock = threading.Lock()

    def worker():
        while time.monotonic() < end:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(max(0.1, end - time.monotonic()))
            try:
                s.connect(path)
                with lock:
                    counts["opened"] += 1
                while s.recv(4096):
                    pass
                with lock:
                    counts["closed"] += 1
            except OSError:
                pass
            s.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"idle: opened={counts['opened']} closed_by_daemon={counts['closed']}")


def main():
    what = sys.argv[1]
    if what == "poll":
        poll(float(sys.argv[2]), sys.argv[3:] + ["status"])
    elif what == "nonreaders":
        nonreaders(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    elif what == "idle-blocking":
        idle_blocking(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif what == "idle":
        idle(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit("unknown mode " + what)


if __name__ == "__main__":
    main()
