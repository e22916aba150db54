/* The null output, and the real-time pacing it shares with the file
 * output: a thread renders one period every period of wall time, so a
 * programme lasts as long as on a sound card and the daemon sees the same
 * timing. Options ("null:rate=44100,channels=1,fail-after=500") let tests
 * pick a format and simulate a device lost after some milliseconds, or
 * (stall-after=MS) a wedged one that silently stops taking frames, or
 * (open-delay=MS, close-delay=MS) an audio server that does not answer
 * for a while when a stream is opened or closed. */
#include "audio/out.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"

struct out_paced {
    struct out *o;
    out_sink_fn sink;
    void *sink_ud;
    int64_t fail_after_ms;
    int64_t stall_after_ms;  /* null only: stop rendering, report nothing */
    int64_t close_delay_ms;  /* null only: a close that takes this long */
    pthread_t thread;
    bool running;
    atomic_bool quit;
    atomic_int failed;  /* 0, 1 simulated loss, 2 sink error */
    float *buf;
    unsigned long period;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *paced_main(void *arg)
{
    struct out_paced *p = arg;
    struct out *o = p->o;
    int64_t period_ns = (int64_t)p->period * 1000000000 / o->rate;
    int64_t t0 = mono_ns(), next = t0;
    while (!atomic_load(&p->quit)) {
        int64_t now = mono_ns();
        if (p->fail_after_ms > 0 && now - t0 >= p->fail_after_ms * 1000000) {
            atomic_store(&p->failed, 1);
            break;
        }
        if (p->stall_after_ms > 0 && now - t0 >= p->stall_after_ms * 1000000) {
            next += period_ns; /* wedged: no more frames taken, no error */
            struct timespec ts = {.tv_sec = next / 1000000000, .tv_nsec = next % 1000000000};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                ;
            continue;
        }
        unsigned long first = 0;
        unsigned long n = o->render(o->ud, p->buf, p->period, out_wall_ns() + (next - now),
                                    &first);
        if (n && p->sink && p->sink(p->sink_ud, p->buf + first * (unsigned long)o->channels,
                                    n) < 0) {
            atomic_store(&p->failed, 2);
            break;
        }
        next += period_ns;
        struct timespec ts = {.tv_sec = next / 1000000000, .tv_nsec = next % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
            ;
    }
    return NULL;
}

struct out_paced *out_paced_new(struct out *o, out_sink_fn sink, void *sink_ud,
                                int64_t fail_after_ms)
{
    struct out_paced *p = xcalloc(1, sizeof *p);
    p->o = o;
    p->sink = sink;
    p->sink_ud = sink_ud;
    p->fail_after_ms = fail_after_ms;
    int ms = o->latency_ms < 5 ? 5 : o->latency_ms;
    p->period = (unsigned long)o->rate * (unsigned long)ms / 1000;
    p->buf = xcalloc(p->period * (size_t)o->channels, sizeof(float));
    o->out_latency_ms = 0;
    atomic_init(&p->quit, false);
    atomic_init(&p->failed, 0);
    return p;
}

int out_paced_start(struct out_paced *p, char *err, size_t errlen)
{
    int e = pthread_create(&p->thread, NULL, paced_main, p);
    if (e) {
        snprintf(err, errlen, _("cannot start the output thread: %s"), strerror(e));
        return -e;
    }
    p->running = true;
    return 0;
}

int out_paced_check(struct out_paced *p, char *err, size_t errlen)
{
    switch (atomic_load(&p->failed)) {
    case 1:
        snprintf(err, errlen, _("output %s: device lost (simulated)"), p->o->name);
        return -ENODEV;
    case 2:
        snprintf(err, errlen, _("output %s: cannot write"), p->o->name);
        return -EIO;
    }
    return 0;
}

void out_paced_free(struct out_paced *p)
{
    if (!p)
        return;
    if (p->running) {
        atomic_store(&p->quit, true);
        pthread_join(p->thread, NULL);
    }
    free(p->buf);
    free(p);
}

/* Parses "key=value,..." options shared by null and tests. */
struct null_delays {
    int64_t open_ms, close_ms;
};

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int parse_opts(struct out *o, const char *arg, int64_t *fail_after,
                      int64_t *stall_after, struct null_delays *dl, char *err, size_t errlen)
{
    char *copy = xstrdup(arg), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long v = -1;
        char key[32];
        if (sscanf(tok, "%31[^=]=%ld", key, &v) != 2 || v < 0) {
            rc = -EINVAL;
        } else if (strcmp(key, "rate") == 0 && v >= 8000 && v <= 384000) {
            o->rate = (int)v;
        } else if (strcmp(key, "channels") == 0 && v >= 1 && v <= 8) {
            o->channels = (int)v;
        } else if (strcmp(key, "fail-after") == 0) {
            *fail_after = v;
        } else if (strcmp(key, "stall-after") == 0) {
            *stall_after = v;
        } else if (dl && strcmp(key, "open-delay") == 0 && v <= 600000) {
            dl->open_ms = v;
        } else if (dl && strcmp(key, "close-delay") == 0 && v <= 600000) {
            dl->close_ms = v;
        } else {
            rc = -EINVAL;
        }
        if (rc < 0) {
            /* stall-after and the delays (tests only) are left out of the message: its
             * translation stays as it is */
            snprintf(err, errlen, _("null output: bad option \"%s\" (rate=HZ, channels=N, "
                                    "fail-after=MS)"), tok);
            break;
        }
    }
    free(copy);
    return rc;
}

static int null_open(struct out *o, const char *arg, char *err, size_t errlen)
{
    int64_t fail_after = 0, stall_after = 0;
    o->rate = 48000;
    o->channels = 2;
    struct null_delays dl = {0};
    int rc = parse_opts(o, arg, &fail_after, &stall_after, &dl, err, errlen);
    if (rc < 0)
        return rc;
    if (dl.open_ms)
        sleep_ms(dl.open_ms);
    snprintf(o->name, sizeof o->name, "null");
    struct out_paced *p = out_paced_new(o, NULL, NULL, fail_after);
    p->stall_after_ms = stall_after;
    p->close_delay_ms = dl.close_ms;
    o->priv = p;
    return 0;
}

static int null_start(struct out *o, char *err, size_t errlen)
{
    return out_paced_start(o->priv, err, errlen);
}

static int null_check(struct out *o, char *err, size_t errlen)
{
    return out_paced_check(o->priv, err, errlen);
}

static void null_close(struct out *o)
{
    struct out_paced *p = o->priv;
    if (p->close_delay_ms)
        sleep_ms(p->close_delay_ms);
    out_paced_free(p);
}

const struct out_driver out_driver_null = {
    .name = "null", .open = null_open, .start = null_start, .check = null_check,
    .close = null_close,
};
