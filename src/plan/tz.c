/* Local wall time to UTC per RFC 5545 §3.3.5, which libical 3.0 gets wrong
 * (it puts a time in a spring-forward gap before the gap and picks the
 * second instant of a fall-back overlap). We ask libical only for the
 * offset at a UTC instant (unambiguous), tabulate the zone's transitions
 * once per year span by sampling, and then convert with arithmetic:
 * correct at the edges and cheaper per occurrence than libical's own. */
#include <stdlib.h>

#include "core/util.h"
#include "plan/plan_internal.h"

#define DAY 86400LL
#define SPAN (366 * DAY)   /* the table grows in spans of this many seconds */

struct tz_trans {
    int64_t at;            /* first UTC second of the new offset */
    int off_before, off_after;
};

struct plan_zone {
    icaltimezone *z;
    int64_t from, to;      /* UTC seconds covered by the table: [from, to) */
    int off_from;          /* offset at `from` */
    struct tz_trans *tr;
    size_t n_tr, cap_tr;
};

int64_t plan_days_from_civil(int y, int m, int d)
{
    /* Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t plan_lt_as_utc(const struct plan_lt *lt)
{
    return plan_days_from_civil(lt->year, lt->month, lt->day) * DAY + lt->hour * 3600LL +
           lt->minute * 60LL + lt->second;
}

struct plan_zone *plan_zone_new(icaltimezone *z)
{
    struct plan_zone *zone = xcalloc(1, sizeof *zone);
    zone->z = z;
    return zone;
}

void plan_zone_free(struct plan_zone *zone)
{
    if (!zone)
        return;
    free(zone->tr);
    free(zone);
}

icaltimezone *plan_zone_ical(const struct plan_zone *zone)
{
    return zone ? zone->z : NULL;
}

static int ical_offset(icaltimezone *z, int64_t sec)
{
    struct icaltimetype tt = icaltime_from_timet_with_zone((time_t)sec, 0, NULL);
    int is_dst = 0;
    return icaltimezone_get_utc_offset_of_utc_time(z, &tt, &is_dst);
}

static void add_trans(struct plan_zone *zone, int64_t at, int before, int after)
{
    if (zone->n_tr == zone->cap_tr) {
        zone->cap_tr = zone->cap_tr ? zone->cap_tr * 2 : 8;
        zone->tr = xrealloc(zone->tr, zone->cap_tr * sizeof *zone->tr);
    }
    zone->tr[zone->n_tr++] = (struct tz_trans){at, before, after};
}

static int cmp_trans(const void *a, const void *b)
{
    int64_t x = ((const struct tz_trans *)a)->at, y = ((const struct tz_trans *)b)->at;
    return (x > y) - (x < y);
}

/* Samples [a, b) daily and pins every change of offset to the second. */
static void scan(struct plan_zone *zone, int64_t a, int64_t b)
{
    int prev = ical_offset(zone->z, a);
    for (int64_t t = a + DAY; t <= b; t += DAY) {
        int cur = ical_offset(zone->z, t);
        if (cur != prev) {
            int64_t lo = t - DAY, hi = t; /* offset(lo) == prev, offset(hi) != prev */
            while (hi - lo > 1) {
                int64_t mid = lo + (hi - lo) / 2;
                if (ical_offset(zone->z, mid) == prev)
                    lo = mid;
                else
                    hi = mid;
            }
            add_trans(zone, hi, prev, ical_offset(zone->z, hi));
            prev = cur;
        }
    }
}

static void ensure(struct plan_zone *zone, int64_t sec)
{
    if (zone->to > zone->from && sec >= zone->from && sec < zone->to)
        return;
    int64_t k = (sec >= 0 ? sec / SPAN : -((-sec + SPAN - 1) / SPAN));
    int64_t a = k * SPAN - SPAN, b = k * SPAN + 2 * SPAN;
    if (zone->to > zone->from && (b < zone->from - 4 * SPAN || a > zone->to + 4 * SPAN))
        zone->from = zone->to = 0, zone->n_tr = 0; /* far away: start a fresh table */
    if (zone->to <= zone->from) {
        scan(zone, a, b);
        zone->from = a;
        zone->to = b;
    } else {
        if (a < zone->from) {
            scan(zone, a, zone->from);
            zone->from = a;
        }
        if (b > zone->to) {
            scan(zone, zone->to, b);
            zone->to = b;
        }
        if (zone->n_tr > 1)
            qsort(zone->tr, zone->n_tr, sizeof *zone->tr, cmp_trans);
    }
    zone->off_from = ical_offset(zone->z, zone->from);
}

static int offset_at(struct plan_zone *zone, int64_t sec)
{
    ensure(zone, sec);
    size_t lo = 0, hi = zone->n_tr; /* first transition with at > sec */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (zone->tr[mid].at <= sec)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? zone->off_from : zone->tr[lo - 1].off_after;
}

int64_t plan_zone_to_utc(struct plan_zone *zone, const struct plan_lt *lt)
{
    int64_t t0 = plan_lt_as_utc(lt);
    if (!zone)
        return t0;
    int oa = offset_at(zone, t0 - DAY), ob = offset_at(zone, t0 + DAY);
    int64_t ua = t0 - oa, ub = t0 - ob;
    bool va = offset_at(zone, ua) == oa, vb = offset_at(zone, ub) == ob;
    if (va && vb)
        return ua < ub ? ua : ub;   /* overlap: the first instant */
    if (va)
        return ua;
    if (vb)
        return ub;
    return ua;                      /* gap: the offset in force before it */
}

void plan_zone_from_utc(struct plan_zone *zone, int64_t sec, struct plan_lt *lt)
{
    int64_t t = sec + (zone ? offset_at(zone, sec) : 0);
    int64_t days = (t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY));
    int64_t rem = t - days * DAY;
    civil_from_days(days, &lt->year, &lt->month, &lt->day);
    lt->hour = (int)(rem / 3600);
    lt->minute = (int)(rem / 60 % 60);
    lt->second = (int)(rem % 60);
    lt->is_date = false;
}
