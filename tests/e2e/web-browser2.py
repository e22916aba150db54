#!/usr/bin/python3
"""The console's part 2 pages in headless Chromium (Selenium) and its
routes' security with python requests, against the real loaxa-web and
loaxad that tests/e2e/web-browser2.sh started. Prints ok:/FAIL:/missing:
lines; exits 1 when any check failed. A feature whose routes do not answer
is reported as missing, and is a failure when doc/api.md documents them."""
import argparse
import hashlib
import importlib.util
import json
import math
import os
import re
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from selenium.common.exceptions import WebDriverException, NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

_spec = importlib.util.spec_from_file_location(
    "webbrowser1", os.path.join(os.path.dirname(os.path.abspath(__file__)), "web-browser.py"))
wb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wb)
ok, fail, check, wait, contrast = wb.ok, wb.fail, wb.check, wb.wait, wb.contrast

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PW = {u: "mat-khau-" + u for u in ("canbo", "duyet", "quantri", "xem")}
FEATURES = {
    "plans": [("POST", "/api/v1/plans/check"), ("POST", "/api/v1/plans/install"),
              ("GET", "/api/v1/plans/versions"), ("POST", "/api/v1/plans/rollback")],
    "recordings": [("GET", "/api/v1/recordings"), ("POST", "/api/v1/recordings")],
    "approvals": [("GET", "/api/v1/approvals"), ("POST", "/api/v1/approvals")],
    "emergency": [("POST", "/api/v1/emergency"), ("POST", "/api/v1/emergency/stop")],
    "audit": [("GET", "/api/v1/audit")],
}
SAFE = re.compile(r"^[a-z0-9._-]+$")


def missing(msg):
    print("missing: " + msg, flush=True)


# ---- HTTP (requests) ----

class Api:
    def __init__(self, base, user):
        self.base, self.user = base, user
        self.s = requests.Session()
        r = self.s.post(base + "/api/v1/login", json={"username": user, "password": PW[user]},
                        timeout=20)
        r.raise_for_status()
        self.csrf = r.json()["csrf"]

    def req(self, method, path, csrf=True, **kw):
        h = kw.pop("headers", {})
        if csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        kw.setdefault("timeout", 60)
        return self.s.request(method, self.base + path, headers=h, **kw)

    def exists(self, method, path):
        """the route is there: a GET of its path answers something else
        than 404 (a POST-only route: 405, the path is known)"""
        return self.req("GET", path).status_code != 404


def features(api, doc):
    have = {}
    for name, routes in FEATURES.items():
        gone = [p for m, p in routes if not api.exists(m, p)]
        have[name] = not gone
        if gone:
            documented = [p for p in gone if p in doc]
            if documented:
                fail("%s: documented in doc/api.md but not answering: %s" %
                     (name, ", ".join(documented)))
            else:
                missing("%s: the server has no %s yet (not tested)" % (name, ", ".join(gone)))
    return have


# ---- files the test makes ----

def ics_time(t):
    return t.astimezone(ZONE).strftime("%Y%m%dT%H%M%S")


def google_ics(events):
    """a calendar as Google Calendar exports it: its headers, a VTIMEZONE,
    TZID times, Drive attachments named by FILENAME, a VALARM; events are
    (uid, start, title, extra_lines). Returns (bytes, {uid: DTSTART line})."""
    L = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
         "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Đài truyền thanh xã",
         "X-WR-TIMEZONE:Asia/Ho_Chi_Minh", "BEGIN:VTIMEZONE", "TZID:Asia/Ho_Chi_Minh",
         "X-LIC-LOCATION:Asia/Ho_Chi_Minh", "BEGIN:STANDARD", "TZOFFSETFROM:+0700",
         "TZOFFSETTO:+0700", "TZNAME:+07", "DTSTART:19700101T000000", "END:STANDARD",
         "END:VTIMEZONE"]
    lines = {}
    for uid, start, title, extra in events:
        L.append("BEGIN:VEVENT")
        dt = start if isinstance(start, str) else ics_time(start)
        L.append("DTSTART;TZID=Asia/Ho_Chi_Minh:" + dt)
        lines[uid] = len(L)
        L += ["DTSTAMP:20261124T002000Z", "UID:" + uid, "CREATED:20261101T023145Z",
              "DESCRIPTION:", "LAST-MODIFIED:20261124T081512Z", "LOCATION:", "SEQUENCE:0",
              "STATUS:CONFIRMED", "SUMMARY:" + title, "TRANSP:OPAQUE",
              "ATTACH;FILENAME=tone.wav;FMTTYPE=audio/wav:"
              "https://drive.google.com/file/d/1AbCdEfGh/view?usp=drive_web"]
        L += extra
        L += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:This is an event reminder",
              "TRIGGER:-P0DT0H10M0S", "END:VALARM", "END:VEVENT"]
    L.append("END:VCALENDAR")
    return ("\r\n".join(L) + "\r\n").encode("utf-8"), lines


def wav(path, seconds=2.0, rate=48000, amp=0.1):
    n = int(seconds * rate)
    data = b"".join(struct.pack("<h", int(amp * 32767 * math.sin(2 * math.pi * 440 * i / rate)))
                    for i in range(n))
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
                struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" +
                struct.pack("<I", len(data)) + data)
    return path


def tree(d):
    """{name: sha256} of the files in d"""
    out = {}
    for n in sorted(os.listdir(d)):
        p = os.path.join(d, n)
        if os.path.isfile(p):
            with open(p, "rb") as f:
                out[n] = hashlib.sha256(f.read()).hexdigest()
    return out


def plan_text(d):
    t = ""
    for n in sorted(os.listdir(d)):
        p = os.path.join(d, n)
        if os.path.isfile(p) and n.endswith(".ics") and not n.startswith("."):
            with open(p, "rb") as f:
                t += f.read().decode("utf-8", "replace")
    return t


def aired(db, uid):
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        try:
            return [r[0] for r in c.execute("select status from airing where uid = ?", (uid,))]
        finally:
            c.close()
    except sqlite3.Error:
        return []


def status_json(args):
    r = subprocess.run([args.loaxa, "status", "--json"], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {}


# ---- the browser ----

def login(b, user):
    b.d.get(b.base + "/login")
    b.ready()
    wb.login(b, user, PW[user])
    got = wait(lambda: b.d.current_url.rstrip("/") == b.base, 20)
    b.ready()
    return got


def logout(b):
    b.id("logout").click()
    wait(lambda: "/login" in b.d.current_url, 10)


def accept_alert(d, timeout=5):
    end = time.time() + timeout
    while time.time() < end:
        try:
            d.switch_to.alert.accept()
            return True
        except NoAlertPresentException:
            time.sleep(0.1)
    return False


def nav_visible(b):
    return [a.get_attribute("data-nav") for a in b.css("nav.main a") if a.is_displayed()]


def check_result(b):
    """the check's summary once shown"""
    return wait(lambda: b.id("result").is_displayed() and b.text("check-summary"), 30)


def upload_plan(b, path):
    b.id("plan-files").send_keys(path)
    b.id("check-submit").click()
    return check_result(b)


def newest(b):
    v = [int(x) for x in version_rows(b) if x and x.isdigit()]
    return max(v) if v else 0


def version_rows(b):
    return [r.get_attribute("data-version") for r in b.css("#versions-body tr")]


def phase_status(b, args, have):
    d = b.d
    # ---- the nav, by role
    check(login(b, "quantri"), "the admin logs in")
    nav = nav_visible(b)
    check({"plans", "recordings", "approvals", "emergency", "audit"} <= set(nav),
          "the admin's nav offers the five new pages", repr(nav))

    # ---- plans
    if have["plans"]:
        b.get("/plans")
        check(b.id("upload-panel").is_displayed(), "the plans page offers the upload")
        wait(lambda: b.id("versions-none").is_displayed() or version_rows(b), 15)
        v0 = newest(b)
        before = tree(args.plan_dir)
        now = datetime.now(ZONE)
        start1 = now + timedelta(seconds=40)
        good = [("moi1@google.com", start1, "Thông báo lịch tiêm chủng mới", [])]
        bad, lines = google_ics(good + [("loi1@google.com", "20261307T080000",
                                         "Sự kiện nhập sai ngày", [])])
        p_bad = os.path.join(args.tmp, "lich-xa.ics")
        with open(p_bad, "wb") as f:
            f.write(bad)
        summ = upload_plan(b, p_bad)
        check(bool(summ) and "bad" in b.id("check-summary").get_attribute("class"),
              "a Google export with an error: the check says it cannot be installed", str(summ))
        rows = [r.text for r in b.css("#messages-body tr")]
        where = "lich-xa.ics:%d" % lines["loi1@google.com"]
        err = [r for r in rows if where in r and "lỗi" in r]
        check(bool(err), "the error with its file:line and severity (%s)" % where, repr(rows[:6]))
        if err:
            cells = [c.text for c in b.css("#messages-body tr.sev-error td")]
            check(len(cells) >= 4 and all(cells[:4]), "with the message and what to do", repr(cells))
        check(not b.id("install").is_enabled(), "the install button stays disabled")
        contrast(b, "plans (errors)")
        b.shot("plans-error")
        check(tree(args.plan_dir) == before, "nothing was installed: the plan folder is unchanged")
        b.get("/plans")
        wait(lambda: b.id("versions-none").is_displayed() or version_rows(b), 15)
        check(newest(b) == v0, "and no new version", repr(version_rows(b)))

        # fixed: the diff, then install
        now = datetime.now(ZONE)
        start1 = now + timedelta(seconds=35)
        v1, _ = google_ics([("moi1@google.com", start1, "Thông báo lịch tiêm chủng mới", [])])
        with open(p_bad, "wb") as f:
            f.write(v1)
        summ = upload_plan(b, p_bad)
        check(bool(summ) and "good" in b.id("check-summary").get_attribute("class"),
              "the fixed export checks clean", str(summ))
        added = b.text("diff-added")
        check("Thông báo lịch tiêm chủng mới" in added, "the diff shows the new item as added",
              added)
        check(b.id("install").is_enabled(), "the install button is enabled for a clean check")
        b.id("install").click()
        res = wait(lambda: (lambda t: t if "phiên bản" in t else None)(b.text("install-result")), 30)
        check(bool(res) and "good" in b.id("install-result").get_attribute("class"),
              "installed, with the daemon's reload", str(b.text("install-result")))
        check("moi1@google.com" in plan_text(args.plan_dir), "the new plan is in the plan folder")
        wait(lambda: newest(b) > v0, 15)
        v1n = newest(b)
        check(v1n > v0 and "lich-xa.ics" in b.css("#versions-body tr")[0].text,
              "a new version is listed, with its file", repr(version_rows(b)))
        b.shot("plans")
        st = wait(lambda: "aired" in aired(args.db, "moi1@google.com"), 120)
        check(bool(st), "the daemon airs the new item",
              repr(aired(args.db, "moi1@google.com")))

        # version 2: the item moved and one added
        later = datetime.now(ZONE) + timedelta(hours=2)
        v2, _ = google_ics([("moi1@google.com", later, "Thông báo lịch tiêm chủng mới", []),
                            ("them2@google.com", later + timedelta(hours=1),
                             "Tuyên truyền phòng cháy", [])])
        p2 = os.path.join(args.tmp, "lich-xa-2.ics")
        with open(p2, "wb") as f:
            f.write(v2)
        b.get("/plans")
        upload_plan(b, p2)
        check("Tuyên truyền phòng cháy" in b.text("diff-added"), "version 2's diff: one added",
              b.text("diff-added"))
        check("Thông báo lịch tiêm chủng mới" in b.text("diff-moved") or
              "Thông báo lịch tiêm chủng mới" in b.text("diff-added"),
              "and the moved item", b.text("diff-moved"))
        b.id("install").click()
        wait(lambda: "phiên bản" in b.text("install-result"), 30)
        wait(lambda: newest(b) == v1n + 1, 15)
        vs = version_rows(b)
        check(newest(b) == v1n + 1 and "them2@google.com" in plan_text(args.plan_dir),
              "version 2 installed", repr(vs))

        # roll back to version 1: the same check and diff first
        if str(v1n) in vs:
            old = str(v1n)
            btn = b.css("#versions-body tr[data-version='%s'] button" % old)
            if check(bool(btn), "a rollback button on the older version"):
                btn[0].click()
                summ = check_result(b)
                check(bool(summ) and "Tuyên truyền phòng cháy" in b.text("diff-removed"),
                      "the rollback's diff: version 2's item removed", b.text("diff-removed"))
                b.id("install").click()
                wait(lambda: "phiên bản" in b.text("install-result"), 30)
                t = plan_text(args.plan_dir)
                check("them2@google.com" not in t and "moi1@google.com" in t,
                      "rolled back: the plan folder holds version 1 again")
            before = set(os.listdir(b.downloads))
            a = b.css("#versions-body tr[data-version='%s'] a" % old)
            if a:
                a[0].click()
                f = b.download(before)
                if check(bool(f), "a version downloads", str(f)):
                    body = open(f, "rb").read().decode("utf-8", "replace")
                    check("moi1@google.com" in body and "them2@google.com" not in body,
                          "the downloaded version is version 1")

    # ---- recordings
    good_name = None
    if have["recordings"]:
        b.get("/recordings")
        names = lambda: [r.get_attribute("data-name") for r in b.css("#recs-body tr")]
        wait(lambda: "tone.wav" in names(), 15)
        check({"tone.wav", "long.wav"} <= set(names()), "the recordings are listed", repr(names()))
        row = b.css("#recs-body tr[data-name='long.wav']")
        if row:
            check("1:00" in row[0].text, "with their duration", row[0].text)
        n0 = set(names())
        a0 = set(os.listdir(args.audio_dir))
        p = wav(os.path.join(args.tmp, "Bản tin Sáng.wav"))
        b.id("rec-file").send_keys(p)
        b.id("upload-submit").click()
        res = wait(lambda: (lambda c: c if c in ("good", "bad") else None)(
            b.id("upload-result").get_attribute("class")), 60)
        check(res == "good", "a good recording is kept", b.text("upload-result"))
        wait(lambda: len(set(names()) - n0) == 1, 15)
        new = sorted(set(names()) - n0)
        if check(len(new) == 1 and SAFE.match(new[0]), "under a safe name the server chose",
                 repr(new)):
            good_name = new[0]
            r = b.css("#recs-body tr[data-name='%s'] td" % good_name)
            cells = [c.text for c in r]
            check(len(cells) > 4 and cells[1] == "0:02" and re.match(r"^-\d+\.\d$", cells[3]),
                  "its duration and loudness measured", repr(cells))
            check(good_name in os.listdir(args.audio_dir), "and stored under the audio root")
            b.css("#recs-body tr[data-name='%s'] button" % good_name)[0].click()
            dur = wait(lambda: b.d.execute_script(
                "var p = document.getElementById('player');"
                "return p.readyState >= 1 && isFinite(p.duration) ? p.duration : 0"), 20)
            check(bool(dur) and 1.5 < dur < 2.5, "it plays in the page (the <audio> loads it)",
                  str(dur))
        b.shot("recordings")
        for fname, content, what in (
                ("hong.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(3000), "a corrupt file"),
                ("ghi-chu.txt", "Đây không phải âm thanh\n".encode() * 50, "a text file")):
            p = os.path.join(args.tmp, fname)
            with open(p, "wb") as f:
                f.write(content)
            b.get("/recordings")
            b.id("rec-file").send_keys(p)
            b.id("upload-submit").click()
            res = wait(lambda: (lambda c: c if c in ("good", "bad") else None)(
                b.id("upload-result").get_attribute("class")), 60)
            check(res == "bad" and b.text("upload-result"), "%s is refused with a reason" % what,
                  b.text("upload-result"))
        if args.max_mb:
            p = os.path.join(args.tmp, "qua-lon.wav")
            with open(p, "wb") as f:
                f.truncate((args.max_mb + 1) * 1024 * 1024)
            b.get("/recordings")
            b.id("rec-file").send_keys(p)
            b.id("upload-submit").click()
            res = wait(lambda: (lambda c: c if c in ("good", "bad") else None)(
                b.id("upload-result").get_attribute("class")), 60)
            check(res == "bad", "a file above web.max_upload_mb is refused",
                  b.text("upload-result"))
        now_files = set(os.listdir(args.audio_dir))
        check(now_files - a0 == ({good_name} if good_name else set()),
              "only the good recording was added to the audio root (no temporary left)",
              repr(sorted(now_files - a0)))
        b.shot("recordings-refused")
        if good_name:
            b.get("/recordings")
            wait(lambda: good_name in names(), 15)
            b.css("#recs-body tr[data-name='%s'] button" % good_name)[1].click()
            check(wait(lambda: b.id("rename-dialog").is_displayed(), 5) is not None,
                  "rename opens a dialog")
            check(d.switch_to.active_element.get_attribute("id") == "rename-to",
                  "the dialog takes the keyboard focus")
            b.id("rename-to").clear()
            # Enter in the field submits it (no mouse)
            b.id("rename-to").send_keys("ban-tin-moi.wav" + Keys.ENTER)
            got = wait(lambda: "ban-tin-moi.wav" in names() and good_name not in names(), 15)
            check(bool(got) and "ban-tin-moi.wav" in os.listdir(args.audio_dir),
                  "renamed, in the list and on disk", repr(names()))
            good_name = "ban-tin-moi.wav" if got else good_name
        # a recording the plan uses cannot go
        b.get("/recordings")
        wait(lambda: "tone.wav" in names(), 15)
        used = b.css("#recs-body tr[data-name='tone.wav'] td")
        if used and "moi1@google.com" in plan_text(args.plan_dir):
            check("moi1" in used[6].text or used[6].text not in ("", "không dùng"),
                  "tone.wav shows the items that use it", used[6].text)
        b.css("#recs-body tr[data-name='tone.wav'] button")[2].click()
        accept_alert(d)
        res = wait(lambda: b.text("action-result"), 15)
        check(bool(res) and "bad" in b.id("action-result").get_attribute("class") and
              "tone.wav" in os.listdir(args.audio_dir),
              "deleting a recording the plan uses is refused, naming the items", str(res))
        if good_name:
            b.css("#recs-body tr[data-name='%s'] button" % good_name)[2].click()
            accept_alert(d)
            gone = wait(lambda: good_name not in names(), 15)
            check(bool(gone) and good_name not in os.listdir(args.audio_dir),
                  "an unused recording is deleted")

    # ---- emergency
    aired_emergency = False
    if have["emergency"] and have["recordings"]:
        aired_emergency = True
        b.get("/emergency")
        wait(lambda: len(b.css("#em-rec option")) > 1, 15)
        Select(b.id("em-rec")).select_by_value("long.wav")
        b.set_value("em-repeats", "1")
        b.id("prep-next").click()
        check(wait(lambda: b.id("confirm").is_displayed(), 5) is not None,
              "the first confirmation leads to the second step")
        check(d.switch_to.active_element.get_attribute("id") == "em-confirm",
              "the keyboard focus moves to the second step's field",
              str(d.switch_to.active_element.get_attribute("id")))
        check(not b.id("air").is_enabled(), "Air stays disabled until the name is typed again")
        b.id("em-confirm").send_keys("long.wa")
        check(not b.id("air").is_enabled(), "a wrong name does not enable it")
        b.id("em-confirm").send_keys("v")
        check(b.id("air").is_enabled(), "the recording's name typed again enables Air")
        contrast(b, "emergency")
        b.shot("emergency")
        b.id("air").click()
        res = wait(lambda: "good" in (b.id("air-result").get_attribute("class") or ""), 20)
        check(bool(res), "the emergency is sent", b.text("air-result"))
        on = wait(lambda: (lambda s: s if (s.get("on_air") or {}).get("source") == "emergency" or
                           "emergency" in json.dumps(s.get("on_air") or {}) else None)(
                               status_json(args)), 20)
        check(bool(on), "the daemon airs the emergency", json.dumps(status_json(args))[:300])
        check(wait(lambda: "khẩn cấp" in b.text("now"), 15) is not None,
              "the page shows it on air", b.text("now"))
        b.shot("emergency-on-air")
        b.id("stop").click()
        accept_alert(d)
        off = wait(lambda: not status_json(args).get("on_air"), 20)
        check(off is not None, "Stop ends it", json.dumps(status_json(args))[:300])
    elif have["emergency"]:
        missing("emergency: no recordings route to choose from")

    # ---- audit
    if have["audit"]:
        b.get("/audit")
        wait(lambda: len(b.css("#audit-body tr")) > 0, 15)
        rows = [r.text for r in b.css("#audit-body tr")]
        check(len(rows) >= 3 and any("quantri" in r for r in rows),
              "the audit page lists the admin's actions", repr(rows[:5]))
        acts = " ".join(r.get_attribute("data-action") for r in b.css("#audit-body tr")).lower()
        for what, pat in (("login", r"login|đăng nhập"), ("install", r"install|cài"),
                          ("rollback", r"rollback|roll|quay"), ("emergency", r"emergency|khẩn"),
                          ("stop", r"stop|dừng"), ("upload", r"upload|recording|tải")):
            if (what in ("install", "rollback") and not have["plans"]) or \
               (what in ("emergency", "stop") and not aired_emergency) or \
               (what == "upload" and not have["recordings"]):
                continue
            check(re.search(pat, acts) is not None, "an audit row for the %s" % what, acts[:300])
        contrast(b, "audit")
        b.shot("audit")

    # ---- the other roles
    logout(b)
    check(login(b, "canbo"), "the officer logs in")
    nav = nav_visible(b)
    check("approvals" not in nav and "audit" not in nav and "emergency" in nav and "plans" in nav,
          "the officer's nav has no approvals or audit", repr(nav))
    b.get("/audit")
    check(wait(lambda: b.id("page-error").is_displayed(), 10) is not None,
          "the audit page tells an officer it is not theirs")
    logout(b)
    check(login(b, "xem"), "the viewer logs in")
    nav = nav_visible(b)
    check("emergency" not in nav and "approvals" not in nav, "the viewer's nav", repr(nav))
    b.get("/plans")
    check(wait(lambda: b.id("role-note").is_displayed(), 10) is not None and
          not b.id("upload-panel").is_displayed(), "a viewer sees plans without the upload")
    logout(b)


def security(args, have):
    base = args.base
    adm, off, vw = Api(base, "quantri"), Api(base, "canbo"), Api(base, "xem")
    appr = Api(base, "duyet")
    # under the 64 KiB of a JSON body: a refusal is the role's or the token's
    good = wav(os.path.join(args.tmp, "s.wav"), 0.3)
    gbytes = open(good, "rb").read()
    ics, _ = google_ics([("sec1@google.com", datetime.now(ZONE) + timedelta(hours=5),
                          "Kiểm tra bảo mật", [])])
    # roles
    if have["recordings"]:
        a0 = set(os.listdir(args.audio_dir))
        r = vw.req("POST", "/api/v1/recordings", files={"file": ("x.wav", gbytes, "audio/wav")})
        # a body the viewer may not stream is read as a JSON body: its NUL
        # bytes may be refused (400) before the role is (403)
        check(r.status_code in (400, 403) and set(os.listdir(args.audio_dir)) == a0,
              "a viewer cannot upload a recording", str(r.status_code))
        big = open(wav(os.path.join(args.tmp, "v.wav"), 3.0), "rb").read()
        a0 = set(os.listdir(args.audio_dir))
        r = vw.req("POST", "/api/v1/recordings", files={"file": ("v.wav", big, "audio/wav")})
        check(r.status_code in (403, 413) and set(os.listdir(args.audio_dir)) == a0,
              "nor a larger one (refused before it is read)", str(r.status_code))
    if have["plans"]:
        r = vw.req("POST", "/api/v1/plans/check", files={"file": ("p.ics", ics, "text/calendar")})
        check(r.status_code == 403, "a viewer cannot upload a plan", str(r.status_code))
    if have["approvals"]:
        r = off.req("POST", "/api/v1/approvals",
                    json={"uid": "x", "hash": "0", "decision": "approve", "comment": ""})
        check(r.status_code == 403, "an officer cannot approve", str(r.status_code))
        r = off.req("GET", "/api/v1/approvals")
        check(r.status_code == 403, "nor list the approvals", str(r.status_code))
    if have["emergency"]:
        r = vw.req("POST", "/api/v1/emergency", json={"recording": "tone.wav", "repeats": 1,
                                                      "confirm": "tone.wav"})
        check(r.status_code == 403, "a viewer cannot air an emergency", str(r.status_code))
    if have["audit"]:
        r = off.req("GET", "/api/v1/audit")
        check(r.status_code == 403, "an officer cannot read the audit", str(r.status_code))
    # CSRF on each action
    posts = []
    if have["plans"]:
        posts += [("POST", "/api/v1/plans/check", {"files": {"file": ("p.ics", ics)}}),
                  ("POST", "/api/v1/plans/install", {"json": {"upload": "x"}}),
                  ("POST", "/api/v1/plans/rollback", {"json": {"version": 1}})]
    if have["recordings"]:
        posts += [("POST", "/api/v1/recordings", {"files": {"file": ("c.wav", gbytes)}}),
                  ("POST", "/api/v1/recordings/tone.wav/rename", {"json": {"to": "y.wav"}}),
                  ("DELETE", "/api/v1/recordings/long.wav", {})]
    if have["approvals"]:
        posts += [("POST", "/api/v1/approvals", {"json": {"uid": "x", "hash": "0",
                                                          "decision": "approve"}})]
    if have["emergency"]:
        posts += [("POST", "/api/v1/emergency", {"json": {"recording": "tone.wav", "repeats": 1,
                                                          "confirm": "tone.wav"}}),
                  ("POST", "/api/v1/emergency/stop", {"json": {}})]
    for m, p, kw in posts:
        # (binary multipart without the token: see the viewer's upload above)
        want = (400, 403) if "files" in kw and p == "/api/v1/recordings" else (403,)
        r = adm.req(m, p, csrf=False, **kw)
        check(r.status_code in want, "%s %s without the CSRF token: refused" % (m, p),
              str(r.status_code))
        r = adm.req(m, p, csrf=False, headers={"X-CSRF-Token": "0" * 64}, **kw)
        check(r.status_code in want, "%s %s with a wrong token: refused" % (m, p),
              str(r.status_code))
    check({"tone.wav", "long.wav"} <= set(os.listdir(args.audio_dir)) and
          not {"c.wav", "y.wav"} & set(os.listdir(args.audio_dir)),
          "nothing the refused requests asked was done", repr(sorted(os.listdir(args.audio_dir))))
    # hostile names
    if have["recordings"]:
        outside = set(os.listdir(os.path.dirname(args.audio_dir)))
        for n in ("../../thoat.wav", "a/b.wav", "..", "x\x00y.wav", "ghi\x01\x1b[31m.wav",
                  "/etc/passwd", "C:\\Windows\\x.wav", ".an.wav"):
            r = adm.req("POST", "/api/v1/recordings", files={"file": (n, gbytes, "audio/wav")})
            names = set(os.listdir(args.audio_dir))
            check(r.status_code in (200, 201, 400, 409, 415, 422) and
                  all(SAFE.match(x) or x in ("tone.wav", "long.wav", "jingle.wav") for x in names),
                  "an upload named %r: %d, and every stored name is safe" % (n, r.status_code),
                  repr(sorted(names)))
        check(set(os.listdir(os.path.dirname(args.audio_dir))) == outside,
              "nothing written beside the audio root")
        for to in ("../x.wav", "a/b.wav", "x\x00.wav", "", "." * 300):
            r = adm.req("POST", "/api/v1/recordings/long.wav/rename", json={"to": to})
            check(r.status_code in (400, 409, 422) and "long.wav" in os.listdir(args.audio_dir),
                  "rename to %r refused" % to[:20], str(r.status_code))
        for p in ("/api/v1/recordings/..%2F..%2Fetc%2Fpasswd/audio",
                  "/api/v1/recordings/%2e%2e/audio", "/api/v1/recordings/tone.wav%00x/audio"):
            r = adm.req("GET", p)
            check(400 <= r.status_code < 500 and b"root:" not in r.content,
                  "GET %s refused" % p, str(r.status_code))
        r = adm.req("GET", "/api/v1/recordings/tone.wav/audio")
        check(r.status_code == 200 and r.content[:4] == b"RIFF", "a recording's audio is served",
              str(r.status_code))
    # oversized
    if have["plans"]:
        big = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"a" * (5 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
        r = adm.req("POST", "/api/v1/plans/check", files={"file": ("big.ics", big)})
        check(r.status_code in (400, 413), "an .ics above 4 MiB is refused", str(r.status_code))
    if have["recordings"] and not args.max_mb:
        missing("the oversized recording (web.max_upload_mb unknown to this build)")
    # installs side by side: each whole, never a mix
    if have["plans"]:
        texts, ups = [], []
        for i in range(2):
            t, _ = google_ics([("song%d@google.com" % i, datetime.now(ZONE) + timedelta(hours=6 + i),
                                "Song song %d" % i, [])])
            r = adm.req("POST", "/api/v1/plans/check", files={"file": ("song.ics", t)})
            if r.status_code == 200 and r.json().get("ok"):
                texts.append(t)
                ups.append(r.json().get("upload"))
        if check(len(ups) == 2, "two clean checks for installs side by side"):
            out = [None, None]

            def go(i):
                out[i] = adm.req("POST", "/api/v1/plans/install", json={"upload": ups[i]})
            th = [threading.Thread(target=go, args=(i,)) for i in range(2)]
            for t in th:
                t.start()
            for t in th:
                t.join()
            codes = [o.status_code for o in out]
            t = plan_text(args.plan_dir)
            one = ("song0@" in t) != ("song1@" in t)
            check(all(c in (200, 409, 423, 503) for c in codes) and 200 in codes and one,
                  "two installs at once: each whole, the folder holds exactly one", repr(codes))
    if have["audit"]:
        r = adm.req("GET", "/api/v1/audit")
        rows = r.json().get("rows", []) if r.status_code == 200 else []
        users = {x.get("user") for x in rows}
        check("quantri" in users, "the audit has the admin's actions", repr(sorted(map(str, users))))


def phase_signed(b, args, have):
    d = b.d
    if not (have["plans"] and have["approvals"]):
        missing("the signed phase needs the plans and approvals routes")
        return
    check(login(b, "quantri"), "the admin logs in (signed mode)")
    now = datetime.now(ZONE)
    t_ok, t_no = now + timedelta(seconds=45), now + timedelta(seconds=55)
    later = now + timedelta(hours=3)
    items = [("duyet1@google.com", t_ok, "Bản tin được duyệt", []),
             ("khong1@google.com", t_no, "Bản tin chưa duyệt", []),
             ("doi1@google.com", later, "Bản tin sẽ đổi", [])]
    body, _ = google_ics(items)
    p = os.path.join(args.tmp, "lich-ky.ics")
    with open(p, "wb") as f:
        f.write(body)
    b.get("/plans")
    upload_plan(b, p)
    if b.id("install").is_enabled():
        b.id("install").click()
        wait(lambda: "phiên bản" in b.text("install-result"), 30)
    check("duyet1@google.com" in plan_text(args.plan_dir), "the plan for signed mode installed")
    b.get("/approvals")

    def cards():
        return {c.get_attribute("data-uid"): c for c in b.css("#pending section.pending-item")}
    got = wait(lambda: {"duyet1@google.com", "khong1@google.com", "doi1@google.com"} <=
               set(cards()), 30)
    check(bool(got), "the approvals page lists what waits", repr(sorted(cards())))
    contrast(b, "approvals")
    b.shot("approvals")
    c = cards().get("duyet1@google.com")
    if c:
        recs = c.find_elements(By.CSS_SELECTOR, ".recs li")
        rt = recs[0].text.split() if recs else []
        check(rt[-1:] == ["tone.wav"], "the item's recording by its name", repr(rt))
        if recs:
            recs[0].find_element(By.TAG_NAME, "button").click()
            dur = wait(lambda: b.d.execute_script(
                "var p = document.getElementById('player');"
                "return p.readyState >= 1 && isFinite(p.duration) ? p.duration : 0"), 20)
            check(bool(dur) and 0.5 < dur < 1.5, "the approver can play it in the page", str(dur))
        c.find_element(By.CSS_SELECTOR, "button.reject").click()
        check(wait(lambda: "bad" in (c.find_element(By.CSS_SELECTOR, ".decision")
                                     .get_attribute("class")), 5) is not None,
              "a rejection without a comment asks for one")
        c.find_element(By.TAG_NAME, "textarea").send_keys("Nội dung đúng, đồng ý phát.")
        c.find_element(By.CSS_SELECTOR, "button.approve").click()
        check(wait(lambda: "good" in (c.find_element(By.CSS_SELECTOR, ".decision")
                                      .get_attribute("class")), 15) is not None,
              "approved in the page")
    c = cards().get("doi1@google.com")
    if c:
        c.find_element(By.TAG_NAME, "textarea").send_keys("Đồng ý.")
        c.find_element(By.CSS_SELECTOR, "button.approve").click()
        wait(lambda: "good" in (c.find_element(By.CSS_SELECTOR, ".decision")
                                .get_attribute("class")), 15)
    st = wait(lambda: "aired" in aired(args.db, "duyet1@google.com"), 120)
    check(bool(st), "the approved item airs", repr(aired(args.db, "duyet1@google.com")))
    wait(lambda: datetime.now(ZONE) > t_no + timedelta(seconds=15), 90)
    check("aired" not in aired(args.db, "khong1@google.com") and
          "on_air" not in aired(args.db, "khong1@google.com"),
          "the item nobody approved did not air", repr(aired(args.db, "khong1@google.com")))
    b.get("/approvals")
    wait(lambda: len(cards()) > 0 or "Không có" in b.text("pending-count"), 15)
    check("doi1@google.com" not in cards(), "an approved item no longer waits", repr(sorted(cards())))
    # change it: the approval lapses
    items2 = [("doi1@google.com", later, "Bản tin đã đổi nội dung", [])]
    body, _ = google_ics(items2)
    with open(p, "wb") as f:
        f.write(body)
    b.get("/plans")
    upload_plan(b, p)
    if b.id("install").is_enabled():
        b.id("install").click()
        wait(lambda: "phiên bản" in b.text("install-result"), 30)
    b.get("/approvals")
    got = wait(lambda: "doi1@google.com" in cards(), 30)
    check(bool(got), "the changed item waits again (its approval lapsed)", repr(sorted(cards())))
    c = cards().get("doi1@google.com")
    if c:
        c.find_element(By.TAG_NAME, "textarea").send_keys("Nội dung mới chưa đúng.")
        c.find_element(By.CSS_SELECTOR, "button.reject").click()
        check(wait(lambda: "good" in (c.find_element(By.CSS_SELECTOR, ".decision")
                                      .get_attribute("class")), 15) is not None,
              "rejected with a comment")
    b.shot("approvals-after")
    if have["audit"]:
        b.get("/audit")
        wait(lambda: len(b.css("#audit-body tr")) > 0, 15)
        acts = " ".join(r.get_attribute("data-action") for r in b.css("#audit-body tr")).lower()
        check(re.search(r"approv|duyệt", acts) and re.search(r"reject|từ chối", acts),
              "the audit has the approval and the rejection", acts[:300])
    logout(b)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--base", "--shots", "--tmp", "--chromium", "--chromedriver", "--api-doc",
              "--plan-dir", "--audio-dir", "--db", "--loaxa"):
        ap.add_argument(a, required=True)
    ap.add_argument("--phase", choices=("status", "signed"), required=True)
    ap.add_argument("--max-mb", type=int, default=0)
    args = ap.parse_args()
    args.user = args.password = None
    doc = open(args.api_doc, encoding="utf-8").read()
    have = features(Api(args.base, "quantri"), doc)
    b = wb.Browser(args)
    try:
        if args.phase == "status":
            phase_status(b, args, have)
        else:
            phase_signed(b, args, have)
    finally:
        b.logs()
        bad = [e["message"] for e in b.console if e.get("level") == "SEVERE" and
               not re.search(r"status of 40[13]|status of 404 .*favicon|status of 409|"
                             r"status of 4\d\d", e["message"])]
        csp = [m for m in bad if "Content Security Policy" in m]
        check(not csp, "no Content-Security-Policy violation in the console", "; ".join(csp[:3]))
        err = [m for m in bad if m not in csp and "Failed to load resource" not in m]
        check(not err, "no script error in the console", "; ".join(err[:3]))
        b.d.quit()
    if args.phase == "status":
        security(args, have)
    print("%d failure(s)" % wb.FAILS if wb.FAILS else "browser2: all ok", flush=True)
    return 1 if wb.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
