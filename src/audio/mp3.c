/* libmpg123 reader (see mp3.h). Reads go through our own pread-based I/O
 * bounded by the size the file had when it was opened, so a file that
 * grows while it plays is never read past what was planned, and the
 * caller's descriptor keeps its offset (libsndfile shares it). */
#include "audio/mp3.h"

#include <errno.h>
#include <mpg123.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/util.h"

/* Walking every frame reads the whole file once without decoding it:
 * about 10 ms for five minutes at 128 kbit/s, where decoding it takes
 * 190 ms (tools/bench-mp3-length.sh). A file larger than this (over 9
 * hours at 128 kbit/s) keeps the stream's estimate. */
#define SCAN_MAX_BYTES ((off_t)512 << 20)
#define CACHE_N 256
/* Frames decoded before a seek's target: a Layer III frame takes its data
 * from up to 511 (MPEG-2: 255) bytes of earlier frames, which at a low
 * VBR bitrate is 6 frames back (MPEG-2, 16 kHz: 15), plus one for the
 * overlap. With libmpg123's default (2) the first seconds after a resume
 * came out wrong (tests/unit/test_probe.c, mp3_seeks_to_the_sample). */
#define SEEK_PREFRAMES 32
#define S16_CHUNK 4096 /* samples converted at a time when there is no float output */

struct io {
    int fd;
    off_t pos;
    off_t size; /* as opened: never read beyond */
};

struct mp3 {
    mpg123_handle *mh;
    struct io io;
    int rate, channels, enc;
    int64_t frames;
    int64_t tag_frames; /* what a LAME/Info tag claims, else -1 */
    bool exact;
    short *s16; /* when libmpg123 gives no float output */
};

/* ---- exact lengths by file version, shared by the probe (plan loading,
 * check, simulate) and the decoder (the player's threads) ---- */
struct counted {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim;
    int64_t frames;
    bool used;
};
static struct counted cache[CACHE_N];
static size_t cache_next;
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static bool same_file(const struct counted *c, const struct stat *st)
{
    return c->used && c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
           c->mtim.tv_sec == st->st_mtim.tv_sec && c->mtim.tv_nsec == st->st_mtim.tv_nsec;
}

static bool cache_get(const struct stat *st, int64_t *frames)
{
    bool hit = false;
    pthread_mutex_lock(&cache_mu);
    for (size_t i = 0; i < CACHE_N && !hit; i++) {
        if (same_file(&cache[i], st)) {
            *frames = cache[i].frames;
            hit = true;
        }
    }
    pthread_mutex_unlock(&cache_mu);
    return hit;
}

static void cache_put(const struct stat *st, int64_t frames)
{
    pthread_mutex_lock(&cache_mu);
    size_t slot = cache_next;
    for (size_t i = 0; i < CACHE_N; i++) {
        if (cache[i].used && cache[i].dev == st->st_dev && cache[i].ino == st->st_ino) {
            slot = i; /* the same file again, or an older version of it */
            break;
        }
    }
    if (slot == cache_next)
        cache_next = (cache_next + 1) % CACHE_N; /* full: the oldest goes */
    cache[slot] = (struct counted){st->st_dev, st->st_ino, st->st_size, st->st_mtim, frames, true};
    pthread_mutex_unlock(&cache_mu);
}

/* ---- I/O ---- */
static mpg123_ssize_t io_read(void *h, void *buf, size_t n)
{
    struct io *io = h;
    if (io->pos >= io->size)
        return 0;
    if (n > (size_t)(io->size - io->pos))
        n = (size_t)(io->size - io->pos);
    ssize_t r;
    do
        r = pread(io->fd, buf, n, io->pos);
    while (r < 0 && errno == EINTR);
    if (r > 0)
        io->pos += r;
    return r;
}

static off_t io_lseek(void *h, off_t off, int whence)
{
    struct io *io = h;
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? io->pos
                 : whence == SEEK_END ? io->size : -1;
    if (base < 0 || (off < 0 && -off > base) || (off > 0 && off > io->size - base)) {
        errno = EINVAL;
        return -1;
    }
    io->pos = base + off;
    return io->pos;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;
static void init_lib(void) { init_rc = mpg123_init(); }

static bool has_float(void)
{
    const int *list;
    size_t n;
    mpg123_encodings(&list, &n);
    for (size_t i = 0; i < n; i++)
        if (list[i] == MPG123_ENC_FLOAT_32)
            return true;
    return false;
}

void mp3_free(struct mp3 *m)
{
    if (!m)
        return;
    if (m->mh) {
        mpg123_close(m->mh);
        mpg123_delete(m->mh);
    }
    free(m->s16);
    free(m);
}

int mp3_open(int fd, const struct stat *st, enum mp3_length how, struct mp3 **out, char *err,
             size_t errlen)
{
    *out = NULL;
    pthread_once(&init_once, init_lib);
    if (init_rc != MPG123_OK) {
        snprintf(err, errlen, "libmpg123: %s", mpg123_plain_strerror(init_rc));
        return -EIO;
    }
    int e = MPG123_OK;
    struct mp3 *m = xcalloc(1, sizeof *m);
    m->io = (struct io){fd, 0, st->st_size};
    m->mh = mpg123_new(NULL, &e);
    if (!m->mh) {
        snprintf(err, errlen, "libmpg123: %s", mpg123_plain_strerror(e));
        free(m);
        return -EIO;
    }
    /* quiet: a library module never prints; gapless: a LAME tag's delay
     * and padding are trimmed; no Frankenstein: one stream of one format,
     * ending where its Info tag says (no format change half way) */
    m->enc = has_float() ? MPG123_ENC_FLOAT_32 : MPG123_ENC_SIGNED_16;
    const long *rates;
    size_t nrates;
    mpg123_rates(&rates, &nrates);
    if ((e = mpg123_param(m->mh, MPG123_ADD_FLAGS,
                          MPG123_QUIET | MPG123_GAPLESS | MPG123_NO_FRANKENSTEIN, 0)) !=
            MPG123_OK ||
        (e = mpg123_param(m->mh, MPG123_PREFRAMES, SEEK_PREFRAMES, 0)) != MPG123_OK ||
        (e = mpg123_format_none(m->mh)) != MPG123_OK)
        goto lib_fail;
    for (size_t i = 0; i < nrates; i++)
        if ((e = mpg123_format(m->mh, rates[i], MPG123_MONO | MPG123_STEREO, m->enc)) !=
            MPG123_OK)
            goto lib_fail;
    if ((e = mpg123_replace_reader_handle(m->mh, io_read, io_lseek, NULL)) != MPG123_OK ||
        (e = mpg123_open_handle(m->mh, &m->io)) != MPG123_OK)
        goto lib_fail;
    long rate;
    int channels, enc;
    if ((e = mpg123_getformat(m->mh, &rate, &channels, &enc)) != MPG123_OK)
        goto lib_fail;
    if (channels < 1 || channels > 2 || enc != m->enc || rate < 1000 || rate > 768000) {
        snprintf(err, errlen, _("cannot decode this MP3: %ld Hz, %d channels"), rate,
                 channels);
        mp3_free(m);
        return -EINVAL;
    }
    m->rate = (int)rate;
    m->channels = channels;
    if (m->enc != MPG123_ENC_FLOAT_32)
        m->s16 = xcalloc(S16_CHUNK, sizeof *m->s16);
    /* before any scan the length is the Info tag's when there is one; the
     * encoder delay is known only from a LAME tag, so a plain estimate
     * (no tag) is never taken for a claim */
    long delay = -1;
    double unused;
    off_t claimed = mpg123_length(m->mh);
    m->tag_frames = mpg123_getstate(m->mh, MPG123_ENC_DELAY, &delay, &unused) == MPG123_OK &&
                            delay >= 0 && claimed > 0
                        ? (int64_t)claimed
                        : -1;
    int64_t n;
    if (how != MP3_SCAN && cache_get(st, &n)) {
        m->exact = true;
    } else if (how != MP3_CACHED && st->st_size <= SCAN_MAX_BYTES) {
        /* every frame's header once (no decoding); the seek index fills
         * on the way, and the stream is back at its start */
        if ((e = mpg123_scan(m->mh)) != MPG123_OK)
            goto lib_fail;
        n = mpg123_length(m->mh);
        m->exact = n >= 0;
        if (m->exact)
            cache_put(st, n);
    } else {
        n = mpg123_length(m->mh); /* a Xing/LAME tag's, or from the file's size */
    }
    m->frames = n > 0 ? n : 0;
    *out = m;
    return 0;
lib_fail:
    snprintf(err, errlen, _("cannot decode this MP3: %s"),
             e == MPG123_ERR ? mpg123_strerror(m->mh) : mpg123_plain_strerror(e));
    mp3_free(m);
    return -EINVAL;
}

int mp3_rate(const struct mp3 *m) { return m->rate; }
int mp3_channels(const struct mp3 *m) { return m->channels; }
int64_t mp3_frames(const struct mp3 *m) { return m->frames; }
bool mp3_exact(const struct mp3 *m) { return m->exact; }
int64_t mp3_tag_frames(const struct mp3 *m) { return m->tag_frames; }

int mp3_seek(struct mp3 *m, int64_t frame, char *err, size_t errlen)
{
    off_t r = mpg123_seek(m->mh, (off_t)frame, SEEK_SET);
    if (r < 0) {
        snprintf(err, errlen, "%s", mpg123_strerror(m->mh));
        return -EIO;
    }
    return 0;
}

/* One mpg123_read into dst (bytes), through the format checks: 0 with
 * *done set, 1 at the end, or negative. */
static int read_some(struct mp3 *m, void *dst, size_t bytes, size_t *done, char *err,
                     size_t errlen)
{
    *done = 0;
    int r = mpg123_read(m->mh, dst, bytes, done);
    if (r == MPG123_OK)
        return 0;
    if (r == MPG123_DONE)
        return *done > 0 ? 0 : 1;
    if (r == MPG123_NEW_FORMAT) {
        long rate = 0;
        int ch = 0, enc = 0;
        if (mpg123_getformat(m->mh, &rate, &ch, &enc) != MPG123_OK || rate != m->rate ||
            ch != m->channels || enc != m->enc) {
            snprintf(err, errlen, _("the MP3 changes its sample rate or channels half "
                                    "way (%ld Hz, %d channels)"), rate, ch);
            return -EIO;
        }
        return 0;
    }
    snprintf(err, errlen, "%s", r == MPG123_ERR ? mpg123_strerror(m->mh)
                                                : mpg123_plain_strerror(r));
    return -EIO;
}

long mp3_read(struct mp3 *m, float *buf, size_t n, char *err, size_t errlen)
{
    size_t ch = (size_t)m->channels, want = n * ch, got = 0; /* samples */
    unsigned idle = 0;
    while (got < want) {
        size_t done = 0;
        int r;
        if (m->enc == MPG123_ENC_FLOAT_32) {
            r = read_some(m, buf + got, (want - got) * sizeof *buf, &done, err, errlen);
            got += done / sizeof *buf;
        } else {
            size_t k = want - got < S16_CHUNK ? want - got : S16_CHUNK;
            r = read_some(m, m->s16, k * sizeof *m->s16, &done, err, errlen);
            done /= sizeof *m->s16;
            for (size_t i = 0; i < done; i++)
                buf[got + i] = (float)m->s16[i] / 32768.0f;
            got += done;
        }
        if (r < 0)
            return got >= ch ? (long)(got / ch) : r; /* the error comes with the next read */
        if (r > 0 || (done == 0 && ++idle > 64)) /* the end, or no progress */
            break;
    }
    return (long)(got / ch);
}

