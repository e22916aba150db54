/* Header probe: libsndfile's own open, so a file that passes here is one
 * the decoder can open. An MP3 that libsndfile identifies is measured by
 * libmpg123 (mp3.h), as the decoder plays it: libsndfile's length is the
 * Xing/LAME tag's when there is one, else an estimate from the first
 * frame's bitrate and the file's size, and the estimate is what a
 * schedule, a slot check and a simulated log would otherwise use. */
#include "audio/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/mp3.h"
#include "core/i18n.h"

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* What a RIFF/WAVE header claims, in frames: libsndfile quietly clamps a
 * data chunk longer than the file to what is there, so a WAV cut short
 * (a copy that stopped half way) would air as a shorter recording with
 * no word. Other formats: frames (FLAC and others report the header's
 * length, and the decoder fails when the audio ends early). */
static int64_t wav_header_frames(int fd, const struct stat *st, int64_t frames)
{
    unsigned char b[4096];
    ssize_t n = pread(fd, b, sizeof b, 0);
    if (n < 12 || memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WAVE", 4) != 0)
        return frames;
    uint32_t block = 0;
    for (size_t pos = 12; pos + 8 <= (size_t)n;) {
        uint32_t size = le32(b + pos + 4);
        if (memcmp(b + pos, "fmt ", 4) == 0 && pos + 8 + 14 <= (size_t)n)
            block = (uint32_t)b[pos + 8 + 12] | (uint32_t)b[pos + 8 + 13] << 8;
        if (memcmp(b + pos, "data", 4) == 0) {
            int64_t avail = (int64_t)st->st_size - (int64_t)(pos + 8);
            /* 0 and 0xFFFFFFFF: a stream writer's "length unknown" */
            if (size == 0 || size == 0xFFFFFFFFu || avail <= 0 || block == 0 ||
                (int64_t)size <= avail + (int64_t)block)
                return frames;
            /* frames per block: 1 for PCM, more for ADPCM and the like */
            int64_t per = (int64_t)((double)frames * block / (double)avail + 0.5);
            return (int64_t)(size / block) * (per > 0 ? per : 1);
        }
        if (size > (uint32_t)n) /* the data chunk lies beyond what we read */
            return frames;
        pos += 8 + (size_t)size + (size & 1);
    }
    return frames;
}

static int probe(const char *path, struct probe_info *info, bool may_count, char *err,
                 size_t errlen)
{
    memset(info, 0, sizeof *info);
    /* non-blocking: opening a FIFO (or a device) must not wait for a
     * writer; only regular files are recordings, judged after the open */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        close(fd);
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, _("%s: is a directory, not a recording"), path);
        close(fd);
        return -EISDIR;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, _("%s: not a regular file"), path);
        close(fd);
        return -EINVAL;
    }
    if (st.st_size == 0) {
        snprintf(err, errlen, _("%s: empty file (0 bytes)"), path);
        close(fd);
        return -EINVAL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    SF_INFO sfi = {0};
    /* a dup that libsndfile closes: it closes the descriptor of a file it
     * refuses whatever close_desc says (1.2.0); fd stays ours */
    int sfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    SNDFILE *sf = sfd >= 0 ? sf_open_fd(sfd, SFM_READ, &sfi, 1) : NULL;
    if (!sf) {
        decoder_refused(fd, path, err, errlen);
        close(fd);
        return -EINVAL;
    }
    int rc = 0;
    if (sfi.channels < 1 || sfi.channels > 64) {
        snprintf(err, errlen, _("%s: unusable channel count %d"), path, sfi.channels);
        rc = -EINVAL;
    } else if (sfi.samplerate < 1000 || sfi.samplerate > 768000) {
        snprintf(err, errlen, _("%s: unusable sample rate %d Hz"), path, sfi.samplerate);
        rc = -EINVAL;
    } else if (sfi.frames <= 0) {
        snprintf(err, errlen, _("%s: the recording holds no audio"), path);
        rc = -EINVAL;
    } else {
        SF_FORMAT_INFO fi = {.format = sfi.format & SF_FORMAT_TYPEMASK};
        SF_FORMAT_INFO si = {.format = sfi.format & SF_FORMAT_SUBMASK};
        sf_command(NULL, SFC_GET_FORMAT_INFO, &fi, sizeof fi);
        sf_command(NULL, SFC_GET_FORMAT_INFO, &si, sizeof si);
        snprintf(info->format, sizeof info->format, "%s / %s", fi.name ? fi.name : "?",
                 si.name ? si.name : "?");
        info->frames = info->estimate_frames = sfi.frames;
        info->header_frames = wav_header_frames(fd, &st, sfi.frames);
        if ((sfi.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG) {
            struct mp3 *m = NULL;
            char why[512];
            if ((rc = mp3_open(fd, &st, may_count ? MP3_MEASURE : MP3_CACHED, &m, why,
                                  sizeof why)) < 0) {
                snprintf(err, errlen, "%s: %s", path, why);
                goto done;
            }
            /* not exact: quick and not measured yet, the estimate stands; or
             * too large to walk, where the decoder stops at mpg123's */
            if (mp3_exact(m) || may_count)
                info->frames = info->header_frames = mp3_frames(m);
            /* a copy that stopped half way: its tag says the whole (a
             * frame's worth of slack for an encoder's rounding) */
            int64_t tag = mp3_tag_frames(m);
            if (mp3_exact(m) && tag > info->frames + 1152)
                info->header_frames = tag;
            sfi.samplerate = mp3_rate(m);
            sfi.channels = mp3_channels(m);
            mp3_free(m);
        }
        info->rate = sfi.samplerate;
        info->channels = sfi.channels;
        info->duration_ms = info->frames * 1000 / sfi.samplerate;
        if (info->frames <= 0) {
            snprintf(err, errlen, _("%s: the recording holds no audio"), path);
            rc = -EINVAL;
        }
    }
done:
    sf_close(sf);
    close(fd);
    return rc;
}

int probe_recording(const char *path, struct probe_info *info, char *err, size_t errlen)
{
    return probe(path, info, true, err, errlen);
}

int probe_recording_quick(const char *path, struct probe_info *info, char *err, size_t errlen)
{
    return probe(path, info, false, err, errlen);
}

int64_t probe_short_ms(const struct probe_info *info)
{
    if (info->rate <= 0 || info->header_frames <= info->frames)
        return 0;
    return (info->header_frames - info->frames) * 1000 / info->rate;
}
