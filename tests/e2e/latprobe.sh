# The loop-latency probe (tests/e2e/latprobe.py) measures what it claims:
# a stub server that answers after 0.5 s shows a worst answer of at least
# 0.5 s and one that never answers shows timeouts; against the real loaxad
# every poll is answered, and a kill -9 / restart that the test marks as its
# own is counted as "down", not as a failure (unmarked, it is one).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
LP=$SRCDIR/tests/e2e/latprobe.py
field() { python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v=v.get(k, 0)
print(v)' "$1" "$2" 2>/dev/null; }

# a stub: answers STATUS after DELAY seconds (never, when DELAY is -1)
stub() {
    python3 - "$T_TMP/stub.sock" "$1" <<'PY' &
import socket, sys, time, os
path, delay = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(path); s.listen(64)
held = []
while True:
    c, _ = s.accept()
    c.recv(100)
    if delay < 0:
        held.append(c); continue
    time.sleep(delay); c.sendall(b'OK {"state":"idle"}\n'); c.close()
PY
    STUB_PID=$!
    for _ in $(seq 50); do [ -S "$T_TMP/stub.sock" ] && break; sleep 0.05; done
}
stub_stop() { kill "$STUB_PID" 2>/dev/null; wait "$STUB_PID" 2>/dev/null; rm -f "$T_TMP/stub.sock"; }

stub 0.5
out=$(python3 "$LP" --socket "$T_TMP/stub.sock" --duration 2)
stub_stop
echo "  slow stub: $out"
w=$(field "$out" worst_ms)
python3 -c "import sys; sys.exit(0 if float('$w') >= 500 else 1)" && ok "a 0.5 s answer is measured ($w ms)" || fail "worst $w ms from a 0.5 s stub"
[ "$(field "$out" failures)" = 0 ] && [ "$(field "$out" ok)" -ge 2 ] && ok "slow answers are answers" || fail "slow stub: $out"

stub -1
out=$(python3 "$LP" --socket "$T_TMP/stub.sock" --duration 1.5 --timeout 0.4)
stub_stop
echo "  silent stub: $out"
[ "$(field "$out" by_outcome.timeout)" -ge 2 ] && [ "$(field "$out" ok)" = 0 ] && ok "no answer is a timeout" || fail "silent stub: $out"

# a stop by signal while a poll waits ends at once and still writes the summary
stub -1
python3 "$LP" --socket "$T_TMP/stub.sock" --timeout 30 --summary "$T_TMP/s.json" >/dev/null &
p=$!
sleep 1; kill -TERM $p; wait $p
stub_stop
grep -q '"unfinished": 1' "$T_TMP/s.json" && ok "stopped mid-poll: unfinished counted" || fail "stop mid-poll: $(cat "$T_TMP/s.json" 2>/dev/null)"

# the real daemon; a marked kill -9 and restart are not failures
d_setup
D_NOW=$(date +%s)
d_plan "a 3 0 tone.wav"
d_start || t_done
d_latprobe_start
sleep 2
d_latprobe_down
d_kill9
sleep 1
d_start || t_done
d_latprobe_up
sleep 1.5
out=$(d_latprobe_stop)
echo "  loaxad: $out"
[ "$(field "$out" failures)" = 0 ] && ok "every poll outside the marked restart answered" || fail "loaxad: $out"
[ "$(field "$out" down)" -ge 1 ] && [ "$(field "$out" ok)" -ge 10 ] && ok "the restart counted as down" || fail "loaxad: $out"
[ "$(d_latprobe_field answered)" = "$(field "$out" answered)" ] || fail "d_latprobe_field"
# the same samples without the marks: the restart shows as failures
out=$(python3 "$LP" summary --samples "$T_TMP/latprobe.samples")
[ "$(field "$out" failures)" -ge 1 ] && [ "$(field "$out" down)" = 0 ] && ok "unmarked, the restart is a failure" || fail "unmarked: $out"
d_stop
t_done
