/* Settings: defaults, INI loading with line numbers, flags over the file. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/args.h"
#include "core/config.h"
#include "core/text.h"
#include "core/util.h"
#include "unit.h"

static char *write_tmp(const char *text)
{
    char *path = xstrdup("/tmp/loaxa-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

START_TEST(test_defaults)
{
    struct loaxa_config c;
    config_init(&c);
    ck_assert_str_eq(c.timezone, "Asia/Ho_Chi_Minh");
    ck_assert_str_eq(c.plan_path, "schedules");
    ck_assert_str_eq(c.audio_root, "audio");
    ck_assert_int_eq(c.hours_start_min, 5 * 60 + 30);
    ck_assert_int_eq(c.hours_end_min, 21 * 60);
    ck_assert_int_eq(c.grace_min, 10);
    ck_assert(c.normalize);
    ck_assert(c.require_approval);
    ck_assert_int_eq(c.prepare_ms, 5000);
    config_free(&c);
}
END_TEST

START_TEST(test_file_and_flags)
{
    char *path = write_tmp("[station]\ncommune = Xã Thử\nbroadcast_hours = 06:00-20:30\n"
                           "[paths]\nplan = plans\ndb = /var/lib/x.db\n"
                           "[audio]\nloudness_target = off\n");
    struct loaxa_config c;
    char err[512];
    config_init(&c);
    char *argv[] = {"schedule", "--config", path, "--db=/tmp/o.db", "--days", "3",
                    "--audio-root", "/srv/a", NULL};
    int argc = 8;
    ck_assert_int_eq(args_common(&argc, argv, &c, err, sizeof err), 0);
    ck_assert_int_eq(argc, 3);
    ck_assert_str_eq(argv[1], "--days");
    ck_assert_str_eq(argv[2], "3");
    ck_assert_str_eq(c.commune, "Xã Thử");
    ck_assert_int_eq(c.hours_start_min, 360);
    ck_assert_int_eq(c.hours_end_min, 20 * 60 + 30);
    ck_assert(!c.normalize);
    ck_assert_str_eq(c.db_path, "/tmp/o.db");     /* flag beats file */
    ck_assert_str_eq(c.audio_root, "/srv/a");
    ck_assert_str_eq(c.plan_path, "/tmp/plans");  /* relative to the file */
    config_free(&c);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_errors_name_line)
{
    char *path = write_tmp("[station]\ncommune = A\n\n[audio]\nfade_ms = lots\n");
    struct loaxa_config c;
    char err[512];
    config_init(&c);
    ck_assert_int_lt(config_load_file(&c, path, err, sizeof err), 0);
    char want[300];
    snprintf(want, sizeof want, "%s:5:", path);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got: %s", err);
    ck_assert_ptr_nonnull(strstr(err, "lots"));
    config_free(&c);

    config_init(&c);
    char *argv[] = {"x", "--grace", NULL};
    int argc = 2;
    ck_assert_int_lt(args_common(&argc, argv, &c, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "--grace"));
    config_free(&c);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_set_and_unknown)
{
    struct loaxa_config c;
    char err[512];
    config_init(&c);
    ck_assert_int_eq(config_set(&c, "daemon.preempt", "resume", NULL, err, sizeof err), 0);
    ck_assert_int_eq(c.preempt, CONFIG_PREEMPT_RESUME);
    ck_assert_int_eq(config_set(&c, "nonsense", "1", NULL, err, sizeof err), -ENOENT);
    ck_assert_int_lt(config_set(&c, "broadcast_hours", "21:00-05:00", NULL, err, sizeof err), 0);
    char *t = config_get_text(&c, "station.broadcast_hours");
    ck_assert_str_eq(t, "05:30-21:00");
    free(t);
    config_free(&c);
}
END_TEST

START_TEST(test_text_width)
{
    ck_assert_uint_eq(text_width("abc"), 3);
    ck_assert_uint_eq(text_width("Thị trấn"), 8);          /* precomposed */
    ck_assert_uint_eq(text_width("Thi\xcc\xa3 tra\xcc\x82\xcc\x81n"), 8); /* combining */
    ck_assert_uint_eq(text_width("一"), 2);
}
END_TEST

START_TEST(test_time_parse_format)
{
    int64_t ms;
    char buf[UTIL_TIME_BUF];
    util_set_timezone("Asia/Ho_Chi_Minh");
    ck_assert_int_eq(util_parse_time("2026-03-02T06:30", &ms), 0);
    ck_assert_str_eq(util_format_iso_local(ms, buf), "2026-03-02T06:30:00+07:00");
    ck_assert_str_eq(util_format_iso_utc(ms, buf), "2026-03-01T23:30:00Z");
    ck_assert_int_eq(util_parse_time("2026-03-01T23:30:00Z", &ms), 0);
    ck_assert_str_eq(util_format_iso_local(ms, buf), "2026-03-02T06:30:00+07:00");
    ck_assert_int_eq(util_parse_time("2026-02-30", &ms), -EINVAL);
    ck_assert_int_eq(util_parse_time("tomorrow", &ms), -EINVAL);
    /* the officer's DD/MM/YYYY, with or without a time */
    int64_t iso;
    ck_assert_int_eq(util_parse_time("2026-03-02T06:30", &iso), 0);
    ck_assert_int_eq(util_parse_time("02/03/2026 06:30", &ms), 0);
    ck_assert_int_eq(ms, iso);
    ck_assert_int_eq(util_parse_time("2/3/2026T06:30", &ms), 0);
    ck_assert_int_eq(ms, iso);
    ck_assert_int_eq(util_parse_time("30/02/2026", &ms), -EINVAL);
    ck_assert_int_eq(util_parse_time("02/03/26", &ms), -EINVAL);
    ck_assert_int_eq(util_parse_time("02/03/2026x", &ms), -EINVAL);
    /* a date alone as an upper bound: the whole day */
    ck_assert_int_eq(util_parse_bound("31/12/2026", true, &ms), 0);
    ck_assert_str_eq(util_format_iso_local(ms, buf), "2027-01-01T00:00:00+07:00");
    ck_assert_int_eq(util_parse_bound("2026-12-31", false, &ms), 0);
    ck_assert_str_eq(util_format_iso_local(ms, buf), "2026-12-31T00:00:00+07:00");
    ck_assert_int_eq(util_parse_bound("2026-12-31T10:00", true, &ms), 0);
    ck_assert_str_eq(util_format_iso_local(ms, buf), "2026-12-31T10:00:00+07:00");
    ck_assert_int_lt(util_set_timezone("Mars/Olympus"), 0);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_file_and_flags);
    tcase_add_test(tc, test_errors_name_line);
    tcase_add_test(tc, test_set_and_unknown);
    tcase_add_test(tc, test_text_width);
    tcase_add_test(tc, test_time_parse_format);
    suite_add_tcase(s, tc);
    return s;
}
