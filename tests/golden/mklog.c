/* Test-only: writes the fixed as-run log the report goldens are made from,
 * through the real plan loader and the real aslog API, so the goldens do
 * not depend on the daemon. Every occurrence of the plan in [FROM, TO) airs
 * (begin, then finish as the daemon does), except a fixed set of injected
 * incidents chosen by the occurrence's index:
 *   i % 29 == 5   failed before start (no device), then missed
 *   i % 29 == 9   missed (could not start within the grace period)
 *   i % 29 == 13  interrupted by an emergency, restarted: attempt 2 aired
 *   i % 29 == 17  stopped by the operator (interrupted, not resumed)
 *   i % 29 == 21  on air when the daemon was killed: recovered as interrupted
 *   i % 29 == 25  not logged at all (daemon down; no row)
 * cancelled occurrences are recorded as cancelled, and two airings outside
 * the plan are added: an emergency and an ad hoc one (loaxa air).
 * Usage: report-mklog PLAN AUDIO_ROOT DB FROM TO   (times as util_parse_time) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aslog/aslog.h"
#include "core/hash.h"
#include "core/paths.h"
#include "core/reasons.h"
#include "core/util.h"
#include "plan/plan.h"

static char *recordings_json(const char *root, const struct plan_item *it)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "[");
    for (size_t i = 0; i < it->n_audio; i++) {
        char *abs = NULL, err[256], hex[65] = "";
        if (paths_resolve_audio(root, it->audio[i], &abs, err, sizeof err) == 0)
            hash_file_sha256(abs, hex);
        free(abs);
        strbuf_printf(&b, "%s{\"path\":\"%s\",\"sha256\":\"%s\"}", i ? "," : "", it->audio[i],
                      hex);
    }
    strbuf_puts(&b, "]");
    return strbuf_steal(&b);
}

/* The recordings' JSON per item, hashed once (the benchmark writes a
 * million rows of a few items). */
struct rec_cache {
    const struct plan_item *item;
    char *json;
};

static const char *cached_recordings(struct rec_cache *c, size_t n, const char *root,
                                     const struct plan_item *it)
{
    size_t i;
    for (i = 0; i < n && c[i].item; i++)
        if (c[i].item == it)
            return c[i].json;
    if (i == n) { /* full: recycle the first slot */
        i = 0;
        free(c[0].json);
    }
    c[i].item = it;
    c[i].json = recordings_json(root, it);
    return c[i].json;
}

static int check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "report-mklog: %s: %s\n", what, strerror(-rc));
        exit(1);
    }
    return rc;
}

/* Writes what became of occurrence number i (see the top comment). */
static void write_occurrence(struct aslog *log, const struct plan_occurrence *o, size_t i,
                             const char *rec)
{
    const struct plan_item *it = o->item;
    struct strbuf cats = {0};
    for (size_t c = 0; c < it->n_categories; c++)
        strbuf_printf(&cats, "%s%s", c ? "\n" : "", it->categories[c]);
    int64_t slot = o->end_ms > o->start_ms ? o->end_ms - o->start_ms : 1000;
    int64_t played = slot < 1000 ? slot : 1000; /* tone.wav: one second */
    int64_t late = (int64_t)(i % 7) * 3;        /* a few ms of output latency */
    struct aslog_row r = {
        .occ_key = o->key, .uid = it->uid, .plan_file = it->file, .title = it->summary,
        .categories = cats.s ? cats.s : "", .unit = it->unit, .priority = it->priority,
        .recordings = rec, .planned_start_ms = o->start_ms, .planned_end_ms = o->end_ms,
        .actual_start_ms = -1, .actual_end_ms = -1, .device = "null",
        .status = ASLOG_AIRED, .reason = "",
        .source = ASLOG_SOURCE_PLAN,   /* as the scheduler logs planned items */
        .operator_name = "",
    };
    int64_t id, s = o->start_ms + late;
    int k = (int)(i % 29);
    if (o->cancelled) {
        r.status = ASLOG_CANCELLED;
        r.reason = ""; /* STATUS:CANCELLED, as loaxad writes it */
        check(aslog_record(log, &r), "record cancelled");
    } else if (k == 5) {
        check(aslog_begin(log, &r, &id), "begin");
        check(aslog_finish(log, id, ASLOG_FAILED, REASON_NO_DEVICE, -1, -1, 0, 0),
              "finish failed");
        r.status = ASLOG_MISSED;
        r.reason = REASON_GRACE;
        check(aslog_record(log, &r), "record missed");
    } else if (k == 9) {
        r.status = ASLOG_MISSED;
        r.reason = REASON_GRACE;
        check(aslog_record(log, &r), "record missed");
    } else if (k == 13) {
        check(aslog_begin(log, &r, &id), "begin");
        check(aslog_finish(log, id, ASLOG_INTERRUPTED, REASON_PREEMPTED, s, s + 400,
                           400, 0), "finish interrupted");
        check(aslog_begin(log, &r, &id), "begin again");
        check(aslog_finish(log, id, ASLOG_AIRED, "", s + 60000, s + 60000 + played, played,
                           0), "finish restart");
    } else if (k == 17) {
        check(aslog_begin(log, &r, &id), "begin");
        char why[128];
        reason_with(why, sizeof why, REASON_OPERATOR, "uid:1000(canbo)");
        check(aslog_finish(log, id, ASLOG_INTERRUPTED, why, s, s + 250, 250, 1),
              "finish stopped");
    } else if (k == 21) {
        r.actual_start_ms = s;
        r.played_ms = 500;
        check(aslog_begin(log, &r, &id), "begin (crash)");
    } else if (k == 25) {
        /* nothing: the daemon was down */
    } else {
        check(aslog_begin(log, &r, &id), "begin");
        check(aslog_finish(log, id, ASLOG_AIRED, "", s, s + played, played, 0), "finish");
    }
    strbuf_free(&cats);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: report-mklog PLAN AUDIO_ROOT DB FROM TO\n");
        return 2;
    }
    util_set_timezone("Asia/Ho_Chi_Minh");
    int64_t from, to;
    if (util_parse_time(argv[4], &from) < 0 || util_parse_time(argv[5], &to) < 0) {
        fprintf(stderr, "report-mklog: bad time\n");
        return 2;
    }
    const char *paths[] = {argv[1]};
    struct plan_options popt = {.default_tz = "Asia/Ho_Chi_Minh", .audio_root = argv[2]};
    char *perr = NULL;
    struct plan *plan = plan_load(paths, 1, &popt, &perr);
    if (!plan || plan_error_count(plan)) {
        fprintf(stderr, "report-mklog: plan: %s\n", perr ? perr : "has errors");
        for (size_t i = 0; plan && i < plan_diag_count(plan); i++)
            fprintf(stderr, "  %s:%d: %s\n", plan_diag(plan, i)->file, plan_diag(plan, i)->line,
                    plan_diag(plan, i)->message);
        return 1;
    }
    struct aslog *log = NULL;
    char err[512];
    if (aslog_open(argv[3], &log, err, sizeof err) < 0) {
        fprintf(stderr, "report-mklog: %s\n", err);
        return 1;
    }
    struct rec_cache cache[256] = {{0}};
    size_t total = 0;
    check(aslog_tx_begin(log), "begin");
    /* In 30-day windows so a twenty-year benchmark log needs little memory;
     * the index runs on across windows, in the plan's order. */
    const int64_t window = 30LL * 86400000;
    for (int64_t w = from; w < to; w += window) {
        struct plan_occurrence *occ = NULL;
        size_t n = 0;
        check(plan_expand(plan, w, w + window < to ? w + window : to, &occ, &n), "expand");
        for (size_t j = 0; j < n; j++, total++)
            write_occurrence(log, &occ[j], total,
                             cached_recordings(cache, ARRAY_SIZE(cache), argv[2], occ[j].item));
        free(occ);
    }
    /* Outside the plan: an emergency and an ad hoc airing. */
    int64_t t1, t2;
    util_parse_time("2026-02-20T10:00:00", &t1);
    util_parse_time("2026-03-05T15:00:00", &t2);
    struct { int64_t t; const char *title; enum aslog_source src; const char *op; } extra[] = {
        {t1, "Thông báo khẩn: phòng chống bão số 3", ASLOG_SOURCE_EMERGENCY, "uid:1000(canbo)"},
        {t2, "Thông báo lịch tiêm chủng", ASLOG_SOURCE_ADHOC, "uid:1000(canbo)"},
    };
    for (size_t i = 0; i < 2; i++) {
        if (extra[i].t < from || extra[i].t >= to)
            continue;
        char key[64];
        snprintf(key, sizeof key, "adhoc/%lld", (long long)extra[i].t);
        struct aslog_row r = {
            .occ_key = key, .uid = "test/tone.wav", .plan_file = "", .title = extra[i].title,
            .categories = "", .unit = "", .priority = extra[i].src == ASLOG_SOURCE_EMERGENCY,
            .recordings = "[]", .planned_start_ms = extra[i].t,
            .planned_end_ms = extra[i].t + 1000, .actual_start_ms = extra[i].t + 4,
            .actual_end_ms = -1, .device = "null", .status = ASLOG_AIRED, .reason = "",
            .source = extra[i].src, .operator_name = extra[i].op,
        };
        int64_t id;
        check(aslog_begin(log, &r, &id), "begin adhoc");
        check(aslog_finish(log, id, ASLOG_AIRED, "", extra[i].t + 4, extra[i].t + 1004, 1000, 0),
              "finish adhoc");
    }
    check(aslog_tx_commit(log), "commit");
    /* the "crash": a new connection recovers the row left on air */
    aslog_close(log);
    if (aslog_open(argv[3], &log, err, sizeof err) < 0) {
        fprintf(stderr, "report-mklog: %s\n", err);
        return 1;
    }
    int rec = 0;
    check(aslog_recover(log, &rec), "recover");
    printf("%zu occurrences, %d recovered\n", total, rec);
    aslog_close(log);
    for (size_t c = 0; c < ARRAY_SIZE(cache); c++)
        free(cache[c].json);
    plan_free(plan);
    return 0;
}
