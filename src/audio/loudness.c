/* Loudness measurement and its cache. The cache is one line per
 * measurement, "size<TAB>mtime_ns<TAB>lufs<TAB>dBTP<TAB>path", appended
 * with a single write() so two processes can share it; the last matching
 * line wins. */
#include "audio/loudness.h"

#include <ebur128.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "core/i18n.h"
#include "core/util.h"

enum { CHUNK = 4096 };

/* Measures at most max_ms (0: all); *whole tells whether it reached the end. */
static int measure(const char *path, int64_t max_ms, struct loudness *out, bool *whole,
                   char *err, size_t errlen)
{
    struct decoder *d = NULL;
    ebur128_state *st = NULL;
    float *buf = NULL, *mix = NULL;
    int rc = decoder_open(path, &d, err, errlen);
    if (rc < 0)
        return rc;
    /* measured as it will sound: more than two channels are mixed down
     * to stereo first, the way the player does */
    int src_ch = decoder_channels(d), ch = src_ch > 2 ? 2 : src_ch;
    st = ebur128_init((unsigned)ch, (unsigned long)decoder_rate(d),
                      EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    if (!st) {
        snprintf(err, errlen, _("%s: cannot measure loudness (%d channels, %d Hz)"), path,
                 src_ch, decoder_rate(d));
        rc = -EINVAL;
        goto out;
    }
    if (ch == 1)
        ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);
    int64_t left = max_ms > 0 ? max_ms * decoder_rate(d) / 1000 : INT64_MAX;
    *whole = true;
    buf = xmalloc(sizeof(float) * CHUNK * (size_t)src_ch);
    mix = src_ch > 2 ? xmalloc(sizeof(float) * CHUNK * 2) : NULL;
    for (;;) {
        if (left <= 0) {
            *whole = false;
            break;
        }
        long n = decoder_read(d, buf, left < CHUNK ? (size_t)left : CHUNK, err, errlen);
        if (n < 0) {
            rc = (int)n;
            goto out;
        }
        if (n == 0)
            break;
        left -= n;
        if (mix)
            dsp_remix(buf, src_ch, mix, 2, (size_t)n);
        if (ebur128_add_frames_float(st, mix ? mix : buf, (size_t)n) != EBUR128_SUCCESS) {
            snprintf(err, errlen, _("%s: cannot measure loudness"), path);
            rc = -EIO;
            goto out;
        }
    }
    double lufs = -HUGE_VAL, peak = 0;
    if (ebur128_loudness_global(st, &lufs) != EBUR128_SUCCESS)
        lufs = -HUGE_VAL;
    for (int c = 0; c < ch; c++) {
        double p = 0;
        if (ebur128_true_peak(st, (unsigned)c, &p) == EBUR128_SUCCESS && p > peak)
            peak = p;
    }
    out->lufs = lufs;
    out->true_peak_db = peak > 0 ? 20.0 * log10(peak) : -HUGE_VAL;
out:
    free(buf);
    free(mix);
    if (st)
        ebur128_destroy(&st);
    decoder_free(d);
    return rc;
}

int loudness_measure(const char *path, struct loudness *out, char *err, size_t errlen)
{
    bool whole;
    return measure(path, 0, out, &whole, err, errlen);
}

static bool cache_lookup(const char *cache, const char *path, const struct stat *st,
                         struct loudness *out)
{
    /* non-blocking and regular only: a FIFO put in its place must not
     * hold the daemon */
    int fd = open(cache, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat cst;
    if (fd < 0)
        return false;
    if (fstat(fd, &cst) < 0 || !S_ISREG(cst.st_mode)) {
        close(fd);
        return false;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return false;
    }
    char line[8192];
    bool found = false;
    int64_t mt = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    while (fgets(line, sizeof line, f)) {
        long long size, mtime;
        double l, p;
        int off = 0;
        if (sscanf(line, "%lld\t%lld\t%lf\t%lf\t%n", &size, &mtime, &l, &p, &off) != 4 || !off)
            continue;
        char *name = line + off;
        name[strcspn(name, "\n")] = 0;
        if (size == (long long)st->st_size && mtime == mt && strcmp(name, path) == 0) {
            out->lufs = l;
            out->true_peak_db = p;
            found = true;
        }
    }
    fclose(f);
    return found;
}

static void cache_store(const char *cache, const char *path, const struct stat *st,
                        const struct loudness *l)
{
    if (strchr(path, '\n'))
        return;
    int fd = open(cache, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
    struct stat cst;
    if (fd < 0)
        return;
    if (fstat(fd, &cst) < 0 || !S_ISREG(cst.st_mode)) {
        close(fd);
        return;
    }
    int64_t mt = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    /* "-inf" reads back through strtod, so silence caches too */
    char *line = xasprintf("%lld\t%lld\t%.3f\t%.3f\t%s\n", (long long)st->st_size,
                           (long long)mt, l->lufs, l->true_peak_db, path);
    ssize_t w = write(fd, line, strlen(line));
    (void)w; /* a cache we cannot write only costs a later re-measurement */
    free(line);
    close(fd);
}

int loudness_get(const char *path, const char *cache, int64_t max_ms, struct loudness *out,
                 bool *cached, char *err, size_t errlen)
{
    struct stat st;
    *cached = false;
    if (cache && stat(path, &st) == 0 && cache_lookup(cache, path, &st, out)) {
        *cached = true;
        return 0;
    }
    bool whole;
    int rc = measure(path, max_ms, out, &whole, err, errlen);
    if (rc == 0 && whole && cache && stat(path, &st) == 0)
        cache_store(cache, path, &st, out);
    return rc;
}
