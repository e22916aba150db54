/* The connection and `loaxa push`: a station's final rows, read from its
 * log read-only, sent in chain order after the position the province has
 * for the station. Each batch is one transaction that COPYs the rows into a
 * temporary table, inserts them with ON CONFLICT DO NOTHING (the unique key
 * station + occurrence + attempt) and moves loaxa.stations.pushed_pos, so a
 * push killed at any point leaves the province at a batch boundary and the
 * next one goes on from there: no duplicates, no gaps, no local state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/i18n.h"
#include "core/util.h"
#include "plan/plan.h"
#include "province/province_internal.h"

static void set_err(char *err, size_t errlen, const char *what, PGconn *c, PGresult *r)
{
    const char *m = r ? PQresultErrorMessage(r) : "";
    if (!*m && c)
        m = PQerrorMessage(c);
    snprintf(err, errlen, "%s: %s", what, *m ? m : "?");
    size_t n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
}

int province_exec_ok(struct province *p, PGresult *r, const char *what, char *err, size_t errlen)
{
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_COPY_IN)
        return 0;
    set_err(err, errlen, what, p->conn, r);
    PQclear(r);
    return -EIO;
}

int province_connect(const char *url, const char *password_file, struct province **out,
                     char *err, size_t errlen)
{
    *out = NULL;
    char *pw = NULL;
    if (password_file && *password_file) {
        size_t len;
        int e = util_read_file(password_file, 4096, &pw, &len);
        if (e < 0) {
            snprintf(err, errlen, "%s: %s", password_file, strerror(-e));
            return e;
        }
        pw[strcspn(pw, "\r\n")] = '\0';
    }
    /* the URI's own settings win over the timeout; the file's password over
     * the URI's (a password does not belong in a setting) */
    const char *keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                          pw ? "password" : NULL, NULL};
    const char *vals[] = {"10", "loaxa", "UTF8", url, pw, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    if (!c || PQstatus(c) != CONNECTION_OK) {
        set_err(err, errlen, "PostgreSQL", c, NULL);
        PQfinish(c);
        return -ECONNREFUSED;
    }
    struct province *p = xcalloc(1, sizeof *p);
    p->conn = c;
    PGresult *r = PQexec(c, "SET TIME ZONE 'UTC'; SET client_min_messages = warning");
    if (province_exec_ok(p, r, "PostgreSQL", err, errlen) < 0) {
        province_close(p);
        return -EIO;
    }
    PQclear(r);
    *out = p;
    return 0;
}

void province_close(struct province *p)
{
    if (!p)
        return;
    PQfinish(p->conn);
    free(p);
}

bool province_code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > PROVINCE_MAX_CODE)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* ---- reading the log ---- */

struct rowvec {
    struct aslog_row **v;
    size_t n, cap;
};

static int collect(const struct aslog_row *row, void *ud)
{
    struct rowvec *rv = ud;
    if (rv->n == rv->cap) {
        rv->cap = rv->cap ? rv->cap * 2 : 1024;
        rv->v = xrealloc(rv->v, rv->cap * sizeof *rv->v);
    }
    rv->v[rv->n++] = aslog_row_dup(row);
    return 0;
}

/* ---- COPY text format ---- */

static void copy_str(struct strbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\': strbuf_puts(b, "\\\\"); break;
        case '\t': strbuf_puts(b, "\\t"); break;
        case '\n': strbuf_puts(b, "\\n"); break;
        case '\r': strbuf_puts(b, "\\r"); break;
        default: strbuf_add(b, s, 1);
        }
    }
}

static void copy_opt_ms(struct strbuf *b, int64_t v)
{
    if (v < 0)
        strbuf_puts(b, "\\N");
    else
        strbuf_printf(b, "%lld", (long long)v);
}

static const char *level_name(enum plan_level l)
{
    return l == PLAN_LEVEL_EMERGENCY ? "emergency" : l == PLAN_LEVEL_PRIORITY ? "priority"
                                                                                : "normal";
}

/* One COPY line; the column order of COPY_COLS. */
static void copy_row(struct strbuf *b, const char *station, const struct aslog_row *r,
                     bool no_emergency_from_priority)
{
    enum plan_level lv = r->source == ASLOG_SOURCE_EMERGENCY
                             ? PLAN_LEVEL_EMERGENCY
                             : plan_level_of_priority(r->priority,
                                                      r->source == ASLOG_SOURCE_PLAN &&
                                                          no_emergency_from_priority);
    copy_str(b, station);
    strbuf_printf(b, "\t%lld\t", (long long)province_row_pos(r));
    copy_str(b, province_row_hash(r));
    strbuf_puts(b, "\t");
    copy_str(b, r->occ_key);
    strbuf_printf(b, "\t%d\t", r->attempt);
    const char *strs[] = {r->uid, r->plan_file, r->title, r->categories, r->unit};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
        copy_str(b, strs[i] ? strs[i] : "");
        strbuf_puts(b, "\t");
    }
    strbuf_printf(b, "%d\t%s\t", r->priority, level_name(lv));
    copy_str(b, r->recordings ? r->recordings : "[]");
    strbuf_printf(b, "\t%lld\t%lld\t", (long long)r->planned_start_ms,
                  (long long)r->planned_end_ms);
    copy_opt_ms(b, r->actual_start_ms);
    strbuf_puts(b, "\t");
    copy_opt_ms(b, r->actual_end_ms);
    strbuf_printf(b, "\t%lld\t%d\t", (long long)r->played_ms, r->underruns);
    copy_str(b, r->device ? r->device : "");
    strbuf_printf(b, "\t%s\t", aslog_status_name(r->status));
    copy_str(b, r->reason ? r->reason : "");
    strbuf_printf(b, "\t%s\t", aslog_source_name(r->source));
    copy_str(b, r->operator_name ? r->operator_name : "");
    strbuf_puts(b, "\n");
}

#define COPY_COLS "station, chain_pos, row_hash, occ_key, attempt, uid, plan_file, title," \
                  " categories, unit, priority, level, recordings, planned_start_ms," \
                  " planned_end_ms, actual_start_ms, actual_end_ms, played_ms, underruns," \
                  " device, status, reason, source, operator"

static int send_batch(struct province *p, const struct province_station *st,
                      struct aslog_row **rows, size_t n, int64_t expect_pos,
                      const struct province_push_opts *o, long *added, char *err,
                      size_t errlen)
{
    PGconn *c = p->conn;
    PGresult *r = PQexec(c, "BEGIN");
    if (province_exec_ok(p, r, "BEGIN", err, errlen) < 0)
        return -EIO;
    PQclear(r);
    /* the row lock serialises two pushes of one station; the position must
     * still be the one the rows were chosen after */
    const char *pv[1] = {st->code};
    r = PQexecParams(c, "SELECT pushed_pos FROM loaxa.stations WHERE code = $1 FOR UPDATE", 1,
                     NULL, pv, NULL, NULL, 0);
    if (province_exec_ok(p, r, "loaxa.stations", err, errlen) < 0)
        goto fail;
    int64_t now_pos = PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    if (now_pos != expect_pos) {
        snprintf(err, errlen, _("station %s: the province is at position %lld, not %lld "
                 "(another push?)"), st->code, (long long)now_pos, (long long)expect_pos);
        goto fail_nr;
    }
    r = PQexec(c, "COPY pg_temp.push_rows (" COPY_COLS ") FROM STDIN");
    if (province_exec_ok(p, r, "COPY", err, errlen) < 0)
        goto fail;
    PQclear(r);
    struct strbuf b = {0};
    bool real = false;
    for (size_t i = 0; i < n; i++) {
        copy_row(&b, st->code, rows[i], o->no_emergency_from_priority);
        real |= strcmp(rows[i]->device ? rows[i]->device : "", ASLOG_DEVICE_SIMULATE) != 0;
        if (b.len > (1 << 20) || i + 1 == n) {
            if (PQputCopyData(c, b.s, (int)b.len) != 1) {
                strbuf_free(&b);
                set_err(err, errlen, "COPY", c, NULL);
                goto fail_nr;
            }
            b.len = 0;
        }
    }
    strbuf_free(&b);
    if (PQputCopyEnd(c, NULL) != 1) {
        set_err(err, errlen, "COPY", c, NULL);
        goto fail_nr;
    }
    r = PQgetResult(c);
    if (province_exec_ok(p, r, "COPY", err, errlen) < 0)
        goto fail;
    PQclear(r);
    while ((r = PQgetResult(c)))
        PQclear(r);
    r = PQexec(c, "INSERT INTO loaxa.rows (" COPY_COLS ", planned_start)"
                  " SELECT " COPY_COLS ", to_timestamp(planned_start_ms / 1000.0)"
                  " FROM pg_temp.push_rows ON CONFLICT DO NOTHING");
    if (province_exec_ok(p, r, "INSERT", err, errlen) < 0)
        goto fail;
    *added = strtol(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    char pos[24];
    snprintf(pos, sizeof pos, "%lld", (long long)province_row_pos(rows[n - 1]));
    const char *uv[4] = {st->code, pos, province_row_hash(rows[n - 1]), real ? "t" : "f"};
    r = PQexecParams(c, "UPDATE loaxa.stations SET pushed_pos = $2, pushed_head = $3,"
                        " pushed_at = now(), has_real = has_real OR $4 WHERE code = $1",
                     4, NULL, uv, NULL, NULL, 0);
    if (province_exec_ok(p, r, "loaxa.stations", err, errlen) < 0)
        goto fail;
    PQclear(r);
    r = PQexec(c, "COMMIT");
    if (province_exec_ok(p, r, "COMMIT", err, errlen) < 0)
        goto fail;
    PQclear(r);
    return 0;
fail:
fail_nr:
    PQclear(PQexec(c, "ROLLBACK"));
    return -EIO;
}

int province_push(struct province *p, struct aslog *log, const struct province_station *st,
                  const struct province_push_opts *o, struct province_push_result *res,
                  char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (!province_code_ok(st->code)) {
        snprintf(err, errlen, _("bad station code \"%s\" ([A-Za-z0-9._-], 1 to %d)"),
                 st->code ? st->code : "", PROVINCE_MAX_CODE);
        return -EINVAL;
    }
    if (strlen(st->commune) > PROVINCE_MAX_NAME || strlen(st->province) > PROVINCE_MAX_NAME) {
        snprintf(err, errlen, _("commune or province name over %d bytes"), PROVINCE_MAX_NAME);
        return -EINVAL;
    }
    int batch = o->batch_rows > 0 ? o->batch_rows : 5000;
    PGconn *c = p->conn;
    int rc = -EIO;
    struct rowvec rv = {0};
    const char *sv[3] = {st->code, st->commune, st->province};
    PGresult *r = PQexecParams(c, "INSERT INTO loaxa.stations (code, commune, province)"
                                  " VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE"
                                  " SET commune = CASE WHEN EXCLUDED.commune = ''"
                                  " THEN stations.commune ELSE EXCLUDED.commune END,"
                                  " province = CASE WHEN EXCLUDED.province = ''"
                                  " THEN stations.province ELSE EXCLUDED.province END"
                                  " RETURNING pushed_pos",
                               3, NULL, sv, NULL, NULL, 0);
    if (province_exec_ok(p, r, "loaxa.stations", err, errlen) < 0)
        return -EIO;
    int64_t pos = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    res->from_pos = res->to_pos = pos;
    r = PQexec(c, "CREATE TEMP TABLE IF NOT EXISTS push_rows (station text, chain_pos bigint,"
                  " row_hash text, occ_key text, attempt integer, uid text, plan_file text,"
                  " title text, categories text, unit text, priority integer, level text,"
                  " recordings text, planned_start_ms bigint, planned_end_ms bigint,"
                  " actual_start_ms bigint, actual_end_ms bigint, played_ms bigint,"
                  " underruns integer, device text, status text, reason text, source text,"
                  " operator text) ON COMMIT DELETE ROWS");
    if (province_exec_ok(p, r, "CREATE TEMP TABLE", err, errlen) < 0)
        return -EIO;
    PQclear(r);

    /* the chain holds final rows only (a row on air joins it when it ends),
     * in the order they became final: what follows the province's place */
    struct aslog_filter f = {.from_ms = -1, .to_ms = -1, .chain_order = true,
                             .after_seq = pos};
    int qr = aslog_query(log, &f, collect, &rv);
    if (qr < 0) {
        snprintf(err, errlen, _("the as-run log: %s"), aslog_errmsg(log));
        rc = qr;
        goto done;
    }
    size_t upto = rv.n;
    for (size_t i = 0; i < rv.n; i++) {
        /* the log's own order, checked: a hole would be a gap for good */
        if (province_row_pos(rv.v[i]) != pos + 1 + (int64_t)i) {
            snprintf(err, errlen, _("the log's chain skips from %lld to %lld: run loaxa log verify"),
                     (long long)(pos + (int64_t)i), (long long)province_row_pos(rv.v[i]));
            rc = -EBADMSG;
            goto done;
        }
    }
    for (size_t at = 0; at < upto; at += (size_t)batch) {
        size_t n = upto - at < (size_t)batch ? upto - at : (size_t)batch;
        long added = 0;
        if ((rc = send_batch(p, st, rv.v + at, n, pos, o, &added, err, errlen)) < 0)
            goto done;
        pos = province_row_pos(rv.v[at + n - 1]);
        res->to_pos = pos;
        res->sent += (long)n;
        res->added += added;
        res->batches++;
        if (o->progress && o->progress(pos, res->sent, o->ud)) {
            rc = -EINTR;
            goto done;
        }
    }
    rc = 0;
done:
    for (size_t i = 0; i < rv.n; i++)
        free(rv.v[i]);
    free(rv.v);
    return rc;
}
