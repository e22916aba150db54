#!/usr/bin/env bash
# tools/soak.sh: a fault soak of the real loaxad (the driver is
# tools/soak/soak.py run; this wrapper keeps the command and its options).
# It airs a dense plan (an airing every 5 s: 12 items, RRULE FREQ=MINUTELY at
# staggered seconds, 1-2 s recordings, mixed priorities) through PortAudio
# into a private PulseAudio null sink, while a seeded random driver kill -9s
# and restarts the daemon, rewrites the plan (valid and invalid versions, by
# rename, in place, in two writes), swaps a recording for a corrupt one and
# back, stops and restarts PulseAudio, fills the small tmpfs that holds the
# database, sends bursts of control commands and malformed requests, and
# runs reports concurrently. Every fault kind happens at least once (forced
# early, in a seeded order); afterwards the checks first require that each
# kind happened (a check of an outcome whose fault never came would prove
# nothing: that fails the run, short or long; a kind left out with --skip,
# or fs without root for the tmpfs, is a note), then check the as-run log
# (integrity, one final row per occurrence, nothing aired twice, nothing
# stuck on air, reasons), that the daemon is up and on time, malformed
# requests answered ERR or closed, refused plans leaving the last good one,
# and its memory; it prints a summary and exits 1 when a check fails. A
# latency probe (tests/e2e/latprobe.py) sends STATUS every 200 ms for the
# whole soak; the long form (5 minutes or more) judges its worst answer
# against --answer-ms; the short form prints. Memory growth as a slope:
# tools/soak/memory.py (tests/e2e/soak-memory.sh).
#
# Usage: tools/soak.sh [--minutes N | --seconds N] [--seed N] [--keep]
#                      [--grace MIN] [--fs-size SIZE] [--late-ms MS]
#   --minutes N  length of the soak (default 15); --seconds for short runs
#   --seed N     replays a run's random choices (printed at the start)
#   --keep       keep the work directory (kept anyway when a check fails)
#   --grace MIN  [daemon] grace_minutes (default 1)
#   --skip K,K   leave out fault kinds: kill plan_valid plan_extra plan_broken
#                plan_missing corrupt pa fs burst report
#   --fs-size S  the database's tmpfs (default 8m)
#   --answer-ms MS  the probe's bound in the long form (default 250)
# Env: LOAXA, LOAXAD (default build/src/loaxa, build/src/loaxad); CI=true
# makes a missing PulseAudio a failure (else a skip, exit 77).
# Needs pulseaudio, parec, pactl, python3; root for the tmpfs.
set -u
case ${1:-} in
-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
exec python3 "$(dirname "$0")/soak/soak.py" run "$@"
