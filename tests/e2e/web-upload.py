"""loaxa-web part 2 (web-upload.sh): plans, recordings, emergency, roles,
CSRF, concurrency and the audit trail, against the real loaxad and the
real files it reads. Multipart bodies are built by hand, so that hostile
file names reach the server as sent."""
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import subprocess
import threading
import time

from webtest import Web, check, done, fail

LOAXA = os.environ["LOAXA"]
T = os.environ["T_TMP"]
REC = os.environ["REC"]
PLAN = os.path.join(T, "plan")
AUDIO = os.path.join(T, "audio")
NOW = int(os.environ["D_NOW"])


def cli(*args):
    return subprocess.run([LOAXA] + list(args), capture_output=True)


def utc(off):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(NOW + off))


def ics(*events, bad_line=False):
    s = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
    for uid, off, audio in events:
        s += ("BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\n"
              "SUMMARY:Item %s\r\nATTACH:%s\r\nEND:VEVENT\r\n" % (uid, utc(off), uid, audio))
    if bad_line:
        s += "BEGIN:VEVENT\r\nUID:bad\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:notatime\r\nSUMMARY:Bad\r\nATTACH:tone.wav\r\nEND:VEVENT\r\n"
    return (s + "END:VCALENDAR\r\n").encode()


def multipart(files, field="file"):
    """files: [(filename bytes|str, data bytes)] -> (body, content type)"""
    b = b"loaxaBOUNDARY7d1f"
    out = b""
    for name, data in files:
        if isinstance(name, str):
            name = name.encode()
        out += (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"" + field.encode() +
                b"\"; filename=\"" + name + b"\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
                data + b"\r\n")
    out += b"--" + b + b"--\r\n"
    return out, "multipart/form-data; boundary=" + b.decode()


w = Web("web.max_upload_mb=60")
sess = {}
for u in ("alice", "bob", "carol", "dave"):
    r, sid = w.login(u, "password-" + u)
    check(r.status == 200 and sid, u + " logs in")
    sess[u] = (sid, w.json(r)["csrf"])
w.login("carol", "wrong-password")


def req(user, method, path, body=None, raw=None, ctype=None, csrf=True, status=None):
    sid, tok = sess[user]
    h = {}
    if csrf and method not in ("GET", "HEAD"):
        h["X-CSRF-Token"] = tok
    if ctype:
        h["Content-Type"] = ctype
    r = w.request(method, path, body=body, raw_body=raw, headers=h, cookie=sid)
    if status is not None and r.status != status:
        fail("%s %s as %s: %d (wanted %d): %s" % (method, path, user, r.status, status,
                                                 r.data[:400]))
    return r


def upload_plan(user, files, status=200):
    body, ct = multipart(files)
    r = req(user, "POST", "/api/v1/plans/check", raw=body, ctype=ct, status=status)
    return w.json(r)


def plan_files():
    return sorted(f for f in os.listdir(PLAN) if f.endswith(".ics") and not f.startswith("."))


def plan_bytes():
    return {f: open(os.path.join(PLAN, f), "rb").read() for f in plan_files()}


def incoming_empty():
    d = os.path.join(T, "loaxa-web.versions", "incoming")
    return os.listdir(d) == []


# ---- plans: an upload with errors installs nothing ----
before = plan_bytes()
doc = upload_plan("carol", [("Lịch tuần.ics", ics(("w-keep", 3600, "tone.wav"),
                                                   ("w-miss", 4000, "missing.wav"),
                                                   bad_line=True))])
check(doc and doc["ok"] is False and doc["errors"] >= 2, "a plan with errors: ok false (%s)"
      % (doc and doc.get("errors")))
msgs = doc["messages"] if doc else []
check(any(m["file"] == "lich-tuan.ics" and m["line"] > 0 and m["severity"] == "error" and
          "missing.wav" in m["message"] for m in msgs),
      "the missing recording's error names file and line")
check(any(m["line"] > 0 and "notatime" in m["message"] or "DTSTART" in m["message"]
          for m in msgs), "the bad DTSTART's error is there with its line")
r = req("carol", "POST", "/api/v1/plans/install", {"upload": doc["upload"]}, status=409)
check(plan_bytes() == before, "nothing installed: the plan folder is as before")

# ---- a clean upload: diff, install, reload ----
new = ics(("w-keep", 5400, "tone.wav"), ("w-new", 300, "tone.wav"))
doc = upload_plan("carol", [("tuan-moi.ics", new)])
check(doc and doc["ok"] is True and doc["errors"] == 0, "a clean plan: ok")
diff = doc["diff"]
check([a["uid"] for a in diff["added"]] == ["w-new"], "diff: w-new added")
check([a["uid"] for a in diff["removed"]] == ["w-gone"], "diff: w-gone removed")
check([m["uid"] for m in diff["moved"]] == ["w-keep"] and diff["moved"][0]["from"]["start"] !=
      diff["moved"][0]["to"]["start"], "diff: w-keep moved")
r = req("carol", "POST", "/api/v1/plans/install", {"upload": doc["upload"]}, status=200)
inst = w.json(r)
check(inst and inst["reload"]["ok"] is True, "install: the daemon reloaded (%s)" %
      (inst and inst["reload"]))
check(plan_files() == ["tuan-moi.ics"] and plan_bytes()["tuan-moi.ics"] == new,
      "install: the plan folder holds exactly the upload")
check(os.stat(os.path.join(PLAN, "tuan-moi.ics")).st_mode & 0o777 == 0o644,
      "install: the plan file is readable by the daemon (0644 under umask 077)")
st = json.loads(cli("status", "--json").stdout)
check([os.path.basename(f) for f in st["plan"]["files"]] == ["tuan-moi.ics"] and
      st["plan"]["items"] == 2, "loaxa status shows the installed plan")
r = req("carol", "POST", "/api/v1/plans/install", {"upload": doc["upload"]}, status=404)
v_new = inst["version"]

# ---- versions, download, rollback ----
vs = w.json(req("alice", "GET", "/api/v1/plans/versions", status=200))["versions"]
check(len(vs) == 2 and vs[0]["version"] == v_new and vs[0]["by"] == "carol" and
      vs[1]["source"] == "before-console", "versions: the install and the plan before it")
check(vs[0]["files"][0]["sha256"] == hashlib.sha256(new).hexdigest(), "versions: sha256 of the file")
r = req("alice", "GET", "/api/v1/plans/versions/%d/download" % v_new, status=200)
check(r.data == new and r.getheader("Content-Type").startswith("text/calendar"),
      "download: the installed bytes")
req("alice", "GET", "/api/v1/plans/versions/999/download", status=404)
req("alice", "POST", "/api/v1/plans/rollback", {"version": 1}, status=403)
doc = w.json(req("carol", "POST", "/api/v1/plans/rollback", {"version": vs[1]["version"]},
                 status=200))
check(doc["ok"] and [a["uid"] for a in doc["diff"]["added"]] == ["w-gone"],
      "rollback: checked, with its diff")
r = req("carol", "POST", "/api/v1/plans/install", {"upload": doc["upload"]}, status=200)
check(plan_bytes() == before and w.json(r)["reload"]["ok"], "rollback: the old plan is back")

# ---- concurrent installs: serialised, never a mix ----
a = upload_plan("carol", [("a1.ics", ics(("a-1", 600, "tone.wav"))),
                          ("a2.ics", ics(("a-2", 700, "tone.wav")))])
b = upload_plan("carol", [("b1.ics", ics(("b-1", 800, "tone.wav")))])
res = {}


def inst_th(key, up):
    res[key] = req("carol", "POST", "/api/v1/plans/install", {"upload": up["upload"]})


ths = [threading.Thread(target=inst_th, args=(k, u)) for k, u in (("a", a), ("b", b))]
for t in ths:
    t.start()
for t in ths:
    t.join()
codes = sorted(r.status for r in res.values())
check(codes in ([200, 200], [200, 409]), "two installs at once: %s" % codes)
check(plan_files() in (["a1.ics", "a2.ics"], ["b1.ics"]), "after both: one whole set (%s)"
      % plan_files())
vs2 = w.json(req("alice", "GET", "/api/v1/plans/versions"))["versions"]
check(len(vs2) == len(vs) + 3, "each install is a version")

# ---- the plan back to one naming tone.wav, for the recordings ----
doc = upload_plan("carol", [("p.ics", ics(("w-keep", 3600, "tone.wav")))])
req("carol", "POST", "/api/v1/plans/install", {"upload": doc["upload"]}, status=200)

# ---- plan upload bounds ----
doc = upload_plan("carol", [("big.ics", b"X" * (4 * 1024 * 1024 + 10))], status=413)
body, ct = multipart([("x.ics", b"")])
req("carol", "POST", "/api/v1/plans/check", raw=body, ctype="text/plain", status=400)

# ---- recordings ----
def upload_rec(user, name, data, status=None):
    body, ct = multipart([(name, data)])
    r = req(user, "POST", "/api/v1/recordings", raw=body, ctype=ct, status=status)
    return r


def rec(name):
    return open(os.path.join(REC, name), "rb").read()


for fname, rate in (("tone.wav", 44100), ("tone.flac", 48000), ("tone.mp3", 44100)):
    r = upload_rec("carol", "Bản tin " + fname, rec(fname), status=201)
    d = w.json(r) or {}
    ext = fname.split(".")[1]
    check(d.get("name") == "ban-tin-tone." + ext and abs(d.get("duration_ms", 0) - 1000) < 60
          and d.get("rate") == rate and isinstance(d.get("lufs"), float) and
          isinstance(d.get("true_peak"), float),
          "upload %s: stored as %s, %s ms, %s Hz, %s LUFS" % (fname, d.get("name"),
                                                              d.get("duration_ms"), d.get("rate"),
                                                              d.get("lufs")))
    p = os.path.join(AUDIO, "ban-tin-tone." + ext)
    check(os.path.isfile(p) and os.stat(p).st_mode & 0o777 == 0o644,
          "the file is in the audio root, readable by the daemon")
r = upload_rec("carol", "Bản tin tone.wav", rec("tone.wav"), status=201)
check(w.json(r)["name"] == "ban-tin-tone-2.wav", "the same name again: a unique name")
r = upload_rec("carol", "cut.wav", rec("cut.wav"), status=422)
check(any(w in r.data.decode("utf-8", "replace")  # the session's language: vi by default
          for w in ("decode", "short", "end", "giải mã", "kết thúc", "cắt cụt")),
      "a cut WAV is refused with the decoder's reason: %s" % r.data[:200])
check(not os.path.exists(os.path.join(AUDIO, "cut.wav")), "the cut WAV is not kept")
r = upload_rec("carol", "text.mp3", rec("text.mp3"), status=415)
upload_rec("carol", "notaudio.wav", rec("notaudio.wav"), status=415)
upload_rec("alice", "x.wav", rec("tone.wav"), status=403)
check(incoming_empty(), "no temporary file is left behind")

# hostile names: the stored name is made by the server
names = {}
for hostile in (b"../../../etc/passwd.wav", b"a/b/../../c.wav", b"x\x00y.wav",
                b"\x01\x1b[31mred.wav", b"..\\..\\win.wav", b".hidden.wav", b"\xff\xfe.wav"):
    r = upload_rec("carol", hostile, rec("tone.wav"))
    d = w.json(r) or {}
    n = d.get("name", "")
    names[hostile] = n
    check(r.status in (201, 400) and (r.status == 400 or re.fullmatch(r"[a-z0-9][a-z0-9._-]*\.wav", n))
          and ".." not in n and os.path.isfile(os.path.join(AUDIO, n or "-")) or r.status == 400,
          "hostile name %r -> %d %r" % (hostile, r.status, n))
check(not os.path.exists(os.path.join(T, "etc")) and not os.path.exists("/etc/passwd.wav"),
      "nothing written outside the audio root")

# huge: over the limit by its Content-Length, and without one (chunked)
big = rec("big.wav")
r = upload_rec("carol", "big.wav", big, status=201)  # 52 MB < 60 MiB
w2 = Web("web.max_upload_mb=2", "web.versions_dir=" + os.path.join(T, "loaxa-web.versions"))
r0, sid2 = w2.login("carol", "password-carol")
tok2 = w2.json(r0)["csrf"]
body, ct = multipart([("huge.wav", big[:5 * 1024 * 1024])])
r = w2.request("POST", "/api/v1/recordings", raw_body=body, cookie=sid2,
               headers={"X-CSRF-Token": tok2, "Content-Type": ct})
check(r.status == 413, "over web.max_upload_mb: 413 (%d)" % r.status)


def chunked(c):
    part = body[:64 * 1024]
    try:
        for i in range(0, len(body), len(part)):
            c.send(b"%x\r\n" % len(part) + body[i:i + len(part)] + b"\r\n")
        c.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass


c = http.client.HTTPConnection("127.0.0.1", w2.port, timeout=20)
c.putrequest("POST", "/api/v1/recordings")
for k, v in (("Cookie", "loaxa_session=" + sid2), ("X-CSRF-Token", tok2), ("Content-Type", ct),
             ("Transfer-Encoding", "chunked")):
    c.putheader(k, v)
c.endheaders()
chunked(c)
try:
    rr = c.getresponse()
    st_chunked = rr.status
except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
    st_chunked = "reset"
c.close()
check(st_chunked in (413, "reset"), "chunked past the limit: %s" % st_chunked)
check(incoming_empty(), "the refused uploads left nothing on disk")
w2.stop()

# list, play, rename, delete
lst = w.json(req("alice", "GET", "/api/v1/recordings", status=200))["recordings"]
by = {x["name"]: x for x in lst}
check("tone.wav" in by and by["tone.wav"]["used_by"] == ["w-keep"], "list: tone.wav used by w-keep")
check(by.get("ban-tin-tone.flac", {}).get("used_by") == [] and
      isinstance(by.get("ban-tin-tone.flac", {}).get("lufs"), float), "list: the FLAC with its LUFS")
r = req("alice", "GET", "/api/v1/recordings/ban-tin-tone.flac/audio", status=200)
check(r.data == rec("tone.flac") and r.getheader("Content-Type") == "audio/flac", "play: the bytes")
sid, _t = sess["alice"]
r = w.request("GET", "/api/v1/recordings/ban-tin-tone.flac/audio", cookie=sid,
              headers={"Range": "bytes=100-199"})
check(r.status == 206 and r.data == rec("tone.flac")[100:200] and
      r.getheader("Content-Range") == "bytes 100-199/%d" % len(rec("tone.flac")),
      "play: a range (206)")
r = w.request("GET", "/api/v1/recordings/ban-tin-tone.flac/audio", cookie=sid,
              headers={"Range": "bytes=-10"})
check(r.status == 206 and r.data == rec("tone.flac")[-10:], "play: the last bytes")
for bad in ("../secret.txt", "..%2fsecret.txt", "%2e%2e/secret.txt", "tone.wav%00.txt", "nope.wav"):
    req("alice", "GET", "/api/v1/recordings/%s/audio" % bad, status=404)
r = req("carol", "DELETE", "/api/v1/recordings/tone.wav", status=409)
check((w.json(r) or {}).get("used_by") == ["w-keep"], "delete refused while the plan names it")
check(os.path.exists(os.path.join(AUDIO, "tone.wav")), "tone.wav is still there")
req("alice", "DELETE", "/api/v1/recordings/ban-tin-tone.mp3", status=403)
r = req("carol", "POST", "/api/v1/recordings/ban-tin-tone.mp3/rename", {"to": "Tin sáng.mp3"},
        status=200)
check(w.json(r)["name"] == "tin-sang.mp3" and os.path.exists(os.path.join(AUDIO, "tin-sang.mp3")),
      "rename: a safe name")
req("carol", "POST", "/api/v1/recordings/ban-tin-tone-2.wav/rename", {"to": "ban-tin-tone.wav"},
    status=409)
req("carol", "POST", "/api/v1/recordings/ban-tin-tone-2.wav/rename", {"to": "../../x"},
    status=200)
check(os.path.exists(os.path.join(AUDIO, "x.wav")), "rename: only the last part of a path")
req("carol", "POST", "/api/v1/recordings/tone.wav/rename", {"to": "x"}, status=409)
req("carol", "DELETE", "/api/v1/recordings/tin-sang.mp3", status=204)
check(not os.path.exists(os.path.join(AUDIO, "tin-sang.mp3")), "delete: gone")

# ---- approvals: the approver only ----
req("carol", "GET", "/api/v1/approvals", status=403)
req("carol", "POST", "/api/v1/approvals", {"uid": "w-keep", "hash": "ab", "decision": "approve"},
    status=403)
pend = w.json(req("dave", "GET", "/api/v1/approvals", status=200))
items = {i["uid"]: i for i in pend.get("items", [])}
check(pend.get("mode") == "signed" and "w-keep" in items and items["w-keep"]["hash"],
      "approvals: the daemon's pending list (%s)" % list(items))
req("dave", "POST", "/api/v1/approvals", {"uid": "w-keep", "hash": "ab12",
                                          "decision": "approve", "comment": "ok"}, status=400)
req("dave", "POST", "/api/v1/approvals", {"uid": "w-keep", "hash": "0" * 64,
                                          "decision": "approve", "comment": "ok"}, status=409)
r = req("dave", "POST", "/api/v1/approvals", {"uid": "w-keep", "hash": items["w-keep"]["hash"],
                                              "decision": "approve", "comment": "Đồng ý"},
        status=200)
pend = w.json(req("dave", "GET", "/api/v1/approvals", status=200))
check("w-keep" not in [i["uid"] for i in pend.get("items", [])], "approved: no longer pending")
req("dave", "POST", "/api/v1/approvals", {"uid": "w-keep", "hash": items["w-keep"]["hash"],
                                          "decision": "reject"}, status=400)
r = req("dave", "POST", "/api/v1/approvals", {"uid": "w-keep", "hash": items["w-keep"]["hash"],
                                              "decision": "reject", "comment": "Sai giờ"},
        status=200)
out = cli("pending").stdout.decode()
check("w-keep" in out and "web:dave" in out, "loaxa pending: rejected by web:dave")
req("dave", "POST", "/api/v1/approvals", {"uid": "w keep\nSTOP", "hash": "ab",
                                          "decision": "approve"}, status=400)

# ---- emergency ----
req("carol", "POST", "/api/v1/emergency", {"recording": "tone.wav", "repeats": 2,
                                           "confirm": "jingle.wav"}, status=400)
req("carol", "POST", "/api/v1/emergency", {"recording": "tone.wav", "repeats": 9,
                                           "confirm": "tone.wav"}, status=400)
req("alice", "POST", "/api/v1/emergency", {"recording": "tone.wav", "confirm": "tone.wav"},
    status=403)
r = req("carol", "POST", "/api/v1/emergency", {"recording": "tone.wav", "repeats": 2,
                                               "confirm": "tone.wav"}, status=200)
keys = (w.json(r) or {}).get("keys", [])
check(len(keys) == 2, "emergency x2: two airings queued %s" % keys)
aired = []
for _ in range(100):
    out = cli("log", "--format", "csv").stdout.decode()
    aired = [k for k in keys if re.search(re.escape(k) + r".*,aired,", out)]
    if len(aired) == 2:
        break
    time.sleep(0.1)
check(len(aired) == 2, "both repeats aired, one after the other")
r = req("carol", "POST", "/api/v1/emergency", {"recording": "long.wav", "repeats": 3,
                                               "confirm": "long.wav"}, status=200)
keys = w.json(r)["keys"]
time.sleep(0.8)
r = req("carol", "POST", "/api/v1/emergency/stop", status=200)
d = w.json(r)
check(d.get("stopped") == keys[0] and d.get("repeats_stopped") == 2,
      "stop: the emergency and its repeats stopped (%s)" % d)
time.sleep(1)
st = json.loads(cli("status", "--json").stdout)
check(st.get("state") == "idle", "nothing on air after the stop (%s)" % st.get("state"))
req("carol", "POST", "/api/v1/emergency", {"recording": "long.wav", "repeats": 5,
                                           "confirm": "long.wav"}, status=200)
req("carol", "POST", "/api/v1/emergency/stop", status=200)
req("carol", "POST", "/api/v1/emergency/stop", status=409)

# ---- CSRF on every action ----
for method, path, body in (("POST", "/api/v1/plans/check", None),
                           ("POST", "/api/v1/plans/install", {"upload": "0" * 32}),
                           ("POST", "/api/v1/plans/rollback", {"version": 1}),
                           ("POST", "/api/v1/recordings", None),
                           ("POST", "/api/v1/recordings/tone.wav/rename", {"to": "x"}),
                           ("DELETE", "/api/v1/recordings/jingle.wav", None),
                           ("POST", "/api/v1/approvals", {"uid": "a", "hash": "b",
                                                          "decision": "approve"}),
                           ("POST", "/api/v1/emergency", {"recording": "tone.wav",
                                                          "confirm": "tone.wav"}),
                           ("POST", "/api/v1/emergency/stop", None),
                           ("POST", "/api/v1/logout", None)):
    user = "dave" if "approvals" in path else "bob"
    if body is None and path in ("/api/v1/plans/check", "/api/v1/recordings"):
        raw, ct = multipart([("x.wav", rec("tone.wav"))])
        req(user, method, path, raw=raw, ctype=ct, csrf=False, status=403)
    else:
        req(user, method, path, body, csrf=False, status=403)
check(os.path.exists(os.path.join(AUDIO, "jingle.wav")), "no action ran without its token")

# ---- following a published calendar ----
srv_dir = os.path.join(T, "pub")
os.makedirs(srv_dir)
with open(os.path.join(srv_dir, "cal.ics"), "wb") as f:
    f.write(ics(("f-1", 900, "missing.wav")))


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=srv_dir, **k)

    def do_GET(self):
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *a):
        pass


httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
port = httpd.server_address[1]
before = plan_bytes()
w3 = Web("web.plan_url=http://127.0.0.1:%d/cal.ics?token=SECRET" % port,
         "web.plan_url_minutes=0.02")
r0, sid3 = w3.login("alice", "password-alice")


def follow_doc(cond, tries=100):
    for _ in range(tries):
        d = w3.json(w3.request("GET", "/api/v1/plans/follow", cookie=sid3))
        if d and cond(d):
            return d
        time.sleep(0.1)
    return d


d = follow_doc(lambda d: d.get("last_fetch"))
check(d["ok"] is False and any("missing.wav" in m["message"] for m in d["messages"]),
      "follow: a calendar with errors is shown and not installed")
check("SECRET" not in json.dumps(d) and d["url"].startswith("http://127.0.0.1:"),
      "follow: the address is shown without its secret (%s)" % d["url"])
check(plan_bytes() == before, "follow: the plan is unchanged")
good = ics(("f-1", 900, "tone.wav"))
with open(os.path.join(srv_dir, "cal.ics"), "wb") as f:
    f.write(good)
d = follow_doc(lambda d: d.get("installed_version"))
check(d["ok"] is True and d.get("installed_version"), "follow: the clean calendar installed")
check(list(plan_bytes().values()) == [good], "follow: the plan folder holds the calendar")
w3.stop()
with open(os.path.join(srv_dir, "big.ics"), "wb") as f:
    f.write(b"X" * (4 * 1024 * 1024 + 1))
w4 = Web("web.plan_url=http://127.0.0.1:%d/big.ics" % port, "web.plan_url_minutes=60")
r0, sid3 = w4.login("alice", "password-alice")
w3 = w4
d = follow_doc(lambda d: d.get("last_fetch"))
check(d["ok"] is False and "4 MiB" in (d.get("error") or ""),
      "follow: a calendar over 4 MiB is refused (%s)" % d.get("error"))
w4.stop()
w4 = Web("web.plan_url=http://127.0.0.1:%d/redirect" % port, "web.plan_url_minutes=60")
r0, sid3 = w4.login("alice", "password-alice")
w3 = w4
d = follow_doc(lambda d: d.get("last_fetch"))
check(d["ok"] is False and d.get("error"), "follow: a redirect to file:// is refused (%s)"
      % d.get("error"))
w4.stop()
httpd.shutdown()
p = subprocess.run([os.environ["LOAXA_WEB"], "--set", "web.listen=127.0.0.1:0",
                    "--set", "web.db=" + os.environ["WEB_DB"],
                    "--set", "web.static_dir=" + os.environ["WEB_STATIC"],
                    "--set", "web.versions_dir=" + os.path.join(T, "loaxa-web.versions"),
                    "--set", "web.plan_url=ftp://127.0.0.1/x.ics"], capture_output=True, timeout=10)
check(p.returncode != 0 and b"plan_url" in p.stderr, "web.plan_url=ftp://... is refused at start")

# ---- the audit trail ----
req("carol", "GET", "/api/v1/audit", status=403)
rows = []
page = 1
while True:
    d = w.json(req("bob", "GET", "/api/v1/audit?page=%d" % page, status=200))
    rows += d["rows"]
    if not d["more"]:
        break
    page += 1
acts = {r["action"] for r in rows}
for a in ("login", "login-failed", "plan-upload", "install", "install-refused", "rollback",
          "rollback-check", "recording-upload", "recording-refused", "recording-rename",
          "recording-delete", "recording-delete-refused", "approve", "reject", "emergency", "stop",
          "user-add"):
    check(a in acts, "audit: a %s row" % a)
check(all(r["address"] for r in rows if r["action"] == "install" and r["user"] == "carol"),
      "audit rows carry the address")
req("bob", "GET", "/api/v1/audit?page=0", status=400)
w.stop()
done()
