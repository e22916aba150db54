/* The printable report: the administrative document of doc.c (form of
 * Decree 30/2020/ND-CP) as one standalone HTML file for A4 print. Layout
 * per Phụ lục I of the decree: margins top and bottom 20 mm, left 30 mm,
 * right 15 mm; a serif of the Times New Roman metrics that covers
 * Vietnamese on a stock Debian (Liberation Serif, Tinos); 13 pt body; the
 * page number centred in the top margin from page 2 (CSS page-margin boxes,
 * which Chromium prints since version 131). Every text is escaped: plan
 * titles and settings come from outside. */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "report/doc.h"

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (c < 0x20 && c != '\n' && c != '\t')
                fputc(' ', f);  /* control characters: not text */
            else
                fputc(c, f);
        }
    }
}

/* Markup, then text. */
static void put(FILE *f, const char *markup, const char *text)
{
    fputs(markup, f);
    esc(f, text);
}

static const char css[] =
    "@page { size: A4; margin: 20mm 15mm 20mm 30mm;\n"
    "  @top-center { content: counter(page); font-family: 'Times New Roman', "
    "'Liberation Serif', Tinos, serif; font-size: 13pt; vertical-align: middle; } }\n"
    "@page :first { @top-center { content: none; } }\n"
    /* the appendix's wide tables (UIDs, keys) on landscape pages */
    "@page appendix { size: A4 landscape; }\n"
    "html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "body { font-family: 'Times New Roman', 'Liberation Serif', Tinos, serif; font-size: 13pt;"
    " line-height: 1.25; margin: 0; color: #000; }\n"
    "@media screen { body { max-width: 165mm; margin: 10mm auto; } }\n"
    "table.heading { width: 100%; border-collapse: collapse; margin: 0 0 6pt; }\n"
    "table.heading td { border: none; padding: 0; text-align: center; vertical-align: top; }\n"
    "td.issuer { width: 40%; font-size: 13pt; }\n"
    "td.nation { width: 60%; }\n"
    ".org { font-weight: bold; }\n"
    ".nation { font-size: 12.5pt; font-weight: bold; white-space: nowrap; }\n"
    ".motto { font-size: 13.5pt; font-weight: bold; }\n"
    ".rule { display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1pt; }\n"
    /* under the issuer and the trích yếu: a rule 1/3 to 1/2 as long as the
     * text above it (Phụ lục I) */
    ".under { display: inline-block; }\n"
    ".under::after { content: ''; display: block; width: 40%; margin: 2pt auto 0;"
    " border-bottom: 1px solid #000; }\n"
    ".number { margin-top: 4pt; }\n"
    ".place { font-style: italic; margin-top: 8pt; font-size: 13.5pt; }\n"
    "h1.title { text-align: center; font-size: 14pt; font-weight: bold; margin: 14pt 0 0; }\n"
    "p.subject { text-align: center; font-size: 14pt; font-weight: bold; margin: 0; }\n"
    "h2, h3, .appx, .appx-title { break-after: avoid; page-break-after: avoid; }\n"
    "h2 { font-size: 13pt; font-weight: bold; margin: 12pt 0 6pt; }\n"
    "h3 { font-size: 13pt; font-weight: bold; margin: 8pt 0 6pt; }\n"
    "p.body { text-align: justify; text-indent: 1cm; margin: 0 0 6pt; orphans: 2; widows: 2; }\n"
    "p.placeholder { font-style: italic; border: 1px dashed #000; padding: 4pt 6pt;"
    " margin: 0 0 6pt; }\n"
    "table.data { border-collapse: collapse; width: 100%; font-size: 11pt; margin: 0 0 8pt;"
    " line-height: 1.15; }\n"
    "table.data caption { caption-side: top; text-align: left; font-weight: bold;"
    " font-style: italic; padding: 0 0 3pt; break-after: avoid; }\n"
    "table.data th, table.data td { border: 1px solid #000; padding: 2pt 3pt;"
    " vertical-align: top; overflow-wrap: break-word; }\n"
    "table.data th { font-weight: bold; text-align: center; }\n"
    "table.data td.n { text-align: right; white-space: nowrap; }\n"
    "table.data td.t { white-space: nowrap; }\n"
    "table.data tr.total td { font-weight: bold; }\n"
    "table.wide { font-size: 8.5pt; }\n"
    "table.wide td.mono { font-family: 'Liberation Mono', monospace; font-size: 7.5pt;"
    " word-break: break-all; }\n"
    "thead { display: table-header-group; break-after: avoid; }\n"
    "div.keep { break-inside: avoid; page-break-inside: avoid; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "figure.chart { margin: 0 0 8pt; break-inside: avoid; page-break-inside: avoid; }\n"
    "svg.chart { display: block; width: 100%; height: auto; }\n"
    "figure.chart figcaption { text-align: center; font-style: italic; font-size: 11pt; }\n"
    "table.sign { width: 100%; border-collapse: collapse; margin-top: 12pt;"
    " break-inside: avoid; page-break-inside: avoid; }\n"
    "table.sign td { border: none; padding: 0; vertical-align: top; }\n"
    "td.recipients { width: 45%; font-size: 11pt; }\n"
    ".rec-label { font-size: 12pt; font-weight: bold; font-style: italic; }\n"
    "td.signature { width: 55%; text-align: center; }\n"
    ".sign-line { font-weight: bold; }\n"
    ".signer { font-weight: bold; margin-top: 72pt; }\n"
    "section.appendix { break-before: page; page-break-before: always; page: appendix; }\n"
    ".appx { text-align: center; font-weight: bold; font-size: 13pt; margin: 0; }\n"
    ".appx-title { text-align: center; font-weight: bold; font-size: 13pt; margin: 0 0 12pt; }\n";

static bool numeric(enum report_cell_kind k)
{
    return k == RC_COUNT || k == RC_MS || k == RC_PCT;
}

/* A cell as the printed document shows it: airtime as "x giờ y phút". */
static void cell_text(const struct report_cell *c, char *buf, size_t len)
{
    if (c->kind == RC_MS) {
        char a[48];
        report_fmt_airtime(c->n, a);
        snprintf(buf, len, "%s", a);
        return;
    }
    report_cell_text(c, buf, len);
}

static bool col_shown(const struct report_col *c, bool wide)
{
    return wide || !c->wide;
}

static void td(FILE *f, const struct report_col *col, const struct report_cell *c, bool wide)
{
    char b[512];
    cell_text(c, b, sizeof b);
    bool mono = wide && (strcmp(col->key, "uid") == 0 || strcmp(col->key, "occurrence") == 0 ||
                         strcmp(col->key, "sha256") == 0 || strcmp(col->key, "path") == 0);
    fprintf(f, "<td%s>", numeric(c->kind)     ? " class=\"n\""
                         : c->kind == RC_TIME ? " class=\"t\""
                         : mono               ? " class=\"mono\""
                                              : "");
    if (c->kind == RC_TEXT)
        esc(f, c->text);   /* any length: not through the buffer */
    else
        esc(f, b);
    fputs("</td>", f);
}

/* The bar chart of airings by month, from the months grid. */
static void chart(FILE *f, const struct report_grid *g)
{
    size_t cm = SIZE_MAX, ca = SIZE_MAX;
    for (size_t j = 0; j < g->n_cols; j++) {
        if (strcmp(g->cols[j].key, "month") == 0)
            cm = j;
        else if (strcmp(g->cols[j].key, "airings") == 0)
            ca = j;
    }
    if (cm == SIZE_MAX || ca == SIZE_MAX || g->n_rows == 0)
        return;
    const int W = 640, H = 220, top = 20, bottom = 40, left = 40;
    int64_t max = 1;
    for (size_t i = 0; i < g->n_rows; i++)
        if (report_grid_cell(g, i, ca)->n > max)
            max = report_grid_cell(g, i, ca)->n;
    double slot = (double)(W - left - 10) / (double)g->n_rows;
    double bw = slot * 0.6;
    fputs("<figure class=\"chart\">\n", f);
    fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
               "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, H);
    esc(f, report_label(RL_CHART));
    fputs("\">\n", f);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", left,
            H - bottom, W - 10, H - bottom);
    for (size_t i = 0; i < g->n_rows; i++) {
        const char *m = report_grid_cell(g, i, cm)->text;
        int64_t a = report_grid_cell(g, i, ca)->n;
        char n[32];
        report_fmt_count(a, n);
        double h = (double)(H - top - bottom) * (double)a / (double)max;
        double x = left + slot * (double)i + (slot - bw) / 2;
        fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                   "fill=\"#3a6ea5\"><title>", x, (double)(H - bottom) - h, bw, h);
        esc(f, m);
        fprintf(f, ": %s</title></rect>\n", n);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s"
                   "</text>\n", x + bw / 2, (double)(H - bottom) - h - 4, n);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"%s\" text-anchor=\"middle\">",
                x + bw / 2, H - bottom + 16, g->n_rows > 8 ? "9" : "11");
        esc(f, m);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
    put(f, "<figcaption>", report_label(RL_CHART));
    fputs("</figcaption>\n</figure>\n", f);
}

/* Rows of a table kept on one page (a quarter of a page of 11 pt rows): a
 * longer one breaks, or it would leave its page half empty. */
#define KEEP_ROWS 14

static void table(FILE *f, const struct report_block *b)
{
    const struct report_grid *g = b->grid;
    bool wide = b->wide;
    /* A short table moves whole to the next page rather than leave its
     * caption and header at a page foot; a long one breaks between rows,
     * its header repeated. */
    bool keep = g->n_rows <= KEEP_ROWS;
    if (keep)
        fputs("<div class=\"keep\">\n", f);
    fprintf(f, "<table class=\"data%s\" id=\"", wide ? " wide" : "");
    esc(f, g->key);
    put(f, "\">\n<caption>", b->text);
    fputs("</caption>\n<thead><tr>", f);
    for (size_t j = 0; j < g->n_cols; j++)
        if (col_shown(&g->cols[j], wide))
            put(f, "<th>", g->cols[j].title), fputs("</th>", f);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < g->n_rows; i++) {
        fputs("<tr>", f);
        for (size_t j = 0; j < g->n_cols; j++)
            if (col_shown(&g->cols[j], wide))
                td(f, &g->cols[j], report_grid_cell(g, i, j), wide);
        fputs("</tr>\n", f);
    }
    if (g->has_total && g->n_rows) {
        fputs("<tr class=\"total\">", f);
        for (size_t j = 0; j < g->n_cols; j++)
            if (col_shown(&g->cols[j], wide))
                td(f, &g->cols[j], &g->total[j], wide);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (keep)
        fputs("</div>\n", f);
    if (g->table == REPORT_TABLE_MONTHS && !wide)
        chart(f, g);
}

static void heading(FILE *f, const struct report_doc_head *h)
{
    fputs("<table class=\"heading\"><tr>\n<td class=\"issuer\"><div class=\"org\">"
          "<span class=\"under\">", f);
    for (size_t i = 0; i < h->n_issuer; i++) {
        if (i)
            fputs("<br>", f);
        esc(f, h->issuer[i]);
    }
    put(f, "</span></div>\n<div class=\"number\">", h->number);
    put(f, "</div></td>\n<td class=\"nation\"><div class=\"nation\">", h->nation);
    put(f, "</div><div class=\"motto\"><span class=\"rule\">", h->motto);
    put(f, "</span></div>\n<div class=\"place\">", h->place_date);
    fputs("</div></td>\n</tr></table>\n", f);
}

static void signature(FILE *f, const struct report_doc_head *h)
{
    fputs("<table class=\"sign\"><tr>\n<td class=\"recipients\">", f);
    put(f, "<div class=\"rec-label\">", h->recipients_label);
    fputs("</div>", f);
    for (size_t i = 0; i < h->n_recipients; i++)
        put(f, "<div>", h->recipients[i]), fputs("</div>", f);
    fputs("</td>\n<td class=\"signature\">", f);
    for (size_t i = 0; i < h->n_sign; i++)
        put(f, "<div class=\"sign-line\">", h->sign_block[i]), fputs("</div>", f);
    put(f, "<div class=\"signer\">", h->signer && *h->signer ? h->signer : "\u00a0");
    fputs("</div></td>\n</tr></table>\n", f);
}

int report_render_html(const struct report *r, const struct report_render_ctx *cx)
{
    FILE *f = cx->f;
    struct report_doc *d = NULL;
    if (report_doc_build(r, &d) < 0)
        return -ENOMEM;
    const struct report_doc_head *h = report_doc_head(d);
    const struct report_block *b;
    size_t n = report_doc_blocks(d, &b);

    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>", i18n_lang_is_vi() ? "vi" : "en");
    esc(f, h->file_title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
    heading(f, h);

    bool in_appendix = false, signed_ = false;
    for (size_t i = 0; i < n; i++) {
        switch (b[i].kind) {
        case RB_TITLE: put(f, "<h1 class=\"title\">", b[i].text); fputs("</h1>\n", f); break;
        case RB_SUBJECT:
            put(f, "<p class=\"subject\"><span class=\"under\">", b[i].text);
            fputs("</span></p>\n", f);
            break;
        case RB_HEADING1: put(f, "<h2>", b[i].text); fputs("</h2>\n", f); break;
        case RB_HEADING2: put(f, "<h3>", b[i].text); fputs("</h3>\n", f); break;
        case RB_PARAGRAPH: put(f, "<p class=\"body\">", b[i].text); fputs("</p>\n", f); break;
        case RB_PLACEHOLDER:
            put(f, "<p class=\"placeholder\">", b[i].text);
            fputs("</p>\n", f);
            break;
        case RB_TABLE:
            if (b[i].grid)
                table(f, &b[i]);
            break;
        case RB_APPENDIX:
            /* the body ends with the recipients and the signature */
            if (!signed_)
                signature(f, h), signed_ = true;
            if (in_appendix)
                fputs("</section>\n", f);
            put(f, "<section class=\"appendix\">\n<p class=\"appx\">PHỤ LỤC</p>\n"
                   "<p class=\"appx-title\">", b[i].text);
            fputs("</p>\n", f);
            in_appendix = true;
            break;
        }
    }
    if (!signed_)
        signature(f, h);
    if (in_appendix)
        fputs("</section>\n", f);
    fputs("</body>\n</html>\n", f);
    report_doc_free(d);
    return ferror(f) ? -EIO : 0;
}
