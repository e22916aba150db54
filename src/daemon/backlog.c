/* Rows the as-run log could not take (disk full, I/O error), kept in
 * memory in order and written as soon as it can. The log is the daemon's
 * memory of what aired: while a row waits here, its occurrence counts as
 * logged (backlog_has), so a reload cannot air it a second time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"

/* A full disk can last days; past this many rows the oldest are given up
 * (each one logged), so memory stays bounded. */
#define BACKLOG_MAX 5000

static void said_once(struct daemon *d)
{
    if (d->n_backlog == 1)
        dlog(LOG_ERR, _("cannot write the as-run log (%s); keeping its rows in memory and "
                        "retrying every %d s"),
             aslog_errmsg(d->log), BACKLOG_RETRY_MS / 1000);
}

static void push(struct daemon *d, struct backlog_op op)
{
    if (d->n_backlog == BACKLOG_MAX) {
        dlog(LOG_ERR, _("as-run log row lost for %s (%s): the log has been unwritable too long"),
             d->backlog[0].row->occ_key, aslog_status_name(d->backlog[0].row->status));
        free(d->backlog[0].row);
        memmove(d->backlog, d->backlog + 1, --d->n_backlog * sizeof *d->backlog);
    }
    if (d->n_backlog == d->cap_backlog) {
        d->cap_backlog = d->cap_backlog ? d->cap_backlog * 2 : 16;
        d->backlog = xrealloc(d->backlog, d->cap_backlog * sizeof *d->backlog);
    }
    d->backlog[d->n_backlog++] = op;
    said_once(d);
    d->backlog_retry_mono = lclock_mono_ms(d->clk) + BACKLOG_RETRY_MS;
}

void backlog_add_row(struct daemon *d, struct aslog_row *row, bool went_on_air)
{
    push(d, (struct backlog_op){.row = row, .id = -1, .went_on_air = went_on_air});
}

void backlog_add_finish(struct daemon *d, int64_t id, const struct sched_entry *e,
                        enum aslog_status st, const char *reason, int64_t start_ms,
                        int64_t end_ms, int64_t played_ms, int underruns)
{
    struct aslog_row r = {
        .occ_key = e->key, .status = st, .reason = reason, .actual_start_ms = start_ms,
        .actual_end_ms = end_ms, .played_ms = played_ms, .underruns = underruns,
    };
    push(d, (struct backlog_op){.row = aslog_row_dup(&r), .id = id, .went_on_air = true});
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
    while (done < d->n_backlog && write_op(d, &d->backlog[done]) == 0)
        free(d->backlog[done++].row);
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
    for (size_t i = 0; i < d->n_backlog; i++) {
        dlog(LOG_ERR, _("as-run log row lost for %s (%s): %s"), d->backlog[i].row->occ_key,
             aslog_status_name(d->backlog[i].row->status), aslog_errmsg(d->log));
        free(d->backlog[i].row);
    }
    free(d->backlog);
    d->backlog = NULL;
    d->n_backlog = d->cap_backlog = 0;
}
