/* The simulation behind `loaxa simulate` (see simulate.h): sched + simrun
 * with a virtual player whose programmes last as long as their recordings
 * (probe_recording, cached), and airlog for the rows. */
#include "sched/simulate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/probe.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "sched/airlog.h"
#include "sched/simrun.h"

struct dur_cache {
    char *rel;
    int64_t ms;          /* -1: cannot be read */
    char why[256];
};

struct sim {
    const struct loaxa_config *cfg;
    struct aslog *log;
    struct airlog *al;
    struct simulate_summary *sum;
    struct dur_cache *d;
    size_t n_d, cap_d;
    struct {
        const struct sched_entry *e;
        int64_t id;
    } rows[4];               /* the rows on air: the cut one and the emergency */
    int rc;              /* first write error */
    char *err;
    size_t errlen;
};

static const struct dur_cache *probe_cached(struct sim *sm, const char *rel)
{
    for (size_t i = 0; i < sm->n_d; i++)
        if (strcmp(sm->d[i].rel, rel) == 0)
            return &sm->d[i];
    if (sm->n_d == sm->cap_d) {
        sm->cap_d = sm->cap_d ? sm->cap_d * 2 : 16;
        sm->d = xrealloc(sm->d, sm->cap_d * sizeof *sm->d);
    }
    struct dur_cache *c = &sm->d[sm->n_d++];
    memset(c, 0, sizeof *c);
    c->rel = xstrdup(rel);
    char *abs = NULL;
    struct probe_info pi;
    if (paths_resolve_audio(sm->cfg->audio_root, rel, &abs, c->why, sizeof c->why) < 0 ||
        probe_recording(abs, &pi, c->why, sizeof c->why) < 0)
        c->ms = -1;
    else
        c->ms = pi.duration_ms;
    free(abs);
    return c;
}

static int64_t sim_duration(void *ud, const struct sched_entry *e, const char **why)
{
    struct sim *sm = ud;
    const struct plan_item *it = e->item;
    int64_t total = 0;
    if (it->n_audio == 0) {
        *why = _("no recordings");
        return -1;
    }
    for (size_t i = 0; i < it->n_audio; i++) {
        const struct dur_cache *c = probe_cached(sm, it->audio[i]);
        if (c->ms < 0) {
            *why = c->why;
            return -1;
        }
        total += c->ms;
    }
    /* the signature tune opens and closes the programme, as on air */
    const char *sig = it->signature_tune ? it->signature_tune : sm->cfg->signature_tune;
    if (sig && *sig && strcmp(sig, "none") != 0) {
        const struct dur_cache *c = probe_cached(sm, sig);
        if (c->ms > 0)
            total += 2 * c->ms;
    }
    total -= e->skip_ms;
    return total > 0 ? total : 0;
}

/* The process TZ is the station's zone (loaxa.c and loaxad set it). */
int simulate_local_min(void *ud, int64_t utc_ms)
{
    (void)ud;
    time_t t = (time_t)(utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    return tm.tm_hour * 60 + tm.tm_min;
}

static void note(struct sim *sm, int rc, enum aslog_status st)
{
    if (rc == -EEXIST) {
        sm->sum->refused++;
    } else if (rc < 0) {
        if (sm->rc == 0) {
            sm->rc = rc;
            snprintf(sm->err, sm->errlen, _("cannot write the log: %s"),
                     aslog_errmsg(sm->log));
        }
    } else {
        sm->sum->by_status[st]++;
    }
}

static void sim_action(void *ud, const struct sched_action *a, int64_t now)
{
    struct sim *sm = ud;
    (void)now;
    if (a->kind == SCHED_MISSED)
        note(sm, airlog_record(sm->al, a->entry, ASLOG_MISSED, a->reason, "simulate", ""),
             ASLOG_MISSED);
    else if (a->kind == SCHED_CANCELLED)
        note(sm, airlog_record(sm->al, a->entry, ASLOG_CANCELLED, "", "simulate", ""),
             ASLOG_CANCELLED);
}

static bool sim_begin(void *ud, const struct sched_entry *e, int64_t start)
{
    struct sim *sm = ud;
    (void)start;
    int64_t id;
    int rc = airlog_begin(sm->al, e, "simulate", "", &id);
    if (rc < 0) {
        note(sm, rc, ASLOG_ON_AIR);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(sm->rows); i++) {
        if (!sm->rows[i].e) {
            sm->rows[i].e = e;
            sm->rows[i].id = id;
            return true;
        }
    }
    return false; /* cannot happen: simrun keeps at most two on air */
}

static void sim_end(void *ud, const struct sched_entry *e, int64_t start, int64_t end,
                    int64_t played, bool preempted)
{
    struct sim *sm = ud;
    int64_t id = -1;
    for (size_t i = 0; i < ARRAY_SIZE(sm->rows); i++) {
        if (sm->rows[i].e == e) {
            id = sm->rows[i].id;
            sm->rows[i].e = NULL;
        }
    }
    enum aslog_status st = preempted ? ASLOG_INTERRUPTED : ASLOG_AIRED;
    /* a cut at the slot's end aired as planned (see loaxad(8)) */
    const char *why = preempted ? N_("preempted by an emergency")
                      : e->slot_cut ? N_(SCHED_REASON_SLOT_END) : "";
    note(sm, aslog_finish(sm->log, id, st, why, start, end,
                          played, 0), st);
}

static void sim_failed(void *ud, const struct sched_entry *e, int64_t now, const char *why)
{
    struct sim *sm = ud;
    (void)now;
    note(sm, airlog_record(sm->al, e, ASLOG_FAILED, why, "simulate", ""), ASLOG_FAILED);
}

static const struct simrun_ops sim_ops = {sim_duration, sim_action, sim_begin, sim_end,
                                          sim_failed, NULL};

int simulate_run(const struct loaxa_config *cfg, const struct plan *plan, struct aslog *log,
                 int64_t from_ms, int64_t to_ms, struct simulate_summary *sum, char *err,
                 size_t errlen)
{
    struct plan_occurrence *occ = NULL;
    size_t n = 0;
    memset(sum, 0, sizeof *sum);
    int rc = plan_expand(plan, from_ms, to_ms, &occ, &n);
    if (rc < 0) {
        snprintf(err, errlen, _("cannot expand the plan: %s"), strerror(-rc));
        return rc;
    }
    sum->occurrences = (long)n;
    struct sched_opts o = {
        .grace_ms = (int64_t)cfg->grace_min * 60000,
        .prepare_ms = cfg->prepare_ms,
        .fade_ms = cfg->fade_ms,
        .preempt = cfg->preempt,
        .require_approval = cfg->require_approval,
        .boot_ms = INT64_MIN, /* the simulated daemon runs the whole time */
        .hours_start_min = cfg->hours_start_min,
        .hours_end_min = cfg->hours_end_min,
        .local_min = simulate_local_min,
        .slot_cut = cfg->overrun == CONFIG_OVERRUN_CUT,
    };
    struct sim sm = {.cfg = cfg, .log = log, .sum = sum, .err = err, .errlen = errlen};
    sm.al = airlog_new(log, cfg->audio_root);
    airlog_trust_cache(sm.al);
    struct sched *s = sched_new(&o);
    sched_load(s, occ, n, NULL, NULL);
    rc = aslog_tx_begin(log);
    if (rc < 0) {
        snprintf(err, errlen, _("cannot write the log: %s"), aslog_errmsg(log));
        goto out;
    }
    simrun_run(s, from_ms, cfg->fade_ms, &sim_ops, &sm);
    if (sm.rc < 0) {
        rc = sm.rc;
        aslog_tx_commit(log); /* what was written is consistent; the error is reported */
        goto out;
    }
    rc = aslog_tx_commit(log);
    if (rc < 0)
        snprintf(err, errlen, _("cannot write the log: %s"), aslog_errmsg(log));
out:
    sched_free(s);
    airlog_free(sm.al);
    for (size_t i = 0; i < sm.n_d; i++)
        free(sm.d[i].rel);
    free(sm.d);
    free(occ);
    return rc;
}
