/* The report as CSV (RFC 4180: comma, CRLF, UTF-8; a BOM first when asked,
 * which Excel needs to read UTF-8 on a double click), in two shapes:
 *
 * One table as a grid (opt->table: a table's key; NULL: the summary), for
 * the officer's spreadsheet: a row of the column titles in the report's
 * language, the rows, the total row where the table has one; the printed
 * columns first, then the machine ones (UID, occurrence key). Numbers stay
 * machine-readable: '.' decimal, no grouping, airtime in minutes to a
 * tenth, rates in percent to a tenth, times ISO 8601 with the offset; a
 * text Excel would run as a formula starts with an apostrophe.
 * With opt->keys, for programs: a header of the columns' stable keys,
 * airtime in ms as the keys (aired_ms) say, no total row.
 *
 * Every table in one long file (opt->table "all"), for other programs:
 *
 *   table,row,field,value
 *
 * table: header, plan_file, summary, item, topic, month, incident, then
 *        the tables added since by their grid keys, then approval
 *        (station.approval = signed: only when the period has decisions);
 * row:   1, 2, ... within the table (header and summary: 1);
 * field: a fixed English key, never translated; value: the figure or text,
 *        statuses and sources as their stable keys (aired, adhoc), airtime
 *        in minutes to a tenth (in ms in the added tables: keys in _ms).
 * Its first five tables are spelled out here rather than taken from the
 * grids, whose cells are the officer's words ("đột xuất"), so that programs
 * reading it since the first version keep working. */
#include "report/report_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/text.h"
#include "core/util.h"

#define ALL_TABLES "all"

/* "summary, items, ..., all" for the messages. */
static void table_names(char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int t = 0; t <= REPORT_TABLE_COUNT && at < len; t++) {
        const char *k = t < REPORT_TABLE_COUNT ? report_table_key((enum report_table)t)
                                               : ALL_TABLES;
        int n = snprintf(buf + at, len - at, "%s%s", t ? ", " : "", k);
        at += n > 0 ? (size_t)n : 0;
    }
}

int report_render_check(const char *format, const struct report_render_options *opt,
                        char *err, size_t errlen)
{
    if (!opt || (!opt->table && !opt->keys))
        return 0;
    if (!format || strcmp(format, "csv") != 0) {
        snprintf(err, errlen, _("a single table is written only as csv: the %s format has "
                                "every table"), format ? format : "");
        return -EINVAL;
    }
    if (!opt->table || strcmp(opt->table, ALL_TABLES) == 0 || report_table_find(opt->table) >= 0)
        return 0;
    char names[256];
    table_names(names, sizeof names);
    snprintf(err, errlen, _("unknown table \"%s\" (%s)"), opt->table, names);
    return -EINVAL;
}

/* A cell for a program: airtime in ms (long) or minutes (grid). */
static void machine_value(const struct report_cell *c, bool minutes, char *buf, size_t len)
{
    char t[UTIL_TIME_BUF];
    buf[0] = '\0';
    switch (c->kind) {
    case RC_TEXT: snprintf(buf, len, "%s", c->text ? c->text : ""); break;
    case RC_COUNT: snprintf(buf, len, "%" PRId64, c->n); break;
    case RC_MS:
        if (minutes) {
            char m[32];
            report_fmt_minutes(c->n, m);
            snprintf(buf, len, "%s", m);
        } else {
            snprintf(buf, len, "%" PRId64, c->n);
        }
        break;
    case RC_PCT:
        if (c->pct >= 0)
            snprintf(buf, len, "%.1f", c->pct);
        break;
    case RC_TIME:
        if (c->n >= 0)
            snprintf(buf, len, "%s", util_format_iso_local(c->n, t));
        break;
    }
}

/* for_excel: a text that Excel would take for a formula (=, +, -, @ first:
 * a plan's title "=HYPERLINK(...)") gets a leading apostrophe, so opening
 * the officer's file runs nothing; programs' files keep the text as is. */
static void field_as(FILE *f, const struct report_cell *c, bool minutes, bool for_excel)
{
    char v[256];
    if (c->kind == RC_TEXT) { /* no copy: a text may be long */
        const char *t = c->text ? c->text : "";
        if (for_excel && *t && strchr("=+-@\t\r", *t)) {
            char *q = xasprintf("'%s", t);
            text_fput_csv(f, q);
            free(q);
        } else {
            text_fput_csv(f, t);
        }
        return;
    }
    machine_value(c, minutes, v, sizeof v);
    text_fput_csv(f, v);
}

static void field(FILE *f, const struct report_cell *c, bool minutes)
{
    field_as(f, c, minutes, false);
}

static void put(FILE *f, const char *table, size_t row, const char *key, const char *value)
{
    fprintf(f, "%s,%zu,%s,", table, row, key);
    text_fput_csv(f, value ? value : "");
    fputs("\r\n", f);
}

static void put_i(FILE *f, const char *table, size_t row, const char *key, int64_t v)
{
    fprintf(f, "%s,%zu,%s,%" PRId64 "\r\n", table, row, key, v);
}

static void put_min(FILE *f, const char *table, size_t row, const char *key, int64_t ms)
{
    char m[32];
    report_fmt_minutes(ms, m);
    put(f, table, row, key, m);
}

static void put_date(FILE *f, const char *key, struct period_date d)
{
    char b[16];
    report_fmt_iso_date(d, b);
    put(f, "header", 1, key, b);
}

/* The columns of the first five tables that the rows below spell out, by
 * their grid keys: a column or a summary figure a grid gains later follows
 * them, from the grid (airtime in ms, text as the grid has it). */
static const char *const spelled[REPORT_TABLE_INCIDENTS + 1] = {
    [REPORT_TABLE_SUMMARY] = " planned aired interrupted failed missed cancelled on_air unlogged"
                             " compliance_pct items airings emergency_airings adhoc_airings"
                             " plan_ms emergency_ms adhoc_ms total_ms total_hours ",
    [REPORT_TABLE_ITEMS] = " uid title topic unit source planned aired not_aired airings"
                           " aired_ms reasons ",
    [REPORT_TABLE_TOPICS] = " topic items planned aired airings aired_ms ",
    [REPORT_TABLE_MONTHS] = " month planned aired airings aired_ms ",
    [REPORT_TABLE_INCIDENTS] = " planned_start actual_start occurrence uid title source attempt"
                               " status reason played_ms ",
};

static bool is_spelled(enum report_table t, const char *key)
{
    char k[80];
    snprintf(k, sizeof k, " %s ", key);
    return strstr(spelled[t], k) != NULL;
}

/* The grid of table t when its rows are the n rows spelled out; else
 * none (g->n_cols 0): nothing is added rather than a row mismatched. */
static void extra_grid(const struct report *r, enum report_table t, size_t n,
                       struct report_grid *g)
{
    if (report_grid_build(r, t, g) < 0 || (t != REPORT_TABLE_SUMMARY && g->n_rows != n)) {
        report_grid_free(g);
        memset(g, 0, sizeof *g);
    }
}

static void extra_cols(FILE *f, const char *table, size_t row, const struct report_grid *g,
                       size_t i)
{
    for (size_t j = 0; j < g->n_cols; j++) {
        if (is_spelled(g->table, g->cols[j].key))
            continue;
        fprintf(f, "%s,%zu,%s,", table, row, g->cols[j].key);
        field(f, report_grid_cell(g, i, j), false);
        fputs("\r\n", f);
    }
}

static int long_format(FILE *f, const struct report *r)
{
    struct report_grid g;
    char t[UTIL_TIME_BUF];
    fputs("table,row,field,value\r\n", f);
    put(f, "header", 1, "commune", r->commune);
    put(f, "header", 1, "period", r->period.spec);
    put(f, "header", 1, "cutoff", report_cutoff_key(r->period.cutoff));
    put_date(f, "first_day", r->period.first);
    put_date(f, "last_day", r->period.last);
    put(f, "header", 1, "from", util_format_iso_local(r->period.from_ms, t));
    put(f, "header", 1, "until", util_format_iso_local(r->end_ms, t));
    put(f, "header", 1, "partial", r->partial ? "yes" : "no");
    put(f, "header", 1, "generated_at", util_format_iso_local(r->generated_at_ms, t));
    char rows[32];
    snprintf(rows, sizeof rows, "%lld", (long long)r->chain_rows);
    put(f, "header", 1, "log_chain_rows", rows);
    put(f, "header", 1, "log_chain_head", r->chain_head);
    for (size_t i = 0; i < r->n_files; i++) {
        put(f, "plan_file", i + 1, "path", r->files[i].path);
        put(f, "plan_file", i + 1, "sha256", r->files[i].sha256);
    }
    const struct report_summary *s = &r->sum;
    put_i(f, "summary", 1, "planned", s->planned);
    for (int o = 0; o < OUT_COUNT; o++)
        put_i(f, "summary", 1, report_outcome_key((enum report_outcome)o), s->outcome[o]);
    char pct[32] = "";
    if (s->compliance_pct >= 0)
        snprintf(pct, sizeof pct, "%.1f", s->compliance_pct);
    put(f, "summary", 1, "compliance_pct", pct);
    put_i(f, "summary", 1, "items", s->items);
    put_i(f, "summary", 1, "airings", s->airings);
    put_i(f, "summary", 1, "emergency_airings", s->emergency_airings);
    put_i(f, "summary", 1, "adhoc_airings", s->adhoc_airings);
    put_min(f, "summary", 1, "plan_minutes", s->plan_ms);
    put_min(f, "summary", 1, "emergency_minutes", s->emergency_ms);
    put_min(f, "summary", 1, "adhoc_minutes", s->adhoc_ms);
    put_min(f, "summary", 1, "total_minutes", s->total_ms);
    char h[32];
    report_fmt_hours(s->total_ms, h);
    put(f, "summary", 1, "total_hours", h);
    /* the summary's figures added since: its grid's rows (key, value) */
    extra_grid(r, REPORT_TABLE_SUMMARY, 0, &g);
    size_t kcol = g.n_cols, vcol = g.n_cols;
    for (size_t j = 0; j < g.n_cols; j++) {
        if (strcmp(g.cols[j].key, "field") == 0)
            kcol = j;
        if (strcmp(g.cols[j].key, "value") == 0)
            vcol = j;
    }
    for (size_t i = 0; kcol < g.n_cols && vcol < g.n_cols && i < g.n_rows; i++) {
        const char *key = report_grid_cell(&g, i, kcol)->text;
        if (!key || is_spelled(REPORT_TABLE_SUMMARY, key))
            continue;
        fprintf(f, "summary,1,");
        text_fput_csv(f, key);
        fputc(',', f);
        field(f, report_grid_cell(&g, i, vcol), false);
        fputs("\r\n", f);
    }
    report_grid_free(&g);
    extra_grid(r, REPORT_TABLE_ITEMS, r->n_items, &g);
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        put(f, "item", i + 1, "uid", it->uid);
        put(f, "item", i + 1, "title", it->title);
        put(f, "item", i + 1, "topic", it->topic);
        put(f, "item", i + 1, "unit", it->unit);
        put(f, "item", i + 1, "source", aslog_source_name(it->source));
        put_i(f, "item", i + 1, "planned", it->planned);
        put_i(f, "item", i + 1, "aired", it->aired);
        put_i(f, "item", i + 1, "not_aired", it->not_aired);
        put_i(f, "item", i + 1, "airings", it->airings);
        put_min(f, "item", i + 1, "minutes", it->played_ms);
        put(f, "item", i + 1, "reasons", it->reasons);
        extra_cols(f, "item", i + 1, &g, i);
    }
    report_grid_free(&g);
    extra_grid(r, REPORT_TABLE_TOPICS, r->n_topics, &g);
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        put(f, "topic", i + 1, "topic", tp->topic);
        put_i(f, "topic", i + 1, "items", tp->items);
        put_i(f, "topic", i + 1, "planned", tp->planned);
        put_i(f, "topic", i + 1, "aired", tp->aired);
        put_i(f, "topic", i + 1, "airings", tp->airings);
        put_min(f, "topic", i + 1, "minutes", tp->played_ms);
        extra_cols(f, "topic", i + 1, &g, i);
    }
    report_grid_free(&g);
    extra_grid(r, REPORT_TABLE_MONTHS, r->n_months, &g);
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        char ym[16];
        snprintf(ym, sizeof ym, "%04d-%02d", mo->year % 10000, mo->month % 100);
        put(f, "month", i + 1, "month", ym);
        put_i(f, "month", i + 1, "planned", mo->planned);
        put_i(f, "month", i + 1, "aired", mo->aired);
        put_i(f, "month", i + 1, "airings", mo->airings);
        put_min(f, "month", i + 1, "minutes", mo->played_ms);
        extra_cols(f, "month", i + 1, &g, i);
    }
    report_grid_free(&g);
    extra_grid(r, REPORT_TABLE_INCIDENTS, r->n_incidents, &g);
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        put(f, "incident", i + 1, "planned_start", util_format_iso_local(in->planned_start_ms, t));
        put(f, "incident", i + 1, "actual_start",
            in->actual_start_ms >= 0 ? util_format_iso_local(in->actual_start_ms, t) : "");
        put(f, "incident", i + 1, "occurrence", in->occ_key);
        put(f, "incident", i + 1, "uid", in->uid);
        put(f, "incident", i + 1, "title", in->title);
        put(f, "incident", i + 1, "source", aslog_source_name(in->source));
        put_i(f, "incident", i + 1, "attempt", in->attempt);
        put(f, "incident", i + 1, "status", in->status);
        put(f, "incident", i + 1, "reason", in->reason);
        put_i(f, "incident", i + 1, "played_ms", in->played_ms);
        extra_cols(f, "incident", i + 1, &g, i);
    }
    report_grid_free(&g);
    /* tables added after these five: from their grids, the stable column
     * keys as fields (text cells as the grid has them) */
    for (int tb = REPORT_TABLE_INCIDENTS + 1; tb < REPORT_TABLE_COUNT; tb++) {
        if (tb == REPORT_TABLE_APPROVALS) /* below, with the decisions' stable keys */
            continue;
        if (report_grid_build(r, (enum report_table)tb, &g) < 0)
            return -EINVAL;
        for (size_t i = 0; i < g.n_rows; i++)
            for (size_t j = 0; j < g.n_cols; j++) {
                fprintf(f, "%s,%zu,%s,", g.key, i + 1, g.cols[j].key);
                field(f, report_grid_cell(&g, i, j), false);
                fputs("\r\n", f);
            }
        report_grid_free(&g);
    }
    for (size_t i = 0; i < r->n_approvals; i++) { /* station.approval = signed */
        const struct report_approval *a = &r->approvals[i];
        put(f, "approval", i + 1, "at", util_format_iso_local(a->at_ms, t));
        put(f, "approval", i + 1, "uid", a->uid);
        put(f, "approval", i + 1, "title", a->title);
        put(f, "approval", i + 1, "decision", a->decision);
        put(f, "approval", i + 1, "by", a->who);
        put(f, "approval", i + 1, "comment", a->comment);
        put(f, "approval", i + 1, "content_hash", a->hash);
    }
    return 0;
}

static int grid_format(FILE *f, const struct report *r, enum report_table tb, bool keys)
{
    struct report_grid g;
    if (report_grid_build(r, tb, &g) < 0)
        return -EINVAL;
    size_t order[REPORT_MAX_COLS], n = 0;
    for (int wide = 0; wide < 2; wide++)
        for (size_t j = 0; j < g.n_cols; j++)
            if (g.cols[j].wide == (bool)wide)
                order[n++] = j;
    for (size_t k = 0; k < n; k++) {
        const struct report_col *c = &g.cols[order[k]];
        if (k)
            fputc(',', f);
        if (keys) {
            text_fput_csv(f, c->key);
        } else if (c->kind == RC_MS) {
            /* TRANSLATORS: a column of airtime in minutes: "Thời lượng (phút)" */
            char *t = xasprintf(_("%s (minutes)"), c->title);
            text_fput_csv(f, t);
            free(t);
        } else {
            text_fput_csv(f, c->title);
        }
    }
    fputs("\r\n", f);
    for (size_t i = 0; i <= g.n_rows; i++) {
        if (i == g.n_rows && (!g.has_total || keys)) /* programs sum for themselves */
            break;
        for (size_t k = 0; k < n; k++) {
            if (k)
                fputc(',', f);
            /* keys: for programs, "aired_ms" in ms and the text as it is */
            field_as(f, i < g.n_rows ? report_grid_cell(&g, i, order[k]) : &g.total[order[k]],
                     !keys, !keys);
        }
        fputs("\r\n", f);
    }
    report_grid_free(&g);
    return 0;
}

int report_render_csv(const struct report *r, const struct report_render_ctx *cx)
{
    FILE *f = cx->f;
    const char *table = cx->opt->table ? cx->opt->table : "summary";
    int rc = report_render_check("csv", cx->opt, cx->err, cx->errlen);
    if (rc < 0)
        return rc;
    if (cx->opt->bom)
        fputs("\xEF\xBB\xBF", f);
    if (strcmp(table, ALL_TABLES) == 0)
        return long_format(f, r);
    return grid_format(f, r, (enum report_table)report_table_find(table), cx->opt->keys);
}
