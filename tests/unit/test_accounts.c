/* The console's accounts: users and argon2id hashes in web.db, wrong
 * passwords, roles, the in-memory sessions with idle and absolute expiry
 * (times handed in: no sleeping), and the login limiter. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "web/accounts.h"
#include "unit.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "accounts");
    snprintf(path, sizeof path, "%s/web.db", dir);
}

static void teardown(void)
{
    unit_rmtree(dir);
}

static struct acct_db *open_db(bool create)
{
    struct acct_db *db = NULL;
    char err[256] = "";
    int rc = acct_db_open(path, create, &db, err, sizeof err);
    ck_assert_msg(rc == 0, "open: %d %s", rc, err);
    return db;
}

START_TEST(test_roles_and_names)
{
    enum acct_role r;
    for (int i = ACCT_VIEWER; i <= ACCT_ADMIN; i++) {
        ck_assert_int_eq(acct_role_parse(acct_role_name(i), &r), 0);
        ck_assert_int_eq(r, i);
    }
    ck_assert_int_eq(acct_role_parse("root", &r), -EINVAL);
    ck_assert_int_eq(acct_role_parse(NULL, &r), -EINVAL);
    ck_assert(ACCT_VIEWER < ACCT_OFFICER && ACCT_OFFICER < ACCT_APPROVER &&
              ACCT_APPROVER < ACCT_ADMIN);
    ck_assert(acct_name_valid("can-bo.vhxh_1"));
    ck_assert(!acct_name_valid(""));
    ck_assert(!acct_name_valid("a b"));
    ck_assert(!acct_name_valid("nguyễn"));
    ck_assert(!acct_name_valid("x'; DROP TABLE users;--"));
    char longname[80];
    memset(longname, 'a', 65);
    longname[65] = '\0';
    ck_assert(!acct_name_valid(longname));
    longname[64] = '\0';
    ck_assert(acct_name_valid(longname));
}
END_TEST

START_TEST(test_missing_db)
{
    struct acct_db *db = NULL;
    char err[256];
    ck_assert_int_eq(acct_db_open(path, false, &db, err, sizeof err), -ENOENT);
    ck_assert_ptr_null(db);
}
END_TEST

static int count_cb(const char *name, enum acct_role role, int64_t created, void *ud)
{
    int *n = ud;
    if (*n == 0) {
        ck_assert_str_eq(name, "alice");
        ck_assert_int_eq(role, ACCT_OFFICER);
        ck_assert_int_eq(created, 1000);
    } else {
        ck_assert_str_eq(name, "bob");
        ck_assert_int_eq(role, ACCT_ADMIN);
    }
    (*n)++;
    return 0;
}

START_TEST(test_users_and_hashes)
{
    struct acct_db *db = open_db(true);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 077, 0); /* nobody else reads the hashes */
    ck_assert_int_eq(acct_user_add(db, "alice", ACCT_OFFICER, "mật khẩu dài", 1000), 0);
    ck_assert_int_eq(acct_user_add(db, "alice", ACCT_VIEWER, "another-one", 2000), -EEXIST);
    ck_assert_int_eq(acct_user_add(db, "bob", ACCT_ADMIN, "short", 2000), -EINVAL);
    ck_assert_int_eq(acct_user_add(db, "b b", ACCT_ADMIN, "long enough", 2000), -EINVAL);
    ck_assert_int_eq(acct_user_add(db, "bob", ACCT_ADMIN, "bob-password", 2000), 0);
    int n = 0;
    ck_assert_int_eq(acct_user_list(db, count_cb, &n), 0);
    ck_assert_int_eq(n, 2);
    acct_db_close(db);

    /* reopened: the hash verifies, a wrong password does not, the role comes back */
    db = open_db(false);
    enum acct_role role = ACCT_ADMIN;
    ck_assert_int_eq(acct_verify(db, "alice", "mật khẩu dài", &role), 0);
    ck_assert_int_eq(role, ACCT_OFFICER);
    ck_assert_int_eq(acct_verify(db, "alice", "mật khẩu dàI", &role), -EACCES);
    ck_assert_int_eq(acct_verify(db, "alice", "", &role), -EACCES);
    ck_assert_int_eq(acct_verify(db, "alice", NULL, &role), -EACCES);
    ck_assert_int_eq(acct_verify(db, "nobody", "mật khẩu dài", &role), -EACCES);
    ck_assert_int_eq(acct_verify(db, "bob", "mật khẩu dài", &role), -EACCES);
    ck_assert_int_eq(acct_verify(db, "bob", "bob-password", &role), 0);
    ck_assert_int_eq(role, ACCT_ADMIN);
    /* a new password: the old one stops working */
    ck_assert_int_eq(acct_user_passwd(db, "alice", "new-password"), 0);
    ck_assert_int_eq(acct_verify(db, "alice", "mật khẩu dài", &role), -EACCES);
    ck_assert_int_eq(acct_verify(db, "alice", "new-password", &role), 0);
    ck_assert_int_eq(acct_user_passwd(db, "nobody", "new-password"), -ENOENT);
    char st1[ACCT_STAMP_LEN + 1], st2[ACCT_STAMP_LEN + 1];
    ck_assert_int_eq(acct_user_stamp(db, "alice", st1, &role), 0);
    ck_assert_int_eq(strlen(st1), ACCT_STAMP_LEN);
    ck_assert_int_eq(role, ACCT_OFFICER);
    ck_assert_int_eq(acct_user_passwd(db, "alice", "newer-password"), 0);
    ck_assert_int_eq(acct_user_stamp(db, "alice", st2, &role), 0);
    ck_assert_str_ne(st1, st2); /* a session from before the change no longer matches */
    ck_assert_int_eq(acct_user_remove(db, "alice"), 0);
    ck_assert_int_eq(acct_user_stamp(db, "alice", st2, &role), -ENOENT);
    ck_assert_int_eq(acct_user_remove(db, "alice"), -ENOENT);
    ck_assert_int_eq(acct_verify(db, "alice", "newer-password", &role), -EACCES);
    acct_db_close(db);

    /* what is stored is an argon2id string, not the password */
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ck_assert(memmem(buf, len, "bob-password", 12) == NULL);
    ck_assert(memmem(buf, len, "$argon2id$", 10) != NULL);
}
END_TEST

START_TEST(test_session_expiry)
{
    /* idle 10 min, absolute 60 min; times are handed in */
    struct acct_sessions *s = acct_sessions_new(4, 600000, 3600000);
    char id[ACCT_TOKEN_LEN + 1], id2[ACCT_TOKEN_LEN + 1];
    struct acct_session_info si, got;
    int64_t t0 = 1800000000000;
    acct_session_create(s, "alice", ACCT_APPROVER, "stamp", "vi", t0, id, &si);
    ck_assert_int_eq(strlen(id), ACCT_TOKEN_LEN);
    ck_assert_int_eq(strlen(si.csrf), ACCT_TOKEN_LEN);
    ck_assert_str_ne(id, si.csrf);
    ck_assert_int_eq(si.expires_ms, t0 + 600000);
    ck_assert_int_eq(acct_session_get(s, id, t0 + 599999, &got), 0);
    ck_assert_str_eq(got.user, "alice");
    ck_assert_int_eq(got.role, ACCT_APPROVER);
    ck_assert_str_eq(got.csrf, si.csrf);
    /* each use restarts the idle time, up to the absolute end */
    int64_t t = t0;
    for (int i = 0; i < 6; i++) {
        t += 590000;
        ck_assert_msg(acct_session_get(s, id, t, &got) == 0, "use %d", i);
    }
    ck_assert_int_eq(got.expires_ms, t0 + 3600000);
    ck_assert_int_eq(acct_session_get(s, id, t0 + 3600000, &got), -ENOENT);
    ck_assert_int_eq(acct_session_get(s, id, t0 + 1000, &got), -ENOENT); /* dropped */
    /* idle expiry */
    acct_session_create(s, "bob", ACCT_VIEWER, "stamp", "en", t0, id2, NULL);
    ck_assert_str_ne(id, id2);
    ck_assert_int_eq(acct_session_get(s, id2, t0 + 600000, &got), -ENOENT);
    /* unknown, truncated and empty ids */
    acct_session_create(s, "bob", ACCT_VIEWER, "stamp", "en", t0, id2, NULL);
    ck_assert_int_eq(acct_session_get(s, "nope", t0, &got), -ENOENT);
    char cut[ACCT_TOKEN_LEN + 1];
    memcpy(cut, id2, ACCT_TOKEN_LEN);
    cut[ACCT_TOKEN_LEN - 1] = cut[ACCT_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
    cut[ACCT_TOKEN_LEN] = '\0';
    ck_assert_int_eq(acct_session_get(s, cut, t0, &got), -ENOENT);
    ck_assert_int_eq(acct_session_get(s, "", t0, &got), -ENOENT);
    ck_assert_int_eq(acct_session_get(s, NULL, t0, &got), -ENOENT);
    ck_assert_int_eq(acct_session_get(s, id2, t0, &got), 0);
    ck_assert_str_eq(got.lang, "en");
    ck_assert_int_eq(acct_session_set_lang(s, id2, "vi"), 0);
    ck_assert_int_eq(acct_session_get(s, id2, t0, &got), 0);
    ck_assert_str_eq(got.lang, "vi");
    acct_session_destroy(s, id2);
    ck_assert_int_eq(acct_session_get(s, id2, t0, &got), -ENOENT);
    acct_sessions_free(s);
}
END_TEST

START_TEST(test_session_table_bounded)
{
    struct acct_sessions *s = acct_sessions_new(3, 600000, 3600000);
    char ids[5][ACCT_TOKEN_LEN + 1];
    for (int i = 0; i < 5; i++)
        acct_session_create(s, i % 2 ? "bob" : "alice", ACCT_VIEWER, "stamp", "vi", 1000 + i, ids[i],
                            NULL);
    ck_assert_int_eq(acct_session_count(s), 3);
    /* the least recently used went first */
    ck_assert_int_eq(acct_session_get(s, ids[0], 2000, NULL), -ENOENT);
    ck_assert_int_eq(acct_session_get(s, ids[1], 2000, NULL), -ENOENT);
    for (int i = 2; i < 5; i++)
        ck_assert_int_eq(acct_session_get(s, ids[i], 2000, NULL), 0);
    acct_session_destroy_user(s, "alice");
    ck_assert_int_eq(acct_session_get(s, ids[2], 2000, NULL), -ENOENT);
    ck_assert_int_eq(acct_session_get(s, ids[3], 2000, NULL), 0);
    ck_assert_int_eq(acct_session_get(s, ids[4], 2000, NULL), -ENOENT);
    ck_assert(acct_token_equal("abc", "abc"));
    ck_assert(!acct_token_equal("abc", "abd"));
    ck_assert(!acct_token_equal("abc", "abcd"));
    ck_assert(!acct_token_equal("", ""));
    acct_sessions_free(s);
}
END_TEST

START_TEST(test_limiter)
{
    struct acct_limiter *l = acct_limiter_new(2, 3, 60000);
    int64_t t = 5000;
    ck_assert_int_eq(acct_limiter_check(l, "addr:1.2.3.4", t), 0);
    acct_limiter_fail(l, "addr:1.2.3.4", t);
    acct_limiter_fail(l, "addr:1.2.3.4", t + 10);
    ck_assert_int_eq(acct_limiter_check(l, "addr:1.2.3.4", t + 20), 0);
    acct_limiter_fail(l, "addr:1.2.3.4", t + 20);
    ck_assert_int_eq(acct_limiter_check(l, "addr:1.2.3.4", t + 20), 60000);
    ck_assert_int_eq(acct_limiter_check(l, "addr:1.2.3.4", t + 30020), 30000);
    ck_assert_int_eq(acct_limiter_check(l, "addr:5.6.7.8", t + 20), 0);
    ck_assert_int_eq(acct_limiter_check(l, "addr:1.2.3.4", t + 60020), 0);
    /* failures spread wider than the window never lock */
    for (int i = 0; i < 10; i++)
        acct_limiter_fail(l, "user:carol", t + (int64_t)i * 61000);
    ck_assert_int_eq(acct_limiter_check(l, "user:carol", t + 9 * 61000), 0);
    /* reset after a good login */
    acct_limiter_fail(l, "user:dan", t);
    acct_limiter_fail(l, "user:dan", t);
    acct_limiter_reset(l, "user:dan");
    acct_limiter_fail(l, "user:dan", t);
    ck_assert_int_eq(acct_limiter_check(l, "user:dan", t), 0);
    /* take: charged before the check of the password, refunded when right */
    struct acct_limiter *m = acct_limiter_new(8, 3, 60000);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(acct_limiter_take(m, "addr:9.9.9.9", t), 0);
    ck_assert_int_eq(acct_limiter_take(m, "addr:9.9.9.9", t), 60000); /* the 4th side by side */
    acct_limiter_refund(m, "addr:9.9.9.9");
    ck_assert_int_eq(acct_limiter_check(m, "addr:9.9.9.9", t), 0);
    for (int i = 0; i < 10; i++) { /* right passwords never lock */
        ck_assert_int_eq(acct_limiter_take(m, "addr:8.8.8.8", t + i), 0);
        acct_limiter_refund(m, "addr:8.8.8.8");
    }
    ck_assert_int_eq(acct_limiter_check(m, "addr:8.8.8.8", t + 10), 0);
    acct_limiter_free(m);
    acct_limiter_free(l);
}
END_TEST

/* The audit trail: rows in order, paged and bounded by time, and a
 * trigger refusing UPDATE and DELETE even to a writer of the file. */
struct audit_seen {
    int n;
    int64_t at[8];
    char action[8][32];
};

static int audit_cb(const struct acct_audit_row *r, void *ud)
{
    struct audit_seen *s = ud;
    if (s->n < 8) {
        s->at[s->n] = r->at_ms;
        snprintf(s->action[s->n], sizeof s->action[0], "%s", r->action);
    }
    s->n++;
    return 0;
}

START_TEST(test_audit_trail)
{
    struct acct_db *db = open_db(true);
    ck_assert_int_eq(acct_audit_add(db, 1000, "alice", "127.0.0.1", "login", ""), 0);
    ck_assert_int_eq(acct_audit_add(db, 2000, "carol", "10.0.0.2", "install", "version 2"), 0);
    ck_assert_int_eq(acct_audit_add(db, 3000, "uid:0(root)", "local", "user-add", "x viewer"), 0);
    struct audit_seen s = {0};
    ck_assert_int_eq(acct_audit_list(db, INT64_MIN, INT64_MAX, 0, -1, false, audit_cb, &s), 0);
    ck_assert_int_eq(s.n, 3);
    ck_assert_str_eq(s.action[0], "login");
    ck_assert_str_eq(s.action[2], "user-add");
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(acct_audit_list(db, INT64_MIN, INT64_MAX, 1, 1, true, audit_cb, &s), 0);
    ck_assert_int_eq(s.n, 1);
    ck_assert_str_eq(s.action[0], "install"); /* newest first, the second */
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(acct_audit_list(db, 2000, 3000, 0, -1, false, audit_cb, &s), 0);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(s.at[0], 2000);
    acct_db_close(db);
    /* the table's own guard: straight SQL on the file cannot change it */
    sqlite3 *raw;
    ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(raw, "UPDATE audit SET user = 'x'", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(raw, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    db = open_db(false); /* reopening keeps the rows and the triggers */
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(acct_audit_list(db, INT64_MIN, INT64_MAX, 0, -1, false, audit_cb, &s), 0);
    ck_assert_int_eq(s.n, 3);
    acct_db_close(db);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("accounts");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_roles_and_names);
    tcase_add_test(tc, test_missing_db);
    tcase_add_test(tc, test_users_and_hashes);
    tcase_add_test(tc, test_session_expiry);
    tcase_add_test(tc, test_session_table_bounded);
    tcase_add_test(tc, test_limiter);
    tcase_add_test(tc, test_audit_trail);
    suite_add_tcase(s, tc);
    return s;
}
