/* Helpers for the audio tests; see test_audio_util.h. */
#include "test_audio_util.h"

#include <check.h>
#include <math.h>
#include <poll.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

char *tmp_path(const char *name)
{
    return xasprintf("/tmp/loaxa-audio-%d-%s", (int)getpid(), name);
}

void rm_tmp(char *path)
{
    unlink(path);
    free(path);
}

void write_sine(const char *path, int rate, int channels, double seconds, double hz,
                double dbfs, int format)
{
    SF_INFO info = {.samplerate = rate, .channels = channels, .format = format};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    ck_assert_msg(sf != NULL, "%s: %s", path, sf_strerror(NULL));
    double amp = dbfs < -150 ? 0 : pow(10.0, dbfs / 20.0);
    long n = (long)(seconds * rate);
    float *buf = xmalloc(sizeof(float) * (size_t)channels * 1024);
    for (long i = 0; i < n; i += 1024) {
        long k = n - i < 1024 ? n - i : 1024;
        for (long j = 0; j < k; j++)
            for (int c = 0; c < channels; c++)
                buf[j * channels + c] = (float)(amp * sin(2 * M_PI * hz * (double)(i + j) / rate));
        sf_writef_float(sf, buf, k);
    }
    free(buf);
    sf_close(sf);
}

struct player_opts test_opts(const char *device)
{
    return (struct player_opts){
        .device = device, .latency_ms = 20, .normalize = true, .target_lufs = -16,
        .true_peak_db = -1, .fade_ms = 300,
    };
}

void wait_end(struct player *p, struct player_report *rep)
{
    for (int i = 0; i < 600; i++) {
        if (player_finished(p, rep))
            return;
        struct pollfd pfd = {.fd = player_fd(p), .events = POLLIN};
        poll(&pfd, 1, 100);
    }
    ck_abort_msg("the programme did not end within 60 s");
}

int play_sync(const char *device, const char *path, bool normalize, int64_t skip_ms,
              struct player_report *rep)
{
    struct player_opts o = test_opts(device);
    o.normalize = normalize;
    struct player *p;
    char err[1024];
    ck_assert_int_eq(player_new(&o, &p, err, sizeof err), 0);
    const char *files[] = {path};
    int rc = player_prepare(p, files, 1, skip_ms, err, sizeof err);
    if (rc == 0) {
        ck_assert_int_eq(player_start_at(p, 0), 0);
        wait_end(p, rep);
    } else {
        memset(rep, 0, sizeof *rep);
        util_strlcpy(rep->reason, err, sizeof rep->reason);
    }
    player_free(p);
    /* the output (a file:) is closed by the player's own thread */
    ck_assert_int_eq(player_wait_teardowns(10000), 0);
    return rc;
}

void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
