/* Channel mapping, gain and resampling. Everything here runs in the
 * decoder thread, never in the real-time callback. */
#include "audio/dsp.h"

#include <errno.h>
#include <math.h>
#include <soxr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

void dsp_remix(const float *src, int in_ch, float *dst, int out_ch, size_t n)
{
    if (in_ch == out_ch) {
        memcpy(dst, src, n * (size_t)in_ch * sizeof(float));
        return;
    }
    for (size_t f = 0; f < n; f++) {
        const float *s = src + f * (size_t)in_ch;
        float *d = dst + f * (size_t)out_ch;
        if (in_ch < out_ch) {
            for (int j = 0; j < out_ch; j++)
                d[j] = s[j % in_ch];
        } else if (in_ch == 6 && out_ch == 2) {
            /* L R C LFE Ls Rs; the LFE is left out, as BS.775 does, and
             * the sum scaled so a full-scale signal cannot clip */
            const float k = 0.70710678f, norm = 1.0f / (1.0f + 2.0f * 0.70710678f);
            d[0] = (s[0] + k * s[2] + k * s[4]) * norm;
            d[1] = (s[1] + k * s[2] + k * s[5]) * norm;
        } else {
            for (int j = 0; j < out_ch; j++) {
                float sum = 0;
                int cnt = 0;
                for (int i = j; i < in_ch; i += out_ch) {
                    sum += s[i];
                    cnt++;
                }
                d[j] = sum / (float)cnt;
            }
        }
    }
}

void dsp_gain(float *buf, size_t samples, float gain)
{
    if (gain == 1.0f)
        return;
    for (size_t i = 0; i < samples; i++)
        buf[i] *= gain;
}

double dsp_db_to_gain(double db)
{
    return pow(10.0, db / 20.0);
}

double dsp_loudness_gain_db(double lufs, double tp_db, double target, double ceiling)
{
    if (!isfinite(lufs))
        return 0.0;
    double g = target - lufs;
    if (isfinite(tp_db) && tp_db + g > ceiling)
        g = ceiling - tp_db;
    return g;
}

struct dsp_resampler {
    soxr_t soxr;
    int channels;
};

int dsp_resampler_new(int in_rate, int out_rate, int channels, struct dsp_resampler **out,
                      char *err, size_t errlen)
{
    soxr_error_t e = NULL;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    /* HQ (20-bit) is transparent for speech and music on loudspeakers and
     * costs a fraction of VHQ */
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    soxr_t s = soxr_create(in_rate, out_rate, (unsigned)channels, &e, &io, &q, &rt);
    if (!s || e) {
        snprintf(err, errlen, _("cannot resample %d Hz to %d Hz: %s"), in_rate, out_rate,
                 e ? e : "soxr");
        soxr_delete(s);
        *out = NULL;
        return -EINVAL;
    }
    struct dsp_resampler *r = xcalloc(1, sizeof *r);
    r->soxr = s;
    r->channels = channels;
    *out = r;
    return 0;
}

void dsp_resampler_free(struct dsp_resampler *r)
{
    if (!r)
        return;
    soxr_delete(r->soxr);
    free(r);
}

size_t dsp_resample(struct dsp_resampler *r, const float *src, size_t n, size_t *used,
                    float *dst, size_t cap)
{
    size_t idone = 0, odone = 0;
    soxr_process(r->soxr, src, src ? n : 0, &idone, dst, cap, &odone);
    *used = idone;
    return odone;
}
