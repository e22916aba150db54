/* Vietnamese collation for the report's tables (ICU, only here): "Đ"
 * after "D", "Â" and "Ă" after "A", tones after the letter, as officers
 * sort lists; bytes would put every accented letter after "z". */
#ifndef LOAXA_REPORT_COLLATE_H
#define LOAXA_REPORT_COLLATE_H

struct report_collator;

/* The collator of lang ("vi"); NULL when ICU has none (report_collate
 * then compares bytes). */
struct report_collator *report_collator_open(const char *lang);
void report_collator_close(struct report_collator *c);

/* <0, 0, >0 as strcmp; texts equal to the collator are ordered by bytes,
 * so the order is total and stable from run to run. c may be NULL. */
int report_collate(const struct report_collator *c, const char *a, const char *b);

#endif
