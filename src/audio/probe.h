/* Reading a recording's header with libsndfile, without decoding it:
 * for `loaxa check`, for durations in `loaxa schedule` and `simulate`. */
#ifndef LOAXA_PROBE_H
#define LOAXA_PROBE_H

#include <stddef.h>
#include <stdint.h>

struct probe_info {
    int64_t frames;          /* what decodes */
    int64_t header_frames;   /* what the header claims: more than frames when a WAV
                              * was cut short (probe_short_ms); else frames */
    int rate;
    int channels;
    int64_t duration_ms;
    char format[64];      /* e.g. "WAV (Microsoft) / Signed 16 bit PCM" */
};

/* Returns 0, or a negative code with libsndfile's reason in err
 * ("not a recording libsndfile can read: ..."). Refuses directories,
 * FIFOs and devices (never opened blocking), 0 channels, absurd rates and
 * empty files. */
int probe_recording(const char *path, struct probe_info *info, char *err, size_t errlen);

/* How much shorter (ms) the recording is than its header says; 0 when it
 * is whole (within a block). */
int64_t probe_short_ms(const struct probe_info *info);

#endif
