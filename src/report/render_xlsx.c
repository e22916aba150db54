/* The report as a spreadsheet (libxlsxwriter): a summary sheet, one sheet
 * per table, and a column chart of airings by month. Counts and minutes are
 * numbers and times are Excel dates, so the officer can sum and filter. */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "core/i18n.h"
#include "core/util.h"

struct fmts {
    lxw_format *bold, *head, *date, *datetime, *min, *pct, *title;
};

static lxw_datetime local_dt(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return (lxw_datetime){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          tm.tm_min, tm.tm_sec};
}

/* Sheet names: at most 31 characters and none of []:*?/\ (Excel's rule). */
static lxw_worksheet *sheet(lxw_workbook *wb, const char *name)
{
    char buf[128];
    util_strlcpy(buf, name, sizeof buf);
    for (char *c = buf; *c; c++)
        if (strchr("[]:*?/\\", *c))
            *c = '-';
    if (lxw_utf8_strlen(buf) > 31) {
        size_t chars = 0;
        char *c = buf;
        while (*c && chars < 31) {
            c++;
            while ((*c & 0xC0) == 0x80)
                c++;
            chars++;
        }
        *c = '\0';
    }
    return workbook_add_worksheet(wb, buf);
}

/* A sheet per table: its title, the column titles (the wide set) frozen. */
static lxw_worksheet *table_sheet(lxw_workbook *wb, const struct fmts *fm,
                                  enum report_table which)
{
    lxw_worksheet *ws = sheet(wb, report_table_title(which));
    struct report_columns c;
    report_table_columns(which, &c);
    for (size_t i = 0; i < c.n_wide; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, c.title[i], fm->head);
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

static void summary_sheet(lxw_workbook *wb, const struct report *r, const struct fmts *fm)
{
    lxw_worksheet *ws = sheet(wb, report_table_title(REPORT_TABLE_SUMMARY));
    char *pt = report_period_title(&r->period);
    lxw_row_t row = 0;
    worksheet_set_column(ws, 0, 0, 48, NULL);
    worksheet_set_column(ws, 1, 1, 24, NULL);
    worksheet_write_string(ws, row++, 0, r->commune, fm->bold);
    worksheet_write_string(ws, row++, 0, report_label(RL_TITLE), fm->title);
    worksheet_write_string(ws, row, 0, pt, NULL);
    worksheet_write_string(ws, row++, 1, r->period.spec, NULL);
    lxw_datetime d1 = {r->period.first.year, r->period.first.month, r->period.first.day, 0, 0, 0};
    lxw_datetime d2 = {r->period.last.year, r->period.last.month, r->period.last.day, 0, 0, 0};
    worksheet_write_string(ws, row, 0, report_label(RL_FIRST_DAY), NULL);
    worksheet_write_datetime(ws, row++, 1, &d1, fm->date);
    worksheet_write_string(ws, row, 0, report_label(RL_LAST_DAY), NULL);
    worksheet_write_datetime(ws, row++, 1, &d2, fm->date);
    worksheet_write_string(ws, row, 0, report_label(RL_CUTOFF), NULL);
    worksheet_write_string(ws, row++, 1, report_cutoff_label(r->period.cutoff), NULL);
    if (r->partial) {
        lxw_datetime e = local_dt(r->end_ms);
        worksheet_write_string(ws, row, 0, report_label(RL_REPORTED_UP_TO), NULL);
        worksheet_write_datetime(ws, row++, 1, &e, fm->datetime);
    }
    lxw_datetime g = local_dt(r->generated_at_ms);
    worksheet_write_string(ws, row, 0, report_label(RL_MADE_AT), NULL);
    worksheet_write_datetime(ws, row++, 1, &g, fm->datetime);
    worksheet_write_string(ws, row, 0, report_label(RL_CHAIN_ROWS), NULL);
    worksheet_write_number(ws, row++, 1, (double)r->chain_rows, NULL);
    worksheet_write_string(ws, row, 0, report_label(RL_CHAIN_HEAD), NULL);
    worksheet_write_string(ws, row++, 1, r->chain_head, NULL);
    for (size_t i = 0; i < r->n_files; i++) {
        worksheet_write_string(ws, row, 0, r->files[i].path, NULL);
        worksheet_write_string(ws, row++, 1, r->files[i].sha256, NULL);
    }
    free(pt);
    row++;
    struct report_columns c;
    report_table_columns(REPORT_TABLE_SUMMARY, &c);
    worksheet_write_string(ws, row, 0, c.title[0], fm->head);
    worksheet_write_string(ws, row++, 1, c.title[1], fm->head);
    struct report_summary_row rows[REPORT_SUMMARY_ROWS];
    size_t nrows = report_summary_rows(r, rows);
    for (size_t i = 0; i < nrows; i++, row++) {
        const struct report_summary_row *sr = &rows[i];
        worksheet_write_string(ws, row, 0, sr->label, NULL);
        switch (sr->kind) {
        case RV_COUNT: worksheet_write_number(ws, row, 1, (double)sr->value, NULL); break;
        case RV_MINUTES:
            worksheet_write_number(ws, row, 1, report_minutes(sr->value), fm->min);
            break;
        case RV_HOURS: worksheet_write_number(ws, row, 1, report_hours(sr->value), fm->min); break;
        case RV_PERCENT:
            if (sr->pct >= 0)
                worksheet_write_number(ws, row, 1, sr->pct / 100.0, fm->pct);
            break;
        }
    }
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
    struct fmts fm = {
        .bold = workbook_add_format(wb), .head = workbook_add_format(wb),
        .date = workbook_add_format(wb), .datetime = workbook_add_format(wb),
        .min = workbook_add_format(wb), .pct = workbook_add_format(wb),
        .title = workbook_add_format(wb),
    };
    format_set_bold(fm.bold);
    format_set_bold(fm.head);
    format_set_bottom(fm.head, LXW_BORDER_THIN);
    format_set_bold(fm.title);
    format_set_font_size(fm.title, 14);
    format_set_num_format(fm.date, "dd/mm/yyyy");
    format_set_num_format(fm.datetime, "dd/mm/yyyy hh:mm:ss");
    format_set_num_format(fm.min, "0.0");
    format_set_num_format(fm.pct, "0.0%");

    summary_sheet(wb, r, &fm);

    lxw_worksheet *ws = table_sheet(wb, &fm, REPORT_TABLE_ITEMS);
    worksheet_set_column(ws, 0, 0, 36, NULL);
    worksheet_set_column(ws, 1, 2, 20, NULL);
    worksheet_set_column(ws, 9, 10, 40, NULL);
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, it->title, NULL);
        worksheet_write_string(ws, row, 1, it->topic, NULL);
        worksheet_write_string(ws, row, 2, it->unit, NULL);
        worksheet_write_string(ws, row, 3, report_source_label(it->source), NULL);
        worksheet_write_number(ws, row, 4, (double)it->planned, NULL);
        worksheet_write_number(ws, row, 5, (double)it->aired, NULL);
        worksheet_write_number(ws, row, 6, (double)it->not_aired, NULL);
        worksheet_write_number(ws, row, 7, (double)it->airings, NULL);
        worksheet_write_number(ws, row, 8, report_minutes(it->played_ms), fm.min);
        worksheet_write_string(ws, row, 9, it->reasons, NULL);
        worksheet_write_string(ws, row, 10, it->uid, NULL);
    }

    ws = table_sheet(wb, &fm, REPORT_TABLE_TOPICS);
    worksheet_set_column(ws, 0, 0, 30, NULL);
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, report_topic_label(tp->topic), NULL);
        worksheet_write_number(ws, row, 1, (double)tp->items, NULL);
        worksheet_write_number(ws, row, 2, (double)tp->planned, NULL);
        worksheet_write_number(ws, row, 3, (double)tp->aired, NULL);
        worksheet_write_number(ws, row, 4, (double)tp->airings, NULL);
        worksheet_write_number(ws, row, 5, report_minutes(tp->played_ms), fm.min);
    }

    const char *month_sheet = report_table_title(REPORT_TABLE_MONTHS);
    lxw_worksheet *wm = table_sheet(wb, &fm, REPORT_TABLE_MONTHS);
    lxw_format *monthf = workbook_add_format(wb);
    format_set_num_format(monthf, "mm/yyyy");
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        lxw_datetime d = {mo->year, mo->month, 1, 0, 0, 0};
        worksheet_write_datetime(wm, row, 0, &d, monthf);
        worksheet_write_number(wm, row, 1, (double)mo->planned, NULL);
        worksheet_write_number(wm, row, 2, (double)mo->aired, NULL);
        worksheet_write_number(wm, row, 3, (double)mo->airings, NULL);
        worksheet_write_number(wm, row, 4, report_minutes(mo->played_ms), fm.min);
    }
    lxw_chart *chart = workbook_add_chart(wb, LXW_CHART_COLUMN);
    lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
    lxw_row_t last = (lxw_row_t)(r->n_months ? r->n_months : 1);
    chart_series_set_categories(series, month_sheet, 1, 0, last, 0);
    chart_series_set_values(series, month_sheet, 1, 3, last, 3);
    chart_series_set_name(series, report_label(RL_CHART_SERIES));
    chart_title_set_name(chart, report_label(RL_CHART));
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    worksheet_insert_chart(wm, 1, 6, chart);

    ws = table_sheet(wb, &fm, REPORT_TABLE_INCIDENTS);
    worksheet_set_column(ws, 0, 0, 20, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 6, 6, 40, NULL);
    worksheet_set_column(ws, 7, 7, 20, NULL);
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        lxw_datetime d = local_dt(in->planned_start_ms);
        worksheet_write_datetime(ws, row, 0, &d, fm.datetime);
        worksheet_write_string(ws, row, 1, report_title_or_uid(in->title, in->uid), NULL);
        worksheet_write_string(ws, row, 2, report_source_label(in->source), NULL);
        worksheet_write_number(ws, row, 3, in->attempt, NULL);
        worksheet_write_string(ws, row, 4, report_status_label(in->status), NULL);
        worksheet_write_number(ws, row, 5, report_seconds(in->played_ms), NULL);
        worksheet_write_string(ws, row, 6, in->reason, NULL);
        if (in->actual_start_ms >= 0) {
            lxw_datetime a = local_dt(in->actual_start_ms);
            worksheet_write_datetime(ws, row, 7, &a, fm.datetime);
        }
        worksheet_write_string(ws, row, 8, in->occ_key, NULL);
    }

    if (r->n_approvals) { /* station.approval = signed */
        ws = table_sheet(wb, &fm, REPORT_TABLE_APPROVALS);
        worksheet_set_column(ws, 0, 0, 20, NULL);
        worksheet_set_column(ws, 1, 1, 36, NULL);
        worksheet_set_column(ws, 3, 4, 36, NULL);
        for (size_t i = 0; i < r->n_approvals; i++) {
            const struct report_approval *a = &r->approvals[i];
            lxw_row_t row = (lxw_row_t)(i + 1);
            lxw_datetime d = local_dt(a->at_ms);
            worksheet_write_datetime(ws, row, 0, &d, fm.datetime);
            worksheet_write_string(ws, row, 1, report_title_or_uid(a->title, a->uid), NULL);
            worksheet_write_string(ws, row, 2, strcmp(a->decision, "approved") == 0
                                                   ? _("approved") : _("rejected"), NULL);
            worksheet_write_string(ws, row, 3, a->who, NULL);
            worksheet_write_string(ws, row, 4, a->comment, NULL);
            worksheet_write_string(ws, row, 5, a->uid, NULL);
            worksheet_write_string(ws, row, 6, a->hash, NULL);
        }
    }

    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        snprintf(cx->err, cx->errlen, _("cannot write the spreadsheet %s: %s"), path,
                 lxw_strerror(e));
        return -EIO;
    }
    return 0;
}
