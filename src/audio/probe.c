/* Header probe: libsndfile's own open, so a file that passes here is one
 * the decoder can open. An MP3's length is counted by decoding it (see
 * probe.h): libsndfile takes it from the Xing/LAME tag when there is one
 * (exact, encoder delay and padding removed), else estimates it from the
 * file's size, and the estimate is what a schedule, a slot check and a
 * simulated log would otherwise use. */
#include "audio/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/decode.h"
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

/* Counting decodes the whole file: about 0.18 s for 5 minutes of 128 kbit/s
 * stereo MP3 on the station's class of machine, once per file version. A
 * file larger than this (over 9 hours at 128 kbit/s) keeps its header's
 * estimate. */
#define COUNT_MAX_BYTES ((off_t)512 << 20)
#define CACHE_N 256

/* What was counted, by file version: shared by the probe (plan loading,
 * check, simulate) and the decoder (the player's threads). */
struct counted {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim;
    int64_t frames;
    int64_t held;       /* mpeg_samples, when more than plays; else 0 */
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

static bool cache_get(const struct stat *st, int64_t *frames, int64_t *held)
{
    bool hit = false;
    pthread_mutex_lock(&cache_mu);
    for (size_t i = 0; i < CACHE_N && !hit; i++) {
        if (same_file(&cache[i], st)) {
            *frames = cache[i].frames;
            *held = cache[i].held;
            hit = true;
        }
    }
    pthread_mutex_unlock(&cache_mu);
    return hit;
}

static void cache_put(const struct stat *st, int64_t frames, int64_t held)
{
    pthread_mutex_lock(&cache_mu);
    size_t slot = cache_next;
    for (size_t i = 0; i < CACHE_N; i++) {
        if (same_file(&cache[i], st) || (cache[i].used && cache[i].dev == st->st_dev &&
                                         cache[i].ino == st->st_ino)) {
            slot = i; /* the same file again, or an older version of it */
            break;
        }
    }
    if (slot == cache_next)
        cache_next = (cache_next + 1) % CACHE_N; /* full: the oldest goes */
    cache[slot] = (struct counted){st->st_dev, st->st_ino, st->st_size, st->st_mtim, frames, held,
                                 true};
    pthread_mutex_unlock(&cache_mu);
}

/* Formats whose header length is an estimate. */
static bool length_estimated(int format)
{
    return (format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
}

/* Decodes sf (open at its start) to its end: the frames libsndfile gives
 * the player. A decoding error ends the count where the player would stop
 * too. */
static int64_t count_frames(SNDFILE *sf, int channels)
{
    float buf[8192];
    sf_count_t per = (sf_count_t)(sizeof buf / sizeof buf[0]) / channels, got;
    int64_t n = 0;
    while ((got = sf_readf_float(sf, buf, per)) > 0)
        n += got;
    return n;
}

/* What an MP3 holds, in samples, walked from frame header to frame header
 * (Layer III; an ID3v2 tag skipped); the walk stops at the first thing
 * that is not a frame (an ID3v1 or APE tag, damage). Without a Xing/LAME
 * tag libsndfile stops decoding at its estimate, which for a variable
 * bitrate is taken from the first frame and can be a fraction of the file:
 * this says how much is left unplayed. 0 when it cannot tell. */
static int64_t mpeg_samples(int fd, off_t size)
{
    static const short br1[15] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    static const short br2[15] = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    static const int sr[3] = {44100, 48000, 32000};
    unsigned char b[10];
    off_t pos = 0;
    int64_t samples = 0;
    if (pread(fd, b, 10, 0) == 10 && memcmp(b, "ID3", 3) == 0) {
        if ((b[6] | b[7] | b[8] | b[9]) & 0x80)
            return 0;
        pos = 10 + ((off_t)b[6] << 21 | (off_t)b[7] << 14 | (off_t)b[8] << 7 | b[9]) +
              (b[5] & 0x10 ? 10 : 0); /* a footer */
    }
    while (pos + 4 <= size && pread(fd, b, 4, pos) == 4) {
        if (b[0] != 0xFF || (b[1] & 0xE0) != 0xE0)
            break;
        int ver = (b[1] >> 3) & 3, layer = (b[1] >> 1) & 3; /* ver 3: MPEG-1, 2, 0: 2.5 */
        int bri = b[2] >> 4, sri = (b[2] >> 2) & 3, pad = (b[2] >> 1) & 1;
        if (ver == 1 || layer != 1 || bri == 0 || bri == 15 || sri == 3)
            break; /* not Layer III, free format, reserved */
        int rate = sr[sri] >> (ver == 3 ? 0 : ver == 2 ? 1 : 2);
        int spf = ver == 3 ? 1152 : 576;
        int kbps = ver == 3 ? br1[bri] : br2[bri];
        pos += (off_t)(spf / 8) * kbps * 1000 / rate + pad;
        samples += spf;
    }
    return samples;
}

/* The counted length of sf's file (fd, st), from the cache or by decoding;
 * -1 when the header stands (an exact format, too large to count, or not
 * counted yet and !may_count). *held: what the file holds when that is
 * more than plays (else 0). */
static int64_t counted_frames(int fd, SNDFILE *sf, const SF_INFO *sfi, const struct stat *st,
                              bool may_count, int64_t *held)
{
    int64_t n;
    *held = 0;
    if (!length_estimated(sfi->format) || st->st_size > COUNT_MAX_BYTES || sfi->channels < 1 ||
        sfi->channels > 64)
        return -1;
    if (cache_get(st, &n, held))
        return n;
    if (!may_count)
        return -1;
    n = count_frames(sf, sfi->channels);
    if (n == sfi->frames) { /* decoded up to its estimate: there may be more */
        int64_t m = mpeg_samples(fd, st->st_size);
        if (m > n + sfi->samplerate / 2)
            *held = m;
    }
    cache_put(st, n, *held);
    return n;
}

int64_t probe_decoded_frames(int fd, const struct stat *st)
{
    int64_t n = -1, held;
    if (cache_get(st, &n, &held))
        return n;
    if (lseek(fd, 0, SEEK_SET) < 0)
        return -1;
    SF_INFO sfi = {0};
    int sfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    SNDFILE *sf = sfd >= 0 ? sf_open_fd(sfd, SFM_READ, &sfi, 1) : NULL;
    if (sf) {
        n = counted_frames(fd, sf, &sfi, st, true, &held);
        sf_close(sf);
    }
    lseek(fd, 0, SEEK_SET);
    return n;
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
        int64_t held;
        int64_t counted = counted_frames(fd, sf, &sfi, &st, may_count, &held);
        info->frames = counted >= 0 ? counted : sfi.frames;
        info->estimate_frames = sfi.frames;
        info->header_frames = counted >= 0 ? info->frames
                                           : wav_header_frames(fd, &st, sfi.frames);
        if (held > 0) /* libsndfile stops at its estimate: the rest never airs */
            info->header_frames = held;
        info->rate = sfi.samplerate;
        info->channels = sfi.channels;
        info->duration_ms = info->frames * 1000 / sfi.samplerate;
        if (info->frames <= 0) {
            snprintf(err, errlen, _("%s: the recording holds no audio"), path);
            rc = -EINVAL;
        }
    }
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
