/* EBU R128 measurement of a recording (libebur128): integrated loudness
 * and true peak, cached in a small text file keyed by path, size and
 * modification time so each recording is analysed once. */
#ifndef LOAXA_LOUDNESS_H
#define LOAXA_LOUDNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loudness {
    double lufs;          /* integrated loudness; -HUGE_VAL for silence */
    double true_peak_db;  /* dBTP, highest over the channels */
};

/* Decodes the whole file. Mono is measured as dual mono, since it plays
 * on both loudspeaker channels; more than two channels are mixed down to
 * stereo as the player does. Returns 0 or negative with err set. */
int loudness_measure(const char *path, struct loudness *out, char *err, size_t errlen);

/* Like loudness_measure, through the cache file (NULL: no cache). A cache
 * that cannot be read or written is not an error. *cached tells whether
 * the figure came from it. When not cached, max_ms > 0 bounds the work to
 * the recording's first max_ms (an estimate, not cached). */
int loudness_get(const char *path, const char *cache, int64_t max_ms, struct loudness *out,
                 bool *cached, char *err, size_t errlen);

#endif
