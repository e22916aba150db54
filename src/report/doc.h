/* The report as an administrative document (form of Decree 30/2020/ND-CP):
 * the heading, the body as blocks in order, the signature. Built once by
 * doc.c from the counted report; the document formats (HTML for print,
 * DOCX, ODT) only lay the blocks out, so they never disagree on content.
 * Technical detail (hashes, occurrence keys, UIDs) appears only in the
 * blocks after RB_APPENDIX. Internal to the report module. */
#ifndef LOAXA_REPORT_DOC_H
#define LOAXA_REPORT_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "report/report_internal.h"

enum report_block_kind {
    RB_TITLE,        /* "BÁO CÁO": centred, bold, capitals */
    RB_SUBJECT,      /* trích yếu: centred, bold, under the title */
    RB_HEADING1,     /* "I. KẾT QUẢ THỰC HIỆN": bold */
    RB_HEADING2,     /* "1. Số lượt phát": bold */
    RB_PARAGRAPH,    /* body: justified, first-line indent */
    RB_PLACEHOLDER,  /* a paragraph the officer must write (marked as such) */
    RB_TABLE,        /* a grid with its caption (text); printed columns only unless wide */
    RB_APPENDIX,     /* a new page, "PHỤ LỤC" and its title (text) */
};

struct report_block {
    enum report_block_kind kind;
    const char *text;                 /* every kind; TABLE: the caption */
    const struct report_grid *grid;   /* RB_TABLE */
    bool wide;                        /* RB_TABLE: with the machine columns */
};

#define REPORT_DOC_MAX_LINES 8
#define REPORT_DOC_MAX_RECIPIENTS 16
/* The incidents the appendix lists one by one; the rest are counted. */
#define REPORT_DOC_MAX_INCIDENTS 200

/* The parts around the body, each a line as printed. */
struct report_doc_head {
    const char *issuer[REPORT_DOC_MAX_LINES];   /* capitals; a rule under the last */
    size_t n_issuer;
    const char *number;        /* "Số: ......./BC-UBND" */
    const char *nation;        /* CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM */
    const char *motto;         /* Độc lập - Tự do - Hạnh phúc (a rule under it) */
    const char *place_date;    /* "Vĩnh Lộc, ngày 05 tháng 01 năm 2027" (italic) */
    const char *recipients_label;                 /* "Nơi nhận:" (bold italic) */
    const char *recipients[REPORT_DOC_MAX_RECIPIENTS]; /* "- Như trên;" ... "- Lưu: VT." */
    size_t n_recipients;
    const char *sign_block[REPORT_DOC_MAX_LINES]; /* "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH" (bold) */
    size_t n_sign;
    const char *signer;        /* the name (bold), or "" for a blank */
    const char *file_title;    /* a short title for the file's metadata */
};

struct report_doc;

/* Builds the document of r (its language: the current one). 0 or -ENOMEM. */
int report_doc_build(const struct report *r, struct report_doc **out);
const struct report_doc_head *report_doc_head(const struct report_doc *d);
/* The body's blocks, in order. */
size_t report_doc_blocks(const struct report_doc *d, const struct report_block **blocks);
void report_doc_free(struct report_doc *d);

#endif
