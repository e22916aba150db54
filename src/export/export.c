/* Rows of the as-run log as JSON Lines and CSV (doc/export.md). Field
 * names are fixed English keys, never translated; times are ISO 8601 with
 * the station's offset and milliseconds, the instant the log keeps. */
#include "export/export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/reasons.h"
#include "core/text.h"
#include "core/util.h"
#include "plan/plan.h"

const char *export_row_level(const struct aslog_row *r, bool no_emergency_from_priority)
{
    enum plan_level l = r->source == ASLOG_SOURCE_EMERGENCY
                            ? PLAN_LEVEL_EMERGENCY
                            : plan_level_of_priority(r->priority, r->source == ASLOG_SOURCE_PLAN &&
                                                                      no_emergency_from_priority);
    return l == PLAN_LEVEL_EMERGENCY ? "emergency" : l == PLAN_LEVEL_PRIORITY ? "priority"
                                                                              : "normal";
}

/* "2026-03-02T06:30:00.250+07:00"; "" for none (-1). */
static void iso_ms(int64_t ms, char buf[UTIL_TIME_BUF])
{
    if (ms < 0) {
        buf[0] = '\0';
        return;
    }
    char t[UTIL_TIME_BUF];
    util_format_iso_local(ms, t);
    /* the offset (or Z) starts after the 19 characters of the date and time */
    snprintf(buf, UTIL_TIME_BUF, "%.19s.%03d%.6s", t, (int)(ms % 1000), t + 19);
}

/* Airtime in minutes with two decimals ("12.50"). */
static void minutes(int64_t played_ms, char buf[32])
{
    int64_t cmin = (played_ms > 0 ? played_ms : 0) * 100 / 60000; /* hundredths, cut */
    snprintf(buf, 32, "%" PRId64 ".%02d", cmin / 100, (int)(cmin % 100));
}

static json_object *jstr(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *jstr_or_null(const char *s)
{
    return s && *s ? json_object_new_string(s) : NULL;
}

static void add(json_object *o, const char *k, json_object *v)
{
    json_object_object_add(o, k, v);
}

/* The topics: the log's categories, one a line. Split at every newline
 * (empty ones kept), so joining them with "\n" gives the hashed text. */
static json_object *topics(const char *cats)
{
    json_object *a = json_object_new_array();
    if (!cats || !*cats)
        return a;
    for (const char *p = cats;;) {
        size_t n = strcspn(p, "\n");
        json_object_array_add(a, json_object_new_string_len(p, (int)n));
        if (!p[n])
            break;
        p += n + 1;
    }
    return a;
}

char *export_row_json(const struct export_opts *o, const struct aslog_row *r)
{
    char t[UTIL_TIME_BUF], m[32], rb[512];
    json_object *row = json_object_new_object();
    add(row, "schema", json_object_new_int(EXPORT_SCHEMA));
    json_object *st = json_object_new_object();
    add(st, "code", jstr_or_null(o->station_code));
    add(st, "commune", jstr_or_null(o->station_commune));
    add(st, "province", jstr_or_null(o->station_province));
    add(row, "station", st);
    add(row, "seq", json_object_new_int64(r->seq));
    add(row, "hash", jstr(r->hash));
    add(row, "occurrence", jstr(r->occ_key));
    add(row, "attempt", json_object_new_int(r->attempt));
    add(row, "uid", jstr(r->uid));
    add(row, "title", jstr(r->title));
    add(row, "plan_file", jstr(r->plan_file));
    iso_ms(r->planned_start_ms, t);
    add(row, "planned_start", jstr(t));
    iso_ms(r->planned_end_ms, t);
    add(row, "planned_end", jstr(t));
    iso_ms(r->actual_start_ms, t);
    add(row, "actual_start", jstr_or_null(t));
    iso_ms(r->actual_end_ms, t);
    add(row, "actual_end", jstr_or_null(t));
    add(row, "status", jstr(aslog_status_name(r->status)));
    add(row, "reason", jstr(r->reason));
    add(row, "reason_text", jstr(reason_label(r->reason, rb, sizeof rb)));
    add(row, "source", jstr(aslog_source_name(r->source)));
    add(row, "level", jstr(export_row_level(r, o->no_emergency_from_priority)));
    add(row, "priority", json_object_new_int(r->priority));
    add(row, "topics", topics(r->categories));
    add(row, "unit", jstr(r->unit));
    minutes(r->played_ms, m);
    add(row, "minutes", json_object_new_double_s(atof(m), m));
    add(row, "played_ms", json_object_new_int64(r->played_ms));
    add(row, "underruns", json_object_new_int(r->underruns));
    add(row, "device", jstr(r->device));
    add(row, "operator", jstr(r->operator_name));
    /* the log's text as hashed, and the same parsed for machines */
    add(row, "recordings_json", jstr(r->recordings));
    json_object *rec = json_tokener_parse(r->recordings && *r->recordings ? r->recordings : "[]");
    if (!json_object_is_type(rec, json_type_array)) {
        json_object_put(rec);
        rec = json_object_new_array();
    }
    add(row, "recordings", rec);
    char *s = xstrdup(json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(row);
    return s;
}

static const char *const csv_cols[] = {
    "schema", "station_code", "station_commune", "station_province", "seq", "hash",
    "occurrence", "attempt", "uid", "title", "plan_file", "planned_start", "planned_end",
    "actual_start", "actual_end", "status", "reason", "reason_text", "source", "level",
    "priority", "topics", "unit", "minutes", "played_ms", "underruns", "device", "operator",
    "recordings_json",
};

void export_csv_header(FILE *f)
{
    for (size_t i = 0; i < ARRAY_SIZE(csv_cols); i++)
        fprintf(f, "%s%s", i ? "," : "", csv_cols[i]);
    fputs("\r\n", f);
}

/* A text cell. One a spreadsheet would take for a formula (=, +, -, @, a
 * tab or CR first) gets an apostrophe before it: the CSV is read by
 * people; JSON Lines carries the text as logged. */
static void cell(FILE *f, const char *s)
{
    fputc(',', f);
    s = s ? s : "";
    if (strchr("=+-@\t\r", s[0]) && s[0]) {
        char *q = xasprintf("'%s", s);
        text_fput_csv(f, q);
        free(q);
    } else {
        text_fput_csv(f, s);
    }
}

static void cell_i(FILE *f, int64_t v)
{
    fprintf(f, ",%" PRId64, v);
}

void export_csv_row(FILE *f, const struct export_opts *o, const struct aslog_row *r)
{
    char t[UTIL_TIME_BUF], m[32], rb[512];
    fprintf(f, "%d", EXPORT_SCHEMA);
    cell(f, o->station_code);
    cell(f, o->station_commune);
    cell(f, o->station_province);
    cell_i(f, r->seq);
    cell(f, r->hash);
    cell(f, r->occ_key);
    cell_i(f, r->attempt);
    cell(f, r->uid);
    cell(f, r->title);
    cell(f, r->plan_file);
    iso_ms(r->planned_start_ms, t);
    cell(f, t);
    iso_ms(r->planned_end_ms, t);
    cell(f, t);
    iso_ms(r->actual_start_ms, t);
    cell(f, t);
    iso_ms(r->actual_end_ms, t);
    cell(f, t);
    cell(f, aslog_status_name(r->status));
    cell(f, r->reason);
    cell(f, reason_label(r->reason, rb, sizeof rb));
    cell(f, aslog_source_name(r->source));
    cell(f, export_row_level(r, o->no_emergency_from_priority));
    cell_i(f, r->priority);
    /* the topics in one cell, "; " between them */
    struct strbuf tb = {0};
    const char *c = r->categories ? r->categories : "";
    for (size_t i = 0; c[i]; i++) {
        if (c[i] == '\n')
            strbuf_puts(&tb, "; ");
        else
            strbuf_add(&tb, c + i, 1);
    }
    cell(f, tb.s ? tb.s : "");
    strbuf_free(&tb);
    cell(f, r->unit);
    minutes(r->played_ms, m);
    fprintf(f, ",%s", m);
    cell_i(f, r->played_ms);
    cell_i(f, r->underruns);
    cell(f, r->device);
    cell(f, r->operator_name);
    cell(f, r->recordings);
    fputs("\r\n", f);
}

struct wctx {
    const struct export_opts *o;
    FILE *out;
    long long n;
};

static int on_row(const struct aslog_row *r, void *ud)
{
    struct wctx *w = ud;
    if (w->o->format == EXPORT_CSV) {
        export_csv_row(w->out, w->o, r);
    } else {
        char *s = export_row_json(w->o, r);
        fputs(s, w->out);
        fputc('\n', w->out);
        free(s);
    }
    w->n++;
    return ferror(w->out) ? -EIO : 0;
}

int export_write(struct aslog *log, const struct aslog_filter *f, const struct export_opts *o,
                 FILE *out, long long *n)
{
    struct aslog_filter flt = f ? *f : (struct aslog_filter){.from_ms = -1, .to_ms = -1};
    flt.chain_order = true;
    flt.counts_only = false;
    struct wctx w = {.o = o, .out = out};
    if (o->format == EXPORT_CSV)
        export_csv_header(out);
    int rc = aslog_query(log, &flt, on_row, &w);
    if (n)
        *n = w.n;
    if (rc == 0 && (fflush(out) != 0 || ferror(out)))
        rc = -EIO;
    return rc;
}
