/* The scheduling core: pure. It is handed the plan's occurrences, what the
 * as-run log already knows and the current time, and answers what to do
 * next (prepare, start, preempt, mark missed or cancelled) or until when
 * nothing needs doing. It never reads the clock, touches audio or SQLite,
 * so loaxad and `loaxa simulate` run exactly this code.
 *
 * Rules (Thông tư 39/2020/TT-BTTTT): an emergency cuts into anything lower
 * at once (with the fade); the cut item is then dropped, restarted or
 * resumed (policy). Other collisions air back to back: higher level first,
 * then earlier planned start. An occurrence that cannot start before its
 * deadline (planned start + grace) is missed. */
#ifndef LOAXA_SCHED_H
#define LOAXA_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

struct sched;

/* The core's own small enums (no log or settings header here); the edge
 * (airlog.h) maps them to the log's and the settings'. */
enum sched_source { SCHED_SOURCE_PLAN, SCHED_SOURCE_ADHOC, SCHED_SOURCE_EMERGENCY };
/* The fate of an item cut by an emergency. */
enum sched_cut_policy { SCHED_CUT_DROP, SCHED_CUT_RESTART, SCHED_CUT_RESUME };

struct sched_opts {
    int64_t grace_ms;             /* how late an occurrence may still start */
    int64_t prepare_ms;           /* how long before its start a programme is prepared */
    int64_t fade_ms;              /* an emergency's preemption begins this much early */
    enum sched_cut_policy preempt; /* fate of an item cut by an emergency */
    bool require_approval;        /* STATUS:TENTATIVE items do not air */
    /* When set, decides instead of require_approval whether an entry's item
     * may air (station.approval; the daemon's approvals): false, it is
     * missed when due (REASON_TENTATIVE for a STATUS:TENTATIVE item, else
     * REASON_NOT_APPROVED). Called often: it must be cheap. */
    bool (*approved)(void *ud, const struct plan_item *it);
    void *approved_ud;
    int64_t boot_ms;              /* when the daemon started: earlier deadlines were
                                   * missed because it was not running */
    /* The watchdog (0: the defaults). A programme whose length is known
     * (sched_set_length) is stopped once it overruns that length by
     * max(overrun_min_ms, 10% of it) (default 30 s), and abandoned as
     * stalled when it still has not ended stall_ms (default 5 s) after being
     * asked to stop (overrun, or an emergency's cut plus its fade). */
    int64_t overrun_min_ms;
    int64_t stall_ms;
    /* A prepared programme is started (its row written, its player armed
     * for the planned instant) this long before its start; until then it
     * stays PREPARED, so a reload can still drop it with nothing logged.
     * 0: at once when prepared. loaxad uses the output latency + 1 s. */
    int64_t arm_ms;
    /* After a forward step of the wall clock (sched_note_jump), plan
     * entries it made due or late are neither started nor written off for
     * this long: a wrong step is often corrected within seconds (a bad
     * time source, an operator's typo). They are judged when the hold ends
     * or the clock steps back. 0: no hold. loaxad uses SCHED_JUMP_HOLD_MS. */
    int64_t jump_hold_ms;
    /* Broadcast hours, enforced at air time: a plan entry whose start falls
     * outside [hours_start_min, hours_end_min) of its local day is logged
     * missed when due (REASON_HOURS), never prepared. Emergencies and
     * ad-hoc airings (the operator's bulletins, `loaxa air`) are exempt.
     * The core reads neither the clock nor the time zone: local_min (the
     * caller's) maps a UTC instant to minutes after its local midnight; it
     * is asked once per occurrence at sched_load. NULL: no hours. */
    int hours_start_min, hours_end_min;
    int (*local_min)(void *ud, int64_t utc_ms);
    void *local_ud;
    /* A plan entry with a slot (end_ms > start_ms) whose programme is longer
     * than it: faded out so the sound ends at the slot's end (SCHED_SLOT_END
     * at that end minus fade_ms). The slot's length counts from the actual
     * start, so a start delayed by another programme is not cut short for
     * that delay. Emergencies are never cut. */
    bool slot_cut;
};

#define SCHED_JUMP_HOLD_MS 30000

enum sched_state {
    SCHED_PENDING,
    SCHED_PREPARED,   /* in the "next" slot: its player is prepared */
    SCHED_ON_AIR,
    SCHED_STOPPING,   /* asked to stop (preempted, operator), still fading */
    SCHED_DONE,
};

/* One airing the core tracks. Read-only for callers. */
struct sched_entry {
    char key[160];                /* occurrence key, "adhoc/<ms>" for ad hoc */
    const struct plan_item *item; /* the plan's, or an owned copy once prepared */
    int64_t start_ms, end_ms;     /* planned */
    int64_t deadline_ms;          /* after this it is missed */
    enum plan_level level;
    enum sched_source source;
    int64_t skip_ms;              /* resume point (preempt=resume) */
    int requeued;                 /* how many times it was cut and queued again */
    bool cancelled;
    enum sched_state state;
    int64_t length_ms;            /* expected length from skip_ms (0: unknown, no watchdog) */
    int64_t watch_ms;             /* on air or stopping: the watchdog's deadline (0: none) */
    bool stop_asked;              /* the watchdog or a preemption asked it to stop */
    bool out_of_hours;            /* starts outside the broadcast hours: not aired */
    bool slot_cut;                /* stopped at its slot's end (SCHED_SLOT_END) */
    int64_t slot_end_ms;          /* on air: when its slot ends (0: no cut) */
    int64_t started_ms;           /* on air: when its first frame was asked for */
    /* private */
    struct plan_item *own;
    bool extra;                   /* lives in the extra list (ad hoc, requeued) */
    bool moved;                   /* prepared, then a reload moved its start */
    bool revoke;                  /* armed, then a reload moved or removed it */
    bool revoking;                /* SCHED_REVOKE handed out, sched_revoked awaited */
    bool revoke_restore;          /* its occurrence (same key) is in the plan at a new time */
    size_t revoke_idx, absorb_idx; /* in the array of the last load (SIZE_MAX: none) */
    bool absorbed;                /* moved into its own airing on air: logged, not aired */
    int64_t absorb_at_ms;         /* ... once that airing has started */
};

enum sched_kind {
    SCHED_IDLE,       /* nothing to do before at_ms (INT64_MAX: until an event) */
    SCHED_MISSED,     /* log entry missed (reason); if it was prepared, drop its player */
    SCHED_CANCELLED,  /* log entry cancelled */
    SCHED_PREPARE,    /* prepare entry's programme (skip_ms in) for the next slot */
    SCHED_DISCARD,    /* drop the prepared programme of entry (something outranks it) */
    SCHED_START,      /* start the prepared entry so its first frame airs at at_ms
                       * (0: at once); write the log row first. Comes arm_ms
                       * before the planned start at the earliest */
    SCHED_PREEMPT,    /* stop entry (on air) with a fade: an emergency cuts in */
    SCHED_OVERRUN,    /* entry (on air) overran its expected length: stop it (fade);
                       * it is now STOPPING and ends as usual (sched_ended) */
    SCHED_SLOT_END,   /* entry (on air) reached its slot's end minus the fade (opts
                       * slot_cut): stop it with a fade so its sound ends at at_ms;
                       * it is now STOPPING (slot_cut set) and ends as usual */
    SCHED_STALLED,    /* entry was asked to stop and has still not ended: the output
                       * is stuck. Abandon its player and close its row (reason);
                       * the entry is done, what comes next may start */
    SCHED_REVOKE,     /* entry is started (armed, row written) but its planned start
                       * has not come, and a reload moved or removed it: stop its
                       * player; if no frame played, close its row cancelled (reason)
                       * and call sched_revoked. If frames did play, it is on air:
                       * let it end as usual (sched_ended) */
};

struct sched_action {
    enum sched_kind kind;
    struct sched_entry *entry;
    int64_t at_ms;
    const char *reason;           /* an msgid (English), for MISSED/DISCARD/REVOKE;
                                   * CANCELLED: "" or why it is logged, not aired */
};

/* Called by sched_load for each occurrence: fills what the log knows.
 * Return true when the occurrence already has a row (it will not air). */
typedef bool (*sched_logged_fn)(void *ud, const char *key);

struct sched *sched_new(const struct sched_opts *opts);
void sched_free(struct sched *s);

/* Replaces the pending occurrences by occs[0..n) (sorted by start then key,
 * as plan_expand returns them; the array and its plan must outlive the next
 * sched_load). Entries on air or queued again keep their place (a reload
 * never drops or repeats the programme on air); a prepared one that is no
 * longer in the plan, now cancelled, or moved to another start is discarded
 * by a later SCHED_DISCARD (and, if still in the plan, prepared again for
 * its new time). */
void sched_load(struct sched *s, const struct plan_occurrence *occs, size_t n,
                sched_logged_fn logged, void *ud);

/* An ad-hoc airing (loaxa air) of an item (copied) starting now. */
struct sched_entry *sched_add_adhoc(struct sched *s, const struct plan_item *item,
                                    enum plan_level level, int64_t now_ms);

/* Tells the core the wall clock jumped from..to (missed reasons say so).
 * Forward: the hold begins (sched_opts.jump_hold_ms). Back: a hold ends. */
void sched_note_jump(struct sched *s, int64_t from_ms, int64_t to_ms);

/* After SCHED_REVOKE: the entry's player played nothing and its row is
 * closed; the entry is done (its occurrence, if moved, airs at the new
 * time). */
void sched_revoked(struct sched *s, struct sched_entry *e);

/* The next thing to do at now_ms. Call again after acting until it says
 * SCHED_IDLE. The core assumes every action is carried out; failures are
 * reported back with sched_failed. */
void sched_next(struct sched *s, int64_t now_ms, struct sched_action *act);

/* The expected length of a prepared entry's programme from its skip point
 * (recordings and signature tunes), for the watchdog; <= 0: unknown. Call
 * it before the entry starts. */
void sched_set_length(struct sched *s, struct sched_entry *e, int64_t length_ms);

/* A prepared or started entry could not air (device, files, already in
 * the log): it is done. */
void sched_failed(struct sched *s, struct sched_entry *e);

/* The operator stops what is on air: returns the entry to stop (now
 * STOPPING), or NULL when nothing is on air. */
struct sched_entry *sched_stop_current(struct sched *s);

/* An entry on air (or stopping) ended: preempted ones are dropped,
 * restarted or resumed per policy; others are done. played_ms counts what
 * this attempt played. */
void sched_ended(struct sched *s, struct sched_entry *e, bool preempted, int64_t played_ms,
                 int64_t now_ms);

/* Read-only views for status. */
struct sched_entry *sched_on_air(const struct sched *s);     /* newest on air, or NULL */
struct sched_entry *sched_prepared(const struct sched *s);
/* Up to max upcoming pending entries after now (in start order). */
size_t sched_upcoming(const struct sched *s, int64_t now_ms, const struct sched_entry **out,
                      size_t max);
size_t sched_pending_count(const struct sched *s);

#endif
