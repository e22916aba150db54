/* Vietnamese collation (collate.h) on ICU's UCA with the "vi" tailoring. */
#include "report/collate.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ucol.h>

struct report_collator {
    UCollator *ucol;
};

struct report_collator *report_collator_open(const char *lang)
{
    UErrorCode st = U_ZERO_ERROR;
    UCollator *u = ucol_open(lang, &st);
    if (U_FAILURE(st) || !u) {
        if (u)
            ucol_close(u);
        return NULL;
    }
    struct report_collator *c = malloc(sizeof *c);
    if (!c) {
        ucol_close(u);
        return NULL;
    }
    c->ucol = u;
    return c;
}

void report_collator_close(struct report_collator *c)
{
    if (!c)
        return;
    ucol_close(c->ucol);
    free(c);
}

int report_collate(const struct report_collator *c, const char *a, const char *b)
{
    if (c) {
        UErrorCode st = U_ZERO_ERROR;
        /* invalid UTF-8 compares as U+FFFD: still a total order with the tie-break */
        UCollationResult res = ucol_strcollUTF8(c->ucol, a, -1, b, -1, &st);
        if (U_SUCCESS(st) && res != UCOL_EQUAL)
            return res == UCOL_LESS ? -1 : 1;
    }
    return strcmp(a, b);
}
