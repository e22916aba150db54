"""Shared by the loaxa-web tests: start the real loaxa-web on 127.0.0.1 (a
port the kernel picks), talk raw HTTP to it (http.client, so that no client
library tidies a hostile path away), and check the headers every response
must carry."""
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time

REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
FAILS = 0
CHECKS = 0


def fail(msg):
    global FAILS
    FAILS += 1
    print("FAIL: " + msg, file=sys.stderr)


def check(cond, msg):
    global CHECKS
    CHECKS += 1
    if cond:
        print("ok: " + msg)
    else:
        fail(msg)
    return cond


class Web:
    def __init__(self, *sets):
        self.log = open(os.path.join(os.environ["T_TMP"], "web.log"), "a")
        args = [os.environ["LOAXA_WEB"], "--set", "web.listen=127.0.0.1:0",
                "--set", "web.db=" + os.environ["WEB_DB"],
                "--set", "web.static_dir=" + os.environ["WEB_STATIC"],
                "--set", "web.versions_dir=" + os.path.join(os.environ["T_TMP"],
                                                            "loaxa-web.versions")]
        for s in sets:
            args += ["--set", s]
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=self.log, text=True)
        line = self.proc.stderr.readline()
        # "(port N)", or "(cổng N)" under a Vietnamese locale
        m = re.search(r"\((?:port|cổng) (\d+)\)", line)
        if not m:
            self.proc.kill()  # else reading the rest of its output would wait for ever
            raise SystemExit("loaxa-web did not start: " + line + self.proc.stderr.read())
        self.port = int(m.group(1))
        self.responses = 0
        self.log.write(line)
        # the rest of its messages into web.log (a full pipe would stop it)
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()

    def _drain(self):
        for line in self.proc.stderr:
            self.log.write(line)
            self.log.flush()

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(timeout=20)
        self.drain.join(timeout=5)
        check(rc == 0, "loaxa-web exits 0 on SIGTERM (got %s)" % rc)

    def request(self, method, path, body=None, headers=None, cookie=None, source=None,
                raw_body=None):
        h = dict(headers or {})
        if cookie:
            h["Cookie"] = "loaxa_session=" + cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if raw_body is not None:
            data = raw_body
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20,
                                       source_address=(source, 0) if source else None)
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in h.items():
            c.putheader(k, v)
        if data is not None and not callable(data):
            c.putheader("Content-Length", str(len(data)))
        c.endheaders()
        if data is not None:
            try:
                if callable(data):
                    data(c)
                else:
                    c.send(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
        r = c.getresponse()
        r.data = r.read()
        c.close()
        self.responses += 1
        self.check_headers(method, path, r)
        return r

    def check_headers(self, method, path, r):
        """Every response: the CSP, nosniff, no referrer; the API: no-store."""
        what = "%s %s -> %d" % (method, path[:60], r.status)
        bad = []
        # the printable report (HTML) has its own, stricter-but-styled policy
        want = REPORT_CSP if ("/api/v1/report?" in path and "format=html" in path and
                              r.status == 200) else CSP
        if r.getheader("Content-Security-Policy") != want:
            bad.append("Content-Security-Policy")
        if r.getheader("X-Content-Type-Options") != "nosniff":
            bad.append("X-Content-Type-Options")
        if r.getheader("Referrer-Policy") != "no-referrer":
            bad.append("Referrer-Policy")
        if path.startswith("/api/") and r.getheader("Cache-Control") != "no-store":
            bad.append("Cache-Control")
        global CHECKS
        CHECKS += 1
        if bad:
            fail("%s lacks %s" % (what, ", ".join(bad)))

    def json(self, r):
        try:
            return json.loads(r.data.decode())
        except ValueError:
            return None

    def login(self, user, password, source=None, cookie=None):
        r = self.request("POST", "/api/v1/login", {"username": user, "password": password},
                         source=source, cookie=cookie)
        sid = None
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("loaxa_session="):
                sid = v.split(";")[0].split("=", 1)[1]
                r.cookie_header = v
        return r, sid


def done():
    print("%d checks, %d failure(s)" % (CHECKS, FAILS))
    sys.exit(1 if FAILS else 0)
