/* Report periods: every convention's boundaries (calendar and the data
 * cut-off of Nghị định 09/2019/NĐ-CP), leap years, the first quarter that
 * starts in the previous December, and the instants in the station zone. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/util.h"
#include "report/period.h"
#include "unit.h"

static struct report_period parse_ok(const char *spec, enum config_cutoff c)
{
    struct report_period p;
    char err[256] = "";
    int rc = period_parse(spec, c, &p, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: %s", spec, err);
    return p;
}

static void dates(const char *spec, enum config_cutoff c, const char *first, const char *last)
{
    struct report_period p = parse_ok(spec, c);
    char a[16], b[16];
    snprintf(a, sizeof a, "%04d-%02d-%02d", p.first.year, p.first.month, p.first.day);
    snprintf(b, sizeof b, "%04d-%02d-%02d", p.last.year, p.last.month, p.last.day);
    ck_assert_msg(strcmp(a, first) == 0 && strcmp(b, last) == 0, "%s (%s): %s..%s, want %s..%s",
                  spec, c == CONFIG_CUTOFF_ND09 ? "nd09" : "calendar", a, b, first, last);
}

#define CAL CONFIG_CUTOFF_CALENDAR
#define ND CONFIG_CUTOFF_ND09

START_TEST(test_calendar)
{
    dates("2026-Q1", CAL, "2026-01-01", "2026-03-31");
    dates("2026-Q2", CAL, "2026-04-01", "2026-06-30");
    dates("2026-Q3", CAL, "2026-07-01", "2026-09-30");
    dates("2026-Q4", CAL, "2026-10-01", "2026-12-31");
    dates("2026-H1", CAL, "2026-01-01", "2026-06-30");
    dates("2026-H2", CAL, "2026-07-01", "2026-12-31");
    dates("2026-9M", CAL, "2026-01-01", "2026-09-30");
    dates("2026", CAL, "2026-01-01", "2026-12-31");
    dates("2026-03", CAL, "2026-03-01", "2026-03-31");
    dates("2026-02", CAL, "2026-02-01", "2026-02-28");
    dates("2028-02", CAL, "2028-02-01", "2028-02-29");   /* leap year */
    dates("2100-02", CAL, "2100-02-01", "2100-02-28");   /* century: not leap */
    dates("2000-02", CAL, "2000-02-01", "2000-02-29");   /* 400: leap */
    dates("2026-12", CAL, "2026-12-01", "2026-12-31");
}
END_TEST

START_TEST(test_nd09)
{
    /* quarter: 15th of the month before the quarter to the 14th of its last month */
    dates("2026-Q1", ND, "2025-12-15", "2026-03-14");
    dates("2026-Q2", ND, "2026-03-15", "2026-06-14");
    dates("2026-Q3", ND, "2026-06-15", "2026-09-14");
    dates("2026-Q4", ND, "2026-09-15", "2026-12-14");
    /* 6 months: 15/12 of the previous year to 14/6 */
    dates("2026-H1", ND, "2025-12-15", "2026-06-14");
    dates("2026-H2", ND, "2026-06-15", "2026-12-14");
    /* 9 months: to 14/9; year: 15/12 to 14/12 */
    dates("2026-9M", ND, "2025-12-15", "2026-09-14");
    dates("2026", ND, "2025-12-15", "2026-12-14");
    /* month: 15th to 14th */
    dates("2026-03", ND, "2026-02-15", "2026-03-14");
    dates("2026-01", ND, "2025-12-15", "2026-01-14");
    dates("2028-03", ND, "2028-02-15", "2028-03-14");
    /* an ad hoc range ignores the convention */
    dates("2026-01-15..2026-02-20", ND, "2026-01-15", "2026-02-20");
}
END_TEST

/* Instants: local midnight in the station zone, end exclusive, so 14/6
 * 23:59:59 is inside Q2 (nd09) and 15/6 00:00 is the first instant of Q3. */
START_TEST(test_instants)
{
    int64_t t;
    struct report_period q2 = parse_ok("2026-Q2", ND), q3 = parse_ok("2026-Q3", ND);
    ck_assert_int_eq(util_parse_time("2026-06-14T23:59:59", &t), 0);
    ck_assert(t >= q2.from_ms && t < q2.to_ms);
    ck_assert(!(t >= q3.from_ms && t < q3.to_ms));
    ck_assert_int_eq(util_parse_time("2026-06-15T00:00", &t), 0);
    ck_assert(!(t >= q2.from_ms && t < q2.to_ms));
    ck_assert_int_eq(t, q3.from_ms);
    ck_assert_int_eq(q2.to_ms, q3.from_ms);
    /* Asia/Ho_Chi_Minh is UTC+7: the year (nd09) starts at 2025-12-14T17:00Z */
    struct report_period y = parse_ok("2026", ND);
    ck_assert_int_eq(util_parse_time("2025-12-14T17:00:00Z", &t), 0);
    ck_assert_int_eq(y.from_ms, t);
    ck_assert_int_eq(util_parse_time("2026-12-14T17:00:00Z", &t), 0);
    ck_assert_int_eq(y.to_ms, t);
    /* 14/12 vs 15/12: the last day of one nd09 year, the first of the next */
    struct report_period y27 = parse_ok("2027", ND);
    ck_assert_int_eq(y.to_ms, y27.from_ms);
    /* a leap February month is 29 days long */
    struct report_period feb = parse_ok("2028-02", CAL);
    ck_assert_int_eq(feb.to_ms - feb.from_ms, 29LL * 86400000);
    struct report_period range = parse_ok("2026-01-15..2026-01-15", CAL);
    ck_assert_int_eq(range.to_ms - range.from_ms, 86400000);
    ck_assert_str_eq(range.spec, "2026-01-15..2026-01-15");
    ck_assert_str_eq(parse_ok("2026-q3", CAL).spec, "2026-Q3");
}
END_TEST

START_TEST(test_bad)
{
    const char *bad[] = {"", "2026-Q5", "2026-Q0", "2026-H3", "2026-13", "2026-00", "26-Q1",
                         "2026-Q1x", "2026-8M", "2026-02-30..2026-03-01", "2026-03-01..",
                         "2026-03-02..2026-03-01", "Q1-2026", "2026-1", "2026-001"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct report_period p;
        char err[256] = "";
        ck_assert_msg(period_parse(bad[i], CAL, &p, err, sizeof err) == -EINVAL,
                      "accepted \"%s\"", bad[i]);
        ck_assert_msg(err[0] != '\0', "no message for \"%s\"", bad[i]);
    }
}
END_TEST

START_TEST(test_days_in_month)
{
    ck_assert_int_eq(period_days_in_month(2024, 2), 29);
    ck_assert_int_eq(period_days_in_month(2026, 2), 28);
    ck_assert_int_eq(period_days_in_month(2026, 4), 30);
    ck_assert_int_eq(period_days_in_month(2026, 12), 31);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    setenv("TZ", "Asia/Ho_Chi_Minh", 1);
    Suite *s = suite_create("report_period");
    TCase *tc = tcase_create("period");
    tcase_add_test(tc, test_calendar);
    tcase_add_test(tc, test_nd09);
    tcase_add_test(tc, test_instants);
    tcase_add_test(tc, test_bad);
    tcase_add_test(tc, test_days_in_month);
    suite_add_tcase(s, tc);
    return s;
}
