/* The console's accounts: users with a role in the console's own SQLite
 * database (web.db; passwords as libsodium argon2id strings, never stored or
 * logged in clear), and, in memory, the sessions and the login rate limits.
 * Sessions live only as long as the loaxa-web process: a restart logs
 * everyone out. Every function that needs the time is handed it (now_ms),
 * so tests run expiry without sleeping. Thread-safe: loaxa-web's request
 * threads share one acct_db and one acct_sessions. */
#ifndef LOAXA_ACCOUNTS_H
#define LOAXA_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ordered: a route that needs officer accepts approver and admin too. */
enum acct_role { ACCT_VIEWER, ACCT_OFFICER, ACCT_APPROVER, ACCT_ADMIN };

const char *acct_role_name(enum acct_role r);      /* "viewer", ... */
int acct_role_parse(const char *s, enum acct_role *r);

/* A user name: 1-64 bytes of [A-Za-z0-9._-]. */
bool acct_name_valid(const char *name);
#define ACCT_PASSWORD_MIN 8
#define ACCT_PASSWORD_MAX 1024

struct acct_db;

/* Opens (create: creating it, mode 0600, and its schema) the database.
 * -ENOENT when it is missing and create is false. err: path and reason. */
int acct_db_open(const char *path, bool create, struct acct_db **out, char *err, size_t errlen);
void acct_db_close(struct acct_db *db);

/* -EEXIST: the name is taken; -EINVAL: bad name or password length. */
int acct_user_add(struct acct_db *db, const char *name, enum acct_role role,
                  const char *password, int64_t now_ms);
/* -ENOENT: no such user. */
int acct_user_passwd(struct acct_db *db, const char *name, const char *password);
int acct_user_remove(struct acct_db *db, const char *name);
/* Each user in name order; the callback returns non-zero to stop. */
int acct_user_list(struct acct_db *db,
                   int (*cb)(const char *name, enum acct_role role, int64_t created_ms,
                             void *ud),
                   void *ud);
/* What the session of a login must still match on each request: a digest
 * of the user's stored hash (a new password changes it) and the role.
 * -ENOENT when the user is gone. */
#define ACCT_STAMP_LEN 32
int acct_user_stamp(struct acct_db *db, const char *name, char stamp[ACCT_STAMP_LEN + 1],
                    enum acct_role *role);
/* Checks a password: 0 and *role when right; -EACCES when the user is
 * unknown or the password wrong (the same work is done for both, so the
 * time does not tell which). At most one hash runs at a time: the KDF's
 * memory (64 MiB) is taken once, whatever the number of logins. */
int acct_verify(struct acct_db *db, const char *name, const char *password,
                enum acct_role *role);

/* ---- the audit trail (web.db's append-only table `audit`) ---- */
/* Every state-changing action of the console and of `loaxa user`: who
 * ("alice", "uid:0(root)"), from where (an address, "local"), what
 * ("login", "install", ...) and a detail. UPDATE and DELETE are refused by
 * the database. 0 or -EIO. */
int acct_audit_add(struct acct_db *db, int64_t at_ms, const char *user, const char *address,
                   const char *action, const char *detail);
struct acct_audit_row {
    int64_t id, at_ms;
    const char *user, *address, *action, *detail;
};
/* Rows with at_ms in [from_ms, to_ms), oldest first (or newest first),
 * skipping offset, at most limit (< 0: all); cb returns non-zero to stop. */
int acct_audit_list(struct acct_db *db, int64_t from_ms, int64_t to_ms, int64_t offset,
                    int64_t limit, bool newest_first,
                    int (*cb)(const struct acct_audit_row *row, void *ud), void *ud);

/* ---- sessions (in memory, bounded) ---- */
#define ACCT_TOKEN_LEN 43              /* base64url of 32 random bytes */
#define ACCT_LANG_LEN 8

struct acct_session_info {
    char user[65];
    enum acct_role role;
    char csrf[ACCT_TOKEN_LEN + 1];
    char lang[ACCT_LANG_LEN];
    int64_t expires_ms;                /* the earlier of idle and absolute expiry */
    char stamp[ACCT_STAMP_LEN + 1];    /* acct_user_stamp at the login */
};

struct acct_sessions;

/* At most max sessions; each expires idle_ms after its last use and
 * absolute_ms after the login. When the table is full, the one used
 * longest ago is dropped. */
struct acct_sessions *acct_sessions_new(size_t max, int64_t idle_ms, int64_t absolute_ms);
void acct_sessions_free(struct acct_sessions *s);
/* A new session with fresh random id and CSRF token (never one the client
 * proposed). id gets the cookie value. */
void acct_session_create(struct acct_sessions *s, const char *user, enum acct_role role,
                         const char *stamp, const char *lang, int64_t now_ms,
                         char id[ACCT_TOKEN_LEN + 1], struct acct_session_info *info);
/* Looks a cookie value up: 0 and *info (and the session's idle time
 * restarts), -ENOENT when unknown or expired (then it is dropped). */
int acct_session_get(struct acct_sessions *s, const char *id, int64_t now_ms,
                     struct acct_session_info *info);
int acct_session_set_lang(struct acct_sessions *s, const char *id, const char *lang);
void acct_session_destroy(struct acct_sessions *s, const char *id);
/* Drops every session of a user (removed, or a new password). */
void acct_session_destroy_user(struct acct_sessions *s, const char *user);
size_t acct_session_count(struct acct_sessions *s);
/* True when a and b are equal, in time that does not depend on where
 * they differ (CSRF tokens). */
bool acct_token_equal(const char *a, const char *b);

/* ---- login rate limit (in memory, bounded) ---- */
struct acct_limiter;

/* A key (an address, or "user:" + name) is locked for window_ms once it
 * has max_failures failed logins within window_ms. At most max_keys keys
 * are tracked; past that the oldest are forgotten. */
struct acct_limiter *acct_limiter_new(size_t max_keys, int max_failures, int64_t window_ms);
void acct_limiter_free(struct acct_limiter *l);
/* 0 when the key may try, else the milliseconds until it may (> 0). */
int64_t acct_limiter_check(struct acct_limiter *l, const char *key, int64_t now_ms);
void acct_limiter_fail(struct acct_limiter *l, const char *key, int64_t now_ms);
/* Check and charge at once: 0 when the key may try (a failure is counted
 * now, before the password is checked, so that attempts made side by side
 * cannot all slip under the limit), else the wait as acct_limiter_check. */
int64_t acct_limiter_take(struct acct_limiter *l, const char *key, int64_t now_ms);
/* Takes back one charged failure (the attempt succeeded). */
void acct_limiter_refund(struct acct_limiter *l, const char *key);
void acct_limiter_reset(struct acct_limiter *l, const char *key);

#endif
