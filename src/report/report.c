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
#include "core/reasons.h"
#include "core/util.h"
#include "report/collate.h"

/* Bump allocation for strings that live as long as their owner (the
 * builder or the report): a year holds tens of thousands of occurrence
 * keys, and one malloc each showed in profiles (heap growth, page faults). */
struct report_pool {
    struct pool_block *blocks;
    char *p;
    size_t left;
};

struct pool_block {
    struct pool_block *next;
    char data[];
};

#define POOL_BLOCK 65536

struct report_pool *report_pool_new(void)
{
    return xcalloc(1, sizeof(struct report_pool));
}

const char *report_pool_strdup(struct report_pool *pl, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > pl->left) {
        size_t sz = n > POOL_BLOCK / 4 ? n : POOL_BLOCK;
        struct pool_block *b = xmalloc(sizeof *b + sz);
        b->next = pl->blocks;
        pl->blocks = b;
        if (n > POOL_BLOCK / 4) /* a big string gets its own block */
            return memcpy(b->data, s, n);
        pl->p = b->data;
        pl->left = sz;
    }
    char *d = memcpy(pl->p, s, n);
    pl->p += n;
    pl->left -= n;
    return d;
}

static void pool_clear(struct report_pool *pl)
{
    while (pl && pl->blocks) {
        struct pool_block *b = pl->blocks;
        pl->blocks = b->next;
        free(b);
    }
}

void report_pool_free(struct report_pool *pl)
{
    pool_clear(pl);
    free(pl);
}

/* A string -> index map (open addressing, linear probing). A slot holds
 * the key pointer, 32 bits of its hash and the value in 16 bytes, so a
 * probe touches one cache line and the key only when the hashes match.
 * Keys are not copied: the caller keeps them alive as long as the map. */
struct smap_slot {
    const char *key;           /* NULL: empty */
    uint32_t hash, val;
};

struct smap {
    struct smap_slot *slots;
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

/* Room for n keys at a load of at most one half. */
static void smap_reserve(struct smap *m, size_t n)
{
    if ((n + 1) * 2 <= m->cap)
        return;
    size_t cap = m->cap ? m->cap : 64;
    while ((n + 1) * 2 > cap)
        cap *= 2;
    struct smap_slot *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

/* The slot for key: found (slot->key set) or the empty one where it goes. */
static struct smap_slot *smap_find(struct smap *m, const char *key, uint32_t *hash)
{
    smap_reserve(m, m->n + 1);
    uint32_t h = (uint32_t)hash_str(key);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0)
            break;
        j = (j + 1) & (m->cap - 1);
    }
    *hash = h;
    return &m->slots[j];
}

static void smap_put(struct smap *m, struct smap_slot *slot, uint32_t hash, const char *key,
                     size_t val)
{
    slot->key = key;
    slot->hash = hash;
    slot->val = (uint32_t)val;
    m->n++;
}

static void smap_free(struct smap *m)
{
    free(m->slots);
}

/* One occurrence of the plan (or seen in the log as planned). */
struct occ {
    int64_t start_ms;
    int64_t slot_ms;           /* planned airtime: the plan's end - start, else the row's */
    size_t item;               /* index into items */
    enum plan_level level;     /* the last row's (its PRIORITY), else the plan item's */
    bool aired, on_air, cancelled_in_plan, logged;
    bool unapproved_in_plan;   /* require_approval and STATUS:TENTATIVE */
    bool has_slot, last_tentative;
    enum aslog_status last_status;
    int last_attempt;
    const char *key;           /* the plan's occurrence or the builder's pool */
    const char *last_reason;   /* interned (builder.texts), NULL when none */
};

/* A reason tally inside one item: "missed: late start ×2". (outcome, why)
 * finds it without building the text: both are interned. */
struct tally {
    char *text;
    enum report_outcome oc;
    const char *why;
    long n;
};

struct item_acc {
    struct tally *t;
    size_t n_t;
    const struct plan_item *last_pi; /* the snapshot last set came from it */
};

/* Which item a plan item counts in, by pointer (direct mapped). */
#define PI_CACHE 1024
struct pi_cache {
    const struct plan_item *pi;
    size_t item;
};

struct builder {
    struct report *r;
    const struct report_input *in;
    struct occ *occ;
    size_t n_occ, cap_occ;
    size_t n_plan_occ, cursor;  /* occ[0, n_plan_occ): the plan's, by start then key */
    struct smap occ_map, item_map, text_map, reason_map;
    struct report_pool keys;    /* log-only occurrence keys, item and reason map keys */
    size_t cap_items, cap_incidents;
    struct item_acc *acc;
    struct pi_cache pi_cache[PI_CACHE];
    int64_t *month_start;       /* n_months + 1 guesses of where local months begin */
    const char **reason_tr;     /* reason_map's values: the interned translations */
    size_t n_reason_tr, cap_reason_tr;
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

/* The report's one copy of s (equal texts, equal pointers). */
static const char *intern(struct builder *b, const char *s)
{
    uint32_t h;
    struct smap_slot *sl = smap_find(&b->text_map, s, &h);
    if (!sl->key)
        smap_put(&b->text_map, sl, h, report_pool_strdup(b->r->pool, s), 0);
    return sl->key;
}

/* Reasons are stored as msgids of core/reasons.h (some with a detail);
 * the officer reads them in the report's language (reason_label). Interned: a year has a
 * handful of distinct reasons and thousands of rows with one. */
static const char *reason_text(struct builder *b, const char *reason)
{
    if (!reason || !*reason)
        return "";
    uint32_t h;
    struct smap_slot *sl = smap_find(&b->reason_map, reason, &h);
    if (sl->key)
        return b->reason_tr[sl->val];
    if (b->n_reason_tr == b->cap_reason_tr) {
        b->cap_reason_tr = b->cap_reason_tr ? b->cap_reason_tr * 2 : 16;
        b->reason_tr = xrealloc(b->reason_tr, b->cap_reason_tr * sizeof *b->reason_tr);
    }
    smap_put(&b->reason_map, sl, h, report_pool_strdup(&b->keys, reason), b->n_reason_tr);
    char buf[1400];
    const char *t = intern(b, reason_label(reason, buf, sizeof buf));
    b->reason_tr[b->n_reason_tr++] = t;
    return t;
}

static size_t item_index(struct builder *b, const char *uid, enum aslog_source src,
                         const char *title, const char *cats_nl, const char *unit,
                         enum plan_level level)
{
    char stack[256], *k = stack;
    size_t ulen = strlen(uid);
    if (ulen + 3 > sizeof stack)
        k = xmalloc(ulen + 3);
    k[0] = (char)('0' + (int)src);
    k[1] = '\x1f';
    memcpy(k + 2, uid, ulen + 1);
    uint32_t h;
    struct smap_slot *sl = smap_find(&b->item_map, k, &h);
    struct report *r = b->r;
    if (!sl->key) {
        if (r->n_items == b->cap_items) {
            b->cap_items = b->cap_items ? b->cap_items * 2 : 32;
            r->items = xrealloc(r->items, b->cap_items * sizeof *r->items);
            b->acc = xrealloc(b->acc, b->cap_items * sizeof *b->acc);
        }
        size_t i = r->n_items++;
        smap_put(&b->item_map, sl, h, report_pool_strdup(&b->keys, k), i);
        struct report_item *it = &r->items[i];
        memset(it, 0, sizeof *it);
        memset(&b->acc[i], 0, sizeof b->acc[i]);
        it->uid = xstrdup(uid);
        it->source = src;
    }
    if (k != stack)
        free(k);
    size_t i = sl->val;
    struct report_item *it = &r->items[i];
    /* Later snapshots win: rows come in planned-start order. */
    set_str(&it->title, title ? title : "");
    set_str(&it->topic, cats_nl ? cats_nl : "");
    set_str(&it->unit, unit ? unit : "");
    it->level = level;
    b->acc[i].last_pi = NULL;
    return i;
}

/* item_index for a plan item: its snapshot is set again only when another
 * plan item (an override, say) set the item's since. */
static size_t plan_item_index(struct builder *b, const struct plan_item *pi)
{
    struct pi_cache *c = &b->pi_cache[((uintptr_t)pi >> 4) % PI_CACHE];
    if (c->pi == pi && b->acc[c->item].last_pi == pi)
        return c->item;
    char *cats = join_categories(pi->categories, pi->n_categories);
    size_t i = item_index(b, pi->uid, ASLOG_SOURCE_PLAN, pi->summary, cats, pi->unit,
                          pi->level);
    free(cats);
    b->acc[i].last_pi = pi;
    c->pi = pi;
    c->item = i;
    return i;
}

static struct occ *occ_new(struct builder *b, struct smap_slot *sl, uint32_t h, const char *key,
                           int64_t start)
{
    if (b->n_occ == b->cap_occ) {
        b->cap_occ = b->cap_occ ? b->cap_occ * 2 : 256;
        b->occ = xrealloc(b->occ, b->cap_occ * sizeof *b->occ);
    }
    smap_put(&b->occ_map, sl, h, key, b->n_occ);
    struct occ *o = &b->occ[b->n_occ++];
    memset(o, 0, sizeof *o);
    o->key = key;
    o->start_ms = start;
    return o;
}

/* The plan's occurrence: key lives as long as the builder. */
static struct occ *occ_plan(struct builder *b, const char *key, int64_t start)
{
    uint32_t h;
    struct smap_slot *sl = smap_find(&b->occ_map, key, &h);
    return sl->key ? &b->occ[sl->val] : occ_new(b, sl, h, key, start);
}

/* The occurrence of a log row. Rows come in planned-start then key order,
 * as the plan's occurrences do: a cursor finds most without hashing. */
static struct occ *occ_row(struct builder *b, const char *key, int64_t start)
{
    size_t c = b->cursor;
    while (c < b->n_plan_occ && b->occ[c].start_ms < start)
        c++;
    b->cursor = c;
    for (; c < b->n_plan_occ && b->occ[c].start_ms == start; c++)
        if (strcmp(b->occ[c].key, key) == 0)
            return &b->occ[c];
    uint32_t h;
    struct smap_slot *sl = smap_find(&b->occ_map, key, &h);
    if (sl->key)
        return &b->occ[sl->val];
    return occ_new(b, sl, h, report_pool_strdup(&b->keys, key), start);
}

/* The month an instant is counted in, named by its number: the calendar
 * month, or under the cut-off of Decree 09 the month whose 14th ends it
 * (the 15th onward belongs to the next month). */
static void label_month(const struct report *r, int64_t ms, int *y, int *m)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    if (r->period.cutoff == CONFIG_CUTOFF_ND09 && tm.tm_mday >= 15 && ++*m > 12) {
        *m = 1;
        ++*y;
    }
}

/* Local midnight where month (y, m) begins: the 1st, or (ND09) the 15th
 * of the month before. */
static int64_t month_begin(const struct report *r, int y, int m)
{
    while (m > 12) {
        m -= 12;
        y++;
    }
    struct period_date d = {y, m, 1};
    if (r->period.cutoff == CONFIG_CUTOFF_ND09) {
        d.day = 15;
        if (--d.month < 1) {
            d.month = 12;
            d.year--;
        }
    }
    return period_date_ms(d);
}

/* Where each month of the report begins. A zone's jump (Samoa skipped a
 * day) can make a local midnight fuzzy, so times within two days of one
 * still ask localtime; the rest, nearly all rows, are found by a search. */
#define MONTH_MARGIN_MS (2 * 86400 * 1000LL)
static void month_starts(struct builder *b)
{
    struct report *r = b->r;
    b->month_start = xcalloc(r->n_months + 1, sizeof *b->month_start);
    for (size_t i = 0; i <= r->n_months; i++) {
        int y = i < r->n_months ? r->months[i].year : r->months[i - 1].year;
        int m = i < r->n_months ? r->months[i].month : r->months[i - 1].month + 1;
        b->month_start[i] = month_begin(r, y, m);
    }
    for (size_t i = 0; i < r->n_months; i++) {
        struct report_month *mo = &r->months[i];
        mo->from_ms = b->month_start[i] > r->period.from_ms ? b->month_start[i] : r->period.from_ms;
        mo->to_ms = b->month_start[i + 1] < r->end_ms ? b->month_start[i + 1] : r->end_ms;
    }
}

static struct report_month *month_of(struct builder *b, int64_t ms)
{
    struct report *r = b->r;
    size_t lo = 0, hi = r->n_months + 1; /* the last start <= ms */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (b->month_start[mid] <= ms)
            lo = mid;
        else
            hi = mid;
    }
    bool near = ms - b->month_start[lo] < MONTH_MARGIN_MS ||
                (lo < r->n_months && b->month_start[lo + 1] - ms <= MONTH_MARGIN_MS) ||
                ms < b->month_start[0];
    if (!near)
        return lo < r->n_months ? &r->months[lo] : NULL;
    int y, m;
    label_month(r, ms, &y, &m);
    for (size_t i = 0; i < r->n_months; i++)
        if (r->months[i].year == y && r->months[i].month == m)
            return &r->months[i];
    return NULL; /* outside the period: cannot happen for rows we selected */
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
    in->occ_key = report_pool_strdup(r->pool, key);
    in->uid = intern(b, uid);
    in->title = intern(b, title ? title : "");
    in->attempt = row ? row->attempt : 0;
    in->status = status; /* static */
    in->reason = reason;  /* interned */
    in->played_ms = row ? row->played_ms : 0;
    in->source = row ? row->source : ASLOG_SOURCE_PLAN;
}

/* The level a row aired at: an ad hoc emergency is one by its source;
 * otherwise its PRIORITY, read as the plan loader reads it. */
static enum plan_level row_level(const struct builder *b, const struct aslog_row *row)
{
    if (row->source == ASLOG_SOURCE_EMERGENCY)
        return PLAN_LEVEL_EMERGENCY;
    return plan_level_of_priority(row->priority, row->source == ASLOG_SOURCE_PLAN &&
                                                     b->in->no_emergency_from_priority);
}

/* Missed because not approved (require_approval, STATUS:TENTATIVE): the
 * scheduler's reason; not a failure of the station. */
static bool row_tentative(const struct aslog_row *row)
{
    /* station.approval = signed: no approval of its content (the same count) */
    return row->status == ASLOG_MISSED &&
           (strncmp(row->reason, REASON_TENTATIVE, sizeof REASON_TENTATIVE - 1) == 0 ||
            strncmp(row->reason, REASON_NOT_APPROVED, sizeof REASON_NOT_APPROVED - 1) == 0);
}

/* The period's approvals (report_approval), their strings in the pool */
static int on_approval(const struct aslog_approval *a, void *ud)
{
    struct report *r = ud;
    if (r->n_approvals % 64 == 0) /* a few per item and period */
        r->approvals = xrealloc(r->approvals, (r->n_approvals + 64) * sizeof *r->approvals);
    r->approvals[r->n_approvals++] = (struct report_approval){
        .at_ms = a->at_ms, .uid = report_pool_strdup(r->pool, a->uid),
        .title = report_pool_strdup(r->pool, a->title),
        .who = report_pool_strdup(r->pool, a->who),
        .comment = report_pool_strdup(r->pool, a->comment),
        .hash = report_pool_strdup(r->pool, a->content_hash),
        .decision = aslog_decision_name(a->decision),
    };
    return 0;
}

static int on_row(const struct aslog_row *row, void *ud)
{
    struct builder *b = ud;
    struct report *r = b->r;
    /* An occurrence of the plan is one whose key is not "adhoc/...", even
     * if a future daemon tags a planned emergency item by its level. */
    bool planned = row->source == ASLOG_SOURCE_PLAN || strncmp(row->occ_key, "adhoc/", 6) != 0;
    enum plan_level lv = row_level(b, row);
    size_t it = item_index(b, row->uid, planned ? ASLOG_SOURCE_PLAN : row->source, row->title,
                           row->categories, row->unit, lv);
    struct report_item *item = &r->items[it];
    bool sound = row->played_ms > 0 &&
                 (row->status == ASLOG_AIRED || row->status == ASLOG_INTERRUPTED ||
                  row->status == ASLOG_ON_AIR);
    if (sound) {
        item->airings++;
        item->played_ms += row->played_ms;
        struct report_month *mo = month_of(b, row->planned_start_ms);
        if (mo) {
            mo->airings += planned;
            mo->played_ms += row->played_ms;
        }
        struct report_level *l = &r->levels[report_level_row(lv)];
        l->airings++;
        l->played_ms += row->played_ms;
        if (lv == PLAN_LEVEL_EMERGENCY) {
            r->sum.emergency_airings++;
            r->sum.emergency_ms += row->played_ms;
        }
        r->sum.total_ms += row->played_ms;
        if (planned) {
            r->sum.airings++;
            r->sum.plan_ms += row->played_ms;
        } else {
            r->sum.adhoc_airings++;
            r->sum.adhoc_ms += row->played_ms;
        }
    }
    const char *why = reason_text(b, row->reason);
    bool tentative = row_tentative(row);
    /* incidents: what went wrong on air, not what the plan decided
     * (cancelled, not approved) */
    if (row->status != ASLOG_AIRED && row->status != ASLOG_ON_AIR &&
        row->status != ASLOG_CANCELLED && !tentative)
        add_incident(b, row, row->occ_key, row->planned_start_ms, row->uid, row->title,
                     aslog_status_name(row->status), why);
    if (!planned)
        return 0;
    struct occ *o = occ_row(b, row->occ_key, row->planned_start_ms);
    o->item = it;
    o->logged = true;
    o->level = lv;
    if (!o->has_slot && row->planned_end_ms > row->planned_start_ms) {
        o->slot_ms = row->planned_end_ms - row->planned_start_ms;
        o->has_slot = true;
    }
    if (row->status == ASLOG_AIRED)
        o->aired = true;
    if (row->status == ASLOG_ON_AIR)
        o->on_air = true;
    if (row->attempt >= o->last_attempt) {
        o->last_attempt = row->attempt;
        o->last_status = row->status;
        o->last_reason = why;
        o->last_tentative = tentative;
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
        return o->cancelled_in_plan    ? OUT_CANCELLED
               : o->unapproved_in_plan ? OUT_NOT_APPROVED
                                       : OUT_UNLOGGED;
    if (o->last_tentative)
        return OUT_NOT_APPROVED;
    switch (o->last_status) {
    case ASLOG_INTERRUPTED: return OUT_INTERRUPTED;
    case ASLOG_FAILED: return OUT_FAILED;
    case ASLOG_MISSED: return OUT_MISSED;
    case ASLOG_CANCELLED: return OUT_CANCELLED;
    default: return OUT_AIRED;
    }
}

static void tally_add(struct item_acc *a, enum report_outcome oc, const char *why)
{
    for (size_t i = 0; i < a->n_t; i++) {
        if (a->t[i].oc == oc && a->t[i].why == why) {
            a->t[i].n++;
            return;
        }
    }
    char *t = *why ? xasprintf("%s: %s", report_outcome_label(oc), why)
                   : xstrdup(report_outcome_label(oc));
    for (size_t i = 0; i < a->n_t; i++) { /* the same words from another pair */
        if (strcmp(a->t[i].text, t) == 0) {
            a->t[i].n++;
            free(t);
            return;
        }
    }
    a->t = xrealloc(a->t, (a->n_t + 1) * sizeof *a->t);
    a->t[a->n_t] = (struct tally){t, oc, why, 1};
    a->n_t++;
}

/* Titles, topics and units in Vietnamese order (collate.h). */
static int cmp_item(const void *pa, const void *pb, void *coll)
{
    const struct report_item *a = pa, *b = pb;
    if (a->source != b->source)
        return a->source < b->source ? -1 : 1;
    int c = report_collate(coll, a->title, b->title);
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

/* "(no topic)", "(no unit)": last */
static int cmp_named(const char *a, const char *b, void *coll)
{
    if (!*a != !*b)
        return *a ? -1 : 1;
    return report_collate(coll, a, b);
}

static int cmp_topic(const void *pa, const void *pb, void *coll)
{
    return cmp_named(((const struct report_topic *)pa)->topic,
                     ((const struct report_topic *)pb)->topic, coll);
}

static int cmp_unit(const void *pa, const void *pb, void *coll)
{
    return cmp_named(((const struct report_unit *)pa)->unit,
                     ((const struct report_unit *)pb)->unit, coll);
}

static void build_topics(struct report *r, struct report_collator *coll)
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
            t->planned_ms += it->planned_ms;
            t->played_ms += it->played_ms;
            p = nl ? nl + 1 : NULL;
        } while (p);
        /* Renderers show topics joined with ", ". */
        for (char *c = it->topic; *c; c++)
            if (*c == '\n')
                *c = '\x1f';
    }
    if (r->n_topics) /* qsort(NULL, 0, ...) is undefined */
        qsort_r(r->topics, r->n_topics, sizeof *r->topics, cmp_topic, coll);
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

/* The lead units and the levels, from the plan's items (ad hoc airings
 * count in their level's airings, on_row). */
static void build_units_levels(struct report *r, struct report_collator *coll)
{
    size_t cap = 0;
    for (size_t i = 0; i < REPORT_LEVELS; i++)
        r->levels[i].level = i == 0 ? PLAN_LEVEL_EMERGENCY
                             : i == 1 ? PLAN_LEVEL_PRIORITY
                                      : PLAN_LEVEL_NORMAL;
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        if (it->source != ASLOG_SOURCE_PLAN)
            continue;
        r->levels[report_level_row(it->level)].items++;
        struct report_unit *u = NULL;
        for (size_t j = 0; j < r->n_units && !u; j++) /* a commune has a handful */
            if (strcmp(r->units[j].unit, it->unit) == 0)
                u = &r->units[j];
        if (!u) {
            if (r->n_units == cap) {
                cap = cap ? cap * 2 : 8;
                r->units = xrealloc(r->units, cap * sizeof *r->units);
            }
            u = &r->units[r->n_units++];
            memset(u, 0, sizeof *u);
            u->unit = xstrdup(it->unit);
        }
        u->items++;
        u->planned += it->planned;
        u->aired += it->aired;
        u->airings += it->airings;
        u->planned_ms += it->planned_ms;
        u->played_ms += it->played_ms;
    }
    if (r->n_units)
        qsort_r(r->units, r->n_units, sizeof *r->units, cmp_unit, coll);
}

/* The incidents by (status, reason), in the order of the outcomes, then
 * the most frequent first: section II says "missed 17 times: ...", not
 * seventeen rows. Statuses are static and reasons interned: pointers. */
struct group_key {
    size_t group;
    const char *uid;
};

static int cmp_group_key(const void *pa, const void *pb)
{
    const struct group_key *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    return a->uid < b->uid ? -1 : a->uid > b->uid;
}

static int status_rank(const char *status)
{
    static const char *const order[] = {"interrupted", "failed", "missed", "unlogged"};
    for (int i = 0; i < 4; i++)
        if (strcmp(status, order[i]) == 0)
            return i;
    return 4;
}

static int cmp_group(const void *pa, const void *pb, void *coll)
{
    const struct report_incident_group *a = pa, *b = pb;
    int ra = status_rank(a->status), rb = status_rank(b->status);
    if (ra != rb)
        return ra - rb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return report_collate(coll, a->reason, b->reason);
}

static void build_incident_groups(struct report *r, struct report_collator *coll)
{
    size_t cap = 0;
    struct group_key *keys = xcalloc(r->n_incidents + 1, sizeof *keys);
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        size_t g = 0;
        while (g < r->n_incident_groups && (r->incident_groups[g].status != in->status ||
                                            r->incident_groups[g].reason != in->reason))
            g++;
        if (g == r->n_incident_groups) {
            if (g == cap) {
                cap = cap ? cap * 2 : 8;
                r->incident_groups = xrealloc(r->incident_groups,
                                              cap * sizeof *r->incident_groups);
            }
            r->incident_groups[g] = (struct report_incident_group){
                .status = in->status, .reason = in->reason,
                .first_ms = in->planned_start_ms, .last_ms = in->planned_start_ms};
            r->n_incident_groups++;
        }
        struct report_incident_group *gr = &r->incident_groups[g];
        gr->count++;
        if (in->planned_start_ms < gr->first_ms)
            gr->first_ms = in->planned_start_ms;
        if (in->planned_start_ms > gr->last_ms)
            gr->last_ms = in->planned_start_ms;
        keys[i] = (struct group_key){g, in->uid};
    }
    if (r->n_incidents)
        qsort(keys, r->n_incidents, sizeof *keys, cmp_group_key);
    for (size_t i = 0; i < r->n_incidents; i++)
        if (i == 0 || keys[i].group != keys[i - 1].group || keys[i].uid != keys[i - 1].uid)
            r->incident_groups[keys[i].group].items++;
    free(keys);
    if (r->n_incident_groups)
        qsort_r(r->incident_groups, r->n_incident_groups, sizeof *r->incident_groups,
                cmp_group, coll);
}

static void build_months(struct report *r)
{
    int y, m, ly, lm;
    label_month(r, r->period.from_ms, &y, &m);
    label_month(r, r->end_ms - 1, &ly, &lm);
    if (r->end_ms <= r->period.from_ms || ly * 12 + lm < y * 12 + m) {
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

/* The message of a msgid that ends in a newline (the CLI's), without it. */
static void message(char *err, size_t errlen)
{
    err[strcspn(err, "\n")] = '\0';
}

int report_input_settings(const struct loaxa_config *cfg, struct report_input *in,
                          char **directions, char *err, size_t errlen)
{
    in->commune = cfg->commune;
    in->doc = (struct report_doc_settings){
        .issuer = cfg->report_issuer, .code = cfg->report_code, .place = cfg->report_place,
        .sign_block = cfg->report_sign_block, .signer = cfg->report_signer,
        .recipients = cfg->report_recipients};
    in->require_approval = cfg->require_approval;
    in->no_emergency_from_priority = !cfg->emergency_from_priority;
    *directions = NULL;
    const char *path = cfg->report_directions_file;
    if (!path || !*path)
        return 0;
    size_t len;
    int e = util_read_file(path, REPORT_MAX_DIRECTIONS, directions, &len);
    if (e == -EFBIG) {
        snprintf(err, errlen,
                 _("loaxa report: %s (report.directions_file) is over %d KiB: shorten it\n"),
                 path, REPORT_MAX_DIRECTIONS / 1024);
    } else if (e < 0 || memchr(*directions, '\0', len)) {
        snprintf(err, errlen, _("loaxa report: cannot read %s (report.directions_file): %s\n"),
                 path, e < 0 ? strerror(-e) : _("not a text file"));
        e = e < 0 ? e : -EINVAL;
    } else {
        in->doc.directions = *directions;
        return 0;
    }
    message(err, errlen);
    free(*directions);
    *directions = NULL;
    return e;
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
    struct builder b = {.r = r, .in = in};
    struct report_collator *coll = report_collator_open("vi");
    r->pool = report_pool_new();
    /* an official report never carries a made-up name: it says what to set */
    r->commune = xstrdup(in->commune && *in->commune
                             ? in->commune
                             : _("(commune not set: set station.commune in loaxa.conf)"));
    const char **dd[] = {&r->doc.issuer, &r->doc.code, &r->doc.place, &r->doc.sign_block,
                         &r->doc.signer, &r->doc.recipients, &r->doc.directions};
    const char *const ds[] = {in->doc.issuer, in->doc.code, in->doc.place, in->doc.sign_block,
                              in->doc.signer, in->doc.recipients, in->doc.directions};
    for (size_t i = 0; i < sizeof dd / sizeof dd[0]; i++)
        *dd[i] = ds[i] && *ds[i] ? xstrdup(ds[i]) : NULL;
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
    month_starts(&b);

    smap_reserve(&b.occ_map, in->n_occ);
    b.cap_occ = in->n_occ + 256;
    b.occ = xmalloc(b.cap_occ * sizeof *b.occ);
    for (size_t i = 0; i < in->n_occ; i++) {
        const struct plan_occurrence *po = &in->occ[i];
        if (po->start_ms < r->period.from_ms || po->start_ms >= r->end_ms)
            continue;
        struct occ *o = occ_plan(&b, po->key, po->start_ms);
        o->item = plan_item_index(&b, po->item);
        o->cancelled_in_plan = po->cancelled;
        o->unapproved_in_plan = in->require_approval && !po->item->approved;
        o->level = po->item->level;
        o->slot_ms = po->end_ms > po->start_ms ? po->end_ms - po->start_ms : 0;
        o->has_slot = true;
    }
    b.n_plan_occ = b.n_occ;
    /* a station's log never counts simulated rows as aired; a simulation's
     * own log (nothing but simulated rows) is reported as it is */
    int real = aslog_has_real_rows(log);
    struct aslog_filter f = {.from_ms = r->period.from_ms, .to_ms = r->end_ms,
                             .counts_only = true, .real_only = real > 0};
    int rc = real < 0 ? real : aslog_query(log, &f, on_row, &b);
    if (rc == 0)
        rc = aslog_approvals_query(log, r->period.from_ms, r->end_ms, on_approval, r);
    if (rc == 0)
        rc = aslog_chain_head(log, &r->chain_rows, r->chain_head);
    if (rc < 0) {
        snprintf(err, errlen, _("cannot read the as-run log: %s"), aslog_errmsg(log));
        goto done;
    }

    for (size_t i = 0; i < b.n_occ; i++) {
        struct occ *o = &b.occ[i];
        struct report_item *it = &r->items[o->item];
        enum report_outcome oc = outcome_of(o);
        r->sum.scheduled++;
        r->sum.outcome[oc]++;
        if (!report_outcome_planned(oc)) {
            /* the plan after cancellations, without what was not approved */
            if (oc == OUT_CANCELLED)
                it->cancelled++;
            else
                it->not_approved++;
            tally_add(&b.acc[o->item], oc, oc == OUT_CANCELLED && o->logged && o->last_reason
                                               ? o->last_reason : "");
            continue;
        }
        struct report_month *mo = month_of(&b, o->start_ms);
        struct report_level *lv = &r->levels[report_level_row(o->level)];
        r->sum.planned++;
        r->sum.planned_ms += o->slot_ms;
        it->planned++;
        it->planned_ms += o->slot_ms;
        lv->planned++;
        lv->planned_ms += o->slot_ms;
        if (o->level == PLAN_LEVEL_EMERGENCY)
            r->sum.emergency_planned++;
        if (mo) {
            mo->planned++;
            mo->planned_ms += o->slot_ms;
        }
        if (oc == OUT_AIRED) {
            it->aired++;
            lv->aired++;
            if (mo)
                mo->aired++;
            continue;
        }
        if (oc == OUT_ON_AIR)
            continue;
        it->not_aired++;
        const char *why = o->logged && o->last_reason ? o->last_reason : "";
        tally_add(&b.acc[o->item], oc, why);
        if (!o->logged)
            add_incident(&b, NULL, o->key, o->start_ms, it->uid, it->title, "unlogged",
                         intern(&b, _("no entry in the as-run log")));
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
        if (r->items[i].source == ASLOG_SOURCE_PLAN && r->items[i].planned > 0)
            r->sum.planned_items++;
    }
    long due = r->sum.planned;
    r->sum.compliance_pct = due > 0 ? 100.0 * (double)r->sum.outcome[OUT_AIRED] / (double)due
                                    : -1;
    if (r->n_items)
        qsort_r(r->items, r->n_items, sizeof *r->items, cmp_item, coll);
    build_topics(r, coll);
    build_units_levels(r, coll);
    if (r->n_incidents)
        qsort(r->incidents, r->n_incidents, sizeof *r->incidents, cmp_incident);
    r->sum.incidents = (long)r->n_incidents;
    build_incident_groups(r, coll);
    rc = 0;
done:
    report_collator_close(coll);
    free(b.occ);
    free(b.acc);
    free(b.month_start);
    free(b.reason_tr);
    smap_free(&b.occ_map);
    smap_free(&b.item_map);
    smap_free(&b.text_map);
    smap_free(&b.reason_map);
    pool_clear(&b.keys);
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
    free((char *)r->doc.issuer);
    free((char *)r->doc.code);
    free((char *)r->doc.place);
    free((char *)r->doc.sign_block);
    free((char *)r->doc.signer);
    free((char *)r->doc.recipients);
    free((char *)r->doc.directions);
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
    for (size_t i = 0; i < r->n_units; i++)
        free(r->units[i].unit);
    free(r->units);
    free(r->months);
    free(r->incidents);
    free(r->incident_groups);
    free(r->approvals);
    report_pool_free(r->pool);
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
