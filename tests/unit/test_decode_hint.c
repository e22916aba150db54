/* A recording libsndfile refuses says what it is, when its first bytes
 * tell (phones and Zalo send m4a), and how to convert it; the descriptor
 * given to libsndfile is never closed twice. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/probe.h"
#include "unit.h"

static char dir[64];

static const char *make(const char *name, const void *data, size_t n)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
    /* padding, as a real file has more than its header */
    char zero[512] = {0};
    ck_assert_int_eq(write(fd, zero, sizeof zero), (ssize_t)sizeof zero);
    close(fd);
    return path;
}

/* Both the decoder and the probe give the same advice. */
static void refused(const char *path, const char *kind, const char *cmd)
{
    char err[1024];
    struct decoder *d = NULL;
    ck_assert_int_eq(decoder_open(path, &d, err, sizeof err), -EINVAL);
    ck_assert_ptr_null(d);
    if (kind)
        ck_assert_msg(strstr(err, kind), "no \"%s\" in: %s", kind, err);
    ck_assert_msg(strstr(err, cmd), "no \"%s\" in: %s", cmd, err);
    struct probe_info info;
    ck_assert_int_eq(probe_recording(path, &info, err, sizeof err), -EINVAL);
    if (kind)
        ck_assert_msg(strstr(err, kind), "probe: no \"%s\" in: %s", kind, err);
    ck_assert_msg(strstr(err, cmd), "probe: no \"%s\" in: %s", cmd, err);
}

START_TEST(m4a)
{
    static const unsigned char h[] = {0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'M', '4', 'A', ' ',
                                      0, 0, 0, 0, 'M', '4', 'A', ' ', 'm', 'p', '4', '2'};
    refused(make("ghi-am.m4a", h, sizeof h), "MP4/M4A", "ffmpeg -i \"ghi-am.m4a\" \"ghi-am.wav\"");
}
END_TEST

START_TEST(m4a_named_otherwise)
{
    /* Zalo may save as .mp4 or without an extension: the bytes decide */
    static const unsigned char h[] = {0, 0, 0, 0x1c, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
    refused(make("zalo_voice", h, sizeof h), "MP4/M4A", "ffmpeg -i \"zalo_voice\" \"zalo_voice.wav\"");
}
END_TEST

START_TEST(wma)
{
    static const unsigned char h[] = {0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11,
                                      0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C};
    refused(make("bai.wma", h, sizeof h), "WMA", "ffmpeg -i \"bai.wma\" \"bai.wav\"");
}
END_TEST

START_TEST(amr)
{
    refused(make("memo.amr", "#!AMR\n", 6), "AMR", "ffmpeg -i \"memo.amr\" \"memo.wav\"");
}
END_TEST

START_TEST(unknown)
{
    /* not a format we can name: libsndfile's words, then the advice; a
     * .wav gets a new name to convert into */
    refused(make("hong.wav", "RIFX-not-audio", 14), "libsndfile", "ffmpeg -i \"hong.wav\" \"hong-pcm.wav\"");
}
END_TEST

START_TEST(no_double_close)
{
    /* libsndfile closes the descriptor of a file it refuses: every
     * descriptor is accounted for, none leaked (a double close itself
     * only shows in a race with another thread's open) */
    static const unsigned char h[] = {0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'M', '4', 'A', ' '};
    const char *p = make("x.m4a", h, sizeof h);
    char err[1024];
    struct decoder *d = NULL;
    int probe_fd = open("/dev/null", O_RDONLY);
    ck_assert_int_ge(probe_fd, 0);
    close(probe_fd); /* the next open takes this number */
    ck_assert_int_eq(decoder_open(p, &d, err, sizeof err), -EINVAL);
    int fd = open("/dev/null", O_RDONLY);
    ck_assert_int_eq(fd, probe_fd);   /* every descriptor it used is closed */
    struct probe_info info;
    ck_assert_int_eq(probe_recording(p, &info, err, sizeof err), -EINVAL);
    ck_assert_int_ne(fcntl(fd, F_GETFD), -1); /* and ours is still open */
    close(fd);
}
END_TEST

/* a directory per test: Check runs each test in its own process */
static void setup(void)
{
    unit_tmpdir(dir, sizeof dir, "hint");
}

static void teardown(void)
{
    unit_rmtree(dir);
}

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("decode_hint");
    TCase *tc = tcase_create("hint");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, m4a);
    tcase_add_test(tc, m4a_named_otherwise);
    tcase_add_test(tc, wma);
    tcase_add_test(tc, amr);
    tcase_add_test(tc, unknown);
    tcase_add_test(tc, no_double_close);
    suite_add_tcase(s, tc);
    return s;
}
