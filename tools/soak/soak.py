#!/usr/bin/env python3
"""soak.py: the fault soak of loaxad (python3 standard library only).

  soak.py run [--minutes N | --seconds N] [--seed N] [--keep] [--grace MIN]
              [--fs-size SIZE] [--late-ms MS] [--answer-ms MS] [--skip K,K]
      the soak itself (tools/soak.sh is its wrapper and documents it): the
      daemon under seeded random faults, then the checks below.

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
      "sent=N ok=A err=B closed=C bad=D wrong=E refused=F" (bad: a reply that
      is not one OK/ERR line; wrong: OK to a malformed request, or not OK to
      the one valid case).
  soak.py check --db DB --t0 EPOCH --items N --spacing S --from MS --to MS
                --state FILE [--loaxa BIN] [--latprobe JSON] [--latprobe-quiet JSON]
      checks the as-run log after the soak and prints the summary block;
      exit 1 when a check fails. First, each fault kind must have happened
      (state counters; kinds in skipped_kinds are notes): a check of an
      outcome whose fault never came proves nothing. The latency probe's summaries (latprobe.py)
      give the worst STATUS answer time and the unanswered polls; they are
      judged unless the state says answer_info_only.
"""

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SRCDIR = os.environ.get("SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ITEMS, SPACING = 12, 5

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



# ------------------------------------------------------------------ run
def no_sound_server(what, why):
    """The rule of tests/e2e/pulse.sh's pulse_require: in CI (CI=true) a
    sound server that cannot be started is a failure, elsewhere a skip."""
    if os.environ.get("CI") == "true":
        print("FAIL: CI=true and no PulseAudio for %s: %s" % (what, why), file=sys.stderr)
        sys.exit(1)
    print("SKIP: no PulseAudio for %s: %s (with CI=true this fails)" % (what, why))
    sys.exit(77)


class Pulse:
    """A private PulseAudio with a null sink "loa", as tests/e2e/pulse.sh:
    env holds what a child needs (ALSA's default PCM goes to it)."""

    def __init__(self, work):
        self.run = os.path.join(work, "pulse")
        self.env = {}
        self.keep = None

    def _q(self, *cmd):
        return subprocess.call(cmd, env=dict(os.environ, **self.env),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        """None when it runs, else why not. May be called again after stop."""
        for b in ("pulseaudio", "parec", "pactl"):
            if not shutil.which(b):
                return "%s is not installed (tools/deps.sh)" % b
        r = self.run
        for d in ("xdg", "state", "home"):
            os.makedirs(os.path.join(r, d), exist_ok=True)
        os.chmod(os.path.join(r, "xdg"), 0o700)
        conf = os.path.join(r, "asound.conf")
        with open(conf, "w") as f:
            f.write("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
        alsa = conf
        if os.path.exists("/usr/share/alsa/alsa.conf"):
            alsa = "/usr/share/alsa/alsa.conf:" + conf
        self.env = {"XDG_RUNTIME_DIR": r + "/xdg", "PULSE_RUNTIME_PATH": r + "/xdg/pulse",
                    "PULSE_STATE_PATH": r + "/state", "JACK_NO_START_SERVER": "1",
                    "ALSA_CONFIG_PATH": alsa}
        rc = subprocess.call(
            ["pulseaudio", "-D", "--system=false", "--exit-idle-time=-1", "-n",
             "--use-pid-file=yes", "--log-target=file:%s/pulse.log" % r,
             "--load=module-null-sink sink_name=loa rate=48000 channels=2 format=s16le",
             "--load=module-native-protocol-unix auth-anonymous=1 socket=%s/pulse.sock" % r],
            env=dict(os.environ, **self.env, HOME=r + "/home"),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if rc != 0:
            return "pulseaudio -D failed"
        self.env["PULSE_SERVER"] = "unix:%s/pulse.sock" % r
        for _ in range(50):
            if self._q("pactl", "info") == 0:
                break
            time.sleep(0.1)
        if self._q("pactl", "set-default-sink", "loa") != 0:
            self.stop()
            return "the server did not answer (pactl)"
        # an idle null sink takes data in 2 s bursts; a low-latency reader on
        # its monitor makes it keep time like a sound card
        self.keep = subprocess.Popen(["parec", "-d", "loa.monitor", "--raw", "--latency-msec=5"],
                                     env=dict(os.environ, **self.env),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return None

    def pid(self):
        try:
            with open(os.path.join(self.run, "xdg/pulse/pid")) as f:
                return int(f.read())
        except (OSError, ValueError):
            return None

    def stop(self):
        if self.keep:
            self.keep.kill()
            self.keep.wait()
            self.keep = None
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
                for _ in range(30):
                    os.kill(pid, 0)
                    time.sleep(0.1)
            except OSError:
                pass


def now_ms():
    return int(time.time() * 1000)


def say(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


KINDS = ["kill", "plan_valid", "plan_extra", "plan_broken", "plan_missing", "corrupt", "pa",
         "fs", "burst", "report"]
WEIGHTS = [14, 10, 6, 4, 3, 8, 6, 6, 22, 8]
REPORT_FORMATS = ["text", "csv", "html", "xlsx", "json"]


class Soak:
    """The driver: a dense plan aired through PulseAudio under seeded random
    faults; see the usage of `soak.py run`."""

    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.seconds = a.seconds
        self.short = a.seconds < 300
        self.skip = set(filter(None, a.skip.split(",")))
        self.S = {}
        self.notes = []
        self.T = tempfile.mkdtemp(prefix="loaxa-soak.")
        self.dbdir = os.path.join(self.T, "db")
        self.mounted = False
        self.daemon = None
        self.d_started = 0
        self.lp = None
        self.lp_down = os.path.join(self.T, "latprobe.down")
        self.bg = []          # worker threads
        self.burst_th = None
        self.lock = threading.Lock()
        self.pulse = Pulse(self.T)
        self.failed_run = False
        self.plan = os.path.join(self.T, "plan/p.ics")
        self.plan_bad = False
        self.plan_fix_at = 0
        self.restart_at = 0
        self.corrupt = None
        self.corrupt_fix_at = 0
        self.pa_down = False
        self.pa_up_at = 0
        self.fs_full = False
        self.fs_free_at = 0
        self.must = []

    # ---- small helpers
    def inc(self, k, n=1):
        with self.lock:
            self.S[k] = int(self.S.get(k, 0)) + n

    def ms(self, lo, hi):
        return self.rng.randint(lo, hi)

    def path(self, *p):
        return os.path.join(self.T, *p)

    def env(self):
        return dict(os.environ, **self.pulse.env, LOAXA_CONFIG=self.conf,
                    LC_ALL="C.UTF-8", LANGUAGE="")

    def loaxa(self, *args, timeout=20, out=subprocess.DEVNULL, err=None):
        try:
            return subprocess.run([self.a.loaxa, *args], env=self.env(), stdout=out,
                                  stderr=err or subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(args, 124, b"", b"")

    def mark(self, what):
        with open(self.lp_down, "a") as f:
            f.write("%s %d\n" % (what, now_ms()))

    def write_plan(self, kind, how=None):
        if how is None:
            r = self.rng.randrange(10)
            how = "rename" if r < 6 else "inplace" if r < 9 else "split"
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            cmd_plan(argparse.Namespace(out=self.plan, t0=self.t0, items=ITEMS, spacing=SPACING,
                                        kind=kind, seed=self.rng.randrange(1 << 15), write=how))
        return buf.getvalue().strip()

    # ---- the daemon
    def alive(self):
        return self.daemon is not None and self.daemon.poll() is None

    def start_daemon(self):
        sock = self.path("loaxad.sock")
        if os.path.exists(sock):
            os.unlink(sock)
        log = open(self.path("loaxad.log"), "ab")
        log.write(("=== start %s ===\n" % time.strftime("%T")).encode())
        log.flush()
        self.daemon = subprocess.Popen(self.shm_wrap + [self.a.loaxad, "--foreground"],
                                       env=self.env(), stdout=log, stderr=log)
        log.close()
        self.d_started = time.time()
        self.inc("starts")
        for _ in range(400):
            if os.path.exists(sock) and self.loaxa("status", timeout=5).returncode == 0:
                self.mark("up")
                return True
            if not self.alive():
                break
            time.sleep(0.05)
        self.inc("start_hung")
        say("loaxad did not come up")
        self.tail_log(20)
        if self.alive() and shutil.which("gdb"):
            bt = subprocess.run(["timeout", "30", "gdb", "-p", str(self.daemon.pid), "-batch",
                                 "-ex", "thread apply all bt"], capture_output=True, text=True)
            print("\n".join([x for x in bt.stdout.splitlines() if x.startswith("#")][:30]))
        return False

    def tail_log(self, n, indent=""):
        try:
            with open(self.path("loaxad.log"), errors="replace") as f:
                for line in f.readlines()[-n:]:
                    print(indent + line.rstrip())
        except OSError:
            pass

    def watch(self):
        """A daemon that ended without being asked."""
        if self.daemon is None or self.alive():
            return
        rc = self.daemon.returncode
        self.inc("unexpected_exits")
        self.S["unexpected_note"] = self.S.get("unexpected_note", "") + \
            " exit %d at %s;" % (rc, time.strftime("%T"))
        say("loaxad %d ENDED BY ITSELF (exit %d); last lines:" % (self.daemon.pid, rc))
        self.tail_log(15, "    ")
        self.daemon = None
        self.restart_at = now_ms()

    def rss_kb(self):
        try:
            with open("/proc/%d/status" % self.daemon.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, AttributeError):
            pass
        return 0

    # ---- background workers: control bursts (and raw requests), reports
    def burst(self, n, seed):
        rng = random.Random(seed)
        for _ in range(n):
            k = rng.randrange(100)
            if k < 45: what = ["status"]
            elif k < 60: what = ["status", "--json"]
            elif k < 70: what = ["reload"]
            elif k < 75: what = ["air", "soak-%02d" % rng.randrange(ITEMS)]
            elif k < 82: what = ["air", "a.wav", "--priority", "normal"]
            elif k < 85: what = ["air", "b.wav", "--priority", "priority"]
            elif k < 86: what = ["air", "c.wav", "--priority", "emergency"]
            elif k < 90: what = ["stop"]
            else: what = ["air", "no-such-recording.wav"]
            with open(self.path("ctl.err"), "ab") as err:
                r = self.loaxa(*what, out=subprocess.PIPE, err=err)
            keys = re.findall(rb"adhoc/[0-9]+", r.stdout or b"")
            with self.lock:
                with open(self.path("adhoc.keys"), "a") as f:
                    for key in keys:
                        f.write(key.decode() + "\n")
                with open(self.path("ctl.log"), "a") as f:
                    f.write("%d %s\n" % (r.returncode, " ".join(what)))
            if rng.randrange(3) == 0:
                time.sleep(rng.randrange(10) / 100)
        with open(self.path("fuzz.log"), "ab") as out, open(self.path("fuzz.err"), "ab") as err:
            try:
                subprocess.run([sys.executable, os.path.abspath(__file__), "fuzz", "--socket",
                                self.path("loaxad.sock"), "--n", str(5 + rng.randrange(20)),
                                "--seed", str(rng.randrange(1 << 15))],
                               stdout=out, stderr=err, timeout=60)
            except subprocess.TimeoutExpired:
                pass

    def report_run(self, seed):
        rng = random.Random(seed)
        d0 = time.strftime("%F", time.localtime(self.start))
        d1 = time.strftime("%F", time.localtime(self.end))
        tid = threading.get_ident()
        for i in (1, 2):
            with open(self.path("reports.err"), "ab") as err:
                if rng.randrange(2) == 0:
                    f = REPORT_FORMATS[rng.randrange(5)]
                    r = self.loaxa("report", "--period", "%s..%s" % (d0, d1), "--format", f,
                                   "--lang", "en", "-o", self.path("reports/r-%d-%d.%s" % (tid, i, f)),
                                   timeout=60, err=err)
                    line = "%d report --period %s..%s --format %s" % (r.returncode, d0, d1, f)
                else:
                    f = REPORT_FORMATS[rng.randrange(3)]
                    f = "json" if f == "html" else f
                    with open(self.path("reports/l-%d-%d.%s" % (tid, i, f)), "wb") as out:
                        r = self.loaxa("log", "--from", time.strftime(
                            "%FT%TZ", time.gmtime(self.start)), "--format", f, timeout=60,
                            out=out, err=err)
                    line = "%d log --format %s" % (r.returncode, f)
            with self.lock, open(self.path("reports.log"), "a") as fl:
                fl.write(line + "\n")

    def spawn(self, fn, *args):
        th = threading.Thread(target=fn, args=args, daemon=True)
        th.start()
        self.bg.append(th)
        return th

    # ---- faults; each returns False when it cannot run now
    def f_kill(self):
        if not self.alive() or time.time() >= self.kill_end or self.restart_at:
            return False
        self.mark("down")   # polls until it is back are ours
        self.daemon.kill()
        self.daemon.wait()
        self.daemon = None
        self.inc("kills")
        with open(self.path("kills"), "a") as f:
            f.write("%d\n" % now_ms())
        # now and then an outage longer than the grace period: what passed is missed
        if not self.short and int(self.S["long_outages"]) < 2 and self.rng.randrange(12) == 0:
            g = self.a.grace * 60000
            r = self.ms(g + 8000, g + 15000)
            self.inc("long_outages")
        else:
            r = self.ms(100, 1500) if self.rng.randrange(10) < 7 else self.ms(1500, 6000)
        self.restart_at = now_ms() + r
        say("kill -9 (down %.1f s)" % (r / 1000))
        return True

    def owe_invalid(self, kind):
        # an invalid plan that no running daemon saw proves nothing about
        # keeping the last good one: that kind is owed again until one is seen
        if int(self.S["plan_invalid_seen"]) == 0:
            self.must.append("plan_" + kind)

    def f_plan(self, kind):
        if self.plan_fix_at:
            return False
        was_up = self.alive()
        what = self.write_plan(kind)
        if kind == "valid":
            self.inc("plan_valid")
            self.plan_bad, self.plan_fix_at = False, 0
        else:
            self.inc("plan_" + kind)
            if kind == "broken":
                self.plan_bad = True
            self.plan_fix_at = now_ms() + self.ms(2500, 8000)
        say("plan: %s" % what)
        if kind in ("valid", "missing"):
            return True
        if not was_up:
            self.owe_invalid(kind)
            return True
        # the daemon must refuse it and keep the last good plan
        kept, js = False, ""
        for _ in range(30):
            time.sleep(0.1)
            if not self.alive():
                self.owe_invalid(kind)
                return True
            r = self.loaxa("status", "--json", out=subprocess.PIPE)
            if r.returncode != 0:
                continue
            js = r.stdout.decode(errors="replace")
            try:
                p = json.loads(js)["plan"]
            except (ValueError, KeyError):
                continue
            if p["error_count"] > 0 and p["items"] >= ITEMS:
                kept = True
                break
        if not self.alive():
            self.owe_invalid(kind)
            return True
        self.inc("plan_invalid_seen")
        if kept:
            self.inc("plan_invalid_kept")
        else:
            say("  the daemon did not keep the last good plan: %s" % js)
        return True

    def f_corrupt(self):
        if self.corrupt:
            return False
        self.corrupt = "abc"[self.rng.randrange(3)] + ".wav"
        dst = self.path("audio", self.corrupt)
        if self.rng.randrange(2) == 0:
            tmp = self.path("audio/.c.tmp")
            with open(tmp, "wb") as f:
                f.write(os.urandom(2000 + self.rng.randrange(50000)))
            os.rename(tmp, dst)
        else:  # in place, a valid-looking RIFF header over garbage
            with open(dst, "wb") as f:
                f.write(b"RIFF\x24\x80\x00\x00WAVEfmt " + os.urandom(30000))
        self.inc("corrupt")
        r = self.ms(6000, 11000) if self.short else self.ms(6000, 20000)
        self.corrupt_fix_at = now_ms() + r
        say("corrupt %s for %d s" % (self.corrupt, r // 1000))
        return True

    def f_pa(self):
        if self.pa_down:
            return False
        if self.rng.randrange(2) == 0:
            pid = self.pulse.pid()
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self.inc("pa_kill9")
            time.sleep(0.2)
        self.pulse.stop()
        self.pa_down = True
        r = self.ms(2500, 8000)
        self.pa_up_at = now_ms() + r
        say("PulseAudio stopped for %d s" % (r // 1000))
        return True

    def f_fs(self):
        if not self.mounted or self.fs_full:
            return False
        # fill it: writes until ENOSPC
        try:
            with open(os.path.join(self.dbdir, "filler"), "wb") as f:
                while True:
                    f.write(b"\0" * 16384)
                    f.flush()
        except OSError as e:
            why = e.strerror
        self.fs_full = True
        self.inc("fs_full")
        r = self.ms(3000, 9000)
        self.fs_free_at = now_ms() + r
        st = os.statvfs(self.dbdir)
        say("fs full (%s) for %d s; %d kB free" % (why, r // 1000, st.f_bavail * st.f_frsize // 1024))
        return True

    def f_burst(self):
        if self.burst_th and self.burst_th.is_alive():
            return False
        self.inc("bursts")
        self.burst_th = self.spawn(self.burst, 5 + self.rng.randrange(25), self.rng.randrange(1 << 30))
        return True

    def f_report(self):
        self.spawn(self.report_run, self.rng.randrange(1 << 30))
        return True

    def do_fault(self, k):
        if k in self.skip:
            return False
        if k.startswith("plan_"):
            return self.f_plan(k[5:])
        return getattr(self, "f_" + k)()

    def repairs(self, all_=False):
        """Repairs and restarts that are due (all of them: the quiet tail)."""
        now = now_ms()
        if self.plan_fix_at and (all_ or now >= self.plan_fix_at):
            say("plan: %s (repair)" % self.write_plan("valid"))
            self.inc("plan_valid")
            self.plan_bad, self.plan_fix_at = False, 0
        if self.corrupt and (all_ or now >= self.corrupt_fix_at):
            tmp = self.path("audio/.r.tmp")
            shutil.copy(self.path("audio-good.wav"), tmp)
            os.rename(tmp, self.path("audio", self.corrupt))
            say("restored %s" % self.corrupt)
            self.corrupt = None
        if self.pa_down and (all_ or now >= self.pa_up_at):
            why = self.pulse.start()
            if why is None:
                self.inc("pa_restarts")
                self.pa_down = False
                say("PulseAudio back")
            else:
                say("PulseAudio did not start (%s); again soon" % why)
                self.pa_up_at = now + 1000
        if self.fs_full and (all_ or now >= self.fs_free_at):
            os.unlink(os.path.join(self.dbdir, "filler"))
            self.fs_full = False
            say("fs freed")
        if self.daemon is None and self.restart_at and (all_ or now >= self.restart_at):
            if self.plan_bad:
                # started on a broken file the daemon would air only its good
                # items (the checked item set would change): repair it first
                say("plan: %s (repair before a restart)" % self.write_plan("valid"))
                self.inc("plan_valid")
                self.inc("restart_deferred")
                self.plan_bad, self.plan_fix_at = False, 0
            if self.start_daemon():
                self.inc("restarts")
            self.restart_at = 0

    def pick_kind(self):
        if self.must:
            return self.must.pop(0), True
        r = self.rng.randrange(sum(WEIGHTS))
        for k, w in zip(KINDS, WEIGHTS):
            r -= w
            if r < 0:
                return k, False
        return KINDS[-1], False

    # ---- the run
    def setup(self):
        a = self.a
        for d in ("plan", "audio", "reports", "db"):
            os.makedirs(self.path(d), exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755" % a.fs_size,
                            "tmpfs", self.dbdir], capture_output=True, text=True)
        if r.returncode == 0:
            self.mounted = True
        else:
            self.notes.append("fs-full fault skipped: cannot mount a tmpfs (%s)"
                              % (r.stderr.strip().splitlines() or ["?"])[0])
            print("soak: NOTE: " + self.notes[-1])
        # ALSA's "jack" PCM (libasound2-plugins) is opened by PortAudio's device
        # probe in every Pa_Initialize; libjack then takes a process-shared mutex
        # in /dev/shm/jack_db-UID. A kill -9 that lands there leaves it locked,
        # and every later Pa_Initialize on the machine hangs (seen in this
        # soak). As root, the daemon gets a /dev/shm of its own.
        self.shm_wrap = []
        if subprocess.call(["unshare", "--mount", "--propagation", "private", "true"],
                           stderr=subprocess.DEVNULL) == 0:
            self.shm_wrap = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                             'mount -t tmpfs -o size=16m tmpfs /dev/shm && exec "$0" "$@"']
        why = self.pulse.start()
        if why:
            no_sound_server("the soak", why)
        # the e2e tests' daemon set-up (tests/e2e/daemon-lib.sh d_setup) with
        # the soak's database, grace and preemption
        fx = os.environ.get("FIXTURES") or os.path.join(SRCDIR, "tests/fixtures")
        for r in ("tone.wav", "long.wav"):
            shutil.copy(os.path.join(fx, "audio/test", r), self.path("audio", r))
        shutil.copy(os.path.join(SRCDIR, "audio/nhac-hieu.wav"), self.path("audio/jingle.wav"))
        for r in ("a.wav", "b.wav", "c.wav"):
            shutil.copy(self.path("audio/tone.wav"), self.path("audio", r))
        shutil.copy(self.path("audio/tone.wav"), self.path("audio-good.wav"))
        self.conf = self.path("loaxa.conf")
        os.environ["LOAXA_CONFIG"] = self.conf   # also for the checker's loaxa schedule
        with open(self.conf, "w") as f:
            f.write("[paths]\nplan = {t}/plan\naudio_root = {t}/audio\ndb = {d}/log.db\n"
                    "socket = {t}/loaxad.sock\n[audio]\ndevice = default\nsignature_tune =\n"
                    "fade_ms = 200\nprepare_seconds = 2\nloudness_target = off\n"
                    "[daemon]\ngrace_minutes = {g}\npreempt = drop\n"
                    .format(t=self.T, d=self.dbdir, g=a.grace))

    def run(self):
        a = self.a
        self.setup()
        self.start = int(time.time())
        self.t0 = self.start + 10          # the first occurrence
        self.end = self.start + self.seconds
        quiet, warm = (25, 8) if self.short else (40, 30)
        self.kill_end = min(self.start + self.seconds * 2 // 3, self.end - quiet - warm - 5)
        quiet_from = self.end - quiet
        S = self.S
        say("soak: seed %d, %d s, loaxad %s, work dir %s" % (a.seed, self.seconds, a.loaxad, self.T))
        say("soak: kills until +%d s, quiet from +%d s" % (self.kill_end - self.start,
                                                            quiet_from - self.start))
        if self.skip:
            self.notes.append("fault kinds left out: %s" % a.skip)
        S.update(seed=a.seed, minutes=round(self.seconds / 60, 2), loaxad=a.loaxad,
                 fault_s=quiet_from - self.start, late_bound_ms=a.late_ms)
        for k in ("kills starts restarts restart_deferred long_outages plan_valid plan_extra "
                  "plan_broken plan_missing plan_invalid_seen plan_invalid_kept corrupt "
                  "pa_restarts pa_kill9 fs_full bursts unexpected_exits reports "
                  "reports_failed start_hung").split():
            S[k] = 0
        self.write_plan("valid", "rename")
        # the latency probe, for the whole soak; the daemon is down until it starts
        self.mark("down")
        self.lp = subprocess.Popen(
            [sys.executable, os.path.join(SRCDIR, "tests/e2e/latprobe.py"), "--socket",
             self.path("loaxad.sock"), "--samples", self.path("latprobe.samples"), "--summary",
             self.path("latprobe.json"), "--down-file", self.lp_down],
            stdout=subprocess.DEVNULL, stderr=open(self.path("latprobe.err"), "ab"))
        if not self.start_daemon():
            return 1
        # every kind at least once, in a seeded order (the kill first: it has
        # the least time), then at random by weight
        rest = KINDS[1:]
        self.rng.shuffle(rest)
        self.must = ["kill"] + rest
        gap = (1500, 3500) if self.short else (1500, 6000)
        next_at = self.t0 * 1000 + 1500    # the faults begin with the airings
        rss_pid, rss_t = None, 0
        while time.time() < quiet_from:
            self.watch()
            self.repairs()
            self.bg = [t for t in self.bg if t.is_alive()]
            now = time.time()
            # the memory baseline: the instance running after the kills, warmed
            # up, once it aired through its device (the sound stack's first
            # stream adds tens of MB that are not growth)
            if rss_pid is None and now >= self.kill_end and not self.restart_at and \
                    self.alive() and now >= self.d_started + warm and \
                    now >= self.kill_end + warm and self.aired_since_start():
                rss_pid, rss_t = self.daemon.pid, now
                S["rss_start_kb"], S["rss_pid"] = self.rss_kb(), rss_pid
                say("RSS after warm-up: %s kB (pid %d)" % (S["rss_start_kb"], rss_pid))
            if now_ms() >= next_at:
                for _ in range(6):
                    k, from_must = self.pick_kind()
                    if self.do_fault(k):
                        break
                    # a kind owed once that cannot run now (its fault still
                    # pending) runs later
                    if k in self.skip or (k == "fs" and not self.mounted) or \
                            (k == "kill" and time.time() >= self.kill_end):
                        continue
                    if from_must:
                        self.must.append(k)
                next_at = now_ms() + self.ms(*gap)
            time.sleep(0.2)
        # the quiet tail: everything repaired, no faults
        say("quiet: repairing everything, no more faults")
        self.repairs(all_=True)
        if self.daemon is None and self.start_daemon():
            self.inc("restarts")
        for t in self.bg:
            t.join()
        self.bg = []
        # the on-time check looks at the plan's airings from a few seconds
        # after the last queued ad-hoc airing could have ended, and wants at
        # least 3 of them: 21 s from qf less the checker's 4 s margin hold 3
        # airings 5 s apart
        qf = int(time.time()) + 6
        S["quiet_from_ms"] = qf * 1000
        self.end = max(self.end, qf + 21)
        if rss_pid is None:
            self.notes.append("no instance lived through the warm-up before the quiet tail:"
                              " RSS taken at its start")
            time.sleep(warm)
            rss_pid, rss_t = self.daemon.pid if self.daemon else 0, time.time()
            S["rss_start_kb"], S["rss_pid"] = self.rss_kb(), rss_pid
        while time.time() < self.end:
            self.watch()
            time.sleep(0.5)
        self.watch()
        time.sleep(1)
        stop_ms = now_ms()
        if self.alive() and self.loaxa("status").returncode == 0:
            S["alive_at_end"], S["alive_note"] = 1, "pid %d answers STATUS" % self.daemon.pid
        else:
            S["alive_at_end"], S["alive_note"] = 0, "no daemon answering at the end"
        if self.daemon and rss_pid == self.daemon.pid:
            S["rss_end_kb"], S["rss_span_s"] = self.rss_kb(), int(time.time() - rss_t)
        else:
            S["rss_end_kb"], S["rss_span_s"] = 0, "instance changed"
        # no row may stay on air while the daemon is up: the checker runs now,
        # with the daemon still up, over planned starts up to 4 s ago
        win_to = stop_ms - 4000
        ctl = self.lines("ctl.log")
        S["ctl_sent"] = len(ctl)
        S["ctl_ok"] = sum(1 for x in ctl if x.split()[0] == "0")
        S["ctl_err"] = S["ctl_sent"] - S["ctl_ok"]
        fz = "\n".join(self.lines("fuzz.log"))
        for k in ("sent", "ok", "err", "closed", "bad", "wrong", "refused"):
            S["fuzz_" + k] = sum(int(v) for v in re.findall(r"\b%s=([0-9]+)" % k, fz))
        rep = self.lines("reports.log")
        bad = [x for x in rep if x.split()[0] != "0"]
        S["reports"], S["reports_failed"] = len(rep), len(bad)
        S["reports_failed_note"] = ";".join(bad[:3]) + " " + ";".join(self.lines("reports.err")[:3])
        S["fs_note"] = ("tmpfs %s: %d log-write errors in the daemon's output"
                        % (a.fs_size, self.log_count("cannot write the log"))
                        if self.mounted else "skipped: no tmpfs")
        # the probe ends before the daemon is stopped; its figures for the
        # whole soak and for the quiet tail
        self.stop_probe()
        lp = os.path.join(SRCDIR, "tests/e2e/latprobe.py")
        with open(self.path("latprobe.err"), "ab") as err:
            js = self.path("latprobe.json")
            if not (os.path.exists(js) and os.path.getsize(js) > 0):
                with open(self.path("latprobe.json"), "wb") as out:
                    subprocess.call([sys.executable, lp, "summary", "--samples",
                                     self.path("latprobe.samples"), "--down-file", self.lp_down],
                                    stdout=out, stderr=err)
            with open(self.path("latprobe-quiet.json"), "wb") as out:
                subprocess.call([sys.executable, lp, "summary", "--samples",
                                 self.path("latprobe.samples"), "--down-file", self.lp_down,
                                 "--from", str(qf * 1000)], stdout=out, stderr=err)
        S["answer_bound_ms"] = a.answer_ms
        if self.short:
            S["answer_info_only"] = "short run: printed, not judged"
        # kinds left out on purpose: the checker notes them instead of failing them
        S["skipped_kinds"] = ",".join(sorted(self.skip | (set() if self.mounted else {"fs"})))
        # a consistent copy while the daemon is up: nothing may be on air in it
        subprocess.call(["sqlite3", os.path.join(self.dbdir, "log.db"),
                         ".backup '%s'" % self.path("up.db")])
        rc = "none"
        if self.daemon:
            self.daemon.terminate()
            rc = self.daemon.wait()
            self.daemon = None
        S["final_rc"] = rc
        # counted after the stop: a leak report comes at exit
        S["sanitizer_reports"] = self.log_count(r"ERROR: (Address|Leak)Sanitizer|runtime error:")
        S["rss_pct"], S["rss_slack_kb"] = 20, 2048
        with open(a.loaxad, "rb") as f:
            if b"__asan_init" in f.read():
                # AddressSanitizer's quarantine and shadow grow for minutes
                S["rss_info_only"] = "AddressSanitizer build"
        # half a minute between samples shows warm-up (malloc arenas of the
        # player threads, the sound server's buffers: +20 MB seen), not a
        # trend; the long form judges it over the last instance's minutes
        # (tools/soak/memory.py measures the slope)
        if self.short and "rss_info_only" not in S:
            S["rss_info_only"] = "short run: warm-up, not a trend"
        with open(self.path("state"), "w") as f:
            for k, v in S.items():
                f.write("%s=%s\n" % (k, v))
        print(flush=True)
        rc = cmd_check(argparse.Namespace(
            db=os.path.join(self.dbdir, "log.db"), up_db=self.path("up.db"), t0=self.t0,
            items=ITEMS, spacing=SPACING, from_ms=self.t0 * 1000, to_ms=win_to,
            state=self.path("state"), loaxa=a.loaxa, daemon_log=self.path("loaxad.log"),
            adhoc_keys=self.path("adhoc.keys"), kills=self.path("kills"),
            latprobe=self.path("latprobe.json"), latprobe_quiet=self.path("latprobe-quiet.json")))
        for n in self.notes:
            print("note: " + n)
        print("replay: tools/soak.sh --seconds %d --seed %d" % (self.seconds, a.seed))
        self.failed_run = rc != 0
        return rc

    def aired_since_start(self):
        """The running instance's output shows a first frame aired."""
        try:
            with open(self.path("loaxad.log"), errors="replace") as f:
                text = f.read()
        except OSError:
            return False
        return " aired: first frame" in text.rsplit("=== start", 1)[-1]

    def lines(self, name):
        try:
            with open(self.path(name), errors="replace") as f:
                return [x.rstrip("\n") for x in f if x.strip()]
        except OSError:
            return []

    def log_count(self, pattern):
        return sum(1 for x in self.lines("loaxad.log") if re.search(pattern, x))

    def stop_probe(self):
        if self.lp:
            self.lp.terminate()
            self.lp.wait()
            self.lp = None

    def cleanup(self):
        self.stop_probe()
        if self.daemon and self.daemon.poll() is None:
            self.daemon.kill()
            self.daemon.wait()
        for t in self.bg:
            t.join(60)
        self.pulse.stop()
        if self.mounted:
            try:
                os.unlink(os.path.join(self.dbdir, "filler"))
            except OSError:
                pass
            subprocess.call(["cp", "-a", self.dbdir, self.path("db-copy")],
                            stderr=subprocess.DEVNULL)
            if subprocess.call(["umount", self.dbdir], stderr=subprocess.DEVNULL) != 0:
                subprocess.call(["umount", "-l", self.dbdir])
        if self.a.keep or self.failed_run:
            print("soak: work directory kept: %s" % self.T)
        else:
            shutil.rmtree(self.T, ignore_errors=True)


def cmd_run(a):
    for b in (a.loaxa, a.loaxad):
        if not os.access(b, os.X_OK):
            print("soak: %s is not built (set LOAXA/LOAXAD)" % b, file=sys.stderr)
            return 2
    if a.minutes is not None:
        a.seconds = int(a.minutes * 60)
    if a.seed is None:
        a.seed = (time.time_ns() // 1000) % 1000000007
    # the daemon's messages in English: the checker reads its "airing ... at" lines
    os.environ.update(LC_ALL="C.UTF-8", LANGUAGE="")
    soak = Soak(a)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    try:
        return soak.run()
    except KeyboardInterrupt:
        return 130
    finally:
        soak.cleanup()


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
    r = sub.add_parser("run", help="the soak itself (tools/soak.sh)")
    r.add_argument("--minutes", type=float, help="length of the soak (default 15)")
    r.add_argument("--seconds", type=int, default=900, help="length, for short runs")
    r.add_argument("--seed", type=int, help="replays a run's random choices")
    r.add_argument("--keep", action="store_true", help="keep the work directory")
    r.add_argument("--grace", type=int, default=1, help="[daemon] grace_minutes")
    r.add_argument("--fs-size", default="8m", help="the database's tmpfs")
    r.add_argument("--late-ms", type=int, default=250, help="on-time bound at the end")
    r.add_argument("--answer-ms", type=int, default=250, help="the probe's bound (long form)")
    r.add_argument("--skip", default="", help="fault kinds left out: " + " ".join(KINDS))
    a = ap.parse_args()
    if a.cmd == "run":
        a.loaxa = os.environ.get("LOAXA") or os.path.join(SRCDIR, "build/src/loaxa")
        a.loaxad = os.environ.get("LOAXAD") or os.path.join(SRCDIR, "build/src/loaxad")
        sys.exit(cmd_run(a))
    if a.cmd == "plan":
        cmd_plan(a)
    elif a.cmd == "fuzz":
        cmd_fuzz(a)
    else:
        sys.exit(cmd_check(a))


if __name__ == "__main__":
    main()
