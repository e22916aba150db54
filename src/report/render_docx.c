/* The report as a Word document (Office Open XML, .docx) that the officer
 * finishes and signs in Word or LibreOffice Writer: the blocks of doc.c laid
 * out in the form of Decree 30/2020/ND-CP with real styles (Title, Heading
 * 1 and 2, Body Text), real tables with repeated header rows, A4 with the
 * decree's margins, and the page number centred in the top margin from the
 * second page on (the decree's place for it). Written as XML text into a
 * zip (docpkg.c); every text goes through docpkg_text. */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"
#include "report/doc.h"
#include "report/docpkg.h"

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT_WML "application/vnd.openxmlformats-officedocument.wordprocessingml."

/* A4 and the decree's margins (top and bottom 20 mm, left 30, right 15), in
 * twentieths of a point; the text is 165 mm wide. */
enum {
    PAGE_W = 11906, PAGE_H = 16838,
    MARGIN_TOP = 1134, MARGIN_BOTTOM = 1134, MARGIN_LEFT = 1701, MARGIN_RIGHT = 850,
    TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT,
    HEAD_LEFT = 3515,              /* the issuer's column of the heading: 62 mm */
    SIGN_LEFT = 4252,              /* recipients beside the signature: 75 mm */
};

/* Text as a run's content; a line break or tab inside stays one. */
static void text(struct strbuf *b, const char *s)
{
    docpkg_text(b, s, "</w:t><w:br/><w:t xml:space=\"preserve\">",
                "</w:t><w:tab/><w:t xml:space=\"preserve\">");
}

static void run(struct strbuf *b, const char *rpr, const char *s)
{
    strbuf_puts(b, "<w:r>");
    if (rpr && *rpr)
        strbuf_printf(b, "<w:rPr>%s</w:rPr>", rpr);
    strbuf_puts(b, "<w:t xml:space=\"preserve\">");
    text(b, s);
    strbuf_puts(b, "</w:t></w:r>");
}

/* A paragraph of style st; ppr: more paragraph properties in schema order
 * after the style; rpr: the run's properties. */
static void para(struct strbuf *b, const char *st, const char *ppr, const char *rpr,
                 const char *s)
{
    strbuf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/>%s</w:pPr>", st, ppr ? ppr : "");
    if (s && *s)
        run(b, rpr, s);
    strbuf_puts(b, "</w:p>");
}

/* A short centred rule (the decree's line under the issuer, the motto and
 * the subject): an empty paragraph's top border, width w of a column cw. */
static void rule(struct strbuf *b, int cw, int w)
{
    if (w > cw)
        w = cw;
    int side = (cw - w) / 2;
    strbuf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"Rule\"/>"
                     "<w:ind w:left=\"%d\" w:right=\"%d\"/></w:pPr></w:p>", side, side);
}

static void cell_open(struct strbuf *b, int w)
{
    strbuf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", w);
}

/* A table without borders for the heading and the signature. */
static void plain_table_open(struct strbuf *b, int left)
{
    strbuf_printf(b,
                  "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/>"
                  "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
                  "<w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/>"
                  "</w:tblCellMar><w:tblLook w:val=\"0000\"/></w:tblPr>"
                  "<w:tblGrid><w:gridCol w:w=\"%d\"/><w:gridCol w:w=\"%d\"/></w:tblGrid>",
                  TEXT_W, left, TEXT_W - left);
}

static void heading(struct strbuf *b, const struct report_doc_head *h)
{
    plain_table_open(b, HEAD_LEFT);
    strbuf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
    cell_open(b, HEAD_LEFT);
    for (size_t i = 0; i < h->n_issuer; i++)
        para(b, "Issuer", NULL, NULL, h->issuer[i]);
    rule(b, HEAD_LEFT, HEAD_LEFT / 3);
    strbuf_puts(b, "</w:tc>");
    cell_open(b, TEXT_W - HEAD_LEFT);
    para(b, "Nation", NULL, NULL, h->nation);
    para(b, "Motto", NULL, NULL, h->motto);
    rule(b, TEXT_W - HEAD_LEFT, docpkg_est_width(h->motto, 13));
    strbuf_puts(b, "</w:tc></w:tr><w:tr><w:trPr><w:cantSplit/></w:trPr>");
    cell_open(b, HEAD_LEFT);
    para(b, "Number", NULL, NULL, h->number);
    strbuf_puts(b, "</w:tc>");
    cell_open(b, TEXT_W - HEAD_LEFT);
    para(b, "PlaceDate", NULL, NULL, h->place_date);
    strbuf_puts(b, "</w:tc></w:tr></w:tbl>");
}

static void signature(struct strbuf *b, const struct report_doc_head *h)
{
    para(b, "Normal", NULL, NULL, NULL);
    plain_table_open(b, SIGN_LEFT);
    strbuf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
    cell_open(b, SIGN_LEFT);
    para(b, "Recipients", NULL, "<w:b/><w:i/>", h->recipients_label);
    for (size_t i = 0; i < h->n_recipients; i++)
        para(b, "Recipients", NULL, "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>",
             h->recipients[i]);
    strbuf_puts(b, "</w:tc>");
    cell_open(b, TEXT_W - SIGN_LEFT);
    for (size_t i = 0; i < h->n_sign; i++)
        para(b, "Sign", NULL, NULL, h->sign_block[i]);
    for (int i = 0; i < 4; i++) /* room for the signature and the seal */
        para(b, "Sign", NULL, NULL, NULL);
    para(b, "Sign", NULL, NULL, h->signer);
    strbuf_puts(b, "</w:tc></w:tr></w:tbl>");
    para(b, "AfterTable", NULL, NULL, NULL); /* Word wants a paragraph after a table */
}

/* A body cell: its style says size and alignment, so that a table of
 * thousands of rows stays a few hundred bytes a row. */
static void grid_cell(struct strbuf *b, const struct report_cell *x, int w, bool bold,
                      bool small)
{
    char buf[64];
    const char *s = docpkg_cell(x, buf);
    cell_open(b, w);
    const char *st = x->kind == RC_TEXT ? (small ? "TableSmall" : "TableText")
                                        : (small ? "TableSmallNumber" : "TableNumber");
    para(b, st, NULL, bold ? "<w:b/><w:bCs/>" : NULL, s);
    strbuf_puts(b, "</w:tc>");
}

static void table(struct strbuf *b, const struct report_block *bl)
{
    const struct report_grid *g = bl->grid;
    size_t cols[REPORT_MAX_COLS];
    size_t n = docpkg_table_cols(bl, cols);
    if (n == 0)
        return;
    /* many columns: a smaller type, so a wide appendix table stays legible */
    bool small = n > 6;
    int w[REPORT_MAX_COLS];
    docpkg_col_widths(g, cols, n, TEXT_W, n > 6 ? 10 : 12, w);
    if (bl->text && *bl->text)
        para(b, "Caption", NULL, NULL, bl->text);
    strbuf_printf(b,
                  "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
                  "<w:tblBorders>", TEXT_W);
    static const char *const sides[] = {"top", "left", "bottom", "right", "insideH", "insideV"};
    for (size_t i = 0; i < ARRAY_SIZE(sides); i++)
        strbuf_printf(b, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
                      sides[i]);
    strbuf_puts(b, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
                   "<w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/>"
                   "</w:tblCellMar><w:tblLook w:val=\"0020\" w:firstRow=\"1\"/></w:tblPr>"
                   "<w:tblGrid>");
    for (size_t k = 0; k < n; k++)
        strbuf_printf(b, "<w:gridCol w:w=\"%d\"/>", w[k]);
    strbuf_puts(b, "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    for (size_t k = 0; k < n; k++) {
        cell_open(b, w[k]);
        para(b, small ? "TableSmallHeading" : "TableHeading", NULL, NULL, g->cols[cols[k]].title);
        strbuf_puts(b, "</w:tc>");
    }
    strbuf_puts(b, "</w:tr>");
    for (size_t i = 0; i < g->n_rows; i++) {
        strbuf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t k = 0; k < n; k++)
            grid_cell(b, report_grid_cell(g, i, cols[k]), w[k], false, small);
        strbuf_puts(b, "</w:tr>");
    }
    if (g->has_total) {
        strbuf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t k = 0; k < n; k++) {
            struct report_cell x = docpkg_total_cell(g, cols[k], k == 0);
            grid_cell(b, &x, w[k], true, small);
        }
        strbuf_puts(b, "</w:tr>");
    }
    strbuf_puts(b, "</w:tbl>");
    para(b, "AfterTable", NULL, NULL, NULL); /* Word joins two tables that touch */
}

/* The body, the recipients and the signature, then the appendix on pages
 * of its own (after the signature, as an annex of a signed document is). */
static void body(struct strbuf *b, const struct report_doc *d)
{
    const struct report_block *bl;
    size_t n = report_doc_blocks(d, &bl);
    bool signed_ = false;
    for (size_t i = 0; i < n; i++) {
        switch (bl[i].kind) {
        case RB_TITLE: para(b, "Title", NULL, NULL, bl[i].text); break;
        case RB_SUBJECT:
            para(b, "Subtitle", NULL, NULL, bl[i].text);
            if (i + 1 == n || bl[i + 1].kind != RB_SUBJECT) /* 1/3 of the line */
                rule(b, TEXT_W, docpkg_est_width(bl[i].text, 14) / 3);
            break;
        case RB_HEADING1: para(b, "Heading1", NULL, NULL, bl[i].text); break;
        case RB_HEADING2: para(b, "Heading2", NULL, NULL, bl[i].text); break;
        case RB_PARAGRAPH: para(b, "BodyText", NULL, NULL, bl[i].text); break;
        case RB_PLACEHOLDER: para(b, "Placeholder", NULL, NULL, bl[i].text); break;
        case RB_TABLE:
            if (bl[i].grid)
                table(b, &bl[i]);
            break;
        case RB_APPENDIX:
            if (!signed_)
                signature(b, report_doc_head(d)), signed_ = true;
            /* the decree's word, Vietnamese in any language (as the HTML) */
            para(b, "Appendix", NULL, NULL, "PHỤ LỤC");
            para(b, "AppendixTitle", NULL, NULL, bl[i].text);
            break;
        }
    }
    if (!signed_)
        signature(b, report_doc_head(d));
}

static void document(struct strbuf *b, const struct report_doc *d)
{
    const struct report_doc_head *h = report_doc_head(d);
    strbuf_puts(b, XML_HEAD "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
    heading(b, h);
    body(b, d);
    strbuf_printf(b,
                  "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId3\"/>"
                  "<w:pgSz w:w=\"%d\" w:h=\"%d\"/>"
                  "<w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\""
                  " w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>"
                  "<w:pgNumType w:start=\"1\"/><w:titlePg/></w:sectPr></w:body></w:document>",
                  PAGE_W, PAGE_H, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT);
}

/* A paragraph style: name, what it follows, paragraph and run properties. */
static void pstyle(struct strbuf *b, const char *id, const char *name, const char *based,
                   const char *ppr, const char *rpr)
{
    strbuf_printf(b, "<w:style w:type=\"paragraph\" w:styleId=\"%s\"><w:name w:val=\"%s\"/>",
                  id, name);
    if (based)
        strbuf_printf(b, "<w:basedOn w:val=\"%s\"/>", based);
    strbuf_puts(b, "<w:qFormat/>");
    if (ppr && *ppr)
        strbuf_printf(b, "<w:pPr>%s</w:pPr>", ppr);
    if (rpr && *rpr)
        strbuf_printf(b, "<w:rPr>%s</w:rPr>", rpr);
    strbuf_puts(b, "</w:style>");
}

/* The decree's sizes: 14 pt text, Quốc hiệu 12-13 pt, "Nơi nhận:" 12 pt and
 * its list 11 pt; the paragraphs justified with a first-line indent of
 * 1 cm and at least 6 pt between them. */
static void styles(struct strbuf *b, const char *lang)
{
#define SZ(n) "<w:sz w:val=\"" #n "\"/><w:szCs w:val=\"" #n "\"/>"
#define BOLD "<w:b/><w:bCs/>"
    strbuf_printf(b,
                  XML_HEAD "<w:styles xmlns:w=\"" NS_W "\"><w:docDefaults><w:rPrDefault><w:rPr>"
                  "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\""
                  " w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>" SZ(28)
                  "<w:lang w:val=\"%s\" w:eastAsia=\"%s\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
                  "<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\""
                  " w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
                  "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
                  "<w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
                  lang, lang);
    const char *keep = "<w:keepNext/><w:keepLines/>";
    const char *centre = "<w:jc w:val=\"center\"/>";
    char ppr[256];
    snprintf(ppr, sizeof ppr, "%s<w:spacing w:before=\"360\" w:after=\"0\"/>%s", keep, centre);
    pstyle(b, "Title", "Title", "Normal", ppr, BOLD SZ(28));
    snprintf(ppr, sizeof ppr, "%s<w:spacing w:after=\"0\"/>%s", keep, centre);
    pstyle(b, "Subtitle", "Subtitle", "Normal", ppr, BOLD SZ(28));
    pstyle(b, "BodyText", "Body Text", "Normal",
           "<w:spacing w:before=\"0\" w:after=\"120\" w:line=\"288\" w:lineRule=\"auto\"/>"
           "<w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/>", NULL);
    snprintf(ppr, sizeof ppr,
             "%s<w:spacing w:before=\"240\" w:after=\"120\"/><w:ind w:firstLine=\"567\"/>"
             "<w:jc w:val=\"both\"/><w:outlineLvl w:val=\"0\"/>", keep);
    pstyle(b, "Heading1", "heading 1", "Normal", ppr, BOLD SZ(28));
    snprintf(ppr, sizeof ppr,
             "%s<w:spacing w:before=\"120\" w:after=\"120\"/><w:ind w:firstLine=\"567\"/>"
             "<w:jc w:val=\"both\"/><w:outlineLvl w:val=\"1\"/>", keep);
    pstyle(b, "Heading2", "heading 2", "Normal", ppr, BOLD SZ(28));
    /* a paragraph the officer must write: italic and marked */
    pstyle(b, "Placeholder", "Placeholder", "BodyText", NULL,
           "<w:i/><w:iCs/><w:highlight w:val=\"yellow\"/>");
    snprintf(ppr, sizeof ppr, "%s<w:spacing w:before=\"120\" w:after=\"60\"/>%s", keep, centre);
    pstyle(b, "Caption", "caption", "Normal", ppr, BOLD SZ(26));
    pstyle(b, "TableText", "Table Contents", "Normal",
           "<w:spacing w:before=\"20\" w:after=\"20\"/>", SZ(24));
    pstyle(b, "TableNumber", "Table Number", "TableText", "<w:jc w:val=\"right\"/>", NULL);
    pstyle(b, "TableHeading", "Table Heading", "TableText",
           "<w:keepNext/><w:jc w:val=\"center\"/>", BOLD);
    pstyle(b, "TableSmall", "Table Small", "TableText", NULL, SZ(20));
    pstyle(b, "TableSmallNumber", "Table Small Number", "TableSmall",
           "<w:jc w:val=\"right\"/>", NULL);
    pstyle(b, "TableSmallHeading", "Table Small Heading", "TableSmall",
           "<w:keepNext/><w:jc w:val=\"center\"/>", BOLD);
    pstyle(b, "AfterTable", "After Table", "Normal", "<w:spacing w:after=\"120\"/>", SZ(12));
    snprintf(ppr, sizeof ppr, "%s<w:pageBreakBefore/>%s", keep, centre);
    pstyle(b, "Appendix", "Appendix", "Normal", ppr, BOLD SZ(28));
    snprintf(ppr, sizeof ppr, "%s<w:spacing w:after=\"240\"/>%s", keep, centre);
    pstyle(b, "AppendixTitle", "Appendix Title", "Normal", ppr, BOLD SZ(28));
    /* the heading and the signature */
    pstyle(b, "Issuer", "Issuer", "Normal", centre, BOLD SZ(26));
    pstyle(b, "Nation", "Nation", "Normal", centre, BOLD SZ(24));
    pstyle(b, "Motto", "Motto", "Normal", centre, BOLD SZ(26));
    pstyle(b, "Rule", "Rule", "Normal",
           "<w:pBdr><w:top w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/>"
           "</w:pBdr><w:spacing w:before=\"50\" w:after=\"0\" w:line=\"20\""
           " w:lineRule=\"exact\"/>",
           SZ(2));
    pstyle(b, "Number", "Number", "Normal", "<w:spacing w:before=\"120\"/><w:jc w:val=\"center\"/>",
           SZ(26));
    pstyle(b, "PlaceDate", "Place and Date", "Normal",
           "<w:spacing w:before=\"120\"/><w:jc w:val=\"center\"/>", "<w:i/><w:iCs/>" SZ(28));
    pstyle(b, "Recipients", "Recipients", "Normal", NULL, SZ(24));
    pstyle(b, "Sign", "Signature", "Normal", "<w:keepNext/><w:jc w:val=\"center\"/>", BOLD SZ(28));
    pstyle(b, "Header", "header", "Normal", centre, SZ(28));
    strbuf_puts(b, "</w:styles>");
#undef SZ
#undef BOLD
}

static void iso_utc(int64_t ms, char buf[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int report_render_docx(const struct report *r, const struct report_render_ctx *cx)
{
    struct report_doc *d = NULL;
    int rc = report_doc_build(r, &d);
    if (rc < 0)
        return rc;
    const struct report_doc_head *h = report_doc_head(d);
    const char *lang = i18n_lang_is_vi() ? "vi-VN" : "en-US";
    struct docpkg *p = docpkg_new(r->generated_at_ms / 1000);
    struct strbuf b = {0};

    strbuf_puts(&b, XML_HEAD
                "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                "<Default Extension=\"rels\" ContentType=\"application/"
                "vnd.openxmlformats-package.relationships+xml\"/>"
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                "<Override PartName=\"/word/document.xml\" ContentType=\"" CT_WML
                "document.main+xml\"/>"
                "<Override PartName=\"/word/styles.xml\" ContentType=\"" CT_WML "styles+xml\"/>"
                "<Override PartName=\"/word/settings.xml\" ContentType=\"" CT_WML
                "settings+xml\"/>"
                "<Override PartName=\"/word/header1.xml\" ContentType=\"" CT_WML "header+xml\"/>"
                "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/"
                "vnd.openxmlformats-package.core-properties+xml\"/>"
                "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/"
                "vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>");
    docpkg_add(p, "[Content_Types].xml", &b, false);

    strbuf_puts(&b, XML_HEAD "<Relationships xmlns=\"" NS_PKG "\">"
                "<Relationship Id=\"rId1\" Type=\"" NS_R "/officeDocument\""
                " Target=\"word/document.xml\"/>"
                "<Relationship Id=\"rId2\" Type=\"" NS_PKG "/metadata/core-properties\""
                " Target=\"docProps/core.xml\"/>"
                "<Relationship Id=\"rId3\" Type=\"" NS_R "/extended-properties\""
                " Target=\"docProps/app.xml\"/></Relationships>");
    docpkg_add(p, "_rels/.rels", &b, false);

    char when[32];
    iso_utc(r->generated_at_ms, when);
    strbuf_puts(&b, XML_HEAD "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
                "package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/"
                "elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\""
                "http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
    docpkg_text(&b, h->file_title, NULL, NULL);
    strbuf_printf(&b, "</dc:title><dc:creator>loaxa</dc:creator><dc:language>%s</dc:language>"
                  "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
                  "</cp:coreProperties>", lang, when);
    docpkg_add(p, "docProps/core.xml", &b, false);

    strbuf_puts(&b, XML_HEAD "<Properties xmlns=\"http://schemas.openxmlformats.org/"
                "officeDocument/2006/extended-properties\"><Application>loaxa</Application>"
                "</Properties>");
    docpkg_add(p, "docProps/app.xml", &b, false);

    strbuf_puts(&b, XML_HEAD "<Relationships xmlns=\"" NS_PKG "\">"
                "<Relationship Id=\"rId1\" Type=\"" NS_R "/styles\" Target=\"styles.xml\"/>"
                "<Relationship Id=\"rId2\" Type=\"" NS_R "/settings\" Target=\"settings.xml\"/>"
                "<Relationship Id=\"rId3\" Type=\"" NS_R "/header\" Target=\"header1.xml\"/>"
                "</Relationships>");
    docpkg_add(p, "word/_rels/document.xml.rels", &b, false);

    document(&b, d);
    docpkg_add(p, "word/document.xml", &b, false);
    styles(&b, lang);
    docpkg_add(p, "word/styles.xml", &b, false);

    strbuf_puts(&b, XML_HEAD "<w:settings xmlns:w=\"" NS_W "\"><w:zoom w:percent=\"100\"/>"
                "<w:defaultTabStop w:val=\"720\"/>"
                "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>"
                "<w:compatSetting w:name=\"compatibilityMode\""
                " w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>"
                "</w:compat></w:settings>");
    docpkg_add(p, "word/settings.xml", &b, false);

    /* the page number: centred in the top margin, not on the first page */
    strbuf_puts(&b, XML_HEAD "<w:hdr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:p><w:pPr>"
                "<w:pStyle w:val=\"Header\"/></w:pPr><w:r><w:fldChar w:fldCharType=\"begin\"/>"
                "</w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
                "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r>"
                "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>");
    docpkg_add(p, "word/header1.xml", &b, false);

    rc = docpkg_write(p, cx->f, cx->err, cx->errlen);
    report_doc_free(d);
    return rc;
}
