/* Reading a recording's length with libsndfile: for `loaxa check`, for
 * durations in `loaxa schedule`, `simulate` and loaxad's slot checks. The
 * header says it for WAV, FLAC and Ogg; an MP3's is an estimate without a
 * Xing/LAME length tag (from the first frame's bitrate: a VBR file's can
 * be a fraction of it), so an MP3 is measured by libmpg123, which the
 * decoder plays it with: every frame header walked once (mpg123_scan),
 * cached by (device, inode, size, mtime) for the process. */
#ifndef LOAXA_PROBE_H
#define LOAXA_PROBE_H

#include <stddef.h>
#include <stdint.h>

struct stat;

struct probe_info {
    int64_t frames;          /* what decodes (an MP3: libmpg123's exact length) */
    int64_t header_frames;   /* what the header claims: more than frames when a WAV
                              * or an MP3 with a LAME tag was cut short
                              * (probe_short_ms); else frames */
    int rate;
    int channels;
    int64_t duration_ms;
    int64_t estimate_frames; /* libsndfile's figure: an MP3's estimate when frames
                              * was measured; else frames */
    char format[64];      /* e.g. "WAV (Microsoft) / Signed 16 bit PCM" */
};

/* Returns 0, or a negative code with libsndfile's reason in err
 * ("not a recording libsndfile can read: ..."). Refuses directories,
 * FIFOs and devices (never opened blocking), 0 channels, absurd rates and
 * empty files. */
int probe_recording(const char *path, struct probe_info *info, char *err, size_t errlen);

/* probe_recording without walking an MP3: one not measured yet (in this
 * process) keeps its header's estimate (estimate_frames == frames). For a
 * thread that must not wait, e.g. loaxad's event loop; the count comes
 * from the planner thread's probe, or from the decoder. */
int probe_recording_quick(const char *path, struct probe_info *info, char *err, size_t errlen);

/* How much shorter (ms) the recording is than its header says; 0 when it
 * is whole (within a block). */
int64_t probe_short_ms(const struct probe_info *info);

#endif
