/* `loaxa simulate`'s core over a year of the bundled plan: the log it
 * writes equals the plan's expansion occurrence for occurrence (one row per
 * occurrence, same key and planned times, nothing extra), aired rows last
 * as long as their recordings, and a second run writes nothing twice. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aslog/aslog.h"
#include "core/config.h"
#include "core/hash.h"
#include "core/reasons.h"
#include "core/util.h"
#include "plan/plan.h"
#include "programme/programme.h"
#include "sim/simulate.h"
#include "unit.h"

struct rows {
    struct aslog_row *r;
    char **keys;
    size_t n, cap;
};

static int collect(const struct aslog_row *row, void *ud)
{
    struct rows *rs = ud;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 1024;
        rs->r = xrealloc(rs->r, rs->cap * sizeof *rs->r);
        rs->keys = xrealloc(rs->keys, rs->cap * sizeof *rs->keys);
    }
    rs->r[rs->n] = *row;
    rs->keys[rs->n] = xstrdup(row->occ_key);
    rs->r[rs->n].occ_key = rs->keys[rs->n];
    rs->n++;
    return 0;
}

static int by_key(const void *a, const void *b)
{
    const struct aslog_row *x = a, *y = b;
    return strcmp(x->occ_key, y->occ_key);
}

static int occ_by_key(const void *a, const void *b)
{
    const struct plan_occurrence *x = a, *y = b;
    return strcmp(x->key, y->key);
}

static int status_of(const struct aslog_row *row, void *ud)
{
    char *out = ud;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s:%s:%s;", row->uid, aslog_status_name(row->status),
             row->reason);
    return 0;
}

/* station.approval = signed: the simulation airs what the station's log
 * approved (read-only), as the daemon would; with no approvals, nothing. */
START_TEST(test_signed_reads_station_approvals)
{
    char dir[] = "/tmp/loaxa-simap-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *ics = xasprintf("%s/p.ics", dir), *station = xasprintf("%s/station.db", dir);
    FILE *f = fopen(ics, "w");
    ck_assert_ptr_nonnull(f);
    fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n", f);
    fputs("BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T000000Z\r\n"
          "SUMMARY:X\r\nATTACH:nhac-hieu.wav\r\nEND:VEVENT\r\n", f);
    fputs("BEGIN:VEVENT\r\nUID:y\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T010000Z\r\n"
          "SUMMARY:Y\r\nATTACH:nhac-hieu.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", f);
    fclose(f);
    struct loaxa_config cfg;
    config_init(&cfg);
    free(cfg.audio_root);
    cfg.audio_root = xstrdup(SRCDIR "/audio");
    free(cfg.signature_tune);
    cfg.signature_tune = xstrdup("");
    cfg.hours_start_min = 0;
    cfg.hours_end_min = 24 * 60;
    cfg.approval = CONFIG_APPROVAL_SIGNED;
    cfg.station_db_path = xstrdup(station);
    const char *paths[] = {ics};
    struct plan_options po = {.default_tz = cfg.timezone, .audio_root = cfg.audio_root};
    char *perr = NULL, err[1024];
    struct plan *plan = plan_load(paths, 1, &po, &perr);
    ck_assert_msg(plan && plan_item_count(plan) == 2, "%s", perr ? perr : "");
    int64_t from = 1772323200000LL, to = from + 86400000LL * 3; /* 2026-03-01 .. 03-04 */

    /* no station log: nothing airs */
    struct aslog *log;
    struct simulate_summary sum;
    char got[512] = "";
    ck_assert_msg(aslog_open(":memory:", &log, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(simulate_run(&cfg, plan, log, from, to, &sum, err, sizeof err) == 0, "%s", err);
    struct aslog_filter all = {.from_ms = -1, .to_ms = -1};
    ck_assert_int_eq(aslog_query(log, &all, status_of, got), 0);
    char want[512];
    snprintf(want, sizeof want, "x:missed:%s;y:missed:%s;", REASON_NOT_APPROVED,
             REASON_NOT_APPROVED);
    ck_assert_str_eq(got, want);
    aslog_close(log);

    /* x approved as it is: it airs; y rejected, then an approval of other content */
    struct aslog *st;
    ck_assert_msg(aslog_open(station, &st, err, sizeof err) == 0, "%s", err);
    char sha[65], hx[65], hy[65];
    ck_assert_int_eq(hash_file_sha256(SRCDIR "/audio/nhac-hieu.wav", sha), 0);
    const char *sums[] = {sha};
    const struct plan_item *x = plan_find_uid(plan, "x"), *y = plan_find_uid(plan, "y");
    programme_content_hash(x, sums, hx);
    programme_content_hash(y, sums, hy);
    struct aslog_approval a = {.uid = "x", .content_hash = hx, .decision = ASLOG_APPROVED,
                               .who = "uid:1(t)", .at_ms = 1, .comment = "", .title = "X"};
    ck_assert_int_eq(aslog_approval_add(st, &a), 0);
    a.uid = "y";
    a.content_hash = hy;
    a.decision = ASLOG_REJECTED;
    ck_assert_int_eq(aslog_approval_add(st, &a), 0);
    a.content_hash = hx; /* not y's content */
    a.decision = ASLOG_APPROVED;
    ck_assert_int_eq(aslog_approval_add(st, &a), 0);
    aslog_close(st);
    got[0] = '\0';
    ck_assert_msg(aslog_open(":memory:", &log, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(simulate_run(&cfg, plan, log, from, to, &sum, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(aslog_query(log, &all, status_of, got), 0);
    snprintf(want, sizeof want, "x:aired:;y:missed:%s;", REASON_NOT_APPROVED);
    ck_assert_str_eq(got, want);
    aslog_close(log);
    /* the simulation added nothing to the station's log */
    ck_assert_msg(aslog_open_readonly(station, &st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(aslog_has_real_rows(st), 0);
    ck_assert_int_eq(aslog_approval_latest(st, "y", hy, NULL, NULL), ASLOG_REJECTED);
    aslog_close(st);

    plan_free(plan);
    config_free(&cfg);
    unit_rmtree(dir);
    free(ics);
    free(station);
}
END_TEST

START_TEST(test_year_equals_expansion)
{
    struct loaxa_config cfg;
    config_init(&cfg);
    free(cfg.plan_path);
    free(cfg.audio_root);
    cfg.plan_path = xstrdup(SRCDIR "/schedules");
    cfg.audio_root = xstrdup(SRCDIR "/audio");
    cfg.require_approval = false; /* every occurrence airs: the strongest comparison */
    free(cfg.signature_tune);
    cfg.signature_tune = xstrdup("nhac-hieu.wav"); /* counted in each programme's length */
    char db[] = "/tmp/loaxa-sim-XXXXXX";
    int fd = mkstemp(db);
    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(db);

    const char *paths[] = {cfg.plan_path};
    struct plan_options po = {.default_tz = cfg.timezone, .audio_root = cfg.audio_root};
    char *perr = NULL, err[1024];
    struct plan *plan = plan_load(paths, 1, &po, &perr);
    ck_assert_msg(plan != NULL, "%s", perr ? perr : "");
    int64_t from, to;
    ck_assert_int_eq(util_parse_time("2026-01-01T00:00:00+07:00", &from), 0);
    ck_assert_int_eq(util_parse_time("2027-01-01T00:00:00+07:00", &to), 0);
    struct plan_occurrence *occ;
    size_t n;
    ck_assert_int_eq(plan_expand(plan, from, to, &occ, &n), 0);
    ck_assert_uint_gt(n, 500);

    struct aslog *log;
    ck_assert_msg(aslog_open(db, &log, err, sizeof err) == 0, "%s", err);
    struct simulate_summary sum;
    ck_assert_msg(simulate_run(&cfg, plan, log, from, to, &sum, err, sizeof err) == 0, "%s",
                  err);
    ck_assert_int_eq(sum.occurrences, (long)n);

    struct rows rs = {0};
    struct aslog_filter f = {.from_ms = -1, .to_ms = -1};
    ck_assert_int_eq(aslog_query(log, &f, collect, &rs), 0);
    ck_assert_uint_eq(rs.n, n);
    qsort(rs.r, rs.n, sizeof *rs.r, by_key);
    qsort(occ, n, sizeof *occ, occ_by_key);
    size_t aired = 0;
    int64_t played = 0, lengths = 0;
    struct programme_settings st = {cfg.audio_root, cfg.signature_tune};
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(rs.r[i].occ_key, occ[i].key);
        ck_assert_int_eq(rs.r[i].planned_start_ms, occ[i].start_ms);
        ck_assert_int_eq(rs.r[i].planned_end_ms, occ[i].end_ms);
        if (occ[i].cancelled) {
            ck_assert_int_eq(rs.r[i].status, ASLOG_CANCELLED);
            continue;
        }
        ck_assert_int_eq(rs.r[i].status, ASLOG_AIRED);
        ck_assert_int_eq(rs.r[i].source, ASLOG_SOURCE_PLAN);
        /* the bundled plan has no collisions: each starts exactly on time */
        ck_assert_int_eq(rs.r[i].actual_start_ms, occ[i].start_ms);
        ck_assert_int_gt(rs.r[i].played_ms, 0);
        ck_assert_int_eq(rs.r[i].actual_end_ms - rs.r[i].actual_start_ms, rs.r[i].played_ms);
        /* as long as the programme model says, tunes included */
        struct programme p;
        ck_assert_int_eq(programme_build(occ[i].item, &st, 0, NULL, NULL, &p, err, sizeof err),
                         0);
        ck_assert_int_eq(rs.r[i].played_ms, p.length_ms);
        lengths += p.length_ms;
        played += rs.r[i].played_ms;
        programme_clear(&p);
        aired++;
    }
    ck_assert_uint_eq(aired, (size_t)sum.by_status[ASLOG_AIRED]);
    /* the as-run time of the year is the sum of the programmes' lengths */
    ck_assert_int_eq(played, lengths);

    /* again over the same log: everything is already there, nothing twice */
    struct simulate_summary again;
    ck_assert_msg(simulate_run(&cfg, plan, log, from, to, &again, err, sizeof err) == 0, "%s",
                  err);
    ck_assert_int_eq(again.refused, (long)n);
    ck_assert_int_eq(again.by_status[ASLOG_AIRED], 0);

    for (size_t i = 0; i < rs.n; i++)
        free(rs.keys[i]);
    free(rs.keys);
    free(rs.r);
    free(occ);
    aslog_close(log);
    plan_free(plan);
    config_free(&cfg);
    char *w = xasprintf("%s-wal", db), *s = xasprintf("%s-shm", db);
    unlink(db);
    unlink(w);
    unlink(s);
    free(w);
    free(s);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    /* the station's zone is the process TZ, as loaxa and loaxad set it: the
     * broadcast hours are judged in it */
    util_set_timezone("Asia/Ho_Chi_Minh");
    Suite *su = suite_create("simulate");
    TCase *tc = tcase_create("year");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_year_equals_expansion);
    tcase_add_test(tc, test_signed_reads_station_approvals);
    suite_add_tcase(su, tc);
    return su;
}
