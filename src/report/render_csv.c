/* The report as one CSV in long format (RFC 4180, UTF-8, optional BOM):
 *
 *   table,row,field,value
 *
 * table: header, plan_file, summary, item, topic, month, incident, approval
 *        (station.approval = signed: only when the period has decisions).
 * row:   1, 2, ... within the table (header and summary: 1).
 * field: a fixed English key (below), never translated, so other programs
 *        and pivot tables can rely on it; value: the figure or text.
 * Numbers are plain (dot decimal), times ISO 8601 with the station offset,
 * dates YYYY-MM-DD. One row per value keeps every table in one file and
 * lets a spreadsheet pivot any of them back into a grid. */
#include "report/report_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "core/util.h"

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

static void put_date(FILE *f, const char *table, size_t row, const char *key,
                     struct period_date d)
{
    char b[16];
    report_fmt_iso_date(d, b);
    put(f, table, row, key, b);
}

int report_render_csv(const struct report *r, const struct report_render_ctx *cx)
{
    FILE *f = cx->f;
    char t[UTIL_TIME_BUF];
    if (cx->opt->bom)
        fputs("\xEF\xBB\xBF", f);
    fputs("table,row,field,value\r\n", f);
    put(f, "header", 1, "commune", r->commune);
    put(f, "header", 1, "period", r->period.spec);
    put(f, "header", 1, "cutoff", report_cutoff_key(r->period.cutoff));
    put_date(f, "header", 1, "first_day", r->period.first);
    put_date(f, "header", 1, "last_day", r->period.last);
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
    }
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        put(f, "topic", i + 1, "topic", tp->topic);
        put_i(f, "topic", i + 1, "items", tp->items);
        put_i(f, "topic", i + 1, "planned", tp->planned);
        put_i(f, "topic", i + 1, "aired", tp->aired);
        put_i(f, "topic", i + 1, "airings", tp->airings);
        put_min(f, "topic", i + 1, "minutes", tp->played_ms);
    }
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        char ym[16];
        snprintf(ym, sizeof ym, "%04d-%02d", mo->year % 10000, mo->month % 100);
        put(f, "month", i + 1, "month", ym);
        put_i(f, "month", i + 1, "planned", mo->planned);
        put_i(f, "month", i + 1, "aired", mo->aired);
        put_i(f, "month", i + 1, "airings", mo->airings);
        put_min(f, "month", i + 1, "minutes", mo->played_ms);
    }
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
