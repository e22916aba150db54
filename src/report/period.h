/* Report periods: "2026-Q1", "2026-H1", "2026-9M", "2026", "2026-03" and
 * "2026-01-15..2026-02-20", under the calendar convention or the data
 * cut-off of Nghị định 09/2019/NĐ-CP (15th of the month before to the 14th). */
#ifndef LOAXA_REPORT_PERIOD_H
#define LOAXA_REPORT_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

enum period_kind {
    PERIOD_QUARTER, PERIOD_HALF, PERIOD_NINE_MONTHS, PERIOD_YEAR, PERIOD_MONTH, PERIOD_RANGE,
};

struct period_date {
    int year, month, day;
};

struct report_period {
    enum period_kind kind;
    int year;                      /* the period's year (its name, not its first day's) */
    int index;                     /* quarter 1-4, half 1-2, month 1-12; else 0 */
    enum config_cutoff cutoff;     /* PERIOD_RANGE: always calendar */
    struct period_date first, last; /* inclusive local dates */
    int64_t from_ms, to_ms;        /* [local midnight of first, local midnight after last) */
    char spec[48];                 /* canonical name: "2026-Q1", "2026-01-15..2026-02-20" */
};

/* Parses spec and computes the dates under cutoff (process zone = station
 * zone). Returns 0, or -EINVAL with a translated message in err. */
int period_parse(const char *spec, enum config_cutoff cutoff, struct report_period *p,
                 char *err, size_t errlen);

/* Local midnight at the start of a date (the process zone), in ms. */
int64_t period_date_ms(struct period_date d);

/* Days in a month of the proleptic Gregorian calendar. */
int period_days_in_month(int year, int month);

#endif
