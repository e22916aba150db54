/* The daemon's journal of rows the log refused: preallocated at open, read
 * back after a reopen in write order, freed records gone, torn records
 * skipped without losing their neighbours, bounded capacity, long strings
 * cut safely. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aslog/aslog.h"
#include "daemon/journal.h"
#include "unit.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "journal");
    snprintf(path, sizeof path, "%s/log.db.journal", dir);
}

static void teardown(void)
{
    unit_rmtree(dir);
}

static struct journal *open_j(void)
{
    struct journal *j = NULL;
    char err[256] = "";
    int rc = journal_open(path, &j, err, sizeof err);
    ck_assert_msg(rc == 0, "open: %d %s", rc, err);
    return j;
}

static struct aslog_row row_for(const char *key, enum aslog_status st)
{
    struct aslog_row r = {
        .occ_key = key, .uid = "u1", .plan_file = "plan.ics", .title = "Bản tin sáng",
        .categories = "Thời sự\nNông nghiệp", .unit = "UBND", .priority = 5,
        .recordings = "[{\"path\":\"a.wav\",\"sha256\":\"00\"}]",
        .planned_start_ms = 1700000000000, .planned_end_ms = 1700000060000,
        .actual_start_ms = 1700000000012, .actual_end_ms = -1, .played_ms = 1234,
        .underruns = 2, .device = "null", .status = st, .reason = "shutdown",
        .source = ASLOG_SOURCE_ADHOC, .operator_name = "uid:1000(an)",
    };
    return r;
}

/* What a replay saw, copied out. */
struct seen {
    int n;
    int ticket[JOURNAL_SLOTS];
    struct journal_meta m[JOURNAL_SLOTS];
    char key[JOURNAL_SLOTS][64];
    struct aslog_row first;
    char title[1024], recs[8192], reason[1024];
};

static void collect(void *ud, int ticket, const struct journal_meta *m,
                    const struct aslog_row *row)
{
    struct seen *s = ud;
    if (s->n == 0) {
        s->first = *row;
        snprintf(s->title, sizeof s->title, "%s", row->title);
        snprintf(s->recs, sizeof s->recs, "%s", row->recordings);
        snprintf(s->reason, sizeof s->reason, "%s", row->reason);
        ck_assert_str_eq(row->uid, "u1");
        ck_assert_str_eq(row->categories, "Thời sự\nNông nghiệp");
        ck_assert_str_eq(row->operator_name, "uid:1000(an)");
        ck_assert_str_eq(row->device, "null");
    }
    s->ticket[s->n] = ticket;
    s->m[s->n] = *m;
    snprintf(s->key[s->n], sizeof s->key[0], "%s", row->occ_key);
    s->n++;
}

START_TEST(test_prealloc_and_roundtrip)
{
    struct journal *j = open_j();
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, JOURNAL_SIZE);
    blkcnt_t blocks = st.st_blocks;
    ck_assert_int_ge(blocks * 512, JOURNAL_SIZE); /* allocated, not sparse */
    struct aslog_row r = row_for("k1/20260101T000000Z", ASLOG_ON_AIR);
    struct journal_meta m = {.kind = JOURNAL_STARTED, .id = -1, .attempts_before = 0};
    ck_assert_int_gt(journal_add(j, &m, &r), 0);
    r = row_for("k2/20260101T000000Z", ASLOG_MISSED);
    m = (struct journal_meta){.kind = JOURNAL_RECORD, .id = -1, .attempts_before = 1};
    int t2 = journal_add(j, &m, &r);
    ck_assert_int_gt(t2, 0);
    r = row_for("k3/20260101T000000Z", ASLOG_AIRED);
    m = (struct journal_meta){.kind = JOURNAL_FINISH, .id = 42, .attempts_before = -1};
    ck_assert_int_gt(journal_add(j, &m, &r), 0);
    journal_drop(j, t2);
    /* a new record may reuse k2's slots; replay is still in write order */
    r = row_for("k4/20260101T000000Z", ASLOG_AIRED);
    m = (struct journal_meta){.kind = JOURNAL_AIRED, .id = -1, .attempts_before = 3};
    ck_assert_int_gt(journal_add(j, &m, &r), 0);
    journal_close(j);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, JOURNAL_SIZE);
    ck_assert_int_eq(st.st_blocks, blocks); /* writes needed no new block */

    j = open_j();
    struct seen *s = calloc(1, sizeof *s);
    journal_replay(j, collect, s);
    ck_assert_int_eq(s->n, 3);
    ck_assert_str_eq(s->key[0], "k1/20260101T000000Z");
    ck_assert_str_eq(s->key[1], "k3/20260101T000000Z");
    ck_assert_str_eq(s->key[2], "k4/20260101T000000Z");
    ck_assert_int_eq(s->m[0].kind, JOURNAL_STARTED);
    ck_assert_int_eq(s->m[1].kind, JOURNAL_FINISH);
    ck_assert_int_eq(s->m[1].id, 42);
    ck_assert_int_eq(s->m[1].attempts_before, -1);
    ck_assert_int_eq(s->m[2].attempts_before, 3);
    ck_assert_int_eq(s->first.status, ASLOG_ON_AIR);
    ck_assert_int_eq(s->first.source, ASLOG_SOURCE_ADHOC);
    ck_assert_int_eq(s->first.priority, 5);
    ck_assert_int_eq(s->first.underruns, 2);
    ck_assert(s->first.planned_start_ms == 1700000000000);
    ck_assert(s->first.actual_start_ms == 1700000000012);
    ck_assert(s->first.actual_end_ms == -1);
    ck_assert(s->first.played_ms == 1234);
    ck_assert_str_eq(s->title, "Bản tin sáng");
    ck_assert_str_eq(s->reason, "shutdown");
    ck_assert_int_eq(journal_used(j), 3);
    /* dropped after the replay: gone at the next open */
    journal_drop(j, s->ticket[0]);
    journal_close(j);
    j = open_j();
    memset(s, 0, sizeof *s);
    journal_replay(j, collect, s);
    ck_assert_int_eq(s->n, 2);
    ck_assert_str_eq(s->key[0], "k3/20260101T000000Z");
    journal_close(j);
    free(s);
}
END_TEST

START_TEST(test_torn_record_skipped)
{
    struct journal *j = open_j();
    struct aslog_row r = row_for("a/1", ASLOG_AIRED);
    struct journal_meta m = {.kind = JOURNAL_AIRED, .id = -1, .attempts_before = 0};
    int t1 = journal_add(j, &m, &r);
    r.occ_key = "b/1";
    int t2 = journal_add(j, &m, &r);
    r.occ_key = "c/1";
    ck_assert_int_gt(journal_add(j, &m, &r), 0);
    journal_close(j);
    ck_assert_int_gt(t2, t1);
    /* a torn write: one byte of b's payload changed */
    int fd = open(path, O_RDWR);
    ck_assert_int_ge(fd, 0);
    off_t at = (off_t)(t2 - 1) * JOURNAL_SLOT + 60;
    unsigned char c;
    ck_assert_int_eq(pread(fd, &c, 1, at), 1);
    c ^= 0x5a;
    ck_assert_int_eq(pwrite(fd, &c, 1, at), 1);
    close(fd);
    j = open_j();
    struct seen *s = calloc(1, sizeof *s);
    journal_replay(j, collect, s);
    ck_assert_int_eq(s->n, 2);
    ck_assert_str_eq(s->key[0], "a/1");
    ck_assert_str_eq(s->key[1], "c/1");
    journal_close(j);
    free(s);
}
END_TEST

START_TEST(test_full)
{
    struct journal *j = open_j();
    struct aslog_row r = row_for("x/1", ASLOG_MISSED);
    struct journal_meta m = {.kind = JOURNAL_RECORD, .id = -1, .attempts_before = 0};
    int n = 0, rc, last = 0;
    while ((rc = journal_add(j, &m, &r)) > 0 && n < 10000) {
        last = rc;
        n++;
    }
    ck_assert_int_eq(rc, -ENOSPC);
    ck_assert_int_ge(n, 64); /* a typical row takes two slots */
    ck_assert_int_gt(journal_used(j), JOURNAL_SLOTS - 8);
    journal_drop(j, last);
    ck_assert_int_gt(journal_add(j, &m, &r), 0); /* room again */
    journal_close(j);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, JOURNAL_SIZE);
}
END_TEST

START_TEST(test_long_strings_cut)
{
    struct journal *j = open_j();
    /* 600 "ắ" (3 bytes each): cut inside a character would be invalid UTF-8 */
    static char title[1801], recs[6000];
    for (int i = 0; i < 600; i++)
        memcpy(title + 3 * i, "\xe1\xba\xaf", 3);
    memset(recs, 'x', sizeof recs - 1);
    struct aslog_row r = row_for("long/1", ASLOG_AIRED);
    r.title = title;
    r.recordings = recs;
    struct journal_meta m = {.kind = JOURNAL_AIRED, .id = -1, .attempts_before = 0};
    ck_assert_int_gt(journal_add(j, &m, &r), 0);
    journal_close(j);
    j = open_j();
    struct seen *s = calloc(1, sizeof *s);
    journal_replay(j, collect, s);
    ck_assert_int_eq(s->n, 1);
    size_t l = strlen(s->title);
    ck_assert_int_gt(l, 300);
    ck_assert_int_lt(l, 1800);
    ck_assert_int_eq(l % 3, 0);
    ck_assert_int_eq(strncmp(s->title, title, l), 0);
    ck_assert_str_eq(s->recs, "[]");
    journal_close(j);
    free(s);
}
END_TEST

START_TEST(test_not_a_file)
{
    struct journal *j = NULL;
    char err[256] = "";
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_lt(journal_open(path, &j, err, sizeof err), 0);
    ck_assert_ptr_null(j);
    ck_assert(strstr(err, path) != NULL);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("journal");
    TCase *tc = tcase_create("journal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_prealloc_and_roundtrip);
    tcase_add_test(tc, test_torn_record_skipped);
    tcase_add_test(tc, test_full);
    tcase_add_test(tc, test_long_strings_cut);
    tcase_add_test(tc, test_not_a_file);
    suite_add_tcase(s, tc);
    return s;
}
