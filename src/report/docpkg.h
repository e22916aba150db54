/* What the editable documents (render_docx.c, render_odt.c) share: XML text
 * that is always well-formed whatever the plan or settings hold, and a zip
 * package built in memory and written to a stream, so `-o -` works like a
 * file. The only user of libzip. Internal to the report module. */
#ifndef LOAXA_REPORT_DOCPKG_H
#define LOAXA_REPORT_DOCPKG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/util.h"
#include "report/doc.h"

/* s as XML character data or attribute text: & < > " ' escaped, bytes that
 * are not UTF-8 and characters XML 1.0 forbids (controls, U+FFFE/FFFF,
 * surrogates) dropped; '\n' and '\t' become the markup br and tab (NULL:
 * a space). NULL s is "". */
void docpkg_text(struct strbuf *b, const char *s, const char *br, const char *tab);
/* The number of characters (code points) of s, for column widths. */
size_t docpkg_chars(const char *s);

/* Tables as both documents draw them: the grid's columns a block shows
 * (its printed ones, or all when wide), their widths in twips out of total
 * for type of pt points (from the cells' words and lengths), and a cell's text (buf for numbers). The
 * total row shows the sums and its first cell's words only. */
size_t docpkg_table_cols(const struct report_block *bl, size_t cols[REPORT_MAX_COLS]);
void docpkg_col_widths(const struct report_grid *g, const size_t *cols, size_t n, int total,
                       int pt, int *w);
const char *docpkg_cell(const struct report_cell *c, char buf[64]);
struct report_cell docpkg_total_cell(const struct report_grid *g, size_t col, bool first);
/* About how wide a line of bold Times is at pt points, in twentieths of a
 * point: a rule as long as the motto. */
int docpkg_est_width(const char *s, int pt);

struct docpkg;
/* An empty package whose members carry the time mtime (epoch seconds). */
struct docpkg *docpkg_new(int64_t mtime);
/* Adds a member: its text is taken from b (b is reset). store: no
 * compression (ODF's mimetype). Members keep the order of the calls. */
int docpkg_add(struct docpkg *p, const char *name, struct strbuf *b, bool store);
/* Writes the zip to f and frees p (also on error; NULL p is fine).
 * 0 or a negative code, with libzip's words in err. */
int docpkg_write(struct docpkg *p, FILE *f, char *err, size_t errlen);
void docpkg_free(struct docpkg *p);

#endif
