/* Audio engine units: ring, channel mapping, gain rule, resampling,
 * loudness and its cache, and the player end to end through the file and
 * null outputs with recordings generated here. Bad inputs are in
 * test_audio_bad.c. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/dsp.h"
#include "audio/loudness.h"
#include "audio/player.h"
#include "audio/ring.h"
#include "core/util.h"
#include "test_audio_util.h"
#include "unit.h"

/* ---- ring ---- */

START_TEST(test_ring_wrap)
{
    struct ring *r = ring_new(5, 2); /* rounds to 8 frames */
    ck_assert_uint_eq(ring_space(r), 8);
    float in[12], out[16];
    for (int i = 0; i < 12; i++)
        in[i] = (float)i;
    ck_assert_uint_eq(ring_write(r, in, 6), 6);
    ck_assert_uint_eq(ring_read(r, out, 4), 4);
    ck_assert(memcmp(in, out, 8 * sizeof(float)) == 0);
    /* 2 left; this write wraps around the end */
    ck_assert_uint_eq(ring_write(r, in, 6), 6);
    ck_assert_uint_eq(ring_space(r), 0);
    ck_assert_uint_eq(ring_write(r, in, 1), 0);
    ck_assert_uint_eq(ring_read(r, out, 8), 8);
    ck_assert(out[0] == 8.0f && out[3] == 11.0f && out[4] == 0.0f && out[15] == 11.0f);
    ck_assert_uint_eq(ring_fill(r), 0);
    ck_assert_uint_eq(ring_read(r, out, 1), 0);
    ring_free(r);
}
END_TEST

enum { SPSC_FRAMES = 200000 };

static void *spsc_producer(void *arg)
{
    struct ring *r = arg;
    float buf[2 * 37];
    size_t next = 0;
    while (next < SPSC_FRAMES) {
        size_t n = 37;
        if (n > SPSC_FRAMES - next)
            n = SPSC_FRAMES - next;
        for (size_t i = 0; i < n; i++)
            buf[2 * i] = buf[2 * i + 1] = (float)(next + i);
        size_t w = 0;
        while (w < n)
            w += ring_write(r, buf + 2 * w, n - w);
        next += n;
    }
    return NULL;
}

START_TEST(test_ring_spsc)
{
    /* every frame arrives once, in order, across two threads */
    struct ring *r = ring_new(64, 2);
    pthread_t t;
    pthread_create(&t, NULL, spsc_producer, r);
    size_t expect = 0;
    float buf[2 * 29];
    while (expect < SPSC_FRAMES) {
        size_t n = ring_read(r, buf, 29);
        for (size_t i = 0; i < n; i++) {
            ck_assert_float_eq(buf[2 * i], (float)expect);
            ck_assert_float_eq(buf[2 * i + 1], (float)expect);
            expect++;
        }
    }
    pthread_join(t, NULL);
    ck_assert_uint_eq(ring_fill(r), 0);
    ring_free(r);
}
END_TEST

/* ---- channel mapping and gain ---- */

START_TEST(test_remix)
{
    float mono[2] = {0.5f, -0.25f}, st[4];
    dsp_remix(mono, 1, st, 2, 2);
    ck_assert(st[0] == 0.5f && st[1] == 0.5f && st[2] == -0.25f && st[3] == -0.25f);
    float stereo[4] = {1.0f, 0.0f, 0.2f, 0.4f}, m[2];
    dsp_remix(stereo, 2, m, 1, 2);
    ck_assert_float_eq_tol(m[0], 0.5f, 1e-6);
    ck_assert_float_eq_tol(m[1], 0.3f, 1e-6);
    /* 5.1: centre to both sides at -3 dB, LFE left out, never over 1 */
    float six[6] = {1, 1, 1, 1, 1, 1}, two[2];
    dsp_remix(six, 6, two, 2, 1);
    ck_assert_float_eq_tol(two[0], 1.0f, 1e-5);
    ck_assert_float_eq_tol(two[1], 1.0f, 1e-5);
    float lfe[6] = {0, 0, 0, 1, 0, 0};
    dsp_remix(lfe, 6, two, 2, 1);
    ck_assert(two[0] == 0 && two[1] == 0);
    /* 8 channels fold odd/even and average */
    float eight[8] = {1, 0, 1, 0, 1, 0, 1, 0};
    dsp_remix(eight, 8, two, 2, 1);
    ck_assert_float_eq_tol(two[0], 1.0f, 1e-6);
    ck_assert_float_eq_tol(two[1], 0.0f, 1e-6);
}
END_TEST

START_TEST(test_gain_rule)
{
    ck_assert_double_eq_tol(dsp_loudness_gain_db(-20, -10, -16, -1), 4.0, 1e-9);
    ck_assert_double_eq_tol(dsp_loudness_gain_db(-10, -3, -16, -1), -6.0, 1e-9);
    /* the peak ceiling wins: +10 dB wanted, only +3 allowed */
    ck_assert_double_eq_tol(dsp_loudness_gain_db(-26, -4, -16, -1), 3.0, 1e-9);
    ck_assert_double_eq_tol(dsp_loudness_gain_db(-HUGE_VAL, -HUGE_VAL, -16, -1), 0.0, 1e-9);
    float b[3] = {0.5f, -0.5f, 0.1f};
    dsp_gain(b, 3, (float)dsp_db_to_gain(6.0206));
    ck_assert_float_eq_tol(b[0], 1.0f, 1e-4);
    ck_assert_float_eq_tol(b[1], -1.0f, 1e-4);
    ck_assert_float_eq_tol(b[2], 0.2f, 1e-4);
}
END_TEST

/* ---- resampling ---- */

static void check_resample(int in_rate, int out_rate, double hz)
{
    size_t n = (size_t)in_rate; /* one second */
    float *in = xmalloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        in[i] = (float)(0.5 * sin(2 * M_PI * hz * (double)i / in_rate));
    struct dsp_resampler *r;
    char err[256];
    ck_assert_int_eq(dsp_resampler_new(in_rate, out_rate, 1, &r, err, sizeof err), 0);
    size_t cap = (size_t)out_rate + 4096, got = 0, off = 0, used;
    float *out = xmalloc(cap * sizeof(float));
    while (off < n) {
        got += dsp_resample(r, in + off, n - off, &used, out + got, cap - got);
        off += used;
    }
    size_t o;
    while ((o = dsp_resample(r, NULL, 0, &used, out + got, cap - got)) > 0)
        got += o;
    ck_assert_int_le(labs((long)got - out_rate), 2);
    /* frequency from upward zero crossings over the steady middle */
    long first = -1, last = -1, crossings = 0;
    for (size_t i = (size_t)out_rate / 10; i < got - (size_t)out_rate / 10; i++)
        if (out[i - 1] < 0 && out[i] >= 0) {
            if (first < 0)
                first = (long)i;
            else
                crossings++;
            last = (long)i;
        }
    double measured = crossings * (double)out_rate / (double)(last - first);
    ck_assert_double_eq_tol(measured, hz, hz * 0.001);
    /* and the level is kept */
    double ss = 0;
    for (size_t i = (size_t)out_rate / 10; i < got - (size_t)out_rate / 10; i++)
        ss += (double)out[i] * out[i];
    double rms = sqrt(ss / (double)(got - (size_t)out_rate / 5));
    ck_assert_double_eq_tol(rms, 0.5 / sqrt(2), 0.005);
    dsp_resampler_free(r);
    free(in);
    free(out);
}

START_TEST(test_resample_sine)
{
    check_resample(44100, 48000, 1000);
    check_resample(22050, 48000, 440);
    check_resample(192000, 48000, 5000);
    check_resample(8000, 44100, 300);
}
END_TEST

/* ---- loudness ---- */

START_TEST(test_loudness_reference)
{
    /* EBU Tech 3341: a 1 kHz sine at -23 dBFS on both channels reads
     * -23 LUFS; mono plays on both loudspeakers, so it reads the same */
    char *st = tmp_path("ref-st.wav"), *mono = tmp_path("ref-mono.wav");
    write_sine(st, 48000, 2, 6.0, 1000, -23.0, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    write_sine(mono, 44100, 1, 6.0, 1000, -23.0, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    struct loudness l;
    char err[256];
    ck_assert_int_eq(loudness_measure(st, &l, err, sizeof err), 0);
    ck_assert_double_eq_tol(l.lufs, -23.0, 0.5);
    ck_assert_double_eq_tol(l.true_peak_db, -23.0, 0.5);
    ck_assert_int_eq(loudness_measure(mono, &l, err, sizeof err), 0);
    ck_assert_double_eq_tol(l.lufs, -23.0, 0.5);
    rm_tmp(st);
    rm_tmp(mono);
}
END_TEST

START_TEST(test_loudness_silence)
{
    char *p = tmp_path("silence.wav");
    write_sine(p, 48000, 2, 2.0, 1000, -200.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct loudness l;
    char err[256];
    ck_assert_int_eq(loudness_measure(p, &l, err, sizeof err), 0);
    ck_assert(!isfinite(l.lufs));
    ck_assert_double_eq_tol(dsp_loudness_gain_db(l.lufs, l.true_peak_db, -16, -1), 0, 1e-9);
    rm_tmp(p);
}
END_TEST

START_TEST(test_loudness_cache)
{
    char *p = tmp_path("cached.wav"), *cache = tmp_path("loudness.tsv");
    write_sine(p, 48000, 2, 3.0, 500, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct loudness a, b;
    bool cached = true;
    char err[256];
    ck_assert_int_eq(loudness_get(p, cache, 0, &a, &cached, err, sizeof err), 0);
    ck_assert(!cached);
    ck_assert_int_eq(loudness_get(p, cache, 0, &b, &cached, err, sizeof err), 0);
    ck_assert(cached);
    ck_assert_double_eq_tol(a.lufs, b.lufs, 0.001);
    ck_assert_double_eq_tol(a.true_peak_db, b.true_peak_db, 0.001);
    /* a rewritten file (new size and mtime) is measured again */
    write_sine(p, 48000, 2, 4.0, 500, -30.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct timespec ts[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
    utimensat(AT_FDCWD, p, ts, 0);
    ck_assert_int_eq(loudness_get(p, cache, 0, &b, &cached, err, sizeof err), 0);
    ck_assert(!cached);
    ck_assert_double_eq_tol(b.lufs, a.lufs - 10, 0.5);
    /* a bounded measurement is an estimate: used, never cached */
    char *cache2 = tmp_path("loudness2.tsv");
    ck_assert_int_eq(loudness_get(p, cache2, 1000, &a, &cached, err, sizeof err), 0);
    ck_assert_double_eq_tol(a.lufs, b.lufs, 0.5);
    ck_assert_int_eq(loudness_get(p, cache2, 1000, &a, &cached, err, sizeof err), 0);
    ck_assert(!cached);
    ck_assert_int_eq(loudness_get(p, cache2, 10000, &a, &cached, err, sizeof err), 0);
    ck_assert_int_eq(loudness_get(p, cache2, 1000, &a, &cached, err, sizeof err), 0);
    ck_assert(cached); /* 10 s covered the whole 4 s file */
    rm_tmp(cache2);
    /* an unwritable cache is not an error */
    ck_assert_int_eq(loudness_get(p, "/nonexistent/dir/cache", 0, &b, &cached, err, sizeof err),
                     0);
    rm_tmp(p);
    rm_tmp(cache);
}
END_TEST

/* ---- the player through the file output ---- */

START_TEST(test_play_file_output)
{
    /* 44.1 kHz mono at -30 LUFS-ish, normalised to -16 into a 48 kHz
     * stereo file: length exact, level at the target, frequency kept */
    char *src = tmp_path("prog.wav"), *outp = tmp_path("out.wav");
    write_sine(src, 44100, 1, 1.5, 1000, -30.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    char dev[512];
    snprintf(dev, sizeof dev, "file:%s", outp);
    struct player_report rep;
    ck_assert_int_eq(play_sync(dev, src, true, 0, &rep), 0);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert_int_eq(rep.frames_played, 72000);
    ck_assert_int_eq(rep.underruns, 0);
    ck_assert_double_eq_tol(rep.gain_db, 14.0, 0.6);
    ck_assert_int_ge(rep.first_frame_ms, 0);
    ck_assert_int_ge(rep.end_ms, rep.first_frame_ms);
    struct loudness l;
    char err[256];
    ck_assert_int_eq(loudness_measure(outp, &l, err, sizeof err), 0);
    ck_assert_double_eq_tol(l.lufs, -16.0, 0.5);
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(outp, SFM_READ, &info);
    ck_assert_ptr_nonnull(sf);
    ck_assert_int_eq(info.samplerate, 48000);
    ck_assert_int_eq(info.channels, 2);
    ck_assert_int_eq(info.frames, 72000);
    float *buf = xmalloc(sizeof(float) * 2 * 72000);
    ck_assert_int_eq(sf_readf_float(sf, buf, 72000), 72000);
    sf_close(sf);
    long cross = 0; /* 1 kHz: 1000 upward crossings a second */
    for (int i = 24001; i < 72000; i++) {
        ck_assert_float_eq(buf[2 * i], buf[2 * i + 1]); /* mono on both */
        if (buf[2 * (i - 1)] < 0 && buf[2 * i] >= 0)
            cross++;
    }
    ck_assert_int_le(labs(cross - 1000), 2);
    free(buf);
    rm_tmp(src);
    rm_tmp(outp);
}
END_TEST

START_TEST(test_play_no_normalize_and_skip)
{
    char *src = tmp_path("skip.flac"), *outp = tmp_path("skip-out.wav");
    write_sine(src, 48000, 2, 1.0, 1000, -20.0, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    char dev[512];
    snprintf(dev, sizeof dev, "file:%s", outp);
    struct player_report rep;
    ck_assert_int_eq(play_sync(dev, src, false, 400, &rep), 0);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert_int_eq(rep.frames_played, 48000 - 19200);
    ck_assert_double_eq_tol(rep.gain_db, 0.0, 1e-9);
    struct loudness l;
    char err[256];
    ck_assert_int_eq(loudness_measure(outp, &l, err, sizeof err), 0);
    ck_assert_double_eq_tol(l.lufs, -20.0, 0.5);
    rm_tmp(src);
    rm_tmp(outp);
}
END_TEST

START_TEST(test_play_signature_tune)
{
    char *src = tmp_path("body.wav"), *tune = tmp_path("tune.wav");
    write_sine(src, 48000, 2, 0.5, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    write_sine(tune, 22050, 1, 0.25, 880, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null");
    o.signature_tune = tune;
    struct player *p;
    char err[512];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_uint_eq(player_item_count(p), 3);
    struct player_item_info in;
    ck_assert_int_eq(player_item(p, 0, &in), 0);
    ck_assert(in.is_signature_tune);
    ck_assert_int_eq(player_item(p, 1, &in), 0);
    ck_assert(!in.is_signature_tune);
    ck_assert_int_eq(player_start_at(p, 0), 0);
    struct player_report rep;
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    /* 0.25 s at 22050 Hz is 5512 frames, 11999 at 48 kHz */
    ck_assert_int_eq(rep.frames_played, 11999 + 24000 + 11999);
    /* a plan item without the tune */
    ck_assert_int_eq(player_set_signature_tune(p, NULL), 0);
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_set_signature_tune(p, tune), -EBUSY);
    ck_assert_uint_eq(player_item_count(p), 1);
    player_stop(p, PLAYER_STOPPED);
    wait_end(p, &rep);
    player_free(p);
    rm_tmp(src);
    rm_tmp(tune);
}
END_TEST

START_TEST(test_play_stop_fades)
{
    /* stopped after it starts: ends "stopped", with a fade down to zero
     * over fade_ms, and no sample above the programme's level */
    char *src = tmp_path("long.wav"), *outp = tmp_path("stop-out.wav");
    write_sine(src, 48000, 2, 10.0, 200, -6.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    char dev[512];
    snprintf(dev, sizeof dev, "file:%s", outp);
    struct player_opts o = test_opts(dev);
    o.normalize = false;
    o.fade_ms = 100;
    struct player *p;
    char err[512];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_start_at(p, 0), 0);
    sleep_ms(300);
    player_stop(p, PLAYER_PREEMPTED);
    struct player_report rep;
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_PREEMPTED);
    ck_assert_int_lt(rep.frames_played, 48000 * 10);
    player_free(p);
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(outp, SFM_READ, &info);
    ck_assert_ptr_nonnull(sf);
    ck_assert_int_eq(info.frames, rep.frames_played);
    float *buf = xmalloc(sizeof(float) * 2 * (size_t)info.frames);
    sf_readf_float(sf, buf, info.frames);
    sf_close(sf);
    /* the last 100 ms: the envelope falls, the very end is near zero */
    long n = (long)info.frames, fade = 4800;
    ck_assert_int_gt(n, fade);
    double peak_first = 0, peak_last = 0;
    for (long i = n - fade; i < n - fade + 480; i++)
        peak_first = fmax(peak_first, fabs(buf[2 * i]));
    for (long i = n - 480; i < n; i++)
        peak_last = fmax(peak_last, fabs(buf[2 * i]));
    ck_assert_double_gt(peak_first, 0.3);
    ck_assert_double_lt(peak_last, 0.06);
    ck_assert_double_lt(fabs(buf[2 * (n - 1)]), 0.002);
    free(buf);
    rm_tmp(src);
    rm_tmp(outp);
}
END_TEST

START_TEST(test_play_start_at)
{
    /* the first frame is never placed before the planned instant, and a
     * stop before the start ends it without sound */
    char *src = tmp_path("at.wav");
    write_sine(src, 48000, 1, 0.2, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null");
    struct player *p;
    char err[512];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    int64_t at = wall_ms() + 400;
    ck_assert_int_eq(player_start_at(p, at), 0);
    ck_assert_int_eq(player_start_at(p, at), -EINVAL); /* once */
    struct player_report rep;
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert_int_ge(rep.first_frame_ms, at);
    ck_assert_int_eq(rep.frames_played, 9600);
    ck_assert_str_eq(rep.device, "null");
    /* prepared, then stopped before starting */
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    ck_assert(!player_finished(p, &rep));
    player_stop(p, PLAYER_STOPPED);
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_STOPPED);
    ck_assert_int_eq(rep.frames_played, 0);
    ck_assert_int_eq(rep.first_frame_ms, -1);
    /* freed while prepared: no leak, no hang */
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    player_free(p);
    rm_tmp(src);
}
END_TEST

START_TEST(test_play_disarm)
{
    /* an armed programme taken back before its first sample ends with
     * nothing played; once its first sample is out it cannot be */
    char *src = tmp_path("disarm.wav");
    write_sine(src, 48000, 1, 0.5, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null");
    struct player *p;
    char err[512];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_start_at(p, wall_ms() + 600), 0);
    ck_assert(player_disarm(p));
    struct player_report rep;
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_STOPPED);
    ck_assert_int_eq(rep.frames_played, 0);
    ck_assert_int_eq(rep.first_frame_ms, -1);
    /* started: it goes on to its end */
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_start_at(p, wall_ms() + 200), 0);
    int64_t first = -1, played = 0;
    for (int i = 0; i < 300 && !player_progress(p, &first, &played); i++)
        usleep(10000);
    ck_assert_int_ge(first, 0);
    ck_assert(!player_disarm(p));
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert_int_eq(rep.frames_played, 24000);
    player_free(p);
    rm_tmp(src);
}
END_TEST

START_TEST(test_play_output_formats)
{
    /* a mono null device downmixes; a 44.1 kHz one resamples to it */
    char *src = tmp_path("fmt.wav");
    write_sine(src, 48000, 2, 0.3, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_report rep;
    ck_assert_int_eq(play_sync("null:rate=44100,channels=1", src, true, 0, &rep), 0);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert_int_eq(rep.frames_played, 13230);
    rm_tmp(src);
}
END_TEST

START_TEST(test_device_lost)
{
    char *src = tmp_path("lost.wav");
    write_sine(src, 48000, 2, 5.0, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_report rep;
    ck_assert_int_eq(play_sync("null:fail-after=300", src, true, 0, &rep), 0);
    ck_assert_int_eq(rep.end, PLAYER_DEVICE_ERROR);
    ck_assert_ptr_nonnull(strstr(rep.reason, "lost"));
    ck_assert_int_lt(rep.frames_played, 48000 * 5);
    rm_tmp(src);
}
END_TEST

START_TEST(test_no_device)
{
    /* a PortAudio device that does not exist: -ENODEV, and the message
     * names the setting and the file:/null alternatives */
    char *src = tmp_path("nodev.wav");
    write_sine(src, 48000, 2, 0.2, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("no-such-card-anywhere");
    struct player *p;
    char err[1024];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), -ENODEV);
    ck_assert_ptr_nonnull(strstr(err, "audio.device"));
    ck_assert_ptr_nonnull(strstr(err, "file:"));
    ck_assert_ptr_nonnull(strstr(err, "null"));
    struct player_report rep;
    ck_assert(!player_finished(p, &rep));
    player_free(p);
    rm_tmp(src);
}
END_TEST

/* An output that does not answer for 1.5 s when opened (a wedged audio
 * server): the caller is never held; a start asked meanwhile happens as
 * soon as the output is ready, and the report shows the real, late, first
 * frame. */
START_TEST(test_prepare_async_late)
{
    char *src = tmp_path("async.wav");
    write_sine(src, 48000, 2, 0.3, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null:open-delay=1500");
    struct player *p;
    char err[512];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    int64_t t0 = wall_ms();
    ck_assert_int_eq(player_prepare_async(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_prepare_async(p, files, 1, 0, err, sizeof err), -EBUSY);
    ck_assert_int_eq(player_prepared(p, err, sizeof err), 1); /* still opening */
    int64_t first, played;
    ck_assert(!player_progress(p, &first, &played));
    ck_assert_int_eq(first, -1);
    int64_t at = t0 + 200;
    ck_assert_int_eq(player_start_at(p, at), 0);
    struct pollfd pfd = {.fd = player_fd(p), .events = POLLIN};
    ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
    ck_assert_int_eq(player_prepared(p, err, sizeof err), 0);
    ck_assert_uint_eq(player_item_count(p), 1);
    struct player_report rep;
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert(!rep.never_ready);
    ck_assert_int_ge(rep.first_frame_ms, t0 + 1500);
    ck_assert_int_eq(rep.frames_played, 14400);
    ck_assert(player_progress(p, &first, &played));
    ck_assert_int_eq(first, rep.first_frame_ms);
    ck_assert_int_eq(played, 300);
    player_free(p);
    ck_assert_int_eq(player_wait_teardowns(10000), 0);
    rm_tmp(src);
}
END_TEST

/* Stopped or freed while the output still does not answer: nothing
 * waits; the report says it never became ready. */
START_TEST(test_prepare_async_cancel)
{
    char *src = tmp_path("cancel.wav");
    write_sine(src, 48000, 2, 0.3, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null:open-delay=2000");
    struct player *p;
    char err[512];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    ck_assert_int_eq(player_prepare_async(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_start_at(p, wall_ms() + 100), 0);
    struct player_report rep;
    ck_assert(!player_finished(p, &rep));
    player_stop(p, PLAYER_STOPPED);
    ck_assert(player_finished(p, &rep));
    ck_assert_int_eq(rep.end, PLAYER_STOPPED);
    ck_assert(rep.never_ready);
    ck_assert_int_eq(rep.first_frame_ms, -1);
    ck_assert_int_eq(rep.frames_played, 0);
    ck_assert(!player_finished(p, &rep)); /* once */
    player_free(p);
    /* freed while preparing */
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    ck_assert_int_eq(player_prepare_async(p, files, 1, 0, err, sizeof err), 0);
    player_free(p);
    ck_assert_int_eq(player_wait_teardowns(10000), 0);
    /* a failure found by the control thread ends the programme */
    char *missing = tmp_path("no-such.wav");
    o = test_opts("null");
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *bad[] = {missing};
    ck_assert_int_eq(player_prepare_async(p, bad, 1, 0, err, sizeof err), 0);
    wait_end(p, &rep);
    ck_assert_int_eq(player_prepared(p, err, sizeof err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, missing));
    ck_assert_int_eq(rep.end, PLAYER_DECODE_ERROR);
    ck_assert_ptr_nonnull(strstr(rep.reason, missing));
    player_free(p);
    rm_tmp(missing);
    rm_tmp(src);
}
END_TEST

/* An output whose close does not return for 3 s: player_finished and
 * player_free never wait for it. */
START_TEST(test_slow_close)
{
    char *src = tmp_path("close.wav");
    write_sine(src, 48000, 2, 0.2, 440, -20.0, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null:close-delay=3000");
    struct player *p;
    char err[512];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {src};
    ck_assert_int_eq(player_prepare(p, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_start_at(p, 0), 0);
    struct player_report rep;
    wait_end(p, &rep);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    player_free(p);
    ck_assert_int_eq(player_wait_teardowns(0), 1); /* still closing */
    ck_assert_int_eq(player_wait_teardowns(10000), 0);
    rm_tmp(src);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("audio");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_ring_wrap);
    tcase_add_test(tc, test_ring_spsc);
    tcase_add_test(tc, test_remix);
    tcase_add_test(tc, test_gain_rule);
    tcase_add_test(tc, test_resample_sine);
    tcase_add_test(tc, test_loudness_reference);
    tcase_add_test(tc, test_loudness_silence);
    tcase_add_test(tc, test_loudness_cache);
    tcase_add_test(tc, test_play_file_output);
    tcase_add_test(tc, test_play_no_normalize_and_skip);
    tcase_add_test(tc, test_play_signature_tune);
    tcase_add_test(tc, test_play_stop_fades);
    tcase_add_test(tc, test_play_start_at);
    tcase_add_test(tc, test_play_disarm);
    tcase_add_test(tc, test_play_output_formats);
    tcase_add_test(tc, test_device_lost);
    tcase_add_test(tc, test_no_device);
    tcase_add_test(tc, test_prepare_async_late);
    tcase_add_test(tc, test_prepare_async_cancel);
    tcase_add_test(tc, test_slow_close);
    suite_add_tcase(s, tc);
    return s;
}
