/* The administrative document (doc.c) of a report built on a real log:
 * the heading of Decree 30/2020/ND-CP (issuer in capitals, the place
 * without "Xã", the date padded as the decree pads it), the recipients'
 * punctuation, section III from the officer's text or a placeholder,
 * incidents grouped by outcome and reason, and no technical detail
 * before the appendix. Run in English (no catalogue): the heading is
 * Vietnamese in any language. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aslog/aslog.h"
#include "core/util.h"
#include "report/doc.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "unit.h"

static char dir[64], path[128];
static struct aslog *log_;

static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "report-doc");
    snprintf(path, sizeof path, "%s/log.db", dir);
    char err[256];
    ck_assert_int_eq(aslog_open(path, &log_, err, sizeof err), 0);
}

static void teardown(void)
{
    aslog_close(log_);
    unit_rmtree(dir);
}

static int64_t t(const char *s)
{
    int64_t ms;
    ck_assert_int_eq(util_parse_time(s, &ms), 0);
    return ms;
}

static struct plan_item item = {.uid = "tin-uid-7f3a@doc.test", .file = "p.ics",
                                .summary = "Bản tin", .unit = "UBND"};

static struct plan_occurrence occ(int day, int hour)
{
    char s[32];
    snprintf(s, sizeof s, "2026-01-%02dT%02d:00", day, hour);
    struct plan_occurrence o = {.item = &item, .start_ms = t(s)};
    o.end_ms = o.start_ms + 600000;
    o.recurrence_id_ms = o.start_ms;
    snprintf(o.key, sizeof o.key, "%s/202601%02dT%02d0000Z", item.uid, day, hour);
    return o;
}

static void row(const struct plan_occurrence *o, enum aslog_status st, const char *reason)
{
    struct aslog_row r = {
        .occ_key = o->key, .uid = o->item->uid, .plan_file = "p.ics", .title = "Bản tin",
        .categories = "Thời sự", .unit = "UBND", .recordings = "[]",
        .planned_start_ms = o->start_ms, .planned_end_ms = o->end_ms, .actual_start_ms = -1,
        .actual_end_ms = -1, .device = "null", .status = st, .reason = reason,
        .source = ASLOG_SOURCE_PLAN, .operator_name = "",
    };
    if (st == ASLOG_MISSED || st == ASLOG_CANCELLED) {
        ck_assert_int_eq(aslog_record(log_, &r), 0);
        return;
    }
    int64_t id;
    ck_assert_int_eq(aslog_begin(log_, &r, &id), 0);
    ck_assert_int_eq(aslog_finish(log_, id, st, reason, o->start_ms,
                                  o->start_ms + (st == ASLOG_AIRED ? 60000 : 0),
                                  st == ASLOG_AIRED ? 60000 : 0, 0), 0);
}

/* 20 aired, 17 failed for the same reason, 2 missed, 1 cancelled. */
static struct plan_occurrence occs[40];

static void fill_log(void)
{
    size_t n = 0;
    for (int d = 1; d <= 20; d++) {
        occs[n] = occ(d, 6);
        row(&occs[n++], ASLOG_AIRED, "");
    }
    for (int d = 1; d <= 17; d++) {
        occs[n] = occ(d, 17);
        row(&occs[n++], ASLOG_FAILED, "no output device");
    }
    for (int d = 21; d <= 22; d++) {
        occs[n] = occ(d, 6);
        row(&occs[n++], ASLOG_MISSED, "could not start within 10 minutes");
    }
    occs[n] = occ(23, 6);
    occs[n].cancelled = true;
    n++;
    ck_assert_uint_eq(n, ARRAY_SIZE(occs));
}

static struct report *build(const char *commune, const char *generated,
                            const struct report_doc_settings *ds)
{
    char err[256];
    struct report_input in = {.commune = commune, .as_of_ms = t("2026-06-01T00:00"),
                              .generated_at_ms = t(generated), .occ = occs,
                              .n_occ = ARRAY_SIZE(occs)};
    if (ds)
        in.doc = *ds;
    static const struct report_plan_file files[] = {
        {"p.ics", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}};
    in.files = files;
    in.n_files = 1;
    ck_assert_int_eq(period_parse("2026-Q1", CONFIG_CUTOFF_CALENDAR, &in.period, err,
                                  sizeof err), 0);
    struct report *rep = NULL;
    ck_assert_int_eq(report_build(&in, log_, &rep, err, sizeof err), 0);
    return rep;
}

static char *place_date(const char *commune, const char *generated)
{
    struct report *r = build(commune, generated, NULL);
    struct report_doc *d = NULL;
    ck_assert_int_eq(report_doc_build(r, &d), 0);
    char *s = xstrdup(report_doc_head(d)->place_date);
    report_doc_free(d);
    report_free(r);
    return s;
}

#define PLACE_DATE(commune, when, want) do { \
        char *s_ = place_date(commune, when); \
        ck_assert_str_eq(s_, want); \
        free(s_); } while (0)

START_TEST(test_place_and_date)
{
    fill_log();
    /* days under 10 and the months 1 and 2 take a zero; nothing else does */
    PLACE_DATE("Thị trấn Vĩnh Lộc", "2027-01-05T09:00", "Vĩnh Lộc, ngày 05 tháng 01 năm 2027");
    PLACE_DATE("Xã Tân Phú", "2026-02-28T09:00", "Tân Phú, ngày 28 tháng 02 năm 2026");
    PLACE_DATE("xã Tân Phú", "2026-03-15T09:00", "Tân Phú, ngày 15 tháng 3 năm 2026");
    PLACE_DATE("Phường Hòa Bình", "2026-12-09T09:00", "Hòa Bình, ngày 09 tháng 12 năm 2026");
    PLACE_DATE("THỊ TRẤN Vĩnh Lộc", "2026-10-31T23:59", "Vĩnh Lộc, ngày 31 tháng 10 năm 2026");
    /* a unit named by a number keeps its word */
    PLACE_DATE("Phường 15", "2026-09-01T09:00", "Phường 15, ngày 01 tháng 9 năm 2026");
}
END_TEST

START_TEST(test_heading_and_signature)
{
    fill_log();
    struct report *r = build("Xã Đông Hưng", "2026-04-02T08:00", NULL);
    struct report_doc *d = NULL;
    ck_assert_int_eq(report_doc_build(r, &d), 0);
    const struct report_doc_head *h = report_doc_head(d);
    ck_assert_uint_eq(h->n_issuer, 2);
    ck_assert_str_eq(h->issuer[0], "ỦY BAN NHÂN DÂN");
    ck_assert_str_eq(h->issuer[1], "XÃ ĐÔNG HƯNG");
    ck_assert_str_eq(h->number, "Số: ......./BC-UBND");
    ck_assert_str_eq(h->nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    ck_assert_str_eq(h->motto, "Độc lập - Tự do - Hạnh phúc");
    ck_assert_str_eq(h->place_date, "Đông Hưng, ngày 02 tháng 4 năm 2026");
    ck_assert_str_eq(h->recipients_label, "Nơi nhận:");
    ck_assert_uint_eq(h->n_recipients, 2);
    ck_assert_str_eq(h->recipients[0], "- Như trên;");
    ck_assert_str_eq(h->recipients[1], "- Lưu: VT.");
    ck_assert_uint_eq(h->n_sign, 2);
    ck_assert_str_eq(h->sign_block[0], "TM. ỦY BAN NHÂN DÂN");
    ck_assert_str_eq(h->sign_block[1], "CHỦ TỊCH");
    ck_assert_str_eq(h->signer, "");
    report_doc_free(d);
    report_free(r);

    /* from the settings: capitals of every Vietnamese letter, trimmed lines,
     * the recipients' own punctuation replaced */
    struct report_doc_settings ds = {
        .issuer = " ủy ban nhân dân | thị trấn ưu ơn ấp đỹ ||",
        .code = "BC-ĐTT", .place = "Vĩnh Lộc",
        .sign_block = "TM. Ủy ban nhân dân|KT. CHỦ TỊCH|phó chủ tịch",
        .signer = "Nguyễn Văn An",
        .recipients = "UBND huyện (để báo cáo);|Như trên|Lưu: VT, VHXH.",
    };
    r = build("Xã Khác", "2026-04-02T08:00", &ds);
    ck_assert_int_eq(report_doc_build(r, &d), 0);
    h = report_doc_head(d);
    ck_assert_uint_eq(h->n_issuer, 2);
    ck_assert_str_eq(h->issuer[0], "ỦY BAN NHÂN DÂN");
    ck_assert_str_eq(h->issuer[1], "THỊ TRẤN ƯU ƠN ẤP ĐỸ");
    ck_assert_str_eq(h->number, "Số: ......./BC-ĐTT");
    ck_assert_str_eq(h->place_date, "Vĩnh Lộc, ngày 02 tháng 4 năm 2026");
    ck_assert_uint_eq(h->n_recipients, 3);
    ck_assert_str_eq(h->recipients[0], "- UBND huyện (để báo cáo);");
    ck_assert_str_eq(h->recipients[1], "- Như trên;");
    ck_assert_str_eq(h->recipients[2], "- Lưu: VT, VHXH.");
    ck_assert_uint_eq(h->n_sign, 3);
    ck_assert_str_eq(h->sign_block[0], "TM. ỦY BAN NHÂN DÂN");
    ck_assert_str_eq(h->sign_block[2], "PHÓ CHỦ TỊCH");
    ck_assert_str_eq(h->signer, "Nguyễn Văn An");
    report_doc_free(d);
    report_free(r);

    /* bytes that are not UTF-8 pass as they are; the letters around them change */
    ds.issuer = "ủy \xE1" "ab\xC3|x\xE1\xBA!ạ\xE1\xBA";
    r = build("Xã Khác", "2026-04-02T08:00", &ds);
    ck_assert_int_eq(report_doc_build(r, &d), 0);
    h = report_doc_head(d);
    ck_assert_uint_eq(h->n_issuer, 2);
    ck_assert_str_eq(h->issuer[0], "ỦY \xE1" "AB\xC3");
    ck_assert_str_eq(h->issuer[1], "X\xE1\xBA!Ạ\xE1\xBA");
    report_doc_free(d);
    report_free(r);
}
END_TEST

static const struct report_block *find(const struct report_block *b, size_t n,
                                       enum report_block_kind k, const char *text, size_t *at)
{
    for (size_t i = 0; i < n; i++)
        if (b[i].kind == k && (!text || strstr(b[i].text, text))) {
            if (at)
                *at = i;
            return &b[i];
        }
    return NULL;
}

static bool grid_has(const struct report_grid *g, bool wide_too, const char *s)
{
    for (size_t i = 0; i < g->n_rows; i++)
        for (size_t j = 0; j < g->n_cols; j++) {
            const struct report_cell *c = report_grid_cell(g, i, j);
            if ((wide_too || !g->cols[j].wide) && c->kind == RC_TEXT && c->text &&
                strstr(c->text, s))
                return true;
        }
    return false;
}

START_TEST(test_body)
{
    fill_log();
    struct report_doc_settings ds = {.directions = "Một\ndòng hai\n\n\n\r\nBa\r\n\r\n  Bốn  \n"};
    struct report *r = build("Xã Tân Phú", "2026-04-02T08:00", &ds);
    struct report_doc *d = NULL;
    ck_assert_int_eq(report_doc_build(r, &d), 0);
    const struct report_block *b;
    size_t n = report_doc_blocks(d, &b), appx = 0, two = 0, three = 0;
    ck_assert_uint_gt(n, 10);
    ck_assert_int_eq(b[0].kind, RB_TITLE);
    ck_assert_int_eq(b[1].kind, RB_SUBJECT);
    ck_assert_str_eq(b[1].text, "Results of the loudspeaker broadcasting in quarter I of 2026");
    ck_assert_ptr_nonnull(find(b, n, RB_HEADING1, "I. ", NULL));
    ck_assert_ptr_nonnull(find(b, n, RB_HEADING1, "II. ", &two));
    ck_assert_ptr_nonnull(find(b, n, RB_HEADING1, "III. ", &three));
    ck_assert_ptr_nonnull(find(b, n, RB_APPENDIX, NULL, &appx));
    ck_assert(two < three && three < appx);
    /* the sentences of section I carry the figures (what "planned" holds
     * is the figures module's: only the aired ones here) */
    ck_assert_ptr_nonnull(find(b, n, RB_PARAGRAPH, "airings; 20 of them aired in full", NULL));
    ck_assert_ptr_nonnull(find(b, n, RB_PARAGRAPH, "Total time on air: 20 min.", NULL));

    /* section III: the officer's paragraphs, lines joined, no placeholder */
    ck_assert_int_eq(b[three + 1].kind, RB_PARAGRAPH);
    ck_assert_str_eq(b[three + 1].text, "Một dòng hai");
    ck_assert_str_eq(b[three + 2].text, "Ba");
    ck_assert_str_eq(b[three + 3].text, "Bốn");
    ck_assert_int_eq(b[three + 4].kind, RB_APPENDIX);
    ck_assert_ptr_null(find(b, n, RB_PLACEHOLDER, NULL, NULL));

    /* section II: one row per outcome and reason, the cancelled one left out */
    const struct report_grid *groups = NULL;
    for (size_t i = two; i < three; i++)
        if (b[i].kind == RB_TABLE)
            groups = b[i].grid;
    ck_assert_ptr_nonnull(groups);
    ck_assert_uint_eq(groups->n_rows, 2);
    ck_assert_str_eq(report_grid_cell(groups, 0, 0)->text, report_outcome_label(OUT_FAILED));
    ck_assert_int_eq(report_grid_cell(groups, 0, 2)->n, 17);
    ck_assert_str_eq(report_grid_cell(groups, 1, 0)->text, report_outcome_label(OUT_MISSED));
    ck_assert_int_eq(report_grid_cell(groups, 1, 2)->n, 2);
    ck_assert(groups->has_total);
    ck_assert_int_eq(groups->total[2].n, 19);

    /* technical detail only after the appendix starts */
    for (size_t i = 0; i < appx; i++) {
        ck_assert_ptr_null(strstr(b[i].text, "tin-uid-7f3a"));
        ck_assert_ptr_null(strstr(b[i].text, "9f86d0818"));
        if (b[i].kind == RB_TABLE) {
            ck_assert(!b[i].wide);
            ck_assert(!grid_has(b[i].grid, false, "tin-uid-7f3a"));
            ck_assert(!grid_has(b[i].grid, false, "9f86d0818"));
        }
    }
    bool uid = false, hash = false, key = false;
    for (size_t i = appx; i < n; i++)
        if (b[i].kind == RB_TABLE) {
            ck_assert(b[i].wide);
            uid |= grid_has(b[i].grid, true, "tin-uid-7f3a@doc.test");
            hash |= grid_has(b[i].grid, true, "9f86d081884c7d659a2feaa0c55ad015");
            key |= grid_has(b[i].grid, true, "tin-uid-7f3a@doc.test/20260101T170000Z");
        }
    ck_assert(uid && hash && key);
    report_doc_free(d);
    report_free(r);

    /* no text for section III: a marked placeholder */
    r = build("Xã Tân Phú", "2026-04-02T08:00", NULL);
    ck_assert_int_eq(report_doc_build(r, &d), 0);
    n = report_doc_blocks(d, &b);
    ck_assert_ptr_nonnull(find(b, n, RB_HEADING1, "III. ", &three));
    ck_assert_int_eq(b[three + 1].kind, RB_PLACEHOLDER);
    ck_assert_ptr_nonnull(strstr(b[three + 1].text, "report.directions_file"));
    report_doc_free(d);
    report_free(r);
}
END_TEST

START_TEST(test_partial_and_no_commune)
{
    fill_log();
    char err[256];
    struct report_input in = {.commune = "", .as_of_ms = t("2026-02-10T12:00"),
                              .generated_at_ms = t("2026-02-10T12:05"), .occ = occs,
                              .n_occ = 20};
    ck_assert_int_eq(period_parse("2026-Q1", CONFIG_CUTOFF_CALENDAR, &in.period, err,
                                  sizeof err), 0);
    struct report *r = NULL;
    ck_assert_int_eq(report_build(&in, log_, &r, err, sizeof err), 0);
    struct report_doc *d = NULL;
    ck_assert_int_eq(report_doc_build(r, &d), 0);
    const struct report_block *b;
    size_t n = report_doc_blocks(d, &b);
    ck_assert_uint_gt(n, 2);
    /* a period not yet over says so in the subject */
    ck_assert_ptr_nonnull(strstr(b[1].text, "(partial: up to 10/02/2026 12:00)"));
    /* no commune: the issuer says it is not set, the place is a blank */
    const struct report_doc_head *h = report_doc_head(d);
    ck_assert_str_eq(h->issuer[0], "ỦY BAN NHÂN DÂN");
    ck_assert_ptr_nonnull(strstr(h->issuer[1], "station.commune"));
    ck_assert_str_eq(h->place_date, ".........., ngày 10 tháng 02 năm 2026");
    report_doc_free(d);
    report_free(r);
}
END_TEST

/* A year of a troubled station: the appendix lists the first ones, says
 * how many there are, and section II still counts them all. */
START_TEST(test_many_incidents)
{
    static struct plan_occurrence many[24 * 12];
    size_t n = 0;
    for (int d = 1; d <= 24; d++)
        for (int h = 6; h < 18; h++) {
            many[n] = occ(d, h);
            row(&many[n++], ASLOG_FAILED, "no output device");
        }
    char err[256];
    struct report_input in = {.commune = "Xã Tân Phú", .as_of_ms = t("2026-06-01T00:00"),
                              .generated_at_ms = t("2026-04-02T08:00"), .occ = many,
                              .n_occ = n};
    ck_assert_int_eq(period_parse("2026-Q1", CONFIG_CUTOFF_CALENDAR, &in.period, err,
                                  sizeof err), 0);
    struct report *r = NULL;
    ck_assert_int_eq(report_build(&in, log_, &r, err, sizeof err), 0);
    ck_assert_uint_eq(r->n_incidents, 288);
    struct report_doc *doc = NULL;
    ck_assert_int_eq(report_doc_build(r, &doc), 0);
    const struct report_block *b;
    size_t nb = report_doc_blocks(doc, &b), appx = 0;
    ck_assert_ptr_nonnull(find(b, nb, RB_APPENDIX, NULL, &appx));
    ck_assert_ptr_nonnull(find(b, nb, RB_PARAGRAPH, "The first 200 of the 288 incidents", NULL));
    const struct report_grid *last = NULL, *groups = NULL;
    for (size_t i = 0; i < nb; i++)
        if (b[i].kind == RB_TABLE && i > appx)
            last = b[i].grid;
        else if (b[i].kind == RB_TABLE && !groups && b[i].grid->has_total &&
                 b[i].grid->n_rows == 1 && report_grid_cell(b[i].grid, 0, 2)->n == 288)
            groups = b[i].grid;
    ck_assert_ptr_nonnull(last);
    ck_assert_uint_eq(last->n_rows, REPORT_DOC_MAX_INCIDENTS);
    ck_assert_ptr_nonnull(groups); /* section II: one group of all 288 */
    report_doc_free(doc);
    report_free(r);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    setenv("TZ", "Asia/Ho_Chi_Minh", 1);
    Suite *s = suite_create("report_doc");
    TCase *tc = tcase_create("doc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_place_and_date);
    tcase_add_test(tc, test_heading_and_signature);
    tcase_add_test(tc, test_body);
    tcase_add_test(tc, test_partial_and_no_commune);
    tcase_add_test(tc, test_many_incidents);
    suite_add_tcase(s, tc);
    return s;
}
