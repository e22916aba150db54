# daemon-lib.sh: helpers for tests that run the real loaxad. Source after
# lib.sh and call t_setup first. Plans are written at test time with start
# times relative to now, into $T_TMP/plan/p.ics; the audio root is
# $T_TMP/audio with tone.wav (1 s), jingle.wav (3.6 s) and long.wav (60 s).
D_PID=
D_CONF=

d_setup() {
    mkdir -p "$T_TMP/plan" "$T_TMP/audio"
    cp "$FIXTURES/audio/test/tone.wav" "$FIXTURES/audio/test/long.wav" "$T_TMP/audio/"
    cp "$SRCDIR/audio/nhac-hieu.wav" "$T_TMP/audio/jingle.wav"
    D_CONF=$T_TMP/loaxa.conf
    # the daemon enforces the broadcast hours: tests air at any hour
    cat >"$D_CONF" <<CONF
[station]
broadcast_hours = ${D_HOURS:-00:00-24:00}
[paths]
plan = $T_TMP/plan
audio_root = $T_TMP/audio
db = $T_TMP/log.db
socket = $T_TMP/loaxad.sock
[audio]
device = ${D_DEVICE:-null}
signature_tune =
fade_ms = 200
prepare_seconds = 2
loudness_target = off
CONF
    export LOAXA_CONFIG=$D_CONF
}

# utc SECONDS-FROM-NOW [BASE]: an iCalendar UTC time
d_time() { date -u -d "@$(( ${2:-$D_NOW} + $1 ))" +%Y%m%dT%H%M%SZ; }

# d_plan "UID OFFSET PRIORITY FILE [STATUS]"...: writes the plan atomically
# (a rename, as editors do), times relative to $D_NOW.
d_plan() {
    local f=$T_TMP/plan/.p.tmp
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\n' >"$f"
    local ev uid off pri file st
    for ev in "$@"; do
        set -- $ev
        uid=$1 off=$2 pri=$3 file=$4 st=${5:-CONFIRMED}
        printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nSUMMARY:Item %s\r\nPRIORITY:%s\r\nSTATUS:%s\r\nATTACH:%s\r\nEND:VEVENT\r\n' \
            "$uid" "$(d_time "$off")" "$uid" "$pri" "$st" "$file" >>"$f"
    done
    printf 'END:VCALENDAR\r\n' >>"$f"
    mv "$f" "$T_TMP/plan/p.ics"
}

# d_start [FLAGS...]: starts loaxad in the foreground (stderr to
# $T_TMP/loaxad.log) and waits for its socket.
d_start() {
    rm -f "$T_TMP/loaxad.sock"
    ${D_WRAP:-} "$LOAXAD" --foreground "$@" >>"$T_TMP/loaxad.log" 2>&1 &
    D_PID=$!
    local i
    for i in $(seq "${D_START_TRIES:-200}"); do
        [ -S "$T_TMP/loaxad.sock" ] && "$LOAXA" status >/dev/null 2>&1 && return 0
        kill -0 "$D_PID" 2>/dev/null || break
        sleep 0.05
    done
    fail "loaxad did not start"; sed 's/^/  log: /' "$T_TMP/loaxad.log" | tail -20 >&2
    return 1
}

# d_stop: SIGTERM and wait; sets D_RC to its exit status.
d_stop() {
    [ -n "$D_PID" ] || return 0
    kill -TERM "$D_PID" 2>/dev/null
    wait "$D_PID"
    D_RC=$?
    D_PID=
}

d_kill9() {
    kill -KILL "$D_PID" 2>/dev/null
    wait "$D_PID" 2>/dev/null
    D_PID=
}

d_sql() { sqlite3 -batch "$T_TMP/log.db" "$1" 2>/dev/null; }

# d_wait_sql SQL EXPECTED [SECONDS]: polls the log until the query answers
# EXPECTED (a deadline for a hung daemon, not a timing assertion).
d_wait_sql() {
    local i got
    for i in $(seq $(( ${3:-60} * 10 ))); do
        got=$(d_sql "$1")
        [ "$got" = "$2" ] && return 0
        sleep 0.1
    done
    fail "log: wanted [$2] from [$1], got [$got]"
    d_sql "select occ_key,status,reason,planned_start_ms,actual_start_ms from airing" | sed 's/^/  row: /' >&2
    return 1
}

# d_wait_status PATTERN [SECONDS]: polls `loaxa status --json` until it matches.
d_wait_status() {
    local i
    for i in $(seq $(( ${2:-60} * 10 ))); do
        "$LOAXA" status --json 2>/dev/null | grep -qE -- "$1" && return 0
        sleep 0.1
    done
    fail "status never matched /$1/"; "$LOAXA" status --json >&2
    return 1
}

d_cleanup() {
    [ -n "$D_PID" ] && kill -KILL "$D_PID" 2>/dev/null
    t_cleanup
}

# d_pulse_setup: a private PulseAudio server for a daemon test (none: a
# failure in CI, a skip elsewhere; see pulse_require) and a cleanup that
# stops both.
d_pulse_setup() {
    pulse_require "${1:-the sound path of the daemon}"
    trap 'd_cleanup_pulse' EXIT
}
d_cleanup_pulse() { [ -n "$D_PID" ] && kill -KILL "$D_PID" 2>/dev/null; pulse_stop; t_cleanup; }

# d_latprobe_start [LATPROBE-ARGS...]: polls STATUS on the daemon's socket
# every 200 ms in the background (tests/e2e/latprobe.py); samples go to
# $T_TMP/latprobe.samples. A test that stops the daemon on purpose marks it
# with d_latprobe_down / d_latprobe_up so those polls are not failures.
D_LATPROBE_PID=
d_latprobe_start() {
    rm -f "$T_TMP/latprobe.json" "$T_TMP/latprobe.samples"
    python3 "$SRCDIR/tests/e2e/latprobe.py" --socket "$T_TMP/loaxad.sock" \
        --samples "$T_TMP/latprobe.samples" --summary "$T_TMP/latprobe.json" \
        --down-file "$T_TMP/latprobe.down" "$@" >/dev/null &
    D_LATPROBE_PID=$!
    # running once its samples file exists (its signal handler is set by then)
    local i
    for i in $(seq 200); do [ -e "$T_TMP/latprobe.samples" ] && return 0; sleep 0.05; done
    return 1
}
d_latprobe_down() { echo "down $(date +%s%3N)" >>"$T_TMP/latprobe.down"; }
d_latprobe_up() { echo "up $(date +%s%3N)" >>"$T_TMP/latprobe.down"; }
# d_latprobe_stop: stops the probe and prints its summary (one line of JSON)
d_latprobe_stop() {
    [ -n "$D_LATPROBE_PID" ] || return 1
    kill -TERM "$D_LATPROBE_PID" 2>/dev/null
    wait "$D_LATPROBE_PID" 2>/dev/null
    D_LATPROBE_PID=
    # (a probe killed before it could write its summary: from the samples)
    [ -s "$T_TMP/latprobe.json" ] || python3 "$SRCDIR/tests/e2e/latprobe.py" summary \
        --samples "$T_TMP/latprobe.samples" --down-file "$T_TMP/latprobe.down" >"$T_TMP/latprobe.json"
    cat "$T_TMP/latprobe.json" 2>/dev/null
}
# d_latprobe_field FIELD [SUMMARY-FILE]: one field of the last summary
d_latprobe_field() {
    python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' \
        "${2:-$T_TMP/latprobe.json}" "$1"
}
