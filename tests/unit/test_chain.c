/* The as-run log's hash chain: rows linked as they become final, the
 * documented serialisation, the migration over rows already there, and
 * verify catching an edited field, a deleted row, a swapped order and a
 * row written around loaxa. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "aslog/aslog.h"
#include "core/hash.h"
#include "core/util.h"
#include "unit.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "chain");
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
        .status = ASLOG_MISSED, .reason = "late", .source = ASLOG_SOURCE_PLAN,
        .operator_name = "",
    };
    return r;
}

static void sql(const char *s)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *e = NULL;
    int rc = sqlite3_exec(db, s, NULL, NULL, &e);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", s, e);
    sqlite3_close(db);
}

struct seen {
    int n;
    char keys[16][32];
    int64_t seq[16];
    char hash[16][65];
};

static int seen_cb(const struct aslog_row *r, void *ud)
{
    struct seen *s = ud;
    if (s->n < 16) {
        snprintf(s->keys[s->n], 32, "%s", r->occ_key);
        s->seq[s->n] = r->seq;
        snprintf(s->hash[s->n], 65, "%s", r->hash);
        /* every chained row's link is the documented function of its content */
        if (r->seq > 0 && s->n > 0 && s->seq[s->n - 1] == r->seq - 1) {
            char h[65];
            aslog_chain_hash(r, r->seq, s->hash[s->n - 1], h);
            ck_assert_str_eq(h, r->hash);
        }
    }
    s->n++;
    return 0;
}

static void chain_rows(struct aslog *log, struct seen *s)
{
    memset(s, 0, sizeof *s);
    struct aslog_filter f = {.from_ms = -1, .to_ms = -1, .chain_order = true};
    ck_assert_int_eq(aslog_query(log, &f, seen_cb, s), 0);
}

static struct aslog_chain_check verify(void)
{
    struct aslog *log = NULL;
    char err[256];
    ck_assert_int_eq(aslog_open_readonly(path, &log, err, sizeof err), 0);
    struct aslog_chain_check c;
    ck_assert_int_eq(aslog_chain_verify(log, &c), 0);
    aslog_close(log);
    return c;
}

START_TEST(test_serialisation)
{
    /* the bytes doc/export.md gives, hashed by hand */
    struct aslog_row r = row_for("u1/20261206T000000Z", 1000);
    r.actual_start_ms = 1500;
    r.attempt = 1;
    const char *bytes =
        "loaxa-chain-1\n64:" ASLOG_CHAIN_GENESIS ",1:1,19:u1/20261206T000000Z,1:1,2:u1,"
        "8:plan.ics,15:Bản tin sáng,26:Thời sự\nNông nghiệp,4:UBND,1:5,"
        "32:[{\"path\":\"a.wav\",\"sha256\":\"00\"}],4:1000,5:61000,4:1500,0:,1:0,1:0,"
        "4:null,6:missed,4:late,4:plan,0:,";
    char want[65], got[65];
    hash_mem_sha256(bytes, strlen(bytes), want);
    aslog_chain_hash(&r, 1, NULL, got);
    ck_assert_str_eq(got, want);
    aslog_chain_hash(&r, 1, "", got);
    ck_assert_str_eq(got, want);
    /* every field counts: the next link, the place, a byte of the title */
    aslog_chain_hash(&r, 2, NULL, got);
    ck_assert_str_ne(got, want);
    aslog_chain_hash(&r, 1, want, got);
    ck_assert_str_ne(got, want);
    r.title = "Bản tin sáng ";
    aslog_chain_hash(&r, 1, NULL, got);
    ck_assert_str_ne(got, want);
}
END_TEST

START_TEST(test_chain_on_write)
{
    struct aslog *log = open_log();
    int64_t head_n;
    char head[65];
    ck_assert_int_eq(aslog_chain_head(log, &head_n, head), 0);
    ck_assert_int_eq(head_n, 0);
    ck_assert_str_eq(head, "");
    /* A and B go on air; B ends first, so B is 1 and A 2; C is recorded */
    struct aslog_row a = row_for("a/1", 1000), b = row_for("b/1", 2000),
                     c = row_for("c/1", 3000), d = row_for("d/1", 4000);
    int64_t ida, idb, idd;
    ck_assert_int_eq(aslog_begin(log, &a, &ida), 0);
    ck_assert_int_eq(aslog_begin(log, &b, &idb), 0);
    struct seen s;
    chain_rows(log, &s);
    ck_assert_int_eq(s.n, 0); /* on air: not in the chain */
    ck_assert_int_eq(aslog_finish(log, idb, ASLOG_AIRED, "", 2000, 62000, 60000, 0), 0);
    ck_assert_int_eq(aslog_finish(log, ida, ASLOG_INTERRUPTED, "operator", 1000, 5000, 4000,
                                  0), 0);
    ck_assert_int_eq(aslog_record(log, &c), 0);
    /* D is cut by a crash: recovery makes it final and links it */
    ck_assert_int_eq(aslog_begin(log, &d, &idd), 0);
    int n;
    ck_assert_int_eq(aslog_recover(log, &n), 0);
    ck_assert_int_eq(n, 1);
    chain_rows(log, &s);
    ck_assert_int_eq(s.n, 4);
    ck_assert_str_eq(s.keys[0], "b/1");
    ck_assert_str_eq(s.keys[1], "a/1");
    ck_assert_str_eq(s.keys[2], "c/1");
    ck_assert_str_eq(s.keys[3], "d/1");
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(s.seq[i], i + 1);
        ck_assert_int_eq(strlen(s.hash[i]), 64);
    }
    ck_assert_int_eq(aslog_chain_head(log, &head_n, head), 0);
    ck_assert_int_eq(head_n, 4);
    ck_assert_str_eq(head, s.hash[3]);
    /* a recording's hash known only after the row ended: linked again */
    ck_assert_int_eq(aslog_set_recordings(log, ida, "[{\"path\":\"a.wav\",\"sha256\":\"ff\"}]"),
                     0);
    chain_rows(log, &s);
    ck_assert_int_eq(s.n, 4);
    ck_assert_str_ne(s.hash[3], head);
    /* one transaction of many writes (simulate) links them all too */
    ck_assert_int_eq(aslog_tx_begin(log), 0);
    char keys[10][16];
    for (int i = 0; i < 10; i++) {
        snprintf(keys[i], sizeof keys[i], "t/%d", i);
        struct aslog_row t = row_for(keys[i], 10000 + i);
        ck_assert_int_eq(aslog_record(log, &t), 0);
    }
    ck_assert_int_eq(aslog_tx_commit(log), 0);
    aslog_close(log);
    struct aslog_chain_check v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_OK);
    ck_assert_int_eq(v.rows, 14);
    ck_assert_int_eq(strlen(v.head), 64);
}
END_TEST

static void write_rows(int n)
{
    struct aslog *log = open_log();
    char key[32];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "k/%d", i);
        struct aslog_row r = row_for(key, 1000 * (i + 1));
        ck_assert_int_eq(aslog_record(log, &r), 0);
    }
    aslog_close(log);
}

START_TEST(test_migration)
{
    /* A log of schema 3 (before the chain): rows and one on air */
    write_rows(3);
    sql("DROP INDEX airing_seq; DROP INDEX airing_unchained;"
        " ALTER TABLE airing DROP COLUMN seq; ALTER TABLE airing DROP COLUMN hash;"
        " PRAGMA user_version = 3;"
        " INSERT INTO airing (occ_key, attempt, uid, planned_start_ms, planned_end_ms,"
        " status, source) VALUES ('old/on', 1, 'old', 10, 20, 'on_air', 'plan');"
        " INSERT INTO airing (occ_key, attempt, uid, planned_start_ms, planned_end_ms,"
        " status, source) VALUES ('old/late', 1, 'old', 5, 6, 'aired', 'plan')");
    struct aslog *log = open_log();
    ck_assert_int_eq(aslog_schema_version(log), aslog_schema_latest());
    struct seen s;
    chain_rows(log, &s);
    /* the final rows in id order; the row on air waits */
    ck_assert_int_eq(s.n, 4);
    ck_assert_str_eq(s.keys[0], "k/0");
    ck_assert_str_eq(s.keys[2], "k/2");
    ck_assert_str_eq(s.keys[3], "old/late");
    ck_assert_int_eq(s.seq[3], 4);
    /* it joins when it becomes final (here: recovery) */
    int n;
    ck_assert_int_eq(aslog_recover(log, &n), 0);
    ck_assert_int_eq(n, 1);
    chain_rows(log, &s);
    ck_assert_int_eq(s.n, 5);
    ck_assert_str_eq(s.keys[4], "old/on");
    aslog_close(log);
    struct aslog_chain_check v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_OK);
    ck_assert_int_eq(v.rows, 5);
}
END_TEST

START_TEST(test_verify_edit)
{
    write_rows(5);
    ck_assert_int_eq(verify().fault, ASLOG_CHAIN_OK);
    sql("UPDATE airing SET title = 'Bản tin chiều' WHERE occ_key = 'k/2'");
    struct aslog_chain_check v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_MISMATCH);
    ck_assert_str_eq(v.occ_key, "k/2");
    ck_assert_int_eq(v.seq, 3);
    ck_assert_int_eq(v.rows, 2);
    /* a number field too, and a changed hash is no way out */
    sql("UPDATE airing SET title = 'Bản tin sáng' WHERE occ_key = 'k/2'");
    ck_assert_int_eq(verify().fault, ASLOG_CHAIN_OK);
    sql("UPDATE airing SET played_ms = 1 WHERE occ_key = 'k/4'");
    v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_MISMATCH);
    ck_assert_str_eq(v.occ_key, "k/4");
    sql("UPDATE airing SET played_ms = 0 WHERE occ_key = 'k/4';"
        " UPDATE airing SET hash = '" ASLOG_CHAIN_GENESIS "' WHERE occ_key = 'k/1'");
    v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_MISMATCH);
    ck_assert_str_eq(v.occ_key, "k/1");
}
END_TEST

START_TEST(test_verify_delete)
{
    write_rows(5);
    sql("DELETE FROM airing WHERE occ_key = 'k/1'");
    struct aslog_chain_check v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_GAP);
    ck_assert_str_eq(v.occ_key, "k/2");
    ck_assert_int_eq(v.seq, 3);
    ck_assert_int_eq(v.expected_seq, 2);
    ck_assert_int_eq(v.rows, 1);
    /* renumbering the rest to close the gap breaks the links instead */
    sql("UPDATE airing SET seq = seq - 1 WHERE seq > 2");
    v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_MISMATCH);
    ck_assert_str_eq(v.occ_key, "k/2");
}
END_TEST

START_TEST(test_verify_swap)
{
    write_rows(5);
    sql("UPDATE airing SET seq = -1 WHERE seq = 2;"
        " UPDATE airing SET seq = 2 WHERE seq = 3;"
        " UPDATE airing SET seq = 3 WHERE seq = -1");
    struct aslog_chain_check v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_MISMATCH);
    ck_assert_str_eq(v.occ_key, "k/2");
    ck_assert_int_eq(v.seq, 2);
    ck_assert_int_eq(v.rows, 1);
}
END_TEST

START_TEST(test_verify_unchained)
{
    write_rows(2);
    sql("INSERT INTO airing (occ_key, attempt, uid, planned_start_ms, planned_end_ms,"
        " status, source) VALUES ('forged/1', 1, 'x', 10, 20, 'aired', 'plan')");
    struct aslog_chain_check v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_UNCHAINED);
    ck_assert_str_eq(v.occ_key, "forged/1");
    ck_assert_int_eq(v.rows, 2);
}
END_TEST

START_TEST(test_set_aside_rechains)
{
    struct aslog *log = open_log();
    struct aslog_row r = row_for("s/1", 1000);
    r.device = ASLOG_DEVICE_SIMULATE;
    ck_assert_int_eq(aslog_record(log, &r), 0);
    struct aslog_row q = row_for("k/1", 2000);
    ck_assert_int_eq(aslog_record(log, &q), 0);
    int n;
    ck_assert_int_eq(aslog_set_aside_simulated(log, &n), 0);
    ck_assert_int_eq(n, 1);
    aslog_close(log);
    struct aslog_chain_check v = verify();
    ck_assert_int_eq(v.fault, ASLOG_CHAIN_OK);
    ck_assert_int_eq(v.rows, 2);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("chain");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_serialisation);
    tcase_add_test(tc, test_chain_on_write);
    tcase_add_test(tc, test_migration);
    tcase_add_test(tc, test_verify_edit);
    tcase_add_test(tc, test_verify_delete);
    tcase_add_test(tc, test_verify_swap);
    tcase_add_test(tc, test_verify_unchained);
    tcase_add_test(tc, test_set_aside_rechains);
    suite_add_tcase(s, tc);
    return s;
}
