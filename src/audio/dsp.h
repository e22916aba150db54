/* Signal processing between the decoder and the ring: channel mapping,
 * gain, resampling (libsoxr) and the loudness gain rule. */
#ifndef LOAXA_DSP_H
#define LOAXA_DSP_H

#include <stddef.h>

/* Maps n interleaved frames from in_ch to out_ch channels: fewer input
 * channels are repeated (mono goes to every output), more are mixed down
 * (5.1 with ITU-R BS.775 weights, others folded and averaged). */
void dsp_remix(const float *src, int in_ch, float *dst, int out_ch, size_t n);

/* Multiplies samples by a linear gain. */
void dsp_gain(float *buf, size_t samples, float gain);
double dsp_db_to_gain(double db);

/* The gain in dB that brings a recording of integrated loudness lufs and
 * true peak tp_db to target without its peak passing ceiling. Silence
 * (lufs not finite) gets 0 dB. */
double dsp_loudness_gain_db(double lufs, double tp_db, double target, double ceiling);

struct dsp_resampler;

/* Returns 0, or negative with libsoxr's reason in err. */
int dsp_resampler_new(int in_rate, int out_rate, int channels, struct dsp_resampler **out,
                      char *err, size_t errlen);
void dsp_resampler_free(struct dsp_resampler *r);
/* Feeds up to n input frames (src NULL: flush the tail) and writes at most
 * cap output frames. *used tells how many input frames were taken; returns
 * frames written. Call again with the rest while *used < n. */
size_t dsp_resample(struct dsp_resampler *r, const float *src, size_t n, size_t *used,
                    float *dst, size_t cap);

#endif
