/* Users in web.db (SQLite, prepared statements only), argon2id through
 * libsodium, sessions and login limits in bounded in-memory tables. */
#include "web/accounts.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "core/util.h"

static const char *const role_names[] = {"viewer", "officer", "approver", "admin"};

const char *acct_role_name(enum acct_role r)
{
    return (unsigned)r < ARRAY_SIZE(role_names) ? role_names[r] : "viewer";
}

int acct_role_parse(const char *s, enum acct_role *r)
{
    for (size_t i = 0; s && i < ARRAY_SIZE(role_names); i++)
        if (strcmp(s, role_names[i]) == 0) {
            *r = (enum acct_role)i;
            return 0;
        }
    return -EINVAL;
}

bool acct_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool password_valid(const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    return n >= ACCT_PASSWORD_MIN && n <= ACCT_PASSWORD_MAX;
}

/* ---- the database ---- */

struct acct_db {
    sqlite3 *db;
    pthread_mutex_t lock;      /* one statement at a time on the connection */
};

/* One KDF at a time in the process (its memory), and the hash that an
 * unknown user's password is checked against so that the time is the same. */
static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[crypto_pwhash_STRBYTES];

#define SCHEMA_VERSION 1
static const char *const schema =
    "CREATE TABLE IF NOT EXISTS users ("
    " name TEXT PRIMARY KEY NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('viewer','officer','approver','admin')),"
    " hash TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL);";

/* The audit trail: append-only, the database itself refuses to change or
 * drop a row (a trigger), so no route and no later bug can rewrite it. */
static const char *const audit_schema =
    "CREATE TABLE IF NOT EXISTS audit ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at_ms INTEGER NOT NULL,"
    " user TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " detail TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;";

int acct_db_open(const char *path, bool create, struct acct_db **out, char *err, size_t errlen)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium: cannot initialise");
        return -EIO;
    }
    if (!create && access(path, F_OK) != 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    if (create) {
        /* the hashes are not for other users' eyes: 0600 from the start */
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
            int e = errno;
            snprintf(err, errlen, "%s: %s", path, strerror(e));
            return -e;
        }
        close(fd);
    }
    struct acct_db *d = xcalloc(1, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
    int rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
                                               SQLITE_OPEN_NOFOLLOW, NULL);
    sqlite3_stmt *st = NULL;
    if (rc != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(d->db, 5000);
    if ((rc = sqlite3_prepare_v2(d->db, schema, -1, &st, NULL)) != SQLITE_OK ||
        (rc = sqlite3_step(st)) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = sqlite3_exec(d->db, audit_schema, NULL, NULL, NULL)) != SQLITE_OK)
        goto fail;
    if ((rc = sqlite3_prepare_v2(d->db, "PRAGMA user_version = 1", -1, &st, NULL)) !=
            SQLITE_OK ||
        (rc = sqlite3_step(st)) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    *out = d;
    return 0;
fail:
    snprintf(err, errlen, "%s: %s", path, d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc));
    sqlite3_finalize(st);
    acct_db_close(d);
    return rc == SQLITE_CANTOPEN ? -ENOENT : -EIO;
}

void acct_db_close(struct acct_db *db)
{
    if (!db)
        return;
    sqlite3_close(db->db);
    pthread_mutex_destroy(&db->lock);
    free(db);
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
    pthread_mutex_lock(&hash_lock);
    int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                   crypto_pwhash_ALG_ARGON2ID13);
    pthread_mutex_unlock(&hash_lock);
    return rc == 0 ? 0 : -ENOMEM;
}

/* Runs one statement with text parameters (NULL: none); 0, or -EEXIST on
 * a constraint, -EIO else. *changes: rows changed. */
static int exec_text(struct acct_db *db, const char *sql, const char *const *params,
                     int nparams, int *changes)
{
    sqlite3_stmt *st = NULL;
    int ret = -EIO;
    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK)
        goto done;
    for (int i = 0; i < nparams; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        ret = 0;
        if (changes)
            *changes = sqlite3_changes(db->db);
    } else if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        ret = -EEXIST;
    }
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return ret;
}

int acct_user_add(struct acct_db *db, const char *name, enum acct_role role,
                  const char *password, int64_t now_ms)
{
    if (!acct_name_valid(name) || !password_valid(password))
        return -EINVAL;
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(password, hash) < 0)
        return -ENOMEM;
    char created[32];
    snprintf(created, sizeof created, "%lld", (long long)now_ms);
    const char *p[] = {name, acct_role_name(role), hash, created};
    int rc = exec_text(db, "INSERT INTO users (name, role, hash, created_ms) "
                           "VALUES (?1, ?2, ?3, CAST(?4 AS INTEGER))", p, 4, NULL);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int acct_user_passwd(struct acct_db *db, const char *name, const char *password)
{
    if (!password_valid(password))
        return -EINVAL;
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(password, hash) < 0)
        return -ENOMEM;
    const char *p[] = {hash, name};
    int n = 0;
    int rc = exec_text(db, "UPDATE users SET hash = ?1 WHERE name = ?2", p, 2, &n);
    sodium_memzero(hash, sizeof hash);
    return rc < 0 ? rc : n == 0 ? -ENOENT : 0;
}

int acct_user_remove(struct acct_db *db, const char *name)
{
    const char *p[] = {name};
    int n = 0;
    int rc = exec_text(db, "DELETE FROM users WHERE name = ?1", p, 1, &n);
    return rc < 0 ? rc : n == 0 ? -ENOENT : 0;
}

int acct_user_list(struct acct_db *db,
                   int (*cb)(const char *, enum acct_role, int64_t, void *), void *ud)
{
    sqlite3_stmt *st = NULL;
    int ret = -EIO, rc;
    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->db, "SELECT name, role, created_ms FROM users ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        enum acct_role role = ACCT_VIEWER;
        acct_role_parse((const char *)sqlite3_column_text(st, 1), &role);
        if ((ret = cb((const char *)sqlite3_column_text(st, 0), role,
                      sqlite3_column_int64(st, 2), ud)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = -EIO;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return ret;
}

int acct_user_stamp(struct acct_db *db, const char *name, char stamp[ACCT_STAMP_LEN + 1],
                    enum acct_role *role)
{
    sqlite3_stmt *st = NULL;
    int ret = -EIO;
    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->db, "SELECT hash, role FROM users WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        ret = -ENOENT;
    } else if (rc == SQLITE_ROW) {
        const unsigned char *h = sqlite3_column_text(st, 0);
        unsigned char d[ACCT_STAMP_LEN / 2];
        crypto_generichash(d, sizeof d, h, (unsigned long long)sqlite3_column_bytes(st, 0),
                           NULL, 0);
        sodium_bin2hex(stamp, ACCT_STAMP_LEN + 1, d, sizeof d);
        ret = acct_role_parse((const char *)sqlite3_column_text(st, 1), role) == 0 ? 0 : -EIO;
    }
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return ret;
}

int acct_verify(struct acct_db *db, const char *name, const char *password,
                enum acct_role *role)
{
    char hash[crypto_pwhash_STRBYTES] = "";
    enum acct_role r = ACCT_VIEWER;
    bool found = false;
    if (acct_name_valid(name)) {
        sqlite3_stmt *st = NULL;
        pthread_mutex_lock(&db->lock);
        if (sqlite3_prepare_v2(db->db, "SELECT hash, role FROM users WHERE name = ?1", -1,
                               &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) == SQLITE_ROW) {
                const char *h = (const char *)sqlite3_column_text(st, 0);
                found = h && strlen(h) < sizeof hash &&
                        acct_role_parse((const char *)sqlite3_column_text(st, 1), &r) == 0;
                if (found)
                    util_strlcpy(hash, h, sizeof hash);
            }
        }
        sqlite3_finalize(st);
        pthread_mutex_unlock(&db->lock);
    }
    size_t pwlen = password ? strlen(password) : 0;
    if (pwlen > ACCT_PASSWORD_MAX)
        pwlen = ACCT_PASSWORD_MAX;
    pthread_mutex_lock(&hash_lock);
    if (!found) {
        if (!dummy_hash[0]) {
            unsigned char junk[32];
            randombytes_buf(junk, sizeof junk);
            if (crypto_pwhash_str_alg(dummy_hash, (const char *)junk, sizeof junk,
                                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                      crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                      crypto_pwhash_ALG_ARGON2ID13) != 0)
                dummy_hash[0] = '\0'; /* verify below fails on "" */
        }
        memcpy(hash, dummy_hash, sizeof hash);
    }
    bool ok = crypto_pwhash_str_verify(hash, password ? password : "", pwlen) == 0;
    pthread_mutex_unlock(&hash_lock);
    sodium_memzero(hash, sizeof hash);
    if (!found || !ok || !password_valid(password))
        return -EACCES;
    *role = r;
    return 0;
}

/* ---- sessions ---- */

struct session {
    bool used;
    char id[ACCT_TOKEN_LEN + 1];
    struct acct_session_info info;
    int64_t created_ms, last_ms;
};

struct acct_sessions {
    pthread_mutex_t lock;
    struct session *v;
    size_t max;
    int64_t idle_ms, absolute_ms;
};

static void random_token(char out[ACCT_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, ACCT_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool acct_token_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b) || n == 0)
        return false;
    return sodium_memcmp(a, b, n) == 0;
}

struct acct_sessions *acct_sessions_new(size_t max, int64_t idle_ms, int64_t absolute_ms)
{
    if (sodium_init() < 0)
        return NULL;
    struct acct_sessions *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->max = max ? max : 1;
    s->v = xcalloc(s->max, sizeof *s->v);
    s->idle_ms = idle_ms;
    s->absolute_ms = absolute_ms;
    return s;
}

void acct_sessions_free(struct acct_sessions *s)
{
    if (!s)
        return;
    sodium_memzero(s->v, s->max * sizeof *s->v);
    free(s->v);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static int64_t expiry(const struct acct_sessions *s, const struct session *x)
{
    int64_t idle = x->last_ms + s->idle_ms, abs = x->created_ms + s->absolute_ms;
    return idle < abs ? idle : abs;
}

void acct_session_create(struct acct_sessions *s, const char *user, enum acct_role role,
                         const char *stamp, const char *lang, int64_t now_ms,
                         char id[ACCT_TOKEN_LEN + 1], struct acct_session_info *info)
{
    pthread_mutex_lock(&s->lock);
    struct session *slot = NULL;
    for (size_t i = 0; i < s->max && !slot; i++)
        if (!s->v[i].used || expiry(s, &s->v[i]) <= now_ms)
            slot = &s->v[i];
    if (!slot) { /* full: the least recently used goes */
        slot = &s->v[0];
        for (size_t i = 1; i < s->max; i++)
            if (s->v[i].last_ms < slot->last_ms)
                slot = &s->v[i];
    }
    memset(slot, 0, sizeof *slot);
    slot->used = true;
    random_token(slot->id);
    util_strlcpy(slot->info.user, user, sizeof slot->info.user);
    slot->info.role = role;
    util_strlcpy(slot->info.stamp, stamp ? stamp : "", sizeof slot->info.stamp);
    random_token(slot->info.csrf);
    util_strlcpy(slot->info.lang, lang && *lang ? lang : "vi", sizeof slot->info.lang);
    slot->created_ms = slot->last_ms = now_ms;
    slot->info.expires_ms = expiry(s, slot);
    memcpy(id, slot->id, ACCT_TOKEN_LEN + 1);
    if (info)
        *info = slot->info;
    pthread_mutex_unlock(&s->lock);
}

/* The live session of a cookie value; called with the lock held. */
static struct session *find(struct acct_sessions *s, const char *id)
{
    if (!id || strlen(id) != ACCT_TOKEN_LEN)
        return NULL;
    struct session *hit = NULL;
    for (size_t i = 0; i < s->max; i++) /* the whole table: no early exit */
        if (s->v[i].used && acct_token_equal(s->v[i].id, id))
            hit = &s->v[i];
    return hit;
}

int acct_session_get(struct acct_sessions *s, const char *id, int64_t now_ms,
                     struct acct_session_info *info)
{
    int rc = -ENOENT;
    pthread_mutex_lock(&s->lock);
    struct session *x = find(s, id);
    if (x && expiry(s, x) <= now_ms) {
        memset(x, 0, sizeof *x);
    } else if (x) {
        x->last_ms = now_ms;
        x->info.expires_ms = expiry(s, x);
        if (info)
            *info = x->info;
        rc = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int acct_session_set_lang(struct acct_sessions *s, const char *id, const char *lang)
{
    int rc = -ENOENT;
    pthread_mutex_lock(&s->lock);
    struct session *x = find(s, id);
    if (x) {
        util_strlcpy(x->info.lang, lang, sizeof x->info.lang);
        rc = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void acct_session_destroy(struct acct_sessions *s, const char *id)
{
    pthread_mutex_lock(&s->lock);
    struct session *x = find(s, id);
    if (x)
        memset(x, 0, sizeof *x);
    pthread_mutex_unlock(&s->lock);
}

void acct_session_destroy_user(struct acct_sessions *s, const char *user)
{
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->max; i++)
        if (s->v[i].used && strcmp(s->v[i].info.user, user) == 0)
            memset(&s->v[i], 0, sizeof s->v[i]);
    pthread_mutex_unlock(&s->lock);
}

size_t acct_session_count(struct acct_sessions *s)
{
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->max; i++)
        n += s->v[i].used;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* ---- login rate limit ---- */

struct limit_key {
    char key[96];
    int failures;
    int64_t first_ms;          /* of the current window */
    int64_t locked_until_ms;
};

struct acct_limiter {
    pthread_mutex_t lock;
    struct limit_key *v;
    size_t max;
    int max_failures;
    int64_t window_ms;
};

struct acct_limiter *acct_limiter_new(size_t max_keys, int max_failures, int64_t window_ms)
{
    struct acct_limiter *l = xcalloc(1, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
    l->max = max_keys ? max_keys : 1;
    l->v = xcalloc(l->max, sizeof *l->v);
    l->max_failures = max_failures > 0 ? max_failures : 1;
    l->window_ms = window_ms;
    return l;
}

void acct_limiter_free(struct acct_limiter *l)
{
    if (!l)
        return;
    free(l->v);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

static struct limit_key *limit_find(struct acct_limiter *l, const char *key)
{
    for (size_t i = 0; i < l->max; i++)
        if (l->v[i].key[0] && strncmp(l->v[i].key, key, sizeof l->v[i].key - 1) == 0)
            return &l->v[i];
    return NULL;
}

int64_t acct_limiter_check(struct acct_limiter *l, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&l->lock);
    struct limit_key *k = limit_find(l, key);
    int64_t wait = k && k->locked_until_ms > now_ms ? k->locked_until_ms - now_ms : 0;
    pthread_mutex_unlock(&l->lock);
    return wait;
}

/* Counts a failure; called with the lock held. */
static void limiter_fail_locked(struct acct_limiter *l, const char *key, int64_t now_ms)
{
    struct limit_key *k = limit_find(l, key);
    if (!k) {
        /* a free slot, else one whose window is over, else the oldest */
        for (size_t i = 0; i < l->max; i++) {
            struct limit_key *c = &l->v[i];
            bool stale = !c->key[0] || (c->first_ms + l->window_ms <= now_ms &&
                                        c->locked_until_ms <= now_ms);
            if (stale) {
                k = c;
                break;
            }
            if (!k || c->first_ms < k->first_ms)
                k = c;
        }
        memset(k, 0, sizeof *k);
        util_strlcpy(k->key, key, sizeof k->key);
        k->first_ms = now_ms;
    }
    if (k->first_ms + l->window_ms <= now_ms && k->locked_until_ms <= now_ms) {
        k->failures = 0;
        k->first_ms = now_ms;
    }
    if (++k->failures >= l->max_failures)
        k->locked_until_ms = now_ms + l->window_ms;
}

void acct_limiter_fail(struct acct_limiter *l, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&l->lock);
    limiter_fail_locked(l, key, now_ms);
    pthread_mutex_unlock(&l->lock);
}

int64_t acct_limiter_take(struct acct_limiter *l, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&l->lock);
    struct limit_key *k = limit_find(l, key);
    int64_t wait = k && k->locked_until_ms > now_ms ? k->locked_until_ms - now_ms : 0;
    if (wait == 0)
        limiter_fail_locked(l, key, now_ms);
    pthread_mutex_unlock(&l->lock);
    return wait;
}

void acct_limiter_refund(struct acct_limiter *l, const char *key)
{
    pthread_mutex_lock(&l->lock);
    struct limit_key *k = limit_find(l, key);
    if (k && k->failures > 0 && --k->failures < l->max_failures)
        k->locked_until_ms = 0;
    pthread_mutex_unlock(&l->lock);
}

void acct_limiter_reset(struct acct_limiter *l, const char *key)
{
    pthread_mutex_lock(&l->lock);
    struct limit_key *k = limit_find(l, key);
    if (k)
        memset(k, 0, sizeof *k);
    pthread_mutex_unlock(&l->lock);
}

/* ---- the audit trail ---- */

int acct_audit_add(struct acct_db *db, int64_t at_ms, const char *user, const char *address,
                   const char *action, const char *detail)
{
    char at[32];
    snprintf(at, sizeof at, "%lld", (long long)at_ms);
    const char *p[] = {at, user ? user : "", address ? address : "", action,
                       detail ? detail : ""};
    return exec_text(db, "INSERT INTO audit (at_ms, user, address, action, detail) "
                         "VALUES (CAST(?1 AS INTEGER), ?2, ?3, ?4, ?5)", p, 5, NULL);
}

int acct_audit_list(struct acct_db *db, int64_t from_ms, int64_t to_ms, int64_t offset,
                    int64_t limit, bool newest_first,
                    int (*cb)(const struct acct_audit_row *row, void *ud), void *ud)
{
    sqlite3_stmt *st = NULL;
    int ret = -EIO, rc = SQLITE_DONE;
    pthread_mutex_lock(&db->lock);
    const char *sql = newest_first
                          ? "SELECT id, at_ms, user, address, action, detail FROM audit "
                            "WHERE at_ms >= ?1 AND at_ms < ?2 ORDER BY id DESC LIMIT ?3 OFFSET ?4"
                          : "SELECT id, at_ms, user, address, action, detail FROM audit "
                            "WHERE at_ms >= ?1 AND at_ms < ?2 ORDER BY id LIMIT ?3 OFFSET ?4";
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_int64(st, 1, from_ms);
    sqlite3_bind_int64(st, 2, to_ms);
    sqlite3_bind_int64(st, 3, limit < 0 ? -1 : limit);
    sqlite3_bind_int64(st, 4, offset < 0 ? 0 : offset);
    ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct acct_audit_row r = {
            .id = sqlite3_column_int64(st, 0), .at_ms = sqlite3_column_int64(st, 1),
            .user = (const char *)sqlite3_column_text(st, 2),
            .address = (const char *)sqlite3_column_text(st, 3),
            .action = (const char *)sqlite3_column_text(st, 4),
            .detail = (const char *)sqlite3_column_text(st, 5)};
        if ((ret = cb(&r, ud)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = -EIO;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return ret;
}
