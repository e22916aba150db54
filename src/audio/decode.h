/* Opening and reading one recording with libsndfile (an MP3: libmpg123),
 * with the checks that keep a broken file from reaching the speaker: a
 * directory, an empty or unreadable file, absurd headers, and a file
 * changed while it plays. */
#ifndef LOAXA_DECODE_H
#define LOAXA_DECODE_H

#include <stddef.h>
#include <stdint.h>

struct decoder;

/* Returns 0 or a negative code with err naming the file and the reason. */
int decoder_open(const char *path, struct decoder **out, char *err, size_t errlen);
void decoder_free(struct decoder *d);
int decoder_rate(const struct decoder *d);
int decoder_channels(const struct decoder *d);
/* Frames that decode: the header's, or an MP3's exact length (probe.h). */
int64_t decoder_frames(const struct decoder *d);
/* Seeks to a source frame; returns 0 or negative. */
int decoder_seek(struct decoder *d, int64_t frame, char *err, size_t errlen);
/* Reads up to n interleaved float frames. Returns frames read (0 at the
 * end), or a negative code with err set when the file is unreadable, ends
 * before its header said, or was rewritten while open. */
long decoder_read(struct decoder *d, float *buf, size_t n, char *err, size_t errlen);

/* The message for a file libsndfile refused (its first bytes read from
 * fd): what the file is when we can tell (MP4/M4A from phones and Zalo,
 * WMA, AMR, ...) and how to convert it, e.g. ffmpeg -i in.m4a in.wav. */
void decoder_refused(int fd, const char *path, char *err, size_t errlen);

#endif
