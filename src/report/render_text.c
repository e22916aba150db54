/* The terminal report: plain tables aligned by display width, so
 * Vietnamese titles with diacritics (composed or combining) line up. */
#include "report/report_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define NUM(var, n) char var[24]; snprintf(var, sizeof var, "%ld", (long)(n))

/* A table with the report's column titles. */
static struct table titled(enum report_table which, struct report_columns *c, unsigned right)
{
    report_table_columns(which, c);
    return (struct table){.ncol = c->n, .head = c->title, .right = right};
}

int report_render_text(const struct report *r, const struct report_render_ctx *cx)
{
    FILE *f = cx->f;
    char t1[UTIL_TIME_BUF], m1[32];
    struct report_columns cols;
    fprintf(f, "%s\n%s\n", r->commune, report_label(RL_TITLE));
    char *line = report_line_period(r);
    fprintf(f, "%s\n", line);
    free(line);
    line = report_line_dates(r);
    fprintf(f, "%s\n", line);
    free(line);
    if ((line = report_line_partial(r))) {
        fprintf(f, "%s\n", line);
        free(line);
    }
    line = report_line_made(r);
    fprintf(f, "%s\n", line);
    free(line);
    fprintf(f, "%s\n", report_label(RL_PLAN_FILES));
    for (size_t i = 0; i < r->n_files; i++)
        fprintf(f, "  %s  %s\n", r->files[i].sha256, r->files[i].path);
    if (!r->n_files)
        fprintf(f, "  %s\n", report_label(RL_NO_FILES));

    heading(f, report_table_title(REPORT_TABLE_SUMMARY));
    struct table t = titled(REPORT_TABLE_SUMMARY, &cols, 2);
    struct report_summary_row rows[REPORT_SUMMARY_ROWS];
    size_t nrows = report_summary_rows(r, rows);
    for (size_t i = 0; i < nrows; i++) {
        char v[32];
        report_summary_value(&rows[i], v);
        if (rows[i].outcome) {
            char *label = xasprintf("  %s", rows[i].label);
            table_add(&t, label, v);
            free(label);
        } else {
            table_add(&t, rows[i].label, v);
        }
    }
    table_print(f, &t);

    heading(f, report_table_title(REPORT_TABLE_ITEMS));
    t = titled(REPORT_TABLE_ITEMS, &cols, 0xF0 | 0x100);
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        NUM(p, it->planned);
        NUM(ai, it->aired);
        NUM(na, it->not_aired);
        NUM(ar, it->airings);
        report_fmt_minutes(it->played_ms, m1);
        table_add(&t, report_title_or_uid(it->title, it->uid), it->topic, it->unit,
                  report_source_label(it->source), p, ai, na, ar, m1, it->reasons);
    }
    table_print(f, &t);

    heading(f, report_table_title(REPORT_TABLE_TOPICS));
    t = titled(REPORT_TABLE_TOPICS, &cols, 0x3E);
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        NUM(n1, tp->items);
        NUM(n2, tp->planned);
        NUM(n3, tp->aired);
        NUM(n4, tp->airings);
        report_fmt_minutes(tp->played_ms, m1);
        table_add(&t, report_topic_label(tp->topic), n1, n2, n3, n4, m1);
    }
    table_print(f, &t);

    heading(f, report_table_title(REPORT_TABLE_MONTHS));
    t = titled(REPORT_TABLE_MONTHS, &cols, 0x1E);
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

    heading(f, report_table_title(REPORT_TABLE_INCIDENTS));
    t = titled(REPORT_TABLE_INCIDENTS, &cols, 0x28);
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        char att[16], played[32];
        snprintf(att, sizeof att, "%d", in->attempt);
        snprintf(played, sizeof played, "%" PRId64 ".%" PRId64, (in->played_ms + 50) / 1000,
                 (in->played_ms + 50) / 100 % 10);
        table_add(&t, util_format_local(in->planned_start_ms, t1),
                  report_title_or_uid(in->title, in->uid), report_source_label(in->source),
                  in->attempt ? att : "-", report_status_label(in->status), played,
                  in->reason);
    }
    if (r->n_incidents)
        table_print(f, &t);
    else
        fprintf(f, "  %s\n", report_label(RL_NO_INCIDENTS));
    return 0;
}
