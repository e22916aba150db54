/* The as-run log in SQLite: schema and migrations, the writes the daemon
 * makes around each airing, crash recovery and queries for reports.
 *
 * Durability: WAL with synchronous=FULL. In WAL mode NORMAL never corrupts
 * the database, but a power cut can lose the last commits; the ON_AIR row
 * written before the first sample is exactly the row that stops an
 * occurrence from airing twice after such a cut, so every commit is synced.
 * That costs one fsync per airing (a few a day); `simulate` batches a year
 * into one transaction. */
#include "aslog/aslog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/hash.h"
#include "core/i18n.h"
#include "core/reasons.h"
#include "core/util.h"

#define BUSY_TIMEOUT_MS 5000

struct aslog {
    sqlite3 *db;
    int in_tx;              /* aslog_tx_begin is active: writes join it */
    int readonly;           /* aslog_open_readonly: writes fail with -EROFS */
    sqlite3_stmt *st_next_attempt, *st_insert, *st_finish, *st_state, *st_progress;
    sqlite3_stmt *st_appr_latest;
    sqlite3_stmt *st_head, *st_unchained, *st_chain_row, *st_set_chain;
};

static const char *const status_names[] = {
    [ASLOG_ON_AIR] = "on_air",       [ASLOG_AIRED] = "aired",
    [ASLOG_INTERRUPTED] = "interrupted", [ASLOG_FAILED] = "failed",
    [ASLOG_MISSED] = "missed",       [ASLOG_CANCELLED] = "cancelled",
};

static const char *const source_names[] = {
    [ASLOG_SOURCE_PLAN] = "plan", [ASLOG_SOURCE_ADHOC] = "adhoc",
    [ASLOG_SOURCE_EMERGENCY] = "emergency",
};

const char *aslog_status_name(enum aslog_status s)
{
    return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

int aslog_status_parse(const char *name, enum aslog_status *s)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(status_names); i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *s = (enum aslog_status)i;
            return 0;
        }
    }
    return -EINVAL;
}

const char *aslog_source_name(enum aslog_source s)
{
    return (unsigned)s < ARRAY_SIZE(source_names) ? source_names[s] : "?";
}

static int source_parse(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(source_names); i++)
        if (strcmp(name, source_names[i]) == 0)
            return (int)i;
    return ASLOG_SOURCE_PLAN;
}

/* Migrations: entry i takes the schema from version i to i + 1. Never edit
 * a released entry; append a new one. */
static const char *const migrations[] = {
    /* 0 -> 1: the airing table. `closes` marks a row that ends its
     * occurrence for good without airing (missed, cancelled, failed before
     * start: aslog_record). One partial unique index covers both rules:
     * an occurrence has at most one row that is on air, aired or closing,
     * so it can neither air twice nor air after being written off. */
    "CREATE TABLE airing ("
    " id INTEGER PRIMARY KEY,"
    " occ_key TEXT NOT NULL,"
    " attempt INTEGER NOT NULL CHECK (attempt >= 1),"
    " uid TEXT NOT NULL,"
    " plan_file TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL DEFAULT '',"
    " categories TEXT NOT NULL DEFAULT '',"
    " unit TEXT NOT NULL DEFAULT '',"
    " priority INTEGER NOT NULL DEFAULT 0,"
    " recordings TEXT NOT NULL DEFAULT '[]',"
    " planned_start_ms INTEGER NOT NULL,"
    " planned_end_ms INTEGER NOT NULL,"
    " actual_start_ms INTEGER,"
    " actual_end_ms INTEGER,"
    " played_ms INTEGER NOT NULL DEFAULT 0,"
    " underruns INTEGER NOT NULL DEFAULT 0,"
    " device TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL CHECK (status IN ('on_air','aired','interrupted','failed',"
    "  'missed','cancelled')),"
    " reason TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL CHECK (source IN ('plan','adhoc','emergency')),"
    " operator TEXT NOT NULL DEFAULT '',"
    " closes INTEGER NOT NULL DEFAULT 0 CHECK (closes IN (0, 1)),"
    " UNIQUE (occ_key, attempt));"
    "CREATE UNIQUE INDEX airing_once ON airing (occ_key)"
    " WHERE status IN ('on_air', 'aired') OR closes = 1;",
    /* 1 -> 2: reports and `loaxa log` select by planned start. */
    "CREATE INDEX airing_planned ON airing (planned_start_ms, occ_key, attempt);"
    "CREATE INDEX airing_on_air ON airing (status) WHERE status = 'on_air';",
    /* 2 -> 3: approvals (station.approval = signed). Append-only: a new
     * decision is a new row (the triggers refuse changes), and the latest
     * row of a (uid, content_hash) decides; a changed item has another
     * hash, so what was approved before no longer counts for it. */
    "CREATE TABLE approvals ("
    " id INTEGER PRIMARY KEY,"
    " uid TEXT NOT NULL,"
    " content_hash TEXT NOT NULL,"
    " decision TEXT NOT NULL CHECK (decision IN ('approved','rejected')),"
    " who TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL,"
    " comment TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX approvals_item ON approvals (uid, content_hash, id);"
    "CREATE INDEX approvals_at ON approvals (at_ms, id);"
    "CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals"
    " BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;"
    "CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals"
    " BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;",
    /* 3 -> 4: the hash chain over final rows (doc/export.md). seq is the
     * row's place in the chain (1, 2, ... in the order rows became final),
     * hash its link (aslog_chain_hash); both NULL while on air. migrate()
     * chains the rows already there in id order. */
    "ALTER TABLE airing ADD COLUMN seq INTEGER;"
    "ALTER TABLE airing ADD COLUMN hash TEXT;"
    "CREATE UNIQUE INDEX airing_seq ON airing (seq) WHERE seq IS NOT NULL;"
    "CREATE INDEX airing_unchained ON airing (id) WHERE seq IS NULL;",
};
#define SCHEMA_VERSION ((int)ARRAY_SIZE(migrations))

#define COLS "id, occ_key, attempt, uid, plan_file, title, categories, unit, priority," \
             " recordings, planned_start_ms, planned_end_ms, actual_start_ms," \
             " actual_end_ms, played_ms, underruns, device, status, reason, source, operator," \
             " seq, hash"

static int sql_err(struct aslog *log, int rc)
{
    (void)log;
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return -EEXIST;
    case SQLITE_BUSY: case SQLITE_LOCKED: return -EBUSY;
    case SQLITE_NOMEM: return -ENOMEM;
    case SQLITE_READONLY: case SQLITE_PERM: case SQLITE_AUTH: return -EACCES;
    case SQLITE_FULL: return -ENOSPC;
    case SQLITE_CANTOPEN: return -ENOENT;
    case SQLITE_NOTADB: case SQLITE_CORRUPT: return -EBADMSG;
    default: return -EIO;
    }
}

static int exec(struct aslog *log, const char *sql)
{
    int rc = sqlite3_exec(log->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sql_err(log, rc);
}

static int prepare(struct aslog *log, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v3(log->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    return rc == SQLITE_OK ? 0 : sql_err(log, rc);
}

/* A single write joins the caller's transaction when one is open;
 * otherwise it gets its own BEGIN IMMEDIATE, so it takes the write lock
 * before reading (no deadlock between a read and a later upgrade). */
static int wbegin(struct aslog *log)
{
    if (log->readonly)
        return -EROFS;
    return log->in_tx ? 0 : exec(log, "BEGIN IMMEDIATE");
}

static int wend(struct aslog *log, int rc)
{
    if (log->in_tx)
        return rc;
    if (rc == 0) {
        int c = exec(log, "COMMIT");
        if (c == 0)
            return 0;
        rc = c;
    }
    /* SQLite has already rolled back after some errors (SQLITE_FULL): a
     * second ROLLBACK would fail and replace the message aslog_errmsg gives */
    if (!sqlite3_get_autocommit(log->db))
        sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int user_version(struct aslog *log, int *v)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(log, "PRAGMA user_version", &st);
    if (rc < 0)
        return rc;
    rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -EIO;
    if (rc == 0)
        *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc;
}

static int chain_unchained(struct aslog *log);

static int migrate(struct aslog *log, char *err, size_t errlen)
{
    int from = 0;
    int v = 0, rc = exec(log, "BEGIN IMMEDIATE");
    if (rc == 0)
        rc = user_version(log, &v);
    from = v;
    if (rc == 0 && v > SCHEMA_VERSION) {
        snprintf(err, errlen, _("the log has schema version %d, newer than this loaxa "
                                "knows (%d); use a newer loaxa"), v, SCHEMA_VERSION);
        sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
        return -EPROTO;
    }
    for (; rc == 0 && v < SCHEMA_VERSION; v++) {
        rc = exec(log, migrations[v]);
        if (rc == 0) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
            rc = exec(log, sql);
        }
    }
    /* rows written before the chain existed join it in id order, in the
     * migration's transaction */
    if (rc == 0 && from < SCHEMA_VERSION)
        rc = chain_unchained(log);
    if (rc == 0)
        rc = exec(log, "COMMIT");
    if (rc < 0) {
        snprintf(err, errlen, _("cannot prepare the log's tables: %s"), sqlite3_errmsg(log->db));
        sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

static int open_common(const char *path, int flags, struct aslog **out, char *err, size_t errlen)
{
    struct aslog *log = xcalloc(1, sizeof *log);
    int rc = sqlite3_open_v2(path, &log->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, _("cannot open the as-run log %s: %s"), path,
                 log->db ? sqlite3_errmsg(log->db) : sqlite3_errstr(rc));
        rc = sql_err(log, rc);
        goto fail;
    }
    log->readonly = (flags & SQLITE_OPEN_READONLY) != 0;
    sqlite3_extended_result_codes(log->db, 1);
    sqlite3_busy_timeout(log->db, BUSY_TIMEOUT_MS);
    if (!(flags & SQLITE_OPEN_READONLY)) {
        /* journal_mode returns a row; exec ignores it. */
        /* The WAL is checkpointed at ~1 MB and cut back to 1 MB after: a
         * station's /var may be small, and SQLite's defaults let the WAL
         * grow to 4 MB and stay that size for good. */
        rc = exec(log, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                       " PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 256;"
                       " PRAGMA journal_size_limit = 1048576");
        if (rc == 0) {
            /* keep -wal and -shm when the writer closes: the officer (the
             * log's group, no write access to its folder) could not read a
             * WAL database without them while the daemon is stopped */
            int on = 1;
            sqlite3_file_control(log->db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
            rc = migrate(log, err, errlen);
        } else
            snprintf(err, errlen, _("cannot open the as-run log %s: %s"), path,
                     sqlite3_errmsg(log->db));
        if (rc < 0)
            goto fail;
    } else {
        int v = 0;
        rc = user_version(log, &v);
        if (rc < 0 || v != SCHEMA_VERSION) {
            if (rc == 0 && v == 0)
                snprintf(err, errlen, _("%s is not a loaxa as-run log"), path);
            else if (rc == 0)
                snprintf(err, errlen, _("the log %s has schema version %d, this loaxa reads "
                                        "%d"), path, v, SCHEMA_VERSION);
            else
                snprintf(err, errlen, _("cannot read the as-run log %s: %s"), path,
                         sqlite3_errmsg(log->db));
            rc = rc < 0 ? rc : -EPROTO;
            goto fail;
        }
    }
    rc = prepare(log, "SELECT coalesce(max(attempt), 0) + 1 FROM airing WHERE occ_key = ?",
                 &log->st_next_attempt);
    if (rc == 0)
        rc = prepare(log, "SELECT status, attempt, played_ms,"
                          " (SELECT count(*) FROM airing a2 WHERE a2.occ_key = a.occ_key)"
                          " FROM airing a WHERE occ_key = ? ORDER BY attempt DESC LIMIT 1",
                     &log->st_state);
    if (rc == 0)
        rc = prepare(log, "SELECT decision, who, at_ms, comment FROM approvals"
                          " WHERE uid = ?1 AND content_hash = ?2 ORDER BY id DESC LIMIT 1",
                     &log->st_appr_latest);
    if (rc == 0 && !(flags & SQLITE_OPEN_READONLY))
        rc = prepare(log, "INSERT INTO airing (occ_key, attempt, uid, plan_file, title,"
                          " categories, unit, priority, recordings, planned_start_ms,"
                          " planned_end_ms, actual_start_ms, actual_end_ms, played_ms,"
                          " underruns, device, status, reason, source, operator, closes)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                          " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)", &log->st_insert);
    if (rc == 0 && !(flags & SQLITE_OPEN_READONLY))
        rc = prepare(log, "UPDATE airing SET status = ?2, reason = ?3, actual_start_ms = ?4,"
                          " actual_end_ms = ?5, played_ms = ?6, underruns = ?7"
                          " WHERE id = ?1 AND status = 'on_air'", &log->st_finish);
    if (rc == 0 && !(flags & SQLITE_OPEN_READONLY))
        rc = prepare(log, "UPDATE airing SET actual_start_ms = ?2, played_ms = ?3"
                          " WHERE id = ?1 AND status = 'on_air'", &log->st_progress);
    if (rc < 0) {
        snprintf(err, errlen, _("cannot use the as-run log %s: %s"), path,
                 sqlite3_errmsg(log->db));
        goto fail;
    }
    *out = log;
    return 0;
fail:
    aslog_close(log);
    return rc;
}

int aslog_open(const char *path, struct aslog **out, char *err, size_t errlen)
{
    return open_common(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, out, err, errlen);
}

int aslog_open_readonly(const char *path, struct aslog **out, char *err, size_t errlen)
{
    return open_common(path, SQLITE_OPEN_READONLY, out, err, errlen);
}

void aslog_close(struct aslog *log)
{
    if (!log)
        return;
    sqlite3_finalize(log->st_next_attempt);
    sqlite3_finalize(log->st_insert);
    sqlite3_finalize(log->st_finish);
    sqlite3_finalize(log->st_progress);
    sqlite3_finalize(log->st_state);
    sqlite3_finalize(log->st_appr_latest);
    sqlite3_finalize(log->st_head);
    sqlite3_finalize(log->st_unchained);
    sqlite3_finalize(log->st_chain_row);
    sqlite3_finalize(log->st_set_chain);
    sqlite3_close_v2(log->db);
    free(log);
}

int aslog_schema_version(struct aslog *log)
{
    int v = 0;
    return user_version(log, &v) == 0 ? v : -EIO;
}

int aslog_schema_latest(void)
{
    return SCHEMA_VERSION;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

static void bind_time(sqlite3_stmt *st, int i, int64_t ms)
{
    if (ms < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, ms);
}

/* Inserts with the next attempt number; the caller holds the write lock. */
static int insert(struct aslog *log, const struct aslog_row *r, enum aslog_status status,
                  int closes, int64_t *id)
{
    if (!r->occ_key || !*r->occ_key || !r->uid)
        return -EINVAL;
    sqlite3_stmt *st = log->st_next_attempt;
    sqlite3_reset(st);
    bind_text(st, 1, r->occ_key);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return sql_err(log, rc);
    }
    int attempt = sqlite3_column_int(st, 0);
    sqlite3_reset(st);

    st = log->st_insert;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    bind_text(st, 1, r->occ_key);
    sqlite3_bind_int(st, 2, attempt);
    bind_text(st, 3, r->uid);
    bind_text(st, 4, r->plan_file);
    bind_text(st, 5, r->title);
    bind_text(st, 6, r->categories);
    bind_text(st, 7, r->unit);
    sqlite3_bind_int(st, 8, r->priority);
    bind_text(st, 9, r->recordings && *r->recordings ? r->recordings : "[]");
    sqlite3_bind_int64(st, 10, r->planned_start_ms);
    sqlite3_bind_int64(st, 11, r->planned_end_ms);
    bind_time(st, 12, r->actual_start_ms);
    bind_time(st, 13, r->actual_end_ms);
    sqlite3_bind_int64(st, 14, r->played_ms > 0 ? r->played_ms : 0);
    sqlite3_bind_int(st, 15, r->underruns > 0 ? r->underruns : 0);
    bind_text(st, 16, r->device);
    bind_text(st, 17, aslog_status_name(status));
    bind_text(st, 18, r->reason);
    bind_text(st, 19, aslog_source_name(r->source));
    bind_text(st, 20, r->operator_name);
    sqlite3_bind_int(st, 21, closes);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sql_err(log, rc);
    if (id)
        *id = sqlite3_last_insert_rowid(log->db);
    return 0;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static int64_t col_time(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* A row of SELECT COLS. */
static void fill_full(sqlite3_stmt *st, struct aslog_row *out)
{
    struct aslog_row r = {
        .id = sqlite3_column_int64(st, 0),
        .occ_key = col_text(st, 1),
        .attempt = sqlite3_column_int(st, 2),
        .uid = col_text(st, 3),
        .plan_file = col_text(st, 4),
        .title = col_text(st, 5),
        .categories = col_text(st, 6),
        .unit = col_text(st, 7),
        .priority = sqlite3_column_int(st, 8),
        .recordings = col_text(st, 9),
        .planned_start_ms = sqlite3_column_int64(st, 10),
        .planned_end_ms = sqlite3_column_int64(st, 11),
        .actual_start_ms = col_time(st, 12),
        .actual_end_ms = col_time(st, 13),
        .played_ms = sqlite3_column_int64(st, 14),
        .underruns = sqlite3_column_int(st, 15),
        .device = col_text(st, 16),
        .status = ASLOG_FAILED,
        .reason = col_text(st, 18),
        .source = (enum aslog_source)source_parse(col_text(st, 19)),
        .operator_name = col_text(st, 20),
    };
    aslog_status_parse(col_text(st, 17), &r.status);
    r.seq = sqlite3_column_type(st, 21) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 21);
    r.hash = col_text(st, 22);
    *out = r;
}

/* ---- the hash chain (doc/export.md, "The chain") ---- */

/* One field of the serialisation: its length in bytes, ':', the bytes, ','
 * (a netstring), so no value can pass for another or run into the next. */
static void ns_put(struct strbuf *b, const char *s)
{
    size_t n = strlen(s ? s : "");
    strbuf_printf(b, "%zu:", n);
    strbuf_add(b, s ? s : "", n);
    strbuf_puts(b, ",");
}

static void ns_int(struct strbuf *b, int64_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)v);
    ns_put(b, num);
}

static void ns_time(struct strbuf *b, int64_t ms)
{
    if (ms < 0)
        ns_put(b, ""); /* none */
    else
        ns_int(b, ms);
}

void aslog_chain_hash(const struct aslog_row *r, int64_t seq, const char *prev, char out[65])
{
    struct strbuf b = {0};
    strbuf_puts(&b, ASLOG_CHAIN_TAG "\n");
    ns_put(&b, prev && *prev ? prev : ASLOG_CHAIN_GENESIS);
    ns_int(&b, seq);
    ns_put(&b, r->occ_key);
    ns_int(&b, r->attempt);
    ns_put(&b, r->uid);
    ns_put(&b, r->plan_file);
    ns_put(&b, r->title);
    ns_put(&b, r->categories);
    ns_put(&b, r->unit);
    ns_int(&b, r->priority);
    ns_put(&b, r->recordings);
    ns_int(&b, r->planned_start_ms);
    ns_int(&b, r->planned_end_ms);
    ns_time(&b, r->actual_start_ms);
    ns_time(&b, r->actual_end_ms);
    ns_int(&b, r->played_ms);
    ns_int(&b, r->underruns);
    ns_put(&b, r->device);
    ns_put(&b, aslog_status_name(r->status));
    ns_put(&b, r->reason);
    ns_put(&b, aslog_source_name(r->source));
    ns_put(&b, r->operator_name);
    hash_mem_sha256(b.s ? b.s : "", b.len, out);
    strbuf_free(&b);
}

/* Statements of the chain are prepared when first used: migrate() chains
 * before open_common prepares the others. */
static int lazy(struct aslog *log, sqlite3_stmt **st, const char *sql)
{
    if (*st) {
        sqlite3_reset(*st);
        sqlite3_clear_bindings(*st);
        return 0;
    }
    return prepare(log, sql, st);
}

/* The chain's last link: *seq 0 and prev "" when it is empty. */
static int chain_head(struct aslog *log, int64_t *seq, char prev[65])
{
    int rc = lazy(log, &log->st_head, "SELECT seq, hash FROM airing WHERE seq IS NOT NULL"
                                      " ORDER BY seq DESC LIMIT 1");
    if (rc < 0)
        return rc;
    *seq = 0;
    prev[0] = '\0';
    int s = sqlite3_step(log->st_head);
    if (s == SQLITE_ROW) {
        *seq = sqlite3_column_int64(log->st_head, 0);
        snprintf(prev, 65, "%s", col_text(log->st_head, 1));
    }
    sqlite3_reset(log->st_head);
    return s == SQLITE_ROW || s == SQLITE_DONE ? 0 : sql_err(log, s);
}

/* Gives row id its place seq after prev; the caller holds the write lock. */
static int chain_link(struct aslog *log, int64_t id, int64_t seq, char prev[65])
{
    int rc = lazy(log, &log->st_chain_row, "SELECT " COLS " FROM airing WHERE id = ?");
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(log->st_chain_row, 1, id);
    int s = sqlite3_step(log->st_chain_row);
    if (s != SQLITE_ROW) {
        sqlite3_reset(log->st_chain_row);
        return s == SQLITE_DONE ? -ENOENT : sql_err(log, s);
    }
    struct aslog_row r;
    fill_full(log->st_chain_row, &r);
    char h[65];
    aslog_chain_hash(&r, seq, prev, h);
    sqlite3_reset(log->st_chain_row);
    rc = lazy(log, &log->st_set_chain, "UPDATE airing SET seq = ?2, hash = ?3 WHERE id = ?1");
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(log->st_set_chain, 1, id);
    sqlite3_bind_int64(log->st_set_chain, 2, seq);
    sqlite3_bind_text(log->st_set_chain, 3, h, 64, SQLITE_TRANSIENT);
    s = sqlite3_step(log->st_set_chain);
    sqlite3_reset(log->st_set_chain);
    if (s != SQLITE_DONE)
        return sql_err(log, s);
    memcpy(prev, h, 65);
    return 0;
}

/* Ids of the final rows not yet in the chain, oldest first (by id). */
static int unchained_ids(struct aslog *log, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    int rc = lazy(log, &log->st_unchained, "SELECT id FROM airing WHERE seq IS NULL"
                                           " AND status <> 'on_air' ORDER BY id");
    if (rc < 0)
        return rc;
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(log->st_unchained)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite3_column_int64(log->st_unchained, 0);
    }
    sqlite3_reset(log->st_unchained);
    return s == SQLITE_DONE ? 0 : sql_err(log, s);
}

/* Appends every final row without a place to the chain: the row a write
 * just made final, the rows aslog_recover closed, the migration's rows. */
static int chain_unchained(struct aslog *log)
{
    int64_t *ids, seq;
    size_t n;
    char prev[65];
    int rc = unchained_ids(log, &ids, &n);
    if (rc == 0 && n > 0)
        rc = chain_head(log, &seq, prev);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = chain_link(log, ids[i], ++seq, prev);
    free(ids);
    return rc;
}

/* Computes the links again from place from_seq on, after the daemon
 * changed a chained row itself (a recording's hash known late, simulated
 * rows set aside). */
static int chain_redo_from(struct aslog *log, int64_t from_seq)
{
    sqlite3_stmt *st = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    char prev[65] = "";
    int rc = prepare(log, "SELECT hash FROM airing WHERE seq = ?1 - 1", &st);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, from_seq);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(prev, sizeof prev, "%s", col_text(st, 0));
        sqlite3_finalize(st);
        st = NULL;
        rc = prepare(log, "SELECT id FROM airing WHERE seq >= ?1 ORDER BY seq", &st);
    }
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, from_seq);
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                ids = xrealloc(ids, cap * sizeof *ids);
            }
            ids[n++] = sqlite3_column_int64(st, 0);
        }
        if (s != SQLITE_DONE)
            rc = sql_err(log, s);
    }
    sqlite3_finalize(st);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = chain_link(log, ids[i], from_seq + (int64_t)i, prev);
    free(ids);
    return rc;
}

int aslog_chain_head(struct aslog *log, int64_t *count, char head[65])
{
    return chain_head(log, count, head);
}

int aslog_chain_verify(struct aslog *log, struct aslog_chain_check *c)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st = NULL;
    int rc = prepare(log, "SELECT " COLS " FROM airing WHERE seq IS NOT NULL ORDER BY seq", &st);
    if (rc < 0)
        return rc;
    char prev[65] = "";
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct aslog_row r;
        fill_full(st, &r);
        char h[65];
        enum aslog_chain_fault fault = ASLOG_CHAIN_OK;
        if (r.seq != c->rows + 1) {
            fault = ASLOG_CHAIN_GAP;
        } else {
            aslog_chain_hash(&r, r.seq, prev, h);
            if (strcmp(h, r.hash) != 0)
                fault = ASLOG_CHAIN_MISMATCH;
        }
        if (fault != ASLOG_CHAIN_OK) {
            c->fault = fault;
            c->id = r.id;
            c->seq = r.seq;
            c->expected_seq = c->rows + 1;
            snprintf(c->occ_key, sizeof c->occ_key, "%s", r.occ_key);
            c->attempt = r.attempt;
            break;
        }
        c->rows++;
        memcpy(prev, h, sizeof prev);
    }
    if (c->fault == ASLOG_CHAIN_OK && s != SQLITE_DONE)
        rc = sql_err(log, s);
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0 && c->fault == ASLOG_CHAIN_OK) {
        /* a final row outside the chain was not written by loaxa */
        rc = prepare(log, "SELECT id, occ_key, attempt FROM airing WHERE seq IS NULL"
                          " AND status <> 'on_air' ORDER BY id LIMIT 1", &st);
        if (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
            c->fault = ASLOG_CHAIN_UNCHAINED;
            c->id = sqlite3_column_int64(st, 0);
            snprintf(c->occ_key, sizeof c->occ_key, "%s", col_text(st, 1));
            c->attempt = sqlite3_column_int(st, 2);
        } else if (rc == 0 && s != SQLITE_DONE) {
            rc = sql_err(log, s);
        }
        sqlite3_finalize(st);
    }
    memcpy(c->head, prev, sizeof c->head);
    return rc;
}

int aslog_begin(struct aslog *log, const struct aslog_row *row, int64_t *id)
{
    int64_t new_id = -1;
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    /* the id is only the caller's once committed: a COMMIT that fails
     * (disk full) leaves no row behind the id */
    rc = wend(log, insert(log, row, ASLOG_ON_AIR, 0, &new_id));
    if (rc == 0)
        *id = new_id;
    return rc;
}

int aslog_record(struct aslog *log, const struct aslog_row *row)
{
    /* AIRED written at once (e.g. an import) is final like any other. */
    if (row->status == ASLOG_ON_AIR || row->status == ASLOG_INTERRUPTED)
        return -EINVAL;
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    rc = insert(log, row, row->status, row->status != ASLOG_AIRED, NULL);
    if (rc == 0)
        rc = chain_unchained(log);
    return wend(log, rc);
}

int aslog_finish(struct aslog *log, int64_t id, enum aslog_status status, const char *reason,
                 int64_t actual_start_ms, int64_t actual_end_ms, int64_t played_ms,
                 int underruns)
{
    if (status == ASLOG_ON_AIR || (unsigned)status >= ARRAY_SIZE(status_names))
        return -EINVAL;
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = log->st_finish;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, aslog_status_name(status));
    bind_text(st, 3, reason);
    bind_time(st, 4, actual_start_ms);
    bind_time(st, 5, actual_end_ms);
    sqlite3_bind_int64(st, 6, played_ms > 0 ? played_ms : 0);
    sqlite3_bind_int(st, 7, underruns > 0 ? underruns : 0);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        rc = sql_err(log, s);
    else if (sqlite3_changes(log->db) == 0)
        rc = -ENOENT; /* no such row, or it was already completed */
    if (rc == 0)
        rc = chain_unchained(log);
    return wend(log, rc);
}

int aslog_progress(struct aslog *log, int64_t id, int64_t actual_start_ms, int64_t played_ms)
{
    if (!log->st_progress)
        return -EROFS;
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = log->st_progress;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    bind_time(st, 2, actual_start_ms);
    sqlite3_bind_int64(st, 3, played_ms > 0 ? played_ms : 0);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        rc = sql_err(log, s);
    else if (sqlite3_changes(log->db) == 0)
        rc = -ENOENT;
    return wend(log, rc);
}

int aslog_set_recordings(struct aslog *log, int64_t id, const char *recordings)
{
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = NULL;
    if ((rc = prepare(log, "UPDATE airing SET recordings = ? WHERE id = ? RETURNING seq",
                      &st)) == 0) {
        bind_text(st, 1, recordings && *recordings ? recordings : "[]");
        sqlite3_bind_int64(st, 2, id);
        int s = sqlite3_step(st);
        int64_t seq = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        if (s == SQLITE_ROW)
            s = sqlite3_step(st);
        if (s != SQLITE_DONE)
            rc = sql_err(log, s);
        else if (sqlite3_changes(log->db) == 0)
            rc = -ENOENT;
        sqlite3_finalize(st);
        st = NULL;
        /* a row that ended before its recordings' hashes were known: its
         * link and those after it (a few, minutes old) are made again */
        if (rc == 0 && seq > 0)
            rc = chain_redo_from(log, seq);
    }
    sqlite3_finalize(st);
    return wend(log, rc);
}

int aslog_recover(struct aslog *log, int *n)
{
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = prepare(log, "UPDATE airing SET status = 'interrupted', reason = ?1,"
                      " actual_end_ms = CASE WHEN actual_start_ms IS NULL THEN NULL"
                      "  ELSE actual_start_ms + played_ms END"
                      " WHERE status = 'on_air'", &st);
    if (rc == 0) {
        bind_text(st, 1, REASON_DAEMON_STOPPED);
        int s = sqlite3_step(st);
        if (s != SQLITE_DONE)
            rc = sql_err(log, s);
        else if (n)
            *n = sqlite3_changes(log->db);
    }
    sqlite3_finalize(st);
    if (rc == 0)
        rc = chain_unchained(log);
    return wend(log, rc);
}

int aslog_occurrence_state(struct aslog *log, const char *occ_key, enum aslog_status *status,
                           int *attempts, int64_t *played_ms)
{
    sqlite3_stmt *st = log->st_state;
    sqlite3_reset(st);
    bind_text(st, 1, occ_key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return -ENOENT;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return sql_err(log, rc);
    }
    enum aslog_status s = ASLOG_FAILED;
    aslog_status_parse((const char *)sqlite3_column_text(st, 0), &s);
    if (status)
        *status = s;
    if (attempts)
        *attempts = sqlite3_column_int(st, 3);
    if (played_ms)
        *played_ms = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    return 0;
}

/* The columns a report reads (aslog_filter.counts_only): the table's row
 * is still fetched, but the recordings JSON, device and operator texts are
 * neither converted nor copied, a year of rows at a time. */
#define LEAN_COLS "occ_key, attempt, uid, title, categories, unit, planned_start_ms," \
                  " actual_start_ms, played_ms, status, reason, source, planned_end_ms, priority"

static int cb_lean(sqlite3_stmt *st, int (*cb)(const struct aslog_row *row, void *ud), void *ud)
{
    struct aslog_row r = {
        .occ_key = col_text(st, 0),
        .attempt = sqlite3_column_int(st, 1),
        .uid = col_text(st, 2),
        .plan_file = "",
        .title = col_text(st, 3),
        .categories = col_text(st, 4),
        .unit = col_text(st, 5),
        .recordings = "",
        .planned_start_ms = sqlite3_column_int64(st, 6),
        .actual_start_ms = col_time(st, 7),
        .played_ms = sqlite3_column_int64(st, 8),
        .device = "",
        .status = ASLOG_FAILED,
        .reason = col_text(st, 10),
        .source = (enum aslog_source)source_parse(col_text(st, 11)),
        .operator_name = "",
        .planned_end_ms = sqlite3_column_int64(st, 12),
        .priority = sqlite3_column_int(st, 13),
        .hash = "",
    };
    aslog_status_parse(col_text(st, 9), &r.status);
    return cb(&r, ud);
}

int aslog_query(struct aslog *log, const struct aslog_filter *f,
                int (*cb)(const struct aslog_row *row, void *ud), void *ud)
{
    /* Only the conditions in use, so SQLite can walk airing_planned. */
    struct strbuf sql = {0};
    bool lean = f && f->counts_only;
    strbuf_puts(&sql, lean ? "SELECT " LEAN_COLS " FROM airing WHERE 1"
                           : "SELECT " COLS " FROM airing WHERE 1");
    if (f && f->from_ms >= 0)
        strbuf_puts(&sql, " AND planned_start_ms >= ?1");
    if (f && f->to_ms >= 0)
        strbuf_puts(&sql, " AND planned_start_ms < ?2");
    if (f && f->by_status)
        strbuf_puts(&sql, " AND status = ?3");
    if (f && f->real_only)
        strbuf_puts(&sql, " AND device <> ?4");
    if (f && f->chain_order)
        strbuf_puts(&sql, " AND seq > ?5 ORDER BY seq");
    else
        strbuf_puts(&sql, " ORDER BY planned_start_ms, occ_key, attempt");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(log->db, sql.s, -1, &st, NULL);
    strbuf_free(&sql);
    if (rc != SQLITE_OK)
        return sql_err(log, rc);
    if (f && f->from_ms >= 0)
        sqlite3_bind_int64(st, 1, f->from_ms);
    if (f && f->to_ms >= 0)
        sqlite3_bind_int64(st, 2, f->to_ms);
    if (f && f->by_status)
        bind_text(st, 3, aslog_status_name(f->status));
    if (f && f->real_only)
        bind_text(st, 4, ASLOG_DEVICE_SIMULATE);
    if (f && f->chain_order)
        sqlite3_bind_int64(st, 5, f->after_seq > 0 ? f->after_seq : 0);
    int ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (lean) {
            if ((ret = cb_lean(st, cb, ud)) != 0)
                break;
            continue;
        }
        struct aslog_row r;
        fill_full(st, &r);
        if ((ret = cb(&r, ud)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = sql_err(log, rc);
    sqlite3_finalize(st);
    return ret;
}

struct aslog_row *aslog_row_dup(const struct aslog_row *row)
{
    const char *const *src[] = {&row->occ_key, &row->uid, &row->plan_file, &row->title,
                                &row->categories, &row->unit, &row->recordings,
                                &row->device, &row->reason, &row->operator_name,
                                &row->hash};
    size_t len[ARRAY_SIZE(src)], total = sizeof *row;
    for (size_t i = 0; i < ARRAY_SIZE(src); i++)
        total += (len[i] = *src[i] ? strlen(*src[i]) + 1 : 1);
    struct aslog_row *r = xmalloc(total);
    *r = *row;
    const char **dst[] = {&r->occ_key, &r->uid, &r->plan_file, &r->title, &r->categories,
                          &r->unit, &r->recordings, &r->device, &r->reason,
                          &r->operator_name, &r->hash};
    char *p = (char *)(r + 1);
    for (size_t i = 0; i < ARRAY_SIZE(src); i++) {
        memcpy(p, *src[i] ? *src[i] : "", len[i]);
        *dst[i] = p;
        p += len[i];
    }
    return r;
}

const char *aslog_errmsg(struct aslog *log)
{
    return log && log->db ? sqlite3_errmsg(log->db) : "";
}

int aslog_tx_begin(struct aslog *log)
{
    if (log->readonly)
        return -EROFS;
    if (log->in_tx)
        return -EBUSY;
    int rc = exec(log, "BEGIN IMMEDIATE");
    if (rc == 0)
        log->in_tx = 1;
    return rc;
}

int aslog_tx_rollback(struct aslog *log)
{
    if (!log->in_tx)
        return -EINVAL;
    log->in_tx = 0;
    return exec(log, "ROLLBACK");
}

int aslog_tx_commit(struct aslog *log)
{
    if (!log->in_tx)
        return -EINVAL;
    log->in_tx = 0;
    int rc = exec(log, "COMMIT");
    if (rc < 0)
        sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int aslog_has_real_rows(struct aslog *log)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(log, "SELECT EXISTS (SELECT 1 FROM airing WHERE device <> ?1)", &st);
    if (rc < 0)
        return rc;
    bind_text(st, 1, ASLOG_DEVICE_SIMULATE);
    rc = sqlite3_step(st);
    int ret = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) != 0 : sql_err(log, rc);
    sqlite3_finalize(st);
    return ret;
}

int aslog_set_aside_simulated(struct aslog *log, int *n)
{
    sqlite3_stmt *st = NULL;
    *n = 0;
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    int64_t first = 0; /* the first place in the chain that changes */
    rc = prepare(log, "SELECT coalesce(min(seq), 0) FROM airing"
                      " WHERE device = ?1 AND occ_key NOT LIKE 'simulate:%'", &st);
    if (rc == 0) {
        bind_text(st, 1, ASLOG_DEVICE_SIMULATE);
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW)
            first = sqlite3_column_int64(st, 0);
        else
            rc = sql_err(log, s);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0)
        rc = prepare(log, "UPDATE airing SET occ_key = 'simulate:' || occ_key"
                          " WHERE device = ?1 AND occ_key NOT LIKE 'simulate:%'", &st);
    if (rc == 0) {
        bind_text(st, 1, ASLOG_DEVICE_SIMULATE);
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE)
            *n = sqlite3_changes(log->db);
        else
            rc = sql_err(log, s);
    }
    sqlite3_finalize(st);
    if (rc == 0 && *n > 0 && first > 0)
        rc = chain_redo_from(log, first);
    return wend(log, rc);
}

/* ---- approvals ---- */

static const char *const decision_names[] = {[ASLOG_APPROVED] = "approved",
                                              [ASLOG_REJECTED] = "rejected"};

const char *aslog_decision_name(enum aslog_decision d)
{
    return (unsigned)d < ARRAY_SIZE(decision_names) ? decision_names[d] : "?";
}

static int decision_parse(const char *s, enum aslog_decision *d)
{
    for (size_t i = 0; s && i < ARRAY_SIZE(decision_names); i++) {
        if (strcmp(s, decision_names[i]) == 0) {
            *d = (enum aslog_decision)i;
            return 0;
        }
    }
    return -EINVAL;
}

int aslog_approval_add(struct aslog *log, const struct aslog_approval *a)
{
    if (!a->uid || !*a->uid || !a->content_hash || strlen(a->content_hash) != 64 ||
        !a->who || !*a->who || (unsigned)a->decision >= ARRAY_SIZE(decision_names))
        return -EINVAL;
    int rc = wbegin(log);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = prepare(log, "INSERT INTO approvals (uid, content_hash, decision, who, at_ms, comment,"
                      " title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st);
    if (rc == 0) {
        bind_text(st, 1, a->uid);
        bind_text(st, 2, a->content_hash);
        bind_text(st, 3, aslog_decision_name(a->decision));
        bind_text(st, 4, a->who);
        sqlite3_bind_int64(st, 5, a->at_ms);
        bind_text(st, 6, a->comment);
        bind_text(st, 7, a->title);
        int s = sqlite3_step(st);
        if (s != SQLITE_DONE)
            rc = sql_err(log, s);
    }
    sqlite3_finalize(st);
    return wend(log, rc);
}

static void fill_approval(sqlite3_stmt *st, int first, struct aslog_approval *a)
{
    a->decision = ASLOG_REJECTED; /* an unknown word never approves */
    decision_parse(col_text(st, first), &a->decision);
    a->who = col_text(st, first + 1);
    a->at_ms = sqlite3_column_int64(st, first + 2);
    a->comment = col_text(st, first + 3);
}

int aslog_approval_latest(struct aslog *log, const char *uid, const char *content_hash,
                          int (*cb)(const struct aslog_approval *a, void *ud), void *ud)
{
    sqlite3_stmt *st = log->st_appr_latest;
    sqlite3_reset(st);
    bind_text(st, 1, uid);
    bind_text(st, 2, content_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return -ENOENT;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return sql_err(log, rc);
    }
    struct aslog_approval a = {.uid = uid, .content_hash = content_hash, .title = ""};
    fill_approval(st, 0, &a);
    int ret = cb ? cb(&a, ud) : 0;
    sqlite3_reset(st);
    return ret < 0 ? ret : (int)a.decision;
}

int aslog_approvals_query(struct aslog *log, int64_t from_ms, int64_t to_ms,
                          int (*cb)(const struct aslog_approval *a, void *ud), void *ud)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(log->db,
                                "SELECT decision, who, at_ms, comment, uid, content_hash, title"
                                " FROM approvals WHERE (?1 < 0 OR at_ms >= ?1)"
                                " AND (?2 < 0 OR at_ms < ?2) ORDER BY at_ms, id", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_err(log, rc);
    sqlite3_bind_int64(st, 1, from_ms);
    sqlite3_bind_int64(st, 2, to_ms);
    int ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct aslog_approval a;
        fill_approval(st, 0, &a);
        a.uid = col_text(st, 4);
        a.content_hash = col_text(st, 5);
        a.title = col_text(st, 6);
        if ((ret = cb(&a, ud)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = sql_err(log, rc);
    sqlite3_finalize(st);
    return ret;
}
