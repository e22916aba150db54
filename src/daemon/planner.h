/* The planner: loads, checks and expands the plan in its own thread, so
 * the event loop never waits for libical (a plan of minutely rules or of
 * 100 000 events takes seconds). The loop asks (planner_load,
 * planner_expand), goes on airing the last good plan, and takes the
 * finished jobs when planner_fd() is readable.
 *
 * Threads: every function here is called by the loop's thread. All
 * libical use (plan_load, plan_expand, plan_free) happens in the worker
 * while it runs; so a plan the loop is done with goes back through
 * planner_retire. The loop may read a plan's load-time data (items,
 * counts, plan_find_uid) while the worker expands it: plan_expand only
 * fills per-item caches of its own. */
#ifndef LOAXA_PLANNER_H
#define LOAXA_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

struct planner;

struct planner_job {
    bool load;                    /* read the plan anew, else expand `of` */
    bool recheck;                 /* planner_recheck: recordings of `of` (below) */
    bool next;                    /* planner_next: occ[0] (n_occ 1) is the first that
                                   * airs from from_ms on, n_occ 0 none before to_ms */
    unsigned long seq;            /* loads: planner_load's number */
    struct plan *plan;            /* load: the new plan (the caller's now); NULL when
                                   * it could not be read or was refused */
    const struct plan *of;        /* expand: the plan expanded */
    struct plan_occurrence *occ;  /* [from_ms, to_ms) of plan or of; owned */
    size_t n_occ;
    int64_t from_ms, to_ms;
    int rc;                       /* 0; negative: nothing usable (msg says why) */
    bool refused;                 /* load: it had errors and errors were not accepted */
    bool fallback;                /* load: the plan had errors (errors, n_errors); plan
                                   * is the last good one, read back from its copy */
    size_t n_errors;              /* load: the plan's errors, one a line in errors */
    char *errors;
    char *msg;                    /* rc < 0: why (translated), or NULL */
    /* load: recordings of the plan's items that are missing, not regular
     * files, unreadable or not readable as audio (a header check), one a
     * line, "file:line: message" at the ATTACH; checked at each load (the
     * header probed again only when a file's size, mtime or inode changed) */
    size_t n_recordings;
    char *recordings;
};

/* paths and opts are copied. save_dir (may be NULL): where a copy of the
 * last good plan (one without errors) is kept, so that a start on a plan
 * with errors airs the last good plan too, as a reload does. */
struct planner *planner_new(const char *plan_path, const struct plan_options *opts,
                            const char *save_dir);
/* Waits for a job under way, unless it is stuck (then the worker is left to
 * end on its own). Plans retired and jobs not taken are freed. */
void planner_free(struct planner *pl);

/* Readable when finished jobs wait (planner_take). */
int planner_fd(const struct planner *pl);

/* Reads the plan and expands [from_ms, to_ms) of it. A plan with errors is
 * refused unless accept_errors; but while no good plan was delivered in
 * this process (a start), the saved copy of the last good plan is read
 * instead (fallback), and without one the plan with errors is taken (its
 * valid items: there is no better). Requests coalesce while one waits: one load
 * covers them all (the widest window, errors accepted if any asked).
 * Returns the number the job will have (planner_job.seq). */
unsigned long planner_load(struct planner *pl, bool accept_errors, int64_t from_ms,
                           int64_t to_ms);

/* Expands [from_ms, to_ms) of plan (the loop's current one). -EBUSY when a
 * load is waiting or under way (it brings a window of its own); a waiting
 * expansion is replaced. */
int planner_expand(struct planner *pl, const struct plan *plan, int64_t from_ms, int64_t to_ms);

/* Looks for the first occurrence of plan at or after from_ms (before
 * to_ms) that airs (airs(ud, o) true; it is called in the worker, so it
 * must only read what does not change), a week at a time: the next airing
 * however far beyond the loaded window. A waiting one is replaced; loads
 * and expansions go first. */
typedef bool (*planner_airs_fn)(void *ud, const struct plan_occurrence *o);
void planner_next(struct planner *pl, const struct plan *plan, int64_t from_ms, int64_t to_ms,
                  planner_airs_fn airs, void *ud);

/* Checks the recordings of plan again (they may have been put in place or
 * removed since the load: the audio root is not watched). Loads, then
 * expansions go first; a waiting one is replaced. */
void planner_recheck(struct planner *pl, const struct plan *plan);

/* Hands a plan back to be freed in the worker. */
void planner_retire(struct planner *pl, struct plan *plan);

/* The next finished job, oldest first, or NULL. */
struct planner_job *planner_take(struct planner *pl);
void planner_job_free(struct planner_job *j); /* not j->plan */

#endif
