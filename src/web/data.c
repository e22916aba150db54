/* The routes that read the plan, the as-run log and the reports: the plan
 * through plan_load/plan_expand for the asked window, the log opened
 * read-only per request (loaxa-web never writes it), the reports wired
 * exactly as `loaxa report` wires them (src/cli/cmd_report.c). Every query
 * argument is bounded and checked; a bad one is a 400. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aslog/aslog.h"
#include "core/i18n.h"
#include "core/reasons.h"
#include "core/text.h"
#include "core/util.h"
#include "ctl/ctl.h"
#include "plan/plan.h"
#include "report/period.h"
#include "report/report.h"
#include "web/api_internal.h"

#define MAX_DAYS_SCHEDULE 31
#define MAX_DAYS_LOG 3700
#define MAX_PER_PAGE 200
#define MAX_DISTINCT 500
#define MAX_FILTER 200

/* ---- dates ---- */

/* "YYYY-MM-DD" exactly, a real date. */
static int parse_date(const char *s, struct period_date *d)
{
    int n = 0;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &d->year, &d->month, &d->day, &n) != 3 ||
        n != 10 || s[4] != '-' || s[7] != '-' || d->year < 1970 || d->year > 9999 ||
        d->month < 1 || d->month > 12 || d->day < 1 ||
        d->day > period_days_in_month(d->year, d->month))
        return -EINVAL;
    return 0;
}

static struct period_date date_add(struct period_date d, int days)
{
    struct tm tm = {.tm_year = d.year - 1900, .tm_mon = d.month - 1, .tm_mday = d.day + days,
                    .tm_hour = 12};
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    return (struct period_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

static struct period_date today(const struct api *a, int *wday)
{
    time_t t = (time_t)(lclock_now_ms(a->clock) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    if (wday)
        *wday = tm.tm_wday;
    return (struct period_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

static void date_text(struct period_date d, char buf[16])
{
    snprintf(buf, 16, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* A whole number in [lo, hi] or the default when absent; -1 when bad. */
static int int_arg(const char *s, int def, int lo, int hi, int *out)
{
    if (!s) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static void bad_arg(struct http_response *rs, const char *name, const char *value)
{
    char msg[512];
    snprintf(msg, sizeof msg, _("bad value \"%.200s\" for \"%s\""), value ? value : "", name);
    api_error(rs, 400, msg);
}

static json_object *time_or_null(int64_t ms)
{
    char t[UTIL_TIME_BUF];
    return ms >= 0 ? json_object_new_string(util_format_iso_local(ms, t)) : NULL;
}

static json_object *split_lines(const char *s)
{
    json_object *arr = json_object_new_array();
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (n)
            json_object_array_add(arr, json_object_new_string_len(s, (int)n));
        s += n + (nl ? 1 : 0);
    }
    return arr;
}

static struct plan *load_plan(const struct api *a, char **perr)
{
    const struct loaxa_config *cfg = a->cfg;
    struct plan_options popt = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                                .no_emergency_from_priority = !cfg->emergency_from_priority};
    const char *paths[] = {cfg->plan_path};
    return plan_load(paths, 1, &popt, perr);
}

/* ---- schedule ---- */

struct logged {
    char *key;
    int attempt;
    enum aslog_status status;
    char *reason;
    int64_t actual_start_ms;
};

struct logged_set {
    struct logged *v;
    size_t n, cap;
};

static int collect_logged(const struct aslog_row *r, void *ud)
{
    struct logged_set *s = ud;
    for (size_t i = 0; i < s->n; i++) { /* the latest attempt of an occurrence wins */
        if (strcmp(s->v[i].key, r->occ_key) == 0) {
            if (r->attempt >= s->v[i].attempt) {
                free(s->v[i].reason);
                s->v[i] = (struct logged){s->v[i].key, r->attempt, r->status,
                                          xstrdup(r->reason), r->actual_start_ms};
            }
            return 0;
        }
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (struct logged){xstrdup(r->occ_key), r->attempt, r->status,
                                   xstrdup(r->reason), r->actual_start_ms};
    return 0;
}

static void logged_free(struct logged_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].key);
        free(s->v[i].reason);
    }
    free(s->v);
}

static const struct logged *logged_find(const struct logged_set *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].key, key) == 0)
            return &s->v[i];
    return NULL;
}

static json_object *airing_doc(const struct api *a, const struct plan_occurrence *o,
                               const struct logged *lg)
{
    const struct plan_item *it = o->item;
    json_object *j = json_object_new_object();
    char t[UTIL_TIME_BUF];
    json_object_object_add(j, "key", json_object_new_string(o->key));
    json_object_object_add(j, "uid", json_object_new_string(it->uid));
    json_object_object_add(j, "title", json_object_new_string(it->summary));
    json_object_object_add(j, "start", json_object_new_string(util_format_iso_local(o->start_ms, t)));
    json_object_object_add(j, "end", json_object_new_string(util_format_iso_local(o->end_ms, t)));
    json_object_object_add(j, "level", json_object_new_string(ctl_level_name(it->level)));
    json_object_object_add(j, "unit", json_object_new_string(it->unit ? it->unit : ""));
    json_object *topics = json_object_new_array();
    for (size_t i = 0; i < it->n_categories; i++)
        json_object_array_add(topics, json_object_new_string(it->categories[i]));
    json_object_object_add(j, "topics", topics);
    json_object *recs = json_object_new_array();
    for (size_t i = 0; i < it->n_audio; i++)
        json_object_array_add(recs, json_object_new_string(it->audio[i]));
    json_object_object_add(j, "recordings", recs);
    const char *state = o->cancelled                                        ? "cancelled"
                        : !it->approved && a->cfg->require_approval ? "pending"
                                                                            : "planned";
    json_object_object_add(j, "state", json_object_new_string(state));
    char why[1400];
    json_object_object_add(j, "outcome",
                           lg ? json_object_new_string(aslog_status_name(lg->status)) : NULL);
    json_object_object_add(j, "reason", json_object_new_string(
                                            lg ? reason_label(lg->reason, why, sizeof why) : ""));
    json_object_object_add(j, "actual_start", lg ? time_or_null(lg->actual_start_ms) : NULL);
    return j;
}

void api_schedule(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    const char *from_s = http_query(rq, "from"), *days_s = http_query(rq, "days");
    struct period_date from;
    int days, wday;
    if (from_s) {
        if (parse_date(from_s, &from) < 0)
            return bad_arg(rs, "from", from_s);
    } else {
        from = today(a, &wday);
        from = date_add(from, -((wday + 6) % 7)); /* this week's Monday */
    }
    if (int_arg(days_s, 7, 1, MAX_DAYS_SCHEDULE, &days) < 0)
        return bad_arg(rs, "days", days_s);
    int64_t from_ms = period_date_ms(from), to_ms = period_date_ms(date_add(from, days));
    char ftext[16];
    date_text(from, ftext);
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "from", json_object_new_string(ftext));
    json_object_object_add(doc, "days", json_object_new_int(days));
    json_object_object_add(doc, "timezone", json_object_new_string(a->cfg->timezone));
    json_object *arr = json_object_new_array();
    json_object_object_add(doc, "airings", arr);

    char *perr = NULL, err[1024];
    struct plan_occurrence *occ = NULL;
    size_t n_occ = 0;
    struct logged_set lg = {0};
    struct aslog *log = NULL;
    struct plan *plan = load_plan(a, &perr);
    if (!plan) {
        char msg[1400];
        snprintf(msg, sizeof msg, _("cannot read the plan %s: %s"), a->cfg->plan_path,
                 perr ? perr : "");
        json_object_object_add(doc, "error", json_object_new_string(msg));
        goto out;
    }
    if (plan_expand(plan, from_ms, to_ms, &occ, &n_occ) < 0) {
        json_object_object_add(doc, "error",
                               json_object_new_string(_("cannot expand the plan")));
        goto out;
    }
    /* what the log says of them; a station with no log yet has no outcomes */
    if (aslog_open_readonly(a->cfg->db_path, &log, err, sizeof err) == 0) {
        struct aslog_filter f = {.from_ms = from_ms - 86400000, .to_ms = to_ms + 86400000,
                                 .counts_only = true, .real_only = true};
        if (aslog_query(log, &f, collect_logged, &lg) < 0)
            json_object_object_add(doc, "error", json_object_new_string(aslog_errmsg(log)));
    }
    for (size_t i = 0; i < n_occ; i++)
        json_object_array_add(arr, airing_doc(a, &occ[i], logged_find(&lg, occ[i].key)));
out:
    api_json(rs, 200, doc);
    aslog_close(log);
    logged_free(&lg);
    free(occ);
    free(perr);
    plan_free(plan);
}

/* ---- log ---- */

struct strset {
    char **v;
    size_t n;
};

static void strset_add(struct strset *s, const char *x, size_t len)
{
    if (len == 0 || s->n >= MAX_DISTINCT)
        return;
    char *item = xstrndup(x, len);
    size_t lo = 0, hi = s->n;
    while (lo < hi) { /* kept sorted */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->v[mid], item);
        if (c == 0) {
            free(item);
            return;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof *s->v);
    s->v[lo] = item;
    s->n++;
}

static json_object *strset_json(struct strset *s)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < s->n; i++) {
        json_object_array_add(arr, json_object_new_string(s->v[i]));
        free(s->v[i]);
    }
    free(s->v);
    s->v = NULL;
    s->n = 0;
    return arr;
}

static bool has_line(const char *lines, const char *want)
{
    size_t wl = strlen(want);
    for (const char *p = lines; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n == wl && strncmp(p, want, n) == 0)
            return true;
        p += n + (nl ? 1 : 0);
    }
    return false;
}

struct log_state {
    const struct api *a;
    bool by_status;
    enum aslog_status status;
    const char *topic, *unit;
    long total, first, last;   /* the page: rows [first, last) of the matches */
    json_object *rows;
    FILE *csv;
    struct strset topics, units;
};

static const char *row_level(const struct api *a, const struct aslog_row *r)
{
    if (r->source == ASLOG_SOURCE_EMERGENCY)
        return "emergency";
    if (r->priority == 1)
        return a->cfg->emergency_from_priority ? "emergency" : "priority";
    return r->priority >= 2 && r->priority <= 4 ? "priority" : "normal";
}

/* A CSV field that a spreadsheet will not take for a formula. */
static void csv_field(FILE *f, const char *s, bool last)
{
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
        s[0] == '\r') {
        char *q = xasprintf("'%s", s);
        text_fput_csv(f, q);
        free(q);
    } else {
        text_fput_csv(f, s);
    }
    fputs(last ? "\r\n" : ",", f);
}

static int on_log_row(const struct aslog_row *r, void *ud)
{
    struct log_state *st = ud;
    for (const char *p = r->categories; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        strset_add(&st->topics, p, n);
        p += n + (nl ? 1 : 0);
    }
    strset_add(&st->units, r->unit, strlen(r->unit));
    if ((st->by_status && r->status != st->status) ||
        (st->topic && !has_line(r->categories, st->topic)) ||
        (st->unit && strcmp(r->unit, st->unit) != 0))
        return 0;
    long idx = st->total++;
    char why[1400], t[UTIL_TIME_BUF];
    const char *status = aslog_status_name(r->status);
    if (st->csv) {
        FILE *f = st->csv;
        char num[32];
        csv_field(f, util_format_iso_local(r->planned_start_ms, t), false);
        csv_field(f, r->actual_start_ms >= 0 ? util_format_iso_local(r->actual_start_ms, t) : "",
                  false);
        csv_field(f, r->actual_end_ms >= 0 ? util_format_iso_local(r->actual_end_ms, t) : "",
                  false);
        csv_field(f, r->title, false);
        char *topics = xstrdup(r->categories);
        for (char *p = topics; *p; p++)
            if (*p == '\n')
                *p = ';';
        csv_field(f, topics, false);
        free(topics);
        csv_field(f, r->unit, false);
        csv_field(f, i18n_keyword(row_level(st->a, r)), false);
        csv_field(f, report_status_label(status), false);
        csv_field(f, reason_label(r->reason, why, sizeof why), false);
        snprintf(num, sizeof num, "%lld", (long long)r->played_ms);
        csv_field(f, num, false);
        csv_field(f, report_source_label(r->source), false);
        csv_field(f, r->operator_name, false);
        csv_field(f, r->occ_key, false);
        snprintf(num, sizeof num, "%d", r->attempt);
        csv_field(f, num, true);
        return 0;
    }
    if (idx < st->first || idx >= st->last)
        return 0;
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_int64(r->id));
    json_object_object_add(j, "key", json_object_new_string(r->occ_key));
    json_object_object_add(j, "attempt", json_object_new_int(r->attempt));
    json_object_object_add(j, "uid", json_object_new_string(r->uid));
    json_object_object_add(j, "title", json_object_new_string(r->title));
    json_object_object_add(j, "topics", split_lines(r->categories));
    json_object_object_add(j, "unit", json_object_new_string(r->unit));
    json_object_object_add(j, "level", json_object_new_string(row_level(st->a, r)));
    json_object_object_add(j, "planned_start", time_or_null(r->planned_start_ms));
    json_object_object_add(j, "actual_start", time_or_null(r->actual_start_ms));
    json_object_object_add(j, "actual_end", time_or_null(r->actual_end_ms));
    json_object_object_add(j, "played_ms", json_object_new_int64(r->played_ms));
    json_object_object_add(j, "status", json_object_new_string(status));
    json_object_object_add(j, "status_label", json_object_new_string(report_status_label(status)));
    json_object_object_add(j, "reason",
                           json_object_new_string(reason_label(r->reason, why, sizeof why)));
    json_object_object_add(j, "source", json_object_new_string(aslog_source_name(r->source)));
    json_object_object_add(j, "operator", json_object_new_string(r->operator_name));
    json_object_array_add(st->rows, j);
    return 0;
}

void api_log(struct api *a, const struct http_request *rq, struct http_response *rs, bool csv)
{
    const char *from_s = http_query(rq, "from"), *to_s = http_query(rq, "to");
    const char *status_s = http_query(rq, "status"), *page_s = http_query(rq, "page");
    const char *pp_s = http_query(rq, "per_page");
    struct log_state st = {.a = a, .topic = http_query(rq, "topic"),
                           .unit = http_query(rq, "unit")};
    struct period_date from, to;
    int page, per_page;
    if (to_s) {
        if (parse_date(to_s, &to) < 0)
            return bad_arg(rs, "to", to_s);
    } else {
        to = today(a, NULL);
    }
    if (from_s) {
        if (parse_date(from_s, &from) < 0)
            return bad_arg(rs, "from", from_s);
    } else {
        from = date_add(to, -30);
    }
    int64_t from_ms = period_date_ms(from), to_ms = period_date_ms(date_add(to, 1));
    if (to_ms <= from_ms || to_ms - from_ms > (int64_t)MAX_DAYS_LOG * 86400000)
        return bad_arg(rs, "to", to_s ? to_s : "");
    if (status_s) {
        if (aslog_status_parse(status_s, &st.status) < 0)
            return bad_arg(rs, "status", status_s);
        st.by_status = true;
    }
    if (st.topic && (!*st.topic || strlen(st.topic) > MAX_FILTER))
        return bad_arg(rs, "topic", st.topic);
    if (st.unit && (!*st.unit || strlen(st.unit) > MAX_FILTER))
        return bad_arg(rs, "unit", st.unit);
    if (int_arg(page_s, 1, 1, 1000000, &page) < 0)
        return bad_arg(rs, "page", page_s);
    if (int_arg(pp_s, 50, 1, MAX_PER_PAGE, &per_page) < 0)
        return bad_arg(rs, "per_page", pp_s);
    st.first = (long)(page - 1) * per_page;
    st.last = st.first + per_page;

    char err[1024];
    struct aslog *log = NULL;
    if (aslog_open_readonly(a->cfg->db_path, &log, err, sizeof err) < 0) {
        api_error(rs, 503, err);
        return;
    }
    char *buf = NULL;
    size_t len = 0;
    if (csv) {
        st.csv = open_memstream(&buf, &len);
        fputs("\xef\xbb\xbf", st.csv); /* Excel reads UTF-8 with its BOM */
        const char *head[] = {_("Planned start"), _("Actual start"), _("Actual end"),
                              _("Title"), _("Topics"), _("Unit"), _("Level"), _("Status"),
                              _("Reason"), _("Played (ms)"), _("Source"), _("Operator"),
                              _("Occurrence"), _("Attempt")};
        for (size_t i = 0; i < ARRAY_SIZE(head); i++)
            csv_field(st.csv, head[i], i + 1 == ARRAY_SIZE(head));
    } else {
        st.rows = json_object_new_array();
    }
    struct aslog_filter f = {.from_ms = from_ms, .to_ms = to_ms, .real_only = true};
    int rc = aslog_query(log, &f, on_log_row, &st);
    if (rc < 0) {
        char msg[1400];
        snprintf(msg, sizeof msg, _("cannot read the as-run log: %s"), aslog_errmsg(log));
        api_error(rs, 503, msg);
        if (st.csv)
            fclose(st.csv);
        free(buf);
        json_object_put(st.rows);
        json_object_put(strset_json(&st.topics));
        json_object_put(strset_json(&st.units));
        aslog_close(log);
        return;
    }
    aslog_close(log);
    if (csv) {
        fclose(st.csv);
        json_object_put(strset_json(&st.topics));
        json_object_put(strset_json(&st.units));
        char ft[16], tt[16], disp[96];
        date_text(from, ft);
        date_text(to, tt);
        snprintf(disp, sizeof disp, "attachment; filename=\"nhat-ky-%s-%s.csv\"", ft, tt);
        rs->status = 200;
        http_set_body(rs, buf, len, "text/csv; charset=utf-8");
        http_add_header(rs, "Content-Disposition", disp);
        return;
    }
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "total", json_object_new_int64(st.total));
    json_object_object_add(doc, "page", json_object_new_int(page));
    json_object_object_add(doc, "per_page", json_object_new_int(per_page));
    json_object_object_add(doc, "rows", st.rows);
    json_object_object_add(doc, "topics", strset_json(&st.topics));
    json_object_object_add(doc, "units", strset_json(&st.units));
    api_json(rs, 200, doc);
}

/* ---- reports ---- */

static const struct {
    const char *format, *type, *ext;
} report_types[] = {
    {"text", "text/plain; charset=utf-8", "txt"},
    {"csv", "text/csv; charset=utf-8", "csv"},
    {"html", "text/html; charset=utf-8", "html"},
    {"json", "application/json; charset=utf-8", "json"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
    {"odt", "application/vnd.oasis.opendocument.text", "odt"},
};

/* The printable report is a standalone document with its own <style> and
 * no script: it may style itself, and nothing else (no script, no fetch,
 * no frame), so an officer opening it from the console sees it as printed. */
static const char report_html_csp[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

void api_report_formats(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    json_object *arr = json_object_new_array();
    const struct report_format_info *fi;
    for (size_t i = 0; (fi = report_format_at(i)); i++) {
        json_object *j = json_object_new_object();
        json_object_object_add(j, "name", json_object_new_string(fi->name));
        json_object_object_add(j, "binary", json_object_new_boolean(fi->binary));
        json_object_object_add(j, "help", json_object_new_string(_(fi->help)));
        json_object_array_add(arr, j);
    }
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "formats", arr);
    api_json(rs, 200, doc);
}

/* The wiring of cmd_report.c: period, plan expansion, log, a renderer. */
void api_report(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    const struct loaxa_config *cfg = a->cfg;
    const char *period_s = http_query(rq, "period"), *cutoff_s = http_query(rq, "cutoff");
    const char *format_s = http_query(rq, "format"), *as_of_s = http_query(rq, "as_of");
    const char *lang_s = http_query(rq, "lang"), *dl_s = http_query(rq, "download");
    enum config_cutoff cutoff = cfg->cutoff;
    if (!period_s || strlen(period_s) > 64)
        return bad_arg(rs, "period", period_s);
    if (cutoff_s && strcmp(cutoff_s, "calendar") == 0)
        cutoff = CONFIG_CUTOFF_CALENDAR;
    else if (cutoff_s && strcmp(cutoff_s, "nd09") == 0)
        cutoff = CONFIG_CUTOFF_ND09;
    else if (cutoff_s)
        return bad_arg(rs, "cutoff", cutoff_s);
    const struct report_format_info *fmt = format_s ? report_format_find(format_s)
                                                    : report_format_at(0);
    if (!fmt)
        return bad_arg(rs, "format", format_s);
    if (lang_s && strcmp(lang_s, "vi") != 0 && strcmp(lang_s, "en") != 0)
        return bad_arg(rs, "lang", lang_s);
    char err[1024];
    struct report_input in = {0};
    if (period_parse(period_s, cutoff, &in.period, err, sizeof err) < 0) {
        api_error(rs, 400, err);
        return;
    }
    int64_t now = lclock_now_ms(a->clock);
    in.as_of_ms = now;
    /* as `loaxa report --as-of`: a date alone is the end of that day; the
     * report is "made at" the time as written (a date: its midnight) */
    if (as_of_s && (strlen(as_of_s) > 64 || util_parse_bound(as_of_s, true, &in.as_of_ms) < 0))
        return bad_arg(rs, "as_of", as_of_s);
    in.generated_at_ms = now;
    if (as_of_s)
        util_parse_time(as_of_s, &in.generated_at_ms);

    struct plan *plan = NULL;
    struct plan_occurrence *occ = NULL;
    struct report_plan_file *files = NULL;
    struct aslog *log = NULL;
    struct report *rep = NULL;
    char *perr = NULL, *buf = NULL, *directions = NULL, msg[1400];
    size_t len = 0;
    FILE *f = NULL;
    if (report_input_settings(cfg, &in, &directions, msg, sizeof msg) < 0) {
        api_error(rs, 503, msg); /* the CLI's message */
        goto done;
    }
    if (!(plan = load_plan(a, &perr))) {
        snprintf(msg, sizeof msg, _("cannot read the plan %s: %s"), cfg->plan_path,
                 perr ? perr : "");
        api_error(rs, 503, msg);
        goto done;
    }
    in.n_files = plan_file_count(plan);
    files = xcalloc(in.n_files ? in.n_files : 1, sizeof *files);
    for (size_t i = 0; i < in.n_files; i++) {
        files[i].path = plan_file_path(plan, i);
        files[i].sha256 = plan_file_sha256(plan, i);
    }
    in.files = files;
    int64_t end = in.as_of_ms < in.period.to_ms ? in.as_of_ms : in.period.to_ms;
    if (end > in.period.from_ms &&
        plan_expand(plan, in.period.from_ms, end, &occ, &in.n_occ) < 0) {
        api_error(rs, 500, _("cannot expand the plan"));
        goto done;
    }
    in.occ = occ;
    if (aslog_open_readonly(cfg->db_path, &log, err, sizeof err) < 0) {
        api_error(rs, 503, err);
        goto done;
    }
    /* the report is a document sent on: its own language (report.lang) */
    const char *rlang = lang_s ? lang_s : cfg->lang;
    i18n_set_lang(rlang);
    util_strlcpy(a->cur_lang, rlang, sizeof a->cur_lang);
    if (report_build(&in, log, &rep, err, sizeof err) < 0) {
        api_error(rs, 400, err);
        goto done;
    }
    f = open_memstream(&buf, &len);
    struct report_render_options ropt = {.bom = strcmp(fmt->name, "csv") == 0};
    int rc = report_render(rep, fmt->name, &ropt, f, err, sizeof err);
    fclose(f);
    if (rc < 0) {
        api_error(rs, 500, err);
        free(buf);
        goto done;
    }
    const char *type = "application/octet-stream", *ext = fmt->name;
    for (size_t i = 0; i < ARRAY_SIZE(report_types); i++)
        if (strcmp(report_types[i].format, fmt->name) == 0) {
            type = report_types[i].type;
            ext = report_types[i].ext;
        }
    rs->status = 200;
    http_set_body(rs, buf, len, type);
    if (strcmp(fmt->name, "html") == 0)
        rs->csp = report_html_csp;
    if (fmt->binary || (dl_s && strcmp(dl_s, "1") == 0)) {
        char disp[160];
        snprintf(disp, sizeof disp, "attachment; filename=\"bao-cao-%s.%s\"", in.period.spec,
                 ext);
        http_add_header(rs, "Content-Disposition", disp);
    }
done:
    report_free(rep);
    aslog_close(log);
    free(occ);
    free(files);
    free(perr);
    free(directions);
    plan_free(plan);
}
