#!/usr/bin/python3
"""The console's pages in headless Chromium (Selenium), against the real
loaxa-web and loaxad that tests/e2e/web-browser.sh started. Prints ok:/FAIL:
lines; exits 1 when any check failed. The plan it expects is the one
web-browser.sh writes (the UIDs early, main, later, waiting, dropped)."""
import argparse
import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
import zipfile

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

FAILS = 0
MAIN = "Bản tin thời sự sáng"
EARLY = "Thông báo lịch tiêm chủng"


def ok(msg):
    print("ok: " + msg, flush=True)


def fail(msg):
    global FAILS
    FAILS += 1
    print("FAIL: " + msg, file=sys.stderr, flush=True)


def check(cond, msg, detail=""):
    if cond:
        ok(msg)
    else:
        fail(msg + (": " + detail if detail else ""))
    return cond


def wait(fn, timeout=20, step=0.2):
    """fn()'s first true value within timeout (a deadline for a stuck page,
    not a timing assertion), else None."""
    end = time.time() + timeout
    while True:
        try:
            v = fn()
            if v:
                return v
        except WebDriverException:
            pass
        if time.time() > end:
            return None
        time.sleep(step)


class Browser:
    def __init__(self, args):
        self.args = args
        self.base = args.base
        self.downloads = os.path.join(args.tmp, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        o = Options()
        o.binary_location = args.chromium
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--window-size=1366,768", "--no-first-run", "--disable-extensions",
                  "--disable-background-networking", "--disable-sync", "--lang=vi-VN",
                  "--user-data-dir=" + os.path.join(args.tmp, "chromium-profile")):
            o.add_argument(a)
        o.add_experimental_option("prefs", {
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False})
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.d = webdriver.Chrome(service=Service(args.chromedriver,
                                                  log_path=os.path.join(args.tmp, "chromedriver.log")),
                                  options=o)
        self.d.execute_cdp_cmd("Page.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": self.downloads})
        self.console = []

    def get(self, path):
        self.d.get(self.base + path)
        self.ready()

    def ready(self):
        """the page's strings are applied (app.js removes i18n-wait)"""
        return wait(lambda: self.d.execute_script(
            "return document.readyState === 'complete' && "
            "!document.documentElement.classList.contains('i18n-wait')"), 15)

    def id(self, i):
        return self.d.find_element(By.ID, i)

    def text(self, i):
        try:
            return self.id(i).text
        except WebDriverException:
            return ""

    def css(self, sel):
        return self.d.find_elements(By.CSS_SELECTOR, sel)

    def set_value(self, i, v):
        self.d.execute_script(
            "var e = document.getElementById(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event('input', {bubbles: true}));"
            "e.dispatchEvent(new Event('change', {bubbles: true}));", i, v)

    def viewport(self, w, h):
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": w, "height": h, "deviceScaleFactor": 1,
                                "mobile": w < 600})
        time.sleep(0.4)

    def shot(self, name):
        """the page at 1366x768 and 360x800 (what a desktop and a phone show
        first), then back to the desktop"""
        for w, h in ((1366, 768), (360, 800)):
            self.viewport(w, h)
            self.d.execute_script("if (document.activeElement) document.activeElement.blur();"
                                  "window.scrollTo(0, 0)")
            path = os.path.join(self.args.shots, "%s-%dx%d.png" % (name, w, h))
            self.d.save_screenshot(path)
            # no sideways scrolling on either
            sw = self.d.execute_script("return document.documentElement.scrollWidth")
            check(sw <= w + 1, "%s at %d px wide has no horizontal scroll" % (name, w),
                  "scrollWidth %s" % sw)
        self.viewport(1366, 768)

    def logs(self):
        try:
            self.console += self.d.get_log("browser")
        except WebDriverException:
            pass

    def download(self, before, timeout=20):
        """the new complete file in the downloads folder"""
        def new():
            fs = set(os.listdir(self.downloads)) - before
            done = [f for f in fs if not f.endswith(".crdownload") and not f.endswith(".tmp")]
            return done and not any(f.endswith(".crdownload") for f in fs) and done[0]
        f = wait(new, timeout)
        return os.path.join(self.downloads, f) if f else None


# The contrast of each visible element matching the selectors against the
# first opaque background under it (WCAG 2 relative luminance).
CONTRAST_JS = """
function lum(c) {
    var m = c.match(/[\\d.]+/g).map(Number);
    var v = m.slice(0, 3).map(function (x) {
        x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function bg(e) {
    for (; e; e = e.parentElement) {
        var c = getComputedStyle(e).backgroundColor, m = c.match(/[\\d.]+/g);
        if (m && (m.length < 4 || +m[3] > 0.5)) return c;
    }
    return "rgb(255, 255, 255)";
}
var out = [];
arguments[0].forEach(function (sel) {
    document.querySelectorAll(sel).forEach(function (e) {
        if (!e.offsetParent || !e.textContent.trim()) return;
        var a = lum(getComputedStyle(e).color), b = lum(bg(e));
        var r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        out.push([sel, e.textContent.trim().slice(0, 30), Math.round(r * 100) / 100]);
    });
});
return out;
"""
CONTRAST_SELECTORS = ["h1", "h2", "dt", "dd", ".muted", ".updated", ".lvl-normal", ".lvl-priority",
                      ".lvl-emergency", "nav.main a", ".who span", "header.top button",
                      ".good", ".bad", "button.primary", "button.secondary", "table.data th",
                      "table.data td", ".airing", "label", "a.button", ".error", ".notice"]


def contrast(b, page):
    got = b.d.execute_script(CONTRAST_JS, CONTRAST_SELECTORS)
    low = [g for g in got if g[2] < 4.5]
    check(got and not low, "%s: text contrast at least 4.5:1 (%d elements, lowest %.2f)" %
          (page, len(got), min(g[2] for g in got) if got else 0), repr(low[:5]))


def LX_date(date):
    """YYYY-MM-DD as the pages write it: dd/mm/yyyy"""
    return "%s/%s/%s" % (date[8:10], date[5:7], date[:4])


def local_date(epoch):
    return time.strftime("%Y-%m-%d", time.localtime(epoch))


def week_of(date):
    """the seven dates of the week (Monday first) that holds date"""
    t = time.mktime(time.strptime(date + " 12", "%Y-%m-%d %H"))
    mon = t - time.localtime(t).tm_wday * 86400
    return [local_date(mon + i * 86400) for i in range(7)]


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    return int(st[11]) + int(st[12])  # utime + stime (fields 14, 15)


def login(b, user, password):
    b.id("username").clear()
    b.id("username").send_keys(user)
    b.id("password").clear()
    b.id("password").send_keys(password)
    b.id("login-submit").click()


def main():
    ap = argparse.ArgumentParser()
    for a in ("--base", "--user", "--password", "--shots", "--tmp", "--chromium",
              "--chromedriver", "--stop-cmd"):
        ap.add_argument(a, required=True)
    ap.add_argument("--web-pid", type=int, required=True)
    ap.add_argument("--daemon-pid", type=int, required=True)
    ap.add_argument("--idle-cpu", type=float, default=0)
    ap.add_argument("--tz", default="Asia/Ho_Chi_Minh", help="the station's zone")
    args = ap.parse_args()
    # dates as the station counts them (the browser keeps the machine's zone)
    os.environ["TZ"] = args.tz
    time.tzset()
    b = Browser(args)
    d = b.d
    try:
        run(b, d, args)
    finally:
        b.logs()
        with open(os.path.join(args.tmp, "console.log"), "w") as f:
            for e in b.console:
                f.write(json.dumps(e) + "\n")
        # CSP violations and script errors show in the console as SEVERE
        bad = [e["message"] for e in b.console if e.get("level") == "SEVERE" and
               not re.search(r"status of 401|status of 404 .*favicon", e["message"])]
        csp = [m for m in bad if "Content Security Policy" in m]
        check(not csp, "no Content-Security-Policy violation in the console", "; ".join(csp[:3]))
        err = [m for m in bad if m not in csp and "Failed to load resource" not in m]
        check(not err, "no script error in the console", "; ".join(err[:3]))
        d.quit()
    print("%d failure(s) in the browser" % FAILS if FAILS else "browser: all ok", flush=True)
    return 1 if FAILS else 0


def run(b, d, args):
    now = time.time()
    today = local_date(now)

    # ---- nothing before login: the overview sends the browser to the form
    d.get(args.base + "/")
    b.ready()
    check(d.current_url.startswith(args.base + "/login"), "a page before login goes to /login",
          d.current_url)
    check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi",
          "the login page says lang=vi")
    check(d.find_element(By.TAG_NAME, "h1").text == "Đăng nhập", "the login page is Vietnamese",
          d.find_element(By.TAG_NAME, "h1").text)
    labels = [l.get_attribute("for") for l in b.css("label")]
    check("username" in labels and "password" in labels, "the login fields have labels")
    b.shot("login")
    login(b, args.user, "not-the-password")
    err = wait(lambda: b.id("page-error").is_displayed() and b.text("page-error"), 15)
    check(bool(err) and "/login" in d.current_url, "a wrong password is refused with a message",
          str(err))
    login(b, args.user, args.password)
    check(wait(lambda: d.current_url.rstrip("/") == args.base, 20) is not None,
          "the login form leads to the overview", d.current_url)
    b.ready()

    # ---- the overview, live: the main item comes on air while we look
    d.execute_script("window.__same_page = 1")
    on = wait(lambda: b.id("onair-now").is_displayed() and b.text("onair-title") == MAIN, 90)
    check(bool(on), "the overview shows the programme on air while it airs",
          "title %r" % b.text("onair-title"))
    badge = b.text("onair-badges")
    check("ưu tiên" in badge, "with its level as a word", badge)
    t1 = wait(lambda: (lambda t: re.match(r"^\d+:\d\d / 1:00$", t) and t)(b.text("onair-time")), 10)
    check(bool(t1), "elapsed / length of the recording", b.text("onair-time"))
    time.sleep(3.5)
    t2 = b.text("onair-time")
    check(t1 != t2 and d.execute_script("return window.__same_page") == 1,
          "the elapsed time moves without a reload", "%r then %r" % (t1, t2))
    check(b.text("st-device") == "default", "the output device", b.text("st-device"))
    check(b.text("st-clock") != "", "the clock's state", b.text("st-clock"))
    probs = wait(lambda: re.search(r"p\.ics:\d+:.*thieu\.wav", b.text("problems-list")), 15)
    check(bool(probs), "the plan problem with its file and line",
          b.text("problems-summary") + " | " + b.text("problems-list"))
    later_epoch = now + 1800
    if local_date(later_epoch) == today:
        check("Cảnh báo mưa lũ" in b.text("next-list"), "the next airing today is listed",
              b.text("next-list"))
    pend = wait(lambda: b.text("st-pending") == "1" and "1", 20)
    check(pend == "1", "one pending approval", b.text("st-pending"))
    contrast(b, "overview")
    d.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    ActionChains(d).send_keys(Keys.TAB).perform()
    act = d.switch_to.active_element
    check("skip" in (act.get_attribute("class") or ""), "the first Tab reaches the skip link",
          act.get_attribute("outerHTML")[:80])
    b.shot("overview")

    # the operator stops it; the overview follows
    subprocess.run(shlex.split(args.stop_cmd), check=False, capture_output=True)
    off = wait(lambda: b.id("onair-none").is_displayed(), 20)
    check(bool(off), "after STOP the overview shows nothing on air, still without a reload")
    fails = wait(lambda: MAIN in b.text("fail-list") and b.text("fail-list"), 15)
    if fails:
        ok("the stopped airing is among the last failures")

    # ---- the week, with that airing
    main_date = local_date(now + 25)
    b.get("/schedule?from=" + main_date)
    btn = wait(lambda: [x for x in b.css("#week-table button.airing")
                        if (x.get_attribute("data-key") or "").startswith("main/")], 20)
    check(bool(btn), "the week shows the airing")
    if btn:
        m = btn[0]
        cls = m.get_attribute("class")
        check("lvl-priority" in cls and MAIN in m.text, "as a priority item with its title",
              "%s %r" % (cls, m.text))
        check("ưu tiên" in (m.get_attribute("aria-label") or ""),
              "its level in words for a screen reader", m.get_attribute("aria-label"))
        m.click()
        dlg = wait(lambda: b.id("airing-dialog").is_displayed(), 5)
        check(bool(dlg), "a click opens the airing's details")
        check(b.text("ad-title") == MAIN, "the details' title", b.text("ad-title"))
        check(b.text("ad-unit") == "UBND xã", "its unit", b.text("ad-unit"))
        check("Thời sự" in b.text("ad-topics") and "Nông nghiệp" in b.text("ad-topics"),
              "its topics", b.text("ad-topics"))
        check("long.wav" in b.text("ad-recs"), "its recordings", b.text("ad-recs"))
        out = wait(lambda: "gián đoạn" in b.text("ad-outcome") and b.text("ad-outcome"), 3)
        check(bool(out), "the logged outcome: interrupted", b.text("ad-outcome"))
        d.switch_to.active_element.send_keys(Keys.ESCAPE)
        check(wait(lambda: not b.id("airing-dialog").is_displayed(), 5) is not None,
              "Escape closes the details")
    if local_date(now + 5) == main_date:
        eb = [x for x in b.css("#week-table button.airing")
              if (x.get_attribute("data-key") or "").startswith("early/")]
        if check(bool(eb), "the aired one too"):
            d.execute_script("arguments[0].focus()", eb[0])
            d.switch_to.active_element.send_keys(Keys.ENTER)
            check(wait(lambda: b.id("airing-dialog").is_displayed() and
                       b.text("ad-title") == EARLY, 5) is not None,
                  "Enter on a focused airing opens its details")
            check("đã phát" in b.text("ad-outcome"), "its outcome: aired", b.text("ad-outcome"))
            b.id("ad-close").click()
            check(wait(lambda: not b.id("airing-dialog").is_displayed(), 5) is not None,
                  "the Close button closes them")
    week = week_of(main_date)
    for uid, cls, word, off_s in (("waiting", "state-pending", "chờ duyệt", 2400),
                                  ("dropped", "state-cancelled", "đã hủy", 3000)):
        if local_date(now + off_s) not in week:
            continue  # (late on a Sunday: in next week)
        xs = [x for x in b.css("#week-table button.airing")
              if (x.get_attribute("data-key") or "").startswith(uid + "/")]
        check(bool(xs) and cls in xs[0].get_attribute("class") and word in xs[0].text,
              "%s is marked %r (a box style and a word)" % (uid, word),
              xs[0].text if xs else "not in the week")
    contrast(b, "schedule")
    spill = d.execute_script("return Array.prototype.filter.call("
                             "document.querySelectorAll('#week-table button.airing'),"
                             "function (e) { return e.scrollWidth > e.clientWidth + 1; }).length")
    check(spill == 0, "every airing's text stays inside its box", "%s spill" % spill)
    b.shot("schedule")
    # the phone's view is the day list, not the table
    b.viewport(360, 800)
    check(b.id("week-days").is_displayed() and not b.css(".week-grid")[0].is_displayed(),
          "at 360 px the week is a list of days")
    ph = [x for x in b.css("#week-days button.airing")
          if (x.get_attribute("data-key") or "").startswith("main/")]
    check(bool(ph) and ph[0].is_displayed(), "with the airing in it")
    b.viewport(1366, 768)

    # ---- the log, filtered
    b.get("/log")
    b.set_value("f-from", today if local_date(now + 5) == today else local_date(now + 5))
    b.set_value("f-to", local_date(now + 60))
    Select(b.id("f-status")).select_by_value("interrupted")
    def rows():
        return [r.text for r in b.css("#log-body tr")]
    got = wait(lambda: (lambda r: r if r and all(MAIN in x for x in r) else None)(rows()), 15)
    check(bool(got) and len(got) == 1 and "bị gián đoạn" in got[0],
          "status 'interrupted' shows the stopped airing alone", repr(rows()))
    check("status=interrupted" in b.id("csv-link").get_attribute("href"),
          "the CSV link carries the filter", b.id("csv-link").get_attribute("href"))
    Select(b.id("f-status")).select_by_value("aired")
    got = wait(lambda: (lambda r: r if r and all(MAIN not in x for x in r) and
                        any(EARLY in x for x in r) else None)(rows()), 15)
    check(bool(got), "status 'aired' shows the aired one and not the stopped one", repr(rows()))
    Select(b.id("f-status")).select_by_value("")
    topic = wait(lambda: "Y tế" in [o.get_attribute("value") for o in
                                    b.css("#f-topic option")], 10)
    check(bool(topic), "the topic filter offers the log's topics",
          repr([o.text for o in b.css("#f-topic option")]))
    if topic:
        Select(b.id("f-topic")).select_by_value("Y tế")
        got = wait(lambda: (lambda r: r if r and all(EARLY in x for x in r) else None)(rows()), 15)
        check(bool(got), "topic 'Y tế' shows only its item", repr(rows()))
        Select(b.id("f-topic")).select_by_value("")
    unit = wait(lambda: "UBND xã" in [o.get_attribute("value") for o in b.css("#f-unit option")], 10)
    if check(bool(unit), "the unit filter offers the log's units"):
        Select(b.id("f-unit")).select_by_value("UBND xã")
        got = wait(lambda: (lambda r: r if r and all(MAIN in x for x in r) else None)(rows()), 15)
        check(bool(got), "unit 'UBND xã' shows only its item", repr(rows()))
        Select(b.id("f-unit")).select_by_value("")
    wait(lambda: len(rows()) >= 2, 10)
    check(re.search(r"^Trang \d+/\d+$", b.text("pg-info")) is not None,
          "the pager says which page", b.text("pg-info"))
    contrast(b, "log")
    b.shot("log")
    # a page at a time: one row a page, the address keeps the filters
    b.get("/log?from=%s&to=%s&per_page=1" % (local_date(now + 5), local_date(now + 60)))
    first = wait(lambda: (lambda r: len(r) == 1 and r)(rows()), 15)
    info = wait(lambda: (lambda t: re.match(r"^Trang 1/(\d+)$", t) and t)(b.text("pg-info")), 10)
    check(bool(first) and bool(info) and int(info.split("/")[1]) >= 2 and
          not b.id("pg-prev").is_enabled(), "one row a page, on page 1 of several",
          "%r %r" % (rows(), b.text("pg-info")))
    b.id("pg-next").click()
    second = wait(lambda: (lambda r: r if len(r) == 1 and r != first else None)(rows()), 15)
    check(bool(second) and b.text("pg-info").startswith("Trang 2/") and
          b.id("pg-prev").is_enabled() and "page=2" in d.current_url,
          "the next page shows the next row", "%r %r" % (rows(), b.text("pg-info")))
    before = set(os.listdir(b.downloads))
    b.id("csv-link").click()
    f = b.download(before)
    if check(bool(f), "the CSV export downloads", str(f)):
        raw = open(f, "rb").read()
        check(raw.startswith(b"\xef\xbb\xbf"), "with a UTF-8 BOM (Excel)")
        text = raw.decode("utf-8-sig")
        check(MAIN in text and EARLY in text, "and both airings in it", text[:300])
        check(len(list(csv.reader(io.StringIO(text)))) >= 3, "a header and the rows")

    # ---- reports: this month, shown in the page, every format downloaded
    b.get("/reports")
    Select(b.id("r-kind")).select_by_value("month")
    b.set_value("r-year", today[:4])
    Select(b.id("r-month")).select_by_value(str(int(today[5:7])))
    b.id("r-show").click()
    view = wait(lambda: "Tổng hợp" in b.text("report-view") and b.text("report-view"), 30)
    check(bool(view), "the report is shown in the page", b.text("page-error"))
    if view:
        check(MAIN in view and "Lượt phát" in view,
              "with the item and the figures", view[:300])
    wait(lambda: len(b.css("#downloads a[data-format]")) > 0, 15)
    links = b.css("#downloads a[data-format]")
    fmts = [a.get_attribute("data-format") for a in links]
    check({"text", "csv", "html", "json", "xlsx"} <= set(fmts),
          "a download link for every format the server lists", repr(fmts))
    contrast(b, "reports")
    b.shot("reports")
    for a in b.css("#downloads a[data-format]"):
        name = a.get_attribute("data-format")
        href = a.get_attribute("href")
        before = set(os.listdir(b.downloads))
        a.click()
        f = b.download(before, 30)
        if not check(bool(f), "the %s report downloads" % name, href):
            continue
        raw = open(f, "rb").read()
        if name in ("xlsx", "docx", "odt"):
            # a zip: its main part names the item (the XML escapes only <>&"')
            part = {"xlsx": "xl/sharedStrings.xml", "docx": "word/document.xml",
                    "odt": "content.xml"}[name]
            try:
                with zipfile.ZipFile(io.BytesIO(raw)) as z:
                    xml = z.read(part).decode("utf-8")
                check(MAIN in xml, "the %s report (a zip) names the item in %s" % (name, part))
            except (zipfile.BadZipFile, KeyError) as e:
                fail("the %s report is a zip with %s: %s" % (name, part, e))
            continue
        text = raw.decode("utf-8-sig", "replace")
        if name == "json":
            try:
                r = json.loads(text)
                titles = [i.get("title") for i in r.get("items", [])]
                check(r.get("format") == "loaxa-report" and MAIN in titles,
                      "the json report names the item", repr(titles))
                check(r.get("period", {}).get("spec") == today[:7],
                      "for the month chosen", repr(r.get("period")))
            except ValueError as e:
                fail("the json report parses: %s" % e)
        elif name == "csv":
            # the officer's CSV: the summary table, Vietnamese headers
            rows = list(csv.reader(io.StringIO(text)))
            check(len(rows) > 5 and rows[0][:2] == ["Chỉ tiêu", "Số liệu"],
                  "the csv report is the summary table", text[:200])
        else:
            check(MAIN in text, "the %s report names the item" % name, text[:200])
        if name == "html":
            check("<html" in text.lower() and "</table>" in text, "the html report is a page")

    # the other periods: the links follow the form
    def hrefs():
        return [a.get_attribute("href") or "" for a in b.css("#downloads a[data-format]")]
    y = today[:4]
    for kind, extra, want in (("quarter", ("r-quarter", "2"), "period=%s-Q2" % y),
                              ("half", ("r-half", "2"), "period=%s-H2" % y),
                              ("9m", None, "period=%s-9M" % y),
                              ("year", None, "period=%s&" % y)):
        Select(b.id("r-kind")).select_by_value(kind)
        if extra:
            Select(b.id(extra[0])).select_by_value(extra[1])
        check(wait(lambda: all(want in h for h in hrefs()), 5) is not None,
              "period %s: the links ask for %s" % (kind, want), repr(hrefs()[:1]))
    Select(b.id("r-kind")).select_by_value("quarter")
    b.id("w-cutoff").find_elements(By.CSS_SELECTOR, "input[value=nd09]")[0].click()
    check(wait(lambda: all("cutoff=nd09" in h for h in hrefs()), 5) is not None,
          "the cut-off of Decree 09 in the links", repr(hrefs()[:1]))
    Select(b.id("r-kind")).select_by_value("range")
    b.set_value("r-from", local_date(now - 86400 * 3))
    b.set_value("r-to", today)
    want = "period=%s..%s" % (local_date(now - 86400 * 3), today)
    check(wait(lambda: all(want in h and "cutoff=calendar" in h
                           for h in hrefs()), 5) is not None and
          not b.css("input[value=nd09]")[0].is_enabled(),
          "a range of dates: calendar only", repr(hrefs()[:1]))
    b.id("r-show").click()
    check(wait(lambda: "Tổng hợp" in b.text("report-view") and
               LX_date(today) in b.text("report-view"), 30) is not None,
          "the range's report is shown", b.text("page-error"))

    # ---- English by the switch, and back
    b.id("lang-switch").click()
    en = wait(lambda: d.find_element(By.TAG_NAME, "h1").text == "Reports" and
              d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", 15)
    check(bool(en), "the switch turns the console English",
          d.find_element(By.TAG_NAME, "h1").text)
    b.get("/")
    wait(lambda: b.text("onair-h") == "On air now", 10)
    check(b.text("onair-h") == "On air now", "and it stays English on the next page",
          b.text("onair-h"))
    b.shot("overview-en")
    b.id("lang-switch").click()
    check(wait(lambda: b.text("onair-h") == "Đang phát", 15) is not None,
          "and back to Vietnamese", b.text("onair-h"))

    # ---- logout ends the session
    b.ready()
    b.id("logout").click()
    check(wait(lambda: "/login" in d.current_url, 10) is not None, "logout leads to the login page")
    d.get(args.base + "/log")
    check("/login" in d.current_url, "and the session is gone", d.current_url)

    # ---- again, for the figure and the daemon's absence
    b.ready()
    login(b, args.user, args.password)
    check(wait(lambda: d.current_url.rstrip("/") == args.base, 20) is not None,
          "a new login after the logout", d.current_url)
    b.ready()

    # ---- figure: loaxa-web's CPU with one browser on the overview
    if args.idle_cpu > 0:
        time.sleep(5)
        hz = os.sysconf("SC_CLK_TCK")
        t0, c0 = time.time(), cpu_ticks(args.web_pid)
        time.sleep(args.idle_cpu)
        t1, c1 = time.time(), cpu_ticks(args.web_pid)
        pct = 100.0 * (c1 - c0) / hz / (t1 - t0)
        polls = d.execute_script("return performance.getEntriesByType('resource')"
                                 ".filter(function (e) { return /api\\/v1\\/status/.test(e.name); })"
                                 ".length")
        with open("/proc/%d/status" % args.web_pid) as f:
            rss = [l.split()[1] for l in f if l.startswith("VmRSS:")][0]
        print("figure: loaxa-web CPU with one browser on the overview: %.2f %% of one core "
              "(%d ticks in %.0f s; the page polled status %s times since it loaded); "
              "VmRSS %s kB" % (pct, c1 - c0, t1 - t0, polls, rss), flush=True)

    # ---- the daemon goes away: the overview says so
    os.kill(args.daemon_pid, 15)
    down = wait(lambda: b.id("daemon-down").is_displayed() and b.text("daemon-down"), 20)
    check(bool(down) and not b.id("cards").is_displayed(),
          "with the daemon stopped the overview says it does not answer (and nothing stale)",
          str(down))
    b.shot("overview-down")


if __name__ == "__main__":
    sys.exit(main())
