/* Display width without depending on the process locale: decode UTF-8
 * here and ask wcwidth() under a UTF-8 LC_CTYPE only for wide ranges. */
#include "core/text.h"

#include <stdint.h>
#include <string.h>

/* Combining marks used by Vietnamese text in NFD form, and the general
 * combining blocks: zero width. */
static int is_combining(uint32_t c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
           (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
           (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200B || c == 0x200C ||
           c == 0x200D || c == 0xFEFF;
}

static int is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

size_t text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        uint32_t c;
        int n;
        if (*p < 0x80) {
            c = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            c = *p & 0x1F;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            c = *p & 0x0F;
            n = 3;
        } else if ((*p & 0xF8) == 0xF0) {
            c = *p & 0x07;
            n = 4;
        } else {
            w++;
            p++;
            continue;
        }
        int ok = 1;
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                ok = 0;
                break;
            }
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (!ok) {
            w++;
            p++;
            continue;
        }
        p += n;
        if (c < 0x20 || (c >= 0x7F && c < 0xA0) || is_combining(c))
            continue;
        w += is_wide(c) ? 2 : 1;
    }
    return w;
}

void text_fput_padded(FILE *f, const char *s, size_t width)
{
    size_t w = text_width(s);
    fputs(s, f);
    for (; w < width; w++)
        fputc(' ', f);
}

void text_fput_rpadded(FILE *f, const char *s, size_t width)
{
    for (size_t w = text_width(s); w < width; w++)
        fputc(' ', f);
    fputs(s, f);
}

void text_fput_csv(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
