/* How long finding an MP3's exact length takes: libmpg123's walk over the
 * frame headers (mpg123_scan, what the probe and the decoder do), a full
 * libmpg123 decode, and a full libsndfile decode (how the length was
 * counted before). Usage: bench-mp3-length FILE.mp3 [RUNS]; prints the
 * median of each. */
#include <fcntl.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/mp3.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static float buf[8192];

static long long run(int how, int fd, const struct stat *st)
{
    char err[512];
    long long n = 0;
    long got;
    struct mp3 *m = NULL;
    if (how == 2) { /* libsndfile decodes it all */
        SF_INFO si = {0};
        lseek(fd, 0, SEEK_SET); /* shared with the dup, which libsndfile reads */
        SNDFILE *sf = sf_open_fd(dup(fd), SFM_READ, &si, 1);
        if (!sf) {
            fprintf(stderr, "%s\n", sf_strerror(NULL));
            return -1;
        }
        sf_count_t g;
        while ((g = sf_readf_float(sf, buf, 8192 / si.channels)) > 0)
            n += g;
        sf_close(sf);
        return n;
    }
    if (mp3_open(fd, st, how == 0 ? MP3_SCAN : MP3_CACHED, &m, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (how == 0)
        n = mp3_frames(m);
    else
        while ((got = mp3_read(m, buf, 8192 / (size_t)mp3_channels(m), err, sizeof err)) > 0)
            n += got;
    mp3_free(m);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int runs = argc > 2 ? atoi(argv[2]) : 9;
    if (runs < 1 || runs > 1000)
        runs = 9;
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return 1;
    static const char *what[] = {"mpg123_scan (walk)", "libmpg123 full decode",
                                 "libsndfile full decode"};
    double *t = calloc((size_t)runs, sizeof *t);
    for (int how = 0; how < 3; how++) {
        long long n = 0;
        for (int i = 0; i < runs; i++) {
            double t0 = now();
            n = run(how, fd, &st);
            t[i] = now() - t0;
        }
        qsort(t, (size_t)runs, sizeof *t, cmp);
        printf("%-24s %9.2f ms median of %d (%lld frames)\n", what[how], t[runs / 2] * 1e3, runs,
               n);
    }
    free(t);
    return 0;
}
