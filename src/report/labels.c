/* Every word a renderer prints and the number formats they share, so the
 * formats never disagree about what a column is called or how a period is
 * named. A new format takes its words from here. */
#include "report/report_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"

static const char *const outcome_keys[OUT_COUNT] = {
    "aired", "interrupted", "failed", "missed", "cancelled", "on_air", "unlogged",
    "not_approved",
};

const char *report_outcome_key(enum report_outcome o)
{
    return (unsigned)o < OUT_COUNT ? outcome_keys[o] : "?";
}

const char *report_outcome_label(enum report_outcome o)
{
    switch (o) {
    case OUT_AIRED: return _("aired");
    case OUT_INTERRUPTED: return _("interrupted");
    case OUT_FAILED: return _("failed");
    case OUT_MISSED: return _("missed");
    case OUT_CANCELLED: return _("cancelled");
    case OUT_ON_AIR: return _("on air");
    case OUT_UNLOGGED: return _("not logged");
    /* TRANSLATORS: STATUS:TENTATIVE under require_approval: "chưa được phê duyệt" */
    case OUT_NOT_APPROVED: return _("not approved");
    default: return "?";
    }
}

const char *report_status_label(const char *status)
{
    for (int i = 0; i < OUT_COUNT; i++)
        if (strcmp(status, outcome_keys[i]) == 0)
            return report_outcome_label((enum report_outcome)i);
    return status;
}

const char *report_source_label(enum aslog_source s)
{
    switch (s) {
    case ASLOG_SOURCE_PLAN: return _("plan");
    case ASLOG_SOURCE_ADHOC: return _("ad hoc");
    case ASLOG_SOURCE_EMERGENCY: return _("emergency");
    }
    return "?";
}

static const char *const labels[RL_COUNT] = {
    [RL_TITLE] = N_("BROADCAST REPORT OF THE COMMUNE LOUDSPEAKER RADIO"),
    [RL_PLAN_FILES] = N_("Plan files (SHA-256):"),
    [RL_NO_FILES] = N_("(none)"),
    [RL_NO_TOPIC] = N_("(no topic)"),
    [RL_NO_INCIDENTS] = N_("None: every planned occurrence aired fully."),
    [RL_CHART] = N_("Airings by month"),
    [RL_CHART_SERIES] = N_("Airings"),
    [RL_FIRST_DAY] = N_("First day"),
    [RL_LAST_DAY] = N_("Last day"),
    [RL_CUTOFF] = N_("Cut-off"),
    [RL_REPORTED_UP_TO] = N_("Reported up to (the period has not ended)"),
    [RL_MADE_AT] = N_("Made at"),
    [RL_NO_UNIT] = N_("(no lead unit)"),
    [RL_CHAIN_ROWS] = N_("Rows in the as-run log's hash chain"),
    [RL_CHAIN_HEAD] = N_("Head of the hash chain (loaxa log verify)"),
};

const char *report_label(enum report_label l)
{
    return (unsigned)l < RL_COUNT ? _(labels[l]) : "?";
}

static const struct {
    const char *title;
    const char *col[REPORT_MAX_COLS];
    size_t n;                  /* printed columns; the rest: a spreadsheet's */
} tables[REPORT_TABLE_COUNT] = {
    [REPORT_TABLE_SUMMARY] = {N_("Summary"), {N_("Figure"), N_("Value")}, 2},
    [REPORT_TABLE_ITEMS] = {N_("By item"),
                            {N_("Title"), N_("Topic"), N_("Unit"), N_("Source"), N_("Planned"),
                             N_("Aired"), N_("Not aired"), N_("Airings"), N_("Minutes"),
                             N_("Reasons"), N_("UID")}, 10},
    [REPORT_TABLE_TOPICS] = {N_("By topic"),
                             {N_("Topic"), N_("Items"), N_("Planned"), N_("Aired"),
                              N_("Airings"), N_("Minutes")}, 6},
    [REPORT_TABLE_UNITS] = {N_("By lead unit"),
                            {N_("Lead unit"), N_("Items (distinct)"), N_("Planned"),
                             N_("Aired"), N_("Airings"), N_("Minutes")}, 6},
    [REPORT_TABLE_LEVELS] = {N_("By level"),
                             {N_("Level"), N_("Items (distinct)"), N_("Planned"), N_("Aired"),
                              N_("Airings"), N_("Minutes")}, 6},
    [REPORT_TABLE_INCIDENT_SUMMARY] = {N_("Incidents in summary"),
                                       {N_("Status"), N_("Reason"), N_("Times"),
                                        N_("Items (distinct)")}, 4},
    [REPORT_TABLE_MONTHS] = {N_("By month"),
                             {N_("Month"), N_("Planned"), N_("Aired"), N_("Airings"),
                              N_("Minutes")}, 5},
    [REPORT_TABLE_INCIDENTS] = {N_("Incidents"),
                                {N_("Planned start"), N_("Title"), N_("Source"), N_("Attempt"),
                                 N_("Status"), N_("Played (s)"), N_("Reason"),
                                 N_("Actual start"), N_("Occurrence")}, 7},
    [REPORT_TABLE_APPROVALS] = {N_("Approvals"),
                                {N_("Decided at"), N_("Title"), N_("Decision"), N_("By"),
                                 N_("Comment"), N_("UID"), N_("Content (SHA-256)")}, 5},
};

const char *report_table_title(enum report_table t)
{
    return (unsigned)t < REPORT_TABLE_COUNT ? _(tables[t].title) : "?";
}

void report_table_columns(enum report_table t, struct report_columns *c)
{
    memset(c, 0, sizeof *c);
    if ((unsigned)t >= REPORT_TABLE_COUNT)
        return;
    c->n = tables[t].n;
    while (c->n_wide < REPORT_MAX_COLS && tables[t].col[c->n_wide]) {
        c->title[c->n_wide] = _(tables[t].col[c->n_wide]);
        c->n_wide++;
    }
}

size_t report_summary_rows(const struct report *r,
                           struct report_summary_row rows[REPORT_SUMMARY_ROWS])
{
    const struct report_summary *s = &r->sum;
    size_t n = 0;
#define ROW(key_, l, k, v, ...) do { if (n < REPORT_SUMMARY_ROWS) \
        rows[n++] = (struct report_summary_row){.key = (key_), .label = (l), .kind = (k), \
                                                .value = (v), __VA_ARGS__}; } while (0)
    ROW("planned_items", _("Items planned (distinct)"), RV_COUNT, s->planned_items);
    ROW("planned", _("Planned airings (after cancellations)"), RV_COUNT, s->planned);
    for (int o = 0; o < OUT_COUNT; o++)
        if (report_outcome_planned((enum report_outcome)o))
            ROW(report_outcome_key((enum report_outcome)o),
                report_outcome_label((enum report_outcome)o), RV_COUNT, s->outcome[o],
                .outcome = true);
    ROW("cancelled", _("Cancelled in the plan (not counted as planned)"), RV_COUNT,
        s->outcome[OUT_CANCELLED]);
    ROW("not_approved", _("Not approved (not counted as planned)"), RV_COUNT,
        s->outcome[OUT_NOT_APPROVED]);
    ROW("compliance_pct", _("Completion rate (aired / planned)"), RV_PERCENT, 0,
        .pct = s->compliance_pct);
    ROW("items", _("Items aired (distinct)"), RV_COUNT, s->items);
    ROW("airings", _("Airings"), RV_COUNT, s->airings);
    ROW("planned_ms", _("Minutes planned (slots)"), RV_MINUTES, s->planned_ms);
    ROW("plan_ms", _("Minutes on air for the plan"), RV_MINUTES, s->plan_ms);
    ROW("emergency_airings", _("Emergency airings (planned and ad hoc)"), RV_COUNT,
        s->emergency_airings);
    ROW("emergency_planned", _("Planned emergency airings"), RV_COUNT, s->emergency_planned);
    ROW("emergency_ms", _("Minutes on air, emergency"), RV_MINUTES, s->emergency_ms,
        .detail = true);
    ROW("adhoc_airings", _("Ad hoc airings"), RV_COUNT, s->adhoc_airings);
    ROW("adhoc_ms", _("Minutes on air, ad hoc"), RV_MINUTES, s->adhoc_ms, .detail = true);
    ROW("incidents", _("Incidents"), RV_COUNT, s->incidents);
    ROW("total_ms", _("Total minutes on air"), RV_MINUTES, s->total_ms);
    ROW("total_hours", _("Total airtime"), RV_HOURS, s->total_ms);
#undef ROW
    return n;
}

void report_summary_value(const struct report_summary_row *row, char buf[32])
{
    switch (row->kind) {
    case RV_COUNT: snprintf(buf, 32, "%" PRId64, row->value); return;
    case RV_MINUTES: report_fmt_minutes(row->value, buf); return;
    case RV_HOURS: report_fmt_hours(row->value, buf); return;
    case RV_PERCENT:
        if (row->pct < 0)
            snprintf(buf, 32, "-");
        else
            snprintf(buf, 32, "%.1f %%", row->pct);
        return;
    }
    buf[0] = '\0';
}

const char *report_cutoff_label(enum config_cutoff c)
{
    return c == CONFIG_CUTOFF_ND09 ? _("cut-off of Decree 09/2019/ND-CP") : _("calendar");
}

const char *report_cutoff_key(enum config_cutoff c)
{
    return c == CONFIG_CUTOFF_ND09 ? "nd09" : "calendar";
}

const char *report_topic_label(const char *topic)
{
    return topic && *topic ? topic : report_label(RL_NO_TOPIC);
}

const char *report_unit_label(const char *unit)
{
    return unit && *unit ? unit : report_label(RL_NO_UNIT);
}

const char *report_level_label(enum plan_level l)
{
    switch (l) {
    /* TRANSLATORS: the levels of Circular 39/2020/TT-BTTTT: khẩn cấp, ưu tiên, thông thường */
    case PLAN_LEVEL_EMERGENCY: return _("emergency level");
    case PLAN_LEVEL_PRIORITY: return _("priority level");
    case PLAN_LEVEL_NORMAL: return _("normal level");
    }
    return "?";
}

const char *report_level_key(enum plan_level l)
{
    return l == PLAN_LEVEL_EMERGENCY ? "emergency" : l == PLAN_LEVEL_PRIORITY ? "priority"
                                                                             : "normal";
}

const char *report_title_or_uid(const char *title, const char *uid)
{
    return title && *title ? title : uid;
}

/* The msgids end in a newline (the text report prints them as lines). */
static char *line(char *s)
{
    s[strcspn(s, "\n")] = '\0';
    return s;
}

char *report_line_period(const struct report *r)
{
    char *title = report_period_title(&r->period);
    char *s = xasprintf(_("Period: %s (%s, %s)\n"), title, r->period.spec,
                        report_cutoff_label(r->period.cutoff));
    free(title);
    return line(s);
}

char *report_line_dates(const struct report *r)
{
    char a[16], b[16];
    report_fmt_date(r->period.first, a);
    report_fmt_date(r->period.last, b);
    return line(xasprintf(_("Dates: %s to %s inclusive\n"), a, b));
}

char *report_line_partial(const struct report *r)
{
    char t[UTIL_TIME_BUF];
    if (!r->partial)
        return NULL;
    return line(xasprintf(_("The period has not ended: reported up to %s\n"),
                          util_format_local(r->end_ms, t)));
}

char *report_title_partial(const struct report *r)
{
    if (!r->partial)
        return NULL;
    /* the last day with data: the day of the end's last instant */
    time_t t = (time_t)((r->end_ms - 1) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    char d[16];
    report_fmt_date((struct period_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, d);
    /* TRANSLATORS: after the title of a report whose period has not ended */
    return xasprintf(_("(data up to %s)"), d);
}

char *report_line_made(const struct report *r)
{
    char t[UTIL_TIME_BUF];
    return line(xasprintf(_("Made at: %s\n"), util_format_local(r->generated_at_ms, t)));
}

char *report_line_chain(const struct report *r)
{
    /* TRANSLATORS: the appendix; the head is 64 hexadecimal digits */
    return xasprintf(ngettext("As-run log: %lld row in the hash chain, head %s",
                              "As-run log: %lld rows in the hash chain, head %s",
                              (unsigned long)r->chain_rows),
                     (long long)r->chain_rows, r->chain_head[0] ? r->chain_head : "-");
}

const struct report_vi_form report_vi = {
    .authority = "ỦY BAN NHÂN DÂN",
    .station = "Đài truyền thanh",
    .number = "Số:",
    .number_code = "/BC-ĐTT",
    .nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    .motto = "Độc lập - Tự do - Hạnh phúc",
    .kind = "BÁO CÁO",
    .subject = "Kết quả hoạt động truyền thanh",
    .doc_title = "Báo cáo",
    .signer = "NGƯỜI LẬP BÁO CÁO",
    .sign_hint = "(Ký, ghi rõ họ tên)",
};

char *report_place_date_vi(const struct report *r)
{
    time_t gt = (time_t)(r->generated_at_ms / 1000);
    struct tm tm;
    localtime_r(&gt, &tm);
    return xasprintf("%s, ngày %02d tháng %02d năm %04d", r->commune, tm.tm_mday,
                     tm.tm_mon + 1, (tm.tm_year + 1900) % 10000);
}

void report_fmt_date(struct period_date d, char buf[16])
{
    snprintf(buf, 16, "%02d/%02d/%04d", d.day % 100, d.month % 100, d.year % 10000);
}

void report_fmt_iso_date(struct period_date d, char buf[16])
{
    snprintf(buf, 16, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
}

void report_fmt_minutes(int64_t ms, char buf[32])
{
    /* rounded to a tenth of a minute in integers: no float drift in goldens */
    int64_t tenths = (ms + 3000) / 6000;
    snprintf(buf, 32, "%" PRId64 ".%" PRId64, tenths / 10, tenths % 10);
}

void report_fmt_hours(int64_t ms, char buf[32])
{
    int64_t hundredths = (ms + 18000) / 36000;
    snprintf(buf, 32, "%" PRId64 ".%02" PRId64, hundredths / 100, hundredths % 100);
}

double report_minutes(int64_t ms)
{
    return (double)((ms + 3000) / 6000) / 10.0;
}

double report_hours(int64_t ms)
{
    return (double)((ms + 18000) / 36000) / 100.0;
}

double report_seconds(int64_t ms)
{
    return (double)((ms + 50) / 100) / 10.0;
}

static const char *roman(int n)
{
    static const char *const r[] = {"", "I", "II", "III", "IV"};
    return n >= 1 && n <= 4 ? r[n] : "";
}

char *report_period_title(const struct report_period *p)
{
    char a[16], b[16];
    switch (p->kind) {
    case PERIOD_QUARTER: return xasprintf(_("Quarter %s of %d"), roman(p->index), p->year);
    case PERIOD_HALF:
        return p->index == 1 ? xasprintf(_("First six months of %d"), p->year)
                             : xasprintf(_("Last six months of %d"), p->year);
    case PERIOD_NINE_MONTHS: return xasprintf(_("First nine months of %d"), p->year);
    case PERIOD_YEAR: return xasprintf(_("Year %d"), p->year);
    case PERIOD_MONTH: return xasprintf(_("Month %d of %d"), p->index, p->year);
    case PERIOD_RANGE:
        report_fmt_date(p->first, a);
        report_fmt_date(p->last, b);
        return xasprintf(_("From %s to %s"), a, b);
    }
    return xstrdup("");
}

char *report_period_title_vi(const struct report_period *p)
{
    char a[16], b[16];
    switch (p->kind) {
    case PERIOD_QUARTER: return xasprintf("QUÝ %s NĂM %d", roman(p->index), p->year);
    case PERIOD_HALF:
        return xasprintf(p->index == 1 ? "6 THÁNG ĐẦU NĂM %d" : "6 THÁNG CUỐI NĂM %d", p->year);
    case PERIOD_NINE_MONTHS: return xasprintf("9 THÁNG NĂM %d", p->year);
    case PERIOD_YEAR: return xasprintf("NĂM %d", p->year);
    case PERIOD_MONTH: return xasprintf("THÁNG %d NĂM %d", p->index, p->year);
    case PERIOD_RANGE:
        report_fmt_date(p->first, a);
        report_fmt_date(p->last, b);
        return xasprintf("TỪ NGÀY %s ĐẾN NGÀY %s", a, b);
    }
    return xstrdup("");
}

/* "1234567" with sep every three digits from the right */
static void group_digits(uint64_t v, char sep, char *buf, size_t len)
{
    char d[32];
    int n = snprintf(d, sizeof d, "%" PRIu64, v), o = 0;
    for (int i = 0; i < n && (size_t)o + 2 < len; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = sep;
        buf[o++] = d[i];
    }
    buf[o] = '\0';
}

void report_fmt_count(int64_t n, char buf[32])
{
    char *p = buf;
    if (n < 0) {
        *p++ = '-';
        n = -n;
    }
    group_digits((uint64_t)n, i18n_lang_is_vi() ? '.' : ',', p, 31);
}

void report_fmt_decimal(double v, int decimals, char buf[32])
{
    bool vi = i18n_lang_is_vi();
    int64_t scale = decimals >= 2 ? 100 : decimals == 1 ? 10 : 1;
    bool neg = v < 0;
    int64_t q = (int64_t)((neg ? -v : v) * (double)scale + 0.5);
    char whole[28];  /* 2^64 grouped: 26 bytes */
    group_digits((uint64_t)(q / scale), vi ? '.' : ',', whole, sizeof whole);
    if (decimals <= 0)
        snprintf(buf, 32, "%s%s", neg ? "-" : "", whole);
    else
        snprintf(buf, 32, "%s%.26s%c%0*" PRId64, neg ? "-" : "", whole, vi ? ',' : '.',
                 decimals >= 2 ? 2 : 1, (q % scale) % 100);
}

void report_fmt_pct(double pct, char buf[32])
{
    if (pct < 0) {
        snprintf(buf, 32, "-");
        return;
    }
    char d[32];
    report_fmt_decimal(pct, 1, d);
    snprintf(buf, 32, "%.28s %%", d);
}

void report_fmt_airtime(int64_t ms, char buf[48])
{
    int64_t min = ms > 0 ? (ms + 30000) / 60000 : 0;
    if (min >= 60)
        /* TRANSLATORS: airtime, hours and minutes: "3 giờ 25 phút" */
        snprintf(buf, 48, _("%lld h %lld min"), (long long)(min / 60), (long long)(min % 60));
    else
        /* TRANSLATORS: airtime under an hour: "45 phút" */
        snprintf(buf, 48, _("%lld min"), (long long)min);
}
