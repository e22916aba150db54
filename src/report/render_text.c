/* The terminal report: plain tables aligned by display width, so
 * Vietnamese titles with diacritics (composed or combining) line up. */
#include "report/report_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/text.h"
#include "core/util.h"

/* A table of strings: headers, then rows; right-aligned columns by mask.
 * Cells live in a pool with their display widths: the incidents of a year
 * are tens of thousands of cells. */
struct table {
    size_t ncol, nrow;
    const char *const *head;
    unsigned right;            /* bit i: column i is right-aligned */
    const char **cells;        /* nrow * ncol, in pool */
    size_t *width;             /* of each cell */
    size_t cap;                /* rows allocated */
    struct report_pool *pool;
};

static void table_add(struct table *t, ...)
{
    va_list ap;
    va_start(ap, t);
    if (t->nrow == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = xrealloc(t->cells, t->cap * t->ncol * sizeof *t->cells);
        t->width = xrealloc(t->width, t->cap * t->ncol * sizeof *t->width);
    }
    if (!t->pool)
        t->pool = report_pool_new();
    for (size_t c = 0; c < t->ncol; c++) {
        const char *s = va_arg(ap, const char *);
        size_t i = t->nrow * t->ncol + c;
        t->cells[i] = report_pool_strdup(t->pool, s ? s : "");
        t->width[i] = text_width(t->cells[i]);
    }
    t->nrow++;
    va_end(ap);
}

static void pad(FILE *f, size_t from, size_t to)
{
    for (; from < to; from++)
        fputc(' ', f);
}

static void table_print(FILE *f, struct table *t)
{
    size_t *w = xcalloc(t->ncol, sizeof *w);
    for (size_t c = 0; c < t->ncol; c++) {
        w[c] = text_width(t->head[c]);
        for (size_t r = 0; r < t->nrow; r++) {
            size_t x = t->width[r * t->ncol + c];
            if (x > w[c])
                w[c] = x;
        }
    }
    for (long r = -1; r < (long)t->nrow; r++) {
        fputs("  ", f);
        for (size_t c = 0; c < t->ncol; c++) {
            const char *s = r < 0 ? t->head[c] : t->cells[(size_t)r * t->ncol + c];
            size_t sw = r < 0 ? text_width(s) : t->width[(size_t)r * t->ncol + c];
            bool last = c + 1 == t->ncol;
            if (t->right & (1u << c)) {
                pad(f, sw, w[c]);
                fputs(s, f);
            } else {
                fputs(s, f);
                if (!last)
                    pad(f, sw, w[c]);
            }
            if (!last)
                fputs("  ", f);
        }
        fputc('\n', f);
        if (r < 0) {
            fputs("  ", f);
            size_t total = 0;
            for (size_t c = 0; c < t->ncol; c++)
                total += w[c] + (c + 1 < t->ncol ? 2 : 0);
            for (size_t i = 0; i < total; i++)
                fputc('-', f);
            fputc('\n', f);
        }
    }
    free(t->cells);
    free(t->width);
    report_pool_free(t->pool);
    free(w);
}

static void heading(FILE *f, const char *s)
{
    fprintf(f, "\n%s\n", s);
    for (size_t i = text_width(s); i > 0; i--)
        fputc('=', f);
    fputc('\n', f);
}

static char *num(long n)
{
    return xasprintf("%ld", n);
}

#define NUM(var, n) char var[24]; snprintf(var, sizeof var, "%ld", (long)(n))

int report_render_text(const struct report *r, FILE *f)
{
    char a[16], b[16], t1[UTIL_TIME_BUF], m1[32], h1[32];
    char *ptitle = report_period_title(&r->period);
    fprintf(f, "%s\n%s\n", r->commune, _("BROADCAST REPORT OF THE COMMUNE LOUDSPEAKER RADIO"));
    report_fmt_date(r->period.first, a);
    report_fmt_date(r->period.last, b);
    fprintf(f, _("Period: %s (%s, %s)\n"), ptitle, r->period.spec,
            r->period.cutoff == CONFIG_CUTOFF_ND09 ? _("cut-off of Decree 09/2019/ND-CP")
                                                   : _("calendar"));
    free(ptitle);
    fprintf(f, _("Dates: %s to %s inclusive\n"), a, b);
    if (r->partial)
        fprintf(f, _("The period has not ended: reported up to %s\n"),
                util_format_local(r->end_ms, t1));
    fprintf(f, _("Made at: %s\n"), util_format_local(r->generated_at_ms, t1));
    fprintf(f, "%s\n", _("Plan files (SHA-256):"));
    for (size_t i = 0; i < r->n_files; i++)
        fprintf(f, "  %s  %s\n", r->files[i].sha256, r->files[i].path);
    if (!r->n_files)
        fprintf(f, "  %s\n", _("(none)"));

    heading(f, _("Summary"));
    const struct report_summary *s = &r->sum;
    const char *sh[] = {_("Figure"), _("Value")};
    struct table t = {.ncol = 2, .head = sh, .right = 2};
    NUM(planned, s->planned);
    table_add(&t, _("Planned occurrences"), planned);
    for (int o = 0; o < OUT_COUNT; o++) {
        NUM(v, s->outcome[o]);
        char *label = xasprintf("  %s", report_outcome_label((enum report_outcome)o));
        table_add(&t, label, v);
        free(label);
    }
    char pct[32];
    if (s->compliance_pct < 0)
        snprintf(pct, sizeof pct, "-");
    else
        snprintf(pct, sizeof pct, "%.1f %%", s->compliance_pct);
    table_add(&t, _("Compliance (aired / planned, cancelled left out)"), pct);
    NUM(items, s->items);
    table_add(&t, _("Items aired"), items);
    NUM(airings, s->airings);
    table_add(&t, _("Airings"), airings);
    report_fmt_minutes(s->plan_ms, m1);
    table_add(&t, _("Minutes on air for the plan"), m1);
    NUM(em, s->emergency_airings);
    table_add(&t, _("Emergency airings"), em);
    report_fmt_minutes(s->emergency_ms, m1);
    table_add(&t, _("Minutes on air, emergency"), m1);
    NUM(ad, s->adhoc_airings);
    table_add(&t, _("Ad hoc airings"), ad);
    report_fmt_minutes(s->adhoc_ms, m1);
    table_add(&t, _("Minutes on air, ad hoc"), m1);
    report_fmt_minutes(s->total_ms, m1);
    table_add(&t, _("Total minutes on air"), m1);
    report_fmt_hours(s->total_ms, h1);
    table_add(&t, _("Total hours on air"), h1);
    table_print(f, &t);

    heading(f, _("By item"));
    const char *ih[] = {_("Title"), _("Topic"), _("Unit"), _("Source"), _("Planned"),
                        _("Aired"), _("Not aired"), _("Airings"), _("Minutes"), _("Reasons")};
    t = (struct table){.ncol = 10, .head = ih, .right = 0xF0 | 0x100};
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        char *p = num(it->planned), *ai = num(it->aired), *na = num(it->not_aired),
             *ar = num(it->airings);
        report_fmt_minutes(it->played_ms, m1);
        table_add(&t, *it->title ? it->title : it->uid, it->topic, it->unit,
                  report_source_label(it->source), p, ai, na, ar, m1, it->reasons);
        free(p);
        free(ai);
        free(na);
        free(ar);
    }
    table_print(f, &t);

    heading(f, _("By topic"));
    const char *th[] = {_("Topic"), _("Items"), _("Planned"), _("Aired"), _("Airings"),
                        _("Minutes")};
    t = (struct table){.ncol = 6, .head = th, .right = 0x3E};
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        NUM(n1, tp->items);
        NUM(n2, tp->planned);
        NUM(n3, tp->aired);
        NUM(n4, tp->airings);
        report_fmt_minutes(tp->played_ms, m1);
        table_add(&t, *tp->topic ? tp->topic : _("(no topic)"), n1, n2, n3, n4, m1);
    }
    table_print(f, &t);

    heading(f, _("By month"));
    const char *mh[] = {_("Month"), _("Planned"), _("Aired"), _("Airings"), _("Minutes")};
    t = (struct table){.ncol = 5, .head = mh, .right = 0x1E};
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        char ym[16];
        snprintf(ym, sizeof ym, "%02d/%04d", mo->month % 100, mo->year % 10000);
        NUM(n1, mo->planned);
        NUM(n2, mo->aired);
        NUM(n3, mo->airings);
        report_fmt_minutes(mo->played_ms, m1);
        table_add(&t, ym, n1, n2, n3, m1);
    }
    table_print(f, &t);

    heading(f, _("Incidents"));
    const char *nh[] = {_("Planned start"), _("Title"), _("Source"), _("Attempt"),
                        _("Status"), _("Played (s)"), _("Reason")};
    t = (struct table){.ncol = 7, .head = nh, .right = 0x28};
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        char att[16], played[32];
        snprintf(att, sizeof att, "%d", in->attempt);
        snprintf(played, sizeof played, "%" PRId64 ".%" PRId64, (in->played_ms + 50) / 1000,
                 (in->played_ms + 50) / 100 % 10);
        table_add(&t, util_format_local(in->planned_start_ms, t1),
                  *in->title ? in->title : in->uid, report_source_label(in->source),
                  in->attempt ? att : "-", report_status_label(in->status), played,
                  in->reason);
    }
    if (r->n_incidents)
        table_print(f, &t);
    else
        fprintf(f, "  %s\n", _("None: every planned occurrence aired fully."));
    return 0;
}
