/* Single-producer/single-consumer ring of interleaved float frames: the
 * decoder thread writes, the real-time callback reads. Lock-free, so the
 * callback never waits on the decoder. */
#ifndef LOAXA_RING_H
#define LOAXA_RING_H

#include <stddef.h>

struct ring;

/* Capacity is rounded up to a power of two frames. */
struct ring *ring_new(size_t frames, int channels);
void ring_free(struct ring *r);
/* Producer side. */
size_t ring_space(const struct ring *r);
size_t ring_write(struct ring *r, const float *src, size_t frames);
/* Consumer side (real-time safe: no allocation, no locks). */
size_t ring_fill(const struct ring *r);
size_t ring_read(struct ring *r, float *dst, size_t frames);
/* Only while neither side runs. */
void ring_reset(struct ring *r);

#endif
