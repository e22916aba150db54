/* Runs the scheduling core on a virtual clock with a virtual player: no
 * sound, no waiting. Each prepared programme's length is given to the core
 * (sched_set_length), as loaxad does, so its watchdog runs here too. `loaxa simulate` and the unit tests drive the very
 * sched_next() that loaxad drives; only the player and the clock differ. */
#ifndef LOAXA_SIMRUN_H
#define LOAXA_SIMRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched.h"

struct simrun_ops {
    /* Length in ms of entry's programme from its skip point; negative: it
     * cannot be prepared (e.g. a missing recording), reason in *why. */
    int64_t (*duration)(void *ud, const struct sched_entry *e, const char **why);
    /* MISSED, CANCELLED, DISCARD and PREPARE, as the daemon would see them. */
    void (*action)(void *ud, const struct sched_action *a, int64_t now_ms);
    /* The programme's row is written (before its first frame); return false
     * when the log refuses it (already aired): it then does not air. */
    bool (*begin)(void *ud, const struct sched_entry *e, int64_t start_ms);
    /* The programme ended (aired fully, or cut by an emergency). */
    void (*end)(void *ud, const struct sched_entry *e, int64_t start_ms, int64_t end_ms,
                int64_t played_ms, bool preempted);
    /* A prepare failed (duration < 0). */
    void (*failed)(void *ud, const struct sched_entry *e, int64_t now_ms, const char *why);
    /* Optional (tests): true when entry's output wedges once started: it
     * never ends, even when asked to stop. The watchdog's OVERRUN and
     * STALLED actions go to action() too. */
    bool (*stalls)(void *ud, const struct sched_entry *e);
};

/* Steps from from_ms until everything loaded is resolved. Returns how many
 * actions were taken. */
long simrun_run(struct sched *s, int64_t from_ms, int64_t fade_ms, const struct simrun_ops *ops,
                void *ud);

#endif
