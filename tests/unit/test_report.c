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
#include "core/reasons.h"
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
    /* 7 in the plan + 2 only in the log, less the cancelled one */
    ck_assert_int_eq(jint(j, "summary", "scheduled"), 9);
    ck_assert_int_eq(jint(j, "summary", "planned"), 8);
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
    /* the level khẩn cấp, planned (source emergency) or ad hoc */
    ck_assert_int_eq(jint(j, "summary", "emergency_airings"), 2);
    /* ad hoc: the emergency one and the other */
    ck_assert_int_eq(jint(j, "summary", "adhoc_airings"), 2);
    /* the slots of the 8 planned (10 min each: the plan's, or the rows' for log-only) */
    ck_assert_int_eq(jint(j, "summary", "planned_ms"), 8 * 600000);
    ck_assert_int_eq(jint(j, "summary", "total_ms"), 60000 + 30000 + 60000 + 6000 + 120000 +
                                                         6000 + 90000 + 30000);
    /* 4 aired of 8 planned (1 cancelled left out) */
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
            ck_assert_int_eq(jint(it, "planned_ms", NULL), 4 * 600000);
        }
        if (strcmp(uid, "b") == 0) { /* the cancelled one is not planned */
            ck_assert_int_eq(jint(it, "planned", NULL), 2);
            ck_assert_int_eq(jint(it, "cancelled", NULL), 1);
            ck_assert_int_eq(jint(it, "not_aired", NULL), 1);
        }
    }
    ck_assert(seen);
    /* months: January to the as-of month's start (clipped at 1 March) */
    json_object *months = json_object_object_get(j, "months");
    ck_assert_int_eq(json_object_array_length(months), 2);
    ck_assert_int_eq(jint(json_object_array_get_idx(months, 0), "planned", NULL), 5);
    ck_assert_int_eq(jint(json_object_array_get_idx(months, 1), "planned", NULL), 3);
    ck_assert_int_eq(jint(json_object_array_get_idx(months, 1), "planned_ms", NULL),
                     3 * 600000);
    /* topics: an item with two categories counts in both */
    json_object *topics = json_object_object_get(j, "topics");
    ck_assert_int_ge(json_object_array_length(topics), 2);
    /* incidents: the interrupted attempts, the miss and the unlogged one (a
     * cancellation is the plan's decision, not an incident) */
    ck_assert_int_eq(json_object_array_length(json_object_object_get(j, "incidents")), 4);
    /* summarised by (status, reason): interrupted "why" x2, missed, unlogged */
    json_object *groups = json_object_object_get(j, "incident_summary");
    ck_assert_int_eq(json_object_array_length(groups), 3);
    ck_assert_int_eq(jint(json_object_array_get_idx(groups, 0), "count", NULL), 2);
    ck_assert_int_eq(jint(json_object_array_get_idx(groups, 0), "items", NULL), 1);
    json_object_put(j);
    report_free(rep);

    /* a period that has not started at as-of is refused */
    in.as_of_ms = t("2025-12-01T00:00");
    ck_assert_int_eq(report_build(&in, log, &rep, err, sizeof err), -ERANGE);
    aslog_close(log);
}
END_TEST

/* One log row, with the fields the figures read. */
struct rowspec {
    const struct plan_occurrence *o;
    const char *title, *unit, *cats, *reason;
    enum aslog_status st;
    int64_t played;
    enum aslog_source src;
    int priority;
};

static void put_row(struct aslog *log, const struct rowspec *s)
{
    struct aslog_row r = {
        .occ_key = s->o->key, .uid = s->o->item->uid, .plan_file = "p.ics",
        .title = s->title ? s->title : s->o->item->summary,
        .categories = s->cats ? s->cats : "",
        .unit = s->unit ? s->unit : s->o->item->unit ? s->o->item->unit : "",
        .recordings = "[]", .priority = s->priority,
        .planned_start_ms = s->o->start_ms, .planned_end_ms = s->o->end_ms,
        .actual_start_ms = -1, .actual_end_ms = -1, .device = "null", .status = s->st,
        .reason = s->reason ? s->reason : "", .source = s->src, .operator_name = "",
    };
    if (s->st == ASLOG_MISSED || s->st == ASLOG_CANCELLED || s->st == ASLOG_FAILED) {
        ck_assert_int_eq(aslog_record(log, &r), 0);
        return;
    }
    int64_t id;
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0);
    ck_assert_int_eq(aslog_finish(log, id, s->st, r.reason, s->o->start_ms,
                                  s->o->start_ms + s->played, s->played, 0), 0);
}

static struct report *build(struct aslog *log, const struct plan_occurrence *o, size_t n,
                            const char *period, enum config_cutoff cut, const char *as_of,
                            bool require_approval, bool no_emergency)
{
    char err[256];
    struct report_input in = {.commune = "Xã Thử", .as_of_ms = t(as_of),
                              .generated_at_ms = t(as_of), .occ = o, .n_occ = n,
                              .require_approval = require_approval,
                              .no_emergency_from_priority = no_emergency};
    ck_assert_int_eq(period_parse(period, cut, &in.period, err, sizeof err), 0);
    struct report *rep = NULL;
    ck_assert_msg(report_build(&in, log, &rep, err, sizeof err) == 0, "%s", err);
    return rep;
}

static const struct report_level *level_of(const struct report *r, enum plan_level l)
{
    return &r->levels[report_level_row(l)];
}

/* PRIORITY:1 items of the plan are emergencies: aired ones count among the
 * emergency airings with the ad hoc ones; the level table splits planned
 * and aired by level. With emergency_from_priority = no they are priority. */
START_TEST(test_planned_emergencies)
{
    struct aslog *log;
    char err[256];
    ck_assert_int_eq(aslog_open(path, &log, err, sizeof err), 0);
    struct plan_item storm = {.uid = "storm", .summary = "Cảnh báo bão", .unit = "Ban CHQS",
                              .priority = 1, .level = PLAN_LEVEL_EMERGENCY, .approved = true};
    struct plan_item news = {.uid = "news", .summary = "Thời sự", .unit = "UBND",
                             .priority = 0, .level = PLAN_LEVEL_NORMAL, .approved = true};
    struct plan_item vacc = {.uid = "vacc", .summary = "Tiêm chủng", .unit = "Trạm y tế",
                             .priority = 3, .level = PLAN_LEVEL_PRIORITY, .approved = true};
    struct plan_occurrence o[] = {
        occ(&storm, "2026-01-05T06:00", false), occ(&storm, "2026-01-06T06:00", false),
        occ(&storm, "2026-01-07T06:00", false), /* no row: planned, not aired */
        occ(&news, "2026-01-05T07:00", false),  occ(&vacc, "2026-01-05T08:00", false),
    };
    put_row(log, &(struct rowspec){&o[0], .st = ASLOG_AIRED, .played = 60000,
                                   .src = ASLOG_SOURCE_PLAN, .priority = 1});
    put_row(log, &(struct rowspec){&o[1], .st = ASLOG_AIRED, .played = 50000,
                                   .src = ASLOG_SOURCE_PLAN, .priority = 1});
    put_row(log, &(struct rowspec){&o[3], .st = ASLOG_AIRED, .played = 40000,
                                   .src = ASLOG_SOURCE_PLAN});
    put_row(log, &(struct rowspec){&o[4], .st = ASLOG_AIRED, .played = 30000,
                                   .src = ASLOG_SOURCE_PLAN, .priority = 3});
    struct plan_item file = {.uid = "file.wav", .summary = "Khẩn"};
    struct plan_occurrence e = occ(&file, "2026-01-08T10:00", false);
    snprintf(e.key, sizeof e.key, "adhoc/%lld", (long long)e.start_ms);
    put_row(log, &(struct rowspec){&e, .st = ASLOG_AIRED, .played = 20000,
                                   .src = ASLOG_SOURCE_EMERGENCY, .priority = 1});

    struct report *rep = build(log, o, ARRAY_SIZE(o), "2026-01", CONFIG_CUTOFF_CALENDAR,
                               "2026-03-01T00:00", false, false);
    ck_assert_int_eq(rep->sum.emergency_airings, 3);   /* 2 planned + 1 ad hoc */
    ck_assert_int_eq(rep->sum.emergency_ms, 60000 + 50000 + 20000);
    ck_assert_int_eq(rep->sum.emergency_planned, 3);
    ck_assert_int_eq(rep->sum.adhoc_airings, 1);
    const struct report_level *le = level_of(rep, PLAN_LEVEL_EMERGENCY);
    ck_assert_int_eq(le->planned, 3);
    ck_assert_int_eq(le->aired, 2);
    ck_assert_int_eq(le->airings, 3);
    ck_assert_int_eq(le->planned_ms, 3 * 600000);
    ck_assert_int_eq(le->played_ms, 130000);
    ck_assert_int_eq(level_of(rep, PLAN_LEVEL_PRIORITY)->planned, 1);
    ck_assert_int_eq(level_of(rep, PLAN_LEVEL_PRIORITY)->played_ms, 30000);
    ck_assert_int_eq(level_of(rep, PLAN_LEVEL_NORMAL)->aired, 1);
    /* levels in the report's order, khẩn cấp first */
    ck_assert_int_eq(rep->levels[0].level, PLAN_LEVEL_EMERGENCY);
    ck_assert_int_eq(rep->levels[2].level, PLAN_LEVEL_NORMAL);
    /* by lead unit, Vietnamese order: Ban CHQS, Trạm y tế, UBND */
    ck_assert_uint_eq(rep->n_units, 3);
    ck_assert_str_eq(rep->units[0].unit, "Ban CHQS");
    ck_assert_str_eq(rep->units[1].unit, "Trạm y tế");
    ck_assert_str_eq(rep->units[2].unit, "UBND");
    ck_assert_int_eq(rep->units[0].planned, 3);
    ck_assert_int_eq(rep->units[0].aired, 2);
    ck_assert_int_eq(rep->units[0].planned_ms, 3 * 600000);
    ck_assert_int_eq(rep->units[0].played_ms, 110000);
    struct report_grid g;
    ck_assert_int_eq(report_grid_build(rep, REPORT_TABLE_LEVELS, &g), 0);
    ck_assert_uint_eq(g.n_rows, 3);
    ck_assert(g.has_total);
    report_grid_free(&g);
    report_free(rep);

    /* emergency_from_priority = no: PRIORITY:1 is the priority level */
    rep = build(log, o, ARRAY_SIZE(o), "2026-01", CONFIG_CUTOFF_CALENDAR, "2026-03-01T00:00",
                false, true);
    ck_assert_int_eq(rep->sum.emergency_airings, 1); /* the ad hoc one */
    storm.level = PLAN_LEVEL_PRIORITY; /* as the loader reads it then */
    report_free(rep);
    rep = build(log, o, ARRAY_SIZE(o), "2026-01", CONFIG_CUTOFF_CALENDAR, "2026-03-01T00:00",
                false, true);
    ck_assert_int_eq(rep->sum.emergency_planned, 0);
    ck_assert_int_eq(level_of(rep, PLAN_LEVEL_PRIORITY)->planned, 4);
    report_free(rep);
    aslog_close(log);
}
END_TEST

/* --cutoff nd09: a year's report has the 12 months of Decree 09, month M
 * from the 15th of M-1 00:00 local to the 14th of M, named M. */
START_TEST(test_nd09_months)
{
    struct aslog *log;
    char err[256];
    ck_assert_int_eq(aslog_open(path, &log, err, sizeof err), 0);
    struct plan_item it = {.uid = "x", .summary = "X", .approved = true};
    struct plan_occurrence o[] = {
        occ(&it, "2025-12-15T00:00", false), /* the first instant: month 1 */
        occ(&it, "2026-01-14T23:59", false), /* month 1 */
        occ(&it, "2026-01-15T00:00", false), /* month 2 */
        occ(&it, "2026-12-14T23:00", false), /* month 12 */
    };
    struct report *rep = build(log, o, ARRAY_SIZE(o), "2026", CONFIG_CUTOFF_ND09,
                               "2027-01-01T00:00", false, false);
    ck_assert_uint_eq(rep->n_months, 12);
    for (size_t i = 0; i < 12; i++) {
        ck_assert_int_eq(rep->months[i].year, 2026);
        ck_assert_int_eq(rep->months[i].month, (int)i + 1);
        char from[16];
        int pm = i == 0 ? 12 : (int)i, py = i == 0 ? 2025 : 2026;
        snprintf(from, sizeof from, "%04d-%02d-15", py, pm);
        ck_assert_int_eq(rep->months[i].from_ms, t(from));
        if (i)
            ck_assert_int_eq(rep->months[i - 1].to_ms, rep->months[i].from_ms);
    }
    ck_assert_int_eq(rep->months[11].to_ms, t("2026-12-15"));
    ck_assert_int_eq(rep->months[0].planned, 2);
    ck_assert_int_eq(rep->months[1].planned, 1);
    ck_assert_int_eq(rep->months[11].planned, 1);
    report_free(rep);
    /* a calendar year: 12 calendar months, from the 1st */
    rep = build(log, o + 1, 3, "2026", CONFIG_CUTOFF_CALENDAR, "2027-01-01T00:00", false, false);
    ck_assert_uint_eq(rep->n_months, 12);
    ck_assert_int_eq(rep->months[0].from_ms, t("2026-01-01"));
    ck_assert_int_eq(rep->months[0].planned, 2);
    ck_assert_int_eq(rep->months[11].planned, 1);
    report_free(rep);
    /* an ND09 quarter cut inside its second month: months 1 and 2 */
    rep = build(log, o, ARRAY_SIZE(o), "2026-Q1", CONFIG_CUTOFF_ND09, "2026-01-20T00:00", false,
                false);
    ck_assert_uint_eq(rep->n_months, 2);
    ck_assert_int_eq(rep->months[1].month, 2);
    ck_assert_int_eq(rep->months[1].to_ms, t("2026-01-20T00:00"));
    report_free(rep);
    aslog_close(log);
}
END_TEST

/* require_approval: TENTATIVE occurrences (logged missed "not approved", or
 * not logged yet) are their own figure: not planned, not in the rate, not
 * incidents. Without require_approval an unlogged one is a failure to log. */
START_TEST(test_not_approved)
{
    struct aslog *log;
    char err[256];
    ck_assert_int_eq(aslog_open(path, &log, err, sizeof err), 0);
    struct plan_item ok = {.uid = "ok", .summary = "Duyệt", .approved = true};
    struct plan_item tent = {.uid = "tent", .summary = "Chưa duyệt", .approved = false};
    struct plan_occurrence o[] = {
        occ(&ok, "2026-01-05T06:00", false),
        occ(&tent, "2026-01-05T07:00", false), /* logged: missed, not approved */
        occ(&tent, "2026-01-06T07:00", false), /* not logged */
        occ(&ok, "2026-01-06T06:00", true),    /* cancelled */
    };
    put_row(log, &(struct rowspec){&o[0], .st = ASLOG_AIRED, .played = 60000,
                                   .src = ASLOG_SOURCE_PLAN});
    put_row(log, &(struct rowspec){&o[1], .st = ASLOG_MISSED, .reason = REASON_TENTATIVE,
                                   .src = ASLOG_SOURCE_PLAN});
    struct report *rep = build(log, o, ARRAY_SIZE(o), "2026-01", CONFIG_CUTOFF_CALENDAR,
                               "2026-03-01T00:00", true, false);
    ck_assert_int_eq(rep->sum.scheduled, 4);
    ck_assert_int_eq(rep->sum.planned, 1);
    ck_assert_int_eq(rep->sum.outcome[OUT_NOT_APPROVED], 2);
    ck_assert_int_eq(rep->sum.outcome[OUT_CANCELLED], 1);
    ck_assert_int_eq(rep->sum.outcome[OUT_MISSED], 0);
    ck_assert_double_eq_tol(rep->sum.compliance_pct, 100.0, 1e-9);
    ck_assert_uint_eq(rep->n_incidents, 0);
    ck_assert_uint_eq(rep->n_incident_groups, 0);
    ck_assert_int_eq(rep->sum.planned_ms, 600000);
    ck_assert_int_eq(rep->months[0].planned, 1);
    ck_assert_int_eq(rep->sum.planned_items, 1);
    for (size_t i = 0; i < rep->n_items; i++)
        if (strcmp(rep->items[i].uid, "tent") == 0) {
            ck_assert_int_eq(rep->items[i].planned, 0);
            ck_assert_int_eq(rep->items[i].not_approved, 2);
            ck_assert_int_eq(rep->items[i].not_aired, 0);
            ck_assert_ptr_null(strstr(rep->items[i].reasons, "TENTATIVE"));
        }
    /* the summary's outcome rows partition planned; the other two stand apart */
    struct report_summary_row rows[REPORT_SUMMARY_ROWS];
    size_t n = report_summary_rows(rep, rows);
    long parts = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].outcome)
            parts += rows[i].value;
    ck_assert_int_eq(parts, rep->sum.planned);
    report_free(rep);
    /* without require_approval, the unlogged one is unlogged (an incident) */
    rep = build(log, o, ARRAY_SIZE(o), "2026-01", CONFIG_CUTOFF_CALENDAR, "2026-03-01T00:00",
                false, false);
    ck_assert_int_eq(rep->sum.outcome[OUT_NOT_APPROVED], 1); /* the logged one still */
    ck_assert_int_eq(rep->sum.outcome[OUT_UNLOGGED], 1);
    ck_assert_int_eq(rep->sum.planned, 2);
    ck_assert_uint_eq(rep->n_incidents, 1);
    report_free(rep);
    aslog_close(log);
}
END_TEST

/* Titles, topics and units in Vietnamese order: "Â" after "A", "Đ" after
 * "D", tones after the bare letter, "(no topic)" last. */
START_TEST(test_collation)
{
    struct aslog *log;
    char err[256];
    ck_assert_int_eq(aslog_open(path, &log, err, sizeof err), 0);
    static const char *const titles[] = {"Đường làng", "Dân số", "Ấp mới", "An toàn",
                                         "Bản tin", "Ăn uống", "Ánh sáng", "Zalo"};
    static const char *const order[] = {"An toàn", "Ánh sáng", "Ăn uống", "Ấp mới",
                                        "Bản tin", "Dân số", "Đường làng", "Zalo"};
    struct plan_item items[8];
    const char *cats[8][1];
    struct plan_occurrence o[8];
    for (size_t i = 0; i < 8; i++) {
        char uid[8];
        snprintf(uid, sizeof uid, "u%zu", i);
        cats[i][0] = titles[i];
        items[i] = (struct plan_item){.uid = xstrdup(uid), .summary = titles[i],
                                      .unit = titles[i], .categories = cats[i],
                                      .n_categories = 1, .approved = true};
        o[i] = occ(&items[i], "2026-01-05T06:00", false);
        o[i].start_ms += (int64_t)i * 60000;
    }
    struct report *rep = build(log, o, 8, "2026-01", CONFIG_CUTOFF_CALENDAR, "2026-03-01T00:00",
                               false, false);
    ck_assert_uint_eq(rep->n_items, 8);
    ck_assert_uint_eq(rep->n_topics, 8);
    ck_assert_uint_eq(rep->n_units, 8);
    for (size_t i = 0; i < 8; i++) {
        ck_assert_str_eq(rep->items[i].title, order[i]);
        ck_assert_str_eq(rep->topics[i].topic, order[i]);
        ck_assert_str_eq(rep->units[i].unit, order[i]);
    }
    report_free(rep);
    for (size_t i = 0; i < 8; i++)
        free((char *)items[i].uid);
    aslog_close(log);
}
END_TEST

/* A date alone as --as-of is the end of that day (util_parse_bound, as
 * cmd_report uses it): the last day of an ND09 period is in, and the
 * report is complete; a report cut earlier says so in its title. */
START_TEST(test_as_of_date)
{
    struct aslog *log;
    char err[256];
    ck_assert_int_eq(aslog_open(path, &log, err, sizeof err), 0);
    struct plan_item it = {.uid = "x", .summary = "X", .approved = true};
    struct plan_occurrence o[] = {occ(&it, "2026-12-14T18:00", false)};
    put_row(log, &(struct rowspec){&o[0], .st = ASLOG_AIRED, .played = 1000,
                                   .src = ASLOG_SOURCE_PLAN});
    int64_t as_of;
    ck_assert_int_eq(util_parse_bound("2026-12-14", true, &as_of), 0);
    ck_assert_int_eq(as_of, t("2026-12-15T00:00"));
    struct report_input in = {.commune = "X", .as_of_ms = as_of, .generated_at_ms = as_of,
                              .occ = o, .n_occ = 1};
    ck_assert_int_eq(period_parse("2026-12", CONFIG_CUTOFF_ND09, &in.period, err, sizeof err), 0);
    struct report *rep = NULL;
    ck_assert_int_eq(report_build(&in, log, &rep, err, sizeof err), 0);
    ck_assert(!report_is_partial(rep));
    ck_assert_ptr_null(report_title_partial(rep));
    ck_assert_int_eq(rep->sum.planned, 1);
    ck_assert_int_eq(rep->sum.outcome[OUT_AIRED], 1);
    report_free(rep);
    /* cut on the 10th at noon: partial, "(data up to 10/12/2026)" */
    in.as_of_ms = t("2026-12-10T12:00");
    ck_assert_int_eq(report_build(&in, log, &rep, err, sizeof err), 0);
    ck_assert(report_is_partial(rep));
    setenv("LANGUAGE", "en", 1);
    char *tp = report_title_partial(rep);
    ck_assert_ptr_nonnull(tp);
    ck_assert_ptr_nonnull(strstr(tp, "10/12/2026"));
    free(tp);
    /* cut at a midnight: the day before is the last one with data */
    report_free(rep);
    in.as_of_ms = t("2026-12-10T00:00");
    ck_assert_int_eq(report_build(&in, log, &rep, err, sizeof err), 0);
    tp = report_title_partial(rep);
    ck_assert_ptr_nonnull(strstr(tp, "09/12/2026"));
    free(tp);
    unsetenv("LANGUAGE");
    report_free(rep);
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
    ck_assert_str_eq(rows[1].key, "planned");
    char v[32];
    report_summary_value(&rows[1], v);
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
    size_t pc = 0;
    while (pc < g.n_cols && strcmp(g.cols[pc].key, "planned") != 0)
        pc++;
    ck_assert_uint_lt(pc, g.n_cols);
    ck_assert_int_eq(g.total[pc].n, rep->sum.planned); /* planned, over all items */
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
    tcase_add_test(tc, test_planned_emergencies);
    tcase_add_test(tc, test_nd09_months);
    tcase_add_test(tc, test_not_approved);
    tcase_add_test(tc, test_collation);
    tcase_add_test(tc, test_as_of_date);
    tcase_add_test(tc, test_every_format);
    tcase_add_test(tc, test_format_errors);
    tcase_add_test(tc, test_labels);
    tcase_add_test(tc, test_grid_and_numbers);
    suite_add_tcase(s, tc);
    return s;
}
