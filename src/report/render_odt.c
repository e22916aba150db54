/* The report as OpenDocument text (.odt) for LibreOffice Writer: the same
 * blocks and form as render_docx.c (Decree 30/2020/ND-CP), with named
 * styles (Title, Heading 1 and 2, Text body), real tables with header rows,
 * A4 with the decree's margins and the page number centred at the top from
 * the second page on (the first page has a master page without a header). */
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

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS_ALL                                                                   \
    " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""         \
    " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""           \
    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""             \
    " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""           \
    " xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""  \
    " xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""    \
    " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""             \
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"1.2\""
#define MIME "application/vnd.oasis.opendocument.text"

/* The text's width on A4 with margins 30 and 15 mm, and the columns of the
 * heading and the signature, as render_docx.c has them. */
#define TEXT_MM 165.0
#define HEAD_LEFT_MM 62.0
#define SIGN_LEFT_MM 75.0
#define TWIP_MM (25.4 / 1440.0)

struct odt {
    struct strbuf auto_st;   /* the automatic styles the body needs */
    struct strbuf body;
    int n_tables, n_rules;
};

static void text(struct strbuf *b, const char *s)
{
    docpkg_text(b, s, "<text:line-break/>", "<text:tab/>");
}

/* A paragraph of style st; span: a text style for its text, or NULL. */
static void para(struct strbuf *b, const char *st, const char *span, const char *s)
{
    strbuf_printf(b, "<text:p text:style-name=\"%s\">", st);
    if (span && s && *s)
        strbuf_printf(b, "<text:span text:style-name=\"%s\">", span);
    text(b, s);
    if (span && s && *s)
        strbuf_puts(b, "</text:span>");
    strbuf_puts(b, "</text:p>");
}

static void heading_para(struct strbuf *b, int level, const char *s)
{
    strbuf_printf(b, "<text:h text:style-name=\"Heading_20_%d\" text:outline-level=\"%d\">",
                  level, level);
    text(b, s);
    strbuf_puts(b, "</text:h>");
}

/* A short centred rule: an empty paragraph's top border, w mm of cw mm. */
static void rule(struct odt *o, struct strbuf *b, double cw, double w)
{
    if (w > cw)
        w = cw;
    int n = ++o->n_rules;
    strbuf_printf(&o->auto_st,
                  "<style:style style:name=\"R%d\" style:family=\"paragraph\""
                  " style:parent-style-name=\"Rule\"><style:paragraph-properties"
                  " fo:margin-left=\"%.1fmm\" fo:margin-right=\"%.1fmm\"/></style:style>",
                  n, (cw - w) / 2, (cw - w) / 2);
    strbuf_printf(b, "<text:p text:style-name=\"R%d\"/>", n);
}

/* A table's automatic styles: its width, columns (mm) and, for the first
 * table, the master page of the first page (no page number). */
static int table_style(struct odt *o, const double *mm, size_t n, const char *master)
{
    int t = ++o->n_tables;
    strbuf_printf(&o->auto_st,
                  "<style:style style:name=\"T%d\" style:family=\"table\"%s%s%s>"
                  "<style:table-properties style:width=\"%.1fmm\" table:align=\"center\""
                  " fo:margin-top=\"0mm\" fo:margin-bottom=\"0mm\"/></style:style>",
                  t, master ? " style:master-page-name=\"" : "", master ? master : "",
                  master ? "\"" : "", TEXT_MM);
    for (size_t k = 0; k < n; k++)
        strbuf_printf(&o->auto_st,
                      "<style:style style:name=\"T%d.%zu\" style:family=\"table-column\">"
                      "<style:table-column-properties style:column-width=\"%.1fmm\"/>"
                      "</style:style>",
                      t, k, mm[k]);
    strbuf_printf(&o->body, "<table:table table:name=\"Table%d\" table:style-name=\"T%d\">", t,
                  t);
    for (size_t k = 0; k < n; k++)
        strbuf_printf(&o->body, "<table:table-column table:style-name=\"T%d.%zu\"/>", t, k);
    return t;
}

static void cell_open(struct strbuf *b, const char *style)
{
    strbuf_printf(b, "<table:table-cell table:style-name=\"%s\" office:value-type=\"string\">",
                  style);
}

static void heading(struct odt *o, const struct report_doc_head *h)
{
    struct strbuf *b = &o->body;
    double mm[2] = {HEAD_LEFT_MM, TEXT_MM - HEAD_LEFT_MM};
    table_style(o, mm, 2, "First_20_Page");
    strbuf_puts(b, "<table:table-row table:style-name=\"Row\">");
    cell_open(b, "Plain");
    for (size_t i = 0; i < h->n_issuer; i++)
        para(b, "Issuer", NULL, h->issuer[i]);
    rule(o, b, mm[0], mm[0] / 3);
    strbuf_puts(b, "</table:table-cell>");
    cell_open(b, "Plain");
    para(b, "Nation", NULL, h->nation);
    para(b, "Motto", NULL, h->motto);
    rule(o, b, mm[1], docpkg_est_width(h->motto, 13) * TWIP_MM);
    strbuf_puts(b, "</table:table-cell></table:table-row>"
                   "<table:table-row table:style-name=\"Row\">");
    cell_open(b, "Plain");
    para(b, "Number", NULL, h->number);
    strbuf_puts(b, "</table:table-cell>");
    cell_open(b, "Plain");
    para(b, "Place_20_Date", NULL, h->place_date);
    strbuf_puts(b, "</table:table-cell></table:table-row></table:table>");
}

static void signature(struct odt *o, const struct report_doc_head *h)
{
    struct strbuf *b = &o->body;
    para(b, "Standard", NULL, NULL);
    double mm[2] = {SIGN_LEFT_MM, TEXT_MM - SIGN_LEFT_MM};
    table_style(o, mm, 2, NULL);
    strbuf_puts(b, "<table:table-row table:style-name=\"Row\">");
    cell_open(b, "Plain");
    para(b, "Recipients_20_Label", NULL, h->recipients_label);
    for (size_t i = 0; i < h->n_recipients; i++)
        para(b, "Recipients", NULL, h->recipients[i]);
    strbuf_puts(b, "</table:table-cell>");
    cell_open(b, "Plain");
    for (size_t i = 0; i < h->n_sign; i++)
        para(b, "Signature", NULL, h->sign_block[i]);
    for (int i = 0; i < 4; i++) /* room for the signature and the seal */
        para(b, "Signature", NULL, NULL);
    para(b, "Signature", NULL, h->signer);
    strbuf_puts(b, "</table:table-cell></table:table-row></table:table>");
}

static void grid_cell(struct strbuf *b, const struct report_cell *x, bool small, bool bold)
{
    char buf[64];
    cell_open(b, "Cell");
    const char *st = x->kind == RC_TEXT ? (small ? "Table_20_Small" : "Table_20_Contents")
                                        : (small ? "Table_20_Small_20_Number"
                                                 : "Table_20_Number");
    para(b, st, bold ? "Bold" : NULL, docpkg_cell(x, buf));
    strbuf_puts(b, "</table:table-cell>");
}

static void table(struct odt *o, const struct report_block *bl)
{
    const struct report_grid *g = bl->grid;
    struct strbuf *b = &o->body;
    size_t cols[REPORT_MAX_COLS];
    size_t n = docpkg_table_cols(bl, cols);
    if (n == 0)
        return;
    bool small = n > 6; /* as render_docx.c: a wide table in a smaller type */
    int w[REPORT_MAX_COLS];
    double mm[REPORT_MAX_COLS];
    docpkg_col_widths(g, cols, n, (int)(TEXT_MM / TWIP_MM), small ? 10 : 12, w);
    for (size_t k = 0; k < n; k++)
        mm[k] = w[k] * TWIP_MM;
    if (bl->text && *bl->text)
        para(b, "Table_20_Caption", NULL, bl->text);
    table_style(o, mm, n, NULL);
    strbuf_puts(b, "<table:table-header-rows><table:table-row table:style-name=\"Row\">");
    for (size_t k = 0; k < n; k++) {
        cell_open(b, "Cell");
        para(b, small ? "Table_20_Small_20_Heading" : "Table_20_Heading", NULL,
             g->cols[cols[k]].title);
        strbuf_puts(b, "</table:table-cell>");
    }
    strbuf_puts(b, "</table:table-row></table:table-header-rows>");
    for (size_t i = 0; i < g->n_rows; i++) {
        strbuf_puts(b, "<table:table-row table:style-name=\"Row\">");
        for (size_t k = 0; k < n; k++)
            grid_cell(b, report_grid_cell(g, i, cols[k]), small, false);
        strbuf_puts(b, "</table:table-row>");
    }
    if (g->has_total) {
        strbuf_puts(b, "<table:table-row table:style-name=\"Row\">");
        for (size_t k = 0; k < n; k++) {
            struct report_cell x = docpkg_total_cell(g, cols[k], k == 0);
            grid_cell(b, &x, small, true);
        }
        strbuf_puts(b, "</table:table-row>");
    }
    strbuf_puts(b, "</table:table>");
    para(b, "After_20_Table", NULL, NULL);
}

/* The body, the recipients and the signature, then the appendix on pages
 * of its own (as render_docx.c). */
static void body(struct odt *o, const struct report_doc *d)
{
    struct strbuf *b = &o->body;
    const struct report_block *bl;
    size_t n = report_doc_blocks(d, &bl);
    bool signed_ = false;
    for (size_t i = 0; i < n; i++) {
        switch (bl[i].kind) {
        case RB_TITLE: para(b, "Title", NULL, bl[i].text); break;
        case RB_SUBJECT:
            para(b, "Subtitle", NULL, bl[i].text);
            if (i + 1 == n || bl[i + 1].kind != RB_SUBJECT) /* 1/3 of the line */
                rule(o, b, TEXT_MM, docpkg_est_width(bl[i].text, 14) * TWIP_MM / 3);
            break;
        case RB_HEADING1: heading_para(b, 1, bl[i].text); break;
        case RB_HEADING2: heading_para(b, 2, bl[i].text); break;
        case RB_PARAGRAPH: para(b, "Text_20_body", NULL, bl[i].text); break;
        case RB_PLACEHOLDER: para(b, "Placeholder", NULL, bl[i].text); break;
        case RB_TABLE:
            if (bl[i].grid)
                table(o, &bl[i]);
            break;
        case RB_APPENDIX:
            if (!signed_)
                signature(o, report_doc_head(d)), signed_ = true;
            para(b, "Appendix", NULL, "PHỤ LỤC"); /* Vietnamese in any language */
            para(b, "Appendix_20_Title", NULL, bl[i].text);
            break;
        }
    }
    if (!signed_)
        signature(o, report_doc_head(d));
}

static void content(struct strbuf *out, const struct report_doc *d)
{
    struct odt o = {0};
    const struct report_doc_head *h = report_doc_head(d);
    heading(&o, h);
    body(&o, d);
    strbuf_puts(out, XML_HEAD "<office:document-content" NS_ALL ">"
                "<office:font-face-decls><style:font-face style:name=\"Times New Roman\""
                " svg:font-family=\"&apos;Times New Roman&apos;\""
                " style:font-family-generic=\"roman\" style:font-pitch=\"variable\"/>"
                "</office:font-face-decls><office:automatic-styles>"
                "<style:style style:name=\"Row\" style:family=\"table-row\">"
                "<style:table-row-properties fo:keep-together=\"always\"/></style:style>"
                "<style:style style:name=\"Cell\" style:family=\"table-cell\">"
                "<style:table-cell-properties fo:border=\"0.5pt solid #000000\""
                " fo:padding-left=\"1mm\" fo:padding-right=\"1mm\" fo:padding-top=\"0.4mm\""
                " fo:padding-bottom=\"0.4mm\" style:vertical-align=\"middle\"/></style:style>"
                "<style:style style:name=\"Plain\" style:family=\"table-cell\">"
                "<style:table-cell-properties fo:border=\"none\" fo:padding=\"0mm\"/>"
                "</style:style>"
                "<style:style style:name=\"Bold\" style:family=\"text\"><style:text-properties"
                " fo:font-weight=\"bold\" style:font-weight-complex=\"bold\"/></style:style>");
    strbuf_add(out, o.auto_st.s ? o.auto_st.s : "", o.auto_st.len);
    strbuf_puts(out, "</office:automatic-styles><office:body><office:text>");
    strbuf_add(out, o.body.s ? o.body.s : "", o.body.len);
    strbuf_puts(out, "</office:text></office:body></office:document-content>");
    strbuf_free(&o.auto_st);
    strbuf_free(&o.body);
}

/* A named paragraph style: its parent, paragraph and text properties. */
static void pstyle(struct strbuf *b, const char *name, const char *display, const char *parent,
                   const char *extra, const char *ppr, const char *tpr)
{
    strbuf_printf(b, "<style:style style:name=\"%s\" style:family=\"paragraph\"", name);
    if (display)
        strbuf_printf(b, " style:display-name=\"%s\"", display);
    if (parent)
        strbuf_printf(b, " style:parent-style-name=\"%s\"", parent);
    strbuf_printf(b, "%s>", extra ? extra : "");
    if (ppr)
        strbuf_printf(b, "<style:paragraph-properties %s/>", ppr);
    if (tpr)
        strbuf_printf(b, "<style:text-properties %s/>", tpr);
    strbuf_puts(b, "</style:style>");
}

/* The decree's sizes, as render_docx.c has them. */
static void styles(struct strbuf *b, const char *language, const char *country)
{
#define SZ(n) "fo:font-size=\"" #n "pt\" style:font-size-complex=\"" #n "pt\""
#define BOLD "fo:font-weight=\"bold\" style:font-weight-complex=\"bold\""
#define ITALIC "fo:font-style=\"italic\" style:font-style-complex=\"italic\""
#define CENTRE "fo:text-align=\"center\""
#define KEEP "fo:keep-with-next=\"always\" fo:keep-together=\"always\""
    strbuf_printf(b, XML_HEAD "<office:document-styles" NS_ALL ">"
                  "<office:font-face-decls><style:font-face style:name=\"Times New Roman\""
                  " svg:font-family=\"&apos;Times New Roman&apos;\""
                  " style:font-family-generic=\"roman\" style:font-pitch=\"variable\"/>"
                  "</office:font-face-decls><office:styles>"
                  "<style:default-style style:family=\"paragraph\"><style:paragraph-properties"
                  " fo:margin-top=\"0mm\" fo:margin-bottom=\"0mm\"/><style:text-properties"
                  " style:font-name=\"Times New Roman\" style:font-name-asian=\"Times New Roman\""
                  " style:font-name-complex=\"Times New Roman\" " SZ(14)
                  " fo:language=\"%s\" fo:country=\"%s\"/></style:default-style>"
                  "<style:style style:name=\"Standard\" style:family=\"paragraph\""
                  " style:class=\"text\"/>",
                  language, country);
    pstyle(b, "Title", NULL, "Standard", " style:next-style-name=\"Subtitle\"",
           "fo:margin-top=\"6.35mm\" " CENTRE " " KEEP, BOLD " " SZ(14));
    pstyle(b, "Subtitle", NULL, "Standard", NULL, CENTRE " " KEEP, BOLD " " SZ(14));
    pstyle(b, "Text_20_body", "Text body", "Standard", " style:class=\"text\"",
           "fo:margin-bottom=\"2.12mm\" fo:line-height=\"120%\" fo:text-indent=\"10mm\""
           " fo:text-align=\"justify\"", NULL);
    pstyle(b, "Heading_20_1", "Heading 1", "Standard",
           " style:next-style-name=\"Text_20_body\" style:default-outline-level=\"1\""
           " style:class=\"text\"",
           "fo:margin-top=\"4.23mm\" fo:margin-bottom=\"2.12mm\" fo:text-indent=\"10mm\""
           " fo:text-align=\"justify\" " KEEP, BOLD " " SZ(14));
    pstyle(b, "Heading_20_2", "Heading 2", "Standard",
           " style:next-style-name=\"Text_20_body\" style:default-outline-level=\"2\""
           " style:class=\"text\"",
           "fo:margin-top=\"2.12mm\" fo:margin-bottom=\"2.12mm\" fo:text-indent=\"10mm\""
           " fo:text-align=\"justify\" " KEEP, BOLD " " SZ(14));
    pstyle(b, "Placeholder", NULL, "Text_20_body", NULL, NULL,
           ITALIC " fo:background-color=\"#ffff00\"");
    pstyle(b, "Table_20_Caption", "Table Caption", "Standard", NULL,
           "fo:margin-top=\"2.12mm\" fo:margin-bottom=\"1.06mm\" " CENTRE " " KEEP,
           BOLD " " SZ(13));
    pstyle(b, "Table_20_Contents", "Table Contents", "Standard", " style:class=\"extra\"",
           NULL, SZ(12));
    pstyle(b, "Table_20_Number", "Table Number", "Table_20_Contents", NULL,
           "fo:text-align=\"end\"", NULL);
    pstyle(b, "Table_20_Heading", "Table Heading", "Table_20_Contents", NULL, CENTRE,
           BOLD);
    pstyle(b, "Table_20_Small", "Table Small", "Table_20_Contents", NULL, NULL, SZ(10));
    pstyle(b, "Table_20_Small_20_Number", "Table Small Number", "Table_20_Small", NULL,
           "fo:text-align=\"end\"", NULL);
    pstyle(b, "Table_20_Small_20_Heading", "Table Small Heading", "Table_20_Small", NULL,
           CENTRE, BOLD);
    pstyle(b, "After_20_Table", "After Table", "Standard", NULL, "fo:margin-bottom=\"2.12mm\"",
           SZ(6));
    pstyle(b, "Appendix", NULL, "Standard", NULL,
           "fo:break-before=\"page\" " CENTRE " " KEEP, BOLD " " SZ(14));
    pstyle(b, "Appendix_20_Title", "Appendix Title", "Standard", NULL,
           "fo:margin-bottom=\"4.23mm\" " CENTRE " " KEEP, BOLD " " SZ(14));
    pstyle(b, "Issuer", NULL, "Standard", NULL, CENTRE, BOLD " " SZ(13));
    pstyle(b, "Nation", NULL, "Standard", NULL, CENTRE, BOLD " " SZ(12));
    pstyle(b, "Motto", NULL, "Standard", NULL, CENTRE, BOLD " " SZ(13));
    pstyle(b, "Rule", NULL, "Standard", NULL,
           "fo:margin-top=\"0.9mm\" fo:line-height=\"0.35mm\" fo:padding-top=\"0.1mm\""
           " fo:border-top=\"0.75pt solid #000000\"",
           SZ(1));
    pstyle(b, "Number", NULL, "Standard", NULL, "fo:margin-top=\"2.12mm\" " CENTRE, SZ(13));
    pstyle(b, "Place_20_Date", "Place Date", "Standard", NULL, "fo:margin-top=\"2.12mm\" " CENTRE,
           ITALIC " " SZ(14));
    pstyle(b, "Recipients", NULL, "Standard", NULL, NULL, SZ(11));
    pstyle(b, "Recipients_20_Label", "Recipients Label", "Standard", NULL, NULL,
           BOLD " " ITALIC " " SZ(12));
    pstyle(b, "Signature", NULL, "Standard", NULL, CENTRE " " KEEP, BOLD " " SZ(14));
    pstyle(b, "Header", NULL, "Standard", " style:class=\"extra\"", CENTRE, SZ(14));
    /* pm1: the page from the second on, the number in a header within the
     * top margin (10 mm + 6 + 4 = the decree's 20 mm to the text);
     * pm2: the first page, no number. */
    strbuf_puts(b, "</office:styles><office:automatic-styles>"
                "<style:page-layout style:name=\"pm1\"><style:page-layout-properties"
                " fo:page-width=\"210mm\" fo:page-height=\"297mm\""
                " style:print-orientation=\"portrait\" fo:margin-top=\"10mm\""
                " fo:margin-bottom=\"20mm\" fo:margin-left=\"30mm\" fo:margin-right=\"15mm\"/>"
                "<style:header-style><style:header-footer-properties fo:min-height=\"6mm\""
                " fo:margin-bottom=\"4mm\" style:dynamic-spacing=\"false\"/>"
                "</style:header-style></style:page-layout>"
                "<style:page-layout style:name=\"pm2\"><style:page-layout-properties"
                " fo:page-width=\"210mm\" fo:page-height=\"297mm\""
                " style:print-orientation=\"portrait\" fo:margin-top=\"20mm\""
                " fo:margin-bottom=\"20mm\" fo:margin-left=\"30mm\" fo:margin-right=\"15mm\"/>"
                "</style:page-layout></office:automatic-styles><office:master-styles>"
                "<style:master-page style:name=\"Standard\" style:page-layout-name=\"pm1\">"
                "<style:header><text:p text:style-name=\"Header\"><text:page-number"
                " text:select-page=\"current\">2</text:page-number></text:p></style:header>"
                "</style:master-page><style:master-page style:name=\"First_20_Page\""
                " style:display-name=\"First Page\" style:page-layout-name=\"pm2\""
                " style:next-style-name=\"Standard\"/></office:master-styles>"
                "</office:document-styles>");
#undef SZ
#undef BOLD
#undef ITALIC
#undef CENTRE
#undef KEEP
}

int report_render_odt(const struct report *r, const struct report_render_ctx *cx)
{
    struct report_doc *d = NULL;
    int rc = report_doc_build(r, &d);
    if (rc < 0)
        return rc;
    const struct report_doc_head *h = report_doc_head(d);
    bool vi = i18n_lang_is_vi();
    struct docpkg *p = docpkg_new(r->generated_at_ms / 1000);
    struct strbuf b = {0};

    /* first and stored: how a reader knows the package (ODF 1.2 part 3, 3.3) */
    strbuf_puts(&b, MIME);
    docpkg_add(p, "mimetype", &b, true);

    strbuf_puts(&b, XML_HEAD "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:"
                "opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">"
                "<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\""
                " manifest:media-type=\"" MIME "\"/>"
                "<manifest:file-entry manifest:full-path=\"content.xml\""
                " manifest:media-type=\"text/xml\"/>"
                "<manifest:file-entry manifest:full-path=\"styles.xml\""
                " manifest:media-type=\"text/xml\"/>"
                "<manifest:file-entry manifest:full-path=\"meta.xml\""
                " manifest:media-type=\"text/xml\"/></manifest:manifest>");
    docpkg_add(p, "META-INF/manifest.xml", &b, false);

    content(&b, d);
    docpkg_add(p, "content.xml", &b, false);
    styles(&b, vi ? "vi" : "en", vi ? "VN" : "US");
    docpkg_add(p, "styles.xml", &b, false);

    char when[32];
    time_t t = (time_t)(r->generated_at_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_puts(&b, XML_HEAD "<office:document-meta" NS_ALL "><office:meta>"
                "<meta:generator>loaxa</meta:generator><dc:title>");
    docpkg_text(&b, h->file_title, NULL, NULL);
    strbuf_printf(&b, "</dc:title><meta:initial-creator>loaxa</meta:initial-creator>"
                  "<dc:creator>loaxa</dc:creator><meta:creation-date>%s</meta:creation-date>"
                  "<dc:date>%s</dc:date><dc:language>%s</dc:language></office:meta>"
                  "</office:document-meta>",
                  when, when, vi ? "vi-VN" : "en-US");
    docpkg_add(p, "meta.xml", &b, false);

    rc = docpkg_write(p, cx->f, cx->err, cx->errlen);
    report_doc_free(d);
    return rc;
}
