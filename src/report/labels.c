/* Words and number formats every renderer shares, so the five formats
 * never disagree about what a column is called or how a period is named. */
#include "report/report_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

static const char *const outcome_keys[OUT_COUNT] = {
    "aired", "interrupted", "failed", "missed", "cancelled", "on_air", "unlogged",
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
    default: return "?";
    }
}

const char *report_status_label(const char *status)
{
    for (int i = 0; i < OUT_COUNT; i++)
        if (strcmp(status, outcome_keys[i]) == 0)
            return report_outcome_label((enum report_outcome)i);
    if (strcmp(status, "on_air") == 0)
        return report_outcome_label(OUT_ON_AIR);
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

int report_format_parse(const char *name, enum report_format *f)
{
    static const char *const names[] = {"text", "csv", "html", "xlsx", "json"};
    for (size_t i = 0; name && i < ARRAY_SIZE(names); i++) {
        if (strcmp(name, names[i]) == 0) {
            *f = (enum report_format)i;
            return 0;
        }
    }
    return -EINVAL;
}

void report_fmt_date(struct period_date d, char buf[16])
{
    snprintf(buf, 16, "%02d/%02d/%04d", d.day % 100, d.month % 100, d.year % 10000);
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

int report_render(const struct report *r, enum report_format fmt,
                  const struct report_render_options *opt, FILE *f, const char *path,
                  char *err, size_t errlen)
{
    int rc;
    switch (fmt) {
    case REPORT_TEXT: rc = report_render_text(r, f); break;
    case REPORT_CSV: rc = report_render_csv(r, f, opt && opt->bom); break;
    case REPORT_HTML: rc = report_render_html(r, f); break;
    case REPORT_JSON: return report_render_json(r, f, err, errlen);
    case REPORT_XLSX: return report_render_xlsx(r, path, err, errlen);
    default: rc = -EINVAL;
    }
    if (rc == 0 && (fflush(f) != 0 || ferror(f)))
        rc = -EIO;
    if (rc < 0)
        snprintf(err, errlen, _("cannot write the report: %s"), strerror(-rc));
    return rc;
}
