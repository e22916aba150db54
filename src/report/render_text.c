/* The terminal report: plain tables aligned by display width, so
 * Vietnamese titles with diacritics (composed or combining) line up. */
#include "report/report_internal.h"

#include <inttypes.h>
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

static void table_row(struct table *t, const char *const *cells)
{
    if (t->nrow == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = xrealloc(t->cells, t->cap * t->ncol * sizeof *t->cells);
        t->width = xrealloc(t->width, t->cap * t->ncol * sizeof *t->width);
    }
    if (!t->pool)
        t->pool = report_pool_new();
    for (size_t c = 0; c < t->ncol; c++) {
        const char *s = cells[c];
        size_t i = t->nrow * t->ncol + c;
        t->cells[i] = report_pool_strdup(t->pool, s ? s : "");
        t->width[i] = text_width(t->cells[i]);
    }
    t->nrow++;
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

/* A table of the report from its grid: the printed columns (not the wide
 * machine ones), numbers right-aligned, the total row last. */
static void grid_print(FILE *f, const struct report *r, enum report_table which)
{
    struct report_grid g;
    if (report_grid_build(r, which, &g) < 0)
        return;
    heading(f, g.title);
    const char *head[REPORT_MAX_COLS];
    size_t map[REPORT_MAX_COLS], n = 0;
    unsigned right = 0;
    for (size_t j = 0; j < g.n_cols; j++) {
        if (g.cols[j].wide)
            continue;
        if (g.cols[j].kind != RC_TEXT && g.cols[j].kind != RC_TIME)
            right |= 1u << n;
        head[n] = g.cols[j].title;
        map[n++] = j;
    }
    if (!g.n_rows) {
        fprintf(f, "  %s\n", which == REPORT_TABLE_INCIDENTS || which == REPORT_TABLE_INCIDENT_SUMMARY
                                ? report_label(RL_NO_INCIDENTS) : report_label(RL_NO_FILES));
        report_grid_free(&g);
        return;
    }
    struct table t = {.ncol = n, .head = head, .right = right};
    const char *cells[REPORT_MAX_COLS];
    char buf[REPORT_MAX_COLS][256];
    for (size_t i = 0; i <= g.n_rows; i++) {
        if (i == g.n_rows && !g.has_total)
            break;
        for (size_t c = 0; c < n; c++) {
            const struct report_cell *cl =
                i < g.n_rows ? report_grid_cell(&g, i, map[c]) : &g.total[map[c]];
            if (cl->kind == RC_TEXT) {
                cells[c] = cl->text;
            } else if (cl->kind == RC_MS && which != REPORT_TABLE_INCIDENTS) {
                /* airtime as people say it: "3 giờ 25 phút" */
                report_fmt_airtime(cl->n, buf[c]);
                cells[c] = buf[c];
            } else {
                report_cell_text(cl, buf[c], sizeof buf[c]);
                cells[c] = buf[c];
            }
        }
        table_row(&t, cells);
    }
    table_print(f, &t);
    report_grid_free(&g);
}

int report_render_text(const struct report *r, const struct report_render_ctx *cx)
{
    FILE *f = cx->f;
    struct report_columns cols;
    char *partial = report_title_partial(r);
    fprintf(f, "%s\n%s%s%s\n", r->commune, report_label(RL_TITLE), partial ? " " : "",
            partial ? partial : "");
    free(partial);
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
    line = report_line_chain(r);
    fprintf(f, "%s\n", line);
    free(line);
    fprintf(f, "%s\n", report_label(RL_PLAN_FILES));
    for (size_t i = 0; i < r->n_files; i++)
        fprintf(f, "  %s  %s\n", r->files[i].sha256, r->files[i].path);
    if (!r->n_files)
        fprintf(f, "  %s\n", report_label(RL_NO_FILES));

    heading(f, report_table_title(REPORT_TABLE_SUMMARY));
    report_table_columns(REPORT_TABLE_SUMMARY, &cols);
    struct table t = {.ncol = cols.n, .head = cols.title, .right = 2};
    struct report_summary_row rows[REPORT_SUMMARY_ROWS];
    size_t nrows = report_summary_rows(r, rows);
    for (size_t i = 0; i < nrows; i++) {
        char v[48];
        if (rows[i].kind == RV_COUNT)
            report_fmt_count(rows[i].value, v);
        else if (rows[i].kind == RV_PERCENT)
            report_fmt_pct(rows[i].pct, v);
        else if (rows[i].kind == RV_HOURS)
            report_fmt_airtime(rows[i].value, v);
        else
            report_fmt_decimal(report_minutes(rows[i].value), 1, v);
        char *label = xasprintf("%s%s", rows[i].outcome ? "  " : "", rows[i].label);
        const char *cells[2] = {label, v};
        table_row(&t, cells);
        free(label);
    }
    table_print(f, &t);
    for (int w = REPORT_TABLE_SUMMARY + 1; w < REPORT_TABLE_COUNT; w++)
        if (w != REPORT_TABLE_APPROVALS || r->n_approvals) /* signed stations only */
            grid_print(f, r, (enum report_table)w);
    return 0;
}
