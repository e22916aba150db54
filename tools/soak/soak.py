#!/usr/bin/env python3
"""soak.py: helpers of tools/soak.sh (the fault soak of loaxad).

  soak.py plan  --out FILE --t0 EPOCH --items N --spacing S --kind K --seed X
                [--write rename|inplace|split]
      writes one version of the soak plan. Every valid version has the same
      items (UIDs soak-00.., DTSTART t0 + i*spacing, RRULE FREQ=MINUTELY, the
      same recordings), only the text differs. --kind valid | extra (the valid
      items plus one broken item that never occurs in the soak window: the
      daemon must refuse it on reload) | broken (the file itself is broken:
      truncated, garbage, a soak item's rule refused...) | missing (a soak
      item names a recording that does not exist). Prints what it wrote.
  soak.py fuzz  --socket PATH --n N --seed X
      malformed and oversized requests to the control socket; prints
      "sent=N ok=A err=B closed=C" (a reply other than OK/ERR is counted bad=).
  soak.py check --db DB --t0 EPOCH --items N --spacing S --from MS --to MS
                --state FILE [--loaxa BIN] [--latprobe JSON] [--latprobe-quiet JSON]
      checks the as-run log after the soak and prints the summary block;
      exit 1 when a check fails. The latency probe's summaries (latprobe.py)
      give the worst STATUS answer time and the unanswered polls; they are
      judged unless the state says answer_info_only.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import time

RECS = ["a.wav", "b.wav", "c.wav"]
PRIORITIES = [0, 5, 3, 9, 2, 0, 6, 1, 4, 0, 7, 5]
TITLES = ["Bản tin thời sự", "Thông báo của UBND xã", "Phòng chống dịch", "Nhạc hiệu",
          "Hướng dẫn nông vụ", "An toàn giao thông", "Tin thời tiết", "Khẩn cấp: bão",
          "Tuyên truyền pháp luật", "Văn hóa – xã hội", "Tin địa phương", "Kết thúc"]


def ical_time(epoch):
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def item_recordings(i):
    recs = [RECS[i % 3]]
    if i % 4 == 3:  # a two-part programme (2 s)
        recs.append(RECS[(i + 2) % 3])
    return recs


def fold(line):
    """RFC 5545 folding at 75 octets (never inside a UTF-8 sequence)."""
    b = line.encode()
    if len(b) <= 75:
        return [line]
    out, cur = [], b""
    for ch in line:
        e = ch.encode()
        if len(cur) + len(e) > (75 if not out else 74):
            out.append(cur.decode())
            cur = b""
        cur += e
    out.append(cur.decode())
    return [out[0]] + [" " + x for x in out[1:]]


def item_lines(i, a, rng, variant):
    t0, spacing = a.t0, a.spacing
    lines = ["BEGIN:VEVENT", "UID:soak-%02d" % i, "DTSTAMP:20260101T000000Z",
             "DTSTART:" + ical_time(t0 + i * spacing), "RRULE:FREQ=MINUTELY",
             "SUMMARY:%s %d (%s)" % (TITLES[i % len(TITLES)], i, variant),
             "PRIORITY:%d" % PRIORITIES[i % len(PRIORITIES)]]
    lines += ["ATTACH:" + r for r in item_recordings(i)]
    if rng.random() < 0.5:
        lines.append("CATEGORIES:Thời sự,Soak")
    if rng.random() < 0.4:
        lines.append("DESCRIPTION:" + " ".join(rng.choice(TITLES) for _ in range(12)))
    if rng.random() < 0.3:
        lines.append("X-LOAXA-SOAK:%d" % rng.randrange(1 << 30))
    rest = lines[2:]
    rng.shuffle(rest)  # property order does not matter
    lines = lines[:2] + rest + ["END:VEVENT"]
    return lines


BROKEN_EXTRA = [
    ("bad RRULE", ["RRULE:FREQ=FOO;BYDAY=XX", "ATTACH:a.wav"]),
    ("syntax error", ["this is not a content line", "ATTACH:a.wav"]),
    ("bad DTSTART", ["DTSTART:2020010", "ATTACH:a.wav"]),
    ("recording outside the root", ["ATTACH:../../etc/passwd"]),
    ("SECONDLY rule", ["RRULE:FREQ=SECONDLY;COUNT=3", "ATTACH:a.wav"]),
]


def cmd_plan(a):
    rng = random.Random(a.seed)
    variant = "v%d" % rng.randrange(100000)
    events = [item_lines(i, a, rng, variant) for i in range(a.items)]
    if rng.random() < 0.5:
        rng.shuffle(events)
    what = "valid"
    if a.kind == "extra":
        name, props = rng.choice(BROKEN_EXTRA)
        ev = ["BEGIN:VEVENT", "UID:soak-broken", "DTSTAMP:20260101T000000Z"]
        if not any(p.startswith("DTSTART") for p in props):
            ev.append("DTSTART:20200101T000000Z")  # a one-off long past
        ev += props + ["SUMMARY:broken", "END:VEVENT"]
        events.insert(rng.randrange(len(events) + 1), ev)
        what = "extra: " + name
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//loaxa//soak//EN"]
    for ev in events:
        for line in ev:
            lines += fold(line)
    lines.append("END:VCALENDAR")
    eol = "\r\n" if rng.random() < 0.8 else "\n"
    data = (eol.join(lines) + eol).encode()
    if a.kind == "broken":
        k = rng.randrange(4)
        if k == 0:
            cut = rng.randrange(40, len(data) - 20)
            data, what = data[:cut], "broken: truncated at %d of %d bytes" % (cut, len(data))
        elif k == 1:
            data, what = os.urandom(rng.randrange(10, 4000)), "broken: random bytes"
        elif k == 2:
            data = data.replace(b"RRULE:FREQ=MINUTELY", b"RRULE:FREQ=MINUTELY;BYSECOND=99", 1)
            what = "broken: a soak item's RRULE"
        elif k == 3:
            data, what = b"", "broken: empty file"
    if a.kind == "missing":
        # loaxad loads it (recordings are looked at when airing, unlike
        # `loaxa check`): the item's airings fail with a reason meanwhile
        data = data.replace(b"ATTACH:", b"ATTACH:gone-", 1)
        what = "a soak item's recording missing"
    tmp = os.path.join(os.path.dirname(a.out), ".soak-plan.tmp")
    if a.write == "rename":
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, a.out)
    elif a.write == "inplace":
        with open(a.out, "wb") as f:
            f.write(data)
    else:  # two writes with a pause: the daemon may see the first half alone
        half = len(data) // 2
        with open(a.out, "wb") as f:
            f.write(data[:half])
        time.sleep(0.3)
        with open(a.out, "ab") as f:
            f.write(data[half:])
    print("%s (%s, %s)" % (what, a.write, "CRLF" if eol == "\r\n" else "LF"))


def cmd_fuzz(a):
    rng = random.Random(a.seed)
    # every case is malformed (its answer must be ERR or a close) except the
    # last: several lines at once, of which the first (STATUS) is answered OK
    cases = [
        lambda: b"\n", lambda: b"HELLO\n", lambda: b"AIR\n", lambda: b"AIR loud tone\n",
        lambda: b"AIR normal ../../../etc/passwd\n", lambda: b"AIR normal /etc/passwd\n",
        lambda: b"AIR emergency no-such-uid-" + str(rng.randrange(1000)).encode() + b"\n",
        lambda: b"STATUS STATUS STATUS\n", lambda: b"RELOAD now please\n",
        lambda: b"\x00\x01\x02STATUS\n", lambda: b"\xff\xfe\xfd\xc3\x28\n",
        lambda: b"A" * rng.choice([4095, 4096, 4097, 8000, 70000]) + b"\n",
        lambda: b"AIR normal " + b"x/" * 3000 + b"\n",
        lambda: b"STATUS",  # no newline, then close
        lambda: b"STA",     # half a request, hang a while, close
        lambda: b"Q" + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600))),
        lambda: b"%s%s%s%n\n", lambda: b"AIR normal \xe2\x80\xae.wav\n",
        lambda: b"STATUS\nSTATUS\nSTOP\n",  # more than one line: the first is answered
    ]
    valid = {len(cases) - 1}
    # wrong: a well-formed reply of the wrong kind (OK to a malformed request,
    # anything but OK to the valid one); bad: a reply that is not one line
    n = {"sent": 0, "ok": 0, "err": 0, "closed": 0, "bad": 0, "wrong": 0, "refused": 0}
    for _ in range(a.n):
        ci = rng.randrange(len(cases))
        data = cases[ci]()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(a.socket)
        except OSError:
            n["refused"] += 1
            s.close()
            continue
        n["sent"] += 1
        try:
            s.sendall(data)
            if data in (b"STA",):
                time.sleep(0.2)
            if not data.endswith(b"\n"):
                s.shutdown(socket.SHUT_WR)
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            reply = b""
        finally:
            s.close()
        one_line = reply.endswith(b"\n") and reply.count(b"\n") == 1
        if not reply:
            kind = "closed"
        elif reply.startswith(b"OK") and one_line:
            kind = "ok"
        elif reply.startswith(b"ERR ") and one_line:
            kind = "err"
        else:
            kind = "bad"
        n[kind] += 1
        if kind == "bad" or (kind == "ok") != (ci in valid):
            if kind != "bad":
                n["wrong"] += 1
            print("%s reply to %r: %r" % (kind, data[:60], reply[:200]), file=sys.stderr)
    print(" ".join("%s=%d" % kv for kv in n.items()))


# ------------------------------------------------------------------ check
def load_state(path):
    st = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                st[k] = v
    return st


def cmd_check(a):
    st = load_state(a.state)
    checks = []
    notes = []

    def check(name, ok, detail=""):
        checks.append((name, bool(ok), detail))

    # A check judges what a fault left behind, so it is worth nothing if the
    # fault never happened: every kind must have happened (in the short form
    # too: the driver forces one of each early), or the run fails. A kind
    # left out on purpose (--skip, no tmpfs for fs) is a note, not a pass.
    left_out = set(filter(None, st.get("skipped_kinds", "").split(",")))
    for kind, key, what in (
            ("kill", "kills", "kill -9 of the daemon"), ("kill", "restarts", "restart after a kill"),
            ("plan_valid", "plan_valid", "valid plan rewrite"),
            ("plan_extra", "plan_extra", "plan with a broken extra item"),
            ("plan_broken", "plan_broken", "broken plan file"),
            ("plan_broken", "plan_invalid_seen", "invalid plan seen by a running daemon"),
            ("plan_missing", "plan_missing", "plan with a missing recording"),
            ("corrupt", "corrupt", "corrupt recording"),
            ("pa", "pa_restarts", "PulseAudio stop and restart"),
            ("fs", "fs_full", "full database filesystem"),
            ("burst", "ctl_sent", "control command"),
            ("burst", "fuzz_sent", "malformed control request"),
            ("report", "reports", "concurrent report run")):
        n_done = int(st.get(key, 0) or 0)
        if kind in left_out:
            notes.append("not exercised (left out): %s" % what)
        else:
            check("fault exercised: %s (%d)" % (what, n_done), n_done > 0,
                  "never happened in this run: the checks of its outcome proved nothing")

    db = sqlite3.connect("file:%s?mode=ro" % a.db, uri=True, timeout=30)
    integ = [r[0] for r in db.execute("PRAGMA integrity_check")]
    check("PRAGMA integrity_check is ok", integ == ["ok"], "; ".join(integ[:5]))
    rows = db.execute(
        "SELECT occ_key, attempt, uid, status, reason, source, planned_start_ms,"
        " actual_start_ms, played_ms FROM airing ORDER BY planned_start_ms, occ_key, attempt"
    ).fetchall()
    cols = ["key", "attempt", "uid", "status", "reason", "source", "planned", "actual",
            "played"]
    rows = [dict(zip(cols, r)) for r in rows]

    # the occurrences the plan asks for in the window [from, to)
    expected = {}
    for i in range(a.items):
        t = a.t0 + i * a.spacing
        while t * 1000 < a.to_ms:
            if t * 1000 >= a.from_ms:
                expected["soak-%02d/%s" % (i, ical_time(t))] = t * 1000
            t += 60
    # cross-check with the program's own expansion (loaxa schedule)
    sched_note = "not run"
    if a.loaxa:
        day = lambda ms: dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m-%d")
        p = subprocess.run([a.loaxa, "schedule", "--tz", "UTC", "--format", "csv",
                            "--from", day(a.from_ms - 86400000), "--to", day(a.to_ms + 86400000)],
                           capture_output=True, text=True)
        got = set()
        for line in p.stdout.splitlines()[1:]:
            f = line.split(",")
            if len(f) > 3 and f[2].startswith("soak-"):
                t = dt.datetime.fromisoformat(f[0]).timestamp() * 1000
                if a.from_ms <= t < a.to_ms:
                    got.add(f[3])
        sched_note = "%d listed" % len(got)
        check("loaxa schedule lists the same occurrences", got == set(expected),
              "%d vs %d expected; only in schedule: %s; only expected: %s"
              % (len(got), len(expected), sorted(got - set(expected))[:3],
                 sorted(set(expected) - got)[:3]))

    by_key = {}
    for r in rows:
        by_key.setdefault(r["key"], []).append(r)
    plan_rows = [r for r in rows if r["source"] == "plan"]
    adhoc_rows = [r for r in rows if r["source"] != "plan"]
    in_window = [r for r in plan_rows if a.from_ms <= r["planned"] < a.to_ms]

    no_row = sorted(k for k in expected if k not in by_key)
    finals_bad = []
    for k in expected:
        rs = by_key.get(k, [])
        finals = [r for r in rs if r["status"] != "on_air"]
        if rs and len(finals) != 1:
            finals_bad.append("%s: %s" % (k, ",".join("%d:%s" % (r["attempt"], r["status"])
                                                        for r in rs)))
    unexpected = sorted({r["key"] for r in plan_rows if a.from_ms <= r["planned"] < a.to_ms
                         and r["key"] not in expected})
    check("every occurrence in the window has exactly one final row",
          not no_row and not finals_bad and not unexpected,
          "%d expected; without a row: %d %s; not exactly one final row: %d %s;"
          " rows for occurrences not in the plan: %d %s"
          % (len(expected), len(no_row), no_row[:5], len(finals_bad), finals_bad[:5],
             len(unexpected), unexpected[:5]))
    twice = sorted(k for k, rs in by_key.items()
                   if sum(1 for r in rs if r["status"] == "aired"
                          or (r["status"] == "interrupted" and (r["played"] or 0) > 0)) > 1)
    # the daemon's own word: one "airing TITLE (KEY) at TIME" line per start
    # (preempt=drop: nothing is restarted), whether or not a row was written
    started = {}
    if a.daemon_log:
        with open(a.daemon_log, errors="replace") as f:
            for line in f:
                m = re.match(r"loaxad: airing .* \(([^()\s]+/[^()\s]+)\) at \S+$", line)
                if m:
                    started[m.group(1)] = started.get(m.group(1), 0) + 1
    twice_out = sorted(k for k, v in started.items() if v > 1)
    unlogged = sorted(k for k in started if k not in by_key)
    check("no occurrence aired twice", not twice and not twice_out,
          "in the log: %s; started more than once by the daemon: %s (rows: %s)"
          % (twice[:5], twice_out[:5],
             ["%s %s" % (k, [(r["attempt"], r["status"], r["reason"][:40])
                             for r in by_key.get(k, [])]) for k in twice_out[:3]]))
    check("every airing the daemon started has a row", not unlogged,
          "%d started without a row: %s" % (len(unlogged), unlogged[:5]))
    up = sqlite3.connect("file:%s?mode=ro" % a.up_db, uri=True, timeout=30)
    stuck = [k for (k,) in up.execute("SELECT occ_key FROM airing WHERE status = 'on_air'"
                                      " AND planned_start_ms < ?", (a.to_ms,))]
    check("no row stuck on_air while the daemon is up", not stuck, "%s" % stuck[:5])
    # every ad-hoc airing the daemon accepted ("queued KEY") has one final
    # row, unless a kill -9 came before it could air (the queue is memory)
    kills = []
    if a.kills and os.path.exists(a.kills):
        kills = [int(x) for x in open(a.kills).read().split()]
    queued = []
    if a.adhoc_keys and os.path.exists(a.adhoc_keys):
        queued = sorted(set(open(a.adhoc_keys).read().split()))
    adhoc_lost, adhoc_bad = [], []
    for k in queued:
        rs = by_key.get(k, [])
        t = int(k.split("/")[1])
        if not rs:
            if any(t <= kt <= t + 30000 for kt in kills):
                adhoc_lost.append(k)
            else:
                adhoc_bad.append(k + ": no row")
        elif len([r for r in rs if r["status"] != "on_air"]) != 1:
            adhoc_bad.append("%s: %s" % (k, [r["status"] for r in rs]))
    st["adhoc_queued"], st["adhoc_lost_to_kill"] = str(len(queued)), str(len(adhoc_lost))
    check("every queued ad-hoc airing has exactly one final row", not adhoc_bad,
          "%d of %d: %s" % (len(adhoc_bad), len(queued), adhoc_bad[:5]))
    noreason = [r["key"] + ":" + r["status"] for r in rows
                if r["status"] in ("failed", "missed", "interrupted") and not r["reason"]]
    check("every failure has a reason", not noreason, "%s" % noreason[:5])

    # on time at the end: the last airings of the quiet period
    tail = [r for r in plan_rows if r["planned"] >= int(st.get("quiet_from_ms", 0))
            and r["planned"] < a.to_ms]
    aired_tail = [r for r in tail if r["status"] == "aired" and r["actual"] is not None]
    late = [r["actual"] - r["planned"] for r in aired_tail]
    bound = int(st.get("late_bound_ms", 250))
    check("the daemon is running at the end", st.get("alive_at_end") == "1",
          st.get("alive_note", ""))
    check("airing on time at the end (last %d airings within %d ms)" % (len(tail), bound),
          len(tail) >= 3 and len(aired_tail) == len(tail)
          and all(abs(x) <= bound for x in late),
          "start - planned (ms): %s; statuses: %s"
          % (late, [r["status"] for r in tail]))
    check("the last instance stopped cleanly (SIGTERM, exit 0)", st.get("final_rc") == "0",
          "exit status %s" % st.get("final_rc"))
    unexp = int(st.get("unexpected_exits", 0))
    check("the daemon never died on its own", unexp == 0,
          "%d unexpected exit(s): %s" % (unexp, st.get("unexpected_note", "")))
    hung = int(st.get("start_hung", 0))
    check("every daemon start came up", hung == 0, "%d start(s) never answered STATUS" % hung)
    san = int(st.get("sanitizer_reports", 0))
    check("no sanitizer reports in the daemon's output", san == 0, "%d" % san)
    rep_fail = int(st.get("reports_failed", 0))
    check("every report and log run succeeded", rep_fail == 0,
          "%s failed: %s" % (rep_fail, st.get("reports_failed_note", "")))
    inv = int(st.get("plan_invalid_seen", 0))
    kept = int(st.get("plan_invalid_kept", 0))
    check("every refused plan kept the last good one", inv > 0 and kept == inv,
          "%d of %d refused versions seen by a running daemon left it on the last good plan"
          % (kept, inv))
    fz_sent, fz_bad, fz_wrong = (int(st.get("fuzz_" + k, 0)) for k in ("sent", "bad", "wrong"))
    check("malformed control requests answered ERR or closed (the valid one OK)",
          fz_sent > 0 and fz_bad == 0 and fz_wrong == 0,
          "%d sent, %d replies not one line, %d of the wrong kind (see fuzz.err)"
          % (fz_sent, fz_bad, fz_wrong))
    # the loop-latency probe: STATUS every 200 ms through the whole soak
    probe, probe_q = None, None
    for path, dst in ((a.latprobe, "all"), (a.latprobe_quiet, "quiet")):
        if path and os.path.exists(path):
            try:
                with open(path) as f:
                    v = json.loads(f.read() or "null")
            except ValueError:
                v = None
            if dst == "all":
                probe = v
            else:
                probe_q = v
    ans_bound = int(st.get("answer_bound_ms", 250))
    if a.latprobe:
        if not probe:
            check("the latency probe ran", False, "no summary in %s" % a.latprobe)
        else:
            ok_ans = probe["answered"] > 0 and probe["worst_ms"] <= ans_bound
            ok_fail = probe["failures"] == 0
            name1 = ("every STATUS answered within %d ms (probe worst %s ms)"
                     % (ans_bound, probe["worst_ms"]))
            name2 = ("no STATUS poll unanswered outside the soak's own restarts (%d failed)"
                     % probe["failures"])
            if st.get("answer_info_only"):
                notes.append("%s: not judged (%s)" % (name1, st["answer_info_only"]))
                notes.append("%s: not judged (%s)" % (name2, st["answer_info_only"]))
            else:
                check(name1, ok_ans, "%d polls slower than 250 ms; the worst at %s UTC" % (
                    probe["over_250"],
                    dt.datetime.fromtimestamp((probe["worst_at"] or 0) / 1000,
                                              dt.timezone.utc).strftime("%H:%M:%S.%f")[:-3]))
                check(name2, ok_fail, "by outcome: %s" % json.dumps(probe["by_outcome"]))

    rss0, rss1 = int(st.get("rss_start_kb", 0)), int(st.get("rss_end_kb", 0))
    pct, slack = float(st.get("rss_pct", 20)), int(st.get("rss_slack_kb", 2048))
    limit = int(rss0 * (1 + pct / 100)) + slack
    rss_ok = rss0 > 0 and rss1 > 0 and rss1 <= limit
    rss_name = "memory did not grow (VmRSS %d -> %d kB, limit %d)" % (rss0, rss1, limit)
    if st.get("rss_info_only"):
        notes.append("%s: not checked (%s)" % (rss_name, st["rss_info_only"]))
    else:
        check(rss_name, rss_ok, "same instance pid %s, %s s apart"
              % (st.get("rss_pid", "?"), st.get("rss_span_s", "?")))

    # ---- the summary block
    def cnt(rs, field):
        out = {}
        for r in rs:
            out[r[field]] = out.get(r[field], 0) + 1
        return out

    def reasons(rs):
        out = {}
        for r in rs:
            if r["status"] in ("failed", "missed", "interrupted"):
                k = "%s: %s" % (r["status"], r["reason"][:110])
                out[k] = out.get(k, 0) + 1
        return sorted(out.items(), key=lambda kv: -kv[1])

    late_all = [r["actual"] - r["planned"] for r in in_window
                if r["status"] == "aired" and r["actual"] is not None]
    ontime = [x for x in late_all if abs(x) <= bound]
    def g(key, default="0"):
        return st.get(key, default)
    out = []
    out.append("==== loaxad soak summary ====")
    out.append("seed %s; %s min (%s s of faults); daemon %s" % (g("seed"), g("minutes"),
               g("fault_s"), g("loaxad")))
    out.append("window %s .. %s (UTC)" % (
        dt.datetime.fromtimestamp(a.from_ms / 1000, dt.timezone.utc).strftime("%H:%M:%S"),
        dt.datetime.fromtimestamp(a.to_ms / 1000, dt.timezone.utc).strftime("%H:%M:%S")))
    out.append("kills -9: %s; daemon starts: %s (restarts %s, %s deferred until the plan"
               " was repaired); long outages: %s" % (g("kills"), g("starts"), g("restarts"),
                                                      g("restart_deferred"), g("long_outages")))
    out.append("plan rewrites: %s valid, %s invalid (%s with a broken extra item, %s broken"
               " files); refused with the old plan kept: %s/%s; %s with a soak item's"
               " recording missing (loaded by the daemon)" % (
                   g("plan_valid"), int(g("plan_extra", 0)) + int(g("plan_broken", 0)),
                   g("plan_extra"), g("plan_broken"), kept, inv, g("plan_missing")))
    out.append("corrupt-recording swaps: %s; PulseAudio restarts: %s (%s by SIGKILL);"
               " fs-full episodes: %s (%s)" % (g("corrupt"), g("pa_restarts"), g("pa_kill9"),
                                               g("fs_full"), g("fs_note", "")))
    out.append("control commands: %s sent (%s ok, %s err) in %s bursts; raw malformed requests:"
               " %s (%s ERR, %s closed, %s OK, %s bad, %s wrong, %s refused connections)" % (
                   g("ctl_sent"), g("ctl_ok"), g("ctl_err"), g("bursts"), g("fuzz_sent"),
                   g("fuzz_err"), g("fuzz_closed"), g("fuzz_ok"), g("fuzz_bad"),
                   g("fuzz_wrong"), g("fuzz_refused")))
    out.append("reports/log runs: %s (%s failed)" % (g("reports"), rep_fail))
    out.append("occurrences expected in the window: %d (schedule: %s)" % (len(expected),
                                                                         sched_note))
    out.append("plan rows in the window by outcome: %s" % json.dumps(cnt(in_window, "status"),
                                                                      sort_keys=True))
    out.append("ad-hoc rows: %d %s; queued by loaxa air: %s (%s lost to a kill -9 before"
               " airing)" % (len(adhoc_rows), json.dumps(cnt(adhoc_rows, "status"),
                                                        sort_keys=True),
                             st["adhoc_queued"], st["adhoc_lost_to_kill"]))
    out.append("failures/misses/interruptions by reason (plan, window):")
    for k, v in reasons(in_window):
        out.append("  %4d  %s" % (v, k))
    if adhoc_rows:
        out.append("  ad hoc:")
        for k, v in reasons(adhoc_rows):
            out.append("  %4d  %s" % (v, k))
    if late_all:
        s = sorted(late_all)
        out.append("start - planned over %d airings: median %d ms, max %d ms; %d within %d ms"
                   " (late ones follow restarts/outages: the grace period)" % (
                       len(s), s[len(s) // 2], s[-1], len(ontime), bound))
    out.append("RSS (VmRSS, last instance pid %s): %s kB after warm-up, %s kB at the end" % (
        g("rss_pid"), rss0, rss1))
    out.append("max late start at the end: %s ms" % (max(late) if late else "-"))
    if probe:
        worst_at = "-"
        if probe.get("worst_at"):
            worst_at = dt.datetime.fromtimestamp(probe["worst_at"] / 1000, dt.timezone.utc
                                                 ).strftime("%H:%M:%S")
        out.append("status probe (STATUS every 200 ms): %d polls, %d answered; median %s ms,"
                   " p99 %s ms, worst %s ms (at %s UTC); %d slower than 250 ms; failed %d %s;"
                   " %d during the soak's own kills/restarts" % (
                       probe["polls"], probe["answered"], probe["median_ms"], probe["p99_ms"],
                       probe["worst_ms"], worst_at, probe["over_250"], probe["failures"],
                       json.dumps({k: v for k, v in probe["by_outcome"].items() if k != "ok"},
                                  sort_keys=True), probe["down"]))
        if probe_q:
            out.append("status probe in the quiet tail: %d polls, worst %s ms, failed %d" % (
                probe_q["polls"], probe_q["worst_ms"], probe_q["failures"]))
    fails = 0
    for name, ok, detail in checks:
        out.append("%s  %s%s" % ("PASS" if ok else "FAIL", name,
                                  "" if ok or not detail else "\n        " + detail))
        fails += not ok
    out += ["INFO  " + n for n in notes]
    out.append("RESULT: %s (%d of %d checks failed)" % ("FAIL" if fails else "PASS", fails,
                                                        len(checks)))
    print("\n".join(out))
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("plan")
    p.add_argument("--out", required=True)
    p.add_argument("--t0", type=int, required=True)
    p.add_argument("--items", type=int, default=12)
    p.add_argument("--spacing", type=int, default=5)
    p.add_argument("--kind", choices=["valid", "extra", "broken", "missing"], default="valid")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--write", choices=["rename", "inplace", "split"], default="rename")
    f = sub.add_parser("fuzz")
    f.add_argument("--socket", required=True)
    f.add_argument("--n", type=int, default=20)
    f.add_argument("--seed", type=int, default=0)
    c = sub.add_parser("check")
    c.add_argument("--db", required=True)
    c.add_argument("--up-db", required=True, help="a copy taken while the daemon was up")
    c.add_argument("--t0", type=int, required=True)
    c.add_argument("--items", type=int, default=12)
    c.add_argument("--spacing", type=int, default=5)
    c.add_argument("--from", dest="from_ms", type=int, required=True)
    c.add_argument("--to", dest="to_ms", type=int, required=True)
    c.add_argument("--state", required=True)
    c.add_argument("--loaxa")
    c.add_argument("--daemon-log")
    c.add_argument("--adhoc-keys")
    c.add_argument("--kills")
    c.add_argument("--latprobe", help="the latency probe's summary (JSON)")
    c.add_argument("--latprobe-quiet", help="its summary over the quiet tail")
    a = ap.parse_args()
    if a.cmd == "plan":
        cmd_plan(a)
    elif a.cmd == "fuzz":
        cmd_fuzz(a)
    else:
        sys.exit(cmd_check(a))


if __name__ == "__main__":
    main()
