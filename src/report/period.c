/* Period arithmetic for reports. Dates are computed as plain calendar
 * dates first and turned into instants only at the end (local midnight,
 * via mktime), so the rules read like the decree that states them. */
#include "report/period.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"

int period_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[(month - 1) % 12];
}

int64_t period_date_ms(struct period_date d)
{
    struct tm tm = {.tm_year = d.year - 1900, .tm_mon = d.month - 1, .tm_mday = d.day,
                    .tm_isdst = -1};
    return (int64_t)mktime(&tm) * 1000;
}

static struct period_date next_day(struct period_date d)
{
    if (++d.day > period_days_in_month(d.year, d.month)) {
        d.day = 1;
        if (++d.month > 12) {
            d.month = 1;
            d.year++;
        }
    }
    return d;
}

/* Calendar: first day of first_month .. last day of last_month.
 * ND09: 15th of the month before first_month .. 14th of last_month. */
static void span(struct report_period *p, int first_month, int last_month)
{
    int y = p->year;
    if (p->cutoff == CONFIG_CUTOFF_ND09) {
        int m = first_month - 1, fy = y;
        if (m == 0) {
            m = 12;
            fy--;
        }
        p->first = (struct period_date){fy, m, 15};
        p->last = (struct period_date){y, last_month, 14};
    } else {
        p->first = (struct period_date){y, first_month, 1};
        p->last = (struct period_date){y, last_month, period_days_in_month(y, last_month)};
    }
}

static int parse_date(const char *s, size_t len, struct period_date *d)
{
    char buf[16];
    int n = 0;
    if (len != 10)
        return -EINVAL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (sscanf(buf, "%4d-%2d-%2d%n", &d->year, &d->month, &d->day, &n) != 3 || n != 10)
        return -EINVAL;
    if (d->year < 1970 || d->month < 1 || d->month > 12 || d->day < 1 ||
        d->day > period_days_in_month(d->year, d->month))
        return -EINVAL;
    return 0;
}

static int date_cmp(struct period_date a, struct period_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    return a.day < b.day ? -1 : a.day > b.day;
}

int period_parse(const char *spec, enum config_cutoff cutoff, struct report_period *p,
                 char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->cutoff = cutoff;
    const char *dots = spec ? strstr(spec, "..") : NULL;
    int y = 0, idx = 0, n = 0;
    char c = 0;
    if (!spec)
        goto bad;
    if (dots) {
        p->kind = PERIOD_RANGE;
        p->cutoff = CONFIG_CUTOFF_CALENDAR; /* dates given are the dates used */
        if (parse_date(spec, (size_t)(dots - spec), &p->first) < 0 ||
            parse_date(dots + 2, strlen(dots + 2), &p->last) < 0)
            goto bad;
        if (date_cmp(p->first, p->last) > 0) {
            snprintf(err, errlen, _("period \"%s\" ends before it starts"), spec);
            return -EINVAL;
        }
        p->year = p->last.year;
    } else if (sscanf(spec, "%4d%n", &y, &n) == 1 && n == 4 && spec[4] == '\0') {
        p->kind = PERIOD_YEAR;
    } else if (sscanf(spec, "%4d-%c%d%n", &y, &c, &idx, &n) == 3 && n == (int)strlen(spec) &&
               (c == 'Q' || c == 'q') && idx >= 1 && idx <= 4 && n == 7) {
        p->kind = PERIOD_QUARTER;
    } else if (sscanf(spec, "%4d-%c%d%n", &y, &c, &idx, &n) == 3 && n == (int)strlen(spec) &&
               (c == 'H' || c == 'h') && idx >= 1 && idx <= 2 && n == 7) {
        p->kind = PERIOD_HALF;
    } else if (strlen(spec) == 7 && sscanf(spec, "%4d-9%c%n", &y, &c, &n) == 2 && n == 7 &&
               (c == 'M' || c == 'm')) {
        p->kind = PERIOD_NINE_MONTHS;
    } else if (strlen(spec) == 7 && sscanf(spec, "%4d-%2d%n", &y, &idx, &n) == 2 && n == 7 &&
               spec[5] >= '0' && spec[5] <= '1' && idx >= 1 && idx <= 12) {
        p->kind = PERIOD_MONTH;
    } else {
        goto bad;
    }
    if (p->kind != PERIOD_RANGE) {
        if (y < 1971 || y > 9999)
            goto bad;
        p->year = y;
        p->index = idx;
    }
    switch (p->kind) {
    case PERIOD_QUARTER:
        span(p, 3 * idx - 2, 3 * idx);
        snprintf(p->spec, sizeof p->spec, "%04d-Q%d", y, idx);
        break;
    case PERIOD_HALF:
        span(p, idx == 1 ? 1 : 7, idx == 1 ? 6 : 12);
        snprintf(p->spec, sizeof p->spec, "%04d-H%d", y, idx);
        break;
    case PERIOD_NINE_MONTHS:
        span(p, 1, 9);
        snprintf(p->spec, sizeof p->spec, "%04d-9M", y);
        break;
    case PERIOD_YEAR:
        span(p, 1, 12);
        snprintf(p->spec, sizeof p->spec, "%04d", y);
        break;
    case PERIOD_MONTH:
        span(p, idx, idx);
        snprintf(p->spec, sizeof p->spec, "%04d-%02d", y, idx);
        break;
    case PERIOD_RANGE:
        snprintf(p->spec, sizeof p->spec, "%04d-%02d-%02d..%04d-%02d-%02d", p->first.year,
                 p->first.month, p->first.day, p->last.year, p->last.month, p->last.day);
        break;
    }
    p->from_ms = period_date_ms(p->first);
    p->to_ms = period_date_ms(next_day(p->last));
    return 0;
bad:
    snprintf(err, errlen, _("unknown period \"%s\": use 2026-Q1..Q4, 2026-H1, 2026-H2, 2026-9M, "
                            "2026, 2026-03, or 2026-01-15..2026-02-20"), spec ? spec : "");
    return -EINVAL;
}
