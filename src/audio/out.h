/* The contract between the player and its output backends (PortAudio,
 * file, null). For backend authors only; the rest of loaxa sees player.h.
 *
 * Threads: out_open/out_start/out_check/out_close are called from one
 * control thread. The backend calls render() from its own thread (the
 * PortAudio callback, or a pacing thread) until out_close returns. */
#ifndef LOAXA_OUT_H
#define LOAXA_OUT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills buf with frames interleaved frames. dac_ns is the wall-clock time
 * (CLOCK_REALTIME, ns) at which buf's first frame reaches the converter.
 * Returns how many frames of programme (not padding silence) it wrote,
 * starting at frame *first. Real-time: no allocation, locks, I/O. */
typedef unsigned long (*out_render_fn)(void *ud, float *buf, unsigned long frames,
                                       int64_t dac_ns, unsigned long *first);

struct out;

struct out_driver {
    const char *name;
    /* arg: the device setting without the driver prefix. Sets o->rate,
     * o->channels, o->latency_ms, o->name; o->priv is the driver's. */
    int (*open)(struct out *o, const char *arg, char *err, size_t errlen);
    int (*start)(struct out *o, char *err, size_t errlen);
    /* 0 while healthy; negative with err when the device is gone. May be NULL. */
    int (*check)(struct out *o, char *err, size_t errlen);
    void (*close)(struct out *o);
};

struct out {
    const struct out_driver *drv;
    void *priv;
    int rate, channels;
    int latency_ms;         /* asked for */
    double out_latency_ms;  /* reported by the backend */
    char name[128];
    out_render_fn render;
    void *ud;
    atomic_int xruns;       /* underflows the device itself reported */
};

extern const struct out_driver out_driver_null, out_driver_file, out_driver_portaudio;

/* Chooses the driver from the device setting: "null[:opts]", "file:PATH.wav",
 * anything else PortAudio. Returns 0 or negative (-ENODEV: no device). */
int out_open(const char *device, int latency_ms, out_render_fn render, void *ud,
             struct out **out, char *err, size_t errlen);
int out_start(struct out *o, char *err, size_t errlen);
int out_check(struct out *o, char *err, size_t errlen);
void out_close(struct out *o);

/* PortAudio's device list, for player_list_devices. */
int out_portaudio_list(int (*cb)(int index, const char *name, const char *host_api,
                                 int channels, double default_rate, bool is_default, void *ud),
                       void *ud, char *err, size_t errlen);

/* Wall clock in ns (CLOCK_REALTIME), for the backends' DAC times. */
int64_t out_wall_ns(void);

/* The paced thread shared by the null and file outputs: calls render every
 * period in real time; sink, if set, receives the programme frames. */
struct out_paced;
typedef int (*out_sink_fn)(void *sink_ud, const float *buf, unsigned long frames);
struct out_paced *out_paced_new(struct out *o, out_sink_fn sink, void *sink_ud,
                                int64_t fail_after_ms);
int out_paced_start(struct out_paced *p, char *err, size_t errlen);
int out_paced_check(struct out_paced *p, char *err, size_t errlen);
void out_paced_free(struct out_paced *p);

#endif
