/* The pure scheduling core: see sched.h for the rules. Occurrences from the
 * plan live in one array sorted by start (a year of them for simulate), so
 * a cursor (head) skips what is done and each step looks only at the few
 * entries near "now". Entries that leave the array (prepared, on air, ad
 * hoc, queued again after a preemption) are allocated one by one in the
 * extra list, so the daemon can keep pointers to them across reloads. */
#include "sched/sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/reasons.h"
#include "core/util.h"

struct sched {
    struct sched_opts o;
    struct sched_entry *arr;      /* from the last sched_load */
    size_t n_arr, head;
    struct sched_entry **extra;
    size_t n_extra, cap_extra;
    struct sched_entry *zombie;   /* handed out in the last action, freed on the next call */
    int64_t jump_from, jump_to;
    int64_t hold_until;           /* after a forward step: see sched_opts.jump_hold_ms */
    int64_t last_adhoc_ms;
};

struct sched *sched_new(const struct sched_opts *opts)
{
    struct sched *s = xcalloc(1, sizeof *s);
    s->o = *opts;
    s->jump_from = s->jump_to = s->hold_until = INT64_MIN;
    return s;
}

static void entry_free(struct sched_entry *e)
{
    if (!e)
        return;
    plan_item_free(e->own);
    free(e);
}

void sched_free(struct sched *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_extra; i++)
        entry_free(s->extra[i]);
    free(s->extra);
    entry_free(s->zombie);
    free(s->arr);
    free(s);
}

/* ---- the extra list ---- */

static void extra_add(struct sched *s, struct sched_entry *e)
{
    if (s->n_extra == s->cap_extra) {
        s->cap_extra = s->cap_extra ? s->cap_extra * 2 : 8;
        s->extra = xrealloc(s->extra, s->cap_extra * sizeof *s->extra);
    }
    e->extra = true;
    s->extra[s->n_extra++] = e;
}

static void extra_remove(struct sched *s, struct sched_entry *e)
{
    for (size_t i = 0; i < s->n_extra; i++) {
        if (s->extra[i] == e) {
            memmove(&s->extra[i], &s->extra[i + 1], (s->n_extra - i - 1) * sizeof *s->extra);
            s->n_extra--;
            return;
        }
    }
}

/* Marks e done; an extra entry is freed (later, if an action still shows it). */
static void finish(struct sched *s, struct sched_entry *e, bool shown)
{
    e->state = SCHED_DONE;
    if (!e->extra)
        return;
    extra_remove(s, e);
    if (shown) {
        entry_free(s->zombie);
        s->zombie = e;
    } else {
        entry_free(e);
    }
}

/* Moves an array entry into the extra list with its own copy of the item,
 * so it survives a reload of the plan. */
static struct sched_entry *detach(struct sched *s, struct sched_entry *e)
{
    if (e->extra)
        return e;
    struct sched_entry *h = xmalloc(sizeof *h);
    *h = *e;
    h->own = plan_item_dup(e->item);
    h->item = h->own;
    e->state = SCHED_DONE;
    extra_add(s, h);
    return h;
}

/* ---- loading ---- */

static const struct plan_occurrence *find_occ(const struct plan_occurrence *occs, size_t n,
                                              const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(occs[i].key, key) == 0)
            return &occs[i];
    return NULL;
}

static void fill_entry(struct sched *s, struct sched_entry *e, const struct plan_occurrence *o)
{
    memset(e, 0, sizeof *e);
    util_strlcpy(e->key, o->key, sizeof e->key);
    e->item = o->item;
    e->start_ms = o->start_ms;
    e->end_ms = o->end_ms;
    e->deadline_ms = o->start_ms + s->o.grace_ms;
    e->level = o->item->level;
    e->source = SCHED_SOURCE_PLAN;
    e->cancelled = o->cancelled;
    e->state = SCHED_PENDING;
    if (s->o.local_min && e->level != PLAN_LEVEL_EMERGENCY) {
        int m = s->o.local_min(s->o.local_ud, o->start_ms);
        e->out_of_hours = m < s->o.hours_start_min || m >= s->o.hours_end_min;
    }
}

/* An entry on air (started: its row written, its player armed) that the
 * new plan moved, removed or cancelled. If its planned start has not come,
 * the next sched_next revokes it (the daemon checks that nothing played).
 * If it stays, an occurrence of the same item that the plan now starts
 * within this airing (the moved one under a new key: a DTSTART edited) is
 * logged, not aired again. */
static void mark_revoke(struct sched *s, struct sched_entry *e, const struct plan_occurrence *o,
                        const struct plan_occurrence *occs, size_t n)
{
    e->revoke = false;
    e->revoke_idx = o ? (size_t)(o - occs) : SIZE_MAX;
    e->revoke_restore = o && !o->cancelled; /* (a revoke under way follows this plan) */
    e->absorb_idx = SIZE_MAX;
    if (o && !o->cancelled && o->start_ms == e->start_ms)
        return;
    e->revoke = !e->requeued && !e->skip_ms && !e->revoking;
    int64_t len = e->length_ms > 0 ? e->length_ms : e->end_ms - e->start_ms;
    if (o || len <= 0 || !e->item->uid)
        return;
    for (size_t j = 0; j < n; j++) {
        struct sched_entry *b = &s->arr[j];
        if (occs[j].start_ms >= e->start_ms + len)
            break;
        if (occs[j].start_ms < e->start_ms || b->state != SCHED_PENDING || b->cancelled ||
            !occs[j].item->uid || strcmp(occs[j].item->uid, e->item->uid) != 0)
            continue;
        b->absorbed = true;
        b->absorb_at_ms = e->start_ms;
        e->absorb_idx = j;
        return;
    }
}

void sched_load(struct sched *s, const struct plan_occurrence *occs, size_t n,
                sched_logged_fn logged, void *ud)
{
    free(s->arr);
    s->arr = xcalloc(n ? n : 1, sizeof *s->arr);
    s->n_arr = n;
    s->head = 0;
    for (size_t i = 0; i < n; i++) {
        fill_entry(s, &s->arr[i], &occs[i]);
        if (logged && logged(ud, occs[i].key))
            s->arr[i].state = SCHED_DONE;
    }
    /* Entries outside the array: what is on air keeps going (a reload never
     * drops or repeats the programme on air); queued-again entries follow
     * the new plan; a prepared one stays prepared only when the plan still
     * has it, not cancelled, at the same start: otherwise it is discarded
     * (no row: it never started) and the array's entry, if any, takes its
     * place for the new time. */
    for (size_t i = 0; i < s->n_extra;) {
        struct sched_entry *e = s->extra[i];
        if (e->source != SCHED_SOURCE_PLAN) {
            i++;
            continue;
        }
        const struct plan_occurrence *o = find_occ(occs, n, e->key);
        struct sched_entry *a = o ? &s->arr[o - occs] : NULL;
        enum sched_state was = a ? a->state : SCHED_DONE; /* DONE when logged */
        if (a) {
            a->state = SCHED_DONE; /* tracked here, not there */
            if (e->state == SCHED_PENDING && o->cancelled) {
                a->state = was; /* the plan's word now */
                finish(s, e, false);
                continue;
            }
        } else if (e->state == SCHED_PENDING) {
            finish(s, e, false); /* no longer in the plan */
            continue;
        }
        if (e->state == SCHED_PREPARED && (!o || o->cancelled || o->start_ms != e->start_ms)) {
            e->cancelled = true; /* discarded by the next sched_next */
            e->moved = o && !o->cancelled;
            if (a)
                a->state = was;
        }
        if (e->state == SCHED_ON_AIR)
            mark_revoke(s, e, o, occs, n);
        i++;
    }
}

struct sched_entry *sched_add_adhoc(struct sched *s, const struct plan_item *item,
                                    enum plan_level level, int64_t now_ms)
{
    struct sched_entry *e = xcalloc(1, sizeof *e);
    /* Keys must be unique even for two requests in the same millisecond. */
    int64_t t = now_ms > s->last_adhoc_ms ? now_ms : s->last_adhoc_ms + 1;
    s->last_adhoc_ms = t;
    snprintf(e->key, sizeof e->key, "adhoc/%lld", (long long)t);
    e->own = plan_item_dup(item);
    e->item = e->own;
    e->start_ms = e->end_ms = now_ms;
    e->deadline_ms = now_ms + s->o.grace_ms;
    e->level = level;
    e->source = level == PLAN_LEVEL_EMERGENCY ? SCHED_SOURCE_EMERGENCY : SCHED_SOURCE_ADHOC;
    e->state = SCHED_PENDING;
    extra_add(s, e);
    return e;
}

void sched_note_jump(struct sched *s, int64_t from_ms, int64_t to_ms)
{
    if (to_ms <= from_ms) { /* back (a correction): times are good again */
        s->jump_from = s->jump_to = s->hold_until = INT64_MIN;
        return;
    }
    bool holding = s->hold_until > from_ms;
    if (!holding || from_ms < s->jump_from)
        s->jump_from = from_ms;
    s->jump_to = to_ms;
    s->hold_until = s->o.jump_hold_ms > 0 ? to_ms + s->o.jump_hold_ms : INT64_MIN;
}

void sched_revoked(struct sched *s, struct sched_entry *e)
{
    if (!e->revoking)
        return;
    size_t i = e->revoke_idx;
    if (e->revoke_restore && i < s->n_arr && strcmp(s->arr[i].key, e->key) == 0) {
        s->arr[i].state = SCHED_PENDING; /* airs at its new time */
        if (i < s->head)
            s->head = i;
    }
    if (e->absorb_idx < s->n_arr)
        s->arr[e->absorb_idx].absorbed = false;
    finish(s, e, false);
}

/* ---- deciding ---- */

static struct sched_entry *find_state(const struct sched *s, enum sched_state st)
{
    /* newest first: the one started last is "on air" */
    for (size_t i = s->n_extra; i-- > 0;)
        if (s->extra[i]->state == st)
            return s->extra[i];
    return NULL;
}

struct sched_entry *sched_on_air(const struct sched *s)
{
    return find_state(s, SCHED_ON_AIR);
}

struct sched_entry *sched_prepared(const struct sched *s)
{
    return find_state(s, SCHED_PREPARED);
}

static bool approved(const struct sched *s, const struct sched_entry *e)
{
    if (s->o.approved)
        return s->o.approved(s->o.approved_ud, e->item);
    return !s->o.require_approval || e->item->approved;
}

static bool airable(const struct sched *s, const struct sched_entry *e)
{
    return !e->cancelled && !e->out_of_hours && approved(s, e);
}

/* Is a preferred over b for the next slot? Due entries (start <= now) by
 * level then start; an emergency coming while something lower is on air
 * goes first so it is ready to cut in; otherwise the earliest start. */
static bool better(const struct sched_entry *a, const struct sched_entry *b, int64_t now,
                   bool emerg_first)
{
    if (emerg_first) {
        bool ea = a->level == PLAN_LEVEL_EMERGENCY, eb = b->level == PLAN_LEVEL_EMERGENCY;
        if (ea != eb)
            return ea;
    }
    bool da = a->start_ms <= now, db = b->start_ms <= now;
    if (da != db)
        return da;
    if (da && a->level != b->level)
        return a->level > b->level;
    if (a->start_ms != b->start_ms)
        return a->start_ms < b->start_ms;
    if (a->level != b->level)
        return a->level > b->level;
    return strcmp(a->key, b->key) < 0;
}

static const char *missed_reason(const struct sched *s, const struct sched_entry *e)
{
    if (e->deadline_ms <= s->o.boot_ms)
        return REASON_NOT_RUNNING;
    if (e->deadline_ms > s->jump_from && e->deadline_ms <= s->jump_to)
        return REASON_CLOCK_JUMP;
    if (e->requeued)
        return REASON_CUT_NO_RESUME;
    return REASON_GRACE;
}

/* A plan entry the last forward step of the clock made due or late,
 * while the hold lasts: not started, not written off (see jump_hold_ms). */
static bool held(const struct sched *s, const struct sched_entry *e, int64_t now)
{
    return now < s->hold_until && e->source == SCHED_SOURCE_PLAN &&
           e->deadline_ms > s->jump_from;
}

static int64_t stall_ms(const struct sched *s)
{
    return s->o.stall_ms > 0 ? s->o.stall_ms : 5000;
}

static void lower(int64_t *at, int64_t t, int64_t now)
{
    if (t > now && t < *at)
        *at = t;
}

/* Looks at one pending entry: returns true with act filled when it needs a
 * log row now; else considers it as candidate and notes when it next
 * matters. */
static bool visit(struct sched *s, struct sched_entry *e, int64_t now, bool emerg_first,
                  struct sched_entry **best, int64_t *at, struct sched_action *act)
{
    if (e->state != SCHED_PENDING && e->state != SCHED_PREPARED)
        return false;
    if (e->absorbed && e->state == SCHED_PENDING) {
        if (now < e->absorb_at_ms) {
            lower(at, e->absorb_at_ms, now);
            return false;
        }
        act->kind = SCHED_CANCELLED;
        act->reason = REASON_ABSORBED;
        return true;
    }
    if (held(s, e, now)) {
        lower(at, s->hold_until, now);
        return false;
    }
    if (e->start_ms <= now && e->state == SCHED_PENDING && !airable(s, e)) {
        act->kind = e->cancelled ? SCHED_CANCELLED : SCHED_MISSED;
        act->reason = e->cancelled        ? ""
                      : approved(s, e)    ? REASON_HOURS
                      : e->item->approved ? REASON_NOT_APPROVED
                                          : REASON_TENTATIVE;
        return true;
    }
    if (e->deadline_ms <= now && airable(s, e)) {
        act->kind = SCHED_MISSED;
        act->reason = missed_reason(s, e);
        return true;
    }
    lower(at, e->start_ms, now);
    if (!airable(s, e))
        return false;
    lower(at, e->deadline_ms, now);
    if (e->start_ms - s->o.prepare_ms > now) {
        lower(at, e->start_ms - s->o.prepare_ms, now);
        return false;
    }
    if (!*best || better(e, *best, now, emerg_first))
        *best = e;
    return false;
}

void sched_next(struct sched *s, int64_t now, struct sched_action *act)
{
    memset(act, 0, sizeof *act);
    entry_free(s->zombie);
    s->zombie = NULL;

    struct sched_entry *prep = sched_prepared(s), *cur = sched_on_air(s);
    bool stopping = find_state(s, SCHED_STOPPING) != NULL;

    for (size_t i = 0; i < s->n_extra; i++) {
        struct sched_entry *e = s->extra[i];
        if (!e->revoke)
            continue;
        e->revoke = false;
        if (e->state == SCHED_ON_AIR && now < e->start_ms) {
            e->revoking = true; /* on air until sched_revoked or sched_ended */
            act->kind = SCHED_REVOKE;
            act->entry = e;
            act->reason = REASON_REVOKED;
            return;
        }
    }

    if (prep && prep->cancelled) {
        act->kind = SCHED_DISCARD;
        act->entry = prep;
        act->reason = prep->moved ? N_("moved in the plan") : N_("no longer in the plan");
        finish(s, prep, true);
        return;
    }
    /* an approval withdrawn or lapsed (a rejection, an edit) while it was
     * prepared: it waits again, and is missed at its start if still so */
    if (prep && !prep->cancelled && !approved(s, prep)) {
        act->kind = SCHED_DISCARD;
        act->entry = prep;
        act->reason = N_("no longer approved");
        prep->state = SCHED_PENDING;
        return;
    }

    int64_t at = INT64_MAX;
    /* The slot's end (opts.slot_cut): faded out so the sound ends there,
     * unless its programme is known to fit. */
    for (size_t i = 0; i < s->n_extra; i++) {
        struct sched_entry *e = s->extra[i];
        if (e->state != SCHED_ON_AIR || !e->slot_end_ms)
            continue;
        if (e->length_ms > 0 && e->started_ms + e->length_ms <= e->slot_end_ms)
            continue;
        int64_t t = e->slot_end_ms - s->o.fade_ms;
        if (t < e->started_ms)
            t = e->started_ms;
        if (t > now) {
            lower(&at, t, now);
            continue;
        }
        act->kind = SCHED_SLOT_END;
        act->entry = e;
        act->at_ms = e->slot_end_ms;
        act->reason = REASON_SLOT_END;
        e->state = SCHED_STOPPING;
        e->stop_asked = e->slot_cut = true;
        e->watch_ms = now + s->o.fade_ms + stall_ms(s);
        return;
    }
    /* The watchdog: an entry on air past its expected length is asked to
     * stop; one asked to stop that has still not ended is abandoned. */
    for (size_t i = 0; i < s->n_extra; i++) {
        struct sched_entry *e = s->extra[i];
        if ((e->state != SCHED_ON_AIR && e->state != SCHED_STOPPING) || !e->watch_ms)
            continue;
        if (e->watch_ms > now) {
            lower(&at, e->watch_ms, now);
            continue;
        }
        act->entry = e;
        if (!e->stop_asked) {
            act->kind = SCHED_OVERRUN;
            act->reason = REASON_OVERRAN;
            e->stop_asked = true;
            e->state = SCHED_STOPPING;
            e->watch_ms = now + stall_ms(s);
        } else {
            act->kind = SCHED_STALLED;
            act->reason = REASON_STALLED;
            finish(s, e, true);
        }
        return;
    }
    struct sched_entry *best = NULL;
    /* While something lower is on air, or being cut for an emergency, an
     * emergency in the window keeps the prepared slot, so it starts on time. */
    bool emerg_first = (cur && cur->level < PLAN_LEVEL_EMERGENCY) || stopping;
    while (s->head < s->n_arr && s->arr[s->head].state == SCHED_DONE)
        s->head++;
    for (size_t i = s->head; i < s->n_arr; i++) {
        struct sched_entry *e = &s->arr[i];
        if (e->start_ms - s->o.prepare_ms > now) {
            lower(&at, e->start_ms - s->o.prepare_ms, now);
            if (!airable(s, e))
                lower(&at, e->start_ms, now);
            break;
        }
        if (visit(s, e, now, emerg_first, &best, &at, act)) {
            act->entry = e;
            finish(s, e, true);
            return;
        }
    }
    for (size_t i = 0; i < s->n_extra; i++) {
        struct sched_entry *e = s->extra[i];
        if (visit(s, e, now, emerg_first, &best, &at, act)) {
            act->entry = e;
            finish(s, e, true);
            return;
        }
    }

    if (prep && best && best != prep) {
        act->kind = SCHED_DISCARD;
        act->entry = prep;
        act->reason = N_("a more urgent programme goes first");
        prep->state = SCHED_PENDING; /* stays queued (own copy kept) */
        return;
    }
    if (prep && cur && prep->level == PLAN_LEVEL_EMERGENCY && cur->level < PLAN_LEVEL_EMERGENCY) {
        if (now >= prep->start_ms - s->o.fade_ms) {
            act->kind = SCHED_PREEMPT;
            act->entry = cur;
            cur->state = SCHED_STOPPING;
            cur->stop_asked = true;
            cur->watch_ms = now + s->o.fade_ms + stall_ms(s);
            return;
        }
        lower(&at, prep->start_ms - s->o.fade_ms, now);
    }
    if (prep && !cur && (!stopping || prep->level == PLAN_LEVEL_EMERGENCY)) {
        if (held(s, prep, now)) {
            lower(&at, s->hold_until, now);
        } else if (s->o.arm_ms > 0 && prep->start_ms - s->o.arm_ms > now) {
            lower(&at, prep->start_ms - s->o.arm_ms, now); /* armed later */
        } else {
            act->kind = SCHED_START;
            act->entry = prep;
            act->at_ms = prep->start_ms > now ? prep->start_ms : 0;
            prep->state = SCHED_ON_AIR;
            prep->stop_asked = prep->slot_cut = false;
            prep->watch_ms = 0;
            prep->started_ms = act->at_ms ? act->at_ms : now;
            prep->slot_end_ms = 0;
            int64_t slot = prep->end_ms - prep->start_ms - prep->skip_ms;
            if (s->o.slot_cut && prep->source == SCHED_SOURCE_PLAN &&
                prep->level != PLAN_LEVEL_EMERGENCY && prep->end_ms > prep->start_ms &&
                slot > 0)
                prep->slot_end_ms = prep->started_ms + slot;
            if (prep->length_ms > 0) {
                int64_t margin = prep->length_ms / 10;
                int64_t min = s->o.overrun_min_ms > 0 ? s->o.overrun_min_ms : 30000;
                prep->watch_ms = (act->at_ms ? act->at_ms : now) + prep->length_ms +
                                 (margin > min ? margin : min);
            }
            return;
        }
    }
    if (!prep && best) {
        struct sched_entry *e = detach(s, best);
        e->state = SCHED_PREPARED;
        act->kind = SCHED_PREPARE;
        act->entry = e;
        act->at_ms = e->start_ms;
        return;
    }
    act->kind = SCHED_IDLE;
    act->at_ms = at;
}

void sched_set_length(struct sched *s, struct sched_entry *e, int64_t length_ms)
{
    (void)s;
    e->length_ms = length_ms > 0 ? length_ms : 0;
}

void sched_failed(struct sched *s, struct sched_entry *e)
{
    finish(s, e, false);
}

struct sched_entry *sched_stop_current(struct sched *s)
{
    struct sched_entry *cur = sched_on_air(s);
    if (cur)
        cur->state = SCHED_STOPPING;
    return cur;
}

void sched_ended(struct sched *s, struct sched_entry *e, bool preempted, int64_t played_ms,
                 int64_t now_ms)
{
    if (preempted && s->o.preempt != SCHED_CUT_DROP) {
        e->requeued++;
        e->skip_ms = s->o.preempt == SCHED_CUT_RESUME ? e->skip_ms + played_ms : 0;
        e->deadline_ms = now_ms + s->o.grace_ms;
        e->state = SCHED_PENDING;
        e->watch_ms = 0;
        e->stop_asked = false;
        e->length_ms = 0; /* the next prepare says */
        return;
    }
    finish(s, e, false);
}

size_t sched_upcoming(const struct sched *s, int64_t now_ms, const struct sched_entry **out,
                      size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_extra && n < max; i++)
        if (s->extra[i]->state == SCHED_PENDING)
            out[n++] = s->extra[i];
    for (size_t i = s->head; i < s->n_arr && n < max; i++) {
        const struct sched_entry *e = &s->arr[i];
        if (e->state == SCHED_PENDING && e->start_ms + s->o.grace_ms > now_ms && airable(s, e))
            out[n++] = e;
    }
    /* insertion sort by start: n is small */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j]->start_ms < out[j - 1]->start_ms; j--) {
            const struct sched_entry *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

size_t sched_pending_count(const struct sched *s)
{
    size_t n = 0;
    for (size_t i = s->head; i < s->n_arr; i++)
        n += s->arr[i].state == SCHED_PENDING;
    for (size_t i = 0; i < s->n_extra; i++)
        n += s->extra[i]->state == SCHED_PENDING;
    return n;
}
