#!/usr/bin/env python3
"""Load on loaxa-web: N clients (each from its own 127.0.x.y address, each
with its own session and keep-alive connection, logged in one after the
other first) GET /api/v1/status as fast as they can for S seconds; prints the latency percentiles, the request rate,
the errors, and loaxa-web's RSS before, during (peak) and after.

  tools/bench-web.py --url http://127.0.0.1:8080 --user NAME --password PW \
      [--clients 50] [--seconds 60] [--pid PID] [--path /api/v1/status]

The password may come from $BENCH_PASSWORD instead. Only for 127.0.0.0/8:
a benchmark, not a test (no assertion on the figures)."""
import argparse
import http.client
import json
import os
import statistics
import threading
import time
import urllib.parse


def rss_kib(pid):
    if not pid:
        return None
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def login(i, a):
    """A connection from the client's own address, logged in; (conn, cookie)."""
    src = ("127.0.%d.%d" % (1 + i // 250, 1 + i % 250), 0)
    c = http.client.HTTPConnection(a.host, a.port, timeout=30, source_address=src)
    body = json.dumps({"username": a.user, "password": a.password})
    c.request("POST", "/api/v1/login", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    cookie = (r.getheader("Set-Cookie") or "").split(";")[0]
    if r.status != 200 or not cookie:
        raise SystemExit("bench-web.py: login %d: %d" % (i, r.status))
    return c, cookie, src


def client(c, cookie, src, a, stop, lat, errs):
    mine = []
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            c.request("GET", a.path, headers={"Cookie": cookie})
            r = c.getresponse()
            r.read()
        except (OSError, http.client.HTTPException) as e:
            errs.append(type(e).__name__)
            c.close()
            c = http.client.HTTPConnection(a.host, a.port, timeout=30, source_address=src)
            continue
        dt = time.perf_counter() - t0
        if r.status != 200:
            errs.append(str(r.status))
        mine.append(dt)
    lat.extend(mine)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", default=os.environ.get("BENCH_PASSWORD"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--pid", type=int, default=0, help="loaxa-web's pid, for its RSS")
    ap.add_argument("--path", default="/api/v1/status")
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    a.host, a.port = u.hostname, u.port or 80
    if not a.host.startswith("127.") and a.host != "localhost":
        raise SystemExit("bench-web.py: 127.0.0.0/8 only")
    if not a.password:
        raise SystemExit("bench-web.py: --password or $BENCH_PASSWORD")
    rss0 = rss_kib(a.pid)
    # the logins first, one after the other (each is an argon2id check, and
    # logins side by side for one account are charged to its limit)
    t0 = time.time()
    conns = [login(i, a) for i in range(a.clients)]
    print("%d logins in %.1f s (one at a time)" % (a.clients, time.time() - t0))
    rss_logins = rss_kib(a.pid)
    stop, lat, errs = threading.Event(), [], []
    ts = [threading.Thread(target=client, args=(c, ck, src, a, stop, lat, errs), daemon=True)
          for c, ck, src in conns]
    for t in ts:
        t.start()
    peak, t0 = 0, time.time()
    while time.time() - t0 < a.seconds:
        time.sleep(0.5)
        r = rss_kib(a.pid)
        peak = max(peak, r or 0)
    stop.set()
    for t in ts:
        t.join(timeout=35)
    elapsed = time.time() - t0
    time.sleep(1)
    if not lat:
        raise SystemExit("no answers; errors: %s" % errs[:10])
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    print("%s, %d clients, %.0f s: %d requests, %.0f/s, errors %d%s" % (
        a.path, a.clients, elapsed, len(lat), len(lat) / elapsed, len(errs),
        (" (" + ", ".join(sorted(set(errs))[:5]) + ")") if errs else ""))
    print("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f" % (
        q(0.50), q(0.90), q(0.99), lat[-1] * 1000, statistics.mean(lat) * 1000))
    if a.pid:
        print("loaxa-web RSS KiB: idle %s, after the logins %s, peak under load %d, after %s"
              % (rss0, rss_logins, peak, rss_kib(a.pid)))


main()
