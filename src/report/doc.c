/* The report as an administrative document (Decree 30/2020/ND-CP, Phụ lục
 * I): the heading (issuer, number, Quốc hiệu and tiêu ngữ, place and date),
 * the body as blocks (I. results, II. shortcomings, III. directions), the
 * recipients and signature, and an appendix with the technical detail.
 * Built once here so that HTML, DOCX and ODT lay out the same content.
 * The heading is the decree's form and stays Vietnamese in any language;
 * the body's words go through gettext. Tables come only from the grids, so
 * a table or column added in grid.c appears here without a change. */
#include "report/doc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"

struct report_doc {
    struct report_doc_head head;
    struct report_block *blocks;
    size_t n_blocks, cap_blocks;
    char **strs;                 /* every string the document owns */
    size_t n_strs, cap_strs;
    struct report_grid **grids;  /* every grid the blocks point to */
    size_t n_grids, cap_grids;
    int n_tables;                /* the tables numbered so far ("Bảng 3") */
};

static const char *own(struct report_doc *d, char *s)
{
    if (d->n_strs == d->cap_strs) {
        d->cap_strs = d->cap_strs ? d->cap_strs * 2 : 64;
        d->strs = xrealloc(d->strs, d->cap_strs * sizeof *d->strs);
    }
    d->strs[d->n_strs++] = s;
    return s;
}

static struct report_block *block(struct report_doc *d, enum report_block_kind k,
                                  const char *text)
{
    if (d->n_blocks == d->cap_blocks) {
        d->cap_blocks = d->cap_blocks ? d->cap_blocks * 2 : 32;
        d->blocks = xrealloc(d->blocks, d->cap_blocks * sizeof *d->blocks);
    }
    struct report_block *b = &d->blocks[d->n_blocks++];
    *b = (struct report_block){.kind = k, .text = text ? text : ""};
    return b;
}

static void para(struct report_doc *d, char *s)
{
    block(d, RB_PARAGRAPH, own(d, s));
}

static struct report_grid *keep_grid(struct report_doc *d, struct report_grid *g)
{
    if (d->n_grids == d->cap_grids) {
        d->cap_grids = d->cap_grids ? d->cap_grids * 2 : 8;
        d->grids = xrealloc(d->grids, d->cap_grids * sizeof *d->grids);
    }
    d->grids[d->n_grids++] = g;
    return g;
}

static struct report_grid *build_grid(struct report_doc *d, const struct report *r,
                                      enum report_table t)
{
    struct report_grid *g = xcalloc(1, sizeof *g);
    if (report_grid_build(r, t, g) < 0) {
        free(g);
        return NULL;
    }
    return keep_grid(d, g);
}

/* A numbered table with its caption: "Bảng 2. Theo chủ đề". */
static void table(struct report_doc *d, const struct report_grid *g, bool wide)
{
    if (!g)
        return;
    d->n_tables++;
    /* TRANSLATORS: a table's caption: its number and title */
    struct report_block *b = block(d, RB_TABLE,
                                   own(d, xasprintf(_("Table %d. %s"), d->n_tables, g->title)));
    b->grid = g;
    b->wide = wide;
}

/* --- Vietnamese capitals -------------------------------------------------
 * The issuer is printed in capitals (Phụ lục I). toupper() and towupper()
 * depend on the locale (a C locale leaves "ủy" alone), so the letters of
 * Vietnamese are mapped here; other characters pass through. Every mapping
 * keeps the byte length, so offsets found in the capitals hold in the
 * original. */
static uint32_t vi_upper(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return c - 32;                       /* à á â ã è é ê ì í ò ó ô õ ù ú ý */
    if (c == 0x103 || c == 0x111 || c == 0x129 || c == 0x169)
        return c - 1;                        /* ă đ ĩ ũ */
    if (c == 0x1A1 || c == 0x1B0)
        return c - 1;                        /* ơ ư */
    if (c >= 0x1EA0 && c <= 0x1EF9 && (c & 1))
        return c - 1;                        /* ạ ả ấ ... ỹ: pairs, the capital first */
    return c;
}

static char *utf8_upper(const char *s)
{
    size_t n = strlen(s);
    char *o = xmalloc(n + 1);
    size_t i = 0;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        uint32_t c;
        size_t len;
        if (b < 0x80) {
            c = b, len = 1;
        } else if ((b & 0xE0) == 0xC0 && i + 1 < n) {
            c = (uint32_t)(b & 0x1F) << 6 | ((unsigned char)s[i + 1] & 0x3F), len = 2;
        } else if ((b & 0xF0) == 0xE0 && i + 2 < n) {
            c = (uint32_t)(b & 0x0F) << 12 | (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6 |
                ((unsigned char)s[i + 2] & 0x3F);
            len = 3;
        } else {
            o[i] = s[i]; /* 4-byte or broken sequences: copied */
            i++;
            continue;
        }
        uint32_t u = vi_upper(c);
        bool cont = len == 1 || (((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
                                 (len == 2 || ((unsigned char)s[i + 2] & 0xC0) == 0x80));
        if (u == c || !cont) {
            o[i] = s[i]; /* unchanged, or not UTF-8: the bytes as they are */
            i++;
            continue;
        }
        if (len == 1) {
            o[i] = (char)u;
        } else if (len == 2) {
            o[i] = (char)(0xC0 | (u >> 6));
            o[i + 1] = (char)(0x80 | (u & 0x3F));
        } else {
            o[i] = (char)(0xE0 | (u >> 12));
            o[i + 1] = (char)(0x80 | ((u >> 6) & 0x3F));
            o[i + 2] = (char)(0x80 | (u & 0x3F));
        }
        i += len;
    }
    o[n] = '\0';
    return o;
}

/* --- the heading ---------------------------------------------------------- */

/* report.c puts a translated "(commune not set: ...)" in r->commune. */
static bool commune_set(const struct report *r)
{
    return r->commune && r->commune[0] && r->commune[0] != '(';
}

/* The place before the date: the unit's own name without "xã", "phường" or
 * "thị trấn" ("Thị trấn Vĩnh Lộc" → "Vĩnh Lộc"), except a unit named by a
 * number, written in full ("Phường 15"), as Phụ lục I says. */
static char *place_of(const struct report *r)
{
    if (r->doc.place && *r->doc.place)
        return xstrdup(r->doc.place);
    if (!commune_set(r))
        return xstrdup("..........");
    static const char *const words[] = {"XÃ ", "PHƯỜNG ", "THỊ TRẤN ", "ĐẶC KHU "};
    char *up = utf8_upper(r->commune);
    const char *name = r->commune;
    for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
        size_t l = strlen(words[i]);
        if (strncmp(up, words[i], l) == 0) {
            const char *rest = r->commune + l;
            while (*rest == ' ')
                rest++;
            if (*rest && !(*rest >= '0' && *rest <= '9'))
                name = rest;
            break;
        }
    }
    free(up);
    return xstrdup(name);
}

/* "Vĩnh Lộc, ngày 05 tháng 01 năm 2027": Phụ lục I pads with a zero the
 * days under 10 and the months 1 and 2 only ("ngày 15 tháng 3"). */
static char *place_date(const char *place, int64_t at_ms)
{
    time_t t = (time_t)(at_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    int mon = tm.tm_mon + 1;
    return xasprintf("%s, ngày %02d tháng %s%d năm %d", place, tm.tm_mday, mon <= 2 ? "0" : "",
                     mon, tm.tm_year + 1900);
}

/* s split at '|' into at most max trimmed, non-empty lines. */
static size_t split_lines(struct report_doc *d, const char *s, const char **out, size_t max,
                          bool upper)
{
    size_t n = 0;
    while (s && *s && n < max) {
        const char *e = strchr(s, '|');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        const char *a = s;
        while (l && (*a == ' ' || *a == '\t'))
            a++, l--;
        while (l && (a[l - 1] == ' ' || a[l - 1] == '\t'))
            l--;
        if (l) {
            char *line = xasprintf("%.*s", (int)l, a);
            if (upper) {
                char *u = utf8_upper(line);
                free(line);
                line = u;
            }
            out[n++] = own(d, line);
        }
        s = e ? e + 1 : NULL;
    }
    return n;
}

static void heading(struct report_doc *d, const struct report *r)
{
    struct report_doc_head *h = &d->head;
    if (r->doc.issuer && *r->doc.issuer)
        h->n_issuer = split_lines(d, r->doc.issuer, h->issuer, REPORT_DOC_MAX_LINES, true);
    if (!h->n_issuer) {
        h->issuer[h->n_issuer++] = "ỦY BAN NHÂN DÂN";
        h->issuer[h->n_issuer++] = commune_set(r) ? own(d, utf8_upper(r->commune)) : r->commune;
    }
    /* report.c has NULL for an empty setting: the ký hiệu of a UBND report */
    h->number = own(d, xasprintf("Số: ......./%s", r->doc.code ? r->doc.code : "BC-UBND"));
    h->nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    h->motto = "Độc lập - Tự do - Hạnh phúc";
    char *place = place_of(r);
    h->place_date = own(d, place_date(place, r->generated_at_ms));
    free(place);

    h->recipients_label = "Nơi nhận:";
    const char *rec[REPORT_DOC_MAX_RECIPIENTS];
    size_t nr = split_lines(d, r->doc.recipients && *r->doc.recipients ? r->doc.recipients
                                                                       : "Như trên|Lưu: VT",
                            rec, REPORT_DOC_MAX_RECIPIENTS, false);
    for (size_t i = 0; i < nr; i++) {
        size_t l = strlen(rec[i]);
        while (l && (rec[i][l - 1] == ';' || rec[i][l - 1] == '.' || rec[i][l - 1] == ','))
            l--;
        /* "- Như trên;" ... the last "- Lưu: VT." */
        h->recipients[i] = own(d, xasprintf("- %.*s%s", (int)l, rec[i], i + 1 < nr ? ";" : "."));
    }
    h->n_recipients = nr;
    /* the signer's authority and title in capitals (Phụ lục I) */
    h->n_sign = split_lines(d, r->doc.sign_block && *r->doc.sign_block
                                   ? r->doc.sign_block : "TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH",
                            h->sign_block, REPORT_DOC_MAX_LINES, true);
    h->signer = r->doc.signer ? r->doc.signer : "";
}

/* --- the body ------------------------------------------------------------- */

/* The period as the trích yếu names it, in the reader's language:
 * "quý IV năm 2026". */
static char *period_phrase(const struct report_period *p)
{
    static const char *const roman[] = {"", "I", "II", "III", "IV"};
    char a[16], b[16];
    switch (p->kind) {
    case PERIOD_QUARTER:
        /* TRANSLATORS: in a document's subject: "quý IV năm 2026" */
        return xasprintf(_("quarter %s of %d"), roman[p->index >= 1 && p->index <= 4 ? p->index
                                                                                     : 0],
                         p->year);
    case PERIOD_HALF:
        return p->index == 1 ? xasprintf(_("the first six months of %d"), p->year)
                             : xasprintf(_("the last six months of %d"), p->year);
    case PERIOD_NINE_MONTHS: return xasprintf(_("the first nine months of %d"), p->year);
    case PERIOD_YEAR: return xasprintf(_("the year %d"), p->year);
    case PERIOD_MONTH: return xasprintf(_("month %d of %d"), p->index, p->year);
    case PERIOD_RANGE:
        report_fmt_date(p->first, a);
        report_fmt_date(p->last, b);
        return xasprintf(_("the period from %s to %s"), a, b);
    }
    return xstrdup("");
}

/* A figure of the summary grid by its key; false when the grid has none
 * (a figure the figures module does not count). */
static bool figure(const struct report_grid *s, const char *key, struct report_cell *out)
{
    size_t kcol = SIZE_MAX, vcol = SIZE_MAX;
    for (size_t j = 0; j < s->n_cols; j++) {
        if (strcmp(s->cols[j].key, "field") == 0)
            kcol = j;
        else if (strcmp(s->cols[j].key, "value") == 0)
            vcol = j;
    }
    if (kcol == SIZE_MAX || vcol == SIZE_MAX)
        return false;
    for (size_t i = 0; i < s->n_rows; i++) {
        const struct report_cell *k = report_grid_cell(s, i, kcol);
        if (k->text && strcmp(k->text, key) == 0) {
            *out = *report_grid_cell(s, i, vcol);
            return true;
        }
    }
    return false;
}

static int64_t fig_n(const struct report_grid *s, const char *key)
{
    struct report_cell c;
    return figure(s, key, &c) ? c.n : 0;
}

static const char *count_s(struct report_doc *d, int64_t n)
{
    char b[32];
    report_fmt_count(n, b);
    return own(d, xstrdup(b));
}

static const char *airtime_s(struct report_doc *d, int64_t ms)
{
    char b[48];
    report_fmt_airtime(ms, b);
    return own(d, xstrdup(b));
}

/* "14/12/2026 10:00", local time, as the document writes a moment. */
static const char *moment_s(struct report_doc *d, int64_t ms)
{
    struct report_cell c = {.kind = RC_TIME, .n = ms};
    char b[48];
    report_cell_text(&c, b, sizeof b);
    return own(d, xstrdup(b));
}

static void results_sentences(struct report_doc *d, const struct report *r,
                              const struct report_grid *s)
{
    char a[16], b[16];
    report_fmt_date(r->period.first, a);
    report_fmt_date(r->period.last, b);
    struct report_cell c;
    int64_t planned = fig_n(s, "planned"), aired = fig_n(s, "aired");
    char pct[32] = "-";
    if (figure(s, "compliance_pct", &c))
        report_fmt_pct(c.pct, pct);
    para(d, xasprintf(ngettext("From %s to %s, the plan had %s airing; %s aired in full, "
                               "a completion rate of %s.",
                               "From %s to %s, the plan had %s airings; %s of them aired in "
                               "full, a completion rate of %s.", (unsigned long)planned),
                      a, b, count_s(d, planned), count_s(d, aired), pct));
    if (r->period.cutoff == CONFIG_CUTOFF_ND09)
        para(d, xasprintf(_("The period follows the %s."), report_cutoff_label(r->period.cutoff)));
    int64_t cancelled = fig_n(s, "cancelled");
    if (cancelled)
        para(d, xasprintf(ngettext("%s airing was cancelled in the plan; it is counted "
                                   "neither as planned nor in the completion rate.",
                                   "%s airings were cancelled in the plan; they are counted "
                                   "neither as planned nor in the completion rate.",
                                   (unsigned long)cancelled),
                          count_s(d, cancelled)));
    if ((figure(s, "not_approved", &c) || figure(s, "tentative", &c)) && c.n)
        para(d, xasprintf(ngettext("%s airing was not approved and did not air; it is counted "
                                   "neither as planned nor as an incident.",
                                   "%s airings were not approved and did not air; they are "
                                   "counted neither as planned nor as incidents.",
                                   (unsigned long)c.n), count_s(d, c.n)));
    int64_t items = fig_n(s, "items"), airings = fig_n(s, "airings");
    if (figure(s, "planned_items", &c))
        para(d, xasprintf(ngettext("%s item (news, article or programme) was planned and %s "
                                   "aired, in %s airings.",
                                   "%s distinct items (news, articles and programmes) were "
                                   "planned and %s aired, in %s airings.", (unsigned long)c.n),
                          count_s(d, c.n), count_s(d, items), count_s(d, airings)));
    else
        para(d, xasprintf(ngettext("%s item (news, article or programme) was aired, in %s "
                                   "airings.",
                                   "%s distinct items (news, articles and programmes) were "
                                   "aired, in %s airings.", (unsigned long)items),
                          count_s(d, items), count_s(d, airings)));
    int64_t aired_ms = figure(s, "plan_ms", &c) ? c.n : fig_n(s, "aired_ms");
    if (figure(s, "planned_ms", &c))
        para(d, xasprintf(_("Airtime of the plan: %s planned, %s aired."), airtime_s(d, c.n),
                          airtime_s(d, aired_ms)));
    else
        para(d, xasprintf(_("Airtime of the plan: %s aired."), airtime_s(d, aired_ms)));
    int64_t em = fig_n(s, "emergency_airings"), adhoc = fig_n(s, "adhoc_airings");
    if (em && figure(s, "emergency_planned", &c))
        para(d, xasprintf(_("Emergency airings: %s (%s in the plan); airtime %s."),
                          count_s(d, em), count_s(d, c.n),
                          airtime_s(d, fig_n(s, "emergency_ms"))));
    else if (em)
        para(d, xasprintf(_("Emergency airings: %s; airtime %s."), count_s(d, em),
                          airtime_s(d, fig_n(s, "emergency_ms"))));
    else
        para(d, xstrdup(_("There was no emergency announcement in the period.")));
    if (adhoc)
        para(d, xasprintf(_("Airings outside the plan: %s; airtime %s."),
                          count_s(d, adhoc), airtime_s(d, fig_n(s, "adhoc_ms"))));
    if (figure(s, "total_ms", &c))
        para(d, xasprintf(_("Total time on air: %s."), airtime_s(d, c.n)));
    if (r->partial)
        para(d, xasprintf(_("The period has not ended: the figures run up to %s."),
                          moment_s(d, r->end_ms)));
}

static size_t col_of(const struct report_grid *g, const char *key)
{
    for (size_t j = 0; j < g->n_cols; j++)
        if (strcmp(g->cols[j].key, key) == 0)
            return j;
    return SIZE_MAX;
}

struct group {
    const char *status, *reason;
    int64_t count, first, last;
};

static int group_cmp(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int c = strcmp(x->status, y->status);
    return c ? c : strcmp(x->reason, y->reason);
}

/* The incidents grouped by what became of them and why: one row per
 * (outcome, reason) with how many and the first and last planned start,
 * so a device down for a week is one line, not 17. */
static struct report_grid *incident_groups(struct report_doc *d, const struct report_grid *in)
{
    size_t cs = col_of(in, "status"), cr = col_of(in, "reason"), ct = col_of(in, "planned_start");
    struct group *gr = NULL;
    size_t n = 0;
    for (size_t i = 0; i < in->n_rows; i++) {
        const char *st = cs != SIZE_MAX ? report_grid_cell(in, i, cs)->text : "";
        const char *re = cr != SIZE_MAX ? report_grid_cell(in, i, cr)->text : "";
        int64_t t = ct != SIZE_MAX ? report_grid_cell(in, i, ct)->n : -1;
        st = st ? st : "";
        if (strcmp(st, report_outcome_label(OUT_CANCELLED)) == 0)
            continue; /* cancelled in the plan: not a shortcoming of the station */
        re = re && *re ? re : _("(no reason logged)");
        size_t k = 0;
        while (k < n && !(strcmp(gr[k].status, st) == 0 && strcmp(gr[k].reason, re) == 0))
            k++;
        if (k == n) {
            gr = xrealloc(gr, (n + 1) * sizeof *gr);
            gr[n++] = (struct group){st, re, 0, t, t};
        }
        gr[k].count++;
        if (t >= 0 && (gr[k].first < 0 || t < gr[k].first))
            gr[k].first = t;
        if (t > gr[k].last)
            gr[k].last = t;
    }
    if (n > 1)
        qsort(gr, n, sizeof *gr, group_cmp);

    struct report_grid *g = xcalloc(1, sizeof *g);
    g->table = REPORT_TABLE_INCIDENTS;
    g->key = "incident_summary";
    g->title = _("Incidents by outcome and reason");
    g->pool = report_pool_new();
    const struct report_col cols[] = {
        {"status", _("Outcome"), RC_TEXT, false, false},
        {"reason", _("Reason"), RC_TEXT, false, false},
        {"count", _("Count"), RC_COUNT, false, true},
        {"first", _("First"), RC_TIME, false, false},
        {"last", _("Last"), RC_TIME, false, false},
    };
    g->n_cols = ARRAY_SIZE(cols);
    memcpy(g->cols, cols, sizeof cols);
    g->n_rows = n;
    g->cells = xcalloc(n ? n * g->n_cols : 1, sizeof *g->cells);
    for (size_t i = 0; i < n; i++) {
        struct report_cell *c = &g->cells[i * g->n_cols];
        c[0] = (struct report_cell){.kind = RC_TEXT, .text = report_pool_strdup(g->pool,
                                                                                 gr[i].status)};
        c[1] = (struct report_cell){.kind = RC_TEXT, .text = report_pool_strdup(g->pool,
                                                                                 gr[i].reason)};
        c[2] = (struct report_cell){.kind = RC_COUNT, .n = gr[i].count};
        c[3] = (struct report_cell){.kind = RC_TIME, .n = gr[i].first};
        c[4] = (struct report_cell){.kind = RC_TIME, .n = gr[i].last};
    }
    g->has_total = n > 1;
    for (size_t j = 0; j < g->n_cols; j++)
        g->total[j] = (struct report_cell){.kind = RC_TEXT, .text = ""};
    g->total[0].text = _("Total");
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += gr[i].count;
    g->total[2] = (struct report_cell){.kind = RC_COUNT, .n = total};
    free(gr);
    return keep_grid(d, g);
}

/* A table that the figures module may add for section II (incidents
 * grouped); NULL when it has none, and doc.c groups them itself. */
static bool is_incident_summary(const char *key)
{
    return strcmp(key, "incident_summary") == 0 || strcmp(key, "incidents_summary") == 0 ||
           strcmp(key, "incident_groups") == 0;
}

static void shortcomings(struct report_doc *d, const struct report *r,
                         const struct report_grid *s, const struct report_grid *inc,
                         const struct report_grid *groups)
{
    (void)r;
    int64_t failed = fig_n(s, "failed"), intr = fig_n(s, "interrupted"),
            missed = fig_n(s, "missed"), unlogged = fig_n(s, "unlogged");
    /* the attempts the summary counts (cancelled ones left out) */
    int64_t n = inc ? (int64_t)inc->n_rows : 0;
    size_t cc = groups ? col_of(groups, "count") : SIZE_MAX;
    if (cc != SIZE_MAX) {
        n = 0;
        for (size_t i = 0; i < groups->n_rows; i++)
            n += report_grid_cell(groups, i, cc)->n;
    }
    if (n == 0) {
        para(d, xstrdup(report_label(RL_NO_INCIDENTS)));
        return;
    }
    para(d, xasprintf(_("Some planned airings did not air in full: %s failed, %s "
                        "interrupted, %s missed."), count_s(d, failed), count_s(d, intr),
                      count_s(d, missed)));
    if (unlogged)
        para(d, xasprintf(ngettext("%s planned airing has no record in the log.",
                                   "%s planned airings have no record in the log.",
                                   (unsigned long)unlogged), count_s(d, unlogged)));
    para(d, xasprintf(ngettext("The incident (%s attempt) is summarised by outcome and reason "
                               "in the table below and listed in the appendix.",
                               "The incidents (%s attempts) are summarised by outcome and "
                               "reason in the table below; each one is listed in the appendix.",
                               (unsigned long)n),
                      count_s(d, n)));
    table(d, groups, false);
}

/* Section III: the officer's text, its paragraphs split at blank lines
 * (lines inside a paragraph joined), or a marked placeholder. */
static void directions(struct report_doc *d, const struct report *r)
{
    const char *s = r->doc.directions;
    size_t added = 0;
    while (s && *s) {
        const char *e = strstr(s, "\n\n");
        const char *crlf = strstr(s, "\r\n\r\n");
        if (crlf && (!e || crlf < e))
            e = crlf;
        size_t l = e ? (size_t)(e - s) : strlen(s);
        char *p = xmalloc(l + 1);
        size_t o = 0;
        for (size_t i = 0; i < l; i++) {
            char c = s[i];
            if (c == '\r')
                continue;
            if (c == '\n' || c == '\t')
                c = ' ';
            if (c == ' ' && (o == 0 || p[o - 1] == ' '))
                continue;
            p[o++] = c;
        }
        while (o && p[o - 1] == ' ')
            o--;
        p[o] = '\0';
        if (o) {
            para(d, p);
            added++;
        } else {
            free(p);
        }
        if (!e)
            break;
        s = e;
        while (*s == '\n' || *s == '\r')
            s++;
    }
    if (!added)
        block(d, RB_PLACEHOLDER,
              _("(To be written: the directions for the next period and the proposals to the "
                "authorities above; set report.directions_file in loaxa.conf.)"));
}

static struct report_grid *files_grid(struct report_doc *d, const struct report *r)
{
    struct report_grid *g = xcalloc(1, sizeof *g);
    g->table = REPORT_TABLE_SUMMARY;
    g->key = "plan_files";
    g->title = _("Plan files");
    g->pool = report_pool_new();
    g->n_cols = 2;
    g->cols[0] = (struct report_col){"path", _("File"), RC_TEXT, true, false};
    g->cols[1] = (struct report_col){"sha256", _("SHA-256"), RC_TEXT, true, false};
    g->n_rows = r->n_files;
    g->cells = xcalloc(r->n_files ? r->n_files * 2 : 1, sizeof *g->cells);
    for (size_t i = 0; i < r->n_files; i++) {
        g->cells[2 * i] = (struct report_cell){.kind = RC_TEXT, .text = r->files[i].path};
        g->cells[2 * i + 1] = (struct report_cell){.kind = RC_TEXT, .text = r->files[i].sha256};
    }
    return keep_grid(d, g);
}

static const char *numbered(struct report_doc *d, int n, const char *title)
{
    return own(d, xasprintf("%d. %s", n, title));
}

int report_doc_build(const struct report *r, struct report_doc **out)
{
    struct report_doc *d = xcalloc(1, sizeof *d);
    heading(d, r);

    char *period = period_phrase(&r->period);
    block(d, RB_TITLE, _("REPORT"));
    char *subject = xasprintf(_("Results of the loudspeaker broadcasting in %s"), period);
    if (r->partial) {
        /* TRANSLATORS: the subject of a report of a period not yet over */
        char *p = xasprintf(_("%s (partial: up to %s)"), subject, moment_s(d, r->end_ms));
        free(subject);
        subject = p;
    }
    block(d, RB_SUBJECT, own(d, subject));
    d->head.file_title = own(d, xasprintf("%s: %s", _("Report"), subject));
    free(period);

    /* the grids, in the order of the tables */
    struct report_grid *g[REPORT_TABLE_COUNT] = {0};
    for (int t = 0; t < REPORT_TABLE_COUNT; t++)
        g[t] = build_grid(d, r, (enum report_table)t);
    struct report_grid *sum = g[REPORT_TABLE_SUMMARY], *inc = g[REPORT_TABLE_INCIDENTS];
    struct report_grid *groups = NULL;
    for (int t = 0; t < REPORT_TABLE_COUNT; t++)
        if (g[t] && is_incident_summary(g[t]->key))
            groups = g[t];
    if (!groups && inc)
        groups = incident_groups(d, inc);

    block(d, RB_HEADING1, _("I. RESULTS"));
    block(d, RB_HEADING2, numbered(d, 1, _("The figures of the period")));
    if (sum)
        results_sentences(d, r, sum);
    block(d, RB_HEADING2, numbered(d, 2, _("The tables of the period")));
    /* Every table but the detail (items, incidents: the appendix) and the
     * incident summary (section II); a table added later lands here. */
    for (int t = 0; t < REPORT_TABLE_COUNT; t++) {
        if (!g[t] || t == REPORT_TABLE_ITEMS || t == REPORT_TABLE_INCIDENTS ||
            t == REPORT_TABLE_APPROVALS || g[t] == groups)
            continue;
        table(d, g[t], false);
    }

    block(d, RB_HEADING1, _("II. SHORTCOMINGS AND LIMITATIONS"));
    if (sum)
        shortcomings(d, r, sum, inc, groups);

    block(d, RB_HEADING1, _("III. DIRECTIONS AND PROPOSALS"));
    directions(d, r);

    /* the appendix: what a machine or an auditor checks */
    block(d, RB_APPENDIX, _("Technical detail of the report"));
    para(d, report_line_period(r));
    para(d, report_line_dates(r));
    para(d, report_line_made(r));
    para(d, report_line_chain(r));
    block(d, RB_HEADING2, numbered(d, 1, _("Plan files")));
    table(d, files_grid(d, r), true);
    block(d, RB_HEADING2, numbered(d, 2, report_table_title(REPORT_TABLE_ITEMS)));
    table(d, g[REPORT_TABLE_ITEMS], true);
    block(d, RB_HEADING2, numbered(d, 3, report_table_title(REPORT_TABLE_INCIDENTS)));
    if (inc && inc->n_rows > REPORT_DOC_MAX_INCIDENTS) {
        /* A year of a troubled station has thousands: a document of hundreds of
         * pages no word processor opens in time. The grouped table (II) counts
         * them all; the machine formats list every one. */
        para(d, xasprintf(_("The first %d of the %zu incidents, in order of their planned "
                            "start; the xlsx, csv and json formats of this report list "
                            "every one."),
                          REPORT_DOC_MAX_INCIDENTS, inc->n_rows));
        inc->n_rows = REPORT_DOC_MAX_INCIDENTS; /* the document owns this grid */
        table(d, inc, true);
    } else if (inc && inc->n_rows)
        table(d, inc, true);
    else
        para(d, xstrdup(report_label(RL_NO_INCIDENTS)));
    /* station.approval = signed: who approved which item, when */
    struct report_grid *ap = g[REPORT_TABLE_APPROVALS];
    if (ap && ap->n_rows) {
        block(d, RB_HEADING2, numbered(d, 4, report_table_title(REPORT_TABLE_APPROVALS)));
        table(d, ap, true);
    }

    *out = d;
    return 0;
}

const struct report_doc_head *report_doc_head(const struct report_doc *d)
{
    return &d->head;
}

size_t report_doc_blocks(const struct report_doc *d, const struct report_block **blocks)
{
    *blocks = d->blocks;
    return d->n_blocks;
}

void report_doc_free(struct report_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_grids; i++) {
        report_grid_free(d->grids[i]);
        free(d->grids[i]);
    }
    for (size_t i = 0; i < d->n_strs; i++)
        free(d->strs[i]);
    free(d->grids);
    free(d->strs);
    free(d->blocks);
    free(d);
}
