/* Fuzz target: a recording through what the player and `loaxa check` do
 * with it: open and decode (libsndfile, with our header checks), resample
 * to the output rate (libsoxr) and measure loudness (libebur128). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/loudness.h"
#include "fuzz_util.h"

enum {
    CHUNK = 1024,                 /* frames per decoder_read */
    OUT_RATE = 48000,
    MAX_SECONDS = 10,             /* of audio decoded per input */
    MAX_SAMPLES = 2 * 48000 * 10, /* and at most this many samples (64 channels...) */
};

static void resample_all(struct dsp_resampler *rs, const float *in, size_t n, int ch)
{
    static float out[CHUNK * 64 * 8]; /* room for 8x upsampling of a chunk */
    size_t cap = sizeof out / sizeof out[0] / (size_t)ch;
    for (;;) {
        size_t used = 0;
        size_t got = dsp_resample(rs, in, n, &used, out, cap);
        if (!in) {
            if (got == 0)
                break; /* the tail is out */
            continue;
        }
        in += used * (size_t)ch;
        n -= used;
        if (n == 0 || (used == 0 && got == 0))
            break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    char path[64], err[512];
    int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    struct decoder *d = NULL;
    struct dsp_resampler *rs = NULL;
    float *buf = NULL;
    if (decoder_open(path, &d, err, sizeof err) < 0)
        goto out;
    int ch = decoder_channels(d), rate = decoder_rate(d);
    if (dsp_resampler_new(rate, OUT_RATE, ch, &rs, err, sizeof err) < 0)
        goto out;
    buf = malloc(sizeof(float) * CHUNK * (size_t)ch);
    if (!buf)
        abort();
    int64_t left = (int64_t)rate * MAX_SECONDS;
    if (left > MAX_SAMPLES / ch)
        left = MAX_SAMPLES / ch;
    while (left > 0) {
        long n = decoder_read(d, buf, left < CHUNK ? (size_t)left : CHUNK, err, sizeof err);
        if (n <= 0)
            break;
        for (long i = 0; i < n * ch; i++)
            if (!(buf[i] >= -1.0f && buf[i] <= 1.0f))
                abort(); /* decoder_read promises clamped samples */
        resample_all(rs, buf, (size_t)n, ch);
        left -= n;
    }
    resample_all(rs, NULL, 0, ch);
    /* loudness reads the file again, bounded the same way */
    struct loudness l;
    bool cached;
    int64_t max_ms = (int64_t)MAX_SAMPLES * 1000 / ((int64_t)rate * ch);
    loudness_get(path, NULL, max_ms < 1 ? 1 : max_ms, &l, &cached, err, sizeof err);
out:
    free(buf);
    dsp_resampler_free(rs);
    decoder_free(d);
    close(fd);
    return 0;
}
