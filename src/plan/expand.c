/* Expansion: every instance of every item in a window, per RFC 5545.
 * Recurrence rules are stepped with libical's iterator in the wall time of
 * DTSTART's zone; UNTIL is compared by us (as an instant when it is UTC),
 * local times become UTC through tz.c (§3.3.5 gaps and overlaps).
 * Each rule keeps a cursor: the iterator starts shortly before the window
 * asked for (see rule_restart), later windows continue from there, and only
 * the instances near the window are kept. libical's own set_start is not
 * used: in 3.0.16 it loses and repeats instances (MINUTELY/HOURLY compare
 * only the minute or hour field with INTERVAL). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/plan_internal.h"

#define DAY 86400LL
/* Continuing a cursor over a gap up to this long is cheaper than a restart. */
#define CONTINUE_GAP (7 * DAY)

void plan_rule_free(struct plan_rule *r)
{
    if (r->it)
        icalrecur_iterator_free(r->it);
    r->it = NULL;
    free(r->inst);
    r->inst = NULL;
    r->n_inst = r->cap_inst = 0;
}

static void rule_push(struct plan_rule *r, int64_t v)
{
    if (r->n_inst == r->cap_inst) {
        r->cap_inst = r->cap_inst ? r->cap_inst * 2 : 64;
        r->inst = xrealloc(r->inst, r->cap_inst * sizeof *r->inst);
    }
    r->inst[r->n_inst++] = v;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* A start for the iterator at a whole number of the rule's periods after
 * DTSTART, so that every BY* default libical takes from its start (second,
 * minute, hour, weekday, day of month, month) and the INTERVAL phase are
 * those of DTSTART, and at least one period before `target` (local-as-UTC).
 * Everything the iterator yields from *gen_from on is then exactly what
 * stepping from DTSTART yields. False when no such start exists or helps
 * (COUNT counts from DTSTART; YEARLY BYWEEKNO takes DTSTART's weekday). */
static bool jump_start(const struct plan_item_full *it, const struct plan_rule *r,
                       int64_t target, struct plan_lt *st, int64_t *gen_from)
{
    const struct icalrecurrencetype *rule = &r->rule;
    const struct plan_lt *d = &it->dtstart_lt;
    int64_t d0 = plan_lt_as_utc(d);
    int64_t interval = rule->interval > 0 ? rule->interval : 1;
    if (rule->rscale)
        return false;
    int64_t step = 0;
    switch (rule->freq) {
    case ICAL_SECONDLY_RECURRENCE:
        step = 1;
        break;
    case ICAL_MINUTELY_RECURRENCE:
        step = 60;
        break;
    case ICAL_HOURLY_RECURRENCE:
        step = 3600;
        break;
    case ICAL_DAILY_RECURRENCE:
        step = DAY;
        break;
    case ICAL_WEEKLY_RECURRENCE:
        step = 7 * DAY;
        break;
    default:
        break;
    }
    if (step && d->is_date && step < DAY)
        return false;
    if (step) {
        step *= interval;
        /* the period holding the start may be partly lost: skip it whole */
        int64_t k = target > d0 ? (target - d0) / step - 1 : 0;
        if (k < 0)
            k = 0;
        if (rule->freq == ICAL_MINUTELY_RECURRENCE &&
            rule->by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX) {
            /* libical 3.0.16 starts a MINUTELY rule with BYHOUR at the hour
             * BYHOUR[0], not at its start's hour, which shifts the minute
             * lattice. A start already in that hour is left alone: pick a
             * point of DTSTART's lattice there (before DTSTART if need be,
             * then what precedes DTSTART is not kept). */
            int64_t k0 = k;
            while (k > k0 - 20000) {
                struct plan_lt t;
                plan_zone_from_utc(NULL, d0 + k * step, &t);
                if (t.hour == rule->by_hour[0])
                    break;
                k--;
            }
            if (k == k0 - 20000 || (rule->count > 0 && k != 0))
                return false; /* COUNT counts from DTSTART: libical's way */
        } else if (rule->count > 0 || k == 0) {
            return false;
        }
        int64_t s = d0 + k * step;
        plan_zone_from_utc(NULL, s, st);
        st->is_date = d->is_date;
        *gen_from = k > 0 ? s + step : d0;
        return true;
    }
    if (rule->count > 0 || target <= d0)
        return false;
    /* MONTHLY and YEARLY: same day of month (and month), a whole number
     * of intervals later; a day the month lacks is tried in earlier
     * periods. The period of the start (at most 366 days) is skipped. */
    struct plan_lt t;
    plan_zone_from_utc(NULL, target - 367 * DAY, &t);
    int64_t months;
    if (rule->freq == ICAL_MONTHLY_RECURRENCE)
        months = interval;
    else if (rule->freq == ICAL_YEARLY_RECURRENCE &&
             rule->by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX)
        months = 12 * interval;
    else
        return false;
    int64_t have = 12LL * (t.year - d->year) + (t.month - d->month);
    for (int64_t k = have / months; k > 0 && k > have / months - 48; k--) {
        int64_t m0 = (int64_t)d->month - 1 + k * months;
        int y = d->year + (int)(m0 / 12), m = (int)(m0 % 12) + 1;
        if (d->day > month_days(y, m))
            continue;
        *st = *d;
        st->year = y, st->month = m;
        int64_t s = plan_lt_as_utc(st);
        if (s + 367 * DAY > target)
            continue;
        *gen_from = s + 367 * DAY;
        return true;
    }
    return false;
}

static bool in_list(const short *v, size_t cap, int x, int neg_base)
{
    if (v[0] == ICAL_RECURRENCE_ARRAY_MAX)
        return true; /* no such part: no limit */
    for (size_t i = 0; i < cap && v[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
        if (v[i] == x || (neg_base && v[i] < 0 && neg_base + 1 + v[i] == x))
            return true;
    return false;
}

/* Whether a MINUTELY or HOURLY rule's limiting parts (BYMONTH, BYMONTHDAY,
 * BYYEARDAY, BYDAY, BYHOUR and, for MINUTELY, BYMINUTE) let any step of
 * its lattice through within `budget` steps from DTSTART. libical's
 * iterator looks for the next match by stepping, up to the year 2582: a
 * rule that never matches (BYMONTH=2;BYMONTHDAY=30) held it for minutes. */
bool plan_rule_can_match(const struct plan_item_full *it, const struct plan_rule *r,
                         long budget)
{
    const struct icalrecurrencetype *q = &r->rule;
    int64_t step;
    if (q->freq == ICAL_MINUTELY_RECURRENCE)
        step = 60;
    else if (q->freq == ICAL_HOURLY_RECURRENCE)
        step = 3600;
    else
        return true; /* coarser rules step days at least: bounded by libical */
    bool limited = q->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                   q->by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                   q->by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                   q->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                   q->by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                   (step == 60 && q->by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX);
    if (!limited)
        return true;
    bool minutely = step == 60;
    step *= q->interval > 0 ? q->interval : 1;
    int64_t t = plan_lt_as_utc(&it->dtstart_lt);
    for (long k = 0; k < budget; k++, t += step) {
        struct plan_lt lt;
        plan_zone_from_utc(NULL, t, &lt);
        int64_t days = plan_days_from_civil(lt.year, lt.month, lt.day);
        int yday = (int)(days - plan_days_from_civil(lt.year, 1, 1)) + 1;
        int ylen = leap(lt.year) ? 366 : 365;
        int wday = (int)(((days % 7) + 11) % 7) + 1; /* 1 = Sunday, as libical */
        if (!in_list(q->by_month, ICAL_BY_MONTH_SIZE, lt.month, 0) ||
            !in_list(q->by_month_day, ICAL_BY_MONTHDAY_SIZE, lt.day,
                     month_days(lt.year, lt.month)) ||
            !in_list(q->by_year_day, ICAL_BY_YEARDAY_SIZE, yday, ylen) ||
            !in_list(q->by_hour, ICAL_BY_HOUR_SIZE, lt.hour, 0) ||
            (minutely && !in_list(q->by_minute, ICAL_BY_MINUTE_SIZE, lt.minute, 0)))
            continue;
        if (q->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX) {
            bool any = false;
            for (size_t i = 0; i < ICAL_BY_DAY_SIZE && q->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX;
                 i++)
                any |= (int)icalrecurrencetype_day_day_of_week(q->by_day[i]) == wday;
            if (!any)
                continue;
        }
        return true;
    }
    return false;
}

/* Puts the cursor at a start for windows from `target` on (local-as-UTC). */
static void rule_restart(struct plan_item_full *it, struct plan_rule *r, int64_t target)
{
    plan_rule_free(r);
    r->done = false;
    r->started = true;
    r->horizon = r->last_local = INT64_MIN;
    r->repeats = 0;
    r->gen_from = INT64_MIN;
    struct plan_lt s = it->dtstart_lt;
    if (!jump_start(it, r, target, &s, &r->gen_from))
        s = it->dtstart_lt, r->gen_from = INT64_MIN;
    struct icaltimetype st = icaltime_null_time();
    st.year = s.year, st.month = s.month, st.day = s.day;
    st.hour = s.hour, st.minute = s.minute, st.second = s.second;
    st.is_date = s.is_date;
    /* Wall-clock stepping in UTC: no DST for libical to "fix" (we do that
     * in tz.c), and measured 1.5-2x faster than a floating start in 3.0.16
     * built with ICU. */
    st.zone = icaltimezone_get_utc_timezone();
    r->it = icalrecur_iterator_new(r->rule, st);
    if (!r->it)
        r->done = true;
    /* generated up to just before the first instance kept */
    r->horizon = r->gen_from == INT64_MIN ? INT64_MIN : r->gen_from - 1;
}

/* Makes r->inst hold every instance whose local time lies in [lo, hi]
 * (local-as-UTC seconds), dropping those well before lo. */
static void rule_generate(struct plan_item_full *it, struct plan_rule *r, int64_t lo,
                          int64_t hi)
{
    bool restart = !r->started || lo < r->gen_from;
    if (!restart && !r->done && r->horizon != INT64_MIN && lo - r->horizon > CONTINUE_GAP) {
        struct plan_lt s; /* far ahead: restart only where a jump does better */
        int64_t g;
        restart = jump_start(it, r, lo, &s, &g) && g > r->horizon;
    }
    if (restart)
        rule_restart(it, r, lo);
    bool skipped = false;
    int64_t until_local = r->has_until && !r->until_is_instant ? plan_lt_as_utc(&r->until_lt)
                                                               : 0;
    while (!r->done && r->horizon < hi) {
        struct icaltimetype t = icalrecur_iterator_next(r->it);
        if (icaltime_is_null_time(t)) {
            r->done = true;
            break;
        }
        struct plan_lt lt = {t.year, t.month, t.day, t.hour, t.minute, t.second,
                             it->dtstart_lt.is_date};
        if (lt.is_date)
            lt.hour = lt.minute = lt.second = 0;
        int64_t local = plan_lt_as_utc(&lt);
        if (local <= r->last_local) { /* libical repeated or went back */
            if (local == r->last_local && ++r->repeats < 1000)
                continue;
            r->done = true;           /* never trust a loop */
            break;
        }
        r->repeats = 0;
        r->last_local = local;
        int64_t utc = plan_zone_to_utc(it->zone, &lt);
        if (r->has_until && (r->until_is_instant ? utc > r->until_sec : local > until_local)) {
            r->done = true;
            break;
        }
        if (local >= r->gen_from && local >= lo - DAY)
            rule_push(r, utc);
        else
            skipped = true;
        if (local > r->horizon)
            r->horizon = local;
    }
    if (skipped && lo - DAY > r->gen_from)
        r->gen_from = lo - DAY; /* what came before was not kept */
    if (r->done && r->it) {
        icalrecur_iterator_free(r->it);
        r->it = NULL;
    }
    /* Forget what lies well before the window: local time is within 14 h
     * of UTC, so instances with local >= lo all have utc >= lo - DAY. */
    size_t drop = 0;
    while (drop < r->n_inst && r->inst[drop] < lo - DAY)
        drop++;
    if (drop > 0 && drop * 4 >= r->n_inst) { /* amortised: a quarter at least */
        memmove(r->inst, r->inst + drop, (r->n_inst - drop) * sizeof *r->inst);
        r->n_inst -= drop;
        if (lo > r->gen_from)
            r->gen_from = lo;
        if (r->cap_inst > 1024 && r->n_inst < r->cap_inst / 4) {
            r->cap_inst /= 2;
            r->inst = xrealloc(r->inst, r->cap_inst * sizeof *r->inst);
        }
    }
}

static bool sorted_has(const int64_t *v, size_t n, int64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == x;
}

static bool excluded(struct plan_item_full *it, int64_t sec)
{
    if (sorted_has(it->exdates, it->n_exdates, sec))
        return true;
    if (it->n_exdays) {
        struct plan_lt lt;
        plan_zone_from_utc(it->zone, sec, &lt);
        int64_t day = plan_days_from_civil(lt.year, lt.month, lt.day);
        for (size_t i = 0; i < it->n_exdays; i++)
            if (it->exdays[i] == day)
                return true;
    }
    return false;
}

static void push_out(int64_t **out, size_t *n, size_t *cap, int64_t v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *out = xrealloc(*out, *cap * sizeof **out);
    }
    (*out)[(*n)++] = v;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* First index whose value is >= x in an ascending array. */
static size_t lower_bound(const int64_t *v, size_t n, int64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int plan_item_instances(struct plan_item_full *it, int64_t from, int64_t to, int64_t **out,
                        size_t *n_out)
{
    size_t n = 0, cap = 0;
    int64_t *v = NULL;
    bool need_sort = false;
    if (it->start_sec >= from && it->start_sec < to)
        push_out(&v, &n, &cap, it->start_sec); /* DTSTART always counts */
    for (size_t r = 0; r < it->n_rules && from < to; r++) {
        struct plan_rule *pr = &it->rules[r];
        /* local wall time lies within 14 h of UTC; 2 days covers any zone */
        rule_generate(it, pr, from - 2 * DAY, to + 2 * DAY);
        /* instances are ascending except around a fall-back overlap */
        size_t i = lower_bound(pr->inst, pr->n_inst, from - 2 * DAY);
        for (; i < pr->n_inst && pr->inst[i] < to + 2 * DAY; i++)
            if (pr->inst[i] >= from && pr->inst[i] < to)
                push_out(&v, &n, &cap, pr->inst[i]);
        need_sort = true;
    }
    size_t i = lower_bound(it->rdates, it->n_rdates, from);
    for (; i < it->n_rdates && it->rdates[i] < to; i++)
        push_out(&v, &n, &cap, it->rdates[i]);
    need_sort |= it->n_rdates > 0;
    if (need_sort && n > 1) {
        bool sorted = true;
        for (size_t k = 1; k < n && sorted; k++)
            sorted = v[k - 1] <= v[k];
        if (!sorted)
            qsort(v, n, sizeof *v, cmp_i64);
    }
    size_t w = 0;
    for (size_t k = 0; k < n; k++) {
        if (w > 0 && v[w - 1] == v[k])
            continue; /* the same instant from DTSTART, RRULE and RDATE is one */
        if ((it->n_exdates || it->n_exdays) && excluded(it, v[k]))
            continue;
        v[w++] = v[k];
    }
    *out = v;
    *n_out = w;
    return 0;
}

bool plan_item_has_instance(struct plan_item_full *it, int64_t sec)
{
    int64_t *v = NULL;
    size_t n = 0;
    plan_item_instances(it, sec, sec + 1, &v, &n);
    free(v);
    return n > 0;
}

/* ------------------------------------------------------------ plan_expand */

struct occ_ref {
    int64_t start, rid;
    struct plan_item_full *item;
    bool cancelled;
};

static int cmp_ref(const void *a, const void *b)
{
    const struct occ_ref *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->item->uid_rank != y->item->uid_rank)
        return x->item->uid_rank < y->item->uid_rank ? -1 : 1;
    return (x->rid > y->rid) - (x->rid < y->rid);
}

static void push_ref(struct occ_ref **v, size_t *n, size_t *cap, struct occ_ref r)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = r;
}

static bool has_override(const struct plan_item_full *m, int64_t rid)
{
    size_t lo = 0, hi = m->n_overrides;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->overrides[mid]->rid_sec < rid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n_overrides && m->overrides[lo]->rid_sec == rid;
}

/* "UID/YYYYMMDDTHHMMSSZ" without printf: this runs once per occurrence.
 * plan_occurrence.key has 160 bytes; a UID longer than 142 (Outlook writes
 * 148 hex digits, differing at the end) keeps its first 125 bytes and adds
 * "#" and a 64-bit FNV-1a hash of the whole UID, so keys stay unique. */
static void make_key(char *key, size_t keylen, const char *uid, int64_t rid)
{
    size_t ul = strlen(uid);
    char *p = key;
    if (ul + 18 > keylen) {
        uint64_t h = 1469598103934665603ULL;
        for (const unsigned char *u = (const unsigned char *)uid; *u; u++)
            h = (h ^ *u) * 1099511628211ULL;
        size_t keep = keylen - 18 - 17;
        memcpy(p, uid, keep);
        p += keep;
        *p++ = '#';
        for (int i = 15; i >= 0; i--)
            *p++ = "0123456789abcdef"[(h >> (i * 4)) & 15];
    } else {
        memcpy(p, uid, ul);
        p += ul;
    }
    *p++ = '/';
    struct plan_lt lt;
    plan_zone_from_utc(NULL, rid, &lt);
    int f[6] = {lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second};
    int w[6] = {4, 2, 2, 2, 2, 2};
    for (int i = 0; i < 6; i++) {
        if (i == 3)
            *p++ = 'T';
        int x = f[i] < 0 ? 0 : f[i];
        for (int k = w[i] - 1; k >= 0; k--) {
            p[k] = (char)('0' + x % 10);
            x /= 10;
        }
        p += w[i];
    }
    *p++ = 'Z';
    *p = '\0';
}

/* One sorted run of occurrences: a master's instances (start == rid) or
 * the overrides in the window (sorted by cmp_ref). */
struct run {
    int64_t *v;
    struct occ_ref *r;
    size_t n, i;
    struct plan_item_full *item;
};

static struct occ_ref run_head(const struct run *u)
{
    if (u->r)
        return u->r[u->i];
    return (struct occ_ref){u->v[u->i], u->v[u->i], u->item, u->item->cancelled};
}

static bool run_less(const struct run *a, const struct run *b)
{
    struct occ_ref x = run_head(a), y = run_head(b);
    return cmp_ref(&x, &y) < 0;
}

static void sift_down(struct run *runs, size_t *heap, size_t n, size_t k)
{
    for (;;) {
        size_t l = 2 * k + 1, m = k;
        if (l < n && run_less(&runs[heap[l]], &runs[heap[m]]))
            m = l;
        if (l + 1 < n && run_less(&runs[heap[l + 1]], &runs[heap[m]]))
            m = l + 1;
        if (m == k)
            return;
        size_t t = heap[k];
        heap[k] = heap[m], heap[m] = t;
        k = m;
    }
}

int plan_expand(const struct plan *cplan, int64_t from_ms, int64_t to_ms,
                struct plan_occurrence **out, size_t *n_out)
{
    /* The per-item caches are filled here, hence the cast: expansion does
     * not change what the plan says, only what it has worked out. */
    struct plan *plan = (struct plan *)cplan;
    /* Clamped to the years items may have (1900-2500, see event.c), so
     * "everything" windows cannot overflow below. */
    const int64_t lim = 20000000000LL;
    if (from_ms < -lim * 1000)
        from_ms = -lim * 1000;
    if (to_ms > lim * 1000)
        to_ms = lim * 1000;
    *out = NULL;
    *n_out = 0;
    if (to_ms <= from_ms)
        return 0;
    int64_t from = from_ms >= 0 ? from_ms / 1000 : -((-from_ms + 999) / 1000);
    int64_t to = to_ms >= 0 ? (to_ms + 999) / 1000 : -((-to_ms) / 1000);
    struct run *runs = xcalloc(plan->n_live + 1, sizeof *runs);
    size_t n_runs = 0, total = 0;
    struct occ_ref *ovs = NULL;
    size_t n_ovs = 0, cap_ovs = 0;
    for (size_t k = 0; k < plan->n_live; k++) {
        struct plan_item_full *it = plan->live[k];
        if (it->is_override) {
            int64_t s = it->start_sec;
            if (s * 1000 < from_ms || s * 1000 >= to_ms)
                continue;
            bool cancelled = it->cancelled || (it->master && it->master->cancelled);
            push_ref(&ovs, &n_ovs, &cap_ovs, (struct occ_ref){s, it->rid_sec, it, cancelled});
            continue;
        }
        int64_t *v;
        size_t nv, w = 0;
        plan_item_instances(it, from, to, &v, &nv);
        for (size_t i = 0; i < nv; i++) {
            if (v[i] * 1000 < from_ms || v[i] * 1000 >= to_ms)
                continue; /* sub-second window edges */
            if (it->n_overrides && has_override(it, v[i]))
                continue; /* the override airs instead */
            v[w++] = v[i];
        }
        if (w == 0) {
            free(v);
            continue;
        }
        runs[n_runs++] = (struct run){.v = v, .n = w, .item = it};
        total += w;
    }
    if (n_ovs) {
        qsort(ovs, n_ovs, sizeof *ovs, cmp_ref);
        runs[n_runs++] = (struct run){.r = ovs, .n = n_ovs};
        total += n_ovs;
    }
    /* k-way merge of sorted runs: cheaper than sorting every occurrence */
    struct plan_occurrence *o = total ? xmalloc(total * sizeof *o) : NULL;
    size_t *heap = xmalloc((n_runs + 1) * sizeof *heap);
    size_t hn = n_runs, w = 0;
    for (size_t i = 0; i < n_runs; i++)
        heap[i] = i;
    for (size_t i = hn / 2; i-- > 0;)
        sift_down(runs, heap, hn, i);
    while (hn > 0) {
        struct run *u = &runs[heap[0]];
        struct occ_ref r = run_head(u);
        struct plan_occurrence *oc = &o[w++];
        oc->item = &r.item->pub;
        oc->start_ms = r.start * 1000;
        oc->end_ms = oc->start_ms + (r.item->slot_ms > 0 ? r.item->slot_ms : 0);
        oc->recurrence_id_ms = r.rid * 1000;
        oc->cancelled = r.cancelled;
        make_key(oc->key, sizeof oc->key, r.item->pub.uid, r.rid);
        if (++u->i == u->n)
            heap[0] = heap[--hn];
        sift_down(runs, heap, hn, 0);
    }
    for (size_t i = 0; i < n_runs; i++)
        free(runs[i].v);
    free(runs);
    free(ovs);
    free(heap);
    *out = o;
    *n_out = w;
    return 0;
}

size_t plan_held_instances(const struct plan *plan)
{
    size_t n = 0;
    for (size_t k = 0; k < plan->n_live; k++)
        for (size_t r = 0; r < plan->live[k]->n_rules; r++)
            n += plan->live[k]->rules[r].n_inst;
    return n;
}
