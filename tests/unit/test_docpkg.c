/* The editable documents' helpers (report/docpkg.c): XML text that stays
 * well-formed whatever it is given, and the zip written to a stream with
 * its members in order, the stored ones uncompressed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "report/docpkg.h"
#include "unit.h"

static char *xml(const char *s)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "");
    docpkg_text(&b, s, "<br/>", NULL);
    return strbuf_steal(&b);
}

#define XML_IS(in, want)                 \
    do {                                 \
        char *got_ = xml(in);            \
        ck_assert_str_eq(got_, want);    \
        free(got_);                      \
    } while (0)

START_TEST(test_text)
{
    XML_IS("Nông nghiệp <&> \"A\" 'b'", "Nông nghiệp &lt;&amp;&gt; &quot;A&quot; &apos;b&apos;");
    XML_IS("a\nb\tc\r", "a<br/>b c");
    XML_IS(NULL, "");
    /* controls XML 1.0 forbids */
    XML_IS("x\x01\x08\x0b\x0c\x1f" "y", "xy");
    /* not UTF-8: a lone continuation, a cut sequence, overlong, beyond U+10FFFF */
    XML_IS("a\x80" "b", "ab");
    XML_IS("a\xe1\xba" "b", "ab");
    XML_IS("a\xc0\xaf" "b\xe0\x80\xaf" "c", "abc");
    XML_IS("a\xf4\x90\x80\x80" "b", "ab");
    /* surrogates and the non-characters U+FFFE, U+FFFF */
    XML_IS("a\xed\xa0\x80" "b\xef\xbf\xbe" "c\xef\xbf\xbf" "d", "abcd");
    /* what XML allows: up to U+10FFFF, U+FFFD */
    XML_IS("\xf0\x9f\x93\xa2\xef\xbf\xbd", "\xf0\x9f\x93\xa2\xef\xbf\xbd");
    ck_assert_uint_eq(docpkg_chars("Độc lập"), 7);
}
END_TEST

START_TEST(test_zip)
{
    struct docpkg *p = docpkg_new(1767225600);
    struct strbuf b = {0};
    strbuf_puts(&b, "application/vnd.oasis.opendocument.text");
    ck_assert_int_eq(docpkg_add(p, "mimetype", &b, true), 0);
    for (int i = 0; i < 2000; i++)
        strbuf_puts(&b, "<p>Độc lập - Tự do - Hạnh phúc</p>");
    ck_assert_int_eq(docpkg_add(p, "content.xml", &b, false), 0);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    char err[256] = "";
    ck_assert_int_eq(docpkg_write(p, f, err, sizeof err), 0);
    long size = ftell(f);
    rewind(f);
    unsigned char h[128];
    ck_assert_uint_eq(fread(h, 1, sizeof h, f), sizeof h);
    /* the first local header: stored (method 0), the name "mimetype",
     * then its bytes, and the big member compressed */
    ck_assert_mem_eq(h, "PK\x03\x04", 4);
    ck_assert_int_eq(h[8] | h[9] << 8, 0);
    ck_assert_int_eq(h[26] | h[27] << 8, 8);
    ck_assert_mem_eq(h + 30, "mimetype", 8);
    int extra = h[28] | h[29] << 8;
    ck_assert_int_eq(extra, 0); /* ODF 1.2 part 3, 3.3: no extra field */
    ck_assert_int_le(38 + extra + 39, (int)sizeof h);
    ck_assert_mem_eq(h + 38 + extra, "application/vnd.oasis", 21);
    ck_assert_int_lt(size, 8000);
    fclose(f);
}
END_TEST

START_TEST(test_write_error)
{
    struct docpkg *p = docpkg_new(0);
    struct strbuf b = {0};
    strbuf_puts(&b, "x");
    ck_assert_int_eq(docpkg_add(p, "a.xml", &b, false), 0);
    FILE *f = fopen("/dev/full", "w");
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IONBF, 0);
    char err[256] = "";
    ck_assert_int_lt(docpkg_write(p, f, err, sizeof err), 0);
    ck_assert_str_ne(err, "");
    fclose(f);
    docpkg_free(NULL);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("docpkg");
    TCase *tc = tcase_create("docpkg");
    tcase_add_test(tc, test_text);
    tcase_add_test(tc, test_zip);
    tcase_add_test(tc, test_write_error);
    suite_add_tcase(s, tc);
    return s;
}
