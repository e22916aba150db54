/* Counting a report: the plan's occurrences in the period, joined with the
 * log's rows by occurrence key, give each occurrence one outcome; rows that
 * put sound out are the airings. Titles and topics come from the rows'
 * snapshots (the plan only for occurrences the log never saw), so editing
 * the plan later does not rewrite history. */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"

/* A string -> index map (open addressing), enough for a year of rows. */
struct smap {
    char **keys;
    size_t *vals;
    uint64_t *hashes;          /* compared before the key: fewer cache misses */
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    /* FNV's low bits mix poorly and the table masks them: fold (fmix64) */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* The value slot for key (inserted when new); *stored, if given, gets the
 * map's own copy of the key, valid until smap_free. */
static size_t *smap_slot(struct smap *m, const char *key, bool *found, const char **stored)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct smap big = {xcalloc(cap, sizeof(char *)), xcalloc(cap, sizeof(size_t)),
                           xcalloc(cap, sizeof(uint64_t)), cap, m->n};
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = m->hashes[i] & (cap - 1);
            while (big.keys[j])
                j = (j + 1) & (cap - 1);
            big.keys[j] = m->keys[i];
            big.vals[j] = m->vals[i];
            big.hashes[j] = m->hashes[i];
        }
        free(m->keys);
        free(m->vals);
        free(m->hashes);
        *m = big;
    }
    uint64_t h = hash_str(key);
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (m->hashes[j] == h && strcmp(m->keys[j], key) == 0) {
            *found = true;
            if (stored)
                *stored = m->keys[j];
            return &m->vals[j];
        }
        j = (j + 1) & (m->cap - 1);
    }
    *found = false;
    m->keys[j] = xstrdup(key);
    m->hashes[j] = h;
    m->n++;
    if (stored)
        *stored = m->keys[j];
    return &m->vals[j];
}

static void smap_free(struct smap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    free(m->hashes);
}

/* One occurrence of the plan (or seen in the log as planned). */
struct occ {
    int64_t start_ms;
    size_t item;               /* index into items */
    bool aired, on_air, cancelled_in_plan, logged;
    enum aslog_status last_status;
    int last_attempt;
    const char *key;           /* owned by occ_map */
    char *last_reason;
};

/* A reason tally inside one item: "missed: late start ×2". */
struct tally {
    char *text;
    long n;
};

struct item_acc {
    struct tally *t;
    size_t n_t;
};

struct builder {
    struct report *r;
    struct occ *occ;
    size_t n_occ, cap_occ;
    struct smap occ_map, item_map;
    size_t cap_items, cap_incidents;
    struct item_acc *acc;
};

static char *join_categories(const char *const *cats, size_t n)
{
    struct strbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&b, "\n");
        strbuf_puts(&b, cats[i]);
    }
    return strbuf_steal(&b);
}

/* Replaces *dst by src unless equal: rows of one item nearly always carry
 * the same snapshot, and a year holds tens of thousands of rows. */
static void set_str(char **dst, const char *src)
{
    if (*dst && strcmp(*dst, src) == 0)
        return;
    free(*dst);
    *dst = xstrdup(src);
}

static size_t item_index(struct builder *b, const char *uid, enum aslog_source src,
                         const char *title, const char *cats_nl, const char *unit)
{
    char stack[256], *k = stack;
    size_t ulen = strlen(uid);
    if (ulen + 3 > sizeof stack)
        k = xmalloc(ulen + 3);
    k[0] = (char)('0' + (int)src);
    k[1] = '\x1f';
    memcpy(k + 2, uid, ulen + 1);
    bool found;
    size_t *slot = smap_slot(&b->item_map, k, &found, NULL);
    if (k != stack)
        free(k);
    struct report *r = b->r;
    if (!found) {
        if (r->n_items == b->cap_items) {
            b->cap_items = b->cap_items ? b->cap_items * 2 : 32;
            r->items = xrealloc(r->items, b->cap_items * sizeof *r->items);
            b->acc = xrealloc(b->acc, b->cap_items * sizeof *b->acc);
        }
        *slot = r->n_items++;
        struct report_item *it = &r->items[*slot];
        memset(it, 0, sizeof *it);
        memset(&b->acc[*slot], 0, sizeof b->acc[*slot]);
        it->uid = xstrdup(uid);
        it->source = src;
    }
    struct report_item *it = &r->items[*slot];
    /* Later snapshots win: rows come in planned-start order. */
    set_str(&it->title, title ? title : "");
    set_str(&it->topic, cats_nl ? cats_nl : "");
    set_str(&it->unit, unit ? unit : "");
    return *slot;
}

static struct occ *occ_get(struct builder *b, const char *key, int64_t start, bool *isnew)
{
    bool found;
    const char *stored;
    size_t *slot = smap_slot(&b->occ_map, key, &found, &stored);
    if (!found) {
        if (b->n_occ == b->cap_occ) {
            b->cap_occ = b->cap_occ ? b->cap_occ * 2 : 256;
            b->occ = xrealloc(b->occ, b->cap_occ * sizeof *b->occ);
        }
        *slot = b->n_occ++;
        struct occ *o = &b->occ[*slot];
        memset(o, 0, sizeof *o);
        o->key = stored;
        o->start_ms = start;
    }
    *isnew = !found;
    return &b->occ[*slot];
}

static void local_month(int64_t ms, int *y, int *m)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
}

static struct report_month *month_of(struct report *r, int64_t ms)
{
    int y, m;
    local_month(ms, &y, &m);
    for (size_t i = 0; i < r->n_months; i++)
        if (r->months[i].year == y && r->months[i].month == m)
            return &r->months[i];
    return NULL; /* outside the period: cannot happen for rows we selected */
}

/* Reasons are stored as English msgids (and free text, e.g. device errors);
 * the officer reads them in the report's language. */
static const char *reason_text(const char *reason)
{
    return reason && *reason ? _(reason) : "";
}

static void add_incident(struct builder *b, const struct aslog_row *row, const char *key,
                         int64_t start, const char *uid, const char *title, const char *status,
                         const char *reason)
{
    struct report *r = b->r;
    if (r->n_incidents == b->cap_incidents) {
        b->cap_incidents = b->cap_incidents ? b->cap_incidents * 2 : 32;
        r->incidents = xrealloc(r->incidents, b->cap_incidents * sizeof *r->incidents);
    }
    struct report_incident *in = &r->incidents[r->n_incidents++];
    in->planned_start_ms = start;
    in->actual_start_ms = row ? row->actual_start_ms : -1;
    in->occ_key = xstrdup(key);
    in->uid = xstrdup(uid);
    in->title = xstrdup(title ? title : "");
    in->attempt = row ? row->attempt : 0;
    in->status = xstrdup(status);
    in->reason = xstrdup(reason_text(reason));
    in->played_ms = row ? row->played_ms : 0;
    in->source = row ? row->source : ASLOG_SOURCE_PLAN;
}

static int on_row(const struct aslog_row *row, void *ud)
{
    struct builder *b = ud;
    struct report *r = b->r;
    /* An occurrence of the plan is one whose key is not "adhoc/...", even
     * if a future daemon tags a planned emergency item by its level. */
    bool planned = row->source == ASLOG_SOURCE_PLAN || strncmp(row->occ_key, "adhoc/", 6) != 0;
    size_t it = item_index(b, row->uid, planned ? ASLOG_SOURCE_PLAN : row->source, row->title,
                           row->categories, row->unit);
    struct report_item *item = &r->items[it];
    bool sound = row->played_ms > 0 &&
                 (row->status == ASLOG_AIRED || row->status == ASLOG_INTERRUPTED ||
                  row->status == ASLOG_ON_AIR);
    if (sound) {
        item->airings++;
        item->played_ms += row->played_ms;
        struct report_month *mo = month_of(r, row->planned_start_ms);
        if (mo) {
            mo->airings += planned;
            mo->played_ms += row->played_ms;
        }
        r->sum.total_ms += row->played_ms;
        switch (planned ? ASLOG_SOURCE_PLAN : row->source) {
        case ASLOG_SOURCE_PLAN:
            r->sum.airings++;
            r->sum.plan_ms += row->played_ms;
            break;
        case ASLOG_SOURCE_ADHOC:
            r->sum.adhoc_airings++;
            r->sum.adhoc_ms += row->played_ms;
            break;
        case ASLOG_SOURCE_EMERGENCY:
            r->sum.emergency_airings++;
            r->sum.emergency_ms += row->played_ms;
            break;
        }
    }
    if (row->status != ASLOG_AIRED && row->status != ASLOG_ON_AIR)
        add_incident(b, row, row->occ_key, row->planned_start_ms, row->uid, row->title,
                     aslog_status_name(row->status), row->reason);
    if (!planned)
        return 0;
    bool isnew;
    struct occ *o = occ_get(b, row->occ_key, row->planned_start_ms, &isnew);
    o->item = it;
    o->logged = true;
    if (row->status == ASLOG_AIRED)
        o->aired = true;
    if (row->status == ASLOG_ON_AIR)
        o->on_air = true;
    if (row->attempt >= o->last_attempt) {
        o->last_attempt = row->attempt;
        o->last_status = row->status;
        set_str(&o->last_reason, reason_text(row->reason));
    }
    return 0;
}

static enum report_outcome outcome_of(const struct occ *o)
{
    if (o->aired)
        return OUT_AIRED;
    if (o->on_air)
        return OUT_ON_AIR;
    if (!o->logged)
        return o->cancelled_in_plan ? OUT_CANCELLED : OUT_UNLOGGED;
    switch (o->last_status) {
    case ASLOG_INTERRUPTED: return OUT_INTERRUPTED;
    case ASLOG_FAILED: return OUT_FAILED;
    case ASLOG_MISSED: return OUT_MISSED;
    case ASLOG_CANCELLED: return OUT_CANCELLED;
    default: return OUT_AIRED;
    }
}

static void tally_add(struct item_acc *a, const char *text)
{
    for (size_t i = 0; i < a->n_t; i++) {
        if (strcmp(a->t[i].text, text) == 0) {
            a->t[i].n++;
            return;
        }
    }
    a->t = xrealloc(a->t, (a->n_t + 1) * sizeof *a->t);
    a->t[a->n_t].text = xstrdup(text);
    a->t[a->n_t++].n = 1;
}

static int cmp_item(const void *pa, const void *pb)
{
    const struct report_item *a = pa, *b = pb;
    if (a->source != b->source)
        return a->source < b->source ? -1 : 1;
    int c = strcmp(a->title, b->title);
    return c ? c : strcmp(a->uid, b->uid);
}

static int cmp_incident(const void *pa, const void *pb)
{
    const struct report_incident *a = pa, *b = pb;
    if (a->planned_start_ms != b->planned_start_ms)
        return a->planned_start_ms < b->planned_start_ms ? -1 : 1;
    int c = strcmp(a->occ_key, b->occ_key);
    return c ? c : a->attempt - b->attempt;
}

static int cmp_topic(const void *pa, const void *pb)
{
    const struct report_topic *a = pa, *b = pb;
    /* "(no topic)" last */
    if (!*a->topic != !*b->topic)
        return *a->topic ? -1 : 1;
    return strcmp(a->topic, b->topic);
}

static void build_topics(struct report *r)
{
    size_t cap = 0;
    for (size_t i = 0; i < r->n_items; i++) {
        struct report_item *it = &r->items[i];
        if (it->source != ASLOG_SOURCE_PLAN)
            continue;
        const char *p = it->topic;
        do {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            struct report_topic *t = NULL;
            for (size_t j = 0; j < r->n_topics; j++)
                if (strlen(r->topics[j].topic) == len && !strncmp(r->topics[j].topic, p, len))
                    t = &r->topics[j];
            if (!t) {
                if (r->n_topics == cap) {
                    cap = cap ? cap * 2 : 16;
                    r->topics = xrealloc(r->topics, cap * sizeof *r->topics);
                }
                t = &r->topics[r->n_topics++];
                memset(t, 0, sizeof *t);
                t->topic = xstrndup(p, len);
            }
            t->items++;
            t->planned += it->planned;
            t->aired += it->aired;
            t->airings += it->airings;
            t->played_ms += it->played_ms;
            p = nl ? nl + 1 : NULL;
        } while (p);
        /* Renderers show topics joined with ", ". */
        for (char *c = it->topic; *c; c++)
            if (*c == '\n')
                *c = '\x1f';
    }
    qsort(r->topics, r->n_topics, sizeof *r->topics, cmp_topic);
    /* replace the private separator by ", " now that topics are counted */
    for (size_t i = 0; i < r->n_items; i++) {
        struct strbuf s = {0};
        for (const char *c = r->items[i].topic; *c; c++) {
            if (*c == '\x1f' || *c == '\n')
                strbuf_puts(&s, ", ");
            else
                strbuf_add(&s, c, 1);
        }
        free(r->items[i].topic);
        r->items[i].topic = strbuf_steal(&s);
    }
}

static void build_months(struct report *r)
{
    int y, m, ly, lm;
    local_month(r->period.from_ms, &y, &m);
    local_month(r->end_ms - 1, &ly, &lm);
    if (r->end_ms <= r->period.from_ms) {
        ly = y;
        lm = m;
    }
    size_t n = (size_t)((ly - y) * 12 + (lm - m) + 1);
    r->months = xcalloc(n, sizeof *r->months);
    for (size_t i = 0; i < n; i++) {
        r->months[i].year = y;
        r->months[i].month = m;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    r->n_months = n;
}

int report_build(const struct report_input *in, struct aslog *log, struct report **out,
                 char *err, size_t errlen)
{
    if (in->as_of_ms <= in->period.from_ms) {
        snprintf(err, errlen, _("the period %s has not started yet at the report time"),
                 in->period.spec);
        return -ERANGE;
    }
    struct report *r = xcalloc(1, sizeof *r);
    struct builder b = {.r = r};
    r->commune = xstrdup(in->commune ? in->commune : "");
    r->period = in->period;
    r->as_of_ms = in->as_of_ms;
    r->generated_at_ms = in->generated_at_ms;
    r->partial = in->as_of_ms < in->period.to_ms;
    r->end_ms = r->partial ? in->as_of_ms : in->period.to_ms;
    r->files = xcalloc(in->n_files, sizeof *r->files);
    for (size_t i = 0; i < in->n_files; i++) {
        r->files[i].path = xstrdup(in->files[i].path);
        r->files[i].sha256 = xstrdup(in->files[i].sha256 ? in->files[i].sha256 : "");
    }
    r->n_files = in->n_files;
    build_months(r);

    for (size_t i = 0; i < in->n_occ; i++) {
        const struct plan_occurrence *po = &in->occ[i];
        if (po->start_ms < r->period.from_ms || po->start_ms >= r->end_ms)
            continue;
        const struct plan_item *pi = po->item;
        char *cats = join_categories(pi->categories, pi->n_categories);
        bool isnew;
        struct occ *o = occ_get(&b, po->key, po->start_ms, &isnew);
        o->item = item_index(&b, pi->uid, ASLOG_SOURCE_PLAN, pi->summary, cats, pi->unit);
        o->cancelled_in_plan = po->cancelled;
        free(cats);
    }
    struct aslog_filter f = {.from_ms = r->period.from_ms, .to_ms = r->end_ms};
    int rc = aslog_query(log, &f, on_row, &b);
    if (rc < 0) {
        snprintf(err, errlen, _("cannot read the as-run log: %s"), aslog_errmsg(log));
        goto done;
    }

    for (size_t i = 0; i < b.n_occ; i++) {
        struct occ *o = &b.occ[i];
        struct report_item *it = &r->items[o->item];
        enum report_outcome oc = outcome_of(o);
        r->sum.planned++;
        r->sum.outcome[oc]++;
        it->planned++;
        struct report_month *mo = month_of(r, o->start_ms);
        if (mo)
            mo->planned++;
        if (oc == OUT_AIRED) {
            it->aired++;
            if (mo)
                mo->aired++;
            continue;
        }
        if (oc == OUT_ON_AIR)
            continue;
        it->not_aired++;
        const char *why = o->logged && o->last_reason ? o->last_reason : "";
        char *t = *why ? xasprintf("%s: %s", report_outcome_label(oc), why)
                       : xstrdup(report_outcome_label(oc));
        tally_add(&b.acc[o->item], t);
        free(t);
        if (!o->logged)
            add_incident(&b, NULL, o->key, o->start_ms, it->uid, it->title,
                         oc == OUT_CANCELLED ? "cancelled" : "unlogged",
                         oc == OUT_CANCELLED ? _("cancelled in the plan")
                                             : _("no entry in the as-run log"));
    }
    for (size_t i = 0; i < r->n_items; i++) {
        struct strbuf s = {0};
        for (size_t j = 0; j < b.acc[i].n_t; j++) {
            if (j)
                strbuf_puts(&s, "; ");
            strbuf_puts(&s, b.acc[i].t[j].text);
            if (b.acc[i].t[j].n > 1)
                strbuf_printf(&s, " ×%ld", b.acc[i].t[j].n);
            free(b.acc[i].t[j].text);
        }
        free(b.acc[i].t);
        r->items[i].reasons = strbuf_steal(&s);
        if (r->items[i].source == ASLOG_SOURCE_PLAN && r->items[i].aired > 0)
            r->sum.items++;
    }
    long due = r->sum.planned - r->sum.outcome[OUT_CANCELLED];
    r->sum.compliance_pct = due > 0 ? 100.0 * (double)r->sum.outcome[OUT_AIRED] / (double)due
                                    : -1;
    qsort(r->items, r->n_items, sizeof *r->items, cmp_item);
    build_topics(r);
    qsort(r->incidents, r->n_incidents, sizeof *r->incidents, cmp_incident);
    rc = 0;
done:
    for (size_t i = 0; i < b.n_occ; i++)
        free(b.occ[i].last_reason);
    free(b.occ);
    free(b.acc);
    smap_free(&b.occ_map);
    smap_free(&b.item_map);
    if (rc < 0) {
        report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void report_free(struct report *r)
{
    if (!r)
        return;
    free(r->commune);
    for (size_t i = 0; i < r->n_files; i++) {
        free((char *)r->files[i].path);
        free((char *)r->files[i].sha256);
    }
    free(r->files);
    for (size_t i = 0; i < r->n_items; i++) {
        struct report_item *it = &r->items[i];
        free(it->uid);
        free(it->title);
        free(it->topic);
        free(it->unit);
        free(it->reasons);
    }
    free(r->items);
    for (size_t i = 0; i < r->n_topics; i++)
        free(r->topics[i].topic);
    free(r->topics);
    free(r->months);
    for (size_t i = 0; i < r->n_incidents; i++) {
        struct report_incident *in = &r->incidents[i];
        free(in->occ_key);
        free(in->uid);
        free(in->title);
        free(in->status);
        free(in->reason);
    }
    free(r->incidents);
    free(r);
}

int64_t report_end_ms(const struct report *r)
{
    return r->end_ms;
}

bool report_is_partial(const struct report *r)
{
    return r->partial;
}
