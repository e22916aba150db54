/* An MP3's length is what decodes (issue 11): libsndfile estimates one
 * without a Xing/LAME tag from its size, 0.47 % long at 32 kbit/s, and
 * for a variable bitrate from the first frame, where its own decoding
 * stopped. MP3s are decoded by libmpg123 (src/audio/mp3.c): the probe and
 * the decoder both give the whole file's length, which this test computes
 * on its own by walking the file's MPEG frames; the decoder reads such a
 * file to its end without an "ends early" error, and seeks to the sample.
 * Fixtures are made with sox and lame (tools/deps.sh) at test time. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/probe.h"
#include "unit.h"

static char dir[64];

static const char *path_of(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* sox makes SECONDS of tone at RATE Hz mono; lame encodes it with ARGS. */
static const char *make_mp3(const char *name, double seconds, int rate, const char *args)
{
    const char *mp3 = path_of(name), *wav = path_of("src.wav");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "sox -n -r %d -c 1 -b 16 '%s' synth %.3f sine 300 vol 0.4 2>/dev/null && "
             "lame --quiet %s '%s' '%s'",
             rate, wav, seconds, args, wav, mp3);
    ck_assert_msg(system(cmd) == 0, "cannot make %s (sox and lame installed?): %s", name, cmd);
    return mp3;
}

/* The MPEG audio frames of a Layer III file without ID3 tags, counted
 * from their headers: frames * samples per frame is what a decoder gives
 * when no LAME tag says to trim the encoder's delay and padding. */
static int64_t mpeg_samples(const char *path, int *rate_out)
{
    static const int br1[] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    static const int br2[] = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    static const int sr[] = {44100, 48000, 32000};
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)size);
    ck_assert_int_eq(fread(b, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    int64_t samples = 0;
    long pos = 0;
    while (pos + 4 <= size) {
        ck_assert_msg(b[pos] == 0xFF && (b[pos + 1] & 0xE0) == 0xE0, "no frame at %ld", pos);
        int ver = (b[pos + 1] >> 3) & 3; /* 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5 */
        int layer = (b[pos + 1] >> 1) & 3; /* 1: Layer III */
        int bri = b[pos + 2] >> 4, sri = (b[pos + 2] >> 2) & 3, pad = (b[pos + 2] >> 1) & 1;
        ck_assert_int_eq(layer, 1);
        ck_assert(bri > 0 && bri < 15 && sri < 3 && ver != 1);
        int rate = sr[sri] / (ver == 3 ? 1 : ver == 2 ? 2 : 4);
        int kbps = ver == 3 ? br1[bri] : br2[bri];
        int spf = ver == 3 ? 1152 : 576;
        *rate_out = rate;
        pos += (long)(spf / 8) * kbps * 1000 / rate + pad;
        samples += spf;
    }
    free(b);
    return samples;
}

static int64_t decode_all(const char *path, int64_t *frames_said)
{
    struct decoder *d = NULL;
    char err[1024] = "";
    ck_assert_msg(decoder_open(path, &d, err, sizeof err) == 0, "%s", err);
    *frames_said = decoder_frames(d);
    float buf[4096];
    size_t per = sizeof buf / sizeof buf[0] / (size_t)decoder_channels(d); /* frames */
    int64_t n = 0;
    long got;
    while ((got = decoder_read(d, buf, per, err, sizeof err)) > 0)
        n += got;
    ck_assert_msg(got == 0, "decoding %s failed: %s", path, err);
    decoder_free(d);
    return n;
}

static void setup(void) { unit_tmpdir(dir, sizeof dir, "probe"); }
static void teardown(void) { unit_rmtree(dir); }

/* Two minutes at 32 kbit/s without a tag: the header says 565 ms more
 * than decodes, past the decoder's half-second allowance. */
START_TEST(untagged_mp3_is_counted)
{
    const char *p = make_mp3("notag.mp3", 120, 22050, "-t -b 32");
    int rate = 0;
    int64_t want = mpeg_samples(p, &rate);
    struct probe_info pi;
    char err[1024];
    ck_assert_msg(probe_recording(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(pi.rate, rate);
    ck_assert_int_eq(pi.frames, want);
    ck_assert_int_eq(pi.duration_ms, want * 1000 / rate);
    ck_assert_int_gt(pi.estimate_frames, pi.frames + rate / 2); /* what it used to say */
    ck_assert_int_eq(pi.header_frames, pi.frames); /* not a file cut short */
    ck_assert_int_eq(probe_short_ms(&pi), 0);
    int64_t said;
    ck_assert_int_eq(decode_all(p, &said), want);
    ck_assert_int_eq(said, want);
}
END_TEST

/* With its LAME tag the length is exact (delay and padding removed): the
 * count agrees with the source's length. */
START_TEST(tagged_mp3_is_exact)
{
    const char *p = make_mp3("tag.mp3", 7.3, 44100, "-b 128");
    struct probe_info pi;
    char err[1024];
    ck_assert_msg(probe_recording(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(pi.frames, 321930);
    ck_assert_int_eq(pi.estimate_frames, 321930);
    ck_assert_int_eq(pi.duration_ms, 7300);
    int64_t said;
    ck_assert_int_eq(decode_all(p, &said), 321930);
}
END_TEST

/* Variable and average bitrate without a Xing tag: libsndfile estimated
 * the length from the first frame's bitrate and stopped decoding there
 * (4.5 of 30 s for -V 4, 21.3 for --abr 96). All of it plays now, and
 * nothing is "shorter than its header" (no truncation warning). */
static void plays_whole(const char *name, double seconds, const char *args)
{
    const char *p = make_mp3(name, seconds, 44100, args);
    int rate = 0;
    int64_t want = mpeg_samples(p, &rate);
    ck_assert_int_ge(want, (int64_t)(seconds * rate)); /* no tag: nothing trimmed */
    struct probe_info pi;
    char err[1024];
    /* quick, before anything measured it: libsndfile's estimate */
    ck_assert_msg(probe_recording_quick(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(pi.frames, pi.estimate_frames);
    ck_assert_msg(probe_recording(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(pi.rate, rate);
    ck_assert_int_eq(pi.frames, want);
    ck_assert_int_eq(pi.header_frames, want);
    ck_assert_int_eq(probe_short_ms(&pi), 0);
    int64_t said;
    ck_assert_int_eq(decode_all(p, &said), want);
    ck_assert_int_eq(said, want);
    /* measured once: the quick probe has it from then on */
    ck_assert_msg(probe_recording_quick(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(pi.frames, want);
}

START_TEST(untagged_vbr_plays_whole)
{
    plays_whole("vbr.mp3", 30, "-t -V 4");
}
END_TEST

START_TEST(untagged_abr_plays_whole)
{
    plays_whole("abr.mp3", 30, "-t --abr 96");
}
END_TEST

/* Five minutes of -V 5 without a tag used to air 78.4 s. */
START_TEST(long_untagged_vbr_plays_whole)
{
    plays_whole("long.mp3", 300, "-t -V 5");
}
END_TEST

/* A tagged VBR file: the LAME tag's delay and padding are trimmed
 * (gapless), so it is the source's length to the sample. */
START_TEST(tagged_vbr_is_exact)
{
    const char *p = make_mp3("vbrtag.mp3", 30, 44100, "-V 4");
    struct probe_info pi;
    char err[1024];
    ck_assert_msg(probe_recording(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(pi.frames, 30 * 44100);
    ck_assert_int_eq(probe_short_ms(&pi), 0);
    int64_t said;
    ck_assert_int_eq(decode_all(p, &said), 30 * 44100);
}
END_TEST

/* Resume and skip: after a seek to frame k the decoder gives exactly the
 * frames a straight decode gives from k, and frames - k of them. */
static void seek_matches(const char *p, int64_t k)
{
    char err[1024] = "";
    struct decoder *a = NULL, *b = NULL;
    ck_assert_msg(decoder_open(p, &a, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(decoder_open(p, &b, err, sizeof err) == 0, "%s", err);
    int ch = decoder_channels(a);
    int64_t total = decoder_frames(a);
    static float fa[4096], fb[4096];
    size_t per = sizeof fa / sizeof fa[0] / (size_t)ch;
    int64_t pos = 0;
    while (pos < k) { /* a: straight to k */
        size_t want = (size_t)(k - pos) < per ? (size_t)(k - pos) : per;
        long got = decoder_read(a, fa, want, err, sizeof err);
        ck_assert_msg(got > 0, "%s", err);
        pos += got;
    }
    ck_assert_msg(decoder_seek(b, k, err, sizeof err) == 0, "%s", err);
    long ga = decoder_read(a, fa, per, err, sizeof err);
    long gb = decoder_read(b, fb, per, err, sizeof err);
    ck_assert_int_gt(ga, 0);
    ck_assert_int_eq(ga, gb);
    for (long i = 0; i < ga * ch; i++)
        ck_assert_msg(fabsf(fa[i] - fb[i]) < 1e-6f, "%s: sample %ld after a seek to %lld differs",
                      p, i, (long long)k);
    int64_t rest = gb;
    long got;
    while ((got = decoder_read(b, fb, per, err, sizeof err)) > 0)
        rest += got;
    ck_assert_msg(got == 0, "%s", err);
    ck_assert_int_eq(rest, total - k);
    decoder_free(a);
    decoder_free(b);
}

START_TEST(mp3_seeks_to_the_sample)
{
    const char *p = make_mp3("seekvbr.mp3", 12, 44100, "-t -V 4");
    seek_matches(p, 0);
    seek_matches(p, 1);
    seek_matches(p, 44100 * 5 + 377);
    seek_matches(p, 44100 * 11);
    p = make_mp3("seektag.mp3", 12, 22050, "-b 32");
    seek_matches(p, 22050 * 7 + 1151);
    /* MPEG-2 at a low VBR bitrate: the farthest back a frame's data lies */
    p = make_mp3("seeklsf.mp3", 12, 16000, "-t -V 9");
    seek_matches(p, 16000 * 3 + 5);
    seek_matches(p, 16000 * 9 + 1);
}
END_TEST

/* A file cut short (a copy that stopped) is walked to where its frames
 * end: it plays what is there, as long as the probe says. */
START_TEST(cut_mp3_plays_what_is_there)
{
    const char *p = make_mp3("cut.mp3", 20, 44100, "-t -V 4");
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(truncate(p, st.st_size / 2 + 17), 0); /* half way into a frame */
    struct probe_info pi;
    char err[1024];
    ck_assert_msg(probe_recording(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_gt(pi.frames, 5 * 44100);
    ck_assert_int_lt(pi.frames, 15 * 44100);
    ck_assert_int_eq(probe_short_ms(&pi), 0); /* no tag: nothing claims more */
    int64_t said;
    ck_assert_int_eq(decode_all(p, &said), pi.frames);
    ck_assert_int_eq(said, pi.frames);
    /* with a LAME tag the file says what it should hold: check and loaxad
     * warn that it is short, as for a WAV cut short */
    p = make_mp3("tagcut.mp3", 20, 44100, "-V 4");
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(truncate(p, st.st_size / 2 + 17), 0);
    ck_assert_msg(probe_recording(p, &pi, err, sizeof err) == 0, "%s", err);
    ck_assert_int_lt(pi.frames, 15 * 44100);
    ck_assert_int_eq(pi.header_frames, 20 * 44100);
    ck_assert_int_eq(probe_short_ms(&pi), (20 * 44100 - pi.frames) * 1000 / 44100);
    ck_assert_int_eq(decode_all(p, &said), pi.frames);
    ck_assert_int_eq(said, pi.frames);
}
END_TEST

/* The count is cached by file version: a file rewritten in place (new
 * size and mtime, same inode) is counted again. */
START_TEST(count_follows_the_file)
{
    const char *p = make_mp3("a.mp3", 10, 22050, "-t -b 32");
    int rate;
    int64_t first = mpeg_samples(p, &rate);
    struct probe_info pi;
    char err[1024];
    ck_assert_int_eq(probe_recording(p, &pi, err, sizeof err), 0);
    ck_assert_int_eq(pi.frames, first);
    struct stat before, after;
    ck_assert_int_eq(stat(p, &before), 0);
    const char *q = make_mp3("b.mp3", 4, 22050, "-t -b 32");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cat '%s' > '%s'", q, p); /* in place: same inode */
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(stat(p, &after), 0);
    ck_assert_int_eq(after.st_ino, before.st_ino);
    int64_t second = mpeg_samples(p, &rate);
    ck_assert_int_lt(second, first);
    ck_assert_int_eq(probe_recording(p, &pi, err, sizeof err), 0);
    ck_assert_int_eq(pi.frames, second);
    int64_t said;
    ck_assert_int_eq(decode_all(p, &said), second);
}
END_TEST

/* Formats whose header is exact are not decoded: WAV, FLAC, Ogg. */
START_TEST(exact_formats_keep_their_header)
{
    static const char *ext[] = {"wav", "flac", "ogg"};
    for (size_t i = 0; i < 3; i++) {
        char name[32], cmd[600];
        snprintf(name, sizeof name, "t.%s", ext[i]);
        const char *p = path_of(name);
        snprintf(cmd, sizeof cmd, "sox -n -r 44100 -c 2 -b 16 '%s' synth 2.5 sine 440 2>/dev/null",
                 p);
        ck_assert_int_eq(system(cmd), 0);
        struct probe_info pi;
        char err[1024];
        ck_assert_msg(probe_recording(p, &pi, err, sizeof err) == 0, "%s", err);
        ck_assert_int_eq(pi.frames, 110250);
        ck_assert_int_eq(pi.estimate_frames, 110250);
        ck_assert_int_eq(pi.duration_ms, 2500);
        int64_t said;
        ck_assert_int_eq(decode_all(p, &said), 110250);
    }
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("decoded length");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, untagged_mp3_is_counted);
    tcase_add_test(tc, tagged_mp3_is_exact);
    tcase_add_test(tc, untagged_vbr_plays_whole);
    tcase_add_test(tc, untagged_abr_plays_whole);
    tcase_add_test(tc, long_untagged_vbr_plays_whole);
    tcase_add_test(tc, tagged_vbr_is_exact);
    tcase_add_test(tc, mp3_seeks_to_the_sample);
    tcase_add_test(tc, cut_mp3_plays_what_is_there);
    tcase_add_test(tc, count_follows_the_file);
    tcase_add_test(tc, exact_formats_keep_their_header);
    suite_add_tcase(s, tc);
    return s;
}
