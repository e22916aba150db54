/* The editable documents' zip and XML text (see docpkg.h). The archive is
 * built in a libzip buffer source, then read back onto the stream: libzip
 * writes only to sources it can seek, and stdout is not one. */
#include "report/docpkg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "core/i18n.h"

struct docpkg {
    zip_source_t *src;   /* the archive's bytes, kept past zip_close */
    zip_t *za;
    int64_t mtime;
    int err;             /* the first failure of docpkg_add, reported by write */
    char msg[128];
};

/* The length of the valid UTF-8 sequence at s that XML 1.0 allows, or 0. */
static size_t xml_char(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
    size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0; /* overlong or beyond Unicode */
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

void docpkg_text(struct strbuf *b, const char *s, const char *br, const char *tab)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = xml_char(p);
        if (n == 0) {
            p++; /* a byte XML cannot carry: dropped */
            continue;
        }
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        case '\r': rep = ""; break;
        case '\n': rep = br ? br : " "; break;
        case '\t': rep = tab ? tab : " "; break;
        }
        if (rep)
            strbuf_puts(b, rep);
        else
            strbuf_add(b, (const char *)p, n);
        p += n;
    }
}

size_t docpkg_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

struct docpkg *docpkg_new(int64_t mtime)
{
    struct docpkg *p = xcalloc(1, sizeof *p);
    p->mtime = mtime;
    zip_error_t ze;
    zip_error_init(&ze);
    p->src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (p->src) {
        zip_source_keep(p->src); /* zip_close/zip_discard would free it */
        p->za = zip_open_from_source(p->src, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    }
    if (!p->za) {
        p->err = -ENOMEM;
        snprintf(p->msg, sizeof p->msg, "%s", zip_error_strerror(&ze));
    }
    zip_error_fini(&ze);
    return p;
}

int docpkg_add(struct docpkg *p, const char *name, struct strbuf *b, bool store)
{
    if (p->err) {
        strbuf_free(b);
        return p->err;
    }
    size_t len = b->len;
    char *data = strbuf_steal(b);
    zip_source_t *s = zip_source_buffer(p->za, data, len, 1);
    if (!s) {
        free(data);
        goto fail;
    }
    zip_int64_t i = zip_file_add(p->za, name, s, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(s);
        goto fail;
    }
    if (zip_set_file_compression(p->za, (zip_uint64_t)i, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 0) < 0 ||
        zip_file_set_mtime(p->za, (zip_uint64_t)i, (time_t)p->mtime, 0) < 0)
        goto fail;
    return 0;
fail:
    p->err = -EIO;
    snprintf(p->msg, sizeof p->msg, "%s", zip_strerror(p->za));
    return p->err;
}

int docpkg_write(struct docpkg *p, FILE *f, char *err, size_t errlen)
{
    if (!p)
        return -EINVAL;
    int rc = p->err;
    if (rc == 0 && zip_close(p->za) < 0) {
        snprintf(p->msg, sizeof p->msg, "%s", zip_strerror(p->za));
        rc = -EIO;
    } else if (rc == 0) {
        p->za = NULL;
    }
    if (rc == 0 && zip_source_open(p->src) < 0) {
        snprintf(p->msg, sizeof p->msg, "%s", zip_error_strerror(zip_source_error(p->src)));
        rc = -EIO;
    }
    if (rc == 0) {
        char buf[65536];
        zip_int64_t n;
        while ((n = zip_source_read(p->src, buf, sizeof buf)) > 0)
            if (fwrite(buf, 1, (size_t)n, f) != (size_t)n) {
                rc = -EIO;
                break;
            }
        if (n < 0 && rc == 0) {
            snprintf(p->msg, sizeof p->msg, "%s",
                     zip_error_strerror(zip_source_error(p->src)));
            rc = -EIO;
        }
        zip_source_close(p->src);
    }
    if (rc < 0 && errlen)
        snprintf(err, errlen, _("cannot write the document: %s"),
                 p->msg[0] ? p->msg : strerror(-rc));
    docpkg_free(p);
    return rc;
}

void docpkg_free(struct docpkg *p)
{
    if (!p)
        return;
    if (p->za)
        zip_discard(p->za);
    zip_source_free(p->src);
    free(p);
}

size_t docpkg_table_cols(const struct report_block *bl, size_t cols[REPORT_MAX_COLS])
{
    size_t n = 0;
    const struct report_grid *g = bl->grid;
    for (size_t c = 0; g && c < g->n_cols && n < REPORT_MAX_COLS; c++)
        if (bl->wide || !g->cols[c].wide)
            cols[n++] = c;
    return n;
}

const char *docpkg_cell(const struct report_cell *c, char buf[64])
{
    if (c->kind == RC_TEXT)
        return c->text ? c->text : "";
    report_cell_text(c, buf, 64);
    return buf;
}

struct report_cell docpkg_total_cell(const struct report_grid *g, size_t col, bool first)
{
    if (first || g->cols[col].sum)
        return g->total[col];
    return (struct report_cell){.kind = RC_TEXT, .text = ""};
}

/* The longest word of s and its whole length, in hundredths of an em of
 * Times, roughly: capitals are wider than the rest. */
static void measure(const char *s, size_t *word, size_t *all)
{
    size_t w = 0;
    *word = *all = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        /* a Vietnamese capital's first byte: Latin-1 capitals, or the
         * even code points of Latin Extended (Ă, Đ, Ơ, Ư: C4-C6) and
         * Latin Extended Additional (Ạ..Ỹ: E1 BA-BB) */
        bool cap = (*p >= 'A' && *p <= 'Z') || (*p == 0xC3 && p[1] < 0xA0) ||
                   ((*p >= 0xC4 && *p <= 0xC6) && !(p[1] & 1)) ||
                   (*p == 0xE1 && (p[1] == 0xBA || p[1] == 0xBB) && !(p[2] & 1));
        size_t em = *p == ' ' ? 25 : cap ? 72 : 50;
        *all += em;
        w = (*p == ' ') ? 0 : w + em;
        if (w > *word)
            *word = w;
    }
}

void docpkg_col_widths(const struct report_grid *g, const size_t *cols, size_t n, int total,
                       int pt, int *w)
{
    /* in twips: about half an em a character (bold headers a little more),
     * and the cell's padding; a column is at least its longest word wide
     * (numbers never break; very long words do) and at most its longest
     * text on one line */
    enum {
        PAD = 160,
        LONGEST = 2400,  /* 48 characters */
        LONG_WORD = 800, /* a longer word (a UID, a path) may break */
    };
    long lo[REPORT_MAX_COLS], hi[REPORT_MAX_COLS], sum_lo = 0, sum_hi = 0;
    char buf[64];
    for (size_t k = 0; k < n; k++) {
        size_t c = cols[k], word, all;
        measure(g->cols[c].title, &word, &all);
        lo[k] = (long)word * pt * 22 / 100; /* bold */
        hi[k] = lo[k];
        for (size_t i = 0; i < g->n_rows + (g->has_total ? 1 : 0); i++) {
            struct report_cell t;
            const struct report_cell *x = i < g->n_rows ? report_grid_cell(g, i, c)
                : (t = docpkg_total_cell(g, c, k == 0), &t);
            measure(docpkg_cell(x, buf), &word, &all);
            if (x->kind != RC_TEXT)
                word = all;
            else if (word > LONG_WORD)
                word = LONG_WORD;
            if (all > LONGEST)
                all = LONGEST;
            if ((long)word * pt / 5 > lo[k])
                lo[k] = (long)word * pt / 5;
            if ((long)all * pt / 5 > hi[k])
                hi[k] = (long)all * pt / 5;
        }
        lo[k] += PAD;
        hi[k] += PAD;
        sum_lo += lo[k];
        sum_hi += hi[k];
    }
    int used = 0;
    for (size_t k = 0; k < n; k++) {
        long x;
        if (sum_hi <= total) /* everything fits on a line: share out the rest */
            x = hi[k] * total / sum_hi;
        else if (sum_lo < total) /* the longer texts wrap, in proportion */
            x = lo[k] + (hi[k] - lo[k]) * (total - sum_lo) / (sum_hi - sum_lo);
        else
            x = lo[k] * total / (sum_lo ? sum_lo : 1);
        w[k] = (int)x;
        used += w[k];
    }
    if (n)
        w[n - 1] += total - used;
}

int docpkg_est_width(const char *s, int pt)
{
    size_t word, all;
    measure(s, &word, &all);
    return (int)((long)all * pt * 22 / 100); /* bold */
}
