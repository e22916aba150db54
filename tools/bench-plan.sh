#!/usr/bin/env bash
# Times `loaxa check` and `loaxa schedule --days 2` (wall time and peak RSS,
# /usr/bin/time) on three pathological plans it generates:
#   minutely  50 VEVENTs with RRULE:FREQ=MINUTELY from 2000 (7 KB)
#   bigdesc   one VEVENT with a DESCRIPTION filling the 16 MB file limit
#   many      100,000 one-off VEVENTs, five minutes apart
# Usage: tools/bench-plan.sh [LOAXA-BINARY] (default build/src/loaxa).
# Public tools only: bash, coreutils, /usr/bin/time, the project's binaries.
set -eu
cd "$(dirname "$0")/.."
LOAXA=${1:-build/src/loaxa}
[ -x "$LOAXA" ] || { echo "no $LOAXA: build first (meson compile -C build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
W=$(mktemp -d /tmp/loaxa-bench-plan.XXXXXX)
trap 'rm -rf "$W"' EXIT
FROM=2026-12-04

head_ics() { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//bench-plan//EN\r\n'; }
tail_ics() { printf 'END:VCALENDAR\r\n'; }

{
    head_ics
    for i in $(seq 1 50); do
        printf 'BEGIN:VEVENT\r\nUID:minutely-%d@bench\r\nDTSTAMP:20000101T000000Z\r\n' "$i"
        printf 'DTSTART:20000101T0000%02dZ\r\nRRULE:FREQ=MINUTELY\r\n' $((i % 60))
        printf 'SUMMARY:minutely %d\r\nATTACH:test/tone.wav\r\nEND:VEVENT\r\n' "$i"
    done
    tail_ics
} >"$W/minutely.ics"

{
    head_ics
    printf 'BEGIN:VEVENT\r\nUID:bigdesc@bench\r\nDTSTAMP:20260101T000000Z\r\n'
    printf 'DTSTART:20261204T080000Z\r\nSUMMARY:big\r\nATTACH:test/tone.wav\r\n'
    printf 'DESCRIPTION:'
    # 16 MiB less room for the rest: folded lines of " " + 72 bytes + CRLF
    head -c $(( ((16 << 20) - 8192) / 75 * 72 )) /dev/zero | tr '\0' 'a' | fold -w 72 | sed 's/^/ /;s/$/\r/' \
        | sed '1s/^ //'
    printf 'END:VEVENT\r\n'
    tail_ics
} >"$W/bigdesc.ics"
# trim to the limit exactly if folding made it larger
sz=$(stat -c %s "$W/bigdesc.ics")
[ "$sz" -le $((16 << 20)) ] || { echo "bigdesc.ics is $sz bytes, over 16 MiB" >&2; exit 1; }

{
    head_ics
    awk 'BEGIN {
        t0 = 1767225600; # 2026-01-01T00:00:00Z
        for (i = 0; i < 100000; i++) {
            t = t0 + i * 300
            printf "BEGIN:VEVENT\r\nUID:many-%d@bench\r\nDTSTAMP:20260101T000000Z\r\n", i
            printf "DTSTART:%sZ\r\n", strftime("%Y%m%dT%H%M%S", t, 1)
            printf "DURATION:PT2M\r\nSUMMARY:item %d\r\nATTACH:test/tone.wav\r\nEND:VEVENT\r\n", i
        }
    }'
    tail_ics
} >"$W/many.ics"

run() { # NAME CMD...: prints "NAME  seconds  peak-RSS-MB  exit"
    local name=$1; shift
    local rc=0
    /usr/bin/time -f '%e %M' -o "$W/time" "$@" >"$W/out" 2>"$W/err" || rc=$?
    read -r sec kb <"$W/time" || true
    # /usr/bin/time writes "Command exited with non-zero status N" first on failure
    read -r sec kb < <(tail -1 "$W/time")
    printf '%-28s %8.2f s %8.1f MB  exit %d  %s\n' "$name" "$sec" "$(echo "$kb" | awk '{print $1/1024}')" \
        "$rc" "$(tail -1 "$W/out" | cut -c1-60)"
}

COMMON=(--audio-root tests/fixtures/audio --tz Asia/Ho_Chi_Minh)
for p in minutely bigdesc many; do
    printf '%s.ics: %s bytes\n' "$p" "$(stat -c %s "$W/$p.ics")"
    run "check $p" "$LOAXA" check "${COMMON[@]}" --from "$FROM" "$W/$p.ics"
    run "schedule --days 2 $p" "$LOAXA" schedule "${COMMON[@]}" --plan "$W/$p.ics" \
        --from "$FROM" --days 2
done
