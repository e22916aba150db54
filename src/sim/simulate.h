/* `loaxa simulate`: the daemon's scheduling and logging core over a period
 * on a virtual clock, no sound; durations are the recordings' decoded
 * lengths (probe_recording: an MP3 is counted, its header only estimates).
 * Writes the as-run log exactly as loaxad would (same rows, same
 * keys, in one transaction). */
#ifndef LOAXA_SIMULATE_H
#define LOAXA_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "aslog/aslog.h"
#include "core/config.h"
#include "plan/plan.h"

struct simulate_summary {
    long occurrences;                 /* what the plan asked for in the period */
    long by_status[ASLOG_CANCELLED + 1];
    long refused;                     /* already in the log: not written again */
};

/* Simulates occurrences starting in [from_ms, to_ms) of plan into log.
 * Returns 0 or a negative code with err. */
int simulate_run(const struct loaxa_config *cfg, const struct plan *plan, struct aslog *log,
                 int64_t from_ms, int64_t to_ms, struct simulate_summary *sum, char *err,
                 size_t errlen);

/* Minutes after local midnight (the process TZ: the station's zone) of a
 * UTC instant: sched_opts.local_min for loaxad and simulate alike, so both
 * judge the broadcast hours the same way. */
int simulate_local_min(void *ud, int64_t utc_ms);

#endif
