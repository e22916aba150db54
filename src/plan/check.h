/* The deeper validations of `loaxa check`: recordings (present, inside the
 * audio root, decodable), slots shorter than their recordings, overlaps,
 * broadcast hours and session lengths over the coming year. */
#ifndef LOAXA_PLAN_CHECK_H
#define LOAXA_PLAN_CHECK_H

#include <stdint.h>

#include "plan/plan.h"

struct plan_check_options {
    const char *audio_root;
    const char *signature_tune; /* the setting, counted in each programme's length */
    int hours_start_min;      /* allowed broadcast hours, minutes after local midnight */
    int hours_end_min;
    int max_session_min;      /* 0: no limit */
    int64_t from_ms;          /* the span checked for overlaps, hours, sessions */
    int64_t to_ms;
    int gap_max_s;            /* occurrences at most this far apart form one session */
};

/* Runs the checks and adds their diagnostics to the plan (plan_diag*).
 * Times of day are the process's local zone (the station zone).
 * Returns the number of errors added. */
int plan_check(struct plan *plan, const struct plan_check_options *opt);

/* Duration of an item's recordings from their headers (probe), in ms;
 * -1 when any of them cannot be read. */
int64_t plan_item_audio_ms(const struct plan_item *item, const char *audio_root);

#endif
