/* MP3 (MPEG audio) through libmpg123, for decode.c and probe.c only:
 * libsndfile estimates an untagged file's length from its first frame and
 * stops decoding there, so a VBR file from a phone airs a fraction of
 * itself. libmpg123 walks every frame (mpg123_scan) for the exact length
 * and decodes gaplessly (a LAME tag's encoder delay and padding trimmed);
 * the probe's length and what the decoder yields are the same number. */
#ifndef LOAXA_AUDIO_MP3_H
#define LOAXA_AUDIO_MP3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stat;
struct mp3;

/* How mp3_open finds the length. Walking every frame (mpg123_scan) gives
 * it exact, and is what makes decoding agree with it: libmpg123 trims a
 * LAME tag's delay only when the walk finds the file as long as its tag
 * says, so the decoder walks the file it plays. */
enum mp3_length {
    MP3_CACHED,  /* an exact length already cached, else the stream's estimate */
    MP3_MEASURE, /* cached, else walked (and cached) */
    MP3_SCAN,    /* walked (and cached): for decoding */
};

/* Opens the MP3 on the regular file fd (st: its fstat) for reading from
 * its start; fd stays the caller's (read with pread: its offset is never
 * used). A file too large to walk keeps the stream's estimate (mp3_exact
 * false). Returns 0, or a negative code with libmpg123's reason in err. */
int mp3_open(int fd, const struct stat *st, enum mp3_length how, struct mp3 **out, char *err,
             size_t errlen);
void mp3_free(struct mp3 *m);
int mp3_rate(const struct mp3 *m);
int mp3_channels(const struct mp3 *m);
/* Frames that decode (after gapless trimming); exact when mp3_exact. */
int64_t mp3_frames(const struct mp3 *m);
bool mp3_exact(const struct mp3 *m);
/* What the file's LAME/Info tag says it holds (gapless), or -1 without
 * one: more than mp3_frames when the file was cut short. */
int64_t mp3_tag_frames(const struct mp3 *m);
/* Seeks to a frame (0 <= frame); returns 0 or negative with err. */
int mp3_seek(struct mp3 *m, int64_t frame, char *err, size_t errlen);
/* Reads up to n interleaved float frames: frames read, 0 at the end of
 * the stream, or negative with libmpg123's reason in err. */
long mp3_read(struct mp3 *m, float *buf, size_t n, char *err, size_t errlen);

#endif
