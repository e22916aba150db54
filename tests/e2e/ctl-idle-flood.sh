# 200 connections that send nothing (each one the daemon closes is opened
# again at once; first polling a non-blocking connect, then 200 threads
# waiting in connect()) and a client polling `loaxa status` every 200 ms:
# every status is answered OK, because a new client takes the slot of the
# oldest one that has not sent a whole line, accepts are bounded, idle
# clients still time out, and idle connections do not spend the command
# rate. The worst answer time is printed, asserted only under a deadline.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
SOCK=$T_TMP/loaxad.sock
CLIENTS=$SRCDIR/tests/e2e/ctl-clients.py

D_NOW=$(date +%s)
d_plan "a 3600 0 tone.wav"
d_start || t_done

for mode in idle idle-blocking; do
    python3 "$CLIENTS" $mode "$SOCK" 200 9 >"$T_TMP/idle" &
    IDLE=$!
    sleep 1
    python3 "$CLIENTS" poll 7 "$LOAXA" >"$T_TMP/poll" 2>"$T_TMP/poll.err"
    wait $IDLE
    cat "$T_TMP/poll.err" >&2
    echo "  beside 200 idle connections ($mode): $(cat "$T_TMP/idle")"
    echo "  status polled every 200 ms: $(cat "$T_TMP/poll")"
    # the flood happened: the daemon closed idle ones (to make room, or timed out)
    grep_in "$T_TMP/idle" 'closed_by_daemon=[1-9]'
    grep_in "$T_TMP/poll" '^answers=[1-9][0-9]* failed=0 '
    worst=$(sed -n 's/.*worst_ms=\([0-9]*\).*/\1/p' "$T_TMP/poll")
    [ "${worst:-99999}" -lt 2000 ] && ok "$mode: every status answered (worst $worst ms)" \
        || fail "$mode: a status answer took $worst ms"
done

# idle clients still time out
start=$(date +%s%N)
python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
print(s.recv(4096).decode().strip())' "$SOCK" >"$T_TMP/a"
el=$(( ($(date +%s%N) - start) / 1000000 ))
grep_in "$T_TMP/a" '^ERR no whole command line within 2000 ms'
[ "$el" -lt 8000 ] && ok "a silent client is dropped after $el ms" || fail "silent client held $el ms"
kill -0 "$D_PID" 2>/dev/null && ok "daemon alive" || fail "daemon died"
d_stop
[ "$D_RC" -eq 0 ] && ok "clean stop" || fail "loaxad exited $D_RC"
t_done
