/* Reading one .ics file: our own line splitting and unfolding (so every
 * content line keeps its physical line number), a structural pass that
 * reports unbalanced BEGIN/END with exact lines and hands libical only
 * well-nested calendars, then libical's parser. libical gives no line
 * numbers, so after every content line we insert a marker property
 * X-LOAXA-LINE:<logical index>; each property (and each X-LIC-ERROR libical
 * inserts) is followed by the marker of the line it came from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/util.h"
#include "plan/plan_internal.h"

#define ICS_MAX_DEPTH 32
#define ICS_MAX_TEXT (64 << 10) /* DESCRIPTION, COMMENT: longer ones are cut */

struct ics_line {
    int lineno;
    char *text;          /* unfolded, NUL-terminated (points into doc->buf) */
};

/* A VEVENT's text, kept apart from its calendar's and parsed one at a
 * time while loading (see ics_event_parse): a parsed VEVENT with its line
 * markers costs libical ~4 KB, so 100,000 of them at once were ~450 MB. */
struct ics_event {
    size_t off;          /* in doc->evbuf, NUL-terminated */
    int line;            /* of its BEGIN:VEVENT */
};

struct ics_cal {
    icalcomponent *cal;
    size_t first_event, n_events; /* in doc->events */
};

struct ics_doc {
    char *buf;
    struct ics_line *lines;
    size_t n_lines;
    struct ics_cal *cals;
    size_t n_cals;
    struct strbuf evbuf;
    struct ics_event *events;
    size_t n_events, cap_events;
    size_t cal_first_event;  /* events of the calendar being read start here */
};

/* True when s[0..n) is well-formed UTF-8 (no overlong 2-byte forms). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            k = 1;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            k = 3;
        } else {
            return false;
        }
        for (size_t j = 1; j <= k; j++)
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

/* Splits into logical lines: CRLF, LF or lone CR end a line; a line that
 * starts with a space or tab continues the previous one (RFC 5545 §3.1). */
static void split_lines(struct ics_doc *doc)
{
    const char *p = doc->buf, *end = doc->buf + strlen(doc->buf);
    size_t cap = 64;
    doc->lines = xmalloc(cap * sizeof *doc->lines);
    char *w = doc->buf; /* unfolding writes in place, behind the reader */
    int lineno = 0;
    while (p < end) {
        const char *e = p;
        while (e < end && *e != '\n' && *e != '\r')
            e++;
        lineno++;
        size_t n = (size_t)(e - p);
        if ((*p == ' ' || *p == '\t') && doc->n_lines > 0) {
            memmove(w, p + 1, n - 1);
            w += n - 1;
        } else {
            if (doc->n_lines > 0)
                *w++ = '\0';
            if (doc->n_lines == cap) {
                cap *= 2;
                doc->lines = xrealloc(doc->lines, cap * sizeof *doc->lines);
            }
            memmove(w, p, n);
            doc->lines[doc->n_lines].lineno = lineno;
            doc->lines[doc->n_lines].text = w;
            doc->n_lines++;
            w += n;
        }
        if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n')
            e++;
        p = e < end ? e + 1 : e;
    }
    *w = '\0';
}

/* The name of a content line (before ';' or ':'), upper-cased into out. */
static void line_name(const char *s, char *out, size_t outlen)
{
    size_t i = 0;
    while (s[i] && s[i] != ';' && s[i] != ':' && i + 1 < outlen) {
        char c = s[i];
        out[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        i++;
    }
    out[i] = '\0';
}

/* The value after the first ':' outside quotes, trimmed, upper-cased. */
static void line_value_upper(const char *s, char *out, size_t outlen)
{
    bool q = false;
    for (; *s; s++) {
        if (*s == '"')
            q = !q;
        else if (*s == ':' && !q)
            break;
    }
    if (*s == ':')
        s++;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t i = 0;
    for (; s[i] && i + 1 < outlen; i++)
        out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
    while (i > 0 && (out[i - 1] == ' ' || out[i - 1] == '\t'))
        i--;
    out[i] = '\0';
}

/* A content line for libical, folded again (RFC 5545 §3.1): its string
 * reader looks for the next '\n' from every 80-byte piece it takes, so one
 * 16 MB unfolded line cost minutes of strchr; folded, each search is short.
 * libical unfolds (and rejoins split UTF-8 bytes) itself. */
#define ICS_FOLD 72
static void add_line(struct strbuf *b, const char *s)
{
    size_t n = strlen(s);
    strbuf_add(b, s, n < ICS_FOLD ? n : ICS_FOLD);
    for (size_t i = ICS_FOLD; i < n; i += ICS_FOLD) {
        strbuf_add(b, "\r\n ", 3);
        strbuf_add(b, s + i, n - i < ICS_FOLD ? n - i : ICS_FOLD);
    }
    strbuf_add(b, "\r\n", 2);
}

static void add_marker(struct strbuf *b, size_t index)
{
    char m[48];
    int n = snprintf(m, sizeof m, ICS_MARKER ":%zu\r\n", index);
    strbuf_add(b, m, (size_t)n);
}

static void parse_calendar(struct ics_doc *doc, struct plan *plan, size_t fi,
                           struct strbuf *b, int begin_line)
{
    icalcomponent *c = icalparser_parse_string(b->s);
    if (!c) {
        plan_add_diag(plan, fi, begin_line, PLAN_ERROR,
                      _("libical could not read this calendar"));
        doc->n_events = doc->cal_first_event; /* its events go with it */
        return;
    }
    if (icalcomponent_isa(c) != ICAL_VCALENDAR_COMPONENT) {
        /* e.g. an XROOT when libical saw more than one top component */
        icalcomponent *inner = icalcomponent_get_first_component(c, ICAL_VCALENDAR_COMPONENT);
        if (!inner) {
            plan_add_diag(plan, fi, begin_line, PLAN_ERROR,
                          _("libical could not read this calendar"));
            icalcomponent_free(c);
            doc->n_events = doc->cal_first_event;
            return;
        }
        icalcomponent_remove_component(c, inner);
        icalcomponent_free(c);
        c = inner;
    }
    doc->cals = xrealloc(doc->cals, (doc->n_cals + 1) * sizeof *doc->cals);
    doc->cals[doc->n_cals++] = (struct ics_cal){c, doc->cal_first_event,
                                                doc->n_events - doc->cal_first_event};
}

/* A VEVENT's text is complete: kept in doc->evbuf; output goes back to
 * the calendar's text. */
static struct strbuf *end_event(struct ics_doc *doc, struct strbuf *ev, struct strbuf *b,
                                int line)
{
    if (doc->n_events == doc->cap_events) {
        doc->cap_events = doc->cap_events ? doc->cap_events * 2 : 64;
        doc->events = xrealloc(doc->events, doc->cap_events * sizeof *doc->events);
    }
    doc->events[doc->n_events++] = (struct ics_event){doc->evbuf.len, line};
    strbuf_add(&doc->evbuf, ev->s, ev->len);
    strbuf_add(&doc->evbuf, "", 1);
    ev->len = 0;
    ev->s[0] = '\0';
    return b;
}

struct ics_doc *ics_parse(struct plan *plan, size_t fi, char *data, size_t len)
{
    struct ics_doc *doc = xcalloc(1, sizeof *doc);
    /* The file's bytes are unfolded in place: no second 16 MB copy. */
    doc->buf = data ? data : xstrdup("");
    if (!data)
        len = 0;
    doc->buf[len] = '\0';
    /* NUL bytes would cut libical's string short: they become '?'. */
    bool told_nul = false;
    for (size_t i = 0; i < len; i++) {
        if (doc->buf[i] == '\0') {
            doc->buf[i] = '?';
            if (!told_nul) {
                int ln = 1;
                for (size_t j = 0; j < i; j++)
                    ln += data[j] == '\n';
                plan_add_diag(plan, fi, ln, PLAN_ERROR,
                              _("NUL byte: this is not iCalendar text"));
                told_nul = true;
            }
        }
    }
    char *text = doc->buf;
    if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        memmove(text, text + 3, strlen(text + 3) + 1); /* UTF-8 byte-order mark */
    split_lines(doc);
    /* Checked after unfolding: RFC 5545 §3.1 warns that folding may split a
     * multi-octet character, which unfolding restores. */
    for (size_t i = 0; i < doc->n_lines; i++) {
        const char *t = doc->lines[i].text;
        if (!utf8_valid((const unsigned char *)t, strlen(t))) {
            plan_add_diag(plan, fi, doc->lines[i].lineno, PLAN_ERROR,
                          _("not valid UTF-8 text (save the file as UTF-8)"));
            break;
        }
    }

    struct strbuf b = {0}, ev = {0};
    struct strbuf *out = &b;   /* &ev while inside a VEVENT of a calendar */
    int ev_line = 0;
    char stack[ICS_MAX_DEPTH][32];
    int stack_line[ICS_MAX_DEPTH];
    int depth = 0, cal_line = 0;
    bool told_outside = false, any_cal = false;
    for (size_t i = 0; i < doc->n_lines; i++) {
        const char *s = doc->lines[i].text;
        int ln = doc->lines[i].lineno;
        if (!*s || strspn(s, " \t") == strlen(s))
            continue;
        char name[32], value[32];
        line_name(s, name, sizeof name);
        bool is_begin = strcmp(name, "BEGIN") == 0, is_end = strcmp(name, "END") == 0;
        if (is_begin || is_end)
            line_value_upper(s, value, sizeof value);
        if (depth == 0) {
            if (is_begin && strcmp(value, "VCALENDAR") == 0) {
                strbuf_free(&b);
                doc->cal_first_event = doc->n_events;
                strbuf_puts(&b, "BEGIN:VCALENDAR\r\n");
                add_marker(&b, i);
                util_strlcpy(stack[0], "VCALENDAR", sizeof stack[0]);
                stack_line[0] = ln;
                depth = 1;
                cal_line = ln;
                any_cal = true;
            } else if (!told_outside) {
                plan_add_diag(plan, fi, ln, PLAN_ERROR,
                              _("text outside BEGIN:VCALENDAR ... END:VCALENDAR: \"%.60s\""),
                              s);
                told_outside = true;
            }
            continue;
        }
        if (is_begin) {
            if (depth == ICS_MAX_DEPTH || !*value) {
                plan_add_diag(plan, fi, ln, PLAN_ERROR,
                              _("BEGIN without a usable component name: \"%.60s\""), s);
                continue; /* its END will be reported as unmatched */
            }
            util_strlcpy(stack[depth], value, sizeof stack[depth]);
            stack_line[depth] = ln;
            if (depth == 1 && strcmp(value, "VEVENT") == 0) {
                out = &ev;
                ev_line = ln;
            }
            depth++;
            strbuf_puts(out, "BEGIN:");
            strbuf_puts(out, value);
            strbuf_puts(out, "\r\n");
            add_marker(out, i);
            continue;
        }
        if (is_end) {
            int k = depth - 1;
            while (k >= 0 && strcmp(stack[k], value) != 0)
                k--;
            if (k < 0) {
                plan_add_diag(plan, fi, ln, PLAN_ERROR,
                              _("END:%s without a matching BEGIN"), value);
                continue;
            }
            while (depth - 1 > k) {
                depth--;
                plan_add_diag(plan, fi, stack_line[depth], PLAN_ERROR,
                              _("BEGIN:%s is never closed (END:%s expected before line %d)"),
                              stack[depth], stack[depth], ln);
                strbuf_printf(out, "END:%s\r\n", stack[depth]);
                if (depth == 1 && out == &ev)
                    out = end_event(doc, &ev, &b, ev_line);
            }
            depth--;
            strbuf_printf(out, "END:%s\r\n", stack[depth]);
            if (depth == 1 && out == &ev) {
                out = end_event(doc, &ev, &b, ev_line);
                continue; /* no marker in the calendar for each event's END */
            }
            if (depth == 0)
                parse_calendar(doc, plan, fi, &b, cal_line);
            else
                add_marker(out, i);
            continue;
        }
        if ((strcmp(name, "DESCRIPTION") == 0 || strcmp(name, "COMMENT") == 0 ||
             strcmp(name, "X-ALT-DESC") == 0) && strlen(s) > ICS_MAX_TEXT) {
            /* free text no one reads at the loudspeaker: libical would hold
             * four copies of a 16 MB one */
            size_t cut = ICS_MAX_TEXT;
            while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
                cut--; /* not inside a UTF-8 character */
            size_t bs = 0;
            while (bs < cut && s[cut - 1 - bs] == '\\')
                bs++;
            cut -= bs % 2; /* nor inside an escape */
            plan_add_diag(plan, fi, ln, PLAN_WARNING,
                          _("%s longer than %d KB: only its first %d KB are kept"), name,
                          ICS_MAX_TEXT >> 10, ICS_MAX_TEXT >> 10);
            doc->lines[i].text[cut] = '\0';
        }
        add_line(out, s);
        add_marker(out, i);
    }
    if (depth > 0) {
        int last = doc->n_lines ? doc->lines[doc->n_lines - 1].lineno : 0;
        while (depth > 0) {
            depth--;
            plan_add_diag(plan, fi, stack_line[depth], PLAN_ERROR,
                          _("BEGIN:%s is never closed (the file ends at line %d)"),
                          stack[depth], last);
            strbuf_printf(out, "END:%s\r\n", stack[depth]);
            if (depth == 1 && out == &ev)
                out = end_event(doc, &ev, &b, ev_line);
        }
        parse_calendar(doc, plan, fi, &b, cal_line);
    }
    strbuf_free(&ev);
    if (strspn(doc->buf, " \t\r\n") == strlen(doc->buf))
        plan_add_diag(plan, fi, 1, PLAN_ERROR, _("empty file: no calendar in it"));
    else if (!any_cal)
        plan_add_diag(plan, fi, 1, PLAN_ERROR,
                      _("no BEGIN:VCALENDAR in this file: it is not an iCalendar plan"));
    strbuf_free(&b);
    return doc;
}

size_t ics_cal_count(const struct ics_doc *doc)
{
    return doc->n_cals;
}

icalcomponent *ics_cal_take(struct ics_doc *doc, size_t i)
{
    icalcomponent *c = doc->cals[i].cal;
    doc->cals[i].cal = NULL;
    return c;
}

size_t ics_event_count(const struct ics_doc *doc, size_t ci)
{
    return doc->cals[ci].n_events;
}

icalcomponent *ics_event_parse(struct ics_doc *doc, struct plan *plan, size_t fi, size_t ci,
                               size_t k, icalcomponent *cal)
{
    const struct ics_event *e = &doc->events[doc->cals[ci].first_event + k];
    icalcomponent *c = icalparser_parse_string(doc->evbuf.s + e->off);
    if (c && icalcomponent_isa(c) != ICAL_VEVENT_COMPONENT) {
        icalcomponent_free(c);
        c = NULL;
    }
    if (!c) {
        plan_add_diag(plan, fi, e->line, PLAN_ERROR, _("libical could not read this event"));
        return NULL;
    }
    /* in its calendar, as if parsed there: TZIDs resolve through the parent */
    icalcomponent_add_component(cal, c);
    return c;
}

int ics_line_no(const struct ics_doc *doc, long marker)
{
    if (marker < 0 || (size_t)marker >= doc->n_lines)
        return 0;
    return doc->lines[marker].lineno;
}

const char *ics_line_text(const struct ics_doc *doc, long marker)
{
    if (marker < 0 || (size_t)marker >= doc->n_lines)
        return "";
    return doc->lines[marker].text;
}

void ics_free(struct ics_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n_cals; i++)
        if (doc->cals[i].cal)
            icalcomponent_free(doc->cals[i].cal);
    free(doc->cals);
    strbuf_free(&doc->evbuf);
    free(doc->events);
    free(doc->lines);
    free(doc->buf);
    free(doc);
}
