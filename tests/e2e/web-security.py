"""loaxa-web's defences, with a plain HTTP client against the real program:
no session -> 401/302 everywhere, CSRF, session fixation, idle and absolute
expiry, login rate limits per address and per account, oversized and
malformed bodies, path traversal on the static files, and the headers of
every response. Users (made by `loaxa user add` in web-security.sh):
alice (viewer), bob (admin), carol (officer), all with password
"password-<name>"."""
import http.client
import json
import os
import ssl
import subprocess
import time

from webtest import Web, check, done, fail

API_ROUTES = [("POST", "/api/v1/logout"), ("GET", "/api/v1/session"), ("POST", "/api/v1/lang"),
              ("GET", "/api/v1/status"), ("GET", "/api/v1/schedule"), ("GET", "/api/v1/log"),
              ("GET", "/api/v1/log.csv"), ("GET", "/api/v1/report?period=2026-Q1"),
              ("GET", "/api/v1/report/formats"), ("GET", "/api/v1/nonexistent")]
PAGES = ["/", "/schedule", "/log", "/reports"]
SECRET = open(os.environ["WEB_SECRET"]).read().strip()


def pw(user):
    return "password-" + user


def no_session(w):
    for m, p in API_ROUTES:
        for cookie in (None, "x" * 43, "garbage"):
            r = w.request(m, p, body={} if m == "POST" else None, cookie=cookie)
            doc = w.json(r)
            check(r.status == 401 and isinstance(doc, dict) and "error" in doc and
                  len(doc) == 1, "%s %s without a session (cookie %r): 401 {error} (got %d)"
                  % (m, p, cookie and cookie[:6], r.status))
    for p in PAGES:
        r = w.request("GET", p)
        check(r.status == 302 and r.getheader("Location") == "/login",
              "page %s without a session: 302 to /login (got %d)" % (p, r.status))
        check(b"loaxa" not in r.data.lower() and len(r.data) == 0,
              "page %s without a session tells nothing" % p)
    r = w.request("GET", "/login")
    check(r.status == 200 and b"login-page" in r.data, "/login is served without a session")
    r = w.request("GET", "/static/app.css")
    check(r.status == 200 and r.getheader("Content-Type").startswith("text/css"),
          "/static/app.css is served without a session, as text/css")


def login_basics(w):
    r, sid = w.login("alice", "wrong-password")
    check(r.status == 401 and sid is None, "wrong password: 401, no cookie (got %d)" % r.status)
    r, sid = w.login("nobody", "whatever-password")
    check(r.status == 401 and sid is None, "unknown user: 401, no cookie")
    r = w.request("POST", "/api/v1/login", raw_body=b'{"username": "alice", "password": ',
                  headers={"Content-Type": "application/json"})
    check(r.status == 400, "malformed JSON: 400 (got %d)" % r.status)
    r = w.request("POST", "/api/v1/login", raw_body=b'["alice", "x"]')
    check(r.status == 400, "a JSON array, not an object: 400 (got %d)" % r.status)
    r = w.request("POST", "/api/v1/login", raw_body=b'{"username": "alice"} trailing')
    check(r.status == 400, "JSON with trailing bytes: 400 (got %d)" % r.status)
    r = w.request("POST", "/api/v1/login", body={"username": "alice", "password": 12345678})
    check(r.status == 400, "a number for the password: 400 (got %d)" % r.status)
    r = w.request("POST", "/api/v1/login", raw_body=b'{"username":"alice\x00","password":"x"}')
    check(r.status == 400, "a NUL byte in the body: 400 (got %d)" % r.status)
    r = w.request("POST", "/api/v1/login",
                  raw_body=b'{"username": "alice", "password": "password-alice\\u0000x"}')
    check(r.status == 400, "a \\u0000 in the password: 400, not cut short (got %d)" % r.status)
    big = b'{"username": "alice", "password": "' + b"a" * (70 * 1024) + b'"}'
    r = w.request("POST", "/api/v1/login", raw_body=big)
    check(r.status == 413, "a 70 KiB body (Content-Length): 413 (got %d)" % r.status)

    def chunked(conn):  # no Content-Length: the server must count as it reads
        for _ in range(80):
            chunk = b"b" * 1024
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
    r = w.request("POST", "/api/v1/login", raw_body=chunked,
                  headers={"Transfer-Encoding": "chunked"})
    check(r.status == 413, "an 80 KiB chunked body: 413 (got %d)" % r.status)

    r, sid = w.login("alice", pw("alice"))
    doc = w.json(r)
    check(r.status == 200 and sid and doc.get("user") == "alice" and
          doc.get("role") == "viewer" and len(doc.get("csrf", "")) >= 32 and
          doc.get("lang") == "vi", "alice logs in: 200 {user, role, csrf, lang}")
    c = r.cookie_header
    check("HttpOnly" in c and "SameSite=Strict" in c and "Path=/" in c and "Secure" not in c,
          "the cookie is HttpOnly, SameSite=Strict, Path=/ (no Secure over HTTP): " + c)
    check(doc.get("csrf") != sid, "the CSRF token is not the session id")
    return sid, doc["csrf"]


def with_session(w, sid, csrf):
    for m, p in API_ROUTES:
        if m != "GET" or "nonexistent" in p:
            continue
        r = w.request(m, p, cookie=sid)
        check(r.status in (200, 400), "%s %s with a viewer's session: %d" % (m, p, r.status))
    r = w.request("GET", "/api/v1/nonexistent", cookie=sid)
    check(r.status == 404, "unknown API route with a session: 404 (got %d)" % r.status)
    r = w.request("DELETE", "/api/v1/session", cookie=sid)
    check(r.status == 405, "DELETE on a GET route: 405 (got %d)" % r.status)
    doc = w.json(w.request("GET", "/api/v1/session", cookie=sid))
    check(doc and doc.get("user") == "alice" and doc.get("csrf") == csrf and
          "expires_at" in doc, "GET /api/v1/session: the same user and CSRF token, expires_at")
    for p in PAGES:
        r = w.request("GET", p, cookie=sid)
        check(r.status == 200 and r.getheader("Content-Type").startswith("text/html"),
              "page %s with a session: 200 text/html (got %d)" % (p, r.status))
    # CSRF on every state-changing route
    for path, body in (("/api/v1/lang", {"lang": "en"}), ("/api/v1/logout", None)):
        r = w.request("POST", path, body=body, cookie=sid)
        check(r.status == 403, "POST %s without X-CSRF-Token: 403 (got %d)" % (path, r.status))
        r = w.request("POST", path, body=body, cookie=sid,
                      headers={"X-CSRF-Token": csrf[:-1] + ("A" if csrf[-1] != "A" else "B")})
        check(r.status == 403, "POST %s with a wrong X-CSRF-Token: 403 (got %d)" % (path, r.status))
        r = w.request("POST", path, body=body, cookie=sid, headers={"X-CSRF-Token": ""})
        check(r.status == 403, "POST %s with an empty X-CSRF-Token: 403" % path)
    check(w.json(w.request("GET", "/api/v1/session", cookie=sid)).get("lang") == "vi",
          "the refused POST /api/v1/lang changed nothing")
    r = w.request("POST", "/api/v1/lang", body={"lang": "xx"}, cookie=sid,
                  headers={"X-CSRF-Token": csrf})
    check(r.status == 400, "POST /api/v1/lang {lang: xx}: 400 (got %d)" % r.status)
    r = w.request("POST", "/api/v1/lang", body={"lang": "en"}, cookie=sid,
                  headers={"X-CSRF-Token": csrf})
    check(r.status == 204, "POST /api/v1/lang with the token: 204 (got %d)" % r.status)
    r = w.request("GET", "/api/v1/nonexistent", cookie=sid)
    check(w.json(r).get("error") == "no such API route",
          "the session's language (en) is used for its messages: %r" % w.json(r))
    r = w.request("POST", "/api/v1/logout", cookie=sid, headers={"X-CSRF-Token": csrf})
    check(r.status == 204 and "Max-Age=0" in (r.getheader("Set-Cookie") or ""),
          "logout with the token: 204, the cookie cleared (got %d)" % r.status)
    r = w.request("GET", "/api/v1/session", cookie=sid)
    check(r.status == 401, "after logout the session id is refused: 401 (got %d)" % r.status)
    r = w.request("GET", "/", cookie=sid)
    check(r.status == 302, "after logout the pages send to /login")


def fixation(w):
    planted = "A" * 43
    r, sid = w.login("alice", pw("alice"), cookie=planted)
    check(r.status == 200 and sid and sid != planted,
          "login with a planted cookie gets a new session id")
    r = w.request("GET", "/api/v1/session", cookie=planted)
    check(r.status == 401, "the planted cookie is not honoured after the login (got %d)" % r.status)
    # a session held before a new login ends with it
    r2, sid2 = w.login("alice", pw("alice"), cookie=sid)
    check(r2.status == 200 and sid2 and sid2 != sid, "a second login gets another id")
    r = w.request("GET", "/api/v1/session", cookie=sid)
    check(r.status == 401, "the session presented at the new login is over (got %d)" % r.status)
    r = w.request("GET", "/api/v1/session", cookie=sid2)
    check(r.status == 200, "the new session works")


def traversal(w):
    attempts = ["/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt",
                "/static/%2e%2e%2fsecret.txt", "/static//etc/passwd", "/static/../../etc/passwd",
                "/../secret.txt", "/static/./app.css", "/static/.hidden.css",
                "/static/out.css", "/static/app.css%00.js", "/static/app.css/",
                "/static/sub/../../secret.txt", "/static/%252e%252e/secret.txt",
                "/static/..\\secret.txt", "/static/", "/static/secret.txt",
                "/static/" + "a/" * 150 + "x.css"]
    for p in attempts:
        r = w.request("GET", p)
        check(r.status in (400, 404) and SECRET.encode() not in r.data and
              b"root:" not in r.data, "%s: %d, nothing outside the static folder"
              % (p[:50], r.status))
    r = w.request("POST", "/static/app.css")
    check(r.status == 405, "POST on a static file: 405 (got %d)" % r.status)


def rate_limits(w):
    # per account: 5 failures for carol, each from another address
    for i in range(5):
        r, _ = w.login("carol", "wrong-" + str(i), source="127.0.0.%d" % (2 + i))
        if r.status != 401:
            fail("carol's failure %d: 401 wanted, got %d" % (i + 1, r.status))
    r, sid = w.login("carol", pw("carol"), source="127.0.0.7")
    check(r.status == 429 and sid is None and int(r.getheader("Retry-After") or 0) > 0,
          "carol after 5 failures from 5 addresses, right password, new address: 429 + "
          "Retry-After (got %d)" % r.status)
    r, sid = w.login("bob", pw("bob"), source="127.0.0.7")
    check(r.status == 200, "another account from that address still logs in (got %d)" % r.status)
    # per address: 10 failures from one address, each for another name
    for i in range(10):
        r, _ = w.login("ghost%d" % i, "wrong-password", source="127.0.0.20")
        if r.status != 401:
            fail("failure %d from 127.0.0.20: 401 wanted, got %d" % (i + 1, r.status))
    r, sid = w.login("bob", pw("bob"), source="127.0.0.20")
    check(r.status == 429 and sid is None and r.getheader("Retry-After"),
          "the 11th login from an address with 10 failures: 429 even with a right password "
          "(got %d)" % r.status)
    r, sid = w.login("bob", pw("bob"), source="127.0.0.21")
    check(r.status == 200 and sid, "bob from another address: 200 (got %d)" % r.status)
    # side by side: 12 wrong logins for one account at once, from 12 addresses;
    # each is charged before its password is checked, so at most 5 are tried
    import threading
    got = []

    def one(i):
        r, _ = w.login("gina", "wrong-password", source="127.0.0.%d" % (40 + i))
        got.append(r.status)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(got.count(401) <= 5 and got.count(429) == 12 - got.count(401),
          "12 logins at once for one account: %d tried (401), %d refused (429)"
          % (got.count(401), got.count(429)))


def user_changes(w):
    """`loaxa user` changes web.db under the running server: a new password or
    a removed account ends the sessions made before."""
    loaxa = [os.environ["LOAXA"], "user", "--set", "web.db=" + os.environ["WEB_DB"]]

    def run(*args, pw_=None):
        return subprocess.run(loaxa[:2] + list(args) + loaxa[2:], capture_output=True,
                              input=(pw_ + "\n" + pw_ + "\n").encode() if pw_ else None)
    check(run("add", "dave", "--role", "viewer", pw_="password-dave").returncode == 0,
          "loaxa user add dave")
    r, sid = w.login("dave", "password-dave")
    check(r.status == 200, "dave logs in")
    check(run("passwd", "dave", pw_="password-dave-2").returncode == 0, "loaxa user passwd dave")
    r = w.request("GET", "/api/v1/session", cookie=sid)
    check(r.status == 401, "after a new password, the older session is refused (got %d)" % r.status)
    r, sid = w.login("dave", "password-dave")
    check(r.status == 401, "the old password is refused")
    r, sid = w.login("dave", "password-dave-2")
    check(r.status == 200, "the new password logs in")
    check(run("remove", "dave").returncode == 0, "loaxa user remove dave")
    r = w.request("GET", "/api/v1/status", cookie=sid)
    check(r.status == 401, "a removed user's session is refused (got %d)" % r.status)
    r = run("add", "eve", "--role", "viewer", pw_="short")
    check(r.returncode != 0 and b"8" in r.stderr, "a password under 8 characters is refused")
    r = subprocess.run(loaxa[:2] + ["add", "eve", "--role", "viewer"] + loaxa[2:],
                       capture_output=True, input=b"password-1\npassword-2\n")
    check(r.returncode != 0, "two different passwords are refused")
    r = run("add", "eve", "--role", "root", pw_="password-eve")
    check(r.returncode == 2, "an unknown role is refused")
    out = subprocess.run(loaxa[:2] + ["list"] + loaxa[2:], capture_output=True).stdout.decode()
    check("alice" in out and "viewer" in out and "dave" not in out and "eve" not in out and
          "password" not in out, "loaxa user list: names and roles, no passwords")


def connection_limit(w):
    """web.max_connections_per_ip (16): the 17th connection from an address
    is refused; another address is still served."""
    import socket
    held = []
    for _ in range(16):
        sk = socket.create_connection(("127.0.0.1", w.port), timeout=5,
                                      source_address=("127.0.0.30", 0))
        held.append(sk)
    time.sleep(0.3)
    refused = False
    try:
        r = w.request("GET", "/login", source="127.0.0.30")
        refused = False
    except (OSError, http.client.HTTPException):
        refused = True
    check(refused, "the 17th connection from one address is refused")
    r = w.request("GET", "/login", source="127.0.0.31")
    check(r.status == 200, "another address is served meanwhile")
    for sk in held:
        sk.close()
    time.sleep(0.5)
    r = w.request("GET", "/login", source="127.0.0.30")
    check(r.status == 200, "once they are closed, that address is served again")


def https():
    """With web.tls_cert and web.tls_key: HTTPS, and the cookie is Secure."""
    t = os.environ["T_TMP"]
    crt, key = t + "/web.crt", t + "/web.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", crt],
                   check=True, capture_output=True)
    w = Web("web.tls_cert=" + crt, "web.tls_key=" + key)
    ctx = ssl.create_default_context(cafile=crt)
    ctx.check_hostname = False
    c = http.client.HTTPSConnection("127.0.0.1", w.port, context=ctx, timeout=20)
    c.request("POST", "/api/v1/login", json.dumps({"username": "alice",
                                                    "password": pw("alice")}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie") or ""
    check(r.status == 200 and "; Secure" in cookie and "HttpOnly" in cookie,
          "HTTPS login: 200 and a Secure cookie: " + cookie)
    check(r.getheader("Content-Security-Policy") is not None, "HTTPS responses carry the CSP")
    plain = False
    try:
        w.request("GET", "/login")
    except (OSError, http.client.HTTPException):
        plain = True
    check(plain, "plain HTTP on the HTTPS port gets no page")
    c.close()
    w.stop()
    r = subprocess.run([os.environ["LOAXA_WEB"], "--set", "web.listen=127.0.0.1:0",
                        "--set", "web.db=" + os.environ["WEB_DB"],
                        "--set", "web.static_dir=" + os.environ["WEB_STATIC"],
                        "--set", "web.tls_cert=" + crt], capture_output=True, timeout=20)
    check(r.returncode != 0 and b"tls_key" in r.stderr,
          "a certificate without its key: loaxa-web refuses to start")


def expiry():
    w = Web("web.session_idle_minutes=0.025", "web.session_max_minutes=60")  # idle 1.5 s
    r, sid = w.login("alice", pw("alice"))
    check(w.request("GET", "/api/v1/session", cookie=sid).status == 200, "fresh session: 200")
    time.sleep(0.8)
    check(w.request("GET", "/api/v1/session", cookie=sid).status == 200,
          "used again within the idle time: 200")
    time.sleep(2.2)
    r = w.request("GET", "/api/v1/session", cookie=sid)
    check(r.status == 401, "after the idle time (1.5 s): 401 (got %d)" % r.status)
    check(w.request("GET", "/", cookie=sid).status == 302, "and the pages send to /login")
    w.stop()
    w = Web("web.session_idle_minutes=60", "web.session_max_minutes=0.05")  # absolute 3 s
    r, sid = w.login("alice", pw("alice"))
    t0 = time.time()
    alive = 0
    while time.time() - t0 < 2.5:
        alive += w.request("GET", "/api/v1/session", cookie=sid).status == 200
        time.sleep(0.4)
    time.sleep(max(0, 3.6 - (time.time() - t0)))
    r = w.request("GET", "/api/v1/session", cookie=sid)
    check(alive >= 5 and r.status == 401,
          "a session in use ends at the absolute expiry (3 s): %d uses ok, then %d"
          % (alive, r.status))
    w.stop()


w = Web()
no_session(w)
sid, csrf = login_basics(w)
with_session(w, sid, csrf)
fixation(w)
traversal(w)
rate_limits(w)
user_changes(w)
connection_limit(w)
print("ok: %d responses had the CSP, nosniff and no-referrer headers (no-store on the API)"
      % w.responses)
w.stop()
expiry()
https()
done()
