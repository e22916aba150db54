/* The report as a spreadsheet (libxlsxwriter): one sheet per table of the
 * grids (report_grid_build), so a table added there becomes a sheet here.
 * Counts are integers, airtime is minutes (exact, shown to a tenth), rates are
 * fractions shown as percentages and times are Excel dates, so the officer
 * can sum and filter; total rows are SUM formulas with their value cached.
 * Every sheet prints on A4 within the decree's margins, fitted to the page
 * width, its column titles repeated on each page and page numbers in the
 * footer; the machine columns (UID, occurrence key) come last, outside the
 * print area. The summary sheet carries the heading above its table: the
 * issuing body as the document has it (doc.c), the title, the period; the
 * month sheet a chart of airings by month whose categories are the month
 * cells, text ("01/2026"), so no reader shows them as serial numbers.
 *
 * Number formats are stored the one way the file format allows ("#,##0",
 * "0.0%": separators are not part of the format) and each reader shows them
 * with its own separators: a Vietnamese-locale Excel or LibreOffice shows
 * 1.234 and 95,8%. For a Vietnamese report the formats carry the Vietnamese
 * locale tag [$-42A], which LibreOffice honours (Vietnamese separators
 * whatever the reader's locale) and Excel uses for names only. */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/i18n.h"
#include "core/util.h"
#include "report/doc.h"

#define MAX_WIDTH 50.0    /* characters: a longer text wraps */
#define MIN_WIDTH 6.0
#define HEAD_WIDTH 16.0   /* a column title longer than this wraps */
/* A4 portrait between the decree's margins (30 + 15 mm): wider tables
 * print landscape (fit to width shrinks them only a little then). */
#define PORTRAIT_MM 175.0
#define MM_IN(mm) ((mm) / 25.4)
#define MAX_CELL_BYTES 32000  /* under Excel's 32767 characters whatever they are */

struct fmts {
    lxw_format *head, *text, *wrap, *count, *min, *pct, *time;
    lxw_format *tlabel, *tcount, *tmin;       /* the total row */
    lxw_format *issuer, *title, *subtitle, *line;
};

/* The columns as laid out: the printed ones first, then the machine ones. */
struct layout {
    size_t order[REPORT_MAX_COLS];  /* sheet column -> grid column */
    size_t pos[REPORT_MAX_COLS];    /* grid column -> sheet column */
    size_t n_print;
    double width[REPORT_MAX_COLS];  /* by sheet column, in characters */
    bool wrap[REPORT_MAX_COLS];
    const char *title[REPORT_MAX_COLS];  /* by grid column, with the unit */
};

static lxw_datetime local_dt(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return (lxw_datetime){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          tm.tm_min, tm.tm_sec};
}

/* s cut to at most max bytes, not inside a UTF-8 sequence. */
static void utf8_cut(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

/* Sheet names: at most 31 characters and none of []:*?/\ (Excel's rule). */
static lxw_worksheet *sheet(lxw_workbook *wb, const char *name, char out[128])
{
    util_strlcpy(out, name, 128);
    for (char *c = out; *c; c++)
        if (strchr("[]:*?/\\", *c))
            *c = '-';
    if (lxw_utf8_strlen(out) > 31) {
        size_t chars = 0;
        char *c = out;
        while (*c && chars < 31) {
            c++;
            while ((*c & 0xC0) == 0x80)
                c++;
            chars++;
        }
        *c = '\0';
    }
    return workbook_add_worksheet(wb, out);
}

/* The number stored for a cell (what a total's SUM adds up). */
static double cell_number(const struct report_cell *c)
{
    switch (c->kind) {
    case RC_COUNT: return (double)c->n;
    /* exact minutes, shown to a tenth: a total then says what the summary
     * says, not the sum of rounded cells */
    case RC_MS: return (double)c->n / 60000.0;
    case RC_PCT: return c->pct / 100.0;
    default: return 0;
    }
}

static void write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                       const struct report_cell *c, const struct fmts *fm, bool wrap)
{
    switch (c->kind) {
    case RC_TEXT:
        if (!c->text || !*c->text)
            break;
        if (strlen(c->text) <= MAX_CELL_BYTES) {
            worksheet_write_string(ws, row, col, c->text, wrap ? fm->wrap : fm->text);
        } else { /* a cell holds 32767 characters: cut, not left out */
            char *t = xstrdup(c->text);
            utf8_cut(t, MAX_CELL_BYTES);
            worksheet_write_string(ws, row, col, t, wrap ? fm->wrap : fm->text);
            free(t);
        }
        break;
    case RC_COUNT: worksheet_write_number(ws, row, col, cell_number(c), fm->count); break;
    case RC_MS: worksheet_write_number(ws, row, col, cell_number(c), fm->min); break;
    case RC_PCT:
        if (c->pct >= 0) /* nothing was due: an empty cell, not a zero */
            worksheet_write_number(ws, row, col, cell_number(c), fm->pct);
        break;
    case RC_TIME:
        if (c->n >= 0) {
            lxw_datetime d = local_dt(c->n);
            worksheet_write_datetime(ws, row, col, &d, fm->time);
        }
        break;
    }
}

/* The width a cell takes as shown, in characters. */
static double cell_width(const struct report_cell *c)
{
    char buf[64];
    if (c->kind == RC_TEXT)
        return c->text ? (double)lxw_utf8_strlen(c->text) : 0;
    report_cell_text(c, buf, sizeof buf);
    return (double)strlen(buf) + (c->kind == RC_PCT ? 1 : 0);
}

/* The longest word of a title: the narrowest its wrapped column can be. */
static double longest_word(const char *s)
{
    size_t best = 0;
    while (*s) {
        size_t n = strcspn(s, " ");
        char w[128];
        util_strlcpy(w, s, n + 1 < sizeof w ? n + 1 : sizeof w);
        size_t l = lxw_utf8_strlen(w);
        best = l > best ? l : best;
        s += n;
        s += strspn(s, " ");
    }
    return (double)best;
}

static void layout(const struct report_grid *g, struct layout *L)
{
    memset(L, 0, sizeof *L);
    size_t k = 0;
    for (int wide = 0; wide < 2; wide++)
        for (size_t j = 0; j < g->n_cols; j++)
            if (g->cols[j].wide == (bool)wide) {
                L->pos[j] = k;
                L->order[k++] = j;
                if (!wide)
                    L->n_print = k;
            }
    for (size_t j = 0; j < g->n_cols; j++) {
        const struct report_col *c = &g->cols[j];
        L->title[j] = c->title;
        if (c->kind == RC_MS) {
            /* TRANSLATORS: a column of airtime in minutes: "Thời lượng (phút)" */
            char *t = xasprintf(_("%s (minutes)"), c->title);
            L->title[j] = report_pool_strdup(g->pool, t);
            free(t);
        }
        double body = 0;
        for (size_t i = 0; i < g->n_rows; i++) {
            double w = cell_width(report_grid_cell(g, i, j));
            body = w > body ? w : body;
        }
        if (g->has_total) {
            double w = cell_width(&g->total[j]);
            body = w > body ? w : body;
        }
        if (c->kind == RC_TIME)
            body = 16; /* dd/mm/yyyy hh:mm */
        double head = (double)lxw_utf8_strlen(L->title[j]);
        if (head > HEAD_WIDTH)
            head = longest_word(L->title[j]) > HEAD_WIDTH ? longest_word(L->title[j])
                                                          : HEAD_WIDTH;
        double w = (body > head ? body : head) + 2;
        size_t p = L->pos[j];
        L->wrap[p] = w > MAX_WIDTH;
        L->width[p] = w > MAX_WIDTH ? MAX_WIDTH : w < MIN_WIDTH ? MIN_WIDTH : w;
    }
}

/* The lines a text wraps to in a column of width characters (words kept
 * whole, as the readers wrap). A width counts digits; letters of the serif
 * average less (LibreOffice fits about 62 letters in a column of 50). */
#define LINE_PT 14.5    /* a line of 12 pt Times New Roman, with its leading */
#define LETTER 0.85     /* a letter's width in digits, with a margin */
static int text_lines(const char *s, double width)
{
    double avail = width - 1 > 1 ? width - 1 : 1, at = 0;
    int lines = 1;
    while (s && *s) {
        size_t n = strcspn(s, " ");
        char w[256];
        util_strlcpy(w, s, n + 1 < sizeof w ? n + 1 : sizeof w);
        double l = LETTER * (double)lxw_utf8_strlen(w);
        if (at > 0 && at + 1 + l > avail) {
            lines++;
            at = 0;
        }
        at += (at > 0 ? 1 : 0) + l;
        while (at > avail) { /* a word longer than the column */
            lines++;
            at -= avail;
        }
        s += n;
        s += strspn(s, " ");
    }
    return lines;
}

/* Excel's column width in characters of the default font, as printed. */
static double width_mm(double chars)
{
    return (chars * 7 + 5) * 25.4 / 96;
}

/* '&' starts a code in a header or a footer: doubled to print itself. */
static void hf_escape(char *out, size_t len, const char *s)
{
    size_t o = 0;
    for (; *s && o + 3 < len; s++) {
        if (*s == '&')
            out[o++] = '&';
        out[o++] = *s;
    }
    out[o] = '\0';
}

static void page_setup(lxw_worksheet *ws, const struct report *r, const struct layout *L,
                       lxw_row_t head_row, lxw_row_t last_row)
{
    double mm = 0;
    for (size_t k = 0; k < L->n_print; k++)
        mm += width_mm(L->width[k]);
    worksheet_set_paper(ws, 9); /* A4 */
    if (mm > PORTRAIT_MM)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0); /* one page wide, as many long as it takes */
    worksheet_repeat_rows(ws, head_row, head_row);
    worksheet_print_area(ws, 0, 0, last_row,
                         (lxw_col_t)(L->n_print ? L->n_print - 1 : 0));
    /* Decree 30/2020: left 30-35 mm, right 15-20, top and bottom 20-25 */
    worksheet_set_margins(ws, MM_IN(30), MM_IN(15), MM_IN(20), MM_IN(20));

    /* Excel takes 255 characters: 60 bytes each, '&' doubled, fit */
    char commune[96], period[96], a[128], b[128], head[272], foot[128];
    char *pt = report_period_title(&r->period);
    util_strlcpy(commune, r->commune ? r->commune : "", sizeof commune);
    util_strlcpy(period, pt, sizeof period);
    free(pt);
    utf8_cut(commune, 60);
    utf8_cut(period, 60);
    hf_escape(a, sizeof a, commune);
    hf_escape(b, sizeof b, period);
    snprintf(head, sizeof head, "&L%s&R%s", a, b);
    /* TRANSLATORS: a spreadsheet's page footer; keep &P (the page) and &N (the pages) */
    snprintf(foot, sizeof foot, "&C%s", _("Page &P of &N"));
    lxw_header_footer_options hf = {.margin = MM_IN(10)};
    worksheet_set_header_opt(ws, head, &hf);
    worksheet_set_footer_opt(ws, foot, &hf);
}

/* The summary sheet's heading: the issuing body, the title, the period.
 * Returns the next free row. */
/* one merged line of the heading over the printed columns */
static void head_line(lxw_worksheet *ws, lxw_row_t row, lxw_col_t last, const char *s,
                      lxw_format *f)
{
    if (last > 0)
        worksheet_merge_range(ws, row, 0, row, last, s, f);
    else
        worksheet_write_string(ws, row, 0, s, f);
}

static lxw_row_t heading(lxw_worksheet *ws, const struct report *r, const struct fmts *fm,
                         const struct layout *L)
{
    lxw_row_t row = 0;
    lxw_col_t last = (lxw_col_t)(L->n_print ? L->n_print - 1 : 0);
    double chars = 0;
    for (size_t k = 0; k < L->n_print; k++)
        chars += L->width[k];
    /* the issuer as the document has it (doc.c: the setting's lines in
     * capitals, or ỦY BAN NHÂN DÂN and the commune) */
    struct report_doc *doc = NULL;
    if (report_doc_build(r, &doc) == 0) {
        const struct report_doc_head *h = report_doc_head(doc);
        for (size_t i = 0; i < h->n_issuer; i++)
            worksheet_write_string(ws, row++, 0, h->issuer[i], fm->issuer);
    }
    report_doc_free(doc);
    row++;
    /* merged over the printed columns; a merged cell does not grow with its
     * text, so its height is set from the lines the text takes */
    const char *title = report_label(RL_TITLE);
    /* 14 pt bold capitals: about 1.3 characters of the 12 pt columns. A
     * title too long for a line breaks at the space nearest its middle, not
     * where the reader would leave one word alone on the second line. */
    double need = (double)lxw_utf8_strlen(title) * 1.3;
    char *two = xstrdup(title);
    int lines = 1;
    if (need > chars) {
        size_t n = strlen(two), best = 0;
        for (size_t i = 1; i < n; i++)
            if (two[i] == ' ' && (best == 0 || (i > n / 2 ? i - n / 2 : n / 2 - i) <
                                                   (best > n / 2 ? best - n / 2 : n / 2 - best)))
                best = i;
        if (best) {
            two[best] = '\n';
            lines = 2 + (int)(need / 2 / (chars > 1 ? chars : 1));
        } else {
            lines = 1 + (int)(need / (chars > 1 ? chars : 1));
        }
    }
    head_line(ws, row, last, two, fm->title);
    free(two);
    worksheet_set_row(ws, row++, 20.0 * lines, NULL);
    char *pt = i18n_lang_is_vi() ? report_period_title_vi(&r->period)
                                 : report_period_title(&r->period);
    head_line(ws, row++, last, pt, fm->subtitle);
    free(pt);
    char *ls[4] = {report_line_period(r), report_line_dates(r), report_line_partial(r),
                   report_line_made(r)};
    for (size_t i = 0; i < 4; i++) {
        if (!ls[i])
            continue;
        head_line(ws, row++, last, ls[i], fm->line);
        free(ls[i]);
    }
    return row + 1;
}

/* The chart of airings by month under the month table: its categories are
 * the month cells (text), its values the airings column. */
#define CHART_ROWS 15   /* 288 px of chart in 20 px rows */
static int month_chart(lxw_workbook *wb, lxw_worksheet *ws, const char *name,
                       const struct report_grid *g, const struct layout *L, lxw_row_t first,
                       lxw_row_t at)
{
    size_t airings = g->n_cols;
    for (size_t j = 0; j < g->n_cols; j++)
        if (strcmp(g->cols[j].key, "airings") == 0)
            airings = j;
    if (airings == g->n_cols || g->n_rows == 0)
        return 0;
    lxw_chart *chart = workbook_add_chart(wb, LXW_CHART_COLUMN);
    if (!chart)
        return -ENOMEM;
    lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
    lxw_row_t last = first + (lxw_row_t)g->n_rows - 1;
    chart_series_set_categories(series, name, first, (lxw_col_t)L->pos[0], last,
                                (lxw_col_t)L->pos[0]);
    chart_series_set_values(series, name, first, (lxw_col_t)L->pos[airings], last,
                            (lxw_col_t)L->pos[airings]);
    chart_series_set_name(series, report_label(RL_CHART_SERIES));
    chart_title_set_name(chart, report_label(RL_CHART));
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    chart_axis_set_min(chart->y_axis, 0);
    chart_axis_set_num_format(chart->y_axis, i18n_lang_is_vi() ? "[$-42A]#,##0" : "#,##0");
    /* as wide as the printed table (the default is 480 px) */
    double px = 0;
    for (size_t k = 0; k < L->n_print; k++)
        px += L->width[k] * 7 + 5;
    lxw_chart_options o = {.x_scale = px > 240 ? px / 480 : 0.5, .y_scale = 1};
    worksheet_insert_chart_opt(ws, at, 0, chart, &o);
    return 0;
}

static int table_sheet(lxw_workbook *wb, const struct report *r, const struct fmts *fm,
                       enum report_table t)
{
    struct report_grid g;
    struct layout L;
    char name[128];
    if (report_grid_build(r, t, &g) < 0)
        return -EINVAL;
    if (t == REPORT_TABLE_APPROVALS && g.n_rows == 0) { /* station.approval = signed only */
        report_grid_free(&g);
        return 0;
    }
    layout(&g, &L);
    lxw_worksheet *ws = sheet(wb, g.title, name);
    if (!ws) /* two titles the same in 31 characters: the key is unique */
        ws = sheet(wb, g.key, name);
    if (!ws) {
        report_grid_free(&g);
        return -ENOMEM;
    }
    for (size_t k = 0; k < g.n_cols; k++)
        worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, L.width[k], NULL);

    lxw_row_t head = t == REPORT_TABLE_SUMMARY ? heading(ws, r, fm, &L) : 0;
    int lines = 1;
    for (size_t k = 0; k < g.n_cols; k++) {
        const char *title = L.title[L.order[k]];
        worksheet_write_string(ws, head, (lxw_col_t)k, title, fm->head);
        int n = text_lines(title, L.width[k]);
        lines = n > lines ? n : lines;
    }
    worksheet_set_row(ws, head, LINE_PT * lines, NULL);
    lxw_row_t row = head + 1;
    for (size_t i = 0; i < g.n_rows; i++, row++) {
        lines = 1;
        for (size_t k = 0; k < g.n_cols; k++) {
            const struct report_cell *c = report_grid_cell(&g, i, L.order[k]);
            write_cell(ws, row, (lxw_col_t)k, c, fm, L.wrap[k]);
            int n = L.wrap[k] && c->kind == RC_TEXT ? text_lines(c->text, L.width[k]) : 1;
            lines = n > lines ? n : lines;
        }
        /* a reader does not grow a row to its wrapped text by itself */
        if (lines > 1) /* Excel's highest row: 409 pt */
            worksheet_set_row(ws, row, LINE_PT * lines < 409 ? LINE_PT * lines : 409, NULL);
    }
    lxw_row_t last = row - 1;
    if (g.has_total) {
        for (size_t k = 0; k < g.n_cols; k++) {
            size_t j = L.order[k];
            const struct report_cell *c = &g.total[j];
            if (!g.cols[j].sum) {
                if (c->kind == RC_TEXT && c->text && *c->text)
                    worksheet_write_string(ws, row, (lxw_col_t)k, c->text, fm->tlabel);
                else
                    worksheet_write_blank(ws, row, (lxw_col_t)k, fm->tlabel);
                continue;
            }
            lxw_format *f = g.cols[j].kind == RC_MS ? fm->tmin : fm->tcount;
            if (g.n_rows == 0) {
                worksheet_write_number(ws, row, (lxw_col_t)k, 0, f);
                continue;
            }
            /* the cached result is what the formula gives: the sum of the
             * cells as stored */
            double sum = 0;
            for (size_t i = 0; i < g.n_rows; i++)
                sum += cell_number(report_grid_cell(&g, i, j));
            char a[LXW_MAX_CELL_NAME_LENGTH], b[LXW_MAX_CELL_NAME_LENGTH], formula[64];
            lxw_rowcol_to_cell(a, head + 1, (lxw_col_t)k);
            lxw_rowcol_to_cell(b, row - 1, (lxw_col_t)k);
            snprintf(formula, sizeof formula, "=SUM(%s:%s)", a, b);
            worksheet_write_formula_num(ws, row, (lxw_col_t)k, formula, f, sum);
        }
        last = row++;
    }
    int rc = 0;
    if (t == REPORT_TABLE_MONTHS && g.n_rows > 0) {
        rc = month_chart(wb, ws, name, &g, &L, head + 1, last + 2);
        last += 2 + CHART_ROWS;
    }
    if (t == REPORT_TABLE_SUMMARY) {
        /* technical detail: under the table, outside the print area */
        row = last + 2;
        if (r->n_files)
            worksheet_write_string(ws, row++, 0, report_label(RL_PLAN_FILES), fm->text);
        for (size_t i = 0; i < r->n_files; i++, row++) {
            worksheet_write_string(ws, row, 0, r->files[i].path, fm->text);
            worksheet_write_string(ws, row, 1, r->files[i].sha256, fm->text);
        }
        /* the as-run log's hash chain when the report was made */
        worksheet_write_string(ws, row, 0, report_label(RL_CHAIN_ROWS), fm->text);
        worksheet_write_number(ws, row++, 1, (double)r->chain_rows, fm->count);
        worksheet_write_string(ws, row, 0, report_label(RL_CHAIN_HEAD), fm->text);
        if (r->chain_head[0])
            worksheet_write_string(ws, row, 1, r->chain_head, fm->text);
    }
    page_setup(ws, r, &L, head, last);
    if (t != REPORT_TABLE_SUMMARY) /* there the heading would take the screen */
        worksheet_freeze_panes(ws, head + 1, 0);
    report_grid_free(&g);
    return rc;
}

/* A number format, tagged Vietnamese for a Vietnamese report (see the top). */
static void num_format(lxw_format *f, const char *code)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s%s", i18n_lang_is_vi() ? "[$-42A]" : "", code);
    format_set_num_format(f, buf);
}

int report_render_xlsx(const struct report *r, const struct report_render_ctx *cx)
{
    const char *path = cx->path;
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        snprintf(cx->err, cx->errlen, _("cannot create the spreadsheet %s"), path);
        return -EIO;
    }
    struct fmts fm;
    lxw_format **all[] = {&fm.head, &fm.text, &fm.wrap, &fm.count, &fm.min, &fm.pct,
                          &fm.time, &fm.tlabel, &fm.tcount, &fm.tmin, &fm.issuer,
                          &fm.title, &fm.subtitle, &fm.line};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        *all[i] = workbook_add_format(wb);
        format_set_font_name(*all[i], "Times New Roman");
        format_set_font_size(*all[i], 12);
    }
    format_set_bold(fm.head);
    format_set_text_wrap(fm.head);
    format_set_align(fm.head, LXW_ALIGN_CENTER);
    format_set_align(fm.head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(fm.head, LXW_BORDER_THIN);
    format_set_bg_color(fm.head, 0xE8E8E8);
    format_set_text_wrap(fm.wrap);
    lxw_format *body[] = {fm.text, fm.wrap, fm.count, fm.min, fm.pct, fm.time};
    for (size_t i = 0; i < ARRAY_SIZE(body); i++) /* beside a wrapped cell: at its top */
        format_set_align(body[i], LXW_ALIGN_VERTICAL_TOP);
    num_format(fm.count, "#,##0");
    num_format(fm.min, "#,##0.0");
    num_format(fm.pct, "0.0%");
    num_format(fm.time, "dd/mm/yyyy hh:mm");
    format_set_bold(fm.tlabel);
    format_set_top(fm.tlabel, LXW_BORDER_THIN);
    format_set_bold(fm.tcount);
    format_set_top(fm.tcount, LXW_BORDER_THIN);
    num_format(fm.tcount, "#,##0");
    format_set_bold(fm.tmin);
    format_set_top(fm.tmin, LXW_BORDER_THIN);
    num_format(fm.tmin, "#,##0.0");
    format_set_bold(fm.issuer);
    format_set_font_size(fm.issuer, 13);
    format_set_bold(fm.title);
    format_set_font_size(fm.title, 14);
    format_set_text_wrap(fm.title);
    format_set_align(fm.title, LXW_ALIGN_CENTER);
    format_set_align(fm.title, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bold(fm.subtitle);
    format_set_font_size(fm.subtitle, 13);
    format_set_align(fm.subtitle, LXW_ALIGN_CENTER);
    format_set_italic(fm.line);

    /* the file's properties; created: when the report was made, so the same
     * report gives the same file */
    char *period = report_period_title(&r->period);
    lxw_doc_properties props = {
        .title = (char *)report_label(RL_TITLE), .subject = period,
        .company = (char *)(r->commune ? r->commune : ""), .category = "loaxa report",
        .created = (time_t)(r->generated_at_ms / 1000),
    };
    workbook_set_properties(wb, &props);
    free(period);

    int rc = 0;
    for (int t = 0; t < REPORT_TABLE_COUNT && rc == 0; t++)
        rc = table_sheet(wb, r, &fm, (enum report_table)t);

    lxw_error e = workbook_close(wb);
    if (rc < 0) {
        unlink(path);
        return rc;
    }
    if (e != LXW_NO_ERROR) {
        snprintf(cx->err, cx->errlen, _("cannot write the spreadsheet %s: %s"), path,
                 lxw_strerror(e));
        return -EIO;
    }
    return 0;
}
