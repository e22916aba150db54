/* Rows the as-run log could not take (disk full, I/O error), kept in
 * memory in order and written as soon as it can. The log is the daemon's
 * memory of what aired: while a row waits here, its occurrence counts as
 * logged (backlog_has), so a reload cannot air it a second time.
 *
 * Each kept row is also in the journal (journal.h), and so is the start of
 * an airing the log refused, before its first sample: a restart (kill -9
 * included) reads them back (backlog_open_journal), counts their
 * occurrences as logged and writes them when the log has room. When the
 * journal is full, airing still goes on (it matters more than its row):
 * the rows past its capacity are kept in memory only, as before, and said
 * so once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/reasons.h"
#include "core/util.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"
#include "daemon/journal.h"

/* A full disk can last days; past this many rows the oldest are given up
 * (each one logged), so memory stays bounded. */
#define BACKLOG_MAX 5000

static void said_once(struct daemon *d, const char *why)
{
    if (d->n_backlog == 1)
        dlog(LOG_ERR, _("cannot write the as-run log (%s); keeping its rows in memory and "
                        "retrying every %d s"),
             why, BACKLOG_RETRY_MS / 1000);
}

/* The rows the log holds for key now: -1 when it cannot say. */
static int attempts_of(struct daemon *d, const char *key)
{
    int n = 0;
    int rc = aslog_occurrence_state(d->log, key, NULL, &n, NULL);
    return rc == 0 ? n : rc == -ENOENT ? 0 : -1;
}

/* Journals a row: its ticket, or 0 when there is no journal or no room. */
static int journal_row(struct daemon *d, enum journal_kind kind, int64_t id,
                       const struct aslog_row *row)
{
    if (!d->jn)
        return 0;
    struct journal_meta m = {.kind = kind, .id = id,
                             .attempts_before = attempts_of(d, row->occ_key)};
    int t = journal_add(d->jn, &m, row);
    if (t > 0) {
        d->journal_full_said = false;
        return t;
    }
    if (!d->journal_full_said)
        dlog(LOG_ERR, _("cannot write the journal (%s): rows the log refuses are kept in "
                        "memory only and are lost if the daemon stops"),
             t == -ENOSPC ? _("it is full") : strerror(-t));
    d->journal_full_said = true;
    return 0;
}

static void append(struct daemon *d, struct backlog_op op)
{
    if (d->n_backlog == BACKLOG_MAX) {
        dlog(LOG_ERR, _("as-run log row lost for %s (%s): the log has been unwritable too long"),
             d->backlog[0].row->occ_key,
             i18n_keyword(aslog_status_name(d->backlog[0].row->status)));
        journal_drop(d->jn, d->backlog[0].jticket);
        free(d->backlog[0].row);
        memmove(d->backlog, d->backlog + 1, --d->n_backlog * sizeof *d->backlog);
    }
    if (d->n_backlog == d->cap_backlog) {
        d->cap_backlog = d->cap_backlog ? d->cap_backlog * 2 : 16;
        d->backlog = xrealloc(d->backlog, d->cap_backlog * sizeof *d->backlog);
    }
    d->backlog[d->n_backlog++] = op;
}

/* Keeps op, journaled; its record replaces the one `replaces` (ticket) if
 * written, else that one stays its copy on disk. */
static void push(struct daemon *d, struct backlog_op op, enum journal_kind kind, int replaces,
                 const char *log_error)
{
    char why[256]; /* SQLite's reason, before the journal's query resets it */
    util_strlcpy(why, log_error, sizeof why);
    op.jticket = journal_row(d, kind, op.id, op.row);
    if (op.jticket)
        journal_drop(d->jn, replaces);
    else
        op.jticket = replaces;
    append(d, op);
    said_once(d, why);
    d->backlog_retry_mono = lclock_mono_ms(d->clk) + BACKLOG_RETRY_MS;
}

void backlog_add_row(struct daemon *d, struct aslog_row *row, bool went_on_air)
{
    push(d, (struct backlog_op){.row = row, .id = -1, .went_on_air = went_on_air},
         went_on_air ? JOURNAL_AIRED : JOURNAL_RECORD, 0, aslog_errmsg(d->log));
}

void backlog_add_aired(struct daemon *d, struct aslog_row *row, int started_ticket)
{
    /* the log refused its start; nothing has been tried since */
    push(d, (struct backlog_op){.row = row, .id = -1, .went_on_air = true}, JOURNAL_AIRED,
         started_ticket, d->log_error);
}

int backlog_journal_start(struct daemon *d, const struct aslog_row *on_air)
{
    util_strlcpy(d->log_error, aslog_errmsg(d->log), sizeof d->log_error);
    return journal_row(d, JOURNAL_STARTED, -1, on_air);
}

void backlog_add_finish(struct daemon *d, int64_t id, const struct sched_entry *e,
                        enum aslog_status st, const char *reason, int64_t start_ms,
                        int64_t end_ms, int64_t played_ms, int underruns)
{
    struct aslog_row r = {
        .occ_key = e->key, .status = st, .reason = reason, .actual_start_ms = start_ms,
        .actual_end_ms = end_ms, .played_ms = played_ms, .underruns = underruns,
    };
    push(d, (struct backlog_op){.row = aslog_row_dup(&r), .id = id, .went_on_air = true},
         JOURNAL_FINISH, 0, aslog_errmsg(d->log));
}

bool backlog_has(const struct daemon *d, const char *key)
{
    for (size_t i = 0; i < d->n_backlog; i++)
        if (strcmp(d->backlog[i].row->occ_key, key) == 0)
            return true;
    return false;
}

/* One kept row into the log: 0 when written (or when the log turns out to
 * hold it already), negative when it still cannot be written. */
static int write_op(struct daemon *d, struct backlog_op *op)
{
    const struct aslog_row *r = op->row;
    int rc;
    if (!op->went_on_air) {
        rc = aslog_record(d->log, r);
        return rc == -EEXIST ? 0 : rc;
    }
    if (op->id < 0) {
        /* read back from the journal but written before the restart (its
         * record is freed lazily): the log has the attempt already */
        int now = op->attempts_before >= 0 ? attempts_of(d, r->occ_key) : -1;
        if (now > op->attempts_before)
            return 0;
        /* it aired with no row: the whole row, begun and finished */
        struct aslog_row on = *r;
        on.status = ASLOG_ON_AIR;
        on.reason = "";
        rc = aslog_begin(d->log, &on, &op->id);
        if (rc == -EEXIST)
            return 0;
        if (rc < 0)
            return rc;
    }
    rc = aslog_finish(d->log, op->id, r->status, r->reason, r->actual_start_ms,
                      r->actual_end_ms, r->played_ms, r->underruns);
    return rc == -ENOENT ? 0 : rc; /* -ENOENT: no longer on air (recovered meanwhile) */
}

size_t backlog_flush(struct daemon *d)
{
    size_t done = 0;
    while (done < d->n_backlog && write_op(d, &d->backlog[done]) == 0) {
        journal_drop(d->jn, d->backlog[done].jticket);
        free(d->backlog[done++].row);
    }
    if (done) {
        memmove(d->backlog, d->backlog + done, (d->n_backlog - done) * sizeof *d->backlog);
        d->n_backlog -= done;
        if (!d->n_backlog)
            dlog(LOG_NOTICE, _("the as-run log is writable again; %zu kept row(s) written"),
                 done);
    }
    d->backlog_retry_mono = lclock_mono_ms(d->clk) + BACKLOG_RETRY_MS;
    return d->n_backlog;
}

void backlog_fini(struct daemon *d)
{
    if (d->n_backlog && d->log)
        backlog_flush(d);
    size_t kept = 0;
    for (size_t i = 0; i < d->n_backlog; i++) {
        if (d->backlog[i].jticket)
            kept++;
        else
            dlog(LOG_ERR, _("as-run log row lost for %s (%s): %s"), d->backlog[i].row->occ_key,
                 i18n_keyword(aslog_status_name(d->backlog[i].row->status)),
                 aslog_errmsg(d->log));
        free(d->backlog[i].row);
    }
    if (kept)
        dlog(LOG_WARNING, _("%zu as-run log row(s) kept in the journal; they are written at "
                            "the next start"), kept);
    free(d->backlog);
    d->backlog = NULL;
    d->n_backlog = d->cap_backlog = 0;
}

/* ---- the journal at start ---- */

static void replayed(void *ud, int ticket, const struct journal_meta *m,
                     const struct aslog_row *row)
{
    struct daemon *d = ud;
    struct aslog_row r = *row;
    struct backlog_op op = {.id = -1, .went_on_air = true, .jticket = ticket,
                            .attempts_before = m->attempts_before, .replayed = true};
    switch (m->kind) {
    case JOURNAL_STARTED:
        /* on air when the daemon stopped, as aslog_recover says it */
        r.status = ASLOG_INTERRUPTED;
        r.reason = REASON_DAEMON_STOPPED;
        r.actual_end_ms = -1;
        op.from_start = true;
        break;
    case JOURNAL_AIRED:
        /* its start's record, if still there (a stop between the two
         * writes), is the same attempt: the whole row replaces it */
        for (size_t i = 0; i < d->n_backlog; i++) {
            struct backlog_op *o = &d->backlog[i];
            if (o->replayed && o->id < 0 && o->went_on_air &&
                o->attempts_before == m->attempts_before &&
                o->from_start && strcmp(o->row->occ_key, row->occ_key) == 0) {
                journal_drop(d->jn, o->jticket);
                free(o->row);
                memmove(o, o + 1, (d->n_backlog - i - 1) * sizeof *o);
                d->n_backlog--;
                break;
            }
        }
        break;
    case JOURNAL_RECORD: op.went_on_air = false; break;
    case JOURNAL_FINISH: op.id = m->id; break;
    }
    op.row = aslog_row_dup(&r);
    append(d, op);
}

int backlog_open_journal(struct daemon *d)
{
    char err[512];
    char *path = xasprintf("%s.journal", d->cfg->db_path);
    int rc = journal_open(path, &d->jn, err, sizeof err);
    free(path);
    if (rc < 0) {
        dlog(LOG_ERR, _("%s; rows the log refuses will be kept in memory only"), err);
        return rc;
    }
    journal_replay(d->jn, replayed, d);
    size_t n = d->n_backlog;
    if (!n)
        return 0;
    dlog(LOG_NOTICE, _("%zu as-run log row(s) read back from the journal; their occurrences "
                       "count as logged"), n);
    if (backlog_flush(d))
        dlog(LOG_ERR, _("cannot write the as-run log (%s); keeping its rows in memory and "
                        "retrying every %d s"),
             aslog_errmsg(d->log), BACKLOG_RETRY_MS / 1000);
    return 0;
}
