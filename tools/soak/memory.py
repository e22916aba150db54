#!/usr/bin/env python3
"""memory.py: does loaxad's memory grow? The real daemon airs the soak's dense
plan (an airing every 5 s, tools/soak/soak.py plan) through PortAudio into a
private PulseAudio null sink, with STATUS polls, reloads and ad-hoc airings,
for a warm-up and then MINUTES more. Every INTERVAL seconds it reads the
daemon's /proc/PID/smaps_rollup; after the warm-up it fits the growth of
Private_Dirty (the memory only this process wrote: a leak lands there) by
Theil-Sen (the median of the pairwise slopes: a single step, such as a
malloc arena taking its first block, does not tilt it as a least-squares
line would; that one is printed too) and fails when it exceeds --bound MB/min.
Also fails when the daemon dies or airs nothing (then there was nothing to
measure). A deliberate leak (tests/e2e/leakshim.c, --preload) must fail it.

Usage: memory.py [--minutes M] [--warmup S] [--interval S] [--bound MB/MIN]
                 [--preload SO] [--arena-max N] [--keep]
Env: LOAXA, LOAXAD (binaries; default build/src/...), SRCDIR, CI (=true: no
PulseAudio is a failure, else a skip, exit 77). An AddressSanitizer build is
skipped (77): its quarantine and shadow grow for minutes by design.
Exit 0 pass, 1 fail, 2 usage, 77 skip.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from soak import ITEMS, SPACING, SRCDIR, Pulse, no_sound_server, say  # noqa: E402


def smaps(pid):
    """kB figures of /proc/PID/smaps_rollup (Rss, Pss, Private_Dirty, ...)."""
    out = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    return out


def mappings(pid):
    """Private_Dirty kB by mapping (address range and name) from /proc/PID/smaps."""
    out, cur = {}, None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and not parts[0].endswith(":"):
                cur = "%s %s" % (parts[0], parts[5] if len(parts) > 5 else "anon")
            elif parts and parts[0] == "Private_Dirty:" and cur:
                out[cur] = out.get(cur, 0) + int(parts[1])
    return out


def theil_sen(xs, ys):
    s = sorted((ys[j] - ys[i]) / (xs[j] - xs[i])
               for i in range(len(xs)) for j in range(i + 1, len(xs)) if xs[j] != xs[i])
    if not s:
        return 0.0
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def least_squares(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=4, help="measured minutes after the warm-up")
    ap.add_argument("--warmup", type=float, default=60, help="seconds before the first sample")
    ap.add_argument("--interval", type=float, default=5, help="seconds between samples")
    ap.add_argument("--bound", type=float, default=0.5, help="MB/min of Private_Dirty growth")
    ap.add_argument("--preload", help="LD_PRELOAD for the daemon (tests/e2e/leakshim.c)")
    ap.add_argument("--arena-max", type=int, help="MALLOC_ARENA_MAX for the daemon (experiment)")
    ap.add_argument("--tunables", help="GLIBC_TUNABLES for the daemon (experiment)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--why", action="store_true",
                    help="name the mappings whose Private_Dirty changed by 1 MB or more")
    a = ap.parse_args()
    loaxa = os.environ.get("LOAXA") or os.path.join(SRCDIR, "build/src/loaxa")
    loaxad = os.environ.get("LOAXAD") or os.path.join(SRCDIR, "build/src/loaxad")
    for b in (loaxa, loaxad):
        if not os.access(b, os.X_OK):
            print("memory.py: %s is not built (set LOAXA/LOAXAD)" % b, file=sys.stderr)
            return 2
    with open(loaxad, "rb") as f:
        if b"__asan_init" in f.read():
            print("SKIP: AddressSanitizer build: its quarantine grows by design")
            return 77

    work = tempfile.mkdtemp(prefix="loaxa-memsoak.")
    pulse = Pulse(work)
    daemon = None
    failed = True
    try:
        why = pulse.start()
        if why:
            failed = False
            no_sound_server("the memory soak", why)
        env = dict(os.environ, **pulse.env, LC_ALL="C.UTF-8", LANGUAGE="")
        env.pop("LD_PRELOAD", None)
        for d in ("plan", "audio"):
            os.makedirs(os.path.join(work, d))
        tone = os.path.join(SRCDIR, "tests/fixtures/audio/test/tone.wav")
        for r in ("a.wav", "b.wav", "c.wav"):
            shutil.copy(tone, os.path.join(work, "audio", r))
        conf = os.path.join(work, "loaxa.conf")
        with open(conf, "w") as f:
            f.write("[paths]\nplan = {w}/plan\naudio_root = {w}/audio\ndb = {w}/log.db\n"
                    "socket = {w}/loaxad.sock\n[audio]\ndevice = default\nsignature_tune =\n"
                    "fade_ms = 200\nprepare_seconds = 2\nloudness_target = off\n"
                    "[daemon]\ngrace_minutes = 1\npreempt = drop\n".format(w=work))
        env["LOAXA_CONFIG"] = conf
        t0 = int(time.time()) + 5
        plan = os.path.join(work, "plan/p.ics")

        def write_plan(seed):
            subprocess.check_call([sys.executable, os.path.join(HERE, "soak.py"), "plan",
                                   "--out", plan, "--t0", str(t0), "--items", str(ITEMS),
                                   "--spacing", str(SPACING), "--kind", "valid",
                                   "--seed", str(seed), "--write", "rename"],
                                  stdout=subprocess.DEVNULL)
        write_plan(0)
        denv = dict(env)
        if a.preload:
            denv["LD_PRELOAD"] = a.preload
        if a.tunables:
            denv["GLIBC_TUNABLES"] = a.tunables
        if a.arena_max:
            denv["MALLOC_ARENA_MAX"] = str(a.arena_max)
        log = open(os.path.join(work, "loaxad.log"), "ab")
        daemon = subprocess.Popen([loaxad, "--foreground"], env=denv, stdout=log, stderr=log)
        sock = os.path.join(work, "loaxad.sock")

        def ctl(*args):
            return subprocess.call([loaxa, *args], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, timeout=30)
        for _ in range(200):
            if os.path.exists(sock) and ctl("status") == 0:
                break
            if daemon.poll() is not None:
                break
            time.sleep(0.05)
        else:
            print("FAIL: loaxad did not answer STATUS")
            return 1
        say("memory soak: loaxad pid %d, warm-up %.0f s, then %.1f min, bound %.2f MB/min%s%s"
            % (daemon.pid, a.warmup, a.minutes, a.bound,
               ", LD_PRELOAD=" + a.preload if a.preload else "",
               ", MALLOC_ARENA_MAX=%d" % a.arena_max if a.arena_max else "")
            + (", GLIBC_TUNABLES=" + a.tunables if a.tunables else ""))
        start = time.monotonic()
        first = start + a.warmup
        end = first + a.minutes * 60
        next_sample, tick = first, 0
        xs, ys, rows = [], [], []
        maps_before = {}
        while time.monotonic() < end + 0.01:
            if daemon.poll() is not None:
                print("FAIL: loaxad ended by itself (exit %d)" % daemon.returncode)
                return 1
            # the load: STATUS every second, a reload of a rewritten plan every
            # 20 s, an ad-hoc airing every 30 s
            ctl("status", "--json") if tick % 2 else ctl("status")
            if tick % 20 == 10:
                write_plan(tick)
                ctl("reload")
            if tick % 30 == 15:
                ctl("air", "b.wav", "--priority", "normal")
            now = time.monotonic()
            if now >= next_sample:
                m = smaps(daemon.pid)
                xs.append((now - first) / 60)
                ys.append(m.get("Private_Dirty", 0) / 1024)
                rows.append("%6.2f min  Rss %6d  Pss %6d  Private_Dirty %6d kB"
                            % ((now - start) / 60, m.get("Rss", 0), m.get("Pss", 0),
                               m.get("Private_Dirty", 0)))
                print("  " + rows[-1], flush=True)
                if a.why:
                    maps = mappings(daemon.pid)
                    for k in sorted(set(maps) | set(maps_before)):
                        d = maps.get(k, 0) - maps_before.get(k, 0)
                        if abs(d) >= 1024 and maps_before:
                            print("      %+7d kB  %s (now %d kB)" % (d, k, maps.get(k, 0)))
                    maps_before = maps
                next_sample += a.interval
            tick += 1
            time.sleep(max(0.0, 1 - (time.monotonic() - now)))
        aired = subprocess.run(["sqlite3", "-batch", os.path.join(work, "log.db"),
                                "select count(*) from airing where status='aired'"],
                               capture_output=True, text=True).stdout.strip() or "0"
        ts, ls = theil_sen(xs, ys), least_squares(xs, ys)
        grew = ys[-1] - ys[0] if ys else 0
        ok_aired = int(aired) >= 10
        ok_mem = len(xs) >= 5 and ts <= a.bound
        print("memory: %d samples over %.1f min after a %.0f s warm-up: Private_Dirty %.1f -> "
              "%.1f MB; slope %.3f MB/min (Theil-Sen; least squares %.3f); bound %.2f MB/min"
              % (len(xs), a.minutes, a.warmup, ys[0] if ys else 0, ys[-1] if ys else 0, ts, ls,
                 a.bound))
        print("aired during the soak: %s" % aired)
        print("%s  the daemon aired (at least 10 airings: %s)" % ("PASS" if ok_aired else "FAIL",
                                                                  aired))
        print("%s  memory growth %.3f MB/min <= %.2f MB/min (grew %.1f MB in all)"
              % ("PASS" if ok_mem else "FAIL", ts, a.bound, grew))
        failed = not (ok_aired and ok_mem)
        print("RESULT: %s" % ("FAIL" if failed else "PASS"))
        return 1 if failed else 0
    finally:
        if daemon and daemon.poll() is None:
            daemon.terminate()
            try:
                daemon.wait(20)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        pulse.stop()
        if a.keep or failed:
            print("memory.py: work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
