/* libsndfile reader, and libmpg123 (mp3.c) for the MP3s libsndfile
 * identifies: libsndfile's own MP3 decoding stops at an untagged VBR
 * file's estimated length, a fraction of the file. The file is opened by
 * descriptor so that we can fstat() it while it plays: a recording
 * truncated or rewritten in place ends the programme with a decode error
 * instead of playing whatever the new bytes decode to. A file deleted or replaced by rename keeps playing
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

#include "audio/mp3.h"
#include "core/i18n.h"
#include "core/util.h"

struct decoder {
    SNDFILE *sf;        /* or */
    struct mp3 *mp3;    /* an MP3 */
    SF_INFO info;       /* rate and channels (an MP3's from libmpg123) */
    int64_t frames;     /* what decodes: the header's, or an MP3's exact length */
    int fd;
    char *path;
    struct stat st;     /* as opened */
    int64_t pos;        /* frames read so far */
    unsigned reads;
};

/* Containers people bring that libsndfile does not decode, by their
 * magic bytes (format names are the same in every language). */
static const char *container_name(const unsigned char *b, size_t n)
{
    static const unsigned char asf[] = {0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11};
    if (n >= 12 && memcmp(b + 4, "ftyp", 4) == 0) {
        if (memcmp(b + 8, "3gp", 3) == 0 || memcmp(b + 8, "3g2", 3) == 0)
            return _("3GP (AAC or AMR)");
        return "MP4/M4A (AAC)";
    }
    if (n >= sizeof asf && memcmp(b, asf, sizeof asf) == 0)
        return "WMA/ASF";
    if (n >= 5 && memcmp(b, "#!AMR", 5) == 0)
        return "AMR";
    if (n >= 4 && memcmp(b, "\x1a\x45\xdf\xa3", 4) == 0)
        return "WebM/Matroska";
    if (n >= 4 && memcmp(b, ".RMF", 4) == 0)
        return "RealAudio";
    if (n >= 2 && b[0] == 0xFF && (b[1] & 0xF6) == 0xF0) /* ADTS: layer bits 00 */
        return "AAC";
    if (n >= 3 && (memcmp(b, "ID3", 3) == 0 || (b[0] == 0xFF && (b[1] & 0xE0) == 0xE0)))
        return "MP3";
    if (n >= 4 && memcmp(b, "OggS", 4) == 0)
        return _("Ogg (with a codec this build cannot decode)");
    return NULL;
}

void decoder_refused(int fd, const char *path, char *err, size_t errlen)
{
    char lib[256];
    snprintf(lib, sizeof lib, "%s", sf_strerror(NULL));
    size_t ll = strlen(lib);
    while (ll && (lib[ll - 1] == '.' || lib[ll - 1] == ' ' || lib[ll - 1] == '\n'))
        lib[--ll] = '\0';
    unsigned char b[16];
    ssize_t n = pread(fd, b, sizeof b, 0);
    const char *kind = container_name(b, n > 0 ? (size_t)n : 0);
    /* the example names this very file: "ffmpeg -i ghi-am.m4a ghi-am.wav" */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char wav[256];
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    if (stem > 200)
        stem = 200;
    snprintf(wav, sizeof wav, "%.*s.wav", stem, base);
    if (strcmp(wav, base) == 0) /* a .wav it cannot read: a new name */
        snprintf(wav, sizeof wav, "%.*s-pcm.wav", stem, base);
    if (kind)
        snprintf(err, errlen,
                 _("%s: a recording in %s format, which loaxa cannot play; convert it to WAV "
                   "first, e.g. ffmpeg -i \"%s\" \"%s\""),
                 path, kind, base, wav);
    else
        snprintf(err, errlen,
                 _("%s: not a recording libsndfile can read: %s; use WAV, FLAC or Ogg, or "
                   "convert it first, e.g. ffmpeg -i \"%s\" \"%s\""),
                 path, lib, base, wav);
}

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
    /* libsndfile gets a descriptor of its own (a dup) and closes it: it
     * closes the one it is given when it refuses a file even with
     * close_desc 0 (1.2.0), and ours would then be closed twice. */
    int sfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    int rc = 0;
    if (sfd < 0) {
        rc = -errno;
        snprintf(err, errlen, _("%s: cannot open: %s"), path, strerror(-rc));
        goto fail;
    }
    d->sf = sf_open_fd(sfd, SFM_READ, &d->info, 1);
    if (!d->sf) {
        decoder_refused(fd, path, err, errlen);
        rc = -EINVAL;
        goto fail;
    }
    if ((d->info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG) {
        /* libsndfile only identifies it: the length it would stop at is an
         * estimate. The same exact length as the probe's (mp3.h). */
        sf_close(d->sf);
        d->sf = NULL;
        char why[512];
        if ((rc = mp3_open(fd, &st, MP3_SCAN, &d->mp3, why, sizeof why)) < 0) {
            snprintf(err, errlen, "%s: %s", path, why);
            goto fail;
        }
        d->info.samplerate = mp3_rate(d->mp3);
        d->info.channels = mp3_channels(d->mp3);
        d->info.frames = mp3_frames(d->mp3);
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
    d->frames = d->info.frames;
    if (d->frames <= 0) {
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
        sf_close(d->sf); /* closes its dup; fd stays ours */
    mp3_free(d->mp3);
    if (d->fd >= 0)
        close(d->fd);
    free(d->path);
    free(d);
}

int decoder_rate(const struct decoder *d) { return d->info.samplerate; }
int decoder_channels(const struct decoder *d) { return d->info.channels; }
int64_t decoder_frames(const struct decoder *d) { return d->frames; }

int decoder_seek(struct decoder *d, int64_t frame, char *err, size_t errlen)
{
    if (frame <= 0)
        return 0;
    if (frame >= d->frames) {
        d->pos = d->frames;
        return 0;
    }
    if (d->mp3) {
        char why[256];
        if (mp3_seek(d->mp3, frame, why, sizeof why) < 0) {
            snprintf(err, errlen, _("%s: cannot seek: %s"), d->path, why);
            return -EIO;
        }
    } else if (sf_seek(d->sf, frame, SEEK_SET) < 0) {
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
    if (d->pos >= d->frames)
        return 0;
    if (n > (size_t)(d->frames - d->pos))
        n = (size_t)(d->frames - d->pos);
    /* fstat is cheap, but a few times a second is plenty */
    if ((d->reads++ & 15) == 0 && changed(d)) {
        snprintf(err, errlen, _("%s: the file was changed while playing"), d->path);
        return -ESTALE;
    }
    char why[512] = "";
    sf_count_t got;
    if (d->mp3) {
        long r = mp3_read(d->mp3, buf, n, why, sizeof why);
        got = r > 0 ? r : 0;
        if (r < 0 && !why[0])
            snprintf(why, sizeof why, "libmpg123");
    } else {
        got = sf_readf_float(d->sf, buf, (sf_count_t)n);
        if (sf_error(d->sf) != SF_ERR_NO_ERROR)
            snprintf(why, sizeof why, "%s", sf_strerror(d->sf));
    }
    if (got <= 0) {
        if (changed(d))
            snprintf(err, errlen, _("%s: the file was changed while playing"), d->path);
        else if (why[0])
            snprintf(err, errlen, _("%s: decoding failed: %s"), d->path, why);
        else if (d->frames - d->pos < d->info.samplerate / 2) {
            /* compressed formats estimate their length; half a second
             * short of the header's figure is a normal end */
            d->pos = d->frames;
            return 0;
        } else
            snprintf(err, errlen, _("%s: the recording ends early (%.1f of %.1f s): "
                                    "truncated or damaged"),
                     d->path, (double)d->pos / d->info.samplerate,
                     (double)d->frames / d->info.samplerate);
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
