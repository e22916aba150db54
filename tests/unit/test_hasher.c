/* Recording hashes off the loop: the hasher thread (queued, then known;
 * a changed file hashed again; FIFOs refused without blocking) and
 * airlog's rows written before their hash is known, completed later. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aslog/aslog.h"
#include "core/hash.h"
#include "daemon/hasher.h"
#include "airlog/airlog.h"
#include "unit.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_ABCD "88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589"

static char dir[64];
static char file[128], fifo[128];

static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "hasher");
    snprintf(file, sizeof file, "%s/a.wav", dir);
    snprintf(fifo, sizeof fifo, "%s/pipe.wav", dir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("abc", f);
    fclose(f);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
}

static void teardown(void)
{
    unit_rmtree(dir);
}

static int wait_known(struct hasher *h, const char *path, char hex[65])
{
    int rc = -EAGAIN;
    for (int i = 0; i < 500 && rc == -EAGAIN; i++) {
        rc = hasher_lookup(h, path, hex);
        if (rc == -EAGAIN)
            usleep(10000);
    }
    return rc;
}

START_TEST(test_fifo_refused)
{
    /* a blocking open of a FIFO with no writer never returns */
    char hex[65];
    ck_assert_int_eq(hash_file_sha256(fifo, hex), -EINVAL);
    struct hasher *h = hasher_new();
    ck_assert_int_eq(hasher_lookup(h, fifo, hex), -EINVAL);
    ck_assert_int_eq(hasher_lookup(h, dir, hex), -EINVAL);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.wav", dir);
    ck_assert_int_eq(hasher_lookup(h, missing, hex), -ENOENT);
    hasher_free(h);
}
END_TEST

START_TEST(test_queued_then_known)
{
    char hex[65] = "x";
    struct hasher *h = hasher_new();
    ck_assert_int_eq(hasher_lookup(h, file, hex), -EAGAIN);
    ck_assert_str_eq(hex, "");
    ck_assert_int_eq(wait_known(h, file, hex), 0);
    ck_assert_str_eq(hex, SHA_ABC);
    /* replaced: other size and mtime, hashed again */
    FILE *f = fopen(file, "w");
    fputs("abcd", f);
    fclose(f);
    struct timespec ts[2] = {{.tv_sec = 1000000}, {.tv_sec = 1000000}};
    ck_assert_int_eq(utimensat(AT_FDCWD, file, ts, 0), 0);
    ck_assert_int_eq(wait_known(h, file, hex), 0);
    ck_assert_str_eq(hex, SHA_ABCD);
    hasher_free(h);
}
END_TEST

START_TEST(test_free_while_hashing)
{
    /* a big (sparse) file: hasher_free abandons the hash between reads */
    char big[160];
    snprintf(big, sizeof big, "%s/big.wav", dir);
    int fd = open(big, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)4 << 30), 0);
    close(fd);
    char hex[65];
    struct hasher *h = hasher_new();
    ck_assert_int_eq(hasher_lookup(h, big, hex), -EAGAIN);
    usleep(50000);
    hasher_free(h);
}
END_TEST

/* airlog with a hash source that knows nothing until told */
static int known_now;
static int fake_hash(void *ud, const char *abs, char hex[65])
{
    (void)ud;
    (void)abs;
    if (!known_now) {
        hex[0] = '\0';
        return -EAGAIN;
    }
    strcpy(hex, SHA_ABC);
    return 0;
}

static int rec_cb(const struct aslog_row *row, void *ud)
{
    snprintf(ud, 512, "%s", row->recordings);
    return 0;
}

START_TEST(test_row_completed_later)
{
    char db[160], err[256] = "";
    snprintf(db, sizeof db, "%s/log.db", dir);
    struct aslog *log = NULL;
    ck_assert_int_eq(aslog_open(db, &log, err, sizeof err), 0);
    struct airlog *al = airlog_new(log, dir);
    airlog_set_hasher(al, fake_hash, NULL);
    const char *audio[] = {"a.wav"};
    struct plan_item it = {.uid = "u", .file = "p.ics", .summary = "S", .unit = "",
                           .audio = audio, .n_audio = 1};
    struct sched_entry e = {.key = "u/20260101T000000Z", .item = &it,
                            .start_ms = 1767225600000, .end_ms = 1767225660000,
                            .source = SCHED_SOURCE_PLAN};
    known_now = 0;
    int64_t id = -1;
    ck_assert_int_eq(airlog_begin(al, &e, "null", "", &id), 0);
    char recs[512] = "";
    struct aslog_filter f = {.from_ms = -1, .to_ms = -1};
    aslog_query(log, &f, rec_cb, recs);
    ck_assert_str_eq(recs, "[{\"path\":\"a.wav\",\"sha256\":\"\"}]");
    ck_assert_uint_eq(airlog_fill_hashes(al), 1); /* still unknown: waits */
    known_now = 1;
    ck_assert_uint_eq(airlog_fill_hashes(al), 0);
    aslog_query(log, &f, rec_cb, recs);
    ck_assert_str_eq(recs, "[{\"path\":\"a.wav\",\"sha256\":\"" SHA_ABC "\"}]");
    ck_assert_int_eq(aslog_set_recordings(log, id + 100, "[]"), -ENOENT);
    airlog_free(al);
    aslog_close(log);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("hasher");
    TCase *tc = tcase_create("hasher");
    tcase_set_timeout(tc, 20);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_fifo_refused);
    tcase_add_test(tc, test_queued_then_known);
    tcase_add_test(tc, test_free_while_hashing);
    tcase_add_test(tc, test_row_completed_later);
    suite_add_tcase(s, tc);
    return s;
}
