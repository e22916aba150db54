/* The STATUS and ERRORS documents: what the daemon encodes is what the
 * client decodes, in the protocol's member order, and an answer of the
 * wrong shape is refused or read as absent, never trusted. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/status.h"

START_TEST(test_status_roundtrip)
{
    struct ctl_status_entry next[] = {
        {"k2", "u2", "Tin \"bão\"", "normal", "plan", "2026-01-02T06:00:00+07:00"},
        {"k3", "u3", "Nhạc", "priority", "plan", "2026-01-02T07:00:00+07:00"},
    };
    struct ctl_text errs[] = {{"plan.ics:3: bad line and more", 20}};
    const char *fails[] = {"x.wav: gone"};
    const char *files[] = {"/p.ics", "/d/b.ics"};
    struct ctl_status st = {
        .state = "on_air", .now = "2026-01-02T05:00:00+07:00", .pid = 42, .version = "0.1.0",
        .started = NULL, .device = "null", .has_on_air = true,
        .on_air = {.e = {"k1", "u1", "Thời sự", "emergency", "manual", NULL},
                   .started = "2026-01-02T04:59:00+07:00", .starts_in_ms = -1,
                   .elapsed_ms = 60000, .remaining_ms = 5000, .operator_name = "uid:0(root)"},
        .next = next, .n_next = 2, .has_plan = true,
        .plan = {.path = "/p.ics", .items = 7, .loaded = NULL, .error_count = 3,
                 .files = files, .n_files = 2, .left_out = 1, .bad_recordings = 2,
                 .refused = true, .saved_copy = false, .errors = errs, .n_errors = 1},
        .has_clock = true, .clock_synchronised = true, .clock_est_error_us = 12,
        .log_backlog = 1, .pending_approvals = 4, .failures = fails, .n_failures = 1,
    };
    char *s = ctl_status_encode(&st);
    ck_assert_str_eq(s,
        "{\"state\":\"on_air\",\"now\":\"2026-01-02T05:00:00+07:00\",\"pid\":42,"
        "\"version\":\"0.1.0\",\"started\":null,\"device\":\"null\",\"on_air\":{\"key\":\"k1\","
        "\"uid\":\"u1\",\"title\":\"Thời sự\",\"level\":\"emergency\",\"source\":\"manual\","
        "\"planned_start\":null,\"started\":\"2026-01-02T04:59:00+07:00\",\"elapsed_ms\":60000,"
        "\"remaining_ms\":5000,\"operator\":\"uid:0(root)\"},\"next\":[{\"key\":\"k2\","
        "\"uid\":\"u2\",\"title\":\"Tin \\\"bão\\\"\",\"level\":\"normal\",\"source\":\"plan\","
        "\"planned_start\":\"2026-01-02T06:00:00+07:00\"},{\"key\":\"k3\",\"uid\":\"u3\","
        "\"title\":\"Nhạc\",\"level\":\"priority\",\"source\":\"plan\","
        "\"planned_start\":\"2026-01-02T07:00:00+07:00\"}],\"plan\":{\"path\":\"/p.ics\","
        "\"items\":7,\"loaded\":null,\"error_count\":3,\"files\":[\"/p.ics\",\"/d/b.ics\"],"
        "\"left_out\":1,\"bad_recordings\":2,\"refused\":true,\"saved_copy\":false,"
        "\"errors\":[\"plan.ics:3: bad line\"]},"
        "\"clock\":{\"synchronised\":true,\"est_error_us\":12},\"log_backlog\":1,"
        "\"pending_approvals\":4,\"last_failures\":[\"x.wav: gone\"]}");

    struct ctl_status d;
    char err[256];
    ck_assert_int_eq(ctl_status_decode(s, &d, err, sizeof err), 0);
    ck_assert_str_eq(d.state, "on_air");
    ck_assert_int_eq(d.pid, 42);
    ck_assert_ptr_null(d.started);
    ck_assert(d.has_on_air && !d.has_prepared && d.has_plan && d.has_clock);
    ck_assert_str_eq(d.on_air.e.title, "Thời sự");
    ck_assert_int_eq(d.on_air.starts_in_ms, -1);
    ck_assert_int_eq(d.on_air.remaining_ms, 5000);
    ck_assert_uint_eq(d.n_next, 2);
    ck_assert_str_eq(d.next[0].title, "Tin \"bão\"");
    ck_assert_int_eq(d.plan.error_count, 3);
    ck_assert_uint_eq(d.plan.n_files, 2);
    ck_assert_str_eq(d.plan.files[1], "/d/b.ics");
    ck_assert(d.plan.refused && !d.plan.saved_copy);
    ck_assert_int_eq(d.plan.left_out, 1);
    ck_assert_int_eq(d.plan.bad_recordings, 2);
    ck_assert_uint_eq(d.plan.n_errors, 1);
    ck_assert_uint_eq(d.plan.errors[0].len, 20);
    ck_assert_str_eq(d.failures[0], "x.wav: gone");
    ck_assert(d.clock_synchronised);
    ck_assert_int_eq(d.pending_approvals, 4);
    char *again = ctl_status_encode(&d);
    ck_assert_str_eq(again, s);
    free(again);
    ctl_status_free(&d);
    free(s);
}
END_TEST

START_TEST(test_pending_roundtrip)
{
    const char *recs[] = {"tin/sang.wav", "nhac.mp3"};
    struct ctl_pending_item items[] = {
        {.uid = "u1", .title = "Tin sáng", .level = "normal",
         .first_start = "2026-01-02T06:00:00+07:00", .hash = "ab", .state = "pending",
         .recordings = recs, .n_recordings = 2},
        {.uid = "u 2", .title = "Họp", .level = "priority", .first_start = NULL, .hash = "",
         .state = "rejected", .who = "uid:998(loaxa-web) for web:chutich",
         .at = "2026-01-01T08:00:00+07:00", .comment = "sai \"giờ\"", .recordings = recs,
         .n_recordings = 1},
    };
    struct ctl_pending p = {.mode = "signed", .count = 3, .items = items, .n_items = 2};
    char *s = ctl_pending_encode(&p);
    struct ctl_pending d;
    char err[256];
    ck_assert_int_eq(ctl_pending_decode(s, &d, err, sizeof err), 0);
    ck_assert_str_eq(d.mode, "signed");
    ck_assert_int_eq(d.count, 3);
    ck_assert_uint_eq(d.n_items, 2);
    ck_assert_str_eq(d.items[0].title, "Tin sáng");
    ck_assert_uint_eq(d.items[0].n_recordings, 2);
    ck_assert_str_eq(d.items[0].recordings[1], "nhac.mp3");
    ck_assert_ptr_null(d.items[0].who);
    ck_assert_str_eq(d.items[1].uid, "u 2");
    ck_assert_str_eq(d.items[1].state, "rejected");
    ck_assert_str_eq(d.items[1].comment, "sai \"giờ\"");
    ck_assert_ptr_null(d.items[1].first_start);
    char *again = ctl_pending_encode(&d);
    ck_assert_str_eq(again, s);
    free(again);
    ctl_pending_free(&d);
    free(s);
    ck_assert_int_eq(ctl_pending_decode("{\"mode\":1}", &d, err, sizeof err), -EINVAL);
    ck_assert_int_eq(ctl_pending_decode("[", &d, err, sizeof err), -EINVAL);
}
END_TEST

START_TEST(test_status_bad_shapes)
{
    struct ctl_status d;
    char err[256];
    ck_assert_int_lt(ctl_status_decode("not json", &d, err, sizeof err), 0);
    ck_assert_int_lt(ctl_status_decode("[1,2]", &d, err, sizeof err), 0);
    ck_assert_int_lt(ctl_status_decode(NULL, &d, err, sizeof err), 0);
    /* members of the wrong type read as absent */
    ck_assert_int_eq(ctl_status_decode("{\"state\":3,\"pid\":\"x\",\"next\":{},"
                                       "\"on_air\":[],\"plan\":{\"errors\":[1,\"e\"]},"
                                       "\"last_failures\":\"f\"}", &d, err, sizeof err), 0);
    ck_assert_ptr_null(d.state);
    ck_assert_int_eq(d.pid, 0);
    ck_assert_uint_eq(d.n_next, 0);
    ck_assert(!d.has_on_air && d.has_plan && !d.has_clock);
    ck_assert_uint_eq(d.plan.n_errors, 1);
    ck_assert_str_eq(d.plan.errors[0].s, "e");
    ck_assert_uint_eq(d.n_failures, 0);
    ctl_status_free(&d);
}
END_TEST

START_TEST(test_errors_page)
{
    struct ctl_text e[] = {{"a\nb", 1}, {"c\"", 2}};
    struct ctl_errors_page pg = {.list = "9.1", .error_count = 5, .offset = 2, .errors = e,
                                 .n_errors = 2, .next = 4};
    char *s = ctl_errors_encode(&pg);
    ck_assert_str_eq(s, "{\"list\":\"9.1\",\"error_count\":5,\"offset\":2,"
                        "\"errors\":[\"a\",\"c\\\"\"],\"next\":4}");
    struct ctl_errors_page d;
    char err[256];
    ck_assert_int_eq(ctl_errors_decode(s, &d, err, sizeof err), 0);
    ck_assert_str_eq(d.list, "9.1");
    ck_assert_int_eq(d.offset, 2);
    ck_assert_int_eq(d.next, 4);
    ck_assert_uint_eq(d.n_errors, 2);
    ck_assert_str_eq(d.errors[1].s, "c\"");
    ctl_errors_free(&d);
    free(s);
    /* the client's --json: no list, offset or next */
    struct ctl_errors_page all = {.error_count = 1, .offset = -1, .errors = e, .n_errors = 1,
                                  .next = -1};
    s = ctl_errors_encode(&all);
    ck_assert_str_eq(s, "{\"error_count\":1,\"errors\":[\"a\"]}");
    free(s);
    ck_assert_int_lt(ctl_errors_decode("{\"error_count\":1}", &d, err, sizeof err), 0);
    ck_assert_int_lt(ctl_errors_decode("{\"errors\":3}", &d, err, sizeof err), 0);
    /* a page can be cut to a size: at least what the encoder writes */
    ck_assert_uint_ge(ctl_text_json_size("c\"\x01", 3), strlen("\"c\\\"\\u0001\","));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("ctl_status");
    TCase *tc = tcase_create("documents");
    tcase_add_test(tc, test_status_roundtrip);
    tcase_add_test(tc, test_status_bad_shapes);
    tcase_add_test(tc, test_pending_roundtrip);
    tcase_add_test(tc, test_errors_page);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
