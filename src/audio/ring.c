/* SPSC ring: each index is written by one side only, so an acquire load of
 * the other side's index and a release store of our own are enough. The
 * indices run freely (mod 2^64) and are masked on access. */
#include "audio/ring.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct ring {
    float *buf;
    size_t mask;       /* capacity - 1, in frames */
    int channels;
    _Atomic size_t head; /* frames written (producer) */
    _Atomic size_t tail; /* frames read (consumer) */
};

struct ring *ring_new(size_t frames, int channels)
{
    size_t cap = 1;
    while (cap < frames)
        cap <<= 1;
    struct ring *r = xcalloc(1, sizeof *r);
    r->buf = xcalloc(cap * (size_t)channels, sizeof(float));
    r->mask = cap - 1;
    r->channels = channels;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return r;
}

void ring_free(struct ring *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

size_t ring_space(const struct ring *r)
{
    size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    return r->mask + 1 - (h - t);
}

size_t ring_fill(const struct ring *r)
{
    size_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    return h - t;
}

/* Copies n frames between the ring at frame index pos and a linear buffer,
 * in at most two pieces around the wrap. */
static void copy_in(struct ring *r, size_t pos, const float *src, size_t n)
{
    size_t ch = (size_t)r->channels, cap = r->mask + 1, at = pos & r->mask;
    size_t first = n < cap - at ? n : cap - at;
    memcpy(r->buf + at * ch, src, first * ch * sizeof(float));
    if (n > first)
        memcpy(r->buf, src + first * ch, (n - first) * ch * sizeof(float));
}

static void copy_out(const struct ring *r, size_t pos, float *dst, size_t n)
{
    size_t ch = (size_t)r->channels, cap = r->mask + 1, at = pos & r->mask;
    size_t first = n < cap - at ? n : cap - at;
    memcpy(dst, r->buf + at * ch, first * ch * sizeof(float));
    if (n > first)
        memcpy(dst + first * ch, r->buf, (n - first) * ch * sizeof(float));
}

size_t ring_write(struct ring *r, const float *src, size_t frames)
{
    size_t space = ring_space(r);
    size_t n = frames < space ? frames : space;
    if (n == 0)
        return 0;
    size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    copy_in(r, h, src, n);
    atomic_store_explicit(&r->head, h + n, memory_order_release);
    return n;
}

size_t ring_read(struct ring *r, float *dst, size_t frames)
{
    size_t fill = ring_fill(r);
    size_t n = frames < fill ? frames : fill;
    if (n == 0)
        return 0;
    size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    copy_out(r, t, dst, n);
    atomic_store_explicit(&r->tail, t + n, memory_order_release);
    return n;
}

void ring_reset(struct ring *r)
{
    atomic_store(&r->head, 0);
    atomic_store(&r->tail, 0);
}
