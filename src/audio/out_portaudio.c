/* The PortAudio output, the only file that includes portaudio.h.
 *
 * Timing: the callback converts PortAudio's outputBufferDacTime into wall
 * clock by its distance from timeInfo->currentTime, added to the wall
 * clock read at the top of the callback. That keeps us independent of
 * which clock a host API uses for its stream time.
 *
 * PortAudio is initialised per stream and terminated when the stream
 * closes, so an idle player holds no device, and a card plugged in later
 * is found by the next programme. pa_users counts the holders (streams,
 * a device listing); when the last one lets go, what PortAudio leaves
 * behind is released too (pa_release_idle), so that an idle daemon with
 * a sound card costs about what it costs with the null device.
 *
 * Buffer: at least PA_MIN_LATENCY_MS, whatever smaller audio.latency_ms
 * asks. The start does not depend on it: the first sample is placed by
 * the DAC time of the buffer it falls in, so it is as exact with a large
 * buffer as with a small one; only the periods get longer, and with them
 * the intervals at which we and the audio server wake (with 20 ms, the
 * server did 2.5 times the work of the rest of the programme). It stays
 * below the daemon's revoke margin, so a revoke in time still finds none
 * of the programme queued.
 *
 * Threads: each programme opens and closes its stream on its own control
 * thread (player.c), so two may overlap. PortAudio's global state (its
 * initialisation count, host APIs, the list of open streams) is not
 * thread-safe: initialise, open, close and terminate hold pa_mu. Start
 * and abort touch only their own stream and stay outside it, so that a
 * stream stuck in them holds nobody else. */
#include "audio/out.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <portaudio.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/util.h"

struct pa_out {
    struct out *o;
    PaStream *stream;
    double latency_s;
    bool started;
    atomic_long callbacks;
    long seen_callbacks;
    int64_t seen_at_ns;   /* monotonic time the callback count last moved */
};

#define PA_MIN_LATENCY_MS 100

static pthread_mutex_t pa_mu = PTHREAD_MUTEX_INITIALIZER;
static int pa_users; /* successful pa_hold calls not yet let go; under pa_mu */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Pa_Initialize probes every ALSA card and JACK, and those libraries print
 * their complaints (missing JACK server, unknown surround PCMs) straight
 * to stderr. A library module must not print, so stderr goes to /dev/null
 * while it runs, unless LOAXA_AUDIO_DEBUG is set. JACK must not try to
 * start a server either. */
static PaError quiet_initialize(void)
{
    setenv("JACK_NO_START_SERVER", "1", 0);
    if (getenv("LOAXA_AUDIO_DEBUG"))
        return Pa_Initialize();
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && devnull >= 0)
        dup2(devnull, STDERR_FILENO);
    PaError e = Pa_Initialize();
    if (saved >= 0 && devnull >= 0)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (devnull >= 0)
        close(devnull);
    return e;
}

/* With pa_mu held: PortAudio initialised for one more user. */
static PaError pa_hold(void)
{
    PaError e = quiet_initialize();
    if (e == paNoError)
        pa_users++;
    return e;
}

/* ALSA keeps its parsed configuration (every file under alsa.conf.d)
 * cached for the next snd_pcm_open, and glibc keeps the arenas the
 * player's threads used. With nobody holding PortAudio, both go: the
 * configuration is read again by the next Pa_Initialize, before the
 * prepare window. libasound is reached through PortAudio, so it is
 * looked up rather than linked (absent, e.g. a JACK-only build: skipped). */
static void pa_release_idle(void)
{
    void (*free_global)(void) =
        (void (*)(void))(uintptr_t)dlsym(RTLD_DEFAULT, "snd_config_update_free_global");
    if (free_global)
        free_global();
    malloc_trim(0);
}

/* With pa_mu held: undoes one pa_hold. */
static void pa_let_go(void)
{
    Pa_Terminate();
    if (pa_users > 0 && --pa_users == 0)
        pa_release_idle();
}

static const char *pa_reason(PaError e)
{
    if (e == paUnanticipatedHostError) {
        const PaHostErrorInfo *hi = Pa_GetLastHostErrorInfo();
        if (hi && hi->errorText && *hi->errorText)
            return hi->errorText;
    }
    return Pa_GetErrorText(e);
}

#define NO_DEVICE_HINT \
    N_("set audio.device (flag --device) to another device from \"loaxa devices\", or to " \
       "file:PATH.wav or null to run without a sound card")

static bool icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* Device by index, exact name, or name substring (case-insensitive). */
static PaDeviceIndex find_device(const char *arg, char *err, size_t errlen)
{
    int count = Pa_GetDeviceCount();
    if (count <= 0) {
        snprintf(err, errlen, _("no audio output device found; %s"), _(NO_DEVICE_HINT));
        return paNoDevice;
    }
    if (!*arg || strcmp(arg, "default") == 0) {
        PaDeviceIndex d = Pa_GetDefaultOutputDevice();
        if (d == paNoDevice)
            snprintf(err, errlen, _("no default audio output device; %s"), _(NO_DEVICE_HINT));
        return d;
    }
    char *end;
    long idx = strtol(arg, &end, 10);
    if (end != arg && !*end) {
        const PaDeviceInfo *di = idx >= 0 && idx < count ? Pa_GetDeviceInfo((int)idx) : NULL;
        if (di && di->maxOutputChannels > 0)
            return (PaDeviceIndex)idx;
        snprintf(err, errlen, _("no output device number %ld; %s"), idx, _(NO_DEVICE_HINT));
        return paNoDevice;
    }
    PaDeviceIndex partial = paNoDevice;
    for (int i = 0; i < count; i++) {
        const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
        if (!di || di->maxOutputChannels <= 0 || !di->name)
            continue;
        if (strcasecmp(di->name, arg) == 0)
            return i;
        if (partial == paNoDevice && icontains(di->name, arg))
            partial = i;
    }
    if (partial == paNoDevice)
        snprintf(err, errlen, _("no output device matches \"%s\"; %s"), arg, _(NO_DEVICE_HINT));
    return partial;
}

static int pa_callback(const void *input, void *output, unsigned long frames,
                       const PaStreamCallbackTimeInfo *ti, PaStreamCallbackFlags flags,
                       void *ud)
{
    struct pa_out *p = ud;
    struct out *o = p->o;
    int64_t now = out_wall_ns();
    double ahead = ti->outputBufferDacTime - ti->currentTime;
    /* some host APIs leave the times at 0; fall back to the latency */
    if (ti->outputBufferDacTime == 0 || ahead < 0 || ahead > 4.0)
        ahead = p->latency_s;
    if (flags & paOutputUnderflow)
        atomic_fetch_add_explicit(&o->xruns, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->callbacks, 1, memory_order_relaxed);
    unsigned long first;
    o->render(o->ud, output, frames, now + (int64_t)(ahead * 1e9), &first);
    return paContinue;
}

static int pa_open_locked(struct out *o, const char *arg, char *err, size_t errlen)
{
    PaError e = pa_hold();
    if (e != paNoError) {
        snprintf(err, errlen, _("cannot start PortAudio: %s; %s"), pa_reason(e),
                 _(NO_DEVICE_HINT));
        return -ENODEV;
    }
    struct pa_out *p = xcalloc(1, sizeof *p);
    p->o = o;
    int rc = 0;
    PaDeviceIndex dev = find_device(arg, err, errlen);
    if (dev == paNoDevice) {
        rc = -ENODEV;
        goto fail;
    }
    const PaDeviceInfo *di = Pa_GetDeviceInfo(dev);
    const PaHostApiInfo *hi = Pa_GetHostApiInfo(di->hostApi);
    PaStreamParameters sp = {
        .device = dev,
        .channelCount = di->maxOutputChannels >= 2 ? 2 : 1,
        .sampleFormat = paFloat32,
        .suggestedLatency = (o->latency_ms > PA_MIN_LATENCY_MS ? o->latency_ms
                                                               : PA_MIN_LATENCY_MS) / 1000.0,
    };
    /* 48 kHz when the device takes it (most cards and PulseAudio run at
     * it, so nothing resamples after us), else the device's own rate */
    double rate = 48000;
    if (Pa_IsFormatSupported(NULL, &sp, rate) != paFormatIsSupported)
        rate = di->defaultSampleRate;
    e = Pa_OpenStream(&p->stream, NULL, &sp, rate, paFramesPerBufferUnspecified, paNoFlag,
                      pa_callback, p);
    if (e != paNoError) {
        snprintf(err, errlen, _("cannot open audio device \"%s\": %s"), di->name,
                 pa_reason(e));
        p->stream = NULL;
        rc = -EIO;
        goto fail;
    }
    const PaStreamInfo *si = Pa_GetStreamInfo(p->stream);
    o->rate = (int)(si && si->sampleRate > 0 ? si->sampleRate : rate);
    o->channels = sp.channelCount;
    o->out_latency_ms = si ? si->outputLatency * 1000.0 : o->latency_ms;
    p->latency_s = o->out_latency_ms / 1000.0;
    snprintf(o->name, sizeof o->name, "%s (%s)", di->name, hi ? hi->name : "?");
    o->priv = p;
    return 0;
fail:
    free(p);
    pa_let_go();
    return rc;
}

static int pa_open(struct out *o, const char *arg, char *err, size_t errlen)
{
    pthread_mutex_lock(&pa_mu);
    int rc = pa_open_locked(o, arg, err, errlen);
    pthread_mutex_unlock(&pa_mu);
    return rc;
}

static int pa_start(struct out *o, char *err, size_t errlen)
{
    struct pa_out *p = o->priv;
    p->seen_at_ns = mono_ns();
    PaError e = Pa_StartStream(p->stream);
    if (e != paNoError) {
        snprintf(err, errlen, _("cannot start audio device %s: %s"), o->name, pa_reason(e));
        return -EIO;
    }
    p->started = true;
    return 0;
}

/* The device is gone when the stream stopped by itself, or when the
 * callback has not run for far longer than a buffer. */
static int pa_check(struct out *o, char *err, size_t errlen)
{
    struct pa_out *p = o->priv;
    if (!p->started)
        return 0;
    PaError active = Pa_IsStreamActive(p->stream);
    if (active != 1) {
        snprintf(err, errlen, _("audio device %s stopped: %s"), o->name,
                 active < 0 ? pa_reason(active) : _("the stream ended"));
        return -EIO;
    }
    long n = atomic_load_explicit(&p->callbacks, memory_order_relaxed);
    int64_t now = mono_ns();
    if (n != p->seen_callbacks) {
        p->seen_callbacks = n;
        p->seen_at_ns = now;
    } else if (now - p->seen_at_ns > 2000000000LL + (int64_t)(p->latency_s * 4e9)) {
        snprintf(err, errlen, _("audio device %s stopped answering"), o->name);
        return -EIO;
    }
    return 0;
}

static void pa_close(struct out *o)
{
    struct pa_out *p = o->priv;
    /* abort, not stop: the programme is over and a lost device could
     * make a drain wait */
    if (p->stream)
        Pa_AbortStream(p->stream);
    pthread_mutex_lock(&pa_mu);
    if (p->stream)
        Pa_CloseStream(p->stream);
    pa_let_go();
    pthread_mutex_unlock(&pa_mu);
    free(p);
}

const struct out_driver out_driver_portaudio = {
    .name = "portaudio", .open = pa_open, .start = pa_start, .check = pa_check,
    .close = pa_close,
};

int out_portaudio_list(int (*cb)(int index, const char *name, const char *host_api,
                                 int channels, double default_rate, bool is_default, void *ud),
                       void *ud, char *err, size_t errlen)
{
    pthread_mutex_lock(&pa_mu);
    PaError e = pa_hold();
    if (e != paNoError) {
        pthread_mutex_unlock(&pa_mu);
        snprintf(err, errlen, _("cannot start PortAudio: %s"), pa_reason(e));
        return -ENODEV;
    }
    int rc = 0, count = Pa_GetDeviceCount();
    PaDeviceIndex def = Pa_GetDefaultOutputDevice();
    for (int i = 0; i < count && rc == 0; i++) {
        const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
        if (!di || di->maxOutputChannels <= 0)
            continue;
        const PaHostApiInfo *hi = Pa_GetHostApiInfo(di->hostApi);
        rc = cb(i, di->name, hi ? hi->name : "?", di->maxOutputChannels,
                di->defaultSampleRate, i == def, ud);
    }
    pa_let_go();
    pthread_mutex_unlock(&pa_mu);
    return rc;
}
