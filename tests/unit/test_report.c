/* Report counting on a real log: outcomes over attempts, snapshots over the
 * plan's current text, log-only occurrences, cancelled ones, ad hoc and
 * emergency airings counted apart, clipping to as-of, months and topics. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "aslog/aslog.h"
#include "core/util.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "unit.h"

static char dir[64], path[128];

static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "report");
    snprintf(path, sizeof path, "%s/log.db", dir);
}

static void teardown(void)
{
    unit_rmtree(dir);
}

static int64_t t(const char *s)
{
    int64_t ms;
    ck_assert_int_eq(util_parse_time(s, &ms), 0);
    return ms;
}

static const char *cats_a[] = {"Thời sự", "Nông nghiệp"};
static struct plan_item item_a = {
    .uid = "a", .file = "p.ics", .summary = "Tin mới (plan text now)", .unit = "UBND",
    .categories = cats_a, .n_categories = 2,
};
static struct plan_item item_b = {.uid = "b", .file = "p.ics", .summary = "Bản tin B",
                                  .unit = "", .categories = NULL, .n_categories = 0};

static struct plan_occurrence occ(struct plan_item *it, const char *start, bool cancelled)
{
    struct plan_occurrence o = {.item = it, .start_ms = t(start), .cancelled = cancelled};
    o.end_ms = o.start_ms + 600000;
    o.recurrence_id_ms = o.start_ms;
    snprintf(o.key, sizeof o.key, "%s/%s", it->uid, start);
    return o;
}

static void row(struct aslog *log, const struct plan_occurrence *o, const char *title,
                enum aslog_status st, int64_t played, enum aslog_source src, bool leave_on_air)
{
    struct aslog_row r = {
        .occ_key = o->key, .uid = o->item->uid, .plan_file = "p.ics", .title = title,
        .categories = "Thời sự\nNông nghiệp", .unit = "UBND", .recordings = "[]",
        .planned_start_ms = o->start_ms, .planned_end_ms = o->end_ms, .actual_start_ms = -1,
        .actual_end_ms = -1, .device = "null", .status = st, .reason = "why",
        .source = src, .operator_name = "",
    };
    if (st == ASLOG_MISSED || st == ASLOG_CANCELLED) {
        ck_assert_int_eq(aslog_record(log, &r), 0);
        return;
    }
    int64_t id;
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0);
    if (!leave_on_air)
        ck_assert_int_eq(aslog_finish(log, id, st, st == ASLOG_AIRED ? "" : "why",
                                      o->start_ms, o->start_ms + played, played, 0), 0);
}

static json_object *render_json(struct report *rep)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    char err[256];
    ck_assert_int_eq(report_render(rep, "json", NULL, f, err, sizeof err), 0);
    fclose(f);
    json_object *j = json_tokener_parse(buf);
    free(buf);
    ck_assert_ptr_nonnull(j);
    return j;
}

static long jint(json_object *o, const char *a, const char *b)
{
    json_object *x = json_object_object_get(o, a);
    if (b)
        x = json_object_object_get(x, b);
    ck_assert_ptr_nonnull(x);
    return (long)json_object_get_int64(x);
}

START_TEST(test_counting)
{
    struct aslog *log;
    char err[256];
    ck_assert_int_eq(aslog_open(path, &log, err, sizeof err), 0);
    struct plan_occurrence o[] = {
        occ(&item_a, "2026-01-05T06:00", false),  /* aired at once */
        occ(&item_a, "2026-01-06T06:00", false),  /* interrupted, then aired (attempt 2) */
        occ(&item_a, "2026-01-07T06:00", false),  /* interrupted, never resumed */
        occ(&item_a, "2026-02-01T06:00", false),  /* missed */
        occ(&item_b, "2026-02-02T06:00", true),   /* cancelled in the plan, no row */
        occ(&item_b, "2026-02-03T06:00", false),  /* no row at all */
        occ(&item_b, "2026-02-04T06:00", false),  /* on air at as-of */
        occ(&item_b, "2026-03-20T06:00", false),  /* after as-of: not counted */
    };
    row(log, &o[0], "Tin cũ (snapshot)", ASLOG_AIRED, 60000, ASLOG_SOURCE_PLAN, false);
    row(log, &o[1], "Tin cũ (snapshot)", ASLOG_INTERRUPTED, 30000, ASLOG_SOURCE_PLAN, false);
    row(log, &o[1], "Tin cũ (snapshot)", ASLOG_AIRED, 60000, ASLOG_SOURCE_PLAN, false);
    row(log, &o[2], "Tin cũ (snapshot)", ASLOG_INTERRUPTED, 6000, ASLOG_SOURCE_PLAN, false);
    row(log, &o[3], "Tin cũ (snapshot)", ASLOG_MISSED, 0, ASLOG_SOURCE_PLAN, false);
    row(log, &o[6], "Bản tin B", ASLOG_ON_AIR, 0, ASLOG_SOURCE_PLAN, true);
    /* in the log but no longer in the plan: still planned when it was logged */
    struct plan_item gone = {.uid = "gone", .summary = "x"};
    struct plan_occurrence og = occ(&gone, "2026-01-20T08:00", false);
    row(log, &og, "Đã xóa khỏi kế hoạch", ASLOG_AIRED, 120000, ASLOG_SOURCE_PLAN, false);
    /* a planned occurrence tagged by its level still counts as planned */
    struct plan_item urgent = {.uid = "urgent", .summary = "x"};
    struct plan_occurrence ou = occ(&urgent, "2026-01-21T08:00", false);
    row(log, &ou, "Khẩn theo kế hoạch", ASLOG_AIRED, 6000, ASLOG_SOURCE_EMERGENCY, false);
    /* outside the plan */
    struct plan_item adhoc = {.uid = "file.wav"};
    struct plan_occurrence e = occ(&adhoc, "2026-02-10T10:00", false);
    snprintf(e.key, sizeof e.key, "adhoc/%lld", (long long)e.start_ms);
    row(log, &e, "Khẩn", ASLOG_AIRED, 90000, ASLOG_SOURCE_EMERGENCY, false);
    struct plan_occurrence ad = occ(&adhoc, "2026-02-11T10:00", false);
    snprintf(ad.key, sizeof ad.key, "adhoc/%lld", (long long)ad.start_ms);
    row(log, &ad, "Đột xuất", ASLOG_AIRED, 30000, ASLOG_SOURCE_ADHOC, false);

    struct report_input in = {.commune = "Xã Thử", .as_of_ms = t("2026-03-01T00:00"),
                              .generated_at_ms = t("2026-03-01T00:00"), .occ = o,
                              .n_occ = ARRAY_SIZE(o)};
    ck_assert_int_eq(period_parse("2026-Q1", CONFIG_CUTOFF_CALENDAR, &in.period, err,
                                  sizeof err), 0);
    struct report *rep = NULL;
    ck_assert_int_eq(report_build(&in, log, &rep, err, sizeof err), 0);
    ck_assert(report_is_partial(rep));
    ck_assert_int_eq(report_end_ms(rep), in.as_of_ms);
    json_object *j = render_json(rep);
    /* 7 in the plan + 2 only in the log */
    ck_assert_int_eq(jint(j, "summary", "planned"), 9);
    ck_assert_int_eq(jint(j, "summary", "aired"), 4);
    ck_assert_int_eq(jint(j, "summary", "interrupted"), 1);
    ck_assert_int_eq(jint(j, "summary", "missed"), 1);
    ck_assert_int_eq(jint(j, "summary", "cancelled"), 1);
    ck_assert_int_eq(jint(j, "summary", "unlogged"), 1);
    ck_assert_int_eq(jint(j, "summary", "on_air"), 1);
    ck_assert_int_eq(jint(j, "summary", "failed"), 0);
    /* airings: every plan row that put sound out (incl. the interrupted ones) */
    ck_assert_int_eq(jint(j, "summary", "airings"), 6);
    ck_assert_int_eq(jint(j, "summary", "items"), 3);     /* a, gone, urgent */
    ck_assert_int_eq(jint(j, "summary", "emergency_airings"), 1);
    ck_assert_int_eq(jint(j, "summary", "adhoc_airings"), 1);
    ck_assert_int_eq(jint(j, "summary", "total_ms"), 60000 + 30000 + 60000 + 6000 + 120000 +
                                                         6000 + 90000 + 30000);
    /* 4 aired of 8 due (9 planned, 1 cancelled) */
    json_object *pct = json_object_object_get(json_object_object_get(j, "summary"),
                                              "compliance_pct");
    ck_assert_double_eq_tol(json_object_get_double(pct), 100.0 * 4 / 8, 0.05);

    /* the snapshot in the log wins over the plan's current text */
    json_object *items = json_object_object_get(j, "items");
    bool seen = false;
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        json_object *it = json_object_array_get_idx(items, i);
        const char *uid = json_object_get_string(json_object_object_get(it, "uid"));
        if (strcmp(uid, "a") == 0) {
            seen = true;
            ck_assert_str_eq(json_object_get_string(json_object_object_get(it, "title")),
                             "Tin cũ (snapshot)");
            ck_assert_int_eq(jint(it, "planned", NULL), 4);
            ck_assert_int_eq(jint(it, "aired", NULL), 2);
            ck_assert_int_eq(jint(it, "not_aired", NULL), 2);
        }
    }
    ck_assert(seen);
    /* months: January to the as-of month's start (clipped at 1 March) */
    json_object *months = json_object_object_get(j, "months");
    ck_assert_int_eq(json_object_array_length(months), 2);
    ck_assert_int_eq(jint(json_object_array_get_idx(months, 0), "planned", NULL), 5);
    ck_assert_int_eq(jint(json_object_array_get_idx(months, 1), "planned", NULL), 4);
    /* topics: an item with two categories counts in both */
    json_object *topics = json_object_object_get(j, "topics");
    ck_assert_int_ge(json_object_array_length(topics), 2);
    /* incidents: the interrupted attempts, the miss, the cancelled and unlogged ones */
    ck_assert_int_eq(json_object_array_length(json_object_object_get(j, "incidents")), 5);
    json_object_put(j);
    report_free(rep);

    /* a period that has not started at as-of is refused */
    in.as_of_ms = t("2025-12-01T00:00");
    ck_assert_int_eq(report_build(&in, log, &rep, err, sizeof err), -ERANGE);
    aslog_close(log);
}
END_TEST

/* A small report, for the formats. */
static struct report *small_report(struct aslog **log)
{
    char err[256];
    ck_assert_int_eq(aslog_open(path, log, err, sizeof err), 0);
    static struct plan_occurrence o[3];
    o[0] = occ(&item_a, "2026-01-05T06:00", false);
    o[1] = occ(&item_a, "2026-01-06T06:00", false);
    o[2] = occ(&item_b, "2026-02-02T06:00", false);
    row(*log, &o[0], "Tin <một> & \"hai\"", ASLOG_AIRED, 60000, ASLOG_SOURCE_PLAN, false);
    row(*log, &o[1], "Tin một", ASLOG_INTERRUPTED, 6000, ASLOG_SOURCE_PLAN, false);
    struct report_input in = {.commune = "Xã Thử", .as_of_ms = t("2026-06-01T00:00"),
                              .generated_at_ms = t("2026-06-01T00:00"), .occ = o,
                              .n_occ = ARRAY_SIZE(o)};
    ck_assert_int_eq(period_parse("2026-Q1", CONFIG_CUTOFF_CALENDAR, &in.period, err,
                                  sizeof err), 0);
    struct report *rep = NULL;
    ck_assert_int_eq(report_build(&in, *log, &rep, err, sizeof err), 0);
    return rep;
}

static char *slurp(const char *p, size_t *len)
{
    char *data;
    ck_assert_int_eq(util_read_file(p, 0, &data, len), 0);
    return data;
}

/* Every format of the registry renders to a stream and to a file, the same
 * bytes (a zip for the binary ones); nothing outside the table is needed. */
START_TEST(test_every_format)
{
    struct aslog *log;
    struct report *rep = small_report(&log);
    const struct report_format_info *fi;
    size_t n = 0;
    for (size_t i = 0; (fi = report_format_at(i)); i++, n++) {
        ck_assert_ptr_eq(report_format_find(fi->name), fi);
        ck_assert(fi->help && *fi->help);
        char *buf = NULL, err[256] = "";
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct report_render_options opt = {.bom = true};
        ck_assert_msg(report_render(rep, fi->name, &opt, f, err, sizeof err) == 0, "%s: %s",
                      fi->name, err);
        fclose(f);
        ck_assert_msg(len > 100, "%s: %zu bytes", fi->name, len);
        char file[192];
        snprintf(file, sizeof file, "%s/report.%s", dir, fi->name);
        ck_assert_msg(report_render_file(rep, fi->name, &opt, file, err, sizeof err) == 0,
                      "%s: %s", fi->name, err);
        size_t flen;
        char *fdata = slurp(file, &flen);
        if (fi->binary) {
            ck_assert_msg(memcmp(buf, "PK", 2) == 0, "%s is not a zip", fi->name);
            ck_assert_msg(memcmp(fdata, "PK", 2) == 0, "%s file is not a zip", fi->name);
        } else {
            ck_assert_msg(memchr(buf, '\0', len) == NULL, "%s: a NUL byte", fi->name);
            ck_assert_msg(flen == len && memcmp(buf, fdata, len) == 0,
                          "%s: the file differs from the stream", fi->name);
        }
        free(fdata);
        free(buf);
    }
    ck_assert_int_ge(n, 5);
    report_free(rep);
    aslog_close(log);
}
END_TEST

/* Unknown formats and failing outputs come back as codes with a message;
 * a full disk is seen for the formats written through a temporary file too. */
START_TEST(test_format_errors)
{
    struct aslog *log;
    struct report *rep = small_report(&log);
    char err[256] = "";
    ck_assert_ptr_null(report_format_find("pdf"));
    ck_assert_ptr_null(report_format_find(NULL));
    ck_assert_ptr_null(report_format_at(1000));
    ck_assert_int_eq(report_render(rep, "pdf", NULL, stdout, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "pdf"));
    err[0] = '\0';
    ck_assert_int_eq(report_render_file(rep, "pdf", NULL, "/nonexistent", err, sizeof err),
                     -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "pdf"));

    const struct report_format_info *fi;
    for (size_t i = 0; (fi = report_format_at(i)); i++) {
        char file[192];
        snprintf(file, sizeof file, "%s/no/such/dir/report.%s", dir, fi->name);
        err[0] = '\0';
        ck_assert_msg(report_render_file(rep, fi->name, NULL, file, err, sizeof err) < 0,
                      "%s: wrote into a missing directory", fi->name);
        ck_assert_msg(err[0] != '\0', "%s: no message", fi->name);
        FILE *full = fopen("/dev/full", "w");
        if (!full)
            continue;
        err[0] = '\0';
        ck_assert_msg(report_render(rep, fi->name, NULL, full, err, sizeof err) < 0,
                      "%s: a full disk not seen", fi->name);
        ck_assert_msg(err[0] != '\0', "%s: no message", fi->name);
        fclose(full);
    }
    report_free(rep);
    aslog_close(log);
}
END_TEST

/* The words the renderers share: every table titled, every column named,
 * the summary rows all fit (a row added without room would be lost). */
START_TEST(test_labels)
{
    struct aslog *log;
    struct report *rep = small_report(&log);
    for (int t = 0; t < REPORT_TABLE_COUNT; t++) {
        ck_assert(*report_table_title((enum report_table)t));
        struct report_columns c;
        report_table_columns((enum report_table)t, &c);
        ck_assert_uint_ge(c.n, 2);
        ck_assert_uint_ge(c.n_wide, c.n);
        for (size_t i = 0; i < c.n_wide; i++)
            ck_assert(c.title[i] && *c.title[i]);
    }
    for (int l = 0; l < RL_COUNT; l++)
        ck_assert(*report_label((enum report_label)l));
    struct report_summary_row rows[REPORT_SUMMARY_ROWS];
    ck_assert_uint_eq(report_summary_rows(rep, rows), REPORT_SUMMARY_ROWS);
    ck_assert_str_eq(rows[0].label, "Planned occurrences");
    char v[32];
    report_summary_value(&rows[0], v);
    ck_assert_str_eq(v, "3");
    ck_assert_str_eq(report_status_label("on_air"), "on air");
    ck_assert_str_eq(report_status_label("unknown-status"), "unknown-status");
    report_free(rep);
    aslog_close(log);
}
END_TEST

START_TEST(test_grid_and_numbers)
{
    struct aslog *log;
    struct report *rep = small_report(&log);
    for (int t = 0; t < REPORT_TABLE_COUNT; t++) {
        struct report_grid g;
        ck_assert_int_eq(report_grid_build(rep, (enum report_table)t, &g), 0);
        ck_assert_int_eq(report_table_find(g.key), t);
        ck_assert_uint_ge(g.n_cols, 2);
        for (size_t j = 0; j < g.n_cols; j++)
            ck_assert(g.cols[j].key && *g.cols[j].key && g.cols[j].title && *g.cols[j].title);
        if (g.has_total) /* the total row sums the body */
            for (size_t j = 0; j < g.n_cols; j++) {
                if (!g.cols[j].sum)
                    continue;
                int64_t sum = 0;
                for (size_t i = 0; i < g.n_rows; i++)
                    sum += report_grid_cell(&g, i, j)->n;
                ck_assert_int_eq(g.total[j].n, sum);
            }
        report_grid_free(&g);
    }
    struct report_grid g;
    ck_assert_int_eq(report_grid_build(rep, REPORT_TABLE_ITEMS, &g), 0);
    ck_assert_uint_eq(g.n_rows, rep->n_items);
    ck_assert_int_eq(g.total[4].n, rep->sum.planned); /* planned, over all items */
    report_grid_free(&g);
    ck_assert_int_eq(report_table_find("no-such-table"), -1);
    ck_assert_int_eq(report_grid_build(rep, REPORT_TABLE_COUNT, &g), -EINVAL);

    char b[48];
    setenv("LANGUAGE", "vi", 1);
    report_fmt_count(1234567, b);
    ck_assert_str_eq(b, "1.234.567");
    report_fmt_count(999, b);
    ck_assert_str_eq(b, "999");
    report_fmt_pct(95.84, b);
    ck_assert_str_eq(b, "95,8 %");
    report_fmt_pct(-1, b);
    ck_assert_str_eq(b, "-");
    report_fmt_decimal(1234.5, 1, b);
    ck_assert_str_eq(b, "1.234,5");
    setenv("LANGUAGE", "en", 1);
    report_fmt_count(1234567, b);
    ck_assert_str_eq(b, "1,234,567");
    report_fmt_pct(100, b);
    ck_assert_str_eq(b, "100.0 %");
    report_fmt_airtime(3 * 3600000 + 25 * 60000 + 20000, b);
    ck_assert_str_eq(b, "3 h 25 min");
    report_fmt_airtime(45 * 60000 - 20000, b);
    ck_assert_str_eq(b, "45 min");
    unsetenv("LANGUAGE");
    report_free(rep);
    aslog_close(log);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    setenv("TZ", "Asia/Ho_Chi_Minh", 1);
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("count");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_counting);
    tcase_add_test(tc, test_every_format);
    tcase_add_test(tc, test_format_errors);
    tcase_add_test(tc, test_labels);
    tcase_add_test(tc, test_grid_and_numbers);
    suite_add_tcase(s, tc);
    return s;
}
