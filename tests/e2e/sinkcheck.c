/* sinkcheck: what came out of a sink, measured from a parec recording.
 *
 * Usage: sinkcheck REC.raw [SOURCE] [--t0 NS] [--rate HZ] [--planned MS] [--gain DB]
 *   REC.raw   raw s16le, 48 kHz, stereo (pulse_record in pulse.sh makes it)
 *   SOURCE    the recording that was played (any format libsndfile reads);
 *             it is resampled to 48 kHz and compared with what came out
 *   --t0 NS   wall-clock ns when the recording started (FILE.t0)
 *   --rate HZ the sink's own frames per second of the system clock, to map
 *             frames to times (FILE.clock's second field; default 48000)
 *   --planned MS  wall-clock ms the first sample was meant to sound
 * Prints key=value lines, one per figure:
 *   first_frame, last_frame  first and last non-zero frame of the recording
 *   duration_ms              from the first to the last non-zero frame
 *   start_ms, late_ms        wall time of the first non-zero frame, and its
 *                            distance from --planned (needs --t0)
 *   rms_dbfs, lufs           level of the sounding part
 *   source_ms, corr, lag     source length, best normalised correlation of
 *                            the two (mono sums) and the lag in frames
 *   source_active_ms         the source from its first to last non-silent
 *                            sample (compare with duration_ms)
 * Exit 0, or 1 when the recording is silent or unreadable. Silence from a
 * null-sink monitor is exact zeros, which is what makes the start exact. */
#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <soxr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000

static float *read_raw(const char *path, long *frames)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    *frames = bytes / 4;
    short *s = malloc((size_t)*frames * 4 + 4);
    float *x = malloc((size_t)*frames * 2 * sizeof(float) + 4);
    size_t got = fread(s, 4, (size_t)*frames, f);
    fclose(f);
    *frames = (long)got;
    for (long i = 0; i < *frames * 2; i++)
        x[i] = s[i] / 32768.0f;
    free(s);
    return x;
}

/* The source as 48 kHz mono (sum of channels / n). */
static float *read_source(const char *path, long *frames)
{
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf)
        return NULL;
    float *in = malloc((size_t)info.frames * (size_t)info.channels * sizeof(float));
    long n = (long)sf_readf_float(sf, in, info.frames);
    sf_close(sf);
    float *mono = malloc((size_t)n * sizeof(float) + 4);
    for (long i = 0; i < n; i++) {
        float s = 0;
        for (int c = 0; c < info.channels; c++)
            s += in[i * info.channels + c];
        mono[i] = s / (float)info.channels;
    }
    free(in);
    long cap = (long)((double)n * RATE / info.samplerate) + 4096;
    float *out = malloc((size_t)cap * sizeof(float));
    size_t odone = 0;
    soxr_error_t e = soxr_oneshot(info.samplerate, RATE, 1, mono, (size_t)n, NULL, out,
                                  (size_t)cap, &odone, NULL, NULL, NULL);
    free(mono);
    if (e) {
        free(out);
        return NULL;
    }
    *frames = (long)odone;
    return out;
}

static long first_above(const float *x, long n, float thr)
{
    for (long i = 0; i < n; i++)
        if (fabsf(x[i]) > thr)
            return i;
    return -1;
}

static double corr_at(const float *a, long na, const float *b, long nb, long lag, long len)
{
    double sab = 0, saa = 0, sbb = 0;
    for (long i = 0; i < len; i++) {
        long j = i + lag;
        if (i >= na || j < 0 || j >= nb)
            continue;
        sab += (double)a[i] * b[j];
        saa += (double)a[i] * a[i];
        sbb += (double)b[j] * b[j];
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

int main(int argc, char **argv)
{
    const char *rec = NULL, *src = NULL;
    double t0_ns = -1, planned_ms = -1, clock_rate = RATE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--t0") == 0 && i + 1 < argc)
            t0_ns = atof(argv[++i]);
        else if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
            clock_rate = atof(argv[++i]);
        else if (strcmp(argv[i], "--planned") == 0 && i + 1 < argc)
            planned_ms = atof(argv[++i]);
        else if (!rec)
            rec = argv[i];
        else
            src = argv[i];
    }
    if (!rec) {
        fprintf(stderr,
                "usage: sinkcheck REC.raw [SOURCE] [--t0 NS] [--rate HZ] [--planned MS]\n");
        return 2;
    }
    long n = 0;
    float *x = read_raw(rec, &n);
    if (!x) {
        perror(rec);
        return 1;
    }
    long first = -1, last = -1;
    for (long i = 0; i < n; i++)
        if (x[2 * i] != 0 || x[2 * i + 1] != 0) {
            if (first < 0)
                first = i;
            last = i;
        }
    printf("frames=%ld\nfirst_frame=%ld\nlast_frame=%ld\n", n, first, last);
    if (first < 0) {
        printf("silent=1\n");
        free(x);
        return 1;
    }
    printf("duration_ms=%.1f\n", (last - first + 1) * 1000.0 / RATE);
    if (t0_ns >= 0) {
        if (!(clock_rate > 0))
            clock_rate = RATE;
        double start = t0_ns / 1e6 + first * 1000.0 / clock_rate;
        printf("start_ms=%.1f\n", start);
        if (planned_ms >= 0)
            printf("late_ms=%.1f\n", start - planned_ms);
    }
    double ss = 0;
    for (long i = first; i <= last; i++)
        ss += (double)x[2 * i] * x[2 * i] + (double)x[2 * i + 1] * x[2 * i + 1];
    printf("rms_dbfs=%.2f\n", 10 * log10(ss / (2.0 * (double)(last - first + 1)) + 1e-20));
    ebur128_state *st = ebur128_init(2, RATE, EBUR128_MODE_I);
    ebur128_add_frames_float(st, x + 2 * first, (size_t)(last - first + 1));
    double lufs;
    if (ebur128_loudness_global(st, &lufs) == EBUR128_SUCCESS)
        printf("lufs=%.2f\n", lufs);
    ebur128_destroy(&st);
    if (src) {
        long ns = 0;
        float *s = read_source(src, &ns);
        if (!s) {
            fprintf(stderr, "sinkcheck: cannot read %s\n", src);
            free(x);
            return 1;
        }
        printf("source_ms=%.1f\n", ns * 1000.0 / RATE);
        long sf0 = first_above(s, ns, 1.0f / 32768), sl = ns - 1;
        while (sl > 0 && fabsf(s[sl]) <= 1.0f / 32768)
            sl--;
        if (sf0 >= 0)
            printf("source_active_ms=%.1f\n", (sl - sf0 + 1) * 1000.0 / RATE);
        long len = last - first + 1;
        float *m = malloc((size_t)len * sizeof(float));
        for (long i = 0; i < len; i++)
            m[i] = (x[2 * (first + i)] + x[2 * (first + i) + 1]) / 2;
        /* align the onsets, then search a few ms either way on the first
         * two seconds, then correlate everything at the best lag */
        long s0 = first_above(s, ns, 1.0f / 32768), best_lag = 0;
        double best = -2;
        long probe = len < 2 * RATE ? len : 2 * RATE;
        for (long lag = s0 - 480; lag <= s0 + 480; lag++) {
            double c = corr_at(m, len, s, ns, lag, probe);
            if (c > best) {
                best = c;
                best_lag = lag;
            }
        }
        printf("lag=%ld\ncorr=%.4f\n", best_lag, corr_at(m, len, s, ns, best_lag, len));
        free(m);
        free(s);
    }
    free(x);
    return 0;
}
