# The memory soak's CI form (tools/soak/memory.py): the real loaxad airs the
# soak's dense plan through a private PulseAudio for a 60 s warm-up and 4
# minutes more under STATUS polls, reloads and ad-hoc airings; the growth of
# its Private_Dirty memory (Theil-Sen slope over a sample every 5 s) must
# stay under 0.5 MB/min, which a leak of 1 MB/min breaks (proved with
# --preload build/tests/e2e/libleakshim.so). It mostly waits: runs beside
# the other tests. No PulseAudio: a failure under CI=true, else a skip; the
# sanitizer build skips it (ASan's quarantine grows by design).
# LOAXA_MEMSOAK_ARGS adds arguments (e.g. "--minutes 10").
# shellcheck disable=SC2086
exec python3 "$SRCDIR/tools/soak/memory.py" --minutes 4 ${LOAXA_MEMSOAK_ARGS:-}
