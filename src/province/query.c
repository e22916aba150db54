/* `loaxa province verify` and `report`: reading the province's rows back.
 * verify walks each station's rows in chain order (positions 1..pushed_pos,
 * each once, and the chain's hashes recomputed in C with the station log's
 * own function when the rows carry them); report counts in SQL the way the
 * commune report counts its log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reasons.h"
#include "core/i18n.h"
#include "core/util.h"
#include "province/province_internal.h"

static int source_parse(const char *s, enum aslog_source *out)
{
    static const enum aslog_source all[] = {ASLOG_SOURCE_PLAN, ASLOG_SOURCE_ADHOC,
                                            ASLOG_SOURCE_EMERGENCY};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        if (strcmp(s, aslog_source_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -EINVAL;
}

static int64_t opt_ms(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? -1 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

#define VERIFY_COLS "chain_pos, row_hash, occ_key, attempt, uid, plan_file, title, categories," \
                    " unit, priority, recordings, planned_start_ms, planned_end_ms," \
                    " actual_start_ms, actual_end_ms, played_ms, underruns, device, status," \
                    " reason, source, operator"

/* The station's rows in chain order: positions 1, 2, ... each once, and
 * each row's hash recomputed over its content and the previous hash with
 * the station log's own function (aslog_chain_hash): an edited, deleted,
 * inserted or reordered row fails at its position. */
static void verify_station(struct province *p, const char *code, const char *commune,
                           int64_t pushed_pos, struct province_verify_result *vr,
                           char *note, size_t notelen, int *rc, char *err, size_t errlen)
{
    memset(vr, 0, sizeof *vr);
    vr->code = code;
    vr->commune = commune;
    vr->pushed_pos = pushed_pos;
    vr->first_bad_pos = -1;
    vr->ok = true;
    vr->hashed = true;
    note[0] = '\0';
    vr->note = note;
    /* up to the position read before: a push commits its rows and its
     * position together, so a push running now cannot make a false gap */
    char upto[24];
    snprintf(upto, sizeof upto, "%lld", (long long)pushed_pos);
    const char *pv[2] = {code, upto};
    PGresult *r = PQexecParams(p->conn, "SELECT " VERIFY_COLS " FROM loaxa.rows"
                                        " WHERE station = $1 AND chain_pos <= $2::bigint"
                                        " ORDER BY chain_pos, received_at",
                               2, NULL, pv, NULL, NULL, 0);
    if (province_exec_ok(p, r, "loaxa.rows", err, errlen) < 0) {
        *rc = -EIO;
        return;
    }
    int n = PQntuples(r);
    vr->rows = n;
    char prev[65] = "", want[65];
    for (int i = 0; i < n; i++) {
        int64_t pos = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        if (pos != (int64_t)i + 1) {
            vr->ok = false;
            vr->first_bad_pos = pos < i + 1 ? pos : i + 1;
            snprintf(note, notelen, pos < i + 1 ? _("position %lld twice")
                                                : _("rows missing from position %lld"),
                     (long long)vr->first_bad_pos);
            break;
        }
        struct aslog_row row = {
            .occ_key = PQgetvalue(r, i, 2), .attempt = atoi(PQgetvalue(r, i, 3)),
            .uid = PQgetvalue(r, i, 4), .plan_file = PQgetvalue(r, i, 5),
            .title = PQgetvalue(r, i, 6), .categories = PQgetvalue(r, i, 7),
            .unit = PQgetvalue(r, i, 8), .priority = atoi(PQgetvalue(r, i, 9)),
            .recordings = PQgetvalue(r, i, 10),
            .planned_start_ms = strtoll(PQgetvalue(r, i, 11), NULL, 10),
            .planned_end_ms = strtoll(PQgetvalue(r, i, 12), NULL, 10),
            .actual_start_ms = opt_ms(r, i, 13), .actual_end_ms = opt_ms(r, i, 14),
            .played_ms = strtoll(PQgetvalue(r, i, 15), NULL, 10),
            .underruns = atoi(PQgetvalue(r, i, 16)), .device = PQgetvalue(r, i, 17),
            .reason = PQgetvalue(r, i, 19), .operator_name = PQgetvalue(r, i, 21),
        };
        bool parsed = aslog_status_parse(PQgetvalue(r, i, 18), &row.status) == 0 &&
                      source_parse(PQgetvalue(r, i, 20), &row.source) == 0;
        if (parsed)
            aslog_chain_hash(&row, pos, prev, want);
        if (!parsed || strcmp(want, PQgetvalue(r, i, 1)) != 0) {
            vr->ok = false;
            vr->first_bad_pos = pos;
            snprintf(note, notelen, _("row %lld (%.100s #%d) does not match its hash"),
                     (long long)pos, row.occ_key, row.attempt);
            break;
        }
        memcpy(prev, want, sizeof prev);
    }
    if (vr->ok && (int64_t)n != pushed_pos) {
        vr->ok = false;
        vr->first_bad_pos = n + 1;
        snprintf(note, notelen, _("rows missing from position %lld"), (long long)n + 1);
    }
    PQclear(r);
}

int province_verify(struct province *p, const char *only_code,
                    void (*cb)(const struct province_verify_result *r, void *ud), void *ud,
                    long *n_failed, char *err, size_t errlen)
{
    *n_failed = 0;
    const char *pv[1] = {only_code};
    PGresult *st = PQexecParams(p->conn, "SELECT code, commune, pushed_pos FROM loaxa.stations"
                                         " WHERE $1::text IS NULL OR code = $1 ORDER BY code",
                                1, NULL, pv, NULL, NULL, 0);
    if (province_exec_ok(p, st, "loaxa.stations", err, errlen) < 0)
        return -EIO;
    int rc = 0;
    if (only_code && PQntuples(st) == 0) {
        snprintf(err, errlen, _("no station %s in the province"), only_code);
        rc = -ENOENT;
    }
    for (int i = 0; rc == 0 && i < PQntuples(st); i++) {
        struct province_verify_result vr;
        char note[256];
        verify_station(p, PQgetvalue(st, i, 0), PQgetvalue(st, i, 1),
                       strtoll(PQgetvalue(st, i, 2), NULL, 10), &vr, note, sizeof note, &rc,
                       err, errlen);
        if (rc < 0)
            break;
        if (!vr.ok)
            (*n_failed)++;
        char bad[24];
        /* ok: verified up to the position pushed then; else the first bad one */
        snprintf(bad, sizeof bad, "%lld",
                 (long long)(vr.ok ? vr.pushed_pos : vr.first_bad_pos));
        const char *uv[4] = {vr.code, vr.ok ? "t" : "f", bad, note};
        PGresult *u = PQexecParams(p->conn, "UPDATE loaxa.stations SET verified_ok = $2,"
                                            " verified_pos = $3, verified_at = now(),"
                                            " verify_note = $4 WHERE code = $1",
                                   4, NULL, uv, NULL, NULL, 0);
        if (province_exec_ok(p, u, "loaxa.stations", err, errlen) < 0) {
            rc = -EIO;
            break;
        }
        PQclear(u);
        if (cb)
            cb(&vr, ud);
    }
    PQclear(st);
    return rc;
}

/* One pass over the period's rows (the partitions of its years), no sort:
 * an occurrence has one row per attempt, attempt 1 always, and at most one
 * row that ends it (aired, or missed/cancelled/failed written off: the
 * log's unique index), so "planned" is its first attempts less those
 * written off as cancelled or not approved (STATUS:TENTATIVE), "aired" its
 * aired rows. The commune report counts the same from the same rows. */
static const char report_sql[] =
    "WITH a AS ("
    "  SELECT station, count(*) AS nrows,"
    "    count(*) FILTER (WHERE planoc AND attempt = 1)"
    "      - count(*) FILTER (WHERE planoc AND (status = 'cancelled'"
    "          OR (status = 'missed' AND starts_with(reason, $3::text)))) AS planned,"
    "    count(*) FILTER (WHERE planoc AND status = 'aired') AS aired,"
    "    count(*) FILTER (WHERE sound AND level = 'emergency') AS emerg,"
    "    count(*) FILTER (WHERE sound AND planoc) AS airings,"
    "    coalesce(sum(played_ms) FILTER (WHERE sound AND source <> 'relay'), 0) AS own_ms,"
    "    coalesce(sum(played_ms) FILTER (WHERE sound AND source = 'relay'), 0) AS relay_ms"
    "  FROM (SELECT r.station, r.attempt, r.status, r.reason, r.level, r.source, r.played_ms,"
    "          r.played_ms > 0 AND r.status IN ('aired', 'interrupted') AS sound,"
    "          (r.source = 'plan' OR r.occ_key NOT LIKE 'adhoc/%') AS planoc"
    "        FROM loaxa.rows r JOIN loaxa.stations s ON s.code = r.station"
    "        WHERE r.planned_start >= to_timestamp($1::bigint / 1000.0) - interval '1 second'"
    "          AND r.planned_start < to_timestamp($2::bigint / 1000.0) + interval '1 second'"
    "          AND r.planned_start_ms >= $1::bigint AND r.planned_start_ms < $2::bigint"
    "          AND (r.device <> 'simulate' OR NOT s.has_real)) x"
    "  GROUP BY station"
    ")"
    " SELECT s.code, s.commune, s.province, coalesce(a.planned, 0), coalesce(a.aired, 0),"
    "   coalesce(a.emerg, 0), coalesce(a.airings, 0), coalesce(a.nrows, 0),"
    "   coalesce(a.own_ms, 0), coalesce(a.relay_ms, 0),"
    "   CASE WHEN NOT s.verified_ok THEN -1"
    "     WHEN s.verified_ok AND s.verified_pos = s.pushed_pos THEN 1 ELSE 0 END,"
    "   0,"
    "   coalesce((extract(epoch FROM s.pushed_at) * 1000)::bigint, -1)"
    " FROM loaxa.stations s LEFT JOIN a ON a.station = s.code"
    " ORDER BY s.commune, s.code";

int province_report_build(struct province *p, int64_t from_ms, int64_t to_ms,
                          struct province_report **out, char *err, size_t errlen)
{
    *out = NULL;
    char f[24], t[24];
    snprintf(f, sizeof f, "%lld", (long long)from_ms);
    snprintf(t, sizeof t, "%lld", (long long)to_ms);
    const char *v[3] = {f, t, REASON_TENTATIVE};
    PGresult *r = PQexecParams(p->conn, report_sql, 3, NULL, v, NULL, NULL, 0);
    if (province_exec_ok(p, r, "report", err, errlen) < 0)
        return -EIO;
    struct province_report *rep = xcalloc(1, sizeof *rep);
    rep->n = (size_t)PQntuples(r);
    rep->lines = xcalloc(rep->n ? rep->n : 1, sizeof *rep->lines);
    struct province_line *tot = &rep->total;
    for (size_t i = 0; i < rep->n; i++) {
        struct province_line *l = &rep->lines[i];
        int k = (int)i;
        l->code = xstrdup(PQgetvalue(r, k, 0));
        l->commune = xstrdup(PQgetvalue(r, k, 1));
        l->province = xstrdup(PQgetvalue(r, k, 2));
        l->planned = strtol(PQgetvalue(r, k, 3), NULL, 10);
        l->aired = strtol(PQgetvalue(r, k, 4), NULL, 10);
        l->emergencies = strtol(PQgetvalue(r, k, 5), NULL, 10);
        l->airings = strtol(PQgetvalue(r, k, 6), NULL, 10);
        l->rows = strtol(PQgetvalue(r, k, 7), NULL, 10);
        l->own_ms = strtoll(PQgetvalue(r, k, 8), NULL, 10);
        l->relay_ms = strtoll(PQgetvalue(r, k, 9), NULL, 10);
        l->chain = atoi(PQgetvalue(r, k, 10));
        l->gaps = strtol(PQgetvalue(r, k, 11), NULL, 10);
        l->pushed_at_ms = strtoll(PQgetvalue(r, k, 12), NULL, 10);
        l->reported = l->rows > 0;
        tot->planned += l->planned;
        tot->aired += l->aired;
        tot->emergencies += l->emergencies;
        tot->airings += l->airings;
        tot->rows += l->rows;
        tot->own_ms += l->own_ms;
        tot->relay_ms += l->relay_ms;
        tot->gaps += l->gaps;
        rep->n_reported += l->reported;
        rep->n_chain_failed += l->chain < 0 || l->gaps > 0;
        rep->n_unverified += l->chain == 0;
    }
    PQclear(r);
    *out = rep;
    return 0;
}

void province_report_free(struct province_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->lines[i].code);
        free(r->lines[i].commune);
        free(r->lines[i].province);
    }
    free(r->lines);
    free(r);
}
