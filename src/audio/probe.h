/* Reading a recording's length with libsndfile: for `loaxa check`, for
 * durations in `loaxa schedule`, `simulate` and loaxad's slot checks. The
 * header says it for WAV, FLAC and Ogg; an MP3's is an estimate (from the
 * file's size when it has no Xing/LAME length tag: up to 0.5 % off), so an
 * MP3 is decoded once to count what really plays, and the count is cached
 * by (device, inode, size, mtime) for the process. */
#ifndef LOAXA_PROBE_H
#define LOAXA_PROBE_H

#include <stddef.h>
#include <stdint.h>

struct stat;

struct probe_info {
    int64_t frames;          /* what decodes (an MP3: counted by decoding it) */
    int64_t header_frames;   /* what the header claims: more than frames when a WAV
                              * was cut short (probe_short_ms); else frames */
    int rate;
    int channels;
    int64_t duration_ms;
    int64_t estimate_frames; /* the stream's own estimate when frames was counted
                              * (MP3); else frames */
    char format[64];      /* e.g. "WAV (Microsoft) / Signed 16 bit PCM" */
};

/* Returns 0, or a negative code with libsndfile's reason in err
 * ("not a recording libsndfile can read: ..."). Refuses directories,
 * FIFOs and devices (never opened blocking), 0 channels, absurd rates and
 * empty files. */
int probe_recording(const char *path, struct probe_info *info, char *err, size_t errlen);

/* probe_recording without decoding: an MP3 not counted yet (in this
 * process) keeps its header's estimate (estimate_frames == frames). For a
 * thread that must not wait, e.g. loaxad's event loop; the count comes
 * from the planner thread's probe, or from the decoder. */
int probe_recording_quick(const char *path, struct probe_info *info, char *err, size_t errlen);

/* How much shorter (ms) the recording is than its header says; 0 when it
 * is whole (within a block). */
int64_t probe_short_ms(const struct probe_info *info);

/* For decode.c: the frames libsndfile decodes from the regular file open
 * on fd (st: its fstat), when its format's header is only an estimate
 * (MP3): counted by decoding it once, or from the cache. Returns -1 when
 * the header is exact (other formats), or the file is too large to count
 * (then the header's figure stands). Leaves fd's offset at 0. */
int64_t probe_decoded_frames(int fd, const struct stat *st);

#endif
