# What loaxad lets others touch: the control socket's mode, group and peer
# check; bounded command lines, a deadline for silent clients and a rate
# limit; recordings only under the audio root and plan files only from the
# plan folder, links out of either refused.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
SOCK=$T_TMP/loaxad.sock
# the socket's group: one that exists on every Debian system
sed -i 's/^socket = .*/&\nsocket_group = audio/' "$D_CONF"

# raw: sends stdin's bytes as they are and prints the answer; call() is
# also used below for a burst
cat >"$T_TMP/raw.py" <<'PY'
import socket, sys
def call(path, data):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused at once: the answer may already be waiting
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (ConnectionResetError, socket.timeout):
        out += b" [reset]"
    s.close()
    return out
if __name__ == "__main__":
    sys.stdout.write(call(sys.argv[1], sys.stdin.buffer.read()).decode("utf-8", "replace"))
PY
raw() { python3 "$T_TMP/raw.py" "$SOCK"; }

D_NOW=$(date +%s)
d_plan "a 3600 0 tone.wav"
d_start || t_done

# --- the socket: 0660, group audio
[ "$(stat -c %a "$SOCK")" = 660 ] && ok "socket mode 0660" || fail "socket mode $(stat -c %a "$SOCK")"
[ "$(stat -c %G "$SOCK")" = audio ] && ok "socket group audio" || fail "socket group $(stat -c %G "$SOCK")"

# --- malformed, oversized and silent clients get an error, never a crash
printf 'FROB\n' | raw >"$T_TMP/a" && grep_in "$T_TMP/a" '^ERR '
printf 'AIR\n' | raw >"$T_TMP/a" && grep_in "$T_TMP/a" '^ERR '
printf '\x00\xff\xfe garbage \x01\n' | raw >"$T_TMP/a" && grep_in "$T_TMP/a" '^ERR '
head -c 100000 /dev/zero | tr '\0' 'A' | raw >"$T_TMP/a" && grep_in "$T_TMP/a" '^ERR command longer than 4096 bytes'
start=$(date +%s%N)
raw </dev/null >"$T_TMP/a" # connects, sends nothing, waits
el=$(( ($(date +%s%N) - start) / 1000000 ))
grep_in "$T_TMP/a" '^ERR no whole command line within 2000 ms'
[ "$el" -lt 8000 ] && ok "a silent client is dropped after $el ms" || fail "silent client held $el ms"
python3 - "$SOCK" <<'PY' >"$T_TMP/a"
# half a line, then silence: the deadline also covers a stalled sender
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(10)
s.connect(sys.argv[1]); s.sendall(b"STAT")
print(s.recv(4096).decode())
PY
grep_in "$T_TMP/a" '^ERR no whole command'

# --- a burst: more than the rate is refused politely, the daemon stays up
python3 - "$SOCK" "$T_TMP" <<'PY' >"$T_TMP/burst"
import sys
sys.path.insert(0, sys.argv[2])
from raw import call
ok = busy = other = 0
for i in range(300):
    out = call(sys.argv[1], b"STATUS\n")
    if out.startswith(b"OK "):
        ok += 1
    elif b"too many commands" in out:
        busy += 1
    else:
        other += 1
        sys.stderr.write(f"unexpected answer: {out!r}\n")
print(f"ok={ok} refused={busy} other={other}")
PY
echo "  burst of 300 STATUS: $(cat "$T_TMP/burst")"
grep_in "$T_TMP/burst" 'ok=[0-9]+ refused=[1-9][0-9]* other=0'
grep_in "$T_TMP/loaxad.log" 'more than 20 control commands a second'
sleep 1.5
expect_rc 0 "$LOAXA" status && ok "status answers after the burst"
kill -0 "$D_PID" 2>/dev/null && ok "daemon alive" || fail "daemon died"

# --- peer credentials: a user outside the group is refused even when the
# socket's mode would let it connect
chmod 0711 "$T_TMP"
chmod 0666 "$SOCK"
printf 'STATUS\n' | setpriv --reuid=nobody --regid=nogroup --clear-groups \
    /usr/bin/python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
try:
    s.sendall(b"STATUS\n"); r = s.recv(4096)
except (BrokenPipeError, ConnectionResetError):
    r = b""
print("closed without an answer" if r == b"" else r)' "$SOCK" >"$T_TMP/a" 2>&1
grep_in "$T_TMP/a" "^closed without an answer$"
grep_in "$T_TMP/loaxad.log" 'refused control connection from uid 65534 \(not in group audio\)'
printf 'STATUS\n' | setpriv --reuid=nobody --regid=audio --clear-groups \
    /usr/bin/python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1]); s.sendall(b"STATUS\n")
print(s.recv(100).decode()[:3])' "$SOCK" >"$T_TMP/a" 2>&1
grep_in "$T_TMP/a" '^OK '
chmod 0660 "$SOCK"

# --- recordings only from under the audio root: a link out is refused
ln -s /etc/passwd "$T_TMP/audio/evil.wav"
expect_rc 1 "$LOAXA" air evil.wav && grep_in "$T_TMP/err" 'audio root'
expect_rc 1 "$LOAXA" air ../loaxa.conf && grep_in "$T_TMP/err" 'audio root'

# --- plan files only from the plan folder: a link out rejects that file
# (the last good plan keeps airing); a FIFO named .ics does not hang it
mkdir -p "$T_TMP/elsewhere"
cp "$T_TMP/plan/p.ics" "$T_TMP/elsewhere/x.ics"
ln -s "$T_TMP/elsewhere/x.ics" "$T_TMP/plan/zz-link.ics"
expect_rc 1 "$LOAXA" reload
grep_in "$T_TMP/err" 'outside the plan folder'
rm "$T_TMP/plan/zz-link.ics"
mkfifo "$T_TMP/plan/zz-fifo.ics"
expect_rc 1 timeout 10 "$LOAXA" reload
grep_in "$T_TMP/err" 'not a regular file'
rm "$T_TMP/plan/zz-fifo.ics"
expect_rc 0 "$LOAXA" reload
expect_rc 0 "$LOAXA" check "$T_TMP/plan"

d_stop
[ "$D_RC" -eq 0 ] && ok "clean stop" || fail "loaxad exited $D_RC"
t_done
