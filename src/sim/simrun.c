/* The virtual player for simulate and tests: a programme starts when asked
 * (or at once when late), lasts its duration, and an emergency's cut ends
 * it after the fade. Time jumps straight to the next thing that happens. */
#include "sim/simrun.h"

#include <string.h>

struct airing {
    struct sched_entry *e;
    int64_t start_ms, end_ms;
    bool preempted;
};

#define NEVER INT64_MAX /* end of a wedged output */
#define MAX_AIR 4 /* on air + fading: never more than two in practice */

long simrun_run(struct sched *s, int64_t from_ms, int64_t fade_ms, const struct simrun_ops *ops,
                void *ud)
{
    struct airing air[MAX_AIR];
    size_t n_air = 0;
    int64_t now = from_ms, prep_dur = 0;
    long steps = 0;
    const char *why = "";

    for (;;) {
        struct sched_action a;
        sched_next(s, now, &a);
        steps++;
        switch (a.kind) {
        case SCHED_MISSED:
        case SCHED_CANCELLED:
        case SCHED_DISCARD:
            ops->action(ud, &a, now);
            continue;
        case SCHED_PREPARE:
            prep_dur = ops->duration(ud, a.entry, &why);
            if (prep_dur < 0) {
                ops->failed(ud, a.entry, now, why);
                sched_failed(s, a.entry);
                continue;
            }
            sched_set_length(s, a.entry, prep_dur);
            ops->action(ud, &a, now);
            continue;
        case SCHED_START: {
            int64_t start = a.at_ms > now ? a.at_ms : now;
            if (n_air == MAX_AIR || !ops->begin(ud, a.entry, start)) {
                sched_failed(s, a.entry);
                continue;
            }
            bool stuck = ops->stalls && ops->stalls(ud, a.entry);
            air[n_air++] = (struct airing){a.entry, start, stuck ? NEVER : start + prep_dur,
                                           false};
            continue;
        }
        case SCHED_OVERRUN: /* stopped like an operator's stop: a fade */
            ops->action(ud, &a, now);
            for (size_t i = 0; i < n_air; i++)
                if (air[i].e == a.entry && air[i].end_ms != NEVER && now + fade_ms < air[i].end_ms)
                    air[i].end_ms = now + fade_ms;
            continue;
        case SCHED_SLOT_END: /* faded out so the sound ends at the slot's end */
            ops->action(ud, &a, now);
            for (size_t i = 0; i < n_air; i++)
                if (air[i].e == a.entry && air[i].end_ms != NEVER) {
                    int64_t t = a.at_ms > now ? a.at_ms : now;
                    if (t < air[i].end_ms)
                        air[i].end_ms = t;
                }
            continue;
        case SCHED_STALLED: /* abandoned: it ends nowhere */
            ops->action(ud, &a, now);
            for (size_t i = 0; i < n_air; i++) {
                if (air[i].e == a.entry) {
                    memmove(&air[i], &air[i + 1], (n_air - i - 1) * sizeof air[0]);
                    n_air--;
                    break;
                }
            }
            continue;
        case SCHED_REVOKE: /* armed, not started yet: nothing played */
            ops->action(ud, &a, now);
            for (size_t i = 0; i < n_air; i++) {
                if (air[i].e == a.entry) {
                    memmove(&air[i], &air[i + 1], (n_air - i - 1) * sizeof air[0]);
                    n_air--;
                    break;
                }
            }
            sched_revoked(s, a.entry);
            continue;
        case SCHED_PREEMPT:
            for (size_t i = 0; i < n_air; i++) {
                if (air[i].e == a.entry) {
                    int64_t cut = (now > air[i].start_ms ? now : air[i].start_ms) + fade_ms;
                    if (cut < air[i].end_ms && air[i].end_ms != NEVER) {
                        air[i].end_ms = cut;
                        air[i].preempted = true;
                    }
                }
            }
            continue;
        case SCHED_IDLE:
            break;
        }
        /* Idle: jump to the earlier of the core's next time and an ending. */
        int64_t next = a.at_ms;
        size_t first = MAX_AIR;
        for (size_t i = 0; i < n_air; i++) {
            if (air[i].end_ms != NEVER && air[i].end_ms <= next) {
                next = air[i].end_ms;
                first = i;
            }
        }
        if (first == MAX_AIR && next == INT64_MAX)
            return steps;
        if (next > now)
            now = next;
        if (first != MAX_AIR) {
            struct airing done = air[first];
            memmove(&air[first], &air[first + 1], (n_air - first - 1) * sizeof air[0]);
            n_air--;
            int64_t played = done.end_ms - done.start_ms;
            ops->end(ud, done.e, done.start_ms, done.end_ms, played, done.preempted);
            sched_ended(s, done.e, done.preempted, played, now);
        }
    }
}
