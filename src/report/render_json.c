/* The report as JSON, for other programs: the same tables as the
 * other formats with fixed English keys; minutes are numbers, times ISO
 * 8601 with the station offset. */
#include "report/report_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

/* A streaming writer that prints exactly what json-c 0.16 prints for
 * JSON_C_TO_STRING_PRETTY | SPACED | NOSLASHESCAPE (two-space indents,
 * "key": value, "{\n" ... "\n}", empty containers "{\n}", escapes \b \n \r
 * \t \f \" \\ and \u00xx below 0x20, other bytes as they are). Building a
 * json-c tree for a year's incidents cost more than counting them. */
struct jw {
    FILE *f;
    int level;
    bool had[8];               /* per open container: a member was written */
};

static void jw_indent(struct jw *w, int level)
{
    static const char sp[] = "                ";
    for (int n = level * 2; n > 0; n -= 16)
        fwrite(sp, 1, n < 16 ? (size_t)n : 16, w->f);
}

static void jw_escaped(FILE *f, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *e = NULL;
        char u[8];
        switch (c) {
        case '\b': e = "\\b"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        case '\f': e = "\\f"; break;
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        default:
            if (c < ' ') {
                snprintf(u, sizeof u, "\\u00%c%c", "0123456789abcdef"[c >> 4],
                         "0123456789abcdef"[c & 0xf]);
                e = u;
            }
        }
        if (!e)
            continue;
        fwrite(run, 1, (size_t)(s - run), f);
        fputs(e, f);
        run = s + 1;
    }
    fwrite(run, 1, (size_t)(s - run), f);
}

/* Before a member (key given) or an array element (key NULL). */
static void jw_member(struct jw *w, const char *key)
{
    if (w->had[w->level])
        fputs(",\n", w->f);
    w->had[w->level] = true;
    jw_indent(w, w->level + 1);
    if (key) {
        fputc('"', w->f);
        jw_escaped(w->f, key);
        fputs("\": ", w->f);
    }
}

static void jw_open(struct jw *w, const char *key, char c)
{
    if (w->level >= 0)
        jw_member(w, key);
    fputc(c, w->f);
    fputc('\n', w->f);
    w->had[++w->level] = false;
}

static void jw_close(struct jw *w, char c)
{
    if (w->had[w->level])
        fputc('\n', w->f);
    jw_indent(w, w->level--);
    fputc(c, w->f);
}

static void jw_raw(struct jw *w, const char *key, const char *text)
{
    jw_member(w, key);
    fputs(text, w->f);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
    jw_member(w, key);
    fputc('"', w->f);
    jw_escaped(w->f, s ? s : "");
    fputc('"', w->f);
}

static void jw_int(struct jw *w, const char *key, int64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%" PRId64, v);
    jw_raw(w, key, b);
}

static void jw_time(struct jw *w, const char *key, int64_t ms)
{
    char t[UTIL_TIME_BUF];
    if (ms < 0)
        jw_raw(w, key, "null");
    else
        jw_str(w, key, util_format_iso_local(ms, t));
}

static void jw_date(struct jw *w, const char *key, struct period_date d)
{
    char b[16];
    snprintf(b, sizeof b, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
    jw_str(w, key, b);
}

/* Minutes to a tenth, printed as the text prints them (a number). */
static void jw_min(struct jw *w, const char *key, int64_t ms)
{
    char m[32];
    report_fmt_minutes(ms, m);
    jw_raw(w, key, m);
}

int report_render_json(const struct report *r, FILE *f, char *err, size_t errlen)
{
    struct jw w0 = {.f = f, .level = -1}, *w = &w0;
    char *pt = report_period_title(&r->period);
    char *ptv = report_period_title_vi(&r->period);
    jw_open(w, NULL, '{');
    jw_str(w, "format", "loaxa-report");
    jw_int(w, "version", 1);
    jw_str(w, "commune", r->commune);
    jw_str(w, "title", _("BROADCAST REPORT OF THE COMMUNE LOUDSPEAKER RADIO"));
    jw_open(w, "period", '{');
    jw_str(w, "spec", r->period.spec);
    jw_str(w, "title", pt);
    jw_str(w, "title_vi", ptv);
    jw_str(w, "cutoff", r->period.cutoff == CONFIG_CUTOFF_ND09 ? "nd09" : "calendar");
    jw_date(w, "first_day", r->period.first);
    jw_date(w, "last_day", r->period.last);
    jw_time(w, "from", r->period.from_ms);
    jw_time(w, "until", r->end_ms);
    jw_raw(w, "partial", r->partial ? "true" : "false");
    jw_close(w, '}');
    jw_time(w, "generated_at", r->generated_at_ms);
    free(pt);
    free(ptv);

    jw_open(w, "plan_files", '[');
    for (size_t i = 0; i < r->n_files; i++) {
        jw_open(w, NULL, '{');
        jw_str(w, "path", r->files[i].path);
        jw_str(w, "sha256", r->files[i].sha256);
        jw_close(w, '}');
    }
    jw_close(w, ']');

    const struct report_summary *s = &r->sum;
    jw_open(w, "summary", '{');
    jw_int(w, "planned", s->planned);
    for (int o = 0; o < OUT_COUNT; o++)
        jw_int(w, report_outcome_key((enum report_outcome)o), s->outcome[o]);
    if (s->compliance_pct >= 0) {
        char pct[32];
        snprintf(pct, sizeof pct, "%.1f", s->compliance_pct);
        jw_raw(w, "compliance_pct", pct);
    } else {
        jw_raw(w, "compliance_pct", "null");
    }
    jw_int(w, "items", s->items);
    jw_int(w, "airings", s->airings);
    jw_int(w, "emergency_airings", s->emergency_airings);
    jw_int(w, "adhoc_airings", s->adhoc_airings);
    jw_min(w, "plan_minutes", s->plan_ms);
    jw_min(w, "emergency_minutes", s->emergency_ms);
    jw_min(w, "adhoc_minutes", s->adhoc_ms);
    jw_min(w, "total_minutes", s->total_ms);
    jw_int(w, "total_ms", s->total_ms);
    jw_close(w, '}');

    jw_open(w, "items", '[');
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        jw_open(w, NULL, '{');
        jw_str(w, "uid", it->uid);
        jw_str(w, "title", it->title);
        jw_str(w, "topic", it->topic);
        jw_str(w, "unit", it->unit);
        jw_str(w, "source", aslog_source_name(it->source));
        jw_int(w, "planned", it->planned);
        jw_int(w, "aired", it->aired);
        jw_int(w, "not_aired", it->not_aired);
        jw_int(w, "airings", it->airings);
        jw_min(w, "minutes", it->played_ms);
        jw_str(w, "reasons", it->reasons);
        jw_close(w, '}');
    }
    jw_close(w, ']');

    jw_open(w, "topics", '[');
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        jw_open(w, NULL, '{');
        jw_str(w, "topic", tp->topic);
        jw_int(w, "items", tp->items);
        jw_int(w, "planned", tp->planned);
        jw_int(w, "aired", tp->aired);
        jw_int(w, "airings", tp->airings);
        jw_min(w, "minutes", tp->played_ms);
        jw_close(w, '}');
    }
    jw_close(w, ']');

    jw_open(w, "months", '[');
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        char ym[16];
        snprintf(ym, sizeof ym, "%04d-%02d", mo->year % 10000, mo->month % 100);
        jw_open(w, NULL, '{');
        jw_str(w, "month", ym);
        jw_int(w, "planned", mo->planned);
        jw_int(w, "aired", mo->aired);
        jw_int(w, "airings", mo->airings);
        jw_min(w, "minutes", mo->played_ms);
        jw_close(w, '}');
    }
    jw_close(w, ']');

    jw_open(w, "incidents", '[');
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        jw_open(w, NULL, '{');
        jw_time(w, "planned_start", in->planned_start_ms);
        jw_time(w, "actual_start", in->actual_start_ms);
        jw_str(w, "occurrence", in->occ_key);
        jw_str(w, "uid", in->uid);
        jw_str(w, "title", in->title);
        jw_str(w, "source", aslog_source_name(in->source));
        jw_int(w, "attempt", in->attempt);
        jw_str(w, "status", in->status);
        jw_str(w, "reason", in->reason);
        jw_int(w, "played_ms", in->played_ms);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_close(w, '}');

    int rc = fputc('\n', f) == EOF || fflush(f) != 0 || ferror(f) ? -EIO : 0;
    if (rc < 0)
        snprintf(err, errlen, _("cannot write the report: %s"), strerror(EIO));
    return rc;
}
