#!/bin/sh
# Upload throughput and memory of loaxa-web (a benchmark, not a test: no
# assertion on the figures). Makes a station in a temporary folder (no
# daemon: the upload's checks need none), a 50 MB WAV (sox), and uploads
# it N times as an officer through POST /api/v1/recordings, streamed from
# the file; prints the time of each (send + decode + store), MB/s, and
# loaxa-web's RSS before, at its peak during the uploads (VmHWM) and after.
#   tools/bench-upload.sh [BUILD_DIR] [N]
set -eu
B=${1:-build}; N=${2:-3}
T=$(mktemp -d /tmp/loaxa-bench-upload.XXXXXX)
trap 'kill $WPID 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/plan" "$T/audio" "$T/web"
printf '<!doctype html>\n' >"$T/web/login.html"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//b//b//EN\r\nEND:VCALENDAR\r\n' >"$T/plan/p.ics"
cat >"$T/loaxa.conf" <<CONF
[paths]
plan = $T/plan
audio_root = $T/audio
socket = $T/none.sock
[web]
db = $T/web.db
versions_dir = $T/versions
static_dir = $T/web
listen = 127.0.0.1:0
CONF
printf 'password-bench\npassword-bench\n' | "$B/src/loaxa" --config "$T/loaxa.conf" user add bench --role officer
sox -n -r 48000 -c 2 -b 16 "$T/big.wav" synth 270 sine 440 vol 0.3
"$B/src/loaxa-web" --config "$T/loaxa.conf" 2>"$T/web.log" &
WPID=$!
sleep 0.5
PORT=$(sed -n 's/.*\(port\|cổng\) \([0-9]*\).*/\2/p' "$T/web.log" | head -1)
python3 - "$PORT" "$WPID" "$T/big.wav" "$N" <<'PY'
import http.client, json, os, sys, threading, time
port, pid, path, n = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def st(key):
    for l in open("/proc/%d/status" % pid):
        if l.startswith(key):
            return int(l.split()[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
c.request("POST", "/api/v1/login", json.dumps({"username": "bench", "password": "password-bench"}),
          {"Content-Type": "application/json"})
r = c.getresponse(); tok = json.loads(r.read())["csrf"]
cookie = r.getheader("Set-Cookie").split(";")[0]
size = os.path.getsize(path)
b = b"benchBOUNDARY"
head = (b"--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\n")
tail = b"\r\n--" + b + b"--\r\n"
print("file: %.1f MB; RSS before: %d KiB" % (size / 1e6, st("VmRSS:")))
peak = [0]
stop = [False]
def sample():
    while not stop[0]:
        peak[0] = max(peak[0], st("VmRSS:")); time.sleep(0.01)
th = threading.Thread(target=sample); th.start()
for i in range(n):
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.putrequest("POST", "/api/v1/recordings")
    for k, v in (("Cookie", cookie), ("X-CSRF-Token", tok),
                 ("Content-Type", "multipart/form-data; boundary=" + b.decode()),
                 ("Content-Length", str(len(head) + size + len(tail)))):
        c.putheader(k, v)
    c.endheaders()
    c.send(head)
    t_sent = None
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            c.send(chunk)
    c.send(tail)
    t_sent = time.monotonic()
    r = c.getresponse(); body = r.read()
    t1 = time.monotonic()
    print("upload %d: %d in %.2f s (body sent in %.2f s, checks %.2f s): %.0f MB/s end to end"
          % (i + 1, r.status, t1 - t0, t_sent - t0, t1 - t_sent, size / 1e6 / (t1 - t0)))
stop[0] = True; th.join()
print("RSS peak during the uploads: %d KiB (sampled every 10 ms); VmHWM %d KiB; after: %d KiB"
      % (peak[0], st("VmHWM:"), st("VmRSS:")))
PY
