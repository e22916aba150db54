/* Broken and unusual recordings: each gives a clear error at prepare or a
 * clean end with the right reason; none crashes, hangs or plays noise.
 * Recordings are made here (libsndfile, sox for MP3). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/player.h"
#include "audio/probe.h"
#include "core/util.h"
#include "test_audio_util.h"
#include "unit.h"

static void write_bytes(const char *path, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
    close(fd);
}

static off_t file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return st.st_size;
}

/* Plays on the null output; the outcome must be an error at prepare or a
 * clean end, and never more frames than the intact file had. */
static int outcome(const char *path, int64_t max_frames, struct player_report *rep)
{
    int rc = play_sync("null", path, true, 0, rep);
    if (rc < 0) {
        ck_assert_msg(strstr(rep->reason, path) != NULL, "error does not name the file: %s",
                      rep->reason);
        return rc;
    }
    ck_assert(rep->end == PLAYER_FINISHED || rep->end == PLAYER_DECODE_ERROR);
    ck_assert_int_le(rep->frames_played, max_frames);
    if (rep->end == PLAYER_DECODE_ERROR)
        ck_assert(rep->reason[0] != 0);
    return 0;
}

START_TEST(test_empty_file)
{
    char *p = tmp_path("empty.wav");
    write_bytes(p, "", 0);
    struct player_report rep;
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EINVAL);
    ck_assert_ptr_nonnull(strstr(rep.reason, "empty"));
    rm_tmp(p);
}
END_TEST

START_TEST(test_text_as_wav)
{
    char *p = tmp_path("notes.wav");
    const char *text = "Thong bao: hop to dan pho luc 19h.\nKhong phai am thanh.\n";
    write_bytes(p, text, strlen(text));
    struct player_report rep;
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EINVAL);
    ck_assert_ptr_nonnull(strstr(rep.reason, "libsndfile"));
    struct probe_info info;
    char err[512];
    ck_assert_int_lt(probe_recording(p, &info, err, sizeof err), 0);
    rm_tmp(p);
}
END_TEST

START_TEST(test_directory)
{
    char *p = tmp_path("dir.wav");
    ck_assert_int_eq(mkdir(p, 0755), 0);
    struct player_report rep;
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EISDIR);
    ck_assert_ptr_nonnull(strstr(rep.reason, "directory"));
    rmdir(p);
    free(p);
}
END_TEST

START_TEST(test_missing_and_fifo)
{
    char *p = tmp_path("missing.wav");
    struct player_report rep;
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -ENOENT);
    /* a FIFO would block the decoder forever: refused */
    ck_assert_int_eq(mkfifo(p, 0644), 0);
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EINVAL);
    ck_assert_ptr_nonnull(strstr(rep.reason, "regular"));
    rm_tmp(p);
}
END_TEST

/* The probe (run on the daemon's loop) must not wait for a writer on a
 * FIFO: refused at once, naming the file. The old code blocked in open(). */
START_TEST(test_probe_fifo)
{
    char *p = tmp_path("probe-fifo.wav");
    ck_assert_int_eq(mkfifo(p, 0644), 0);
    struct probe_info pi;
    char err[512];
    alarm(5); /* a blocked open would hang the test: fail it instead */
    ck_assert_int_eq(probe_recording(p, &pi, err, sizeof err), -EINVAL);
    alarm(0);
    ck_assert_ptr_nonnull(strstr(err, p));
    ck_assert_ptr_nonnull(strstr(err, "regular"));
    rm_tmp(p);
}
END_TEST

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            n++;
    return n;
}

/* Every open recording's descriptor is closed again (libsndfile was
 * handed it with close_desc 0 and never closed it). */
START_TEST(test_no_fd_leak)
{
    char *p = tmp_path("fds.wav");
    write_sine(p, 48000, 2, 0.2, 440, -20, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    int before = count_fds();
    for (int i = 0; i < 10; i++) {
        struct decoder *d;
        char err[512];
        struct probe_info pi;
        ck_assert_int_eq(decoder_open(p, &d, err, sizeof err), 0);
        decoder_free(d);
        ck_assert_int_eq(probe_recording(p, &pi, err, sizeof err), 0);
    }
    ck_assert_int_eq(count_fds(), before);
    rm_tmp(p);
}
END_TEST

/* A WAV whose data chunk claims more than the file holds: libsndfile
 * reports only what is there; the probe says what the header claimed. */
START_TEST(test_probe_truncated_wav)
{
    char *p = tmp_path("short.wav");
    write_sine(p, 48000, 2, 2.0, 440, -20, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct probe_info pi;
    char err[512];
    ck_assert_int_eq(probe_recording(p, &pi, err, sizeof err), 0);
    ck_assert_int_eq(pi.header_frames, pi.frames);
    ck_assert_int_eq(probe_short_ms(&pi), 0);
    ck_assert_int_eq(truncate(p, file_size(p) / 2), 0);
    ck_assert_int_eq(probe_recording(p, &pi, err, sizeof err), 0);
    ck_assert_int_lt(pi.frames, 48000 + 100);
    ck_assert_int_eq(pi.header_frames, 96000);
    ck_assert_int_gt(probe_short_ms(&pi), 900);
    ck_assert_int_lt(probe_short_ms(&pi), 1100);
    /* one byte short of the last frame is not "shorter than its header" */
    write_sine(p, 48000, 2, 2.0, 440, -20, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    ck_assert_int_eq(truncate(p, file_size(p) - 1), 0);
    ck_assert_int_eq(probe_recording(p, &pi, err, sizeof err), 0);
    ck_assert_int_eq(probe_short_ms(&pi), 0);
    rm_tmp(p);
}
END_TEST

START_TEST(test_no_permission)
{
    /* tests run as root, who may read anything: the open is tried by a
     * child that became nobody */
    char *p = tmp_path("secret.wav");
    write_sine(p, 48000, 2, 0.2, 440, -20, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    ck_assert_int_eq(chmod(p, 0600), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
            _exit(3);
        if (geteuid() != 0 && getuid() != 0) {
            struct decoder *d;
            char err[512];
            int rc = decoder_open(p, &d, err, sizeof err);
            _exit(rc == -EACCES && strstr(err, "ermission") ? 0 : 1);
        }
        _exit(2);
    }
    int st;
    waitpid(pid, &st, 0);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
    rm_tmp(p);
}
END_TEST

/* A WAV header with chosen channels and rate over 1 s of silence. */
static void write_wav_header(const char *path, int channels, unsigned rate)
{
    unsigned char h[44 + 400] = {0};
    unsigned data = 400, block = (unsigned)channels * 2;
    memcpy(h, "RIFF", 4);
    unsigned riff = 36 + data;
    memcpy(h + 4, &riff, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    unsigned fmt_len = 16, byte_rate = rate * block;
    unsigned short pcm = 1, ch = (unsigned short)channels, blk = (unsigned short)block,
                   bits = 16;
    memcpy(h + 16, &fmt_len, 4);
    memcpy(h + 20, &pcm, 2);
    memcpy(h + 22, &ch, 2);
    memcpy(h + 24, &rate, 4);
    memcpy(h + 28, &byte_rate, 4);
    memcpy(h + 32, &blk, 2);
    memcpy(h + 34, &bits, 2);
    memcpy(h + 36, "data", 4);
    memcpy(h + 40, &data, 4);
    write_bytes(path, h, sizeof h);
}

START_TEST(test_bad_headers)
{
    char *p = tmp_path("hdr.wav");
    struct player_report rep;
    write_wav_header(p, 0, 48000);
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EINVAL);
    write_wav_header(p, 2, 0);
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EINVAL);
    write_wav_header(p, 2, 2000000000u);
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EINVAL);
    ck_assert_ptr_nonnull(strstr(rep.reason, p));
    write_wav_header(p, 2, 7);
    ck_assert_int_eq(play_sync("null", p, true, 0, &rep), -EINVAL);
    rm_tmp(p);
}
END_TEST

START_TEST(test_truncated_wav)
{
    char *p = tmp_path("trunc.wav");
    struct player_report rep;
    write_sine(p, 44100, 2, 1.0, 440, -20, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    ck_assert_int_eq(truncate(p, file_size(p) / 2), 0);
    ck_assert_int_eq(outcome(p, 48000, &rep), 0);
    ck_assert_int_gt(rep.frames_played, 0);
    /* only part of the header left */
    ck_assert_int_eq(truncate(p, 30), 0);
    ck_assert_int_lt(outcome(p, 0, &rep), 0);
    rm_tmp(p);
}
END_TEST

START_TEST(test_truncated_flac)
{
    char *p = tmp_path("trunc.flac");
    struct player_report rep;
    write_sine(p, 44100, 2, 3.0, 440, -20, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    ck_assert_int_eq(truncate(p, file_size(p) * 2 / 5), 0);
    outcome(p, 3 * 48000, &rep);
    ck_assert_int_eq(truncate(p, 20), 0);
    ck_assert_int_lt(outcome(p, 0, &rep), 0);
    rm_tmp(p);
}
END_TEST

START_TEST(test_truncated_mp3)
{
    char *p = tmp_path("trunc.mp3");
    char *cmd = xasprintf("sox -n -r 44100 -c 2 '%s' synth 3 sine 440 gain -6 2>/dev/null", p);
    int sys = system(cmd);
    free(cmd);
    ck_assert_msg(sys == 0 && access(p, F_OK) == 0, "sox with MP3 support is needed");
    struct player_report rep;
    ck_assert_int_eq(outcome(p, 3 * 48000 + 4800, &rep), 0);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert_int_gt(rep.frames_played, 2 * 48000);
    ck_assert_int_eq(truncate(p, file_size(p) * 2 / 5), 0);
    outcome(p, 3 * 48000 + 4800, &rep);
    ck_assert_int_eq(truncate(p, 100), 0);
    outcome(p, 48000, &rep);
    rm_tmp(p);
}
END_TEST

START_TEST(test_formats_play)
{
    /* Ogg Vorbis, Opus, FLAC, 8-channel and 192 kHz recordings all play to
     * a 48 kHz stereo device at the right length */
    struct {
        const char *name;
        int rate, channels, format;
    } cases[] = {
        {"v.ogg", 44100, 2, SF_FORMAT_OGG | SF_FORMAT_VORBIS},
        {"o.opus", 48000, 1, SF_FORMAT_OGG | SF_FORMAT_OPUS},
        {"eight.wav", 48000, 8, SF_FORMAT_WAV | SF_FORMAT_PCM_16},
        {"hi.flac", 192000, 2, SF_FORMAT_FLAC | SF_FORMAT_PCM_24},
        {"six.wav", 44100, 6, SF_FORMAT_WAV | SF_FORMAT_FLOAT},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *p = tmp_path(cases[i].name);
        write_sine(p, cases[i].rate, cases[i].channels, 0.5, 1000, -20, cases[i].format);
        struct player_report rep;
        ck_assert_msg(play_sync("null", p, true, 0, &rep) == 0, "%s: %s", cases[i].name,
                      rep.reason);
        ck_assert_int_eq(rep.end, PLAYER_FINISHED);
        ck_assert_int_le(labs((long)rep.frames_played - 24000), 960);
        /* -20 dBFS at 1 kHz is about -20 LUFS: +4 dB to reach -16 */
        ck_assert_msg(fabs(rep.gain_db - 4.0) < 1.0, "%s gain %.2f", cases[i].name,
                      rep.gain_db);
        rm_tmp(p);
    }
}
END_TEST

START_TEST(test_deleted_while_playing)
{
    /* the open file keeps playing to its end: what was prepared airs */
    char *p = tmp_path("deleted.wav");
    write_sine(p, 48000, 2, 1.5, 440, -20, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null");
    struct player *pl;
    char err[512];
    ck_assert_int_eq(player_new(&o, &pl, err, sizeof err), 0);
    const char *files[] = {p};
    ck_assert_int_eq(player_prepare(pl, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(unlink(p), 0);
    ck_assert_int_eq(player_start_at(pl, 0), 0);
    struct player_report rep;
    wait_end(pl, &rep);
    ck_assert_int_eq(rep.end, PLAYER_FINISHED);
    ck_assert_int_eq(rep.frames_played, 72000);
    player_free(pl);
    free(p);
}
END_TEST

START_TEST(test_rewritten_while_playing)
{
    /* rewritten in place (same file, new bytes) after the first second:
     * the programme ends with a decode error naming it, it does not play
     * whatever the new bytes decode to */
    char *p = tmp_path("rewritten.wav");
    write_sine(p, 48000, 2, 4.0, 440, -20, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    struct player_opts o = test_opts("null");
    struct player *pl;
    char err[512];
    ck_assert_int_eq(player_new(&o, &pl, err, sizeof err), 0);
    const char *files[] = {p};
    ck_assert_int_eq(player_prepare(pl, files, 1, 0, err, sizeof err), 0);
    ck_assert_int_eq(player_start_at(pl, 0), 0);
    sleep_ms(200);
    const char junk[] = "overwritten by a careless copy";
    write_bytes(p, junk, sizeof junk); /* O_TRUNC: same inode, new size */
    struct player_report rep;
    wait_end(pl, &rep);
    ck_assert_int_eq(rep.end, PLAYER_DECODE_ERROR);
    ck_assert_ptr_nonnull(strstr(rep.reason, "changed"));
    ck_assert_int_lt(rep.frames_played, 4 * 48000);
    player_free(pl);
    rm_tmp(p);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("audio_bad");
    TCase *tc = tcase_create("bad");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_empty_file);
    tcase_add_test(tc, test_text_as_wav);
    tcase_add_test(tc, test_directory);
    tcase_add_test(tc, test_missing_and_fifo);
    tcase_add_test(tc, test_probe_fifo);
    tcase_add_test(tc, test_no_fd_leak);
    tcase_add_test(tc, test_probe_truncated_wav);
    tcase_add_test(tc, test_no_permission);
    tcase_add_test(tc, test_bad_headers);
    tcase_add_test(tc, test_truncated_wav);
    tcase_add_test(tc, test_truncated_flac);
    tcase_add_test(tc, test_truncated_mp3);
    tcase_add_test(tc, test_formats_play);
    tcase_add_test(tc, test_deleted_while_playing);
    tcase_add_test(tc, test_rewritten_while_playing);
    suite_add_tcase(s, tc);
    return s;
}
