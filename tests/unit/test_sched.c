/* The scheduling core on a virtual clock: preparing ahead, starting on
 * time, late within grace, missed beyond it, cancelled and unapproved
 * items, back-to-back collisions by level then start, emergency preemption
 * under each policy, plan reloads and what the log already holds. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "sched/sched.h"
#include "sim/simrun.h"
#include "unit.h"

#define T0 1800000000000LL /* an arbitrary instant, ms */
#define SEC 1000LL
#define MIN (60 * SEC)

static const char *audio1[] = {"a.wav"};

static struct plan_item mkitem(const char *uid, enum plan_level level, bool approved)
{
    struct plan_item it = {0};
    it.uid = uid;
    it.file = "test.ics";
    it.summary = uid;
    it.description = "";
    it.unit = "";
    it.audio = audio1;
    it.n_audio = 1;
    it.level = level;
    it.priority = level == PLAN_LEVEL_EMERGENCY ? 1 : level == PLAN_LEVEL_PRIORITY ? 3 : 0;
    it.approved = approved;
    return it;
}

static struct plan_occurrence mkocc(const struct plan_item *it, int64_t start, bool cancelled)
{
    struct plan_occurrence o = {0};
    o.item = it;
    o.start_ms = o.end_ms = o.recurrence_id_ms = start;
    snprintf(o.key, sizeof o.key, "%s/%lld", it->uid, (long long)((start - T0) / SEC));
    o.cancelled = cancelled;
    return o;
}

/* The record of what happened, one event per line: "+SECONDS what key". */
struct trace {
    struct strbuf b;
    int64_t dur_ms;          /* every programme lasts this long */
    const char *refuse_key;  /* begin() refuses it, as the log does for a repeat */
    const char *stall_key;   /* its output wedges once started: it never ends */
};

static void ev(struct trace *t, int64_t now, const char *what, const struct sched_entry *e)
{
    strbuf_printf(&t->b, "+%lld %s %s\n", (long long)((now - T0) / SEC), what, e->key);
}

static int64_t t_duration(void *ud, const struct sched_entry *e, const char **why)
{
    struct trace *t = ud;
    (void)why;
    return t->dur_ms - e->skip_ms;
}

static void t_action(void *ud, const struct sched_action *a, int64_t now)
{
    struct trace *t = ud;
    switch (a->kind) {
    case SCHED_MISSED:
        strbuf_printf(&t->b, "+%lld missed %s (%s)\n", (long long)((now - T0) / SEC),
                      a->entry->key, a->reason);
        break;
    case SCHED_CANCELLED: ev(t, now, "cancelled", a->entry); break;
    case SCHED_DISCARD: ev(t, now, "discard", a->entry); break;
    case SCHED_PREPARE: ev(t, now, "prepare", a->entry); break;
    case SCHED_OVERRUN: ev(t, now, "overrun", a->entry); break;
    case SCHED_REVOKE: ev(t, now, "revoke", a->entry); break;
    case SCHED_SLOT_END:
        strbuf_printf(&t->b, "+%lld slotend %s at +%lld (%s)\n", (long long)((now - T0) / SEC),
                      a->entry->key, (long long)((a->at_ms - T0) / SEC), a->reason);
        break;
    case SCHED_STALLED:
        strbuf_printf(&t->b, "+%lld stalled %s (%s)\n", (long long)((now - T0) / SEC),
                      a->entry->key, a->reason);
        break;
    default: ck_abort_msg("unexpected action %d", a->kind);
    }
}

static bool t_begin(void *ud, const struct sched_entry *e, int64_t start)
{
    struct trace *t = ud;
    if (t->refuse_key && strcmp(t->refuse_key, e->key) == 0)
        return false;
    if (e->skip_ms)
        strbuf_printf(&t->b, "+%lld start %s skip %lld\n", (long long)((start - T0) / SEC),
                      e->key, (long long)(e->skip_ms / SEC));
    else
        ev(t, start, "start", e);
    return true;
}

static void t_end(void *ud, const struct sched_entry *e, int64_t start, int64_t end,
                  int64_t played, bool preempted)
{
    struct trace *t = ud;
    (void)start; (void)played;
    ev(t, end, preempted ? "cut" : e->slot_cut ? "slotcut" : "end", e);
}

static void t_failed(void *ud, const struct sched_entry *e, int64_t now, const char *why)
{
    (void)why;
    ev(ud, now, "failed", e);
}

static bool t_stalls(void *ud, const struct sched_entry *e)
{
    struct trace *t = ud;
    return t->stall_key && strcmp(t->stall_key, e->key) == 0;
}

static const struct simrun_ops ops = {t_duration, t_action, t_begin, t_end, t_failed, t_stalls};

static struct sched_opts opts(void)
{
    struct sched_opts o = {0};
    o.grace_ms = 10 * MIN;
    o.prepare_ms = 5 * SEC;
    o.fade_ms = 1 * SEC;
    o.preempt = SCHED_CUT_DROP;
    o.require_approval = true;
    o.boot_ms = T0 - 3600 * SEC;
    return o;
}

/* Runs occs from `from` and returns the trace (caller frees). */
static char *run_stall(const struct sched_opts *o, const struct plan_occurrence *occs, size_t n,
                       int64_t from, int64_t dur, const char *stall_key)
{
    struct trace t = {.dur_ms = dur, .stall_key = stall_key};
    struct sched *s = sched_new(o);
    sched_load(s, occs, n, NULL, NULL);
    simrun_run(s, from, o->fade_ms, &ops, &t);
    sched_free(s);
    return t.b.s ? strbuf_steal(&t.b) : xstrdup("");
}

static char *run(const struct sched_opts *o, const struct plan_occurrence *occs, size_t n,
                 int64_t from, int64_t dur)
{
    return run_stall(o, occs, n, from, dur, NULL);
}

START_TEST(test_on_time_in_order)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 60 * SEC, false),
                                    mkocc(&b, T0 + 120 * SEC, false)};
    struct sched_opts o = opts();
    char *tr = run(&o, occ, 2, T0, 30 * SEC);
    ck_assert_str_eq(tr, "+55 prepare a/60\n+60 start a/60\n+90 end a/60\n"
                         "+115 prepare b/120\n+120 start b/120\n+150 end b/120\n");
    free(tr);
}
END_TEST

START_TEST(test_late_within_grace_and_missed)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0, false), mkocc(&b, T0 + 60 * SEC, false)};
    struct sched_opts o = opts();
    /* started 5 minutes late: both airs late; a takes 20 min so b is missed */
    o.boot_ms = T0 + 5 * MIN;
    char *tr = run(&o, occ, 2, T0 + 5 * MIN, 20 * MIN);
    ck_assert_str_eq(tr, "+300 prepare a/0\n+300 start a/0\n+300 prepare b/60\n"
                         "+660 missed b/60 (could not start within the grace period)\n"
                         "+1500 end a/0\n");
    free(tr);
    /* started after both deadlines: the daemon was not running */
    o.boot_ms = T0 + 30 * MIN;
    tr = run(&o, occ, 2, T0 + 30 * MIN, 20 * MIN);
    ck_assert_str_eq(tr, "+1800 missed a/0 (the daemon was not running)\n"
                         "+1800 missed b/60 (the daemon was not running)\n");
    free(tr);
}
END_TEST

START_TEST(test_cancelled_and_unapproved)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item t = mkitem("t", PLAN_LEVEL_NORMAL, false);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, true),
                                    mkocc(&t, T0 + 20 * SEC, false)};
    struct sched_opts o = opts();
    char *tr = run(&o, occ, 2, T0, 5 * SEC);
    ck_assert_str_eq(tr, "+10 cancelled a/10\n"
                         "+20 missed t/20 (not approved (STATUS:TENTATIVE))\n");
    free(tr);
    o.require_approval = false;
    tr = run(&o, occ, 2, T0, 5 * SEC);
    ck_assert_str_eq(tr, "+10 cancelled a/10\n+15 prepare t/20\n+20 start t/20\n+25 end t/20\n");
    free(tr);
}
END_TEST

/* station.approval: the daemon's approvals decide through opts.approved */
static bool approve_b(void *ud, const struct plan_item *it)
{
    (*(int *)ud)++;
    return strcmp(it->uid, "b") == 0;
}

START_TEST(test_approved_callback)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_item t = mkitem("t", PLAN_LEVEL_NORMAL, false);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false),
                                    mkocc(&b, T0 + 20 * SEC, false),
                                    mkocc(&t, T0 + 30 * SEC, false)};
    struct sched_opts o = opts();
    int calls = 0;
    o.approved = approve_b;
    o.approved_ud = &calls;
    /* a is confirmed but not approved: it waits like t, with its own reason */
    char *tr = run(&o, occ, 3, T0, 5 * SEC);
    ck_assert_str_eq(tr, "+10 missed a/10 (not approved (no approval of its current content))\n"
                         "+15 prepare b/20\n+20 start b/20\n+25 end b/20\n"
                         "+30 missed t/30 (not approved (STATUS:TENTATIVE))\n");
    free(tr);
    ck_assert_int_gt(calls, 0);
    /* the callback decides even without require_approval (signed mode) */
    o.require_approval = false;
    tr = run(&o, occ, 3, T0, 5 * SEC);
    ck_assert_ptr_nonnull(strstr(tr, "+10 missed a/10 (not approved (no approval"));
    ck_assert_ptr_null(strstr(tr, "start t/30"));
    free(tr);
}
END_TEST

START_TEST(test_collision_back_to_back)
{
    /* n1 starts first; p (priority) and n2 (normal, earlier) collide with it
     * and then with each other: p goes before n2 despite starting later. */
    struct plan_item n1 = mkitem("n1", PLAN_LEVEL_NORMAL, true);
    struct plan_item n2 = mkitem("n2", PLAN_LEVEL_NORMAL, true);
    struct plan_item n3 = mkitem("n3", PLAN_LEVEL_NORMAL, true);
    struct plan_item p = mkitem("p", PLAN_LEVEL_PRIORITY, true);
    struct plan_occurrence occ[] = {mkocc(&n1, T0 + 10 * SEC, false),
                                    mkocc(&n2, T0 + 20 * SEC, false),
                                    mkocc(&n3, T0 + 20 * SEC, false),
                                    mkocc(&p, T0 + 30 * SEC, false)};
    struct sched_opts o = opts();
    char *tr = run(&o, occ, 4, T0, 60 * SEC);
    ck_assert_str_eq(tr, "+5 prepare n1/10\n+10 start n1/10\n+15 prepare n2/20\n"
                         "+30 discard n2/20\n+30 prepare p/30\n+70 end n1/10\n+70 start p/30\n"
                         "+70 prepare n2/20\n+130 end p/30\n+130 start n2/20\n"
                         "+130 prepare n3/20\n+190 end n2/20\n+190 start n3/20\n"
                         "+250 end n3/20\n");
    free(tr);
}
END_TEST

static char *emergency_run(enum sched_cut_policy policy)
{
    struct plan_item n = mkitem("n", PLAN_LEVEL_NORMAL, true);
    struct plan_item e = mkitem("e", PLAN_LEVEL_EMERGENCY, true);
    struct plan_occurrence occ[] = {mkocc(&n, T0 + 10 * SEC, false),
                                    mkocc(&e, T0 + 40 * SEC, false)};
    struct sched_opts o = opts();
    o.preempt = policy;
    return run(&o, occ, 2, T0, 60 * SEC);
}

START_TEST(test_emergency_policies)
{
    char *tr = emergency_run(SCHED_CUT_DROP);
    /* the cut begins one fade before the emergency, which starts on time */
    ck_assert_str_eq(tr, "+5 prepare n/10\n+10 start n/10\n+35 prepare e/40\n"
                         "+40 start e/40\n+40 cut n/10\n+100 end e/40\n");
    free(tr);
    tr = emergency_run(SCHED_CUT_RESTART);
    ck_assert_str_eq(tr, "+5 prepare n/10\n+10 start n/10\n+35 prepare e/40\n"
                         "+40 start e/40\n+40 cut n/10\n+40 prepare n/10\n+100 end e/40\n"
                         "+100 start n/10\n+160 end n/10\n");
    free(tr);
    tr = emergency_run(SCHED_CUT_RESUME);
    ck_assert_str_eq(tr, "+5 prepare n/10\n+10 start n/10\n+35 prepare e/40\n"
                         "+40 start e/40\n+40 cut n/10\n+40 prepare n/10\n+100 end e/40\n"
                         "+100 start n/10 skip 30\n+130 end n/10\n");
    free(tr);
}
END_TEST

START_TEST(test_emergency_does_not_cut_emergency)
{
    struct plan_item e1 = mkitem("e1", PLAN_LEVEL_EMERGENCY, true);
    struct plan_item e2 = mkitem("e2", PLAN_LEVEL_EMERGENCY, true);
    struct plan_occurrence occ[] = {mkocc(&e1, T0 + 10 * SEC, false),
                                    mkocc(&e2, T0 + 20 * SEC, false)};
    struct sched_opts o = opts();
    char *tr = run(&o, occ, 2, T0, 30 * SEC);
    ck_assert_str_eq(tr, "+5 prepare e1/10\n+10 start e1/10\n+15 prepare e2/20\n"
                         "+40 end e1/10\n+40 start e2/20\n+70 end e2/20\n");
    free(tr);
}
END_TEST

static bool logged_a(void *ud, const char *key)
{
    (void)ud;
    return strncmp(key, "a/", 2) == 0;
}

START_TEST(test_logged_never_airs_again)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false),
                                    mkocc(&b, T0 + 20 * SEC, false)};
    struct sched_opts o = opts();
    struct trace t = {.dur_ms = SEC};
    struct sched *s = sched_new(&o);
    sched_load(s, occ, 2, logged_a, NULL);
    simrun_run(s, T0, o.fade_ms, &ops, &t);
    ck_assert_str_eq(t.b.s, "+15 prepare b/20\n+20 start b/20\n+21 end b/20\n");
    sched_free(s);
    strbuf_free(&t.b);
    /* and when the log refuses the row at start, it does not air */
    struct trace t2 = {.dur_ms = SEC, .refuse_key = "b/20"};
    s = sched_new(&o);
    sched_load(s, occ, 2, logged_a, NULL);
    simrun_run(s, T0, o.fade_ms, &ops, &t2);
    ck_assert_str_eq(t2.b.s, "+15 prepare b/20\n");
    sched_free(s);
    strbuf_free(&t2.b);
}
END_TEST

START_TEST(test_reload_keeps_on_air_and_discards_removed)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false),
                                    mkocc(&b, T0 + 20 * SEC, false)};
    struct sched_opts o = opts();
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, occ, 2, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    ck_assert_int_eq(act.at_ms, T0 + 10 * SEC);
    struct sched_entry *on = act.entry;
    sched_next(s, T0 + 15 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_str_eq(act.entry->key, "b/20");
    /* the new plan has a again (on air: not repeated) and no b */
    struct plan_item a2 = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ2[] = {mkocc(&a2, T0 + 10 * SEC, false)};
    sched_load(s, occ2, 1, NULL, NULL);
    ck_assert_ptr_eq(sched_on_air(s), on);
    ck_assert_str_eq(on->item->uid, "a"); /* its own copy survives the old plan */
    sched_next(s, T0 + 16 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_DISCARD);
    ck_assert_str_eq(act.entry->key, "b/20");
    sched_next(s, T0 + 16 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == INT64_MAX);
    sched_ended(s, on, false, 5 * SEC, T0 + 17 * SEC);
    ck_assert_ptr_null(sched_on_air(s));
    sched_next(s, T0 + 17 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    sched_free(s);
}
END_TEST

START_TEST(test_adhoc_and_operator_stop)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct sched_opts o = opts();
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, NULL, 0, NULL, NULL);
    struct sched_entry *e1 = sched_add_adhoc(s, &a, PLAN_LEVEL_NORMAL, T0);
    struct sched_entry *e2 = sched_add_adhoc(s, &a, PLAN_LEVEL_EMERGENCY, T0);
    ck_assert_str_ne(e1->key, e2->key);
    ck_assert_int_eq(e2->source, SCHED_SOURCE_EMERGENCY);
    sched_next(s, T0, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_ptr_eq(act.entry, e2); /* higher level first */
    sched_next(s, T0, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    ck_assert_int_eq(act.at_ms, 0);
    ck_assert_ptr_eq(sched_stop_current(s), e2);
    ck_assert_ptr_null(sched_stop_current(s));
    sched_next(s, T0, &act); /* e1 prepared while e2 fades */
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_ptr_eq(act.entry, e1);
    sched_next(s, T0, &act); /* but a normal item waits for the fade to end */
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    sched_ended(s, e2, false, 100, T0 + 300);
    sched_next(s, T0 + 300, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    ck_assert_ptr_eq(act.entry, e1);
    sched_free(s);
}
END_TEST

START_TEST(test_year_of_daily_items)
{
    /* 3 items a day for a year: all air, in order; the core stays fast
     * because it only looks near "now" (a quadratic scan would time out). */
    enum { DAYS = 366, PER_DAY = 3 };
    struct plan_item it = mkitem("d", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence *occ = xcalloc(DAYS * PER_DAY, sizeof *occ);
    for (int i = 0; i < DAYS * PER_DAY; i++)
        occ[i] = mkocc(&it, T0 + (int64_t)(i / PER_DAY) * 86400 * SEC +
                                (int64_t)(i % PER_DAY) * 3600 * SEC, false);
    struct sched_opts o = opts();
    struct trace t = {.dur_ms = 10 * MIN};
    struct sched *s = sched_new(&o);
    sched_load(s, occ, DAYS * PER_DAY, NULL, NULL);
    simrun_run(s, T0, o.fade_ms, &ops, &t);
    int starts = 0;
    for (const char *p = t.b.s; (p = strstr(p, " start ")); p++)
        starts++;
    ck_assert_int_eq(starts, DAYS * PER_DAY);
    ck_assert_ptr_null(strstr(t.b.s, "missed"));
    ck_assert_uint_eq(sched_pending_count(s), 0);
    sched_free(s);
    strbuf_free(&t.b);
    free(occ);
}
END_TEST

START_TEST(test_jump_and_failed_prepare)
{
    /* a step of the wall clock past an occurrence's deadline says so */
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 60 * SEC, false),
                                    mkocc(&b, T0 + 30 * MIN, false)};
    struct sched_opts o = opts();
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, occ, 2, NULL, NULL);
    sched_next(s, T0, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert_int_eq(act.at_ms, T0 + 55 * SEC);
    sched_note_jump(s, T0, T0 + 20 * MIN);
    sched_next(s, T0 + 20 * MIN, &act);
    ck_assert_int_eq(act.kind, SCHED_MISSED);
    ck_assert_str_eq(act.reason, "the clock jumped forward past it");
    sched_next(s, T0 + 20 * MIN, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert_int_eq(act.at_ms, T0 + 30 * MIN - 5 * SEC);
    /* a programme that cannot be prepared is done, the next one goes on */
    sched_next(s, T0 + 30 * MIN - 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    sched_failed(s, act.entry);
    sched_next(s, T0 + 30 * MIN - 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == INT64_MAX);
    ck_assert_uint_eq(sched_pending_count(s), 0);
    sched_free(s);
}
END_TEST

START_TEST(test_emergency_displaces_prepared)
{
    /* n1 on air, n2 due and prepared behind it; an emergency coming in
     * 3 s takes the prepared slot so it is ready to cut in on time */
    struct plan_item n1 = mkitem("n1", PLAN_LEVEL_NORMAL, true);
    struct plan_item n2 = mkitem("n2", PLAN_LEVEL_NORMAL, true);
    struct plan_item e = mkitem("e", PLAN_LEVEL_EMERGENCY, true);
    struct plan_occurrence occ[] = {mkocc(&n1, T0, false), mkocc(&n2, T0 + 5 * SEC, false),
                                    mkocc(&e, T0 + 20 * SEC, false)};
    struct sched_opts o = opts();
    char *tr = run(&o, occ, 3, T0, 60 * SEC);
    ck_assert_str_eq(tr, "+0 prepare n1/0\n+0 start n1/0\n+0 prepare n2/5\n"
                         "+15 discard n2/5\n+15 prepare e/20\n"
                         /* the cut begins one fade early; e is started at once for
                          * its planned instant, n2 is prepared behind it */
                         "+20 start e/20\n+19 prepare n2/5\n+20 cut n1/0\n"
                         "+80 end e/20\n+80 start n2/5\n+140 end n2/5\n");
    free(tr);
}
END_TEST

START_TEST(test_clock)
{
    struct lclock *c = lclock_fake_new(T0);
    struct lclock_mark m;
    lclock_mark(c, &m);
    lclock_fake_advance(c, 5 * SEC);
    ck_assert_int_eq(lclock_now_ms(c), T0 + 5 * SEC);
    ck_assert_int_eq(lclock_mono_ms(c), 5 * SEC);
    ck_assert_int_eq(lclock_jump_check(c, &m, 1000), 0);
    lclock_fake_jump(c, -3600 * SEC);
    ck_assert_int_eq(lclock_jump_check(c, &m, 1000), -3600 * SEC);
    ck_assert_int_eq(lclock_jump_check(c, &m, 1000), 0); /* re-marked */
    lclock_fake_jump(c, 999);
    ck_assert_int_eq(lclock_jump_check(c, &m, 1000), 0); /* within tolerance */
    lclock_free(c);
    struct lclock *sys = lclock_system();
    ck_assert_int_gt(lclock_now_ms(sys), 1577836800000LL); /* after 2020 */
    int64_t a = lclock_mono_ms(sys), b = lclock_mono_ms(sys);
    ck_assert_int_ge(b, a);
    lclock_free(sys); /* a no-op for the shared system clock */
    ck_assert_int_gt(lclock_now_ms(lclock_system()), 0);
}
END_TEST

/* A wedged output: the programme never ends. Its expected length (20 s)
 * plus the margin (30 s) passes: it is asked to stop; 5 s later it is
 * abandoned as stalled, and what waits airs at once (b, late within
 * grace) and what comes later on time (c). */
START_TEST(test_watchdog_stalled_output)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_item c = mkitem("c", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false),
                                    mkocc(&b, T0 + 62 * SEC, false),
                                    mkocc(&c, T0 + 120 * SEC, false)};
    struct sched_opts o = opts();
    char *tr = run_stall(&o, occ, 3, T0, 20 * SEC, "a/10");
    ck_assert_str_eq(tr, "+5 prepare a/10\n"
                         "+10 start a/10\n"
                         "+57 prepare b/62\n"
                         "+60 overrun a/10\n"
                         "+65 stalled a/10 (output stalled)\n"
                         "+65 start b/62\n"
                         "+85 end b/62\n"
                         "+115 prepare c/120\n"
                         "+120 start c/120\n"
                         "+140 end c/120\n");
    free(tr);
    /* a long programme: the margin is 10% of it (600 s of 6000 s) */
    struct plan_occurrence one[] = {mkocc(&a, T0 + 10 * SEC, false)};
    tr = run_stall(&o, one, 1, T0, 6000 * SEC, "a/10");
    ck_assert_str_eq(tr, "+5 prepare a/10\n+10 start a/10\n+6610 overrun a/10\n"
                         "+6615 stalled a/10 (output stalled)\n");
    free(tr);
    /* set margins; and a healthy output never trips it */
    o.overrun_min_ms = 2 * SEC;
    o.stall_ms = 1 * SEC;
    tr = run_stall(&o, one, 1, T0, 20 * SEC, "a/10");
    ck_assert_str_eq(tr, "+5 prepare a/10\n+10 start a/10\n+32 overrun a/10\n"
                         "+33 stalled a/10 (output stalled)\n");
    free(tr);
    tr = run_stall(&o, occ, 3, T0, 20 * SEC, NULL);
    ck_assert_str_eq(tr, "+5 prepare a/10\n+10 start a/10\n+30 end a/10\n"
                         "+57 prepare b/62\n+62 start b/62\n+82 end b/62\n"
                         "+115 prepare c/120\n+120 start c/120\n+140 end c/120\n");
    free(tr);
}
END_TEST

/* The deadline is one the loop sleeps until; a programme that does end
 * when asked ends as usual (no stall); unknown length: no watchdog; an
 * emergency's cut that never ends is abandoned after fade + stall. */
START_TEST(test_watchdog_deadlines)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false)};
    struct sched_opts o = opts();
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    sched_set_length(s, act.entry, 100 * SEC);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    struct sched_entry *on = act.entry;
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == T0 + 140 * SEC); /* 10 + 100 + max(30, 10) */
    sched_next(s, T0 + 140 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_OVERRUN);
    ck_assert_ptr_eq(act.entry, on);
    ck_assert_int_eq(on->state, SCHED_STOPPING);
    sched_next(s, T0 + 141 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == T0 + 145 * SEC);
    sched_ended(s, on, false, 131 * SEC, T0 + 142 * SEC); /* it ended after the fade */
    sched_next(s, T0 + 145 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == INT64_MAX);
    sched_free(s);

    /* unknown length: nothing to watch */
    s = sched_new(&o);
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    sched_next(s, T0 + 3600 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == INT64_MAX);
    sched_free(s);

    /* an emergency cuts into a wedged programme: the cut never ends; the
     * emergency airs anyway, and the wedged one is abandoned */
    struct plan_item e = mkitem("e", PLAN_LEVEL_EMERGENCY, true);
    struct plan_occurrence occ2[] = {mkocc(&a, T0 + 10 * SEC, false),
                                     mkocc(&e, T0 + 20 * SEC, false)};
    char *tr = run_stall(&o, occ2, 2, T0, 30 * SEC, "a/10");
    ck_assert_str_eq(tr, "+5 prepare a/10\n+10 start a/10\n+15 prepare e/20\n"
                         "+20 start e/20\n+25 stalled a/10 (output stalled)\n+50 end e/20\n");
    free(tr);
}
END_TEST

static struct plan_occurrence moved_occ(const struct plan_item *it, int64_t key_start,
                                        int64_t start)
{
    struct plan_occurrence o = mkocc(it, key_start, false);
    o.start_ms = o.end_ms = start;
    return o;
}

/* The officer moves tonight's prepared item (same occurrence key, new
 * start, as a RECURRENCE-ID override does): the prepared programme is
 * dropped and prepared again for the new time, later or earlier. A reload
 * that leaves it alone keeps it prepared; one that moves what is on air
 * neither drops nor repeats it. */
START_TEST(test_reload_moves_prepared)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false)};
    struct sched_opts o = opts();
    o.arm_ms = 2 * SEC; /* prepared at +5, started (row, armed) at +8 */
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == T0 + 8 * SEC);
    /* same plan again: stays prepared */
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 6 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    sched_next(s, T0 + 8 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    ck_assert(act.at_ms == T0 + 10 * SEC);
    sched_ended(s, act.entry, false, 1 * SEC, T0 + 11 * SEC);
    sched_free(s);

    /* moved later */
    s = sched_new(&o);
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    struct plan_occurrence later[] = {moved_occ(&a, T0 + 10 * SEC, T0 + 100 * SEC)};
    sched_load(s, later, 1, NULL, NULL);
    sched_next(s, T0 + 6 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_DISCARD);
    ck_assert_str_eq(act.entry->key, "a/10");
    ck_assert_str_eq(act.reason, "moved in the plan");
    ck_assert_ptr_null(sched_prepared(s));
    sched_next(s, T0 + 6 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == T0 + 95 * SEC);
    sched_next(s, T0 + 10 * SEC, &act); /* the old time: nothing */
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    sched_next(s, T0 + 95 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert(act.entry->start_ms == T0 + 100 * SEC);
    sched_next(s, T0 + 98 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    ck_assert(act.at_ms == T0 + 100 * SEC);
    struct sched_entry *on = act.entry;
    /* moved again while on air: not dropped, not repeated */
    struct plan_occurrence again[] = {moved_occ(&a, T0 + 10 * SEC, T0 + 200 * SEC)};
    sched_load(s, again, 1, NULL, NULL);
    ck_assert_ptr_eq(sched_on_air(s), on);
    sched_next(s, T0 + 101 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    sched_ended(s, on, false, 1 * SEC, T0 + 101 * SEC);
    sched_next(s, T0 + 196 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == INT64_MAX);
    sched_free(s);

    /* moved earlier, already due: dropped and aired at once (late, within grace) */
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence two[] = {mkocc(&b, T0 + 3 * SEC, false),
                                    mkocc(&a, T0 + 10 * SEC, false)};
    s = sched_new(&o);
    sched_load(s, two, 2, NULL, NULL);
    sched_next(s, T0, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_str_eq(act.entry->key, "b/3");
    sched_next(s, T0 + 1 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    struct sched_entry *bon = act.entry;
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_str_eq(act.entry->key, "a/10");
    struct plan_occurrence earlier[] = {mkocc(&b, T0 + 3 * SEC, false),
                                        moved_occ(&a, T0 + 10 * SEC, T0 + 4 * SEC)};
    sched_load(s, earlier, 2, NULL, NULL);
    sched_next(s, T0 + 6 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_DISCARD);
    sched_next(s, T0 + 6 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert(act.entry->start_ms == T0 + 4 * SEC);
    sched_next(s, T0 + 6 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE); /* b is still on air (not dropped) */
    ck_assert_ptr_eq(sched_on_air(s), bon);
    sched_ended(s, bon, false, 4 * SEC, T0 + 7 * SEC);
    sched_next(s, T0 + 7 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    ck_assert(act.at_ms == 0);
    ck_assert_str_eq(act.entry->key, "a/10");
    sched_free(s);
}
END_TEST

/* A reload 0.5 s before an armed programme's start (its row written, its
 * player armed) that moves or removes its occurrence revokes it: nothing
 * has played, so it does not air at the old time, and a moved occurrence
 * airs once, at the new one. */
START_TEST(test_reload_revokes_armed)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false)};
    struct sched_opts o = opts();
    o.arm_ms = 2 * SEC;
    struct sched_action act;
    /* same key, new start (a RECURRENCE-ID override) */
    struct sched *s = sched_new(&o);
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    sched_next(s, T0 + 8 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    struct sched_entry *armed = act.entry;
    struct plan_occurrence later[] = {moved_occ(&a, T0 + 10 * SEC, T0 + 100 * SEC)};
    sched_load(s, later, 1, NULL, NULL);
    sched_next(s, T0 + 9500, &act);
    ck_assert_int_eq(act.kind, SCHED_REVOKE);
    ck_assert_ptr_eq(act.entry, armed);
    ck_assert_str_eq(act.reason, "moved or removed in the plan before it started");
    sched_revoked(s, act.entry);
    ck_assert_ptr_null(sched_on_air(s));
    sched_next(s, T0 + 9500, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert(act.at_ms == T0 + 95 * SEC);
    sched_next(s, T0 + 95 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_str_eq(act.entry->key, "a/10");
    ck_assert(act.entry->start_ms == T0 + 100 * SEC);
    sched_free(s);

    /* removed from the plan (or DTSTART edited: a new key elsewhere) */
    struct trace t = {.dur_ms = 5 * SEC};
    s = sched_new(&o);
    sched_load(s, occ, 1, NULL, NULL);
    simrun_run(s, T0, o.fade_ms, &ops, &t); /* to the end: a airs */
    sched_free(s);
    strbuf_free(&t.b);
    s = sched_new(&o);
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    sched_next(s, T0 + 8 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    struct plan_occurrence moved[] = {mkocc(&a, T0 + 40 * SEC, false)};
    sched_load(s, moved, 1, NULL, NULL);
    sched_next(s, T0 + 9500, &act);
    ck_assert_int_eq(act.kind, SCHED_REVOKE);
    ck_assert_str_eq(act.entry->key, "a/10");
    sched_revoked(s, act.entry);
    struct trace t2 = {.dur_ms = 5 * SEC};
    simrun_run(s, T0 + 9500, o.fade_ms, &ops, &t2);
    ck_assert_str_eq(t2.b.s, "+35 prepare a/40\n+40 start a/40\n+45 end a/40\n");
    strbuf_free(&t2.b);
    /* cancelled in the plan while armed: revoked too, never restored */
    sched_load(s, occ, 1, NULL, NULL);
    struct sched *s2 = sched_new(&o);
    sched_load(s2, occ, 1, NULL, NULL);
    sched_next(s2, T0 + 5 * SEC, &act);
    sched_next(s2, T0 + 8 * SEC, &act);
    struct plan_occurrence cancelled[] = {mkocc(&a, T0 + 10 * SEC, true)};
    sched_load(s2, cancelled, 1, NULL, NULL);
    sched_next(s2, T0 + 9 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_REVOKE);
    sched_revoked(s2, act.entry);
    sched_next(s2, T0 + 9 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    sched_next(s2, T0 + 10 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE); /* its row says cancelled already */
    sched_free(s2);
    sched_free(s);
}
END_TEST

/* One that has started stays on air; the moved occurrence (a new key: its
 * DTSTART edited) falls within that airing, so it is logged, not aired
 * again. Another item at that time is not touched. */
START_TEST(test_reload_after_start_absorbs_moved)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 10 * SEC, false)};
    struct sched_opts o = opts();
    o.arm_ms = 2 * SEC;
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, occ, 1, NULL, NULL);
    sched_next(s, T0 + 5 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    sched_set_length(s, act.entry, 60 * SEC);
    sched_next(s, T0 + 8 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    struct sched_entry *on = act.entry;
    struct plan_occurrence moved[] = {mkocc(&a, T0 + 30 * SEC, false),
                                      mkocc(&b, T0 + 30 * SEC, false),
                                      mkocc(&a, T0 + 200 * SEC, false)};
    sched_load(s, moved, 3, NULL, NULL);
    sched_next(s, T0 + 10500, &act); /* started: no revoke */
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    ck_assert_ptr_eq(sched_on_air(s), on);
    sched_next(s, T0 + 25 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_CANCELLED);
    ck_assert_str_eq(act.entry->key, "a/30");
    ck_assert_str_eq(act.reason, "moved in the plan into its own airing, which is on air");
    sched_next(s, T0 + 25 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_str_eq(act.entry->key, "b/30"); /* another item: it airs after a */
    sched_ended(s, on, false, 60 * SEC, T0 + 70 * SEC);
    sched_next(s, T0 + 70 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    ck_assert_str_eq(act.entry->key, "b/30");
    sched_ended(s, act.entry, false, 1 * SEC, T0 + 71 * SEC);
    sched_next(s, T0 + 195 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE); /* a's next one, outside the airing */
    ck_assert_str_eq(act.entry->key, "a/200");
    sched_free(s);
}
END_TEST

/* A wrong forward step of the wall clock (+1 h for 25 s, then corrected):
 * nothing in that hour is written off or aired early; after the
 * correction every item airs at its time. */
/* Injected local time: T0 is local midnight. */
static int t_local_min(void *ud, int64_t utc_ms)
{
    (void)ud;
    return (int)(((utc_ms - T0) / MIN) % 1440);
}

static struct plan_occurrence mkslot(const struct plan_item *it, int64_t start, int64_t slot)
{
    struct plan_occurrence o = mkocc(it, start, false);
    o.end_ms = start + slot;
    return o;
}

START_TEST(test_broadcast_hours_enforced)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item p = mkitem("p", PLAN_LEVEL_PRIORITY, true);
    struct plan_item e = mkitem("e", PLAN_LEVEL_EMERGENCY, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 300 * MIN, false),  /* 05:00: before */
                                    mkocc(&a, T0 + 330 * MIN, false),  /* 05:30: open */
                                    mkocc(&p, T0 + 1260 * MIN, false), /* 21:00: closed */
                                    mkocc(&e, T0 + 1320 * MIN, false)}; /* 22:00: emergency */
    struct sched_opts o = opts();
    o.hours_start_min = 330;
    o.hours_end_min = 1260;
    o.local_min = t_local_min;
    struct sched *s = sched_new(&o);
    sched_load(s, occ, 4, NULL, NULL);
    /* status never names an item that will not air */
    const struct sched_entry *up[4];
    size_t n = sched_upcoming(s, T0, up, 4);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(up[0]->key, "a/19800");
    ck_assert_str_eq(up[1]->key, "e/79200");
    struct trace t = {.dur_ms = 30 * SEC};
    simrun_run(s, T0, o.fade_ms, &ops, &t);
    sched_free(s);
    ck_assert_str_eq(t.b.s, "+18000 missed a/18000 (outside the broadcast hours)\n"
                            "+19795 prepare a/19800\n+19800 start a/19800\n"
                            "+19830 end a/19800\n"
                            "+75600 missed p/75600 (outside the broadcast hours)\n"
                            "+79195 prepare e/79200\n+79200 start e/79200\n"
                            "+79230 end e/79200\n");
    free(t.b.s);
    /* no local_min: no hours (the old behaviour, and unit tests') */
    o.local_min = NULL;
    char *tr = run(&o, occ, 1, T0, 30 * SEC);
    ck_assert_str_eq(tr, "+17995 prepare a/18000\n+18000 start a/18000\n+18030 end a/18000\n");
    free(tr);
}
END_TEST

START_TEST(test_slot_cut)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_item e = mkitem("e", PLAN_LEVEL_EMERGENCY, true);
    struct sched_opts o = opts();
    o.slot_cut = true;
    /* 30 s programme in a 20 s slot: the fade begins 1 s before the slot's end */
    struct plan_occurrence one[] = {mkslot(&a, T0 + 60 * SEC, 20 * SEC)};
    char *tr = run(&o, one, 1, T0, 30 * SEC);
    ck_assert_str_eq(tr, "+55 prepare a/60\n+60 start a/60\n"
                         "+79 slotend a/60 at +80 (cut at the end of its slot)\n"
                         "+80 slotcut a/60\n");
    free(tr);
    /* it fits: no cut */
    tr = run(&o, one, 1, T0, 15 * SEC);
    ck_assert_str_eq(tr, "+55 prepare a/60\n+60 start a/60\n+75 end a/60\n");
    free(tr);
    /* overrun = run */
    o.slot_cut = false;
    tr = run(&o, one, 1, T0, 30 * SEC);
    ck_assert_str_eq(tr, "+55 prepare a/60\n+60 start a/60\n+90 end a/60\n");
    free(tr);
    o.slot_cut = true;
    /* delayed by the programme before it: the slot's length counts from its start */
    struct plan_occurrence two[] = {mkocc(&a, T0 + 60 * SEC, false),
                                    mkslot(&b, T0 + 70 * SEC, 20 * SEC)};
    tr = run(&o, two, 2, T0, 30 * SEC);
    ck_assert_str_eq(tr, "+55 prepare a/60\n+60 start a/60\n+65 prepare b/70\n"
                         "+90 end a/60\n+90 start b/70\n"
                         "+109 slotend b/70 at +110 (cut at the end of its slot)\n"
                         "+110 slotcut b/70\n");
    free(tr);
    /* an emergency is never cut by its slot */
    struct plan_occurrence em[] = {mkslot(&e, T0 + 60 * SEC, 20 * SEC)};
    tr = run(&o, em, 1, T0, 30 * SEC);
    ck_assert_str_eq(tr, "+55 prepare e/60\n+60 start e/60\n+90 end e/60\n");
    free(tr);
}
END_TEST

START_TEST(test_jump_hold_corrected)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 60 * SEC, false),
                                    mkocc(&b, T0 + 30 * MIN, false)};
    struct sched_opts o = opts();
    o.jump_hold_ms = 30 * SEC;
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, occ, 2, NULL, NULL);
    sched_next(s, T0 + 10 * SEC, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    int64_t step = 3600 * SEC;
    sched_note_jump(s, T0 + 10 * SEC, T0 + 10 * SEC + step);
    for (int64_t t = 0; t <= 25 * SEC; t += 5 * SEC) {
        sched_next(s, T0 + 10 * SEC + step + t, &act);
        ck_assert_int_eq(act.kind, SCHED_IDLE);
        ck_assert(act.at_ms == T0 + 40 * SEC + step); /* the hold's end */
    }
    /* an operator's ad-hoc airing is not held */
    struct sched_entry *ad = sched_add_adhoc(s, &b, PLAN_LEVEL_NORMAL, T0 + 30 * SEC + step);
    sched_next(s, T0 + 30 * SEC + step, &act);
    ck_assert_int_eq(act.kind, SCHED_PREPARE);
    ck_assert_ptr_eq(act.entry, ad);
    sched_next(s, T0 + 30 * SEC + step, &act);
    ck_assert_int_eq(act.kind, SCHED_START);
    sched_ended(s, ad, false, SEC, T0 + 31 * SEC + step);
    sched_next(s, T0 + 31 * SEC + step, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE);
    /* corrected: back to the true time, 35 s after the step began */
    sched_note_jump(s, T0 + 35 * SEC + step, T0 + 35 * SEC);
    struct trace t = {.dur_ms = 10 * SEC};
    simrun_run(s, T0 + 35 * SEC, o.fade_ms, &ops, &t);
    ck_assert_str_eq(t.b.s, "+55 prepare a/60\n+60 start a/60\n+70 end a/60\n"
                            "+1795 prepare b/1800\n+1800 start b/1800\n+1810 end b/1800\n");
    sched_free(s);
    strbuf_free(&t.b);
}
END_TEST

/* A real step (+20 min, confirmed by the hold ending): what is beyond
 * grace is written off as "the clock jumped"; what is within it airs in
 * order, each within its own grace, not all at once. */
START_TEST(test_jump_hold_confirmed)
{
    struct plan_item a = mkitem("a", PLAN_LEVEL_NORMAL, true);
    struct plan_item b = mkitem("b", PLAN_LEVEL_NORMAL, true);
    struct plan_item c = mkitem("c", PLAN_LEVEL_NORMAL, true);
    struct plan_item d = mkitem("d", PLAN_LEVEL_NORMAL, true);
    struct plan_occurrence occ[] = {mkocc(&a, T0 + 60 * SEC, false),
                                    mkocc(&b, T0 + 12 * MIN, false),
                                    mkocc(&c, T0 + 13 * MIN, false),
                                    mkocc(&d, T0 + 14 * MIN, false)};
    struct sched_opts o = opts(); /* grace 10 min */
    o.jump_hold_ms = 30 * SEC;
    struct sched *s = sched_new(&o);
    struct sched_action act;
    sched_load(s, occ, 4, NULL, NULL);
    sched_next(s, T0, &act);
    sched_note_jump(s, T0, T0 + 20 * MIN);
    sched_next(s, T0 + 20 * MIN, &act);
    ck_assert_int_eq(act.kind, SCHED_IDLE); /* held: nothing missed yet */
    ck_assert(act.at_ms == T0 + 20 * MIN + 30 * SEC);
    struct trace t = {.dur_ms = 3 * MIN};
    simrun_run(s, T0 + 20 * MIN + 30 * SEC, o.fade_ms, &ops, &t);
    /* b (deadline +22:00) starts at once; c (+23:00) after it at +23:30 is
     * beyond its deadline: missed; d (+24:00) still within: airs */
    ck_assert_str_eq(t.b.s, "+1230 missed a/60 (the clock jumped forward past it)\n"
                            "+1230 prepare b/720\n+1230 start b/720\n+1230 prepare c/780\n"
                            "+1380 missed c/780 (could not start within the grace period)\n"
                            "+1380 prepare d/840\n+1410 end b/720\n+1410 start d/840\n"
                            "+1590 end d/840\n");
    sched_free(s);
    strbuf_free(&t.b);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *su = suite_create("sched");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_on_time_in_order);
    tcase_add_test(tc, test_late_within_grace_and_missed);
    tcase_add_test(tc, test_cancelled_and_unapproved);
    tcase_add_test(tc, test_approved_callback);
    tcase_add_test(tc, test_collision_back_to_back);
    tcase_add_test(tc, test_emergency_policies);
    tcase_add_test(tc, test_emergency_does_not_cut_emergency);
    tcase_add_test(tc, test_logged_never_airs_again);
    tcase_add_test(tc, test_reload_keeps_on_air_and_discards_removed);
    tcase_add_test(tc, test_adhoc_and_operator_stop);
    tcase_add_test(tc, test_year_of_daily_items);
    tcase_add_test(tc, test_jump_and_failed_prepare);
    tcase_add_test(tc, test_emergency_displaces_prepared);
    tcase_add_test(tc, test_clock);
    tcase_add_test(tc, test_watchdog_stalled_output);
    tcase_add_test(tc, test_watchdog_deadlines);
    tcase_add_test(tc, test_reload_moves_prepared);
    tcase_add_test(tc, test_reload_revokes_armed);
    tcase_add_test(tc, test_reload_after_start_absorbs_moved);
    tcase_add_test(tc, test_jump_hold_corrected);
    tcase_add_test(tc, test_jump_hold_confirmed);
    tcase_add_test(tc, test_broadcast_hours_enforced);
    tcase_add_test(tc, test_slot_cut);
    suite_add_tcase(su, tc);
    return su;
}
