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
    suite_add_tcase(su, tc);
    return su;
}
