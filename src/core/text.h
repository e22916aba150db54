/* Terminal text: display width of UTF-8 (Vietnamese diacritics, combining
 * marks, wide characters) so tables line up. */
#ifndef LOAXA_TEXT_H
#define LOAXA_TEXT_H

#include <stdio.h>
#include <stddef.h>

/* Columns the UTF-8 string takes on a terminal; invalid bytes count 1. */
size_t text_width(const char *s);

/* Prints s and pads with spaces to `width` columns (never truncates). */
void text_fput_padded(FILE *f, const char *s, size_t width);

/* Like text_fput_padded but right-aligned. */
void text_fput_rpadded(FILE *f, const char *s, size_t width);

/* Prints s as one CSV field (RFC 4180): quoted when it holds a comma,
 * quote or line break, quotes doubled. */
void text_fput_csv(FILE *f, const char *s);

#endif
