"""loaxa-web's API against the real loaxad and what the CLI says of the
same station (web-api.sh): the status is `loaxa status --json` plus
"daemon"; the week shows the plan's airings with the log's outcomes; the
log filters and pages; the CSV export; the reports are byte for byte what
`loaxa report` writes; and the status when the daemon is down."""
import csv
import io
import json
import os
import subprocess
import sys

from webtest import Web, check, done, fail

LOAXA = os.environ["LOAXA"]
T = os.environ["T_TMP"]


def cli(*args):
    return subprocess.run([LOAXA] + list(args), check=True, capture_output=True).stdout


w = Web()
r, sid = w.login("alice", "password-alice")
check(r.status == 200 and sid, "alice logs in")


def get(path, status=200):
    r = w.request("GET", path, cookie=sid)
    if r.status != status:
        fail("GET %s: %d (wanted %d): %s" % (path, r.status, status, r.data[:300]))
    return r


# status: the daemon's document as the CLI prints it, plus "daemon"
doc = w.json(get("/api/v1/status"))
ref = json.loads(cli("status", "--json"))
check(doc.get("daemon") == "running", "status: daemon running")
check(set(doc) - {"daemon"} == set(ref) and doc["pid"] == ref["pid"] and
      doc["plan"]["files"] == ref["plan"]["files"],
      "status: the same document as `loaxa status --json` (keys %s)" % sorted(ref))

# schedule: the week with the airings and what the log says
day = os.environ["W_DAY"]
doc = w.json(get("/api/v1/schedule?from=%s&days=2" % day))
air = {a["uid"]: a for a in doc.get("airings", [])}
check(doc.get("from") == day and doc.get("days") == 2 and doc.get("timezone"),
      "schedule: from, days, timezone")
check(set(air) >= {"w-aired", "w-pending", "w-cancelled", "w-later"},
      "schedule: the four items of the plan (%s)" % sorted(air))
a = air.get("w-aired", {})
check(a.get("outcome") == "aired" and a.get("actual_start") and a.get("state") == "planned" and
      a.get("recordings") == ["tone.wav"] and a.get("topics") == ["Thời sự", "Nông nghiệp"] and
      a.get("unit") == "UBND xã" and a.get("level") == "normal" and a.get("reason") == "",
      "schedule: the aired item, with its outcome, topics, unit, recordings: %s" % a)
check(air.get("w-pending", {}).get("state") == "pending", "schedule: a TENTATIVE item is pending")
check(air.get("w-cancelled", {}).get("state") == "cancelled", "schedule: a cancelled item")
la = air.get("w-later", {})
check(la.get("outcome") is None and la.get("actual_start") is None and la.get("level") == "priority",
      "schedule: a later item has no outcome yet, level priority")
for bad in ("from=2026-13-01", "from=yesterday", "days=32", "days=0", "days=x",
            "from=2026-02-30", "from=2026-01-01%27"):
    get("/api/v1/schedule?" + bad, 400)
check(True, "schedule: bad from/days give 400")

# log: rows, filters, pages, CSV
doc = w.json(get("/api/v1/log?from=%s&to=%s" % (day, day)))
keys = {"id", "key", "attempt", "uid", "title", "topics", "unit", "level", "planned_start",
        "actual_start", "actual_end", "played_ms", "status", "status_label", "reason", "source",
        "operator"}
rows = doc.get("rows", [])
check(doc.get("total") == len(rows) and len(rows) >= 2 and all(set(x) == keys for x in rows),
      "log: %d rows with the documented fields" % len(rows))
check("Thời sự" in doc.get("topics", []) and "UBND xã" in doc.get("units", []),
      "log: the distinct topics and units of the range")
st = {x["uid"]: x for x in rows}
check(st.get("w-aired", {}).get("status") == "aired" and
      st["w-aired"]["status_label"] == "đã phát" and st["w-aired"]["played_ms"] > 0,
      "log: the aired row, its Vietnamese label")
check(st.get("w-cancelled", {}).get("status") == "cancelled", "log: the cancelled row")
d2 = w.json(get("/api/v1/log?from=%s&to=%s&status=aired" % (day, day)))
check(d2["total"] >= 1 and all(x["status"] == "aired" for x in d2["rows"]), "log: status filter")
d3 = w.json(get("/api/v1/log?from=%s&to=%s&topic=N%%C3%%B4ng%%20nghi%%E1%%BB%%87p" % (day, day)))
check(d3["total"] == 2 and all("Nông nghiệp" in x["topics"] for x in d3["rows"]),
      "log: topic filter")
d3 = w.json(get("/api/v1/log?from=%s&to=%s&topic=Kh%%C3%%A1c" % (day, day)))
check(d3["total"] == 0, "log: a topic no row has")
d4 = w.json(get("/api/v1/log?from=%s&to=%s&unit=nobody" % (day, day)))
check(d4["total"] == 0 and d4["rows"] == [], "log: unit filter with no match")
d5 = w.json(get("/api/v1/log?from=%s&to=%s&per_page=1&page=2" % (day, day)))
check(d5["total"] == doc["total"] and len(d5["rows"]) == 1 and d5["rows"][0]["id"] == rows[1]["id"],
      "log: page 2 of one row each is the second row")
for bad in ("status=played", "per_page=201", "page=0", "from=2026-1-1", "to=x",
            "from=2026-02-01&to=2026-01-01"):
    get("/api/v1/log?" + bad, 400)
check(True, "log: bad arguments give 400")
r = get("/api/v1/log.csv?from=%s&to=%s" % (day, day))
check(r.getheader("Content-Type") == "text/csv; charset=utf-8" and
      r.getheader("Content-Disposition") == 'attachment; filename="nhat-ky-%s-%s.csv"' % (day, day),
      "log.csv: type and file name")
check(r.data.startswith(b"\xef\xbb\xbf"), "log.csv: a UTF-8 BOM")
table = list(csv.reader(io.StringIO(r.data[3:].decode())))
check(len(table) == len(rows) + 1 and any("Item w-aired" in row for row in table),
      "log.csv: a header and one line per row (%d)" % len(table))

# reports: what `loaxa report` writes, byte for byte
period = os.environ["W_PERIOD"]
as_of = os.environ["W_ASOF"]
for fmt in ("json", "text", "csv", "html"):
    r = get("/api/v1/report?period=%s&format=%s&as_of=%s" % (period, fmt, as_of))
    want = cli("report", "--period", period, "--format", fmt, "--as-of", as_of,
               *(["--bom"] if fmt == "csv" else []))
    check(r.data == want, "report %s: the same bytes as loaxa report (%d)" % (fmt, len(want)))
# --as-of a date alone (the end of that day), and the default as-of (now;
# the period has ended or not, "made at" differs: compare without it)
r = get("/api/v1/report?period=%s&format=json&as_of=%s" % (period, day))
want = cli("report", "--period", period, "--format", "json", "--as-of", day)
check(r.data == want, "report json with as_of a date: the same bytes as loaxa report")
r = get("/api/v1/report?period=%s&format=json&cutoff=nd09" % period)
got = w.json(r)
want = json.loads(cli("report", "--period", period, "--format", "json", "--cutoff", "nd09"))
for d in (got, want):
    d.pop("generated_at", None)
    d.get("period", {}).pop("until", None)
check(got == want, "report json with the default as-of and cutoff nd09: as loaxa report")
# the printable report styles itself (its own <style>) and can do nothing else
r = get("/api/v1/report?period=%s&format=html&as_of=%s" % (period, as_of))
pol = r.getheader("Content-Security-Policy") or ""
check("style-src 'unsafe-inline'" in pol and "default-src 'none'" in pol and
      "script-src" not in pol and "frame-ancestors 'none'" in pol,
      "report html: its own CSP (inline style only): %s" % pol)
r = get("/api/v1/report?period=%s&format=json&as_of=%s" % (period, as_of))
check("style-src 'self'" in (r.getheader("Content-Security-Policy") or ""),
      "report json: the console's CSP")
for fmt, mime in (("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml"),
                  ("odt", "application/vnd.oasis.opendocument.text")):
    r = get("/api/v1/report?period=%s&format=%s&as_of=%s" % (period, fmt, as_of))
    check(r.data[:2] == b"PK" and (r.getheader("Content-Type") or "").startswith(mime) and
          r.getheader("Content-Disposition") ==
          'attachment; filename="bao-cao-%s.%s"' % (period, fmt),
          "report %s: a zip of its own type, as an attachment" % fmt)
r = get("/api/v1/report?period=%s&format=xlsx&as_of=%s" % (period, as_of))
check(r.data[:2] == b"PK" and r.getheader("Content-Disposition") ==
      'attachment; filename="bao-cao-%s.xlsx"' % period and
      r.getheader("Content-Type").startswith("application/vnd.openxmlformats"),
      "report xlsx: a zip, as an attachment")
r = get("/api/v1/report?period=%s&format=text&as_of=%s&download=1" % (period, as_of))
check(r.getheader("Content-Disposition") == 'attachment; filename="bao-cao-%s.txt"' % period,
      "report download=1: an attachment")
doc = w.json(get("/api/v1/report/formats"))
names = [f["name"] for f in doc.get("formats", [])]
check({"text", "csv", "html", "xlsx", "json"} <= set(names) and
      all(set(f) == {"name", "binary", "help"} for f in doc["formats"]),
      "report/formats: %s" % names)
for bad in ("period=2026-Q5", "period=2026-Q1&cutoff=x", "period=2026-Q1&format=pdf",
            "format=json", "period=2026-Q1&as_of=never"):
    get("/api/v1/report?" + bad, 400)
check(True, "report: bad arguments give 400")
w.stop()

# the daemon down: 200 with "down" and why
w = Web("paths.socket=" + T + "/no-such.sock")
r, sid = w.login("alice", "password-alice")
r = w.request("GET", "/api/v1/status", cookie=sid)
doc = w.json(r)
check(r.status == 200 and doc.get("daemon") == "down" and doc.get("error"),
      "status with no daemon: 200 {daemon: down, error}: %s" % doc)
w.stop()
done()
