/* The simulation behind `loaxa simulate` (see simulate.h): sched + simrun
 * with a virtual player whose programmes last as long as the programme
 * model says (programme_build, each recording probed once: its decoded
 * length), and airlog for the rows. */
#include "sim/simulate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/probe.h"
#include "core/hash.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/reasons.h"
#include "core/util.h"
#include "airlog/airlog.h"
#include "programme/programme.h"
#include "sim/simrun.h"

struct dur_cache {
    char *abs;
    int rc;
    struct probe_info pi;
    char why[256];
};

/* One plan item's approval as the station's log has it (see sim_approved) */
struct appr_cache {
    const struct plan_item *it;
    bool ok;
};

struct sim {
    const struct loaxa_config *cfg;
    struct aslog *station;   /* the station's log, read-only, for its approvals; NULL */
    struct appr_cache *ap;
    size_t n_ap, cap_ap;
    struct aslog *log;
    struct airlog *al;
    struct simulate_summary *sum;
    struct dur_cache *d;
    size_t n_d, cap_d;
    struct {
        const struct sched_entry *e;
        int64_t id;
    } rows[4];               /* the rows on air: the cut one and the emergency */
    char why[512];       /* the last failed programme's reason */
    int rc;              /* first write error */
    char *err;
    size_t errlen;
};

/* probe_recording, once per file: no time passes in a simulation. */
static int probe_cached(void *ud, const char *abs, struct probe_info *pi, char *err,
                        size_t errlen)
{
    struct sim *sm = ud;
    struct dur_cache *c = NULL;
    for (size_t i = 0; i < sm->n_d && !c; i++)
        if (strcmp(sm->d[i].abs, abs) == 0)
            c = &sm->d[i];
    if (!c) {
        if (sm->n_d == sm->cap_d) {
            sm->cap_d = sm->cap_d ? sm->cap_d * 2 : 16;
            sm->d = xrealloc(sm->d, sm->cap_d * sizeof *sm->d);
        }
        c = &sm->d[sm->n_d++];
        memset(c, 0, sizeof *c);
        c->abs = xstrdup(abs);
        c->rc = probe_recording(abs, &c->pi, c->why, sizeof c->why);
    }
    *pi = c->pi;
    snprintf(err, errlen, "%s", c->why);
    return c->rc;
}

/* The programme's length as loaxad computes it (programme_build); one
 * that cannot air, or whose recordings cannot be read, fails. */
static int64_t sim_duration(void *ud, const struct sched_entry *e, const char **why)
{
    struct sim *sm = ud;
    struct programme_settings st = {sm->cfg->audio_root, sm->cfg->signature_tune};
    struct programme p;
    int64_t len;
    if (e->item->n_audio == 0) { /* stored as the daemon stores it */
        *why = REASON_NO_RECORDINGS;
        return -1;
    }
    if (programme_build(e->item, &st, e->skip_ms, probe_cached, sm, &p, sm->why,
                        sizeof sm->why) < 0) {
        *why = sm->why;
        return -1;
    }
    len = p.length_ms;
    if (len < 0) {
        snprintf(sm->why, sizeof sm->why, "%s", p.why);
        *why = sm->why;
    }
    programme_clear(&p);
    return len;
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
    const char *why = preempted ? REASON_PREEMPTED : e->slot_cut ? REASON_SLOT_END : "";
    note(sm, aslog_finish(sm->log, id, st, why, start, end,
                          played, 0), st);
}

static void sim_failed(void *ud, const struct sched_entry *e, int64_t now, const char *why)
{
    struct sim *sm = ud;
    (void)now;
    char buf[400];
    if (strcmp(why, REASON_NO_RECORDINGS) != 0) /* an error: stored under its msgid */
        why = reason_with(buf, sizeof buf, REASON_PREPARE_FAILED, why);
    note(sm, airlog_record(sm->al, e, ASLOG_FAILED, why, "simulate", ""), ASLOG_FAILED);
}

static const struct simrun_ops sim_ops = {sim_duration, sim_action, sim_begin, sim_end,
                                          sim_failed, NULL};

/* The daemon's rule (approval.c): an item that waits for an approval
 * (signed: every one; status: STATUS:TENTATIVE with require_approval) airs
 * only when the station's log holds an APPROVE of its content as it is now.
 * The simulation reads those approvals (read-only: it never adds one) and
 * hashes the recordings itself, once per item. */
static bool sim_approved(void *ud, const struct plan_item *it)
{
    struct sim *sm = ud;
    if (!it->uid || !*it->uid)
        return true;
    if (sm->cfg->approval != CONFIG_APPROVAL_SIGNED &&
        !(sm->cfg->require_approval && !it->approved))
        return true;
    for (size_t i = 0; i < sm->n_ap; i++)
        if (sm->ap[i].it == it)
            return sm->ap[i].ok;
    bool ok = sm->station != NULL && it->n_audio > 0;
    char (*hex)[65] = xcalloc(it->n_audio ? it->n_audio : 1, sizeof *hex);
    const char **sums = xcalloc(it->n_audio ? it->n_audio : 1, sizeof *sums);
    for (size_t i = 0; ok && i < it->n_audio; i++) {
        char *abs = NULL, err[256];
        ok = paths_resolve_audio(sm->cfg->audio_root, it->audio[i], &abs, err, sizeof err) == 0 &&
             hash_file_sha256(abs, hex[i]) == 0;
        sums[i] = hex[i];
        free(abs);
    }
    if (ok) {
        char h[65];
        programme_content_hash(it, sums, h);
        ok = aslog_approval_latest(sm->station, it->uid, h, NULL, NULL) == ASLOG_APPROVED;
    }
    free(sums);
    free(hex);
    if (sm->n_ap == sm->cap_ap) {
        sm->cap_ap = sm->cap_ap ? sm->cap_ap * 2 : 16;
        sm->ap = xrealloc(sm->ap, sm->cap_ap * sizeof *sm->ap);
    }
    sm->ap[sm->n_ap++] = (struct appr_cache){it, ok};
    return ok;
}

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
        .preempt = airlog_cut_policy(cfg->preempt),
        .require_approval = cfg->require_approval,
        .boot_ms = INT64_MIN, /* the simulated daemon runs the whole time */
        .hours_start_min = cfg->hours_start_min,
        .hours_end_min = cfg->hours_end_min,
        .local_min = simulate_local_min,
        .slot_cut = cfg->overrun == CONFIG_OVERRUN_CUT,
    };
    struct sim sm = {.cfg = cfg, .log = log, .sum = sum, .err = err, .errlen = errlen};
    o.approved = sim_approved;
    o.approved_ud = &sm;
    if (cfg->approval == CONFIG_APPROVAL_SIGNED || cfg->require_approval) {
        /* missing, unreadable or older: no approvals (what waits, waits) */
        const char *station = cfg->station_db_path ? cfg->station_db_path : cfg->db_path;
        char aerr[512];
        if (station && *station && strcmp(station, ":memory:") != 0 &&
            aslog_open_readonly(station, &sm.station, aerr, sizeof aerr) < 0)
            sm.station = NULL;
    }
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
    aslog_close(sm.station);
    free(sm.ap);
    for (size_t i = 0; i < sm.n_d; i++)
        free(sm.d[i].abs);
    free(sm.d);
    free(occ);
    return rc;
}
