/* One VEVENT into a plan item: its properties in file order with their
 * lines, its times (zone, DTSTART, slot, RRULE, RDATE, EXDATE,
 * RECURRENCE-ID) and the checks that leave a broken item out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "plan/plan_internal.h"

#define UID_MAX 1000  /* longer ones are surely not a calendar UID */

struct ev_ctx {
    struct plan_item_full *it;
    struct strbuf err_names;  /* names of lines with errors, ";NAME;" */
    const char **cats;
    size_t n_cats;
    const char **audio;
    size_t n_audio;
    int *attach_lines;
    icalproperty *dtstart, *dtend, *duration, *rid, *status;
    long m_dtstart, m_dtend, m_duration, m_rid, m_uid, m_priority;
    icalproperty **rrules, **rdates, **exdates;
    long *m_rrules, *m_rdates, *m_exdates;
    size_t n_rrules, n_rdates, n_exdates;
};

static void push_prop(icalproperty ***arr, long **marks, size_t *n, icalproperty *p, long m)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
    *marks = xrealloc(*marks, (*n + 1) * sizeof **marks);
    (*arr)[*n] = p;
    (*marks)[*n] = m;
    (*n)++;
}

static void line_name_of(const char *s, char *out, size_t outlen)
{
    size_t i = 0;
    while (s[i] && s[i] != ';' && s[i] != ':' && i + 1 < outlen) {
        out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
        i++;
    }
    out[i] = '\0';
}

/* The FILENAME (or X-FILENAME) parameter of a content line, unquoted. */
static bool attach_filename(const char *line, char *out, size_t outlen)
{
    bool q = false;
    for (const char *s = line; *s; s++) {
        if (*s == '"')
            q = !q;
        if (!q && *s == ':')
            break; /* the value: a URL may hold ";FILENAME=" */
        if (q || *s != ';')
            continue;
        const char *v = NULL;
        if (strncasecmp(s + 1, "FILENAME=", 9) == 0)
            v = s + 10;
        else if (strncasecmp(s + 1, "X-FILENAME=", 11) == 0)
            v = s + 12;
        if (!v)
            continue;
        size_t n;
        if (*v == '"') {
            v++;
            n = strcspn(v, "\"");
        } else {
            n = strcspn(v, ";:");
        }
        if (n == 0 || n >= outlen)
            return false;
        memcpy(out, v, n);
        out[n] = '\0';
        return true;
    }
    return false;
}

static void ev_prop(struct cal_ctx *cx, icalproperty *p, long m, void *ud)
{
    struct ev_ctx *e = ud;
    struct plan_item_full *it = e->it;
    switch (icalproperty_isa(p)) {
    case ICAL_XLICERROR_PROPERTY: {
        char name[40];
        line_name_of(ics_line_text(cx->doc, m), name, sizeof name);
        plan_report_xlic(cx, p, m, plan_prop_fatal(name));
        strbuf_printf(&e->err_names, ";%s;", name);
        break;
    }
    case ICAL_UID_PROPERTY:
        free((char *)it->pub.uid);
        it->pub.uid = xstrdup(icalproperty_get_uid(p) ? icalproperty_get_uid(p) : "");
        e->m_uid = m;
        it->line_uid = ics_line_no(cx->doc, m);
        break;
    case ICAL_DTSTART_PROPERTY:
        e->dtstart = p, e->m_dtstart = m;
        break;
    case ICAL_DTEND_PROPERTY:
        e->dtend = p, e->m_dtend = m;
        it->line_slot = ics_line_no(cx->doc, m);
        break;
    case ICAL_DURATION_PROPERTY:
        e->duration = p, e->m_duration = m;
        it->line_slot = ics_line_no(cx->doc, m);
        break;
    case ICAL_RECURRENCEID_PROPERTY:
        e->rid = p, e->m_rid = m;
        break;
    case ICAL_RRULE_PROPERTY:
        push_prop(&e->rrules, &e->m_rrules, &e->n_rrules, p, m);
        break;
    case ICAL_RDATE_PROPERTY:
        push_prop(&e->rdates, &e->m_rdates, &e->n_rdates, p, m);
        break;
    case ICAL_EXDATE_PROPERTY:
        push_prop(&e->exdates, &e->m_exdates, &e->n_exdates, p, m);
        break;
    case ICAL_STATUS_PROPERTY:
        e->status = p;
        it->line_status = ics_line_no(cx->doc, m);
        break;
    case ICAL_SUMMARY_PROPERTY:
        free((char *)it->pub.summary);
        it->pub.summary = xstrdup(icalproperty_get_summary(p) ? icalproperty_get_summary(p) : "");
        break;
    case ICAL_DESCRIPTION_PROPERTY: {
        const char *d = icalproperty_get_description(p);
        free((char *)it->pub.description);
        it->pub.description = xstrdup(d ? d : "");
        break;
    }
    case ICAL_CATEGORIES_PROPERTY: {
        const char *c = icalproperty_get_categories(p);
        if (c && *c) {
            e->cats = xrealloc(e->cats, (e->n_cats + 1) * sizeof *e->cats);
            e->cats[e->n_cats++] = xstrdup(c);
        }
        break;
    }
    case ICAL_CONTACT_PROPERTY:
        if (!it->pub.unit || !*it->pub.unit) {
            const char *c = icalproperty_get_contact(p);
            free((char *)it->pub.unit);
            it->pub.unit = xstrdup(c ? c : "");
        }
        break;
    case ICAL_PRIORITY_PROPERTY: {
        /* libical reads "PRIORITY:abc" as 0 without a word: check the text. */
        const char *t = strchr(ics_line_text(cx->doc, m), ':');
        char *endp = NULL;
        long v = t ? strtol(t + 1, &endp, 10) : -1;
        if (!t || endp == t + 1 || *endp || v < 0 || v > 9) {
            plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, m), PLAN_WARNING,
                          _("PRIORITY must be a number 0-9 (1 emergency, 2-4 priority, "
                            "0 or 5-9 normal); \"%s\" is read as normal"),
                          t ? t + 1 : "");
            v = 0;
        }
        it->pub.priority = (int)v;
        e->m_priority = m;
        break;
    }
    case ICAL_SEQUENCE_PROPERTY:
        it->pub.sequence = icalproperty_get_sequence(p);
        break;
    case ICAL_ATTACH_PROPERTY: {
        icalattach *a = icalproperty_get_attach(p);
        const char *url = a && icalattach_get_is_url(a) ? icalattach_get_url(a) : NULL;
        if (!url) {
            plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, m), PLAN_WARNING,
                          _("an ATTACH embedded in the calendar is ignored: recordings are "
                            "files under the audio root"));
            break;
        }
        e->audio = xrealloc(e->audio, (e->n_audio + 1) * sizeof *e->audio);
        e->attach_lines = xrealloc(e->attach_lines, (e->n_audio + 1) * sizeof(int));
        char fname[256], lname[256];
        if (paths_link_name(url, lname, sizeof lname) &&
            attach_filename(ics_line_text(cx->doc, m), fname, sizeof fname)) {
            /* Google Calendar attaches Drive links (.../view?usp=drive_web)
             * with the file's name in FILENAME (Outlook: X-FILENAME): the
             * recording is the file of that name, as a link's last part */
            struct strbuf b = {0};
            strbuf_puts(&b, "file:");
            for (const char *c = fname; *c; c++)
                if (*c == '%' || *c == '?' || *c == '#' || *c == '/' || *c == '\\')
                    strbuf_printf(&b, "%%%02X", (unsigned char)*c);
                else
                    strbuf_add(&b, c, 1);
            plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, m), PLAN_NOTE,
                          _("the link \"%.80s\" is never fetched: the recording is the file "
                            "named by its FILENAME, \"%s\", under the audio root"), url, fname);
            e->audio[e->n_audio] = strbuf_steal(&b);
        } else
            e->audio[e->n_audio] = xstrdup(url);
        e->attach_lines[e->n_audio++] = ics_line_no(cx->doc, m);
        break;
    }
    case ICAL_X_PROPERTY: {
        const char *n = icalproperty_get_x_name(p);
        const char *v = icalproperty_get_x(p);
        if (!n || !v)
            break;
        if (strcmp(n, "X-LOAXA-UNIT") == 0) {
            free((char *)it->pub.unit);
            it->pub.unit = xstrdup(v);
        } else if (strcmp(n, "X-LOAXA-SIGNATURE") == 0) {
            free((char *)it->pub.signature_tune);
            it->pub.signature_tune = xstrdup(v);
        }
        break;
    }
    default:
        break;
    }
}

static bool err_on(struct ev_ctx *e, const char *name)
{
    char k[48];
    snprintf(k, sizeof k, ";%s;", name);
    return e->err_names.s && strstr(e->err_names.s, k);
}

/* The text after the first ':' outside quotes of a content line. */
static const char *raw_value(const char *line)
{
    bool q = false;
    for (; *line; line++) {
        if (*line == '"')
            q = !q;
        else if (*line == ':' && !q)
            return line + 1;
    }
    return line;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

enum vkind { V_DATE, V_DATETIME, V_ANY, V_PERIOD };

/* One value of a DATE (RFC 5545 §3.3.4) or DATE-TIME (§3.3.5) property as
 * written: its form, then whether the day and the time exist. libical reads
 * "2026-03-03" or "20260230T063000" without a word, as some other date.
 * Returns false with the reason (translated, names `name` and the value). */
static bool value_ok(const char *name, const char *v, size_t n, enum vkind kind, char *why,
                     size_t whylen)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (kind == V_PERIOD) {
        const char *sl = memchr(v, '/', n);
        if (!sl) {
            snprintf(why, whylen, _("%s: \"%.*s\" is not a period: write START/END or "
                                    "START/DURATION, e.g. 20260303T063000/PT15M"), name,
                     (int)(n > 60 ? 60 : n), v);
            return false;
        }
        size_t a = (size_t)(sl - v), b = n - a - 1;
        if (!value_ok(name, v, a, V_DATETIME, why, whylen))
            return false;
        if (b > 0 && (sl[1] == 'P' || sl[1] == '+' || sl[1] == '-'))
            return true; /* a duration: libical reports a malformed one */
        return value_ok(name, sl + 1, b, V_DATETIME, why, whylen);
    }
    bool is_date = n == 8 && digits(v, 8);
    bool is_dt = (n == 15 || (n == 16 && v[15] == 'Z')) && digits(v, 8) && v[8] == 'T' &&
                 digits(v + 9, 6);
    const char *shown = n > 60 ? "..." : "";
    if ((kind == V_DATE && !is_date) || (kind != V_DATE && !is_dt && !(kind == V_ANY && is_date))) {
        if (kind == V_DATE)
            snprintf(why, whylen, _("%s: \"%.*s%s\" is not a date: write YYYYMMDD, e.g. "
                                    "20260303"), name, (int)(n > 60 ? 60 : n), v, shown);
        else if (is_date)
            snprintf(why, whylen, _("%s: \"%.*s\" is a date without a time: write "
                                    "YYYYMMDDTHHMMSS, or mark a date with VALUE=DATE"), name,
                     (int)n, v);
        else
            snprintf(why, whylen, _("%s: \"%.*s%s\" is not a date-time: write YYYYMMDDTHHMMSS "
                                    "(with Z at the end for UTC), e.g. 20260303T063000"), name,
                     (int)(n > 60 ? 60 : n), v, shown);
        return false;
    }
    int y = num(v, 4), mo = num(v + 4, 2), d = num(v + 6, 2);
    if (mo < 1 || mo > 12) {
        snprintf(why, whylen, _("%s: \"%.*s\": there is no month %d (months are 01-12)"), name,
                 (int)n, v, mo);
        return false;
    }
    int md = mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d < 1 || d > md) {
        snprintf(why, whylen, _("%s: \"%.*s\": %04d-%02d has no day %d (it has %d days)"),
                 name, (int)n, v, y, mo, d, md);
        return false;
    }
    if (n >= 15) {
        int h = num(v + 9, 2), mi = num(v + 11, 2), se = num(v + 13, 2);
        if (h > 23 || mi > 59 || se > 60) {
            snprintf(why, whylen, _("%s: \"%.*s\": the time %02d:%02d:%02d does not exist "
                                    "(hours 00-23, minutes 00-59, seconds 00-60)"), name,
                     (int)n, v, h, mi, se);
            return false;
        }
    }
    return true;
}

/* Every value of a property line, each checked by value_ok; the first bad
 * one is an error at the line. */
static bool line_values_ok(struct cal_ctx *cx, icalproperty *p, long m, bool multi)
{
    char name[40], why[320];
    const char *line = ics_line_text(cx->doc, m);
    line_name_of(line, name, sizeof name);
    icalparameter *vp = icalproperty_get_first_parameter(p, ICAL_VALUE_PARAMETER);
    icalparameter_value vt = vp ? icalparameter_get_value(vp) : ICAL_VALUE_NONE;
    enum vkind kind = vt == ICAL_VALUE_DATE       ? V_DATE
                      : vt == ICAL_VALUE_PERIOD   ? V_PERIOD
                      : vt == ICAL_VALUE_DATETIME ? V_DATETIME
                      : multi                     ? V_DATETIME
                                                  : V_ANY;
    const char *v = raw_value(line);
    for (;;) {
        size_t n = multi ? strcspn(v, ",") : strlen(v);
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        if (!value_ok(name, v, n, kind, why, sizeof why)) {
            plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, m), PLAN_ERROR, "%s", why);
            return false;
        }
        if (!multi || v[strcspn(v, ",")] != ',')
            return true;
        v += strcspn(v, ",") + 1;
    }
}

/* Reads a DATE/DATE-TIME property: its zone (NULL = UTC) and wall time. */
static int prop_time(struct cal_ctx *cx, icalproperty *p, struct icaltimetype t, long m,
                     struct plan_zone **zone, struct plan_lt *lt)
{
    icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    const char *tzid = tzp ? icalparameter_get_tzid(tzp) : NULL;
    icalproperty_kind pk = icalproperty_isa(p);
    bool multi = pk == ICAL_RDATE_PROPERTY || pk == ICAL_EXDATE_PROPERTY;
    if (!multi && !line_values_ok(cx, p, m, false))
        return -EINVAL;
    if (icaltime_is_null_time(t) || t.year < 1900 || t.year > 2500) {
        plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, m), PLAN_ERROR,
                      _("date outside the years 1900-2500: \"%.60s\""),
                      ics_line_text(cx->doc, m));
        return -EINVAL;
    }
    *lt = (struct plan_lt){t.year, t.month, t.day, t.hour, t.minute, t.second,
                           t.is_date != 0};
    if (lt->is_date)
        lt->hour = lt->minute = lt->second = 0;
    if (icaltime_is_utc(t) && !lt->is_date) {
        *zone = NULL;
        return 0;
    }
    if (tzid) {
        icaltimezone *z = plan_resolve_tzid(cx, tzid, ics_line_no(cx->doc, m));
        if (!z) {
            plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, m), PLAN_ERROR,
                          _("unknown time zone TZID=\"%s\": add its VTIMEZONE block or use "
                            "an IANA name such as Asia/Ho_Chi_Minh"), tzid);
            return -ENOENT;
        }
        *zone = plan_zone_for(cx->plan, z);
        return 0;
    }
    *zone = plan_zone_for(cx->plan, cx->floating);
    return 0;
}

static int cmp_short(const void *a, const void *b)
{
    return *(const short *)a - *(const short *)b;
}

/* One BY... list as a set: duplicates dropped, and (sorted) ascending.
 * libical steps BYSECOND/BYMINUTE/BYHOUR in list order and repeats or goes
 * back for "BYHOUR=7,0" or "BYDAY=WE,WE"; the rule means the same. */
static void set_of(short *v, size_t cap, bool sort)
{
    size_t n = 0;
    while (n < cap && v[n] != ICAL_RECURRENCE_ARRAY_MAX)
        n++;
    if (sort && n > 1)
        qsort(v, n, sizeof *v, cmp_short);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t k = 0; k < w && !dup; k++)
            dup = v[k] == v[i];
        if (!dup)
            v[w++] = v[i];
    }
    for (size_t i = w; i < n; i++)
        v[i] = ICAL_RECURRENCE_ARRAY_MAX;
}

static void normalize_rule(struct icalrecurrencetype *r)
{
    set_of(r->by_second, ICAL_BY_SECOND_SIZE, true);
    set_of(r->by_minute, ICAL_BY_MINUTE_SIZE, true);
    set_of(r->by_hour, ICAL_BY_HOUR_SIZE, true);
    set_of(r->by_day, ICAL_BY_DAY_SIZE, false); /* libical orders these by WKST */
    set_of(r->by_month_day, ICAL_BY_MONTHDAY_SIZE, true);
    set_of(r->by_year_day, ICAL_BY_YEARDAY_SIZE, true);
    set_of(r->by_week_no, ICAL_BY_WEEKNO_SIZE, true);
    set_of(r->by_month, ICAL_BY_MONTH_SIZE, true);
    set_of(r->by_set_pos, ICAL_BY_SETPOS_SIZE, true);
}

static int64_t cmp64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_i64(const void *a, const void *b)
{
    return (int)cmp64(*(const int64_t *)a, *(const int64_t *)b);
}

static void push64(int64_t **arr, size_t *n, int64_t v)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
    (*arr)[(*n)++] = v;
}

static void ev_times(struct cal_ctx *cx, struct ev_ctx *e)
{
    struct plan_item_full *it = e->it;
    if (!e->dtstart) {
        if (!err_on(e, "DTSTART"))
            plan_add_diag(cx->plan, cx->fi, it->pub.line, PLAN_ERROR,
                          _("VEVENT without DTSTART: when should it air?"));
        it->skip = true;
        return;
    }
    if (prop_time(cx, e->dtstart, icalproperty_get_dtstart(e->dtstart), e->m_dtstart,
                  &it->zone, &it->dtstart_lt) < 0) {
        it->skip = true;
        return;
    }
    it->line_dtstart = ics_line_no(cx->doc, e->m_dtstart);
    if (it->dtstart_lt.is_date) {
        /* an all-day event: airing it at midnight would wake the commune */
        plan_add_diag(cx->plan, cx->fi, it->line_dtstart, PLAN_ERROR,
                      _("DTSTART is a date without a time (an all-day event): the item has no "
                        "airing time; give it one, e.g. DTSTART;TZID=Asia/Ho_Chi_Minh:"
                        "%04d%02d%02dT063000"), it->dtstart_lt.year, it->dtstart_lt.month,
                      it->dtstart_lt.day);
        it->skip = true;
        return;
    }
    it->start_sec = plan_zone_to_utc(it->zone, &it->dtstart_lt);
    it->slot_ms = -1; /* no slot */
    if (e->dtend) {
        struct plan_zone *z;
        struct plan_lt lt;
        if (prop_time(cx, e->dtend, icalproperty_get_dtend(e->dtend), e->m_dtend, &z, &lt) < 0) {
            it->skip = true;
        } else {
            int64_t end = plan_zone_to_utc(z, &lt);
            if (end < it->start_sec) {
                plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, e->m_dtend), PLAN_ERROR,
                              _("DTEND is before DTSTART"));
                it->skip = true;
            } else
                it->slot_ms = (end - it->start_sec) * 1000;
        }
    } else if (e->duration) {
        struct icaldurationtype d = icalproperty_get_duration(e->duration);
        int s = icaldurationtype_as_int(d);
        if (s < 0)
            plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, e->m_duration), PLAN_ERROR,
                          _("negative DURATION"));
        else
            it->slot_ms = (int64_t)s * 1000;
    }
    if (e->rid) {
        struct plan_zone *z;
        struct plan_lt lt;
        if (prop_time(cx, e->rid, icalproperty_get_recurrenceid(e->rid), e->m_rid, &z, &lt) < 0) {
            it->skip = true;
            return;
        }
        it->is_override = true;
        it->rid_sec = plan_zone_to_utc(z, &lt);
        it->line_rid = ics_line_no(cx->doc, e->m_rid);
        if (icalproperty_get_first_parameter(e->rid, ICAL_RANGE_PARAMETER))
            plan_add_diag(cx->plan, cx->fi, it->line_rid, PLAN_WARNING,
                          _("RANGE=THISANDFUTURE is not supported: only this one instance "
                            "is changed"));
    }
    for (size_t i = 0; i < e->n_rrules; i++) {
        struct icalrecurrencetype r = icalproperty_get_rrule(e->rrules[i]);
        int ln = ics_line_no(cx->doc, e->m_rrules[i]);
        if (r.freq == ICAL_NO_RECURRENCE) {
            plan_add_diag(cx->plan, cx->fi, ln, PLAN_ERROR, _("bad RRULE: no FREQ"));
            it->skip = true;
            return;
        }
        if (r.freq == ICAL_SECONDLY_RECURRENCE) {
            /* 31 million airings a year: a typo, never a broadcast plan */
            plan_add_diag(cx->plan, cx->fi, ln, PLAN_ERROR,
                          _("RRULE with FREQ=SECONDLY is not allowed in a broadcast plan"));
            it->skip = true;
            return;
        }
        if (r.count > PLAN_MAX_COUNT) {
            /* COUNT is stepped from DTSTART (every instance is counted): a
             * bound on that work, far above any broadcast plan */
            plan_add_diag(cx->plan, cx->fi, ln, PLAN_ERROR,
                          _("RRULE with COUNT=%d: more than %d airings is not a broadcast "
                            "plan (use UNTIL, or no end)"), r.count, PLAN_MAX_COUNT);
            it->skip = true;
            return;
        }
        struct plan_rule *pr;
        it->rules = xrealloc(it->rules, (it->n_rules + 1) * sizeof *it->rules);
        pr = &it->rules[it->n_rules++];
        memset(pr, 0, sizeof *pr);
        pr->rule = r;
        normalize_rule(&pr->rule);
        pr->line = ln;
        if (!icaltime_is_null_time(r.until)) {
            pr->has_until = true;
            struct icaltimetype u = r.until;
            pr->until_lt = (struct plan_lt){u.year, u.month, u.day, u.hour, u.minute, u.second,
                                            u.is_date != 0};
            if (u.is_date)
                pr->until_lt.hour = pr->until_lt.minute = pr->until_lt.second = 0;
            if (icaltime_is_utc(u) && !u.is_date) {
                pr->until_is_instant = true;
                pr->until_sec = plan_lt_as_utc(&pr->until_lt);
            }
            pr->rule.until = icaltime_null_time();
        }
        /* A rule libical refuses to iterate is refused here, with its line. */
        struct icaltimetype st = icaltime_null_time();
        st.year = it->dtstart_lt.year, st.month = it->dtstart_lt.month;
        st.day = it->dtstart_lt.day, st.hour = it->dtstart_lt.hour;
        st.minute = it->dtstart_lt.minute, st.second = it->dtstart_lt.second;
        st.is_date = it->dtstart_lt.is_date;
        st.zone = icaltimezone_get_utc_timezone(); /* see rule_generate() */
        icalrecur_iterator *ri = icalrecur_iterator_new(pr->rule, st);
        if (!ri) {
            plan_add_diag(cx->plan, cx->fi, ln, PLAN_ERROR,
                          _("bad RRULE: libical cannot expand \"%.80s\""),
                          ics_line_text(cx->doc, e->m_rrules[i]));
            it->skip = true;
            return;
        }
        /* The cursor starts at the first window asked for (expand.c); an
         * iterator held per rule from load would cost memory for nothing. */
        icalrecur_iterator_free(ri);
        if (!plan_rule_can_match(it, pr, PLAN_MATCH_BUDGET)) {
            plan_add_diag(cx->plan, cx->fi, ln, PLAN_ERROR,
                          _("RRULE never airs: none of its first %d steps from DTSTART "
                            "matches its BY... parts (\"%.80s\")"), PLAN_MATCH_BUDGET,
                          ics_line_text(cx->doc, e->m_rrules[i]));
            it->skip = true;
            return;
        }
    }
    /* libical splits "EXDATE:a,b" into properties of one line: checked once */
    long checked = -1;
    for (size_t i = 0; i < e->n_rdates + e->n_exdates; i++) {
        bool rd = i < e->n_rdates;
        long m = rd ? e->m_rdates[i] : e->m_exdates[i - e->n_rdates];
        if (m == checked)
            continue;
        checked = m;
        if (!line_values_ok(cx, rd ? e->rdates[i] : e->exdates[i - e->n_rdates], m, true))
            it->skip = true;
    }
    if (it->skip)
        return;
    for (size_t i = 0; i < e->n_rdates; i++) {
        struct icaldatetimeperiodtype dp = icalproperty_get_rdate(e->rdates[i]);
        struct icaltimetype t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
        struct plan_zone *z;
        struct plan_lt lt;
        if (prop_time(cx, e->rdates[i], t, e->m_rdates[i], &z, &lt) == 0)
            push64(&it->rdates, &it->n_rdates, plan_zone_to_utc(z, &lt));
    }
    for (size_t i = 0; i < e->n_exdates; i++) {
        struct plan_zone *z;
        struct plan_lt lt;
        if (prop_time(cx, e->exdates[i], icalproperty_get_exdate(e->exdates[i]),
                      e->m_exdates[i], &z, &lt) < 0)
            continue;
        if (lt.is_date)
            push64(&it->exdays, &it->n_exdays,
                   plan_days_from_civil(lt.year, lt.month, lt.day));
        else
            push64(&it->exdates, &it->n_exdates, plan_zone_to_utc(z, &lt));
    }
    if (it->n_rdates)
        qsort(it->rdates, it->n_rdates, sizeof(int64_t), cmp_i64);
    if (it->n_exdates)
        qsort(it->exdates, it->n_exdates, sizeof(int64_t), cmp_i64);
}

void plan_free_item(struct plan_item_full *it)
{
    if (!it)
        return;
    free((char *)it->pub.uid);
    free((char *)it->pub.summary);
    free((char *)it->pub.description);
    free((char *)it->pub.unit);
    free((char *)it->pub.signature_tune);
    free((char *)it->pub.times);
    for (size_t i = 0; i < it->pub.n_categories; i++)
        free((char *)it->pub.categories[i]);
    free((void *)it->pub.categories);
    for (size_t i = 0; i < it->pub.n_audio; i++)
        free((char *)it->pub.audio[i]);
    free((void *)it->pub.audio);
    free(it->attach_lines);
    for (size_t i = 0; i < it->n_rules; i++)
        plan_rule_free(&it->rules[i]);
    free(it->rules);
    free(it->rdates);
    free(it->exdates);
    free(it->exdays);
    free(it->overrides);
    free(it);
}

static void add_item(struct plan *plan, struct plan_item_full *it)
{
    if (plan->n_items == plan->cap_items) {
        plan->cap_items = plan->cap_items ? plan->cap_items * 2 : 32;
        plan->items = xrealloc(plan->items, plan->cap_items * sizeof *plan->items);
    }
    plan->items[plan->n_items++] = it;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* paths_resolve_audio's verdict on rel, worked out once per load. */
static const struct attach_memo *attach_verdict(struct plan *plan, const char *rel)
{
    if (plan->n_memo * 2 >= plan->cap_memo) {
        size_t cap = plan->cap_memo ? plan->cap_memo * 2 : 64;
        struct attach_memo *m = xcalloc(cap, sizeof *m);
        for (size_t i = 0; i < plan->cap_memo; i++) {
            if (!plan->memo[i].rel)
                continue;
            size_t k = hash_str(plan->memo[i].rel) & (cap - 1);
            while (m[k].rel)
                k = (k + 1) & (cap - 1);
            m[k] = plan->memo[i];
        }
        free(plan->memo);
        plan->memo = m;
        plan->cap_memo = cap;
    }
    size_t k = hash_str(rel) & (plan->cap_memo - 1);
    while (plan->memo[k].rel) {
        if (strcmp(plan->memo[k].rel, rel) == 0)
            return &plan->memo[k];
        k = (k + 1) & (plan->cap_memo - 1);
    }
    char err[512], *abs = NULL;
    struct attach_memo *m = &plan->memo[k];
    m->rc = paths_resolve_audio(plan->audio_root, rel, &abs, err, sizeof err);
    free(abs);
    m->err = m->rc == -EACCES ? xstrdup(err) : NULL;
    m->rel = xstrdup(rel);
    plan->n_memo++;
    return m;
}

void plan_attach_memo_free(struct plan *plan)
{
    for (size_t i = 0; i < plan->cap_memo; i++) {
        free(plan->memo[i].rel);
        free(plan->memo[i].err);
    }
    free(plan->memo);
    plan->memo = NULL;
    plan->n_memo = plan->cap_memo = 0;
}

static void check_attach(struct cal_ctx *cx, struct plan_item_full *it)
{
    if (!cx->plan->audio_root)
        return;
    for (size_t i = 0; i < it->pub.n_audio; i++) {
        const struct attach_memo *m = attach_verdict(cx->plan, it->pub.audio[i]);
        if (m->rc == -EACCES) {
            plan_add_diag(cx->plan, cx->fi, it->attach_lines[i], PLAN_ERROR,
                          _("recording refused: %s"), m->err);
            it->skip = true;
        }
    }
}

void plan_load_event(struct cal_ctx *cx, icalcomponent *comp)
{
    struct plan_item_full *it = xcalloc(1, sizeof *it);
    struct ev_ctx e = {.it = it, .m_dtstart = -1, .m_rid = -1, .m_uid = -1, .m_priority = -1};
    long first;
    it->file_index = cx->fi;
    it->pub.file = cx->plan->files[cx->fi].path;
    plan_walk_props(cx, comp, ev_prop, &e, &first);
    it->pub.line = ics_line_no(cx->doc, first);
    if (!it->pub.summary)
        it->pub.summary = xstrdup("");
    if (!it->pub.description)
        it->pub.description = xstrdup("");
    if (!it->pub.unit)
        it->pub.unit = xstrdup("");
    it->pub.categories = (const char *const *)e.cats;
    it->pub.n_categories = e.n_cats;
    it->pub.audio = (const char *const *)e.audio;
    it->pub.n_audio = e.n_audio;
    it->attach_lines = e.attach_lines;
    it->pub.level = plan_level_of_priority(it->pub.priority, cx->plan->no_emergency_from_priority);
    if (cx->outlook && it->pub.level == PLAN_LEVEL_EMERGENCY)
        plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, e.m_priority), PLAN_WARNING,
                      _("PRIORITY:1 from Outlook (\"high importance\") makes this an "
                        "emergency that cuts into whatever is on air; if it is not one, set "
                        "the importance to normal, or set station.emergency_from_priority = "
                        "no"));
    it->pub.approved = true;
    if (e.status) {
        enum icalproperty_status s = icalproperty_get_status(e.status);
        it->cancelled = s == ICAL_STATUS_CANCELLED;
        it->pub.approved = s != ICAL_STATUS_TENTATIVE;
    }
    /* the time properties as written: an approval binds to them (plan.h) */
    struct strbuf tb = {0};
    icalproperty *tp[] = {e.dtstart, e.dtend, e.duration, e.rid};
    for (size_t i = 0; i < ARRAY_SIZE(tp); i++)
        if (tp[i])
            strbuf_puts(&tb, icalproperty_as_ical_string(tp[i]));
    icalproperty **lists[] = {e.rrules, e.rdates, e.exdates};
    size_t nl[] = {e.n_rrules, e.n_rdates, e.n_exdates};
    for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
        for (size_t i = 0; i < nl[l]; i++)
            strbuf_puts(&tb, icalproperty_as_ical_string(lists[l][i]));
    it->pub.times = tb.s ? tb.s : xstrdup("");
    if (!it->pub.uid || !*it->pub.uid) {
        plan_add_diag(cx->plan, cx->fi, it->pub.line, PLAN_ERROR,
                      _("VEVENT without UID: every item needs a unique UID"));
        it->skip = true;
    } else if (strlen(it->pub.uid) > UID_MAX) {
        plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, e.m_uid), PLAN_ERROR,
                      _("UID longer than %d bytes"), UID_MAX);
        it->skip = true;
    }
    if (!it->skip)
        ev_times(cx, &e);
    for (size_t i = 0; i < ARRAY_SIZE(plan_fatal_props); i++)
        if (err_on(&e, plan_fatal_props[i]))
            it->skip = true;
    check_attach(cx, it);
    for (icalcomponent *c = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
        plan_add_diag(cx->plan, cx->fi, plan_line_of_component(cx, c), PLAN_NOTE,
                      _("%s inside a VEVENT is ignored"), icalcomponent_kind_to_string(
                          icalcomponent_isa(c)));
        plan_walk_errors(cx, c);
    }
    if (it->skip)
        plan_add_diag(cx->plan, cx->fi, it->pub.line, PLAN_NOTE,
                      _("this item (UID \"%s\") is left out of the plan because of the "
                        "errors in it"), it->pub.uid ? it->pub.uid : "");
    strbuf_free(&e.err_names);
    free(e.rrules), free(e.rdates), free(e.exdates);
    free(e.m_rrules), free(e.m_rdates), free(e.m_exdates);
    add_item(cx->plan, it);
}
