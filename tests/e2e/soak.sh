# The fault soak (tools/soak.sh) in its short form: 80 s of the real loaxad
# on a dense plan into its own PulseAudio null sink, with every kind of
# fault at least once (kill -9, plan rewrites valid and invalid, a corrupt
# recording, PulseAudio restarts, a full database filesystem, control
# bursts and malformed requests, concurrent reports), then the log checks.
# Own work directory, tmpfs, socket and database: runs beside other tests.
# LOAXA_SOAK_ARGS adds arguments ("--seed N" replays a failure; "--skip fs"
# leaves a fault kind out). No PulseAudio: a failure under CI=true, else a
# skip (tools/soak.sh, as pulse_require).
# shellcheck disable=SC2086
exec bash "$SRCDIR/tools/soak.sh" --seconds 80 ${LOAXA_SOAK_ARGS:-}
