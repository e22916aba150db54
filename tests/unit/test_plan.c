/* The plan loader and expansion: every tests/fixtures/plans/X.expected
 * (occurrences computed independently of libical), DST gaps and overlaps,
 * overrides and keys, diagnostics with exact lines, and the expansion cache
 * giving the same answers whatever order windows are asked in. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/util.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "unit.h"

#define PLANS FIXTURES "/plans"
#define HCM "Asia/Ho_Chi_Minh"

static struct plan *load1(const char *path, const char *root)
{
    struct plan_options o = {.default_tz = HCM, .audio_root = root};
    char *err = NULL;
    struct plan *p = plan_load(&path, 1, &o, &err);
    ck_assert_msg(p != NULL, "%s: %s", path, err ? err : "");
    return p;
}

static char *write_tmp(const char *text)
{
    char *path = xstrdup("/tmp/loaxa-plan-XXXXXX.ics");
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static struct plan *load_text(const char *text)
{
    char *path = write_tmp(text);
    struct plan *p = load1(path, NULL);
    unlink(path);
    free(path);
    return p;
}

/* "UID\tSTART" lines of the live occurrences, as in the .expected files. */
static char *render(struct plan *p, int64_t from, int64_t to)
{
    struct plan_occurrence *o;
    size_t n;
    ck_assert_int_eq(plan_expand(p, from, to, &o, &n), 0);
    struct strbuf b = {0};
    strbuf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        char t[UTIL_TIME_BUF];
        if (!o[i].cancelled)
            strbuf_printf(&b, "%s\t%s\n", o[i].item->uid, util_format_iso_utc(o[i].start_ms, t));
    }
    free(o);
    return strbuf_steal(&b);
}

static int64_t T(const char *s)
{
    int64_t ms;
    ck_assert_msg(util_parse_time(s, &ms) == 0, "bad time %s", s);
    return ms;
}

static bool has_diag(struct plan *p, int line, enum plan_severity sev, const char *needle)
{
    for (size_t i = 0; i < plan_diag_count(p); i++) {
        const struct plan_diag *d = plan_diag(p, i);
        if (d->line == line && d->severity == sev && (!needle || strstr(d->message, needle)))
            return true;
    }
    return false;
}

static void dump_diags(struct plan *p)
{
    for (size_t i = 0; i < plan_diag_count(p); i++) {
        const struct plan_diag *d = plan_diag(p, i);
        fprintf(stderr, "  %s:%d: %d: %s\n", d->file, d->line, d->severity, d->message);
    }
}

static void first_diff(const char *name, const char *want, const char *got)
{
    int line = 1;
    const char *a = want, *b = got;
    while (*a && *a == *b) {
        line += *a == '\n';
        a++, b++;
    }
    if (*a || *b)
        ck_abort_msg("%s: occurrence line %d differs:\n want: %.70s\n  got: %.70s", name, line,
                     a, b);
}

/* Every X.expected: load X.ics alone (no audio root, so items whose
 * recordings will be refused still count), expand its window, compare. */
START_TEST(test_expected_fixtures)
{
    DIR *d = opendir(PLANS);
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    int seen = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 10 || strcmp(de->d_name + l - 9, ".expected") != 0)
            continue;
        char *exp_path = xasprintf("%s/%s", PLANS, de->d_name);
        char *ics = xasprintf("%s/%.*s.ics", PLANS, (int)(l - 9), de->d_name);
        char *want;
        size_t wl;
        ck_assert_int_eq(util_read_file(exp_path, 0, &want, &wl), 0);
        char ws[40], we[40];
        ck_assert_int_eq(sscanf(want, "# window %39s %39s", ws, we), 2);
        char *body = strchr(want, '\n') + 1;
        struct plan *p = load1(ics, NULL);
        char *got = render(p, T(ws), T(we));
        if (strcmp(body, got) != 0)
            dump_diags(p);
        first_diff(de->d_name, body, got);
        plan_free(p);
        free(got);
        free(want);
        free(ics);
        free(exp_path);
        seen++;
    }
    closedir(d);
    ck_assert_int_ge(seen, 10);
}
END_TEST

static const char *NY_HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n";

/* Without a VTIMEZONE: the zone comes from tzdata, and §3.3.5 still holds. */
START_TEST(test_dst_builtin_zone)
{
    char *text = xasprintf(
        "%sBEGIN:VEVENT\r\nUID:gap\r\nDTSTART;TZID=America/New_York:20260308T023000\r\n"
        "RRULE:FREQ=DAILY;COUNT=2\r\nATTACH:a.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:overlap\r\nDTSTART;TZID=America/New_York:20261101T013000\r\n"
        "ATTACH:a.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", NY_HEAD);
    struct plan *p = load_text(text);
    char *got = render(p, T("2026-01-01Z"), T("2027-01-01Z"));
    ck_assert_str_eq(got, "gap\t2026-03-08T07:30:00Z\n"
                          "gap\t2026-03-09T06:30:00Z\n"
                          "overlap\t2026-11-01T05:30:00Z\n");
    free(got);
    free(text);
    plan_free(p);
}
END_TEST

/* Overrides: the moved instance keeps its identity (the key names the
 * original start), a cancelled one is flagged, the master's line is kept. */
START_TEST(test_overrides_and_keys)
{
    struct plan *p = load_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:t\n"
        "BEGIN:VEVENT\nUID:ov\nDTSTART;TZID=Asia/Ho_Chi_Minh:20260302T063000\n"
        "DURATION:PT10M\nRRULE:FREQ=DAILY;COUNT=4\nSUMMARY:Bản tin\nATTACH:a.wav\n"
        "PRIORITY:3\nX-LOAXA-UNIT:UBND\nCONTACT:someone\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:ov\nRECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20260303T063000\n"
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20260303T170000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:ov\nRECURRENCE-ID:20260303T233000Z\nSTATUS:CANCELLED\n"
        "DTSTART:20260303T233000Z\nEND:VEVENT\nEND:VCALENDAR\n");
    ck_assert_int_eq(plan_error_count(p), 0);
    struct plan_occurrence *o;
    size_t n;
    plan_expand(p, T("2026-03-01Z"), T("2026-03-10Z"), &o, &n);
    ck_assert_int_eq(n, 4);
    ck_assert_str_eq(o[0].key, "ov/20260301T233000Z");
    ck_assert_int_eq(o[0].end_ms - o[0].start_ms, 600000);
    ck_assert_str_eq(o[1].key, "ov/20260302T233000Z");     /* moved to 17:00 local */
    ck_assert_int_eq(o[1].start_ms, T("2026-03-03T10:00Z"));
    ck_assert_int_eq(o[1].recurrence_id_ms, T("2026-03-02T23:30Z"));
    ck_assert_str_eq(o[1].item->summary, "Bản tin");       /* inherited */
    ck_assert_int_eq(o[1].end_ms - o[1].start_ms, 600000);
    ck_assert(o[2].cancelled);
    ck_assert_str_eq(o[2].key, "ov/20260303T233000Z");
    ck_assert(!o[3].cancelled);
    const struct plan_item *m = plan_find_uid(p, "ov");
    ck_assert_str_eq(m->unit, "UBND");                      /* X-LOAXA-UNIT beats CONTACT */
    ck_assert_int_eq(m->level, PLAN_LEVEL_PRIORITY);
    ck_assert_int_eq(m->line, 4);
    free(o);
    plan_free(p);
}
END_TEST

START_TEST(test_fields)
{
    struct plan *p = load_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
        "BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20260302T000000Z\r\nPRIORITY:1\r\n"
        "STATUS:TENTATIVE\r\nCONTACT:C\xc3\xb4ng an x\xc3\r\n \xa3\r\n" /* ã split by folding */
        "CATEGORIES:An ninh,Khẩn cấp\r\n"
        "ATTACH:a.wav\r\nATTACH:b.flac\r\nX-LOAXA-SIGNATURE:none\r\nDESCRIPTION:Dài d\r\n"
        " òng gấp\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:n\r\nDTSTART:20260302T000000Z\r\nPRIORITY:7\r\nATTACH:a.wav\r\n"
        "END:VEVENT\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n");
    const struct plan_item *e = plan_find_uid(p, "e"), *n = plan_find_uid(p, "n");
    ck_assert_int_eq(e->level, PLAN_LEVEL_EMERGENCY);
    ck_assert(!e->approved);
    ck_assert_str_eq(e->unit, "Công an xã");
    ck_assert_int_eq(e->n_categories, 2);
    ck_assert_str_eq(e->categories[1], "Khẩn cấp");
    ck_assert_int_eq(e->n_audio, 2);
    ck_assert_str_eq(e->audio[1], "b.flac");
    ck_assert_str_eq(e->signature_tune, "none");
    ck_assert_str_eq(e->description, "Dài dòng gấp");
    ck_assert_int_eq(n->level, PLAN_LEVEL_NORMAL);
    ck_assert(n->approved);
    ck_assert_ptr_null(n->signature_tune);
    ck_assert(has_diag(p, 24, PLAN_NOTE, "VTODO"));
    ck_assert_int_eq(plan_error_count(p), 0);
    plan_free(p);
}
END_TEST

struct want_line {
    const char *file;
    int line;
    const char *needle;
};

static void expect_errors(const char *file, const struct want_line *w, size_t n)
{
    char *path = xasprintf("%s/%s", PLANS, file);
    struct plan *p = load1(path, FIXTURES "/audio");
    for (size_t i = 0; i < n; i++) {
        if (!has_diag(p, w[i].line, PLAN_ERROR, w[i].needle)) {
            dump_diags(p);
            ck_abort_msg("%s: no error at line %d containing \"%s\"", file, w[i].line,
                         w[i].needle ? w[i].needle : "");
        }
    }
    plan_free(p);
    free(path);
}

START_TEST(test_broken_lines)
{
    static const struct want_line props[] = {{0, 9, "data line"}, {0, 10, "DTEND"},
                                             {0, 10, "2026-12-01 06:35"}};
    expect_errors("broken-props.ics", props, 3);
    char *path = xasprintf("%s/broken-props.ics", PLANS);
    struct plan *p = load1(path, NULL);
    ck_assert(has_diag(p, 11, PLAN_WARNING, "PRIORITY"));
    plan_free(p);
    free(path);
    static const struct want_line syn[] = {{0, 9, "data line"}, {0, 10, "DTEND"},
                                           {0, 14, "never closed"}};
    expect_errors("broken-syntax.ics", syn, 3);
    static const struct want_line rr[] = {{0, 19, "RRULE"}};
    expect_errors("bad-rrule.ics", rr, 1);
    static const struct want_line tz[] = {{0, 7, "Mars/Olympus_Mons"}};
    expect_errors("unknown-tzid.ics", tz, 1);
    static const struct want_line ds[] = {{0, 14, "DTSTART"}};
    expect_errors("missing-dtstart.ics", ds, 1);
    static const struct want_line em[] = {{0, 1, "empty"}};
    expect_errors("empty.ics", em, 1);
    static const struct want_line bi[] = {{0, 1, "not iCalendar"}};
    expect_errors("binary.ics", bi, 1);
    static const struct want_line esc[] = {{0, 20, NULL}, {0, 28, NULL}, {0, 36, NULL}};
    expect_errors("escape-attach.ics", esc, 3);
    static const struct want_line url[] = {{0, 20, NULL}};
    expect_errors("url-attach.ics", url, 1);
}
END_TEST

START_TEST(test_bad_items_left_out)
{
    const char *names[] = {"bad-rrule.ics", "unknown-tzid.ics", "missing-dtstart.ics"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char *path = xasprintf("%s/%s", PLANS, names[i]);
        struct plan *p = load1(path, NULL);
        ck_assert_msg(plan_error_count(p) > 0, "%s", names[i]);
        for (size_t k = 0; k < plan_item_count(p); k++) {
            const struct plan_item *it = plan_item_at(p, k);
            ck_assert_msg(strstr(it->uid, "ok") || strstr(it->uid, "good"),
                          "%s: %s should be left out", names[i], it->uid);
        }
        plan_free(p);
        free(path);
    }
}
END_TEST

START_TEST(test_duplicate_uid_across_files)
{
    const char *paths[] = {PLANS "/dup-uid-a.ics", PLANS "/dup-uid-b.ics"};
    struct plan_options o = {.default_tz = HCM};
    struct plan *p = plan_load(paths, 2, &o, NULL);
    ck_assert_ptr_nonnull(p);
    bool found = false;
    for (size_t i = 0; i < plan_diag_count(p); i++) {
        const struct plan_diag *d = plan_diag(p, i);
        if (d->severity == PLAN_ERROR && d->line == 15 && strstr(d->file, "dup-uid-b.ics") &&
            strstr(d->message, "dup-uid-a.ics:15"))
            found = true;
    }
    if (!found)
        dump_diags(p);
    ck_assert(found);
    ck_assert_int_eq(plan_file_count(p), 2);
    ck_assert_int_eq(strlen(plan_file_sha256(p, 0)), 64);
    plan_free(p);
}
END_TEST

/* Windows asked for in any order give what one big window gives. */
START_TEST(test_cache_consistency)
{
    struct plan *whole = load1(PLANS "/rfc5545-examples.ics", NULL);
    char *all = render(whole, T("1996-01-01Z"), T("2001-01-01Z"));
    plan_free(whole);
    struct plan *p = load1(PLANS "/rfc5545-examples.ics", NULL);
    const char *cuts[] = {"1998-06-01Z", "1996-01-01Z", "1997-09-03Z", "1999-01-01Z",
                          "1997-01-01Z", "2001-01-01Z"};
    /* pieces in a scrambled order, then concatenated in time order */
    int order[] = {3, 0, 4, 2, 1};
    int64_t bounds[6];
    for (int i = 0; i < 6; i++)
        bounds[i] = T(cuts[i]);
    int64_t sorted[6];
    memcpy(sorted, bounds, sizeof sorted);
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++)
            if (sorted[j] < sorted[i]) {
                int64_t t = sorted[i];
                sorted[i] = sorted[j], sorted[j] = t;
            }
    char *piece[5];
    for (int k = 0; k < 5; k++)
        piece[order[k]] = render(p, sorted[order[k]], sorted[order[k] + 1]);
    struct strbuf b = {0};
    for (int k = 0; k < 5; k++) {
        strbuf_puts(&b, piece[k]);
        free(piece[k]);
    }
    ck_assert_str_eq(b.s, all);
    strbuf_free(&b);
    free(all);
    plan_free(p);
}
END_TEST

/* Rules whose DTSTART lies decades before the window (old-rules.ics):
 * windows asked in any order, far jumps ahead and back in between, give
 * what one expansion of the whole span gives (the .expected list). */
START_TEST(test_window_cursor_orders)
{
    struct plan *whole = load1(PLANS "/old-rules.ics", NULL);
    char *all = render(whole, T("2026-02-20Z"), T("2026-04-05Z"));
    plan_free(whole);
    struct plan *p = load1(PLANS "/old-rules.ics", NULL);
    struct strbuf b = {0};
    /* forward in 5-hour steps, with a look at 2090 and at 1961 on the way */
    for (int64_t w = T("2026-02-20Z"); w < T("2026-04-05Z"); w += 5 * 3600000LL) {
        int64_t e = w + 5 * 3600000LL < T("2026-04-05Z") ? w + 5 * 3600000LL : T("2026-04-05Z");
        char *x = render(p, w, e);
        strbuf_puts(&b, x);
        free(x);
        if (w == T("2026-03-01Z")) {
            free(render(p, T("2090-01-01Z"), T("2090-01-02Z")));
            free(render(p, T("1961-01-01Z"), T("1961-01-02Z")));
        }
    }
    ck_assert_str_eq(b.s, all);
    strbuf_free(&b);
    /* backwards, one day at a time, pieces concatenated in time order */
    size_t days = 44;
    char **piece = xcalloc(days, sizeof *piece);
    for (size_t k = days; k-- > 0;)
        piece[k] = render(p, T("2026-02-20Z") + (int64_t)k * 86400000LL,
                          T("2026-02-20Z") + (int64_t)(k + 1) * 86400000LL);
    struct strbuf c = {0};
    strbuf_puts(&c, "");
    for (size_t k = 0; k < days; k++) {
        strbuf_puts(&c, piece[k]);
        free(piece[k]);
    }
    free(piece);
    ck_assert_str_eq(c.s, all);
    strbuf_free(&c);
    free(all);
    plan_free(p);
}
END_TEST

/* The daemon's refills: a minutely rule from 2000 expanded day after day
 * holds only about what a window holds, not what it produced so far. */
START_TEST(test_window_memory_bounded)
{
    struct plan *p = load_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
                               "BEGIN:VEVENT\r\nUID:m@t\r\nDTSTAMP:20000101T000000Z\r\n"
                               "DTSTART:20000101T000000Z\r\nRRULE:FREQ=MINUTELY\r\n"
                               "ATTACH:test/tone.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    size_t most = 0;
    for (int d = 0; d < 30; d++) {
        struct plan_occurrence *o;
        size_t n;
        int64_t from = T("2026-06-01Z") + d * 86400000LL;
        ck_assert_int_eq(plan_expand(p, from, from + 2 * 86400000LL, &o, &n), 0);
        ck_assert_uint_eq(n, 2 * 1440);
        ck_assert_int_eq(o[0].start_ms, from);
        free(o);
        if (plan_held_instances(p) > most)
            most = plan_held_instances(p);
    }
    /* the window, its two-day margins and a day kept before: 7 days of
     * minutes, and a quarter more before a trim */
    ck_assert_uint_le(most, 10 * 1440);
    ck_assert_uint_gt(most, 0);
    plan_free(p);
}
END_TEST

/* COUNT is stepped from DTSTART: one beyond the bound is refused, naming
 * its line; the bound itself loads. */
START_TEST(test_count_bound)
{
#define COUNT_PLAN(n)                                                                      \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:c@t\r\n"              \
    "DTSTAMP:20000101T000000Z\r\nDTSTART:20000101T000000Z\r\n"                          \
    "RRULE:FREQ=MINUTELY;COUNT=" #n "\r\nATTACH:test/tone.wav\r\nEND:VEVENT\r\n"        \
    "END:VCALENDAR\r\n"
    struct plan *p = load_text(COUNT_PLAN(1000001));
    ck_assert_msg(has_diag(p, 8, PLAN_ERROR, "COUNT=1000001"), "no COUNT error at line 8");
    ck_assert_uint_eq(plan_item_count(p), 0);
    plan_free(p);
    p = load_text(COUNT_PLAN(1000000));
    ck_assert_uint_eq(plan_error_count(p), 0);
    struct plan_occurrence *o;
    size_t n;
    /* the last instance: 999,999 minutes after DTSTART */
    ck_assert_int_eq(plan_expand(p, T("2001-11-25Z"), T("2001-11-27Z"), &o, &n), 0);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(o[n - 1].start_ms, T("2000-01-01Z") + 999999 * 60000LL);
    free(o);
    plan_free(p);
}
END_TEST

/* Outlook's 148-digit UIDs do not fit "UID/TIME" in 160 bytes: the key
 * keeps a prefix plus a hash of the whole UID, and stays unique. */
START_TEST(test_long_uid_keys)
{
    char u1[200], u2[200];
    memset(u1, 'A', 170);
    u1[170] = '\0';
    memcpy(u2, u1, sizeof u2);
    u2[169] = 'B';
    char *text = xasprintf("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:%s\nDTSTART:20260101T000000Z\n"
                           "ATTACH:a\nEND:VEVENT\nBEGIN:VEVENT\nUID:%s\nDTSTART:20260101T00"
                           "0000Z\nATTACH:a\nEND:VEVENT\nEND:VCALENDAR\n", u1, u2);
    struct plan *p = load_text(text);
    struct plan_occurrence *o;
    size_t n;
    plan_expand(p, T("2026-01-01Z"), T("2026-01-02Z"), &o, &n);
    ck_assert_int_eq(n, 2);
    ck_assert_str_ne(o[0].key, o[1].key);
    ck_assert_int_lt(strlen(o[0].key), 160);
    ck_assert(strstr(o[0].key, "/20260101T000000Z") != NULL);
    free(o);
    free(text);
    plan_free(p);
}
END_TEST

/* Zones: X-WR-TIMEZONE for floating times, a Windows name without its
 * VTIMEZONE (a warning, then the IANA zone), "UTC", and refusals. */
START_TEST(test_zone_names)
{
    struct plan *p = load_text(
        "BEGIN:VCALENDAR\nX-WR-TIMEZONE:America/New_York\n"
        "BEGIN:VEVENT\nUID:f\nDTSTART:20260308T023000\nATTACH:a\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:w\nDTSTART;TZID=SE Asia Standard Time:20260308T063000\n"
        "ATTACH:a\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:u\nDTSTART;TZID=UTC:20260308T063000\nATTACH:a\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:s\nDTSTART:20260308T063000Z\nRRULE:FREQ=SECONDLY\nATTACH:a\n"
        "END:VEVENT\n"
        "BEGIN:VEVENT\nUID:bad\nDTSTART;TZID=../../etc/passwd:20260308T063000\nATTACH:a\n"
        "END:VEVENT\nEND:VCALENDAR\n");
    char *got = render(p, T("2026-03-01Z"), T("2026-04-01Z"));
    ck_assert_str_eq(got, "w\t2026-03-07T23:30:00Z\n"
                          "u\t2026-03-08T06:30:00Z\n"
                          "f\t2026-03-08T07:30:00Z\n");
    ck_assert(has_diag(p, 10, PLAN_WARNING, "Asia/Bangkok"));
    ck_assert(has_diag(p, 21, PLAN_ERROR, "SECONDLY"));
    ck_assert(has_diag(p, 26, PLAN_ERROR, "TZID"));
    free(got);
    plan_free(p);
}
END_TEST

/* RDATE as a PERIOD and as a DATE-TIME list, EXDATE list, a duplicate
 * RDATE of an RRULE instance counted once. */
START_TEST(test_rdate_exdate)
{
    struct plan *p = load_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:r\nDTSTART:20260301T000000Z\n"
        "RRULE:FREQ=DAILY;COUNT=4\nRDATE;VALUE=PERIOD:20260310T010000Z/PT1H\n"
        "RDATE:20260302T000000Z,20260311T000000Z,20260220T000000Z\n"
        "EXDATE:20260303T000000Z,20260304T000000Z\n"
        "ATTACH:a\nEND:VEVENT\nEND:VCALENDAR\n");
    char *got = render(p, T("2026-01-01Z"), T("2027-01-01Z"));
    ck_assert_str_eq(got, "r\t2026-02-20T00:00:00Z\n"
                          "r\t2026-03-01T00:00:00Z\nr\t2026-03-02T00:00:00Z\n"
                          "r\t2026-03-10T01:00:00Z\nr\t2026-03-11T00:00:00Z\n");
    free(got);
    plan_free(p);
}
END_TEST

/* Random bytes and truncations of every fixture: never a crash (ASan and
 * UBSan watch in the sanitizer build), always a plan or a clean NULL. */
START_TEST(test_fuzz)
{
    DIR *d = opendir(PLANS);
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    unsigned seed = 12345;
    int runs = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".ics") != 0)
            continue;
        char *src = xasprintf("%s/%s", PLANS, de->d_name);
        char *data;
        size_t len;
        ck_assert_int_eq(util_read_file(src, 0, &data, &len), 0);
        for (int k = 0; k < 12 && len > 0; k++) {
            char *m = xmalloc(len + 1);
            memcpy(m, data, len);
            size_t ml = k < 4 ? (size_t)rand_r(&seed) % len : len; /* truncation */
            if (k >= 4)
                for (int f = 0; f < 1 + k; f++) /* byte flips */
                    m[(size_t)rand_r(&seed) % len] = (char)rand_r(&seed);
            m[ml] = '\0';
            char *path = xstrdup("/tmp/loaxa-fuzz-XXXXXX.ics");
            int fd = mkstemps(path, 4);
            ck_assert_int_eq(write(fd, m, ml), (ssize_t)ml);
            close(fd);
            struct plan_options o = {.default_tz = HCM, .audio_root = FIXTURES "/audio"};
            const char *pp = path;
            struct plan *p = plan_load(&pp, 1, &o, NULL);
            ck_assert_ptr_nonnull(p);
            struct plan_occurrence *occ;
            size_t n;
            plan_expand(p, T("2026-01-01Z"), T("2027-01-01Z"), &occ, &n);
            free(occ);
            struct plan_check_options co = {.audio_root = FIXTURES "/audio",
                                            .hours_start_min = 330, .hours_end_min = 1260,
                                            .max_session_min = 45, .from_ms = T("2026-01-01Z"),
                                            .to_ms = T("2027-01-01Z"), .gap_max_s = 60};
            plan_check(p, &co);
            plan_free(p);
            unlink(path);
            free(path);
            free(m);
            runs++;
        }
        free(data);
        free(src);
    }
    closedir(d);
    ck_assert_int_gt(runs, 50);
}
END_TEST

/* A MINUTELY rule whose BY... parts no minute satisfies would keep
 * libical's iterator stepping to the year 2582 (minutes): refused at load,
 * at its line; a sparse but possible one loads and airs. */
START_TEST(test_rule_never_matches)
{
    struct plan *p = load_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
        "BEGIN:VEVENT\r\nUID:feb30@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\r\n"
        "ATTACH:test/tone.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:lattice@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=60;BYMINUTE=5\r\n"
        "ATTACH:test/tone.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:dec@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260101T000000Z\r\n"
        "RRULE:FREQ=MINUTELY;INTERVAL=30;BYMONTH=12;BYDAY=MO;BYHOUR=7;BYMINUTE=30\r\n"
        "ATTACH:test/tone.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    ck_assert(has_diag(p, 8, PLAN_ERROR, "never airs"));
    ck_assert(has_diag(p, 15, PLAN_ERROR, "never airs"));
    ck_assert_uint_eq(plan_error_count(p), 2);
    char *got = render(p, T("2026-12-01Z"), T("2026-12-31Z"));
    ck_assert_str_eq(got, "dec@t\t2026-12-07T07:30:00Z\ndec@t\t2026-12-14T07:30:00Z\n"
                          "dec@t\t2026-12-21T07:30:00Z\ndec@t\t2026-12-28T07:30:00Z\n");
    free(got);
    plan_free(p);
}
END_TEST

/* A 1 MB DESCRIPTION (folded, with multi-byte text) is cut to 64 KB at a
 * character boundary, with a warning at its line; the item airs. */
START_TEST(test_long_description_cut)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\n"
                    "UID:d@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T000000Z\r\n"
                    "DESCRIPTION:");
    for (int i = 0; i < 1 << 20; i += 60)
        strbuf_puts(&b, i ? "\r\n Tin t\xe1\xbb\xa9" "c bu\xe1\xbb\x95" "i s\xc3\xa1" "ng\\n \\, x"
                          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                          : "Tin");
    strbuf_puts(&b, "\r\nATTACH:test/tone.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    struct plan *p = load_text(b.s);
    strbuf_free(&b);
    ck_assert(has_diag(p, 8, PLAN_WARNING, "DESCRIPTION longer than 64 KB"));
    ck_assert_uint_eq(plan_error_count(p), 0);
    const struct plan_item *it = plan_find_uid(p, "d@t");
    ck_assert_ptr_nonnull(it);
    size_t n = strlen(it->description);
    ck_assert_uint_gt(n, 60000);
    ck_assert_uint_le(n, 64 << 10);
    ck_assert((((unsigned char)it->description[n - 1]) & 0xC0) != 0xC0); /* whole characters */
    plan_free(p);
}
END_TEST

static int check_year(struct plan *p, const char *from, const char *to)
{
    struct plan_check_options co = {.audio_root = FIXTURES "/audio", .hours_start_min = 0,
                                    .hours_end_min = 24 * 60, .max_session_min = 0,
                                    .from_ms = T(from), .to_ms = T(to), .gap_max_s = 60};
    return plan_check(p, &co);
}

/* loaxa check of a FREQ=MINUTELY rule from 2000 over a year: it looks at a
 * bounded number of airings and says where it stopped, at the RRULE line. */
START_TEST(test_check_bounded)
{
    setenv("TZ", "UTC", 1);
    tzset();
#define MINUTELY_EV(uid, sec)                                                              \
    "BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:20000101T000000Z\r\n"                          \
    "DTSTART:20000101T0000" sec "Z\r\nRRULE:FREQ=MINUTELY\r\nSUMMARY:" uid "\r\n"         \
    "ATTACH:test/tone.wav\r\nEND:VEVENT\r\n"
    /* three rules: 1.5 million airings a year */
    struct plan *p = load_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n" MINUTELY_EV(
        "a", "00") MINUTELY_EV("b", "10") MINUTELY_EV("c", "20") "END:VCALENDAR\r\n");
    check_year(p, "2026-01-01Z", "2027-01-01Z");
    if (!has_diag(p, 8, PLAN_WARNING, "checked up to 2026-08-"))
        dump_diags(p);
    ck_assert(has_diag(p, 8, PLAN_WARNING, "checked up to 2026-08-"));
    plan_free(p);
}
END_TEST

/* The check goes day by day: an airing running past local midnight still
 * meets the next day's first one. */
START_TEST(test_check_overlap_across_midnight)
{
    setenv("TZ", "Asia/Ho_Chi_Minh", 1);
    tzset();
    struct plan *p = load_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
        "BEGIN:VEVENT\r\nUID:late@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20260301T235000\r\nDURATION:PT30M\r\n"
        "RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:late\r\nATTACH:test/tone.wav\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:early@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20260302T000500\r\nDURATION:PT5M\r\n"
        "RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:early\r\nATTACH:test/tone.wav\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n");
    check_year(p, "2026-02-28Z", "2026-03-10Z");
    if (!has_diag(p, 16, PLAN_WARNING, "overlaps \"late\""))
        dump_diags(p);
    ck_assert(has_diag(p, 16, PLAN_WARNING, "3 times"));
    plan_free(p);
    setenv("TZ", "UTC", 1);
    tzset();
}
END_TEST

/* ATTACH with an absolute path: accepted when it resolves inside the audio
 * root (calendar clients write absolute paths), refused elsewhere, also when
 * the file is missing and only shares a prefix with the root. */
START_TEST(test_attach_absolute)
{
    char root[4096];
    ck_assert_ptr_nonnull(realpath(FIXTURES "/audio", root));
    char *text = xasprintf(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
        "BEGIN:VEVENT\r\nUID:in@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260301T000000Z\r\nATTACH:%s/test/tone.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:out@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260301T000000Z\r\nATTACH:/etc/passwd\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:sibling@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260301T000000Z\r\nATTACH:%s-other/x.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:dotdot@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260301T000000Z\r\nATTACH:%s/test/../test/tone.wav\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n", root, root, root);
    char *path = write_tmp(text);
    struct plan *p = load1(path, root);
    ck_assert_ptr_nonnull(plan_find_uid(p, "in@t"));
    ck_assert_ptr_null(plan_find_uid(p, "out@t"));
    ck_assert(has_diag(p, 14, PLAN_ERROR, "outside the audio root"));
    ck_assert_ptr_null(plan_find_uid(p, "sibling@t"));
    ck_assert(has_diag(p, 20, PLAN_ERROR, "outside the audio root"));
    ck_assert_ptr_null(plan_find_uid(p, "dotdot@t"));
    ck_assert(has_diag(p, 26, PLAN_ERROR, "\"..\""));
    ck_assert_uint_eq(plan_error_count(p), 3);
    /* what the player does with the path: the real file inside the root */
    char err[512], *abs = NULL;
    const struct plan_item *in = plan_find_uid(p, "in@t");
    ck_assert_int_eq(paths_resolve_audio(root, in->audio[0], &abs, err, sizeof err), 0);
    ck_assert(strncmp(abs, root, strlen(root)) == 0);
    free(abs);
    plan_free(p);
    unlink(path);
    free(path);
    free(text);
}
END_TEST

/* A plan folder's files: a link out of the folder, a FIFO and an oversized
 * file are each an error naming the file; the folder's other files load. */
START_TEST(test_folder_confined)
{
    char dir[] = "/tmp/loaxa-plandir-XXXXXX", other[] = "/tmp/loaxa-other-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_ptr_nonnull(mkdtemp(other));
    char *good = xasprintf("%s/a.ics", dir), *out = xasprintf("%s/x.ics", other);
    char *link = xasprintf("%s/b-link.ics", dir), *inlink = xasprintf("%s/c-inside.ics", dir);
    char *fifo = xasprintf("%s/d-fifo.ics", dir), *big = xasprintf("%s/e-big.ics", dir);
    const char *cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                      "BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20260101T000000Z\r\n"
                      "DTSTART:20260105T010000Z\r\nSUMMARY:s\r\nATTACH:a.wav\r\n"
                      "END:VEVENT\r\nEND:VCALENDAR\r\n";
    FILE *f = fopen(good, "w");
    ck_assert_ptr_nonnull(f);
    fputs(cal, f);
    fclose(f);
    f = fopen(out, "w");
    ck_assert_ptr_nonnull(f);
    fputs(cal, f);
    fclose(f);
    ck_assert_int_eq(symlink(out, link), 0);
    ck_assert_int_eq(symlink("a.ics", inlink), 0); /* inside: allowed (same UID: a dup) */
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    f = fopen(big, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 17L << 20, SEEK_SET), 0); /* sparse: cheap to make */
    fputc('\n', f);
    fclose(f);

    const char *paths[] = {dir};
    struct plan_options o = {.default_tz = HCM};
    struct plan *p = plan_load(paths, 1, &o, NULL);
    ck_assert_ptr_nonnull(p);
    bool saw_link = false, saw_fifo = false, saw_big = false, saw_inside = false;
    for (size_t i = 0; i < plan_diag_count(p); i++) {
        const struct plan_diag *d = plan_diag(p, i);
        if (d->severity != PLAN_ERROR)
            continue;
        saw_link |= strstr(d->file, "b-link.ics") && strstr(d->message, "outside the plan folder");
        saw_fifo |= strstr(d->file, "d-fifo.ics") && strstr(d->message, "not a regular file");
        saw_big |= strstr(d->file, "e-big.ics") && strstr(d->message, "larger than 16 MB");
        saw_inside |= strstr(d->file, "c-inside.ics") && strstr(d->message, "outside") != NULL;
    }
    if (!saw_link || !saw_fifo || !saw_big || saw_inside)
        dump_diags(p);
    ck_assert(saw_link && saw_fifo && saw_big && !saw_inside);
    ck_assert_ptr_nonnull(plan_find_uid(p, "u1"));
    plan_free(p);
    unlink(good), unlink(out), unlink(link), unlink(inlink), unlink(fifo), unlink(big);
    rmdir(dir), rmdir(other);
    free(good), free(out), free(link), free(inlink), free(fifo), free(big);
}
END_TEST


/* Outlook's "high importance" is PRIORITY:1: an emergency, with a warning
 * at its line; station.emergency_from_priority = no makes it priority. */
START_TEST(test_outlook_priority)
{
    const char *path = PLANS "/outlook.ics";
    for (int off = 0; off < 2; off++) {
        struct plan_options o = {.default_tz = HCM, .no_emergency_from_priority = off};
        struct plan *p = plan_load(&path, 1, &o, NULL);
        ck_assert_ptr_nonnull(p);
        const struct plan_item *hi = NULL;
        for (size_t i = 0; i < plan_item_count(p); i++)
            if (plan_item_at(p, i)->priority == 1)
                hi = plan_item_at(p, i);
        ck_assert_ptr_nonnull(hi);
        ck_assert_int_eq(hi->level, off ? PLAN_LEVEL_PRIORITY : PLAN_LEVEL_EMERGENCY);
        if (off != !has_diag(p, 72, PLAN_WARNING, "Outlook"))
            dump_diags(p);
        ck_assert(off == !has_diag(p, 72, PLAN_WARNING, "Outlook"));
        ck_assert_uint_eq(plan_error_count(p), 0);
        plan_free(p);
    }
    /* not from Outlook: PRIORITY:1 is an emergency without a word */
    struct plan *p = load_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                               "BEGIN:VEVENT\r\nUID:e@t\r\nDTSTAMP:20260101T000000Z\r\n"
                               "DTSTART:20260301T010000Z\r\nPRIORITY:1\r\n"
                               "ATTACH:a.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    ck_assert_int_eq(plan_find_uid(p, "e@t")->level, PLAN_LEVEL_EMERGENCY);
    ck_assert(!has_diag(p, 8, PLAN_WARNING, NULL));
    plan_free(p);
}
END_TEST

static struct plan *load_event(const char *lines)
{
    char *text = xasprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                           "BEGIN:VEVENT\r\nUID:x@t\r\nDTSTAMP:20260101T000000Z\r\n"
                           "%sATTACH:a.wav\r\nEND:VEVENT\r\n"
                           "BEGIN:VEVENT\r\nUID:ok@t\r\nDTSTAMP:20260101T000000Z\r\n"
                           "DTSTART:20260301T010000Z\r\nATTACH:a.wav\r\nEND:VEVENT\r\n"
                           "END:VCALENDAR\r\n", lines);
    struct plan *p = load_text(text);
    free(text);
    ck_assert_ptr_nonnull(plan_find_uid(p, "ok@t"));
    return p;
}

/* An all-day event has no airing time: an error at DTSTART, left out. */
START_TEST(test_all_day_refused)
{
    struct plan *p = load_event("DTSTART;VALUE=DATE:20260301\r\n");
    ck_assert_ptr_null(plan_find_uid(p, "x@t"));
    ck_assert(has_diag(p, 7, PLAN_ERROR, "give it one"));
    plan_free(p);
    p = load_event("DTSTART:20260301\r\nRRULE:FREQ=DAILY\r\n");
    ck_assert_ptr_null(plan_find_uid(p, "x@t"));
    ck_assert(has_diag(p, 7, PLAN_ERROR, "all-day"));
    plan_free(p);
}
END_TEST

/* 30 February and hour 25: errors at the property's own line saying what
 * does not exist, not "bad RRULE" on the RRULE line. */
START_TEST(test_impossible_times)
{
    struct plan *p = load_event("DTSTART;TZID=Asia/Ho_Chi_Minh:20260230T063000\r\n"
                                "RRULE:FREQ=WEEKLY\r\n");
    ck_assert_ptr_null(plan_find_uid(p, "x@t"));
    if (!has_diag(p, 7, PLAN_ERROR, "2026-02 has no day 30"))
        dump_diags(p);
    ck_assert(has_diag(p, 7, PLAN_ERROR, "2026-02 has no day 30"));
    ck_assert(!has_diag(p, 8, PLAN_ERROR, NULL));
    plan_free(p);
    p = load_event("DTSTART:20260301T250000\r\nRRULE:FREQ=DAILY\r\n");
    ck_assert_ptr_null(plan_find_uid(p, "x@t"));
    ck_assert(has_diag(p, 7, PLAN_ERROR, "25:00:00 does not exist"));
    ck_assert(!has_diag(p, 8, PLAN_ERROR, NULL));
    plan_free(p);
    p = load_event("DTSTART:20260301T060000Z\r\nDTEND:20260229T063000Z\r\n");
    ck_assert_ptr_null(plan_find_uid(p, "x@t"));
    ck_assert(has_diag(p, 8, PLAN_ERROR, "DTEND: \"20260229T063000Z\": 2026-02 has no day 29"));
    plan_free(p);
    p = load_event("DTSTART:20280229T060000Z\r\n"); /* a leap day exists */
    ck_assert_ptr_nonnull(plan_find_uid(p, "x@t"));
    plan_free(p);
}
END_TEST

/* EXDATE/RDATE values in the wrong form: an error at their line, the item
 * left out (libical reads some of them as another date, silently). */
START_TEST(test_exdate_rdate_forms)
{
    static const struct {
        const char *line, *needle;
    } bad[] = {
        {"EXDATE:2026-03-03\r\n", "not a date-time"},
        {"EXDATE;TZID=Asia/Ho_Chi_Minh:20260303T0630\r\n", "20260303T0630"}, /* libical's */
        {"EXDATE;TZID=Asia/Ho_Chi_Minh:20260303T063000,20260304T0630\r\n", "20260304T0630"},
        {"EXDATE;VALUE=DATE:2026-03-03\r\n", "not a date"},
        {"EXDATE:20260303\r\n", "VALUE=DATE"},
        {"EXDATE:20260231T063000Z\r\n", "no day 31"},
        {"RDATE:20260305T0630Z\r\n", "20260305T0630Z"}, /* libical's */
        {"RDATE;VALUE=PERIOD:20260230T063000Z/PT15M\r\n", "no day 30"},
        {"RDATE:20260305T063000Z,2026-03-06T06:30:00Z\r\n", "not a date-time"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *lines = xasprintf("DTSTART;TZID=Asia/Ho_Chi_Minh:20260301T063000\r\n"
                                "RRULE:FREQ=DAILY\r\n%s", bad[i].line);
        struct plan *p = load_event(lines);
        if (plan_find_uid(p, "x@t") || !has_diag(p, 9, PLAN_ERROR, bad[i].needle)) {
            fprintf(stderr, "%s", bad[i].line);
            dump_diags(p);
        }
        ck_assert_ptr_null(plan_find_uid(p, "x@t"));
        ck_assert(has_diag(p, 9, PLAN_ERROR, bad[i].needle));
        plan_free(p);
        free(lines);
    }
    static const char *good[] = {
        "EXDATE;TZID=Asia/Ho_Chi_Minh:20260303T063000,20260304T063000\r\n",
        "EXDATE;VALUE=DATE:20260303,20260304\r\n",
        "EXDATE:20260302T233000Z\r\n",
        "RDATE;VALUE=PERIOD:20260305T003000Z/PT15M,20260306T003000Z/20260306T004500Z\r\n",
        "RDATE;VALUE=DATE-TIME:20260305T003000Z\r\n",
    };
    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        char *lines = xasprintf("DTSTART;TZID=Asia/Ho_Chi_Minh:20260301T063000\r\n"
                                "RRULE:FREQ=DAILY\r\n%s", good[i]);
        struct plan *p = load_event(lines);
        if (plan_error_count(p)) {
            fprintf(stderr, "%s", good[i]);
            dump_diags(p);
        }
        ck_assert_uint_eq(plan_error_count(p), 0);
        ck_assert_ptr_nonnull(plan_find_uid(p, "x@t"));
        plan_free(p);
        free(lines);
    }
}
END_TEST

/* Empty and whitespace-only files: an error at line 1. */
START_TEST(test_empty_line_one)
{
    static const char *texts[] = {"", " \r\n\t\r\n\n"};
    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        struct plan *p = load_text(texts[i]);
        ck_assert(has_diag(p, 1, PLAN_ERROR, "empty"));
        plan_free(p);
    }
}
END_TEST

/* Items whose every airing is before the check's from-date: a warning at
 * DTSTART; items with an airing later (rule without end, UNTIL or COUNT
 * reaching it, an RDATE) none. */
START_TEST(test_check_past)
{
    struct plan *p = load_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:once@t\r\nDTSTART:20250301T010000Z\r\nATTACH:a.wav\r\n" /* 6 */
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:until@t\r\nDTSTART:20250301T010000Z\r\n" /* 11 */
        "RRULE:FREQ=DAILY;UNTIL=20251231T010000Z\r\nATTACH:a.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:count@t\r\nDTSTART:20250301T010000Z\r\n" /* 17 */
        "RRULE:FREQ=DAILY;COUNT=10\r\nATTACH:a.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:forever@t\r\nDTSTART:20250301T010000Z\r\n"
        "RRULE:FREQ=DAILY\r\nATTACH:a.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:count-late@t\r\nDTSTART:20250301T010000Z\r\n"
        "RRULE:FREQ=MONTHLY;COUNT=20\r\nATTACH:a.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:rdate@t\r\nDTSTART:20250301T010000Z\r\n"
        "RDATE:20260401T010000Z\r\nATTACH:a.wav\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:future@t\r\nDTSTART:20260401T010000Z\r\nATTACH:a.wav\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n");
    ck_assert_uint_eq(plan_error_count(p), 0);
    struct plan_check_options co = {.audio_root = FIXTURES "/audio", .hours_start_min = 0,
                                    .hours_end_min = 1440, .from_ms = T("2026-01-01Z"),
                                    .to_ms = T("2026-02-01Z"), .gap_max_s = 60};
    plan_check(p, &co);
    int past = 0;
    for (size_t i = 0; i < plan_diag_count(p); i++)
        past += strstr(plan_diag(p, i)->message, "in the past") != NULL;
    if (past != 3)
        dump_diags(p);
    ck_assert(has_diag(p, 6, PLAN_WARNING, "every airing of"));
    ck_assert(has_diag(p, 11, PLAN_WARNING, "every airing of"));
    ck_assert(has_diag(p, 17, PLAN_WARNING, "every airing of"));
    ck_assert_int_eq(past, 3);
    plan_free(p);
}
END_TEST

/* Calendar clients' links for a recording: the file of that name under
 * the audio root (at the root first, then in its folders), never fetched;
 * not found or found twice is refused; check says which file was chosen. */
START_TEST(test_attach_links)
{
    char root[4096], err[512], *abs = NULL;
    ck_assert_ptr_nonnull(realpath(FIXTURES "/audio", root));
    char *tone = xasprintf("%s/test/tone.wav", root);
    static const char *links[] = {
        "https://drive.google.com/files/d/tone.wav?usp=sharing",
        "http://example.com/a%20b/t%6Fne.wav#x",
        "file:///C:/Users/Can%20bo/Music/tone.wav",
        "file:///home/someone/tone.wav",
        "C:\\Users\\Can bo\\Music\\tone.wav",
        "\\\\server\\share\\tone.wav",
    };
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        int rc = paths_resolve_audio(root, links[i], &abs, err, sizeof err);
        ck_assert_msg(rc == 0, "%s: %s", links[i], err);
        ck_assert_str_eq(abs, tone);
        free(abs);
    }
    /* the very file, when a file:// URL points inside the root */
    char *fu = xasprintf("file://%s/test/long.wav", root);
    ck_assert_int_eq(paths_resolve_audio(root, fu, &abs, err, sizeof err), 0);
    ck_assert(strstr(abs, "/test/long.wav") != NULL);
    free(abs), free(fu);
    /* a ".." in it: judged by the name alone (long.wav is in test/, found) */
    fu = xasprintf("file://%s/test/../test/long.wav", root);
    ck_assert_int_eq(paths_resolve_audio(root, fu, &abs, err, sizeof err), 0);
    ck_assert(strstr(abs, "/test/long.wav") != NULL);
    free(abs), free(fu);
    fu = xasprintf("file://%s/../audio/test/x/../../../../etc/passwd", root);
    ck_assert_int_eq(paths_resolve_audio(root, fu, &abs, err, sizeof err), -EACCES);
    ck_assert_ptr_null(abs);
    free(fu);
    static const struct {
        const char *rel, *needle;
    } refused[] = {
        {"http://example.com/ban-tin/mot-cua.mp3", "never fetched"},
        {"https://example.com/", "names no file"},
        {"https://example.com/a/..", "names no file"},
        {"https://example.com/a/%2e%2e", "names no file"},
        {"https://example.com/a%2Fb.wav", "names no file"},
        {"cid:part1@example.com", "URL"},
        {"ftp://example.com/tone.wav", "URL"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        int rc = paths_resolve_audio(root, refused[i].rel, &abs, err, sizeof err);
        ck_assert_msg(rc == -EACCES && strstr(err, refused[i].needle), "%s: %d %s",
                      refused[i].rel, rc, err);
        ck_assert_ptr_null(abs);
    }
    /* one name in two folders: ambiguous; at the root it wins */
    char dir[] = "/tmp/loaxa-links-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *a = xasprintf("%s/a", dir), *b = xasprintf("%s/b", dir);
    char *fa = xasprintf("%s/x.wav", a), *fb = xasprintf("%s/x.wav", b);
    char *fr = xasprintf("%s/x.wav", dir);
    ck_assert_int_eq(mkdir(a, 0700), 0);
    ck_assert_int_eq(mkdir(b, 0700), 0);
    fclose(fopen(fa, "w"));
    ck_assert_int_eq(paths_resolve_audio(dir, "https://h/x.wav", &abs, err, sizeof err), 0);
    ck_assert(strstr(abs, "/a/x.wav") != NULL);
    free(abs);
    fclose(fopen(fb, "w"));
    ck_assert_int_eq(paths_resolve_audio(dir, "https://h/x.wav", &abs, err, sizeof err),
                     -EACCES);
    ck_assert_msg(strstr(err, "more than one folder") && strstr(err, "a/x.wav") &&
                  strstr(err, "b/x.wav"), "%s", err);
    fclose(fopen(fr, "w"));
    ck_assert_int_eq(paths_resolve_audio(dir, "https://h/x.wav", &abs, err, sizeof err), 0);
    ck_assert_str_eq(abs + strlen(abs) - 6, "/x.wav");
    ck_assert(strstr(abs, "/a/") == NULL && strstr(abs, "/b/") == NULL);
    free(abs);
    unlink(fa), unlink(fb), unlink(fr), rmdir(a), rmdir(b), rmdir(dir);
    free(a), free(b), free(fa), free(fb), free(fr);

    /* in a plan: loaded, and check names the file chosen */
    char *text = xasprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                           "BEGIN:VEVENT\r\nUID:g@t\r\nDTSTART:20260301T010000Z\r\n"
                           "ATTACH;FMTTYPE=audio/wav:https://drive.google.com/x/tone.wav\r\n"
                           "END:VEVENT\r\n"
                           "BEGIN:VEVENT\r\nUID:d@t\r\nDTSTART:20260302T010000Z\r\n"
                           "ATTACH;FILENAME=\"long.wav\";FMTTYPE=audio/wav:https://drive.google"
                           ".com/file/d/1aB/view?usp=drive_web\r\n"
                           "END:VEVENT\r\nEND:VCALENDAR\r\n");
    char *path = write_tmp(text);
    struct plan *p = load1(path, root);
    ck_assert_ptr_nonnull(plan_find_uid(p, "g@t"));
    struct plan_check_options co = {.audio_root = root, .hours_start_min = 0,
                                    .hours_end_min = 1440, .from_ms = T("2026-01-01Z"),
                                    .to_ms = T("2026-04-01Z"), .gap_max_s = 60};
    ck_assert_int_eq(plan_check(p, &co), 0);
    char *want = xasprintf("the recording aired is the file %s", tone);
    if (!has_diag(p, 7, PLAN_WARNING, want))
        dump_diags(p);
    ck_assert(has_diag(p, 7, PLAN_WARNING, want));
    /* Google's Drive links: the file named by FILENAME */
    ck_assert_ptr_nonnull(plan_find_uid(p, "d@t"));
    ck_assert(has_diag(p, 12, PLAN_NOTE, "\"long.wav\""));
    ck_assert(has_diag(p, 12, PLAN_WARNING, "/test/long.wav"));
    plan_free(p);
    unlink(path);
    free(path), free(text), free(want), free(tone);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("plan");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_expected_fixtures);
    tcase_add_test(tc, test_dst_builtin_zone);
    tcase_add_test(tc, test_overrides_and_keys);
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_broken_lines);
    tcase_add_test(tc, test_bad_items_left_out);
    tcase_add_test(tc, test_duplicate_uid_across_files);
    tcase_add_test(tc, test_cache_consistency);
    tcase_add_test(tc, test_window_cursor_orders);
    tcase_add_test(tc, test_window_memory_bounded);
    tcase_add_test(tc, test_count_bound);
    tcase_add_test(tc, test_check_bounded);
    tcase_add_test(tc, test_long_description_cut);
    tcase_add_test(tc, test_rule_never_matches);
    tcase_add_test(tc, test_check_overlap_across_midnight);
    tcase_add_test(tc, test_long_uid_keys);
    tcase_add_test(tc, test_zone_names);
    tcase_add_test(tc, test_rdate_exdate);
    tcase_add_test(tc, test_fuzz);
    tcase_add_test(tc, test_folder_confined);
    tcase_add_test(tc, test_attach_absolute);
    tcase_add_test(tc, test_outlook_priority);
    tcase_add_test(tc, test_all_day_refused);
    tcase_add_test(tc, test_impossible_times);
    tcase_add_test(tc, test_exdate_rdate_forms);
    tcase_add_test(tc, test_empty_line_one);
    tcase_add_test(tc, test_check_past);
    tcase_add_test(tc, test_attach_links);
    suite_add_tcase(s, tc);
    return s;
}
