/* The printable report: one A4 HTML page with the heading block of a
 * Vietnamese administrative report (the legal form, Vietnamese whatever
 * the language), the tables, and a bar chart of airings by month drawn
 * inline as SVG so the file needs nothing else to print. */
#include "report/report_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
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

static void th_row(FILE *f, const char *const *h, size_t n)
{
    fputs("<thead><tr>", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<th>", f);
        esc(f, h[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
}

static void td(FILE *f, const char *s)
{
    fputs("<td>", f);
    esc(f, s);
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
    esc(f, _("Airings by month"));
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

int report_render_html(const struct report *r, FILE *f)
{
    char a[16], b[16], t[UTIL_TIME_BUF], m[32];
    time_t gt = (time_t)(r->generated_at_ms / 1000);
    struct tm tm;
    localtime_r(&gt, &tm);
    char *ptv = report_period_title_vi(&r->period);
    char *pt = report_period_title(&r->period);

    fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    esc(f, "Báo cáo ");
    esc(f, ptv);
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
    fputs("<table class=\"heading\"><tr>\n<td><div class=\"org\">ỦY BAN NHÂN DÂN<br>", f);
    esc(f, r->commune);
    fputs("</div><div>Đài truyền thanh</div><div class=\"no\">Số: &nbsp;&nbsp;&nbsp;&nbsp;"
          "&nbsp;/BC-ĐTT</div></td>\n"
          "<td><div class=\"org\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
          "<div class=\"motto\">Độc lập - Tự do - Hạnh phúc</div>\n<div class=\"place\">", f);
    esc(f, r->commune);
    fprintf(f, ", ngày %02d tháng %02d năm %04d</div></td>\n</tr></table>\n", tm.tm_mday,
            tm.tm_mon + 1, (tm.tm_year + 1900) % 10000);
    fputs("<h1>BÁO CÁO</h1>\n<p class=\"sub\"><b>Kết quả hoạt động truyền thanh ", f);
    esc(f, ptv);
    fputs("</b></p>\n<p class=\"sub\">", f);
    report_fmt_date(r->period.first, a);
    report_fmt_date(r->period.last, b);
    esc(f, pt);
    fprintf(f, " (%s): ", r->period.spec);
    char *dates = xasprintf(_("Dates: %s to %s inclusive\n"), a, b);
    dates[strcspn(dates, "\n")] = '\0';
    esc(f, dates);
    free(dates);
    if (r->period.cutoff == CONFIG_CUTOFF_ND09) {
        fputs(" &middot; ", f);
        esc(f, _("cut-off of Decree 09/2019/ND-CP"));
    }
    fputs("</p>\n", f);
    if (r->partial) {
        char *s = xasprintf(_("The period has not ended: reported up to %s\n"),
                            util_format_local(r->end_ms, t));
        s[strcspn(s, "\n")] = '\0';
        fputs("<p class=\"sub partial\">", f);
        esc(f, s);
        fputs("</p>\n", f);
        free(s);
    }
    char *made = xasprintf(_("Made at: %s\n"), util_format_local(r->generated_at_ms, t));
    made[strcspn(made, "\n")] = '\0';
    fputs("<p class=\"sub\">", f);
    esc(f, made);
    fputs("</p>\n", f);
    free(made);
    free(pt);

    fputs("<h2>", f);
    esc(f, _("Plan files (SHA-256):"));
    fputs("</h2>\n<ul class=\"files\">\n", f);
    for (size_t i = 0; i < r->n_files; i++) {
        fputs("<li><code>", f);
        esc(f, r->files[i].path);
        fputs("</code> <code>", f);
        esc(f, r->files[i].sha256);
        fputs("</code></li>\n", f);
    }
    fputs("</ul>\n", f);

    const struct report_summary *s = &r->sum;
    fputs("<h2>", f);
    esc(f, _("Summary"));
    fputs("</h2>\n<table class=\"data\" id=\"summary\">\n", f);
    const char *sh[] = {_("Figure"), _("Value")};
    th_row(f, sh, 2);
    fputs("<tr>", f);
    td(f, _("Planned occurrences"));
    td_n(f, s->planned);
    fputs("</tr>\n", f);
    for (int o = 0; o < OUT_COUNT; o++) {
        fputs("<tr>", f);
        td(f, report_outcome_label((enum report_outcome)o));
        td_n(f, s->outcome[o]);
        fputs("</tr>\n", f);
    }
    fputs("<tr>", f);
    td(f, _("Compliance (aired / planned, cancelled left out)"));
    if (s->compliance_pct < 0)
        fputs("<td class=\"n\">-</td>", f);
    else
        fprintf(f, "<td class=\"n\">%.1f %%</td>", s->compliance_pct);
    fputs("</tr>\n<tr>", f);
    td(f, _("Items aired"));
    td_n(f, s->items);
    fputs("</tr>\n<tr>", f);
    td(f, _("Airings"));
    td_n(f, s->airings);
    fputs("</tr>\n<tr>", f);
    td(f, _("Minutes on air for the plan"));
    td_min(f, s->plan_ms);
    fputs("</tr>\n<tr>", f);
    td(f, _("Emergency airings"));
    td_n(f, s->emergency_airings);
    fputs("</tr>\n<tr>", f);
    td(f, _("Ad hoc airings"));
    td_n(f, s->adhoc_airings);
    fputs("</tr>\n<tr>", f);
    td(f, _("Total minutes on air"));
    td_min(f, s->total_ms);
    fputs("</tr>\n<tr>", f);
    td(f, _("Total hours on air"));
    report_fmt_hours(s->total_ms, m);
    fprintf(f, "<td class=\"n\">%s</td>", m);
    fputs("</tr>\n</tbody></table>\n", f);

    fputs("<h2>", f);
    esc(f, _("Airings by month"));
    fputs("</h2>\n", f);
    chart(f, r);

    fputs("<h2>", f);
    esc(f, _("By item"));
    fputs("</h2>\n<table class=\"data\" id=\"items\">\n", f);
    const char *ih[] = {_("Title"), _("Topic"), _("Unit"), _("Source"), _("Planned"),
                        _("Aired"), _("Not aired"), _("Airings"), _("Minutes"), _("Reasons")};
    th_row(f, ih, 10);
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        fputs("<tr>", f);
        td(f, *it->title ? it->title : it->uid);
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
    fputs("</tbody></table>\n", f);

    fputs("<h2>", f);
    esc(f, _("By topic"));
    fputs("</h2>\n<table class=\"data\" id=\"topics\">\n", f);
    const char *tph[] = {_("Topic"), _("Items"), _("Planned"), _("Aired"), _("Airings"),
                         _("Minutes")};
    th_row(f, tph, 6);
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        fputs("<tr>", f);
        td(f, *tp->topic ? tp->topic : _("(no topic)"));
        td_n(f, tp->items);
        td_n(f, tp->planned);
        td_n(f, tp->aired);
        td_n(f, tp->airings);
        td_min(f, tp->played_ms);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);

    fputs("<h2>", f);
    esc(f, _("By month"));
    fputs("</h2>\n<table class=\"data\" id=\"months\">\n", f);
    const char *mh[] = {_("Month"), _("Planned"), _("Aired"), _("Airings"), _("Minutes")};
    th_row(f, mh, 5);
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        fprintf(f, "<tr><td>%02d/%04d</td>", mo->month % 100, mo->year % 10000);
        td_n(f, mo->planned);
        td_n(f, mo->aired);
        td_n(f, mo->airings);
        td_min(f, mo->played_ms);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);

    fputs("<h2>", f);
    esc(f, _("Incidents"));
    fputs("</h2>\n<table class=\"data\" id=\"incidents\">\n", f);
    const char *nh[] = {_("Planned start"), _("Title"), _("Source"), _("Attempt"),
                        _("Status"), _("Played (s)"), _("Reason")};
    th_row(f, nh, 7);
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        fputs("<tr>", f);
        td(f, util_format_local(in->planned_start_ms, t));
        td(f, *in->title ? in->title : in->uid);
        td(f, report_source_label(in->source));
        td_n(f, in->attempt);
        td(f, report_status_label(in->status));
        fprintf(f, "<td class=\"n\">%.1f</td>", (double)((in->played_ms + 50) / 100) / 10.0);
        td(f, in->reason);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);

    fputs("<table class=\"sign\"><tr><td></td><td><b>NGƯỜI LẬP BÁO CÁO</b><br>"
          "<i>(Ký, ghi rõ họ tên)</i></td></tr></table>\n</body>\n</html>\n", f);
    free(ptv);
    return 0;
}
