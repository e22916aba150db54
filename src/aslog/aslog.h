/* The as-run log (SQLite, only here): one row per airing attempt, what
 * the output device was really given. WAL, busy timeout, versioned schema.
 * Times are int64_t ms since the epoch, UTC; -1 means "none". */
#ifndef LOAXA_ASLOG_H
#define LOAXA_ASLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aslog;

enum aslog_status {
    ASLOG_ON_AIR,       /* written before the first sample; completed after the last */
    ASLOG_AIRED,
    ASLOG_INTERRUPTED,  /* stopped early: operator, preempted, shutdown, daemon stopped */
    ASLOG_FAILED,       /* could not play: device, decode, missing file */
    ASLOG_MISSED,       /* could not start within the grace period */
    ASLOG_CANCELLED,    /* cancelled in the plan (STATUS:CANCELLED) */
};

enum aslog_source { ASLOG_SOURCE_PLAN, ASLOG_SOURCE_ADHOC, ASLOG_SOURCE_EMERGENCY };

/* Text forms stored in the database and printed: "aired", "plan", ... */
const char *aslog_status_name(enum aslog_status s);
int aslog_status_parse(const char *name, enum aslog_status *s);
const char *aslog_source_name(enum aslog_source s);

/* One row. Strings are borrowed on input; on output (queries) they stay
 * valid only during the callback. */
struct aslog_row {
    int64_t id;
    const char *occ_key;         /* "UID/YYYYMMDDTHHMMSSZ"; ad hoc: "adhoc/<start ms>" */
    int attempt;                 /* 1, 2, ... for restarts/resumes of one occurrence */
    const char *uid;
    const char *plan_file;       /* "" for ad hoc */
    const char *title;
    const char *categories;      /* joined with "\n" */
    const char *unit;
    int priority;                /* PRIORITY as in the plan */
    const char *recordings;      /* JSON: [{"path":"…","sha256":"…"}, …] */
    int64_t planned_start_ms;
    int64_t planned_end_ms;
    int64_t actual_start_ms;     /* first frame to the device (incl. output latency) */
    int64_t actual_end_ms;
    int64_t played_ms;
    int underruns;
    const char *device;
    enum aslog_status status;
    const char *reason;          /* "" when aired fully */
    enum aslog_source source;
    const char *operator_name;   /* "uid:1000(name)" for manual actions, "" otherwise */
    /* Set by the log, ignored on input: the row's place in the hash chain
     * (1, 2, ...; 0 while on air) and its link (64 hex digits, "" while on
     * air). Queries fill them except with counts_only. */
    int64_t seq;
    const char *hash;
};

/* Opens (creating and migrating) the log. err gets the path and SQLite's
 * reason on failure. */
int aslog_open(const char *path, struct aslog **out, char *err, size_t errlen);
void aslog_close(struct aslog *log);
int aslog_schema_version(struct aslog *log);

/* Opens an existing log for reading only (reports, `loaxa log`): never
 * creates or migrates it; -ENOENT when missing, -EPROTO when its schema
 * version is not the one this build writes. */
int aslog_open_readonly(const char *path, struct aslog **out, char *err, size_t errlen);
/* The schema version this build creates and migrates to. */
int aslog_schema_latest(void);

/* Writes the row as ON_AIR before the first sample; sets *id. Returns
 * -EEXIST when the occurrence already aired, is on air, or was closed by
 * aslog_record (missed/cancelled/failed): a partial unique index enforces
 * it, also across restarts. INTERRUPTED and FAILED rows from aslog_finish
 * do not close it, so a restart/resume/retry begins attempt N+1. The
 * attempt number is chosen here (1 + the occurrence's highest). */
int aslog_begin(struct aslog *log, const struct aslog_row *row, int64_t *id);

/* Completes a row written by aslog_begin; -ENOENT when id is not a row
 * still on air. */
int aslog_finish(struct aslog *log, int64_t id, enum aslog_status status, const char *reason,
                 int64_t actual_start_ms, int64_t actual_end_ms, int64_t played_ms,
                 int underruns);

/* While a row is on air: its actual start (the first frame, once known)
 * and what has played so far, written every few seconds, so a row cut by
 * a crash keeps them (aslog_recover). -ENOENT when id is not on air. */
int aslog_progress(struct aslog *log, int64_t id, int64_t actual_start_ms, int64_t played_ms);

/* Sets a row's recordings JSON (the daemon writes a row before a long
 * recording's hash is known and fills it in later); -ENOENT: no such row. */
int aslog_set_recordings(struct aslog *log, int64_t id, const char *recordings);

/* Writes a finished row at once (missed, cancelled, failed before start).
 * -EEXIST when the occurrence already has a final row of any kind (aired,
 * on air, or recorded). row->status may not be ON_AIR or INTERRUPTED
 * (-EINVAL). */
int aslog_record(struct aslog *log, const struct aslog_row *row);

/* At start: every ON_AIR row left by a crash becomes INTERRUPTED
 * (reason "daemon stopped"), with the actual start and played time of its
 * last aslog_progress, actual end = that start + played (unknown: -1).
 * *n gets how many. */
int aslog_recover(struct aslog *log, int *n);

/* What the log knows about an occurrence: its latest row's status and the
 * number of attempts; -ENOENT when it has none. */
int aslog_occurrence_state(struct aslog *log, const char *occ_key, enum aslog_status *status,
                           int *attempts, int64_t *played_ms);

/* Rows whose planned start is in [from_ms, to_ms) (either may be -1 for
 * open), optionally only one status, in planned-start order (then key,
 * attempt). The callback returns non-zero to stop; that value is returned. */
struct aslog_filter {
    int64_t from_ms, to_ms;
    bool by_status;
    enum aslog_status status;
    /* Only what a report counts: occ_key, attempt, uid, title, categories,
     * unit, planned_start_ms, planned_end_ms, actual_start_ms, played_ms,
     * status, reason, source and priority; the other strings are "" and the
     * other numbers 0. */
    bool counts_only;
    /* Leave out the rows `loaxa simulate` wrote (device ASLOG_DEVICE_SIMULATE). */
    bool real_only;
    /* Only chained rows with seq > after_seq, in chain order (export, push). */
    bool chain_order;
    int64_t after_seq;
};
int aslog_query(struct aslog *log, const struct aslog_filter *f,
                int (*cb)(const struct aslog_row *row, void *ud), void *ud);

/* A deep copy of row in one malloc'd block (free() it): for rows kept in
 * memory until the log can take them (a full disk). */
struct aslog_row *aslog_row_dup(const struct aslog_row *row);

/* The device of rows `loaxa simulate` writes: never a real airing. */
#define ASLOG_DEVICE_SIMULATE "simulate"

/* 1 when the log holds a row that is not simulated, 0 when not, or negative. */
int aslog_has_real_rows(struct aslog *log);

/* Moves simulated rows out of the way in a station's log (an older loaxa
 * simulated into it): their occurrence keys get the prefix "simulate:", so
 * the daemon airs those occurrences. *n: how many. 0 or negative. */
int aslog_set_aside_simulated(struct aslog *log, int *n);

/* Approvals (station.approval = signed; doc/admin.md). A decision binds to
 * an item's content hash (programme_content_hash): rows are only added,
 * never changed, and the latest row of a (uid, content_hash) decides. */
enum aslog_decision { ASLOG_APPROVED, ASLOG_REJECTED };
const char *aslog_decision_name(enum aslog_decision d); /* "approved", "rejected" */

struct aslog_approval {
    const char *uid;
    const char *content_hash;     /* 64 hex digits */
    enum aslog_decision decision;
    const char *who;              /* "uid:1000(name)", "uid:998(loaxa-web) for web:NAME" */
    int64_t at_ms;
    const char *comment;          /* "" when none */
    const char *title;            /* the item's title when decided (for reports) */
};

/* Appends a decision; -EINVAL when a field is missing or the hash is not
 * 64 characters. */
int aslog_approval_add(struct aslog *log, const struct aslog_approval *a);
/* The latest decision of (uid, content_hash): returns it (ASLOG_APPROVED
 * or ASLOG_REJECTED, >= 0) after calling cb with the row (cb may be NULL;
 * its strings live during the call; a negative return of cb is returned),
 * -ENOENT when there is none, or another negative code. */
int aslog_approval_latest(struct aslog *log, const char *uid, const char *content_hash,
                          int (*cb)(const struct aslog_approval *a, void *ud), void *ud);
/* Decisions made in [from_ms, to_ms) (-1: open), oldest first; cb returns
 * non-zero to stop (returned). */
int aslog_approvals_query(struct aslog *log, int64_t from_ms, int64_t to_ms,
                          int (*cb)(const struct aslog_approval *a, void *ud), void *ud);

/* The tamper-evident chain (doc/export.md, "The chain"). Every row that is
 * final (not on air) gets, in the order it became final, a place seq
 * (1, 2, ...) and hash = SHA-256 of ASLOG_CHAIN_TAG "\n" followed by
 * netstrings ("<bytes>:<bytes>,") of: the previous row's hash (seq 1:
 * ASLOG_CHAIN_GENESIS), seq, occ_key, attempt, uid, plan_file, title,
 * categories, unit, priority, recordings, planned_start_ms,
 * planned_end_ms, actual_start_ms, actual_end_ms ("" for none), played_ms,
 * underruns, device, status, reason, source, operator; numbers in decimal.
 * The log links rows itself on every write that makes one final. */
#define ASLOG_CHAIN_TAG "loaxa-chain-1"
#define ASLOG_CHAIN_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The link of row r at place seq after prev (NULL or "": the first); out
 * gets 64 lowercase hex digits. The province checks pushed rows with it. */
void aslog_chain_hash(const struct aslog_row *r, int64_t seq, const char *prev, char out[65]);

/* The head: *count rows in the chain and the last one's hash ("" when
 * empty). */
int aslog_chain_head(struct aslog *log, int64_t *count, char head[65]);

enum aslog_chain_fault {
    ASLOG_CHAIN_OK,
    ASLOG_CHAIN_MISMATCH,   /* the row's content or its place changed */
    ASLOG_CHAIN_GAP,        /* seq skips expected_seq: rows were deleted */
    ASLOG_CHAIN_UNCHAINED,  /* a final row outside the chain (written around loaxa) */
};

struct aslog_chain_check {
    enum aslog_chain_fault fault;
    int64_t rows;           /* rows that matched, in order */
    char head[65];          /* the hash of the last row that matched */
    /* the first row that does not match */
    int64_t id, seq, expected_seq;
    int attempt;
    char occ_key[256];      /* cut when longer */
};

/* Walks the chain in seq order; 0 with c->fault telling what it found, or
 * a negative code when the log cannot be read. */
int aslog_chain_verify(struct aslog *log, struct aslog_chain_check *c);

/* Last SQLite error text, for messages. */
const char *aslog_errmsg(struct aslog *log);

/* Transactions around many writes (simulate writes a year in one). */
int aslog_tx_begin(struct aslog *log);
int aslog_tx_commit(struct aslog *log);
int aslog_tx_rollback(struct aslog *log);

#endif
