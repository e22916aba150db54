/* The as-run log: schema, the one-airing-per-occurrence rule, attempts,
 * crash recovery, queries, migrations and reading while another process
 * writes. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "aslog/aslog.h"
#include "core/util.h"
#include "unit.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "aslog");
    snprintf(path, sizeof path, "%s/log.db", dir);
}

static void teardown(void)
{
    unit_rmtree(dir);
}

static struct aslog *open_log(void)
{
    struct aslog *log = NULL;
    char err[256] = "";
    int rc = aslog_open(path, &log, err, sizeof err);
    ck_assert_msg(rc == 0, "open: %d %s", rc, err);
    return log;
}

static struct aslog_row row_for(const char *key, int64_t start)
{
    struct aslog_row r = {
        .occ_key = key, .uid = "u1", .plan_file = "plan.ics", .title = "Bản tin sáng",
        .categories = "Thời sự\nNông nghiệp", .unit = "UBND", .priority = 5,
        .recordings = "[{\"path\":\"a.wav\",\"sha256\":\"00\"}]",
        .planned_start_ms = start, .planned_end_ms = start + 60000,
        .actual_start_ms = -1, .actual_end_ms = -1, .device = "null",
        .status = ASLOG_ON_AIR, .reason = "", .source = ASLOG_SOURCE_PLAN,
        .operator_name = "",
    };
    return r;
}

START_TEST(test_names)
{
    enum aslog_status s;
    for (int i = ASLOG_ON_AIR; i <= ASLOG_CANCELLED; i++) {
        ck_assert_int_eq(aslog_status_parse(aslog_status_name(i), &s), 0);
        ck_assert_int_eq(s, i);
    }
    ck_assert_str_eq(aslog_status_name(ASLOG_AIRED), "aired");
    ck_assert_str_eq(aslog_source_name(ASLOG_SOURCE_EMERGENCY), "emergency");
    ck_assert_int_eq(aslog_status_parse("played", &s), -EINVAL);
}
END_TEST

START_TEST(test_open_schema_wal)
{
    struct aslog *log = open_log();
    ck_assert_int_eq(aslog_schema_version(log), aslog_schema_latest());
    ck_assert_int_ge(aslog_schema_latest(), 1);
    aslog_close(log);
    /* reopening does not migrate again or lose anything */
    log = open_log();
    ck_assert_int_eq(aslog_schema_version(log), aslog_schema_latest());
    aslog_close(log);

    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    aslog_close(NULL);
}
END_TEST

START_TEST(test_aired_once)
{
    struct aslog *log = open_log();
    struct aslog_row r = row_for("u1/20260302T000000Z", 1772409600000);
    int64_t id = 0, id2 = 0;
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0);
    ck_assert_int_gt(id, 0);
    /* on air: a second begin and a final record are both refused */
    ck_assert_int_eq(aslog_begin(log, &r, &id2), -EEXIST);
    r.status = ASLOG_MISSED;
    ck_assert_int_eq(aslog_record(log, &r), -EEXIST);
    enum aslog_status s;
    int attempts;
    int64_t played;
    ck_assert_int_eq(aslog_occurrence_state(log, r.occ_key, &s, &attempts, &played), 0);
    ck_assert_int_eq(s, ASLOG_ON_AIR);
    ck_assert_int_eq(attempts, 1);
    ck_assert_int_eq(aslog_finish(log, id, ASLOG_AIRED, "", 1772409600012, 1772409660012,
                                  60000, 0), 0);
    /* finishing twice is refused: the row is no longer on air */
    ck_assert_int_eq(aslog_finish(log, id, ASLOG_AIRED, "", 1, 2, 3, 0), -ENOENT);
    ck_assert_int_eq(aslog_begin(log, &r, &id2), -EEXIST);
    ck_assert_int_eq(aslog_record(log, &r), -EEXIST);
    ck_assert_int_eq(aslog_occurrence_state(log, r.occ_key, &s, &attempts, &played), 0);
    ck_assert_int_eq(s, ASLOG_AIRED);
    ck_assert_int_eq(played, 60000);
    ck_assert_int_eq(aslog_occurrence_state(log, "nope/20260101T000000Z", &s, NULL, NULL),
                     -ENOENT);
    aslog_close(log);

    /* also across a restart (a new connection) */
    log = open_log();
    r.status = ASLOG_ON_AIR;
    ck_assert_int_eq(aslog_begin(log, &r, &id2), -EEXIST);
    aslog_close(log);
}
END_TEST

static int progress_cb(const struct aslog_row *row, void *ud)
{
    int64_t *v = ud;
    v[0] = row->actual_start_ms;
    v[1] = row->actual_end_ms;
    v[2] = row->played_ms;
    v[3] = row->status;
    return 0;
}

/* A row cut by a crash keeps the actual start and the played time of its
 * last progress write (it said no start and 0 ms played before). */
START_TEST(test_progress_then_recover)
{
    struct aslog *log = open_log();
    struct aslog_row r = row_for("u9/20260302T000000Z", 1772409600000);
    int64_t id;
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0);
    ck_assert_int_eq(aslog_progress(log, id, 1772409600012, 0), 0);
    ck_assert_int_eq(aslog_progress(log, id, 1772409600012, 5000), 0);
    ck_assert_int_eq(aslog_progress(log, id + 1, 1, 1), -ENOENT);
    aslog_close(log); /* "kill -9" */
    log = open_log();
    int n = -1;
    ck_assert_int_eq(aslog_recover(log, &n), 0);
    ck_assert_int_eq(n, 1);
    int64_t v[4] = {0};
    struct aslog_filter f = {.from_ms = -1, .to_ms = -1};
    ck_assert_int_eq(aslog_query(log, &f, progress_cb, v), 0);
    ck_assert_int_eq(v[0], 1772409600012);
    ck_assert_int_eq(v[1], 1772409605012);
    ck_assert_int_eq(v[2], 5000);
    ck_assert_int_eq(v[3], ASLOG_INTERRUPTED);
    /* a finished row takes no more progress */
    ck_assert_int_eq(aslog_progress(log, id, 1, 1), -ENOENT);
    aslog_close(log);
}
END_TEST

START_TEST(test_attempts_and_recover)
{
    struct aslog *log = open_log();
    struct aslog_row r = row_for("u1/20260302T000000Z", 1772409600000);
    int64_t id;
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0);
    ck_assert_int_eq(aslog_finish(log, id, ASLOG_INTERRUPTED, "preempted", 1772409600000,
                                  1772409620000, 20000, 1), 0);
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0); /* resume: attempt 2 */
    aslog_close(log);                              /* "crash" while on air */

    log = open_log();
    int n = -1;
    ck_assert_int_eq(aslog_recover(log, &n), 0);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(aslog_recover(log, &n), 0);
    ck_assert_int_eq(n, 0);
    enum aslog_status s;
    int attempts;
    ck_assert_int_eq(aslog_occurrence_state(log, r.occ_key, &s, &attempts, NULL), 0);
    ck_assert_int_eq(s, ASLOG_INTERRUPTED);
    ck_assert_int_eq(attempts, 2);
    /* third attempt airs fully; then nothing more */
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0);
    ck_assert_int_eq(aslog_finish(log, id, ASLOG_AIRED, "", 5, 6, 60000, 0), 0);
    ck_assert_int_eq(aslog_begin(log, &r, &id), -EEXIST);
    ck_assert_int_eq(aslog_occurrence_state(log, r.occ_key, &s, &attempts, NULL), 0);
    ck_assert_int_eq(attempts, 3);
    aslog_close(log);
}
END_TEST

START_TEST(test_record_closes)
{
    struct aslog *log = open_log();
    struct aslog_row r = row_for("u2/20260302T010000Z", 1772413200000);
    r.status = ASLOG_MISSED;
    r.reason = "could not start within 10 minutes";
    ck_assert_int_eq(aslog_record(log, &r), 0);
    ck_assert_int_eq(aslog_record(log, &r), -EEXIST);
    int64_t id;
    ck_assert_int_eq(aslog_begin(log, &r, &id), -EEXIST);
    r.status = ASLOG_INTERRUPTED;
    ck_assert_int_eq(aslog_record(log, &r), -EINVAL);

    /* failed attempts do not close: a retry and then a miss are fine */
    struct aslog_row f = row_for("u3/20260302T020000Z", 1772416800000);
    ck_assert_int_eq(aslog_begin(log, &f, &id), 0);
    ck_assert_int_eq(aslog_finish(log, id, ASLOG_FAILED, "no device", -1, -1, 0, 0), 0);
    f.status = ASLOG_MISSED;
    ck_assert_int_eq(aslog_record(log, &f), 0);
    ck_assert_int_eq(aslog_begin(log, &f, &id), -EEXIST);
    aslog_close(log);
}
END_TEST

struct collect {
    int n;
    char keys[16][64];
    int attempts[16];
    int64_t actual_start[16];
    char title[64];
    enum aslog_source source;
    int stop_after;
};

static int collect_cb(const struct aslog_row *r, void *ud)
{
    struct collect *c = ud;
    if (c->n < 16) {
        util_strlcpy(c->keys[c->n], r->occ_key, sizeof c->keys[0]);
        c->attempts[c->n] = r->attempt;
        c->actual_start[c->n] = r->actual_start_ms;
    }
    util_strlcpy(c->title, r->title, sizeof c->title);
    c->source = r->source;
    c->n++;
    return c->stop_after && c->n >= c->stop_after ? 7 : 0;
}

START_TEST(test_query)
{
    struct aslog *log = open_log();
    const char *keys[] = {"b/3", "a/1", "c/2"};
    const int64_t starts[] = {3000, 1000, 2000};
    ck_assert_int_eq(aslog_tx_begin(log), 0);
    ck_assert_int_eq(aslog_tx_begin(log), -EBUSY);
    for (int i = 0; i < 3; i++) {
        struct aslog_row r = row_for(keys[i], starts[i]);
        r.status = i == 2 ? ASLOG_MISSED : ASLOG_AIRED;
        r.actual_start_ms = i == 2 ? -1 : starts[i] + 5;
        r.source = i == 1 ? ASLOG_SOURCE_EMERGENCY : ASLOG_SOURCE_PLAN;
        ck_assert_int_eq(aslog_record(log, &r), 0);
    }
    ck_assert_int_eq(aslog_tx_commit(log), 0);

    struct collect c = {0};
    struct aslog_filter all = {.from_ms = -1, .to_ms = -1};
    ck_assert_int_eq(aslog_query(log, &all, collect_cb, &c), 0);
    ck_assert_int_eq(c.n, 3);
    ck_assert_str_eq(c.keys[0], "a/1");
    ck_assert_str_eq(c.keys[1], "c/2");
    ck_assert_str_eq(c.keys[2], "b/3");
    ck_assert_int_eq(c.actual_start[0], 1005);
    ck_assert_int_eq(c.actual_start[1], -1);
    ck_assert_str_eq(c.title, "Bản tin sáng");

    memset(&c, 0, sizeof c);
    struct aslog_filter range = {.from_ms = 1000, .to_ms = 3000};
    ck_assert_int_eq(aslog_query(log, &range, collect_cb, &c), 0);
    ck_assert_int_eq(c.n, 2); /* [from, to): 3000 is out */

    memset(&c, 0, sizeof c);
    struct aslog_filter missed = {.from_ms = -1, .to_ms = -1, .by_status = true,
                                  .status = ASLOG_MISSED};
    ck_assert_int_eq(aslog_query(log, &missed, collect_cb, &c), 0);
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.keys[0], "c/2");

    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    ck_assert_int_eq(aslog_query(log, &all, collect_cb, &c), 7);
    ck_assert_int_eq(c.n, 1);
    ck_assert_int_eq(c.source, ASLOG_SOURCE_EMERGENCY);

    /* a rolled-back batch leaves nothing */
    ck_assert_int_eq(aslog_tx_begin(log), 0);
    struct aslog_row r = row_for("d/4", 4000);
    r.status = ASLOG_AIRED;
    ck_assert_int_eq(aslog_record(log, &r), 0);
    ck_assert_int_eq(aslog_tx_rollback(log), 0);
    ck_assert_int_eq(aslog_occurrence_state(log, "d/4", NULL, NULL, NULL), -ENOENT);
    aslog_close(log);
}
END_TEST

/* Simulated rows: a station's log sets them aside (the occurrence airs), and
 * queries may leave them out. */
START_TEST(test_simulated_rows)
{
    struct aslog *log = open_log();
    ck_assert_int_eq(aslog_has_real_rows(log), 0);
    struct aslog_row r = row_for("u1/20260302T010000Z", 1772413200000);
    r.device = ASLOG_DEVICE_SIMULATE;
    r.status = ASLOG_MISSED;
    ck_assert_int_eq(aslog_record(log, &r), 0);
    ck_assert_int_eq(aslog_has_real_rows(log), 0);
    struct aslog_row real = row_for("u2/20260302T020000Z", 1772416800000);
    real.status = ASLOG_MISSED;
    ck_assert_int_eq(aslog_record(log, &real), 0);
    ck_assert_int_eq(aslog_has_real_rows(log), 1);

    struct collect c = {0};
    struct aslog_filter f = {.from_ms = -1, .to_ms = -1, .real_only = true};
    ck_assert_int_eq(aslog_query(log, &f, collect_cb, &c), 0);
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.keys[0], "u2/20260302T020000Z");

    int n = -1;
    ck_assert_int_eq(aslog_set_aside_simulated(log, &n), 0);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(aslog_occurrence_state(log, "u1/20260302T010000Z", NULL, NULL, NULL),
                     -ENOENT);
    ck_assert_int_eq(aslog_occurrence_state(log, "simulate:u1/20260302T010000Z", NULL, NULL,
                                            NULL), 0);
    ck_assert_int_eq(aslog_set_aside_simulated(log, &n), 0);
    ck_assert_int_eq(n, 0); /* once */
    int64_t id;
    r.device = "null";
    r.status = ASLOG_ON_AIR;
    ck_assert_int_eq(aslog_begin(log, &r, &id), 0); /* now it can air */
    aslog_close(log);
}
END_TEST

START_TEST(test_readonly)
{
    struct aslog *log = NULL;
    char err[256];
    ck_assert_int_eq(aslog_open_readonly(path, &log, err, sizeof err), -ENOENT);
    ck_assert_ptr_null(log);
    ck_assert_ptr_nonnull(strstr(err, path));
    log = open_log();
    struct aslog_row r = row_for("a/1", 1000);
    r.status = ASLOG_AIRED;
    ck_assert_int_eq(aslog_record(log, &r), 0);
    aslog_close(log);
    ck_assert_int_eq(aslog_open_readonly(path, &log, err, sizeof err), 0);
    struct collect c = {0};
    struct aslog_filter all = {.from_ms = -1, .to_ms = -1};
    ck_assert_int_eq(aslog_query(log, &all, collect_cb, &c), 0);
    ck_assert_int_eq(c.n, 1);
    ck_assert_int_eq(aslog_record(log, &r), -EROFS);
    aslog_close(log);
}
END_TEST

static void sql(sqlite3 *db, const char *s)
{
    char *e = NULL;
    ck_assert_msg(sqlite3_exec(db, s, NULL, NULL, &e) == SQLITE_OK, "%s: %s", s, e);
}

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static int keep_who(const struct aslog_approval *a, void *ud)
{
    snprintf(ud, 128, "%s|%s|%lld", a->who, a->comment, (long long)a->at_ms);
    return 0;
}

struct appr_list {
    int n;
    char last[256];
};

static int list_cb(const struct aslog_approval *a, void *ud)
{
    struct appr_list *l = ud;
    l->n++;
    snprintf(l->last, sizeof l->last, "%s %s %s %s %s", a->uid, a->content_hash,
             aslog_decision_name(a->decision), a->who, a->title);
    return 0;
}

START_TEST(test_approvals)
{
    struct aslog *log = open_log();
    char who[128] = "";
    ck_assert_int_eq(aslog_approval_latest(log, "u1", HASH_A, keep_who, who), -ENOENT);
    struct aslog_approval a = {.uid = "u1", .content_hash = HASH_A,
                               .decision = ASLOG_REJECTED, .who = "uid:1000(an)",
                               .at_ms = 100, .comment = "sai tên xã", .title = "Bản tin"};
    ck_assert_int_eq(aslog_approval_add(log, &a), 0);
    ck_assert_int_eq(aslog_approval_latest(log, "u1", HASH_A, keep_who, who), ASLOG_REJECTED);
    ck_assert_str_eq(who, "uid:1000(an)|sai tên xã|100");
    /* the latest row decides: approved after the rejection */
    a.decision = ASLOG_APPROVED;
    a.who = "uid:998(loaxa-web) for web:chutich";
    a.at_ms = 200;
    a.comment = "";
    ck_assert_int_eq(aslog_approval_add(log, &a), 0);
    ck_assert_int_eq(aslog_approval_latest(log, "u1", HASH_A, keep_who, who), ASLOG_APPROVED);
    ck_assert_str_eq(who, "uid:998(loaxa-web) for web:chutich||200");
    /* bound to the content: another hash of the same item, or another item, has none */
    ck_assert_int_eq(aslog_approval_latest(log, "u1", HASH_B, NULL, NULL), -ENOENT);
    ck_assert_int_eq(aslog_approval_latest(log, "u2", HASH_A, NULL, NULL), -ENOENT);
    /* bad rows are refused */
    struct aslog_approval bad = a;
    bad.content_hash = "abc";
    ck_assert_int_eq(aslog_approval_add(log, &bad), -EINVAL);
    bad = a;
    bad.who = "";
    ck_assert_int_eq(aslog_approval_add(log, &bad), -EINVAL);
    /* the period's decisions, oldest first */
    struct appr_list l = {0};
    ck_assert_int_eq(aslog_approvals_query(log, -1, -1, list_cb, &l), 0);
    ck_assert_int_eq(l.n, 2);
    ck_assert_str_eq(l.last, "u1 " HASH_A " approved uid:998(loaxa-web) for web:chutich Bản tin");
    l.n = 0;
    ck_assert_int_eq(aslog_approvals_query(log, 150, -1, list_cb, &l), 0);
    ck_assert_int_eq(l.n, 1);
    l.n = 0;
    ck_assert_int_eq(aslog_approvals_query(log, 0, 150, list_cb, &l), 0);
    ck_assert_int_eq(l.n, 1);
    aslog_close(log);

    /* append-only: the database itself refuses to change or drop a decision */
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE approvals SET decision = 'approved'", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM approvals", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    /* a reader sees them too */
    char err[256];
    ck_assert_int_eq(aslog_open_readonly(path, &log, err, sizeof err), 0);
    ck_assert_int_eq(aslog_approval_latest(log, "u1", HASH_A, NULL, NULL), ASLOG_APPROVED);
    ck_assert_int_eq(aslog_approval_add(log, &a), -EROFS);
    aslog_close(log);
}
END_TEST

START_TEST(test_migrations)
{
    /* A version-1 log (as the first release wrote it) is migrated in place. */
    struct aslog *log = open_log();
    aslog_close(log);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sql(db, "DROP INDEX airing_planned; DROP INDEX airing_on_air; DROP TABLE approvals;"
            " DROP INDEX airing_seq; DROP INDEX airing_unchained;"
            " ALTER TABLE airing DROP COLUMN seq; ALTER TABLE airing DROP COLUMN hash;"
            " PRAGMA user_version = 1;"
            "INSERT INTO airing (occ_key, attempt, uid, planned_start_ms, planned_end_ms,"
            " status, source) VALUES ('old/1', 1, 'old', 10, 20, 'aired', 'plan')");
    sqlite3_close(db);
    char err[256];
    ck_assert_int_eq(aslog_open_readonly(path, &log, err, sizeof err), -EPROTO);
    log = open_log();
    ck_assert_int_eq(aslog_schema_version(log), aslog_schema_latest());
    ck_assert_int_eq(aslog_occurrence_state(log, "old/1", NULL, NULL, NULL), 0);
    ck_assert_int_eq(aslog_schema_latest(), 4);
    /* the approvals table came with the migration (2 -> 3) */
    ck_assert_int_eq(aslog_approval_latest(log, "old", HASH_A, NULL, NULL), -ENOENT);
    aslog_close(log);

    /* a log from a newer loaxa is refused, not damaged */
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sql(db, "PRAGMA user_version = 99");
    sqlite3_close(db);
    log = NULL;
    ck_assert_int_eq(aslog_open(path, &log, err, sizeof err), -EPROTO);
    ck_assert_ptr_null(log);
    ck_assert_ptr_nonnull(strstr(err, "99"));

    /* not a database at all */
    snprintf(path, sizeof path, "%s/text.db", dir);
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 200; i++)
        fputs("not a database\n", f);
    fclose(f);
    ck_assert_int_lt(aslog_open(path, &log, err, sizeof err), 0);
    ck_assert_ptr_null(log);
}
END_TEST

/* A reader sees committed rows while a writer in another process holds an
 * open write transaction (WAL), without waiting for it. */
START_TEST(test_read_while_writing)
{
    struct aslog *log = open_log();
    struct aslog_row r = row_for("a/1", 1000);
    r.status = ASLOG_AIRED;
    ck_assert_int_eq(aslog_record(log, &r), 0);
    aslog_close(log);

    int to_child[2], to_parent[2];
    ck_assert_int_eq(pipe(to_child), 0);
    ck_assert_int_eq(pipe(to_parent), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct aslog *w = NULL;
        char err[256];
        char c;
        if (aslog_open(path, &w, err, sizeof err) != 0 || aslog_tx_begin(w) != 0)
            _exit(1);
        for (int i = 0; i < 500; i++) {
            char key[32];
            snprintf(key, sizeof key, "w/%d", i);
            struct aslog_row x = row_for(key, 5000 + i);
            x.status = ASLOG_AIRED;
            if (aslog_record(w, &x) != 0)
                _exit(2);
        }
        if (write(to_parent[1], "w", 1) != 1 || read(to_child[0], &c, 1) != 1)
            _exit(3);
        if (aslog_tx_commit(w) != 0)
            _exit(4);
        aslog_close(w);
        _exit(0);
    }
    char c;
    ck_assert_int_eq(read(to_parent[0], &c, 1), 1);
    /* the writer holds its transaction open now */
    char err[256];
    ck_assert_int_eq(aslog_open_readonly(path, &log, err, sizeof err), 0);
    struct collect col = {0};
    struct aslog_filter all = {.from_ms = -1, .to_ms = -1};
    ck_assert_int_eq(aslog_query(log, &all, collect_cb, &col), 0);
    ck_assert_int_eq(col.n, 1);
    ck_assert_int_eq(write(to_child[1], "c", 1), 1);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    memset(&col, 0, sizeof col);
    ck_assert_int_eq(aslog_query(log, &all, collect_cb, &col), 0);
    ck_assert_int_eq(col.n, 501);
    aslog_close(log);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("aslog");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_open_schema_wal);
    tcase_add_test(tc, test_aired_once);
    tcase_add_test(tc, test_attempts_and_recover);
    tcase_add_test(tc, test_progress_then_recover);
    tcase_add_test(tc, test_record_closes);
    tcase_add_test(tc, test_query);
    tcase_add_test(tc, test_simulated_rows);
    tcase_add_test(tc, test_readonly);
    tcase_add_test(tc, test_migrations);
    tcase_add_test(tc, test_approvals);
    tcase_add_test(tc, test_read_while_writing);
    suite_add_tcase(s, tc);
    return s;
}
