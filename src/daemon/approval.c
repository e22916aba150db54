/* Approvals that bind to content (station.approval; doc/admin.md): which of
 * the loaded window's plan items may air. An item waits when the station
 * asks for it (signed: every item; status: STATUS:TENTATIVE items, with
 * require_approval) until the as-run log holds an APPROVE of its UID with
 * its content hash as it is now (programme_content_hash; the recordings'
 * SHA-256 from the hasher thread). The scheduling core asks approvals_ok
 * for each entry, so the decision is the daemon's alone: a console can
 * only add rows through the control socket, never make an item air. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "ctl/status.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"
#include "daemon/hasher.h"
#include "programme/programme.h"

#define PENDING_MAX_ITEMS 200         /* items in one PENDING answer */
#define PENDING_MAX_BYTES (128 * 1024) /* ... and about their JSON text */

struct appr_entry {
    const struct plan_item *it;   /* the plan's (valid until the next reset) */
    int64_t first_start_ms;       /* its first occurrence in the window from the reset */
    bool waits;                   /* this station asks for an approval of it */
    bool hashed;                  /* hash is known */
    int decision;                 /* -1: none; ASLOG_APPROVED, ASLOG_REJECTED */
    char hash[65];
    char *who, *comment;          /* the latest decision */
    int64_t at_ms;
};

struct approvals {
    struct appr_entry *v;         /* sorted by item pointer */
    size_t n;
    bool dirty;                   /* hashes or decisions to look up again */
    bool waiting;                 /* a recording's hash is still being computed */
    int64_t retry_mono;           /* ... looked for again from then on */
    bool relook;                  /* the log failed a lookup: all decisions again */
    int64_t reval_mono;           /* the recordings are looked at again from then on */
    size_t n_waits;               /* entries that wait for an approval */
};

static void entries_free(struct approvals *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].who);
        free(a->v[i].comment);
    }
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

struct approvals *approvals_new(void)
{
    return xcalloc(1, sizeof(struct approvals));
}

void approvals_free(struct approvals *a)
{
    if (!a)
        return;
    entries_free(a);
    free(a);
}

static bool waits(const struct daemon *d, const struct plan_item *it)
{
    if (d->cfg->approval == CONFIG_APPROVAL_SIGNED)
        return true;
    return d->cfg->require_approval && !it->approved;
}

static int cmp_ptr(const void *x, const void *y)
{
    const struct appr_entry *a = x, *b = y;
    return a->it < b->it ? -1 : a->it > b->it;
}

void approvals_reset(struct daemon *d)
{
    struct approvals *a = d->appr;
    entries_free(a);
    a->v = xcalloc(d->n_occ ? d->n_occ : 1, sizeof *a->v);
    /* the items of the window's occurrences */
    for (size_t i = 0; i < d->n_occ; i++) {
        const struct plan_occurrence *o = &d->occ[i];
        size_t k;
        for (k = 0; k < a->n && a->v[k].it != o->item; k++)
            ;
        if (k == a->n) {
            a->v[a->n++] = (struct appr_entry){.it = o->item, .first_start_ms = -1,
                                               .waits = waits(d, o->item), .decision = -1};
        }
    }
    qsort(a->v, a->n, sizeof *a->v, cmp_ptr);
    a->dirty = true;
}

static int latest_cb(const struct aslog_approval *r, void *ud)
{
    struct appr_entry *e = ud;
    free(e->who);
    free(e->comment);
    e->who = xstrdup(r->who);
    e->comment = xstrdup(r->comment);
    e->at_ms = r->at_ms;
    return 0;
}

/* Its content hash into out, when all its recordings' hashes are known:
 * 0, -EAGAIN (being hashed) or another negative code (cannot be read).
 * Every recording is looked up, so the hasher queues them all at once. */
static int entry_hash(struct daemon *d, const struct appr_entry *e, char out[65])
{
    const struct plan_item *it = e->it;
    char (*hex)[65] = xcalloc(it->n_audio ? it->n_audio : 1, sizeof *hex);
    const char **sums = xcalloc(it->n_audio ? it->n_audio : 1, sizeof *sums);
    int rc = it->n_audio ? 0 : -ENOENT;
    for (size_t i = 0; i < it->n_audio; i++) {
        char *abs = NULL, err[256];
        int r = paths_resolve_audio(d->cfg->audio_root, it->audio[i], &abs, err, sizeof err);
        if (r == 0)
            r = hasher_lookup(d->hasher, abs, hex[i]);
        free(abs);
        sums[i] = hex[i];
        if (r < 0 && rc == 0)
            rc = r;
    }
    if (rc == 0)
        programme_content_hash(it, sums, out);
    free(sums);
    free(hex);
    return rc;
}

#define RETRY_MS 500       /* a hash being computed: looked for again this often */
/* The recordings are looked at again this often (a stat each; the hasher
 * hashes a file again when its size or time changed): a recording replaced
 * after its approval makes it lapse within this time, and a programme
 * prepared with it is then discarded (sched). */
#define REVALIDATE_MS 3000

bool approvals_refresh(struct daemon *d)
{
    struct approvals *a = d->appr;
    int64_t mono = lclock_mono_ms(d->clk);
    bool reval = mono >= a->reval_mono;
    if (!a->dirty && !reval && (!a->waiting || mono < a->retry_mono))
        return a->n_waits > 0;
    bool all = a->dirty || a->relook;
    a->dirty = a->waiting = a->relook = false;
    if (reval)
        a->reval_mono = mono + REVALIDATE_MS;
    a->n_waits = 0;
    for (size_t i = 0; i < a->n; i++) {
        struct appr_entry *e = &a->v[i];
        if (!e->waits)
            continue;
        a->n_waits++;
        bool fresh = false;
        if (!e->hashed || reval) {
            char h[65];
            /* -EAGAIN: soon; a missing file cannot air anyway, but may come */
            if (entry_hash(d, e, h) < 0) {
                e->hashed = false;
                a->waiting = true;
                continue;
            }
            if (!e->hashed || strcmp(h, e->hash) != 0) {
                memcpy(e->hash, h, sizeof e->hash);
                e->hashed = fresh = true;
            }
        }
        if (!all && !fresh)
            continue;
        int dec = aslog_approval_latest(d->log, e->it->uid, e->hash, latest_cb, e);
        e->decision = dec >= 0 ? dec : -1;
        if (dec < 0 && dec != -ENOENT)
            a->relook = a->waiting = true; /* the log is busy or failing: again soon */
    }
    a->retry_mono = mono + RETRY_MS;
    return a->n_waits > 0; /* the loop wakes within a second to look again */
}

static struct appr_entry *find(const struct approvals *a, const struct plan_item *it)
{
    struct appr_entry key = {.it = it};
    struct appr_entry *e = bsearch(&key, a->v, a->n, sizeof *a->v, cmp_ptr);
    if (e)
        return e;
    /* a prepared entry's own copy (plan_item_dup): the same item of the plan */
    for (size_t i = 0; i < a->n; i++) {
        const struct plan_item *p = a->v[i].it;
        if (p->line == it->line && strcmp(p->uid, it->uid) == 0 &&
            strcmp(p->file ? p->file : "", it->file ? it->file : "") == 0)
            return &a->v[i];
    }
    return NULL;
}

bool approvals_ok(void *ud, const struct plan_item *it)
{
    struct daemon *d = ud;
    if (!it->uid || !*it->uid) /* an ad-hoc recording (loaxa air FILE, a bulletin) */
        return true;
    if (!waits(d, it))
        return true;
    const struct appr_entry *e = find(d->appr, it);
    /* not in the window (an AIR of an item beyond it): not approved */
    return e && e->hashed && e->decision == ASLOG_APPROVED;
}

/* Each item's next occurrence from now (the window's; -1: none) */
static void update_first(const struct daemon *d)
{
    struct approvals *a = d->appr;
    int64_t now = lclock_now_ms(d->clk);
    for (size_t i = 0; i < a->n; i++)
        a->v[i].first_start_ms = -1;
    for (size_t i = 0; i < d->n_occ; i++) {
        const struct plan_occurrence *o = &d->occ[i];
        if (o->cancelled || o->start_ms < now)
            continue;
        struct appr_entry key = {.it = o->item};
        struct appr_entry *e = bsearch(&key, a->v, a->n, sizeof *a->v, cmp_ptr);
        if (e && e->first_start_ms < 0)
            e->first_start_ms = o->start_ms;
    }
}

static bool listed(const struct appr_entry *e)
{
    return e->waits && e->first_start_ms >= 0 && e->decision != ASLOG_APPROVED;
}

size_t approvals_pending_count(const struct daemon *d)
{
    size_t n = 0;
    update_first(d);
    for (size_t i = 0; i < d->appr->n; i++)
        n += listed(&d->appr->v[i]);
    return n;
}

static int cmp_start(const void *x, const void *y)
{
    const struct appr_entry *a = *(const struct appr_entry *const *)x;
    const struct appr_entry *b = *(const struct appr_entry *const *)y;
    if (a->first_start_ms != b->first_start_ms)
        return a->first_start_ms < b->first_start_ms ? -1 : 1;
    return strcmp(a->it->uid, b->it->uid);
}

char *approvals_pending_json(struct daemon *d)
{
    struct approvals *a = d->appr;
    const struct appr_entry **l = xcalloc(a->n ? a->n : 1, sizeof *l);
    size_t n = 0;
    update_first(d);
    for (size_t i = 0; i < a->n; i++)
        if (listed(&a->v[i]))
            l[n++] = &a->v[i];
    qsort(l, n, sizeof *l, cmp_start);
    struct ctl_pending p = {
        .mode = d->cfg->approval == CONFIG_APPROVAL_SIGNED ? "signed" : "status",
        .count = (int64_t)n,
    };
    struct ctl_pending_item *items = xcalloc(n ? n : 1, sizeof *items);
    char (*times)[2][UTIL_TIME_BUF] = xcalloc(n ? n : 1, sizeof *times);
    size_t bytes = 0;
    for (size_t i = 0; i < n && i < PENDING_MAX_ITEMS && bytes < PENDING_MAX_BYTES; i++) {
        const struct appr_entry *e = l[i];
        bool rej = e->decision == ASLOG_REJECTED;
        items[i] = (struct ctl_pending_item){
            .uid = e->it->uid, .title = e->it->summary,
            .level = ctl_level_name(e->it->level),
            .first_start = util_format_iso_local(e->first_start_ms, times[i][0]),
            .hash = e->hashed ? e->hash : "",
            .state = rej ? "rejected" : "pending",
            .who = rej ? e->who : NULL,
            .at = rej ? util_format_iso_local(e->at_ms, times[i][1]) : NULL,
            .comment = rej ? e->comment : NULL,
            .recordings = e->it->audio, .n_recordings = e->it->n_audio,
        };
        bytes += 300 + strlen(e->it->uid) + strlen(e->it->summary) * 6 +
                 (rej ? strlen(e->comment) * 6 : 0);
        for (size_t k = 0; k < e->it->n_audio; k++)
            bytes += 8 + strlen(e->it->audio[k]) * 6;
        p.n_items = i + 1;
    }
    p.items = items;
    char *s = ctl_pending_encode(&p);
    free(times);
    free(items);
    free(l);
    return s;
}

void approvals_decide(struct daemon *d, struct ctl_conn *c, const struct ctl_request *req)
{
    struct approvals *a = d->appr;
    approvals_refresh(d);
    const struct appr_entry *e = NULL;
    bool uid_known = false, uid_waits = false;
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->v[i].it->uid, req->target) != 0)
            continue;
        uid_known = true;
        uid_waits |= a->v[i].waits;
        if (a->v[i].waits && a->v[i].hashed && strcmp(a->v[i].hash, req->hash) == 0)
            e = &a->v[i];
    }
    char msg[CTL_MAX_LINE + 256];
    if (!e && uid_known && !uid_waits) {
        snprintf(msg, sizeof msg, _("the item %s airs without an approval (station.approval = "
                                    "status, not STATUS:TENTATIVE)"), req->target);
        ctl_conn_reply(c, false, msg);
        return;
    }
    if (!e) {
        /* only what the approver has seen: the item as it is now */
        snprintf(msg, sizeof msg,
                 uid_known ? _("the item %s has changed (its content hash is no longer %s): "
                               "look at it again (loaxa pending)")
                           : _("no item with UID %s airs in the next days (content %s)"),
                 req->target, req->hash);
        ctl_conn_reply(c, false, msg);
        return;
    }
    if (req->verb == CTL_REJECT && !req->comment[0]) {
        ctl_conn_reply(c, false, _("a rejection needs a comment (why)"));
        return;
    }
    char who[CTL_WHO_MAX];
    ctl_conn_who(c, req, who, sizeof who);
    struct aslog_approval row = {
        .uid = req->target, .content_hash = req->hash,
        .decision = req->verb == CTL_APPROVE ? ASLOG_APPROVED : ASLOG_REJECTED,
        .who = who, .at_ms = lclock_now_ms(d->clk), .comment = req->comment,
        .title = e->it->summary,
    };
    int rc = aslog_approval_add(d->log, &row);
    if (rc < 0) {
        snprintf(msg, sizeof msg, _("the log cannot take the decision: %s"),
                 aslog_errmsg(d->log));
        ctl_conn_reply(c, false, msg);
        return;
    }
    a->dirty = true;
    approvals_refresh(d);
    dlog(LOG_NOTICE, req->verb == CTL_APPROVE ? _("%s approves %s (%s, content %.12s)")
                                              : _("%s rejects %s (%s, content %.12s)"),
         who, e->it->summary, req->target, req->hash);
    ctl_conn_reply(c, true, req->hash);
}
