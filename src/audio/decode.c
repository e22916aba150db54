/* libsndfile reader. The file is opened by descriptor so that we can
 * fstat() it while it plays: a recording truncated or rewritten in place
 * ends the programme with a decode error instead of playing whatever the
 * new bytes decode to. A file deleted or replaced by rename keeps playing
 * the version that was opened, which is what the officer planned. */
#include "audio/decode.h"

#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/util.h"

struct decoder {
    SNDFILE *sf;
    SF_INFO info;
    int fd;
    char *path;
    struct stat st;     /* as opened */
    int64_t pos;        /* frames read so far */
    unsigned reads;
};

int decoder_open(const char *path, struct decoder **out, char *err, size_t errlen)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, _("%s: cannot open: %s"), path, strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        snprintf(err, errlen, _("%s: cannot open: %s"), path, strerror(e));
        close(fd);
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, _("%s: is a directory, not a recording"), path);
        close(fd);
        return -EISDIR;
    }
    if (!S_ISREG(st.st_mode)) {
        /* a FIFO or device could block the decoder forever */
        snprintf(err, errlen, _("%s: not a regular file"), path);
        close(fd);
        return -EINVAL;
    }
    if (st.st_size == 0) {
        snprintf(err, errlen, _("%s: empty file (0 bytes)"), path);
        close(fd);
        return -EINVAL;
    }
    /* back to blocking reads for libsndfile */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    struct decoder *d = xcalloc(1, sizeof *d);
    d->fd = fd;
    d->st = st;
    d->path = xstrdup(path);
    d->sf = sf_open_fd(fd, SFM_READ, &d->info, 0);
    int rc = 0;
    if (!d->sf) {
        snprintf(err, errlen, _("%s: not a recording libsndfile can read: %s"), path,
                 sf_strerror(NULL));
        rc = -EINVAL;
        goto fail;
    }
    if (d->info.channels < 1 || d->info.channels > 64) {
        snprintf(err, errlen, _("%s: unusable channel count %d"), path, d->info.channels);
        rc = -EINVAL;
        goto fail;
    }
    if (d->info.samplerate < 1000 || d->info.samplerate > 768000) {
        snprintf(err, errlen, _("%s: unusable sample rate %d Hz"), path, d->info.samplerate);
        rc = -EINVAL;
        goto fail;
    }
    if (d->info.frames <= 0) {
        snprintf(err, errlen, _("%s: the recording holds no audio"), path);
        rc = -EINVAL;
        goto fail;
    }
    *out = d;
    return 0;
fail:
    decoder_free(d);
    return rc;
}

void decoder_free(struct decoder *d)
{
    if (!d)
        return;
    if (d->sf)
        sf_close(d->sf); /* opened with close_desc 0: fd stays ours */
    if (d->fd >= 0)
        close(d->fd);
    free(d->path);
    free(d);
}

int decoder_rate(const struct decoder *d) { return d->info.samplerate; }
int decoder_channels(const struct decoder *d) { return d->info.channels; }
int64_t decoder_frames(const struct decoder *d) { return d->info.frames; }

int decoder_seek(struct decoder *d, int64_t frame, char *err, size_t errlen)
{
    if (frame <= 0)
        return 0;
    if (frame >= d->info.frames) {
        d->pos = d->info.frames;
        return 0;
    }
    if (sf_seek(d->sf, frame, SEEK_SET) < 0) {
        snprintf(err, errlen, _("%s: cannot seek: %s"), d->path, sf_strerror(d->sf));
        return -EIO;
    }
    d->pos = frame;
    return 0;
}

/* A recording changed under us: size or modification time moved. */
static bool changed(struct decoder *d)
{
    struct stat st;
    if (fstat(d->fd, &st) < 0)
        return true;
    return st.st_size != d->st.st_size || st.st_mtim.tv_sec != d->st.st_mtim.tv_sec ||
           st.st_mtim.tv_nsec != d->st.st_mtim.tv_nsec;
}

long decoder_read(struct decoder *d, float *buf, size_t n, char *err, size_t errlen)
{
    if (d->pos >= d->info.frames)
        return 0;
    if (n > (size_t)(d->info.frames - d->pos))
        n = (size_t)(d->info.frames - d->pos);
    /* fstat is cheap, but a few times a second is plenty */
    if ((d->reads++ & 15) == 0 && changed(d)) {
        snprintf(err, errlen, _("%s: the file was changed while playing"), d->path);
        return -ESTALE;
    }
    sf_count_t got = sf_readf_float(d->sf, buf, (sf_count_t)n);
    int e = sf_error(d->sf);
    if (got <= 0) {
        if (changed(d))
            snprintf(err, errlen, _("%s: the file was changed while playing"), d->path);
        else if (e != SF_ERR_NO_ERROR)
            snprintf(err, errlen, _("%s: decoding failed: %s"), d->path, sf_strerror(d->sf));
        else if (d->info.frames - d->pos < d->info.samplerate / 2) {
            /* compressed formats estimate their length; half a second
             * short of the header's figure is a normal end */
            d->pos = d->info.frames;
            return 0;
        } else
            snprintf(err, errlen, _("%s: the recording ends early (%.1f of %.1f s): "
                                    "truncated or damaged"),
                     d->path, (double)d->pos / d->info.samplerate,
                     (double)d->info.frames / d->info.samplerate);
        return -EIO;
    }
    /* libsndfile may hand back NaN or huge values from a damaged float
     * file; clamp so nothing absurd reaches the speaker */
    size_t total = (size_t)got * (size_t)d->info.channels;
    for (size_t i = 0; i < total; i++) {
        float v = buf[i];
        if (!(v >= -1.0f))
            buf[i] = v != v ? 0.0f : -1.0f;
        else if (v > 1.0f)
            buf[i] = 1.0f;
    }
    d->pos += got;
    return (long)got;
}
