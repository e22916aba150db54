/* The printable report: one A4 HTML page with the heading block of a
 * Vietnamese administrative report (the legal form, Vietnamese whatever
 * the language), the tables, and a bar chart of airings by month drawn
 * inline as SVG so the file needs nothing else to print. */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Markup, then text. */
static void put(FILE *f, const char *markup, const char *text)
{
    fputs(markup, f);
    esc(f, text);
}

static void th_row(FILE *f, const char *const *h, size_t n)
{
    fputs("<thead><tr>", f);
    for (size_t i = 0; i < n; i++) {
        put(f, "<th>", h[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
}

static void td(FILE *f, const char *s)
{
    put(f, "<td>", s);
    fputs("</td>", f);
}

static void td_n(FILE *f, long n)
{
    fprintf(f, "<td class=\"n\">%ld</td>", n);
}

static void td_min(FILE *f, int64_t ms)
{
    char m[32];
    report_fmt_minutes(ms, m);
    fprintf(f, "<td class=\"n\">%s</td>", m);
}

static void chart(FILE *f, const struct report *r)
{
    const int W = 640, H = 220, top = 20, bottom = 40, left = 40;
    long max = 1;
    for (size_t i = 0; i < r->n_months; i++)
        if (r->months[i].airings > max)
            max = r->months[i].airings;
    size_t n = r->n_months ? r->n_months : 1;
    double slot = (double)(W - left - 10) / (double)n;
    double bw = slot * 0.6;
    fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, H, W, H);
    esc(f, report_label(RL_CHART));
    fputs("\">\n", f);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", left,
            H - bottom, W - 10, H - bottom);
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        double h = (double)(H - top - bottom) * (double)mo->airings / (double)max;
        double x = left + slot * (double)i + (slot - bw) / 2;
        fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                   "fill=\"#3a6ea5\"><title>%02d/%04d: %ld</title></rect>\n",
                x, (double)(H - bottom) - h, bw, h, mo->month % 100, mo->year % 10000,
                mo->airings);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%ld"
                   "</text>\n", x + bw / 2, (double)(H - bottom) - h - 4, mo->airings);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
                   "%02d/%04d</text>\n", x + bw / 2, H - bottom + 16, mo->month % 100,
                mo->year % 10000);
    }
    fputs("</svg>\n", f);
}

/* A section: its title, and the table with its column titles. */
static void table_start(FILE *f, enum report_table which, const char *id)
{
    struct report_columns c;
    report_table_columns(which, &c);
    put(f, "<h2>", report_table_title(which));
    fprintf(f, "</h2>\n<table class=\"data\" id=\"%s\">\n", id);
    th_row(f, c.title, c.n);
}

static void table_end(FILE *f)
{
    fputs("</tbody></table>\n", f);
}

static void sub_line(FILE *f, const char *cls, char *s)
{
    fprintf(f, "<p class=\"%s\">", cls);
    esc(f, s);
    fputs("</p>\n", f);
    free(s);
}

int report_render_html(const struct report *r, const struct report_render_ctx *cx)
{
    FILE *f = cx->f;
    const struct report_vi_form *vi = &report_vi;
    char t[UTIL_TIME_BUF];
    char *ptv = report_period_title_vi(&r->period);
    char *pt = report_period_title(&r->period);

    fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    esc(f, vi->doc_title);
    put(f, " ", ptv);
    fputs("</title>\n<style>\n"
          "@page { size: A4; margin: 20mm 15mm 20mm 25mm; }\n"
          "body { font-family: 'Times New Roman', serif; font-size: 13pt; }\n"
          "table.heading { width: 100%; border: none; margin-bottom: 1em; }\n"
          "table.heading td { border: none; text-align: center; vertical-align: top; }\n"
          ".org { text-transform: uppercase; font-weight: bold; }\n"
          ".motto { font-weight: bold; text-decoration: underline; }\n"
          ".place { font-style: italic; }\n"
          "h1 { text-align: center; font-size: 14pt; margin: 0.5em 0 0; }\n"
          "h2 { font-size: 13pt; margin-top: 1.2em; }\n"
          "p.sub { text-align: center; margin: 0.2em 0; }\n"
          "table.data { border-collapse: collapse; width: 100%; font-size: 11pt; }\n"
          "table.data th, table.data td { border: 1px solid #000; padding: 2px 4px; }\n"
          "td.n { text-align: right; }\n"
          "thead { display: table-header-group; }\n"
          "tr { page-break-inside: avoid; }\n"
          ".sign { width: 100%; margin-top: 2em; }\n"
          ".sign td { border: none; text-align: center; width: 50%; }\n"
          "</style>\n</head>\n<body>\n", f);

    /* The heading block of an administrative document (Nghị định 30/2020). */
    char *place = report_place_date_vi(r);
    put(f, "<table class=\"heading\"><tr>\n<td><div class=\"org\">", vi->authority);
    put(f, "<br>", r->commune);
    put(f, "</div><div>", vi->station);
    put(f, "</div><div class=\"no\">", vi->number);
    put(f, " &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;", vi->number_code);
    put(f, "</div></td>\n<td><div class=\"org\">", vi->nation);
    put(f, "</div><div class=\"motto\">", vi->motto);
    put(f, "</div>\n<div class=\"place\">", place);
    put(f, "</div></td>\n</tr></table>\n<h1>", vi->kind);
    put(f, "</h1>\n<p class=\"sub\"><b>", vi->subject);
    put(f, " ", ptv);
    free(place);
    put(f, "</b></p>\n<p class=\"sub\">", pt);
    fprintf(f, " (%s): ", r->period.spec);
    char *line = report_line_dates(r);
    esc(f, line);
    free(line);
    if (r->period.cutoff == CONFIG_CUTOFF_ND09) {
        put(f, " &middot; ", report_cutoff_label(r->period.cutoff));
    }
    fputs("</p>\n", f);
    if ((line = report_line_partial(r)))
        sub_line(f, "sub partial", line);
    sub_line(f, "sub", report_line_made(r));
    free(pt);

    put(f, "<h2>", report_label(RL_PLAN_FILES));
    fputs("</h2>\n<ul class=\"files\">\n", f);
    for (size_t i = 0; i < r->n_files; i++) {
        put(f, "<li><code>", r->files[i].path);
        put(f, "</code> <code>", r->files[i].sha256);
        fputs("</code></li>\n", f);
    }
    fputs("</ul>\n", f);

    /* The printed page leaves out the minutes per source (rows.detail). */
    table_start(f, REPORT_TABLE_SUMMARY, "summary");
    struct report_summary_row rows[REPORT_SUMMARY_ROWS];
    size_t nrows = report_summary_rows(r, rows);
    for (size_t i = 0; i < nrows; i++) {
        if (rows[i].detail)
            continue;
        char v[32];
        report_summary_value(&rows[i], v);
        fputs("<tr>", f);
        td(f, rows[i].label);
        fputs("<td class=\"n\">", f);
        esc(f, v);
        fputs("</td></tr>\n", f);
    }
    table_end(f);

    put(f, "<h2>", report_label(RL_CHART));
    fputs("</h2>\n", f);
    chart(f, r);

    table_start(f, REPORT_TABLE_ITEMS, "items");
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        fputs("<tr>", f);
        td(f, report_title_or_uid(it->title, it->uid));
        td(f, it->topic);
        td(f, it->unit);
        td(f, report_source_label(it->source));
        td_n(f, it->planned);
        td_n(f, it->aired);
        td_n(f, it->not_aired);
        td_n(f, it->airings);
        td_min(f, it->played_ms);
        td(f, it->reasons);
        fputs("</tr>\n", f);
    }
    table_end(f);

    table_start(f, REPORT_TABLE_TOPICS, "topics");
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        fputs("<tr>", f);
        td(f, report_topic_label(tp->topic));
        td_n(f, tp->items);
        td_n(f, tp->planned);
        td_n(f, tp->aired);
        td_n(f, tp->airings);
        td_min(f, tp->played_ms);
        fputs("</tr>\n", f);
    }
    table_end(f);

    table_start(f, REPORT_TABLE_MONTHS, "months");
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        fprintf(f, "<tr><td>%02d/%04d</td>", mo->month % 100, mo->year % 10000);
        td_n(f, mo->planned);
        td_n(f, mo->aired);
        td_n(f, mo->airings);
        td_min(f, mo->played_ms);
        fputs("</tr>\n", f);
    }
    table_end(f);

    table_start(f, REPORT_TABLE_INCIDENTS, "incidents");
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        fputs("<tr>", f);
        td(f, util_format_local(in->planned_start_ms, t));
        td(f, report_title_or_uid(in->title, in->uid));
        td(f, report_source_label(in->source));
        td_n(f, in->attempt);
        td(f, report_status_label(in->status));
        fprintf(f, "<td class=\"n\">%.1f</td>", report_seconds(in->played_ms));
        td(f, in->reason);
        fputs("</tr>\n", f);
    }
    table_end(f);

    if (r->n_approvals) { /* station.approval = signed: who approved what, when */
        table_start(f, REPORT_TABLE_APPROVALS, "approvals");
        struct report_grid g;
        if (report_grid_build(r, REPORT_TABLE_APPROVALS, &g) == 0) {
            for (size_t i = 0; i < g.n_rows; i++) {
                fputs("<tr>", f);
                for (size_t j = 0; j < g.n_cols; j++) {
                    char cbuf[2048];
                    if (g.cols[j].wide)
                        continue;
                    report_cell_text(report_grid_cell(&g, i, j), cbuf, sizeof cbuf);
                    td(f, cbuf);
                }
                fputs("</tr>\n", f);
            }
            report_grid_free(&g);
        }
        table_end(f);
    }

    put(f, "<table class=\"sign\"><tr><td></td><td><b>", vi->signer);
    put(f, "</b><br><i>", vi->sign_hint);
    fputs("</i></td></tr></table>\n</body>\n</html>\n", f);
    free(ptv);
    return 0;
}
