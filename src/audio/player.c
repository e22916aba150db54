/* The player: one programme at a time.
 *
 * Threads and who writes what:
 * - the caller (daemon loop or `loaxa play`) calls the public functions;
 *   none of them blocks on the output (player_prepare, the synchronous
 *   form, waits for the preparation on purpose);
 * - the programme's control thread prepares (opens and measures the
 *   recordings, opens and starts the output: calls that a wedged audio
 *   server can hold for as long as it likes), then joins the worker when
 *   the programme ends and closes the output. Once the caller has let go
 *   (player_free), the control thread frees the player itself when its
 *   teardown returns; one that never returns is leaked on purpose;
 * - the worker thread decodes, resamples and applies gain into the ring,
 *   and watches the device's health;
 * - the output's render callback copies from the ring, places the first
 *   frame at the planned instant and applies the fade. It only touches
 *   atomics, the ring, and fields no other thread writes while it runs.
 * The end of a programme is claimed once (end_claim), by the callback,
 * the worker, the control thread or the caller, whoever sees it first;
 * every claimer but the callback then signals the eventfd (the callback's
 * claims are signalled by the worker, which sees them within 100 ms). */
#include "audio/player.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/loudness.h"
#include "audio/out.h"
#include "audio/ring.h"
#include "core/i18n.h"
#include "core/util.h"

enum { PH_IDLE, PH_ARMED, PH_PLAYING, PH_FADING };
enum { PREP_PENDING = 1, PREP_OK, PREP_FAILED };
enum { CHUNK = 2048 };
#define STEADY_NS 100000000LL
#define PREPARE_MEASURE_MS 120000

struct item {
    char *path;
    bool tune;
    struct decoder *dec;       /* control thread */
    int rate, channels;        /* published with prep */
    int64_t frames;
    double lufs, tp, gain_db;
    int64_t skip;       /* source frames to skip (resuming) */
};

struct player {
    struct player_opts opts;   /* strings owned */
    int efd;
    sem_t wake;                /* posted when the end is claimed */

    /* caller only */
    bool prepared;             /* a programme is set up and its report not yet taken */
    bool ctl_running;          /* a control thread exists (not joined or detached) */
    pthread_t ctl;

    /* the programme: items' paths set by the caller before the control
     * thread starts; the rest written by the control thread before prep
     * is published (release), read by the caller after (acquire) */
    struct item *items;
    size_t n_items;
    int64_t skip_ms;
    int rate, channels;
    int64_t fade_frames;
    char dev_name[128];
    double out_latency_ms;
    int prep_rc;
    bool prep_device;          /* the failure was the output's, not a recording's */
    char prep_err[1024];

    /* control thread only */
    struct out *out;
    struct ring *ring;
    pthread_t worker;
    bool worker_running;

    /* the hand-over between the caller and the control thread */
    pthread_mutex_t mu;
    pthread_cond_t cv;         /* prep left PENDING */
    bool ctl_done;             /* the control thread has finished with p */
    bool orphaned;             /* the caller let go: the control thread frees p */

    /* shared */
    atomic_int prep;           /* PREP_* */
    _Atomic int pub_rate;      /* the output rate, for progress while playing */
    atomic_int phase;
    atomic_int stop_req;       /* enum player_end, 0 none */
    atomic_int end_claim;
    atomic_int end;            /* published after end_ns */
    atomic_bool producer_done;
    atomic_int producer_status;
    atomic_bool quit;
    _Atomic int64_t start_ns;
    _Atomic int64_t first_ns;
    _Atomic int64_t end_ns;
    _Atomic int64_t frames_played;
    atomic_int underruns;
    atomic_int xruns_at_start; /* device underflows before the first frame */
    atomic_int xruns_now;      /* the device's count, copied by the callback */
    _Atomic int64_t first_dac_ns; /* of the first and latest render calls */
    _Atomic int64_t last_dac_ns;

    /* callback only (read by the control thread after the end) */
    int64_t fade_left;
    bool in_underrun;

    /* worker only, read after the end is published */
    char prod_err[512];
    char dev_err[512];
};

/* Control threads still tearing a programme down, for player_wait_teardowns. */
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cv = PTHREAD_COND_INITIALIZER;
static int live_ctl;

const char *player_end_name(enum player_end e)
{
    switch (e) {
    case PLAYER_PLAYING: return "playing";
    case PLAYER_FINISHED: return "finished";
    case PLAYER_STOPPED: return "stopped";
    case PLAYER_PREEMPTED: return "preempted";
    case PLAYER_SHUTDOWN: return "shutdown";
    case PLAYER_DEVICE_ERROR: return "device-error";
    case PLAYER_DECODE_ERROR: return "decode-error";
    }
    return "?";
}

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

int player_new(const struct player_opts *opts, struct player **out, char *err, size_t errlen)
{
    *out = NULL;
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0) {
        int e = errno;
        snprintf(err, errlen, _("cannot create the player: %s"), strerror(e));
        return -e;
    }
    struct player *p = xcalloc(1, sizeof *p);
    p->opts = *opts;
    p->opts.device = xstrdup(opts->device && *opts->device ? opts->device : "default");
    p->opts.signature_tune = dup_or_null(opts->signature_tune);
    p->opts.loudness_cache = dup_or_null(opts->loudness_cache);
    p->efd = efd;
    sem_init(&p->wake, 0, 0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    *out = p;
    return 0;
}

static void free_items(struct player *p)
{
    for (size_t i = 0; i < p->n_items; i++) {
        decoder_free(p->items[i].dec);
        free(p->items[i].path);
    }
    free(p->items);
    p->items = NULL;
    p->n_items = 0;
}

static void free_all(struct player *p)
{
    free_items(p);
    close(p->efd);
    sem_destroy(&p->wake);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free((char *)p->opts.device);
    free((char *)p->opts.signature_tune);
    free((char *)p->opts.loudness_cache);
    free(p);
}

static void drain(struct player *p)
{
    uint64_t v;
    ssize_t r = read(p->efd, &v, sizeof v); /* EAGAIN when nothing */
    (void)r;
}

static void signal_fd(struct player *p)
{
    uint64_t one = 1;
    ssize_t w = write(p->efd, &one, sizeof one);
    (void)w; /* an eventfd write only fails on overflow */
}

/* Waits for the previous programme's control thread (a reused player). */
static void join_ctl(struct player *p)
{
    if (p->ctl_running) {
        pthread_join(p->ctl, NULL);
        p->ctl_running = false;
    }
}

void player_free(struct player *p)
{
    if (!p)
        return;
    if (!p->ctl_running) {
        free_all(p);
        return;
    }
    /* let the programme go: the worker stops, the control thread skips
     * what is left of a preparation and tears down. If it is done
     * already, free here; else it frees p when its teardown returns */
    atomic_store(&p->quit, true);
    sem_post(&p->wake);
    pthread_mutex_lock(&p->mu);
    bool done = p->ctl_done;
    if (!done) {
        p->orphaned = true;
        pthread_detach(p->ctl);
    }
    pthread_mutex_unlock(&p->mu);
    if (done) {
        pthread_join(p->ctl, NULL);
        free_all(p);
    }
}

int player_wait_teardowns(int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&live_mu);
    while (live_ctl > 0 && pthread_cond_timedwait(&live_cv, &live_mu, &ts) == 0)
        ;
    int left = live_ctl;
    pthread_mutex_unlock(&live_mu);
    return left;
}

int player_fd(const struct player *p)
{
    return p->efd;
}

/* Claims the end once; from the callback, the worker or the control
 * thread. sem_post neither blocks nor allocates (a futex wake at most),
 * and happens once a programme, so the callback may call it. */
static bool set_end(struct player *p, int why, int64_t at_ns)
{
    int expected = 0;
    if (atomic_compare_exchange_strong(&p->end_claim, &expected, why)) {
        atomic_store_explicit(&p->end_ns, at_ns, memory_order_relaxed);
        atomic_store_explicit(&p->end, why, memory_order_release);
        sem_post(&p->wake);
        return true;
    }
    return false;
}

static int64_t frames_to_ns(const struct player *p, int64_t frames)
{
    return frames * 1000000000 / p->rate;
}

/* The real-time path. See out.h for the contract. */
static unsigned long render(void *ud, float *buf, unsigned long frames, int64_t dac_ns,
                            unsigned long *first)
{
    struct player *p = ud;
    size_t ch = (size_t)p->channels;
    unsigned long i = 0;
    *first = 0;
    if (atomic_load_explicit(&p->first_dac_ns, memory_order_relaxed) == 0)
        atomic_store_explicit(&p->first_dac_ns, dac_ns, memory_order_relaxed);
    atomic_store_explicit(&p->last_dac_ns, dac_ns, memory_order_relaxed);
    atomic_store_explicit(&p->xruns_now,
                          atomic_load_explicit(&p->out->xruns, memory_order_relaxed),
                          memory_order_relaxed);
    int ph = atomic_load_explicit(&p->phase, memory_order_acquire);
    if (atomic_load_explicit(&p->end, memory_order_acquire) != 0 || ph == PH_IDLE)
        goto silence;
    if (ph == PH_ARMED) {
        int sr = atomic_load(&p->stop_req);
        if (sr) {
            set_end(p, sr, dac_ns);
            goto silence;
        }
        /* A starting stream does not keep time yet: PortAudio's ALSA
         * backend fills the device buffer in a burst, and PulseAudio may
         * then hold the stream for a second before it runs. Only once the
         * render calls have covered 100 ms of device time is the DAC time
         * worth placing a first sample by; until then a due start waits. */
        if (dac_ns - atomic_load_explicit(&p->first_dac_ns, memory_order_relaxed) <
            STEADY_NS)
            goto silence;
        int64_t start = atomic_load(&p->start_ns), off = 0;
        if (start > dac_ns) /* rounded to the nearest frame */
            off = ((start - dac_ns) * p->rate + 500000000) / 1000000000;
        if (off >= (int64_t)frames)
            goto silence;
        /* the first sample goes out now, unless player_disarm won */
        int armed = PH_ARMED;
        if (!atomic_compare_exchange_strong(&p->phase, &armed, PH_PLAYING))
            goto silence;
        i = (unsigned long)off;
        atomic_store(&p->first_ns, dac_ns + frames_to_ns(p, off));
        atomic_store_explicit(&p->xruns_at_start,
                              atomic_load_explicit(&p->out->xruns, memory_order_relaxed),
                              memory_order_relaxed);
        ph = PH_PLAYING;
    }
    memset(buf, 0, i * ch * sizeof(float));
    *first = i;
    int sr = atomic_load(&p->stop_req);
    if (ph == PH_PLAYING && sr) {
        p->fade_left = p->fade_frames;
        ph = PH_FADING;
        atomic_store(&p->phase, ph);
    }
    unsigned long want = frames - i;
    if (ph == PH_FADING && (int64_t)want > p->fade_left)
        want = (unsigned long)p->fade_left;
    size_t got = want ? ring_read(p->ring, buf + i * ch, want) : 0;
    if (ph == PH_FADING) {
        /* linear ramp to zero: over 300 ms no click, and cheap */
        float total = (float)(p->fade_frames ? p->fade_frames : 1);
        for (size_t k = 0; k < got; k++) {
            float g = (float)(p->fade_left - (int64_t)k) / total;
            for (size_t c = 0; c < ch; c++)
                buf[(i + k) * ch + c] *= g;
        }
        p->fade_left -= (int64_t)got;
    }
    atomic_fetch_add_explicit(&p->frames_played, (int64_t)got, memory_order_relaxed);
    unsigned long pos = i + (unsigned long)got;
    memset(buf + pos * ch, 0, (frames - pos) * ch * sizeof(float));
    int64_t pos_ns = dac_ns + frames_to_ns(p, pos);
    if (ph == PH_FADING && p->fade_left <= 0) {
        set_end(p, sr, pos_ns);
        return pos - i;
    }
    if (got < want) {
        if (atomic_load_explicit(&p->producer_done, memory_order_acquire) &&
            ring_fill(p->ring) == 0) {
            set_end(p, ph == PH_FADING ? sr : atomic_load(&p->producer_status), pos_ns);
            return pos - i;
        }
        if (!p->in_underrun)
            atomic_fetch_add_explicit(&p->underruns, 1, memory_order_relaxed);
        p->in_underrun = true;
    } else {
        p->in_underrun = false;
    }
    return frames - i;
silence:
    memset(buf, 0, frames * ch * sizeof(float));
    return 0;
}

/* Worker: waits for room in the ring, watching the device and the end. */
static bool worker_check(struct player *p)
{
    if (atomic_load(&p->quit) || atomic_load(&p->end) != 0)
        return false;
    if (out_check(p->out, p->dev_err, sizeof p->dev_err) < 0) {
        set_end(p, PLAYER_DEVICE_ERROR, out_wall_ns());
        return false;
    }
    return true;
}

static void nap(long ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000};
    nanosleep(&ts, NULL);
}

/* Sleeps up to ms, or until the end is claimed. */
static void worker_wait(struct player *p, long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += ms * 1000000;
    ts.tv_sec += ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    while (sem_clockwait(&p->wake, CLOCK_MONOTONIC, &ts) < 0 && errno == EINTR)
        ;
}

static bool push(struct player *p, const float *buf, size_t frames)
{
    while (frames > 0) {
        size_t w = ring_write(p->ring, buf, frames);
        buf += w * (size_t)p->channels;
        frames -= w;
        if (frames > 0) {
            if (!worker_check(p))
                return false;
            /* sleep until the ring is half empty (it holds a second or
             * more), but look at the device at least ten times a second */
            size_t fill = ring_fill(p->ring), half = (fill + ring_space(p->ring)) / 2;
            long ms = fill > half ? (long)((fill - half) * 1000 / (size_t)p->rate) : 0;
            worker_wait(p, ms < 10 ? 10 : ms > 100 ? 100 : ms);
        }
    }
    return true;
}

/* Decodes one recording into the ring. Returns 1 done, 0 stopped, <0 error. */
static int feed_item(struct player *p, struct item *it)
{
    struct decoder *d = it->dec;
    int in_ch = decoder_channels(d), in_rate = decoder_rate(d), rc = 1;
    size_t ch = (size_t)p->channels;
    struct dsp_resampler *rs = NULL;
    size_t rs_cap = (size_t)((int64_t)CHUNK * p->rate / in_rate) + 1024;
    float *in = xmalloc(sizeof(float) * CHUNK * (size_t)in_ch);
    float *mix = xmalloc(sizeof(float) * CHUNK * ch);
    float *res = xmalloc(sizeof(float) * rs_cap * ch);
    float gain = (float)dsp_db_to_gain(it->gain_db);
    /* soxr's flush rounds up by a few frames; trim to the exact length so
     * a programme lasts what its recordings say */
    int64_t left = ((decoder_frames(d) - it->skip) * p->rate + in_rate / 2) / in_rate;
    if (decoder_seek(d, it->skip, p->prod_err, sizeof p->prod_err) < 0) {
        rc = -EIO;
        goto out;
    }
    if (in_rate != p->rate &&
        dsp_resampler_new(in_rate, p->rate, p->channels, &rs, p->prod_err,
                          sizeof p->prod_err) < 0) {
        rc = -EINVAL;
        goto out;
    }
    for (;;) {
        if (!worker_check(p)) {
            rc = 0;
            goto out;
        }
        long n = decoder_read(d, in, CHUNK, p->prod_err, sizeof p->prod_err);
        if (n < 0) {
            rc = (int)n;
            goto out;
        }
        if (n > 0) {
            dsp_remix(in, in_ch, mix, p->channels, (size_t)n);
            dsp_gain(mix, (size_t)n * ch, gain);
        }
        if (!rs) {
            if (n == 0)
                break;
            if (!push(p, mix, (size_t)n)) {
                rc = 0;
                goto out;
            }
            continue;
        }
        /* n == 0 flushes the resampler's tail */
        size_t off = 0, used;
        do {
            size_t o = dsp_resample(rs, n ? mix + off * ch : NULL, (size_t)n - off, &used,
                                    res, rs_cap);
            off += used;
            size_t keep = (int64_t)o < left ? o : (size_t)(left > 0 ? left : 0);
            left -= (int64_t)keep;
            if (keep && !push(p, res, keep)) {
                rc = 0;
                goto out;
            }
            if (n == 0 && o == 0)
                break;
        } while (n == 0 || off < (size_t)n);
        if (n == 0)
            break;
    }
out:
    dsp_resampler_free(rs);
    free(in);
    free(mix);
    free(res);
    return rc;
}

static void *worker_main(void *arg)
{
    struct player *p = arg;
    int status = PLAYER_FINISHED;
    for (size_t i = 0; i < p->n_items; i++) {
        int rc = feed_item(p, &p->items[i]);
        if (rc < 0) {
            status = PLAYER_DECODE_ERROR;
            break;
        }
        if (rc == 0)
            break;
    }
    atomic_store(&p->producer_status, status);
    atomic_store_explicit(&p->producer_done, true, memory_order_release);
    while (worker_check(p))
        worker_wait(p, 100);
    if (atomic_load(&p->end) != 0)
        signal_fd(p);
    return NULL;
}

/* Control thread: opens and measures the recordings. */
static int open_items(struct player *p, char *err, size_t errlen)
{
    for (size_t i = 0; i < p->n_items; i++) {
        struct item *it = &p->items[i];
        if (atomic_load(&p->quit) || atomic_load(&p->end) != 0)
            return -ECANCELED;
        int rc = decoder_open(it->path, &it->dec, err, errlen);
        if (rc < 0)
            return rc;
        it->rate = decoder_rate(it->dec);
        it->channels = decoder_channels(it->dec);
        it->frames = decoder_frames(it->dec);
        it->lufs = it->tp = NAN;
        if (p->opts.normalize) {
            struct loudness l;
            bool cached;
            /* an uncached long recording is judged by its first minutes, so
             * prepare stays short; player_analyse measures it all ahead */
            rc = loudness_get(it->path, p->opts.loudness_cache, PREPARE_MEASURE_MS, &l,
                              &cached, err, errlen);
            if (rc < 0)
                return rc;
            it->lufs = l.lufs;
            it->tp = l.true_peak_db;
            it->gain_db = dsp_loudness_gain_db(l.lufs, l.true_peak_db, p->opts.target_lufs,
                                               p->opts.true_peak_db);
        }
    }
    /* skip_ms runs across the programme's recordings, not the tunes */
    int64_t skip = p->skip_ms > 0 ? p->skip_ms : 0;
    for (size_t i = 0; i < p->n_items && skip > 0; i++) {
        struct item *it = &p->items[i];
        if (it->tune)
            continue;
        int64_t len_ms = it->frames * 1000 / it->rate;
        int64_t s = skip < len_ms ? skip : len_ms;
        it->skip = s * it->rate / 1000;
        skip -= s;
    }
    return 0;
}

static bool cancelled(struct player *p)
{
    return atomic_load(&p->quit) || atomic_load(&p->end) != 0;
}

/* Control thread: everything up to a running stream. */
static int do_prepare(struct player *p, char *err, size_t errlen)
{
    int rc = open_items(p, err, errlen);
    if (rc < 0)
        return rc;
    p->prep_device = true;
    rc = out_open(p->opts.device, p->opts.latency_ms, render, p, &p->out, err, errlen);
    if (rc < 0)
        return rc;
    util_strlcpy(p->dev_name, p->out->name, sizeof p->dev_name);
    p->out_latency_ms = p->out->out_latency_ms;
    if (cancelled(p))
        return -ECANCELED;
    p->rate = p->out->rate;
    p->channels = p->out->channels;
    atomic_store(&p->pub_rate, p->rate);
    p->fade_frames = (int64_t)p->opts.fade_ms * p->rate / 1000;
    int64_t ring_frames = p->rate; /* one second, or four buffers if more */
    if ((int64_t)p->opts.latency_ms * p->rate / 250 > ring_frames)
        ring_frames = (int64_t)p->opts.latency_ms * p->rate / 250;
    p->ring = ring_new((size_t)ring_frames, p->channels);
    int e = pthread_create(&p->worker, NULL, worker_main, p);
    if (e) {
        snprintf(err, errlen, _("cannot start the decoder: %s"), strerror(e));
        return -e;
    }
    p->worker_running = true;
    /* pre-fill: the first second is decoded before the stream runs */
    while (ring_space(p->ring) > 0 && !atomic_load(&p->producer_done) && !cancelled(p))
        nap(2);
    if (atomic_load(&p->producer_status) == PLAYER_DECODE_ERROR) {
        p->prep_device = false;
        snprintf(err, errlen, "%s", p->prod_err);
        return -EIO;
    }
    if (cancelled(p))
        return -ECANCELED;
    return out_start(p->out, err, errlen);
}

static void *ctl_main(void *arg)
{
    struct player *p = arg;
    int rc = do_prepare(p, p->prep_err, sizeof p->prep_err);
    p->prep_rc = rc;
    /* the outcome, and for a failure the end, are published before the
     * signal, and the signal before the waiter of player_prepare wakes:
     * whoever is woken finds all of it */
    pthread_mutex_lock(&p->mu);
    atomic_store_explicit(&p->prep, rc < 0 ? PREP_FAILED : PREP_OK, memory_order_release);
    if (rc < 0) {
        /* a preparation cut short by a stop or a free is not a failure */
        int why = rc == -ECANCELED ? PLAYER_STOPPED
                  : p->prep_device ? PLAYER_DEVICE_ERROR : PLAYER_DECODE_ERROR;
        set_end(p, why, out_wall_ns());
    }
    signal_fd(p);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (p->worker_running) {
        pthread_join(p->worker, NULL); /* it ends with the programme */
        p->worker_running = false;
    }
    /* The last frames are still in the device's buffer (up to its
     * latency) when the end is claimed; closing aborts the stream and
     * would cut them off, so wait for the end's DAC time first, bounded
     * (not after a failed device, whose buffer plays nothing). */
    if (p->out && atomic_load(&p->end) != PLAYER_DEVICE_ERROR) {
        int64_t left_ms = (atomic_load(&p->end_ns) - out_wall_ns()) / 1000000 + 5;
        for (left_ms = left_ms < 2500 ? left_ms : 2500; left_ms > 0; left_ms -= 500)
            nap(left_ms < 500 ? (long)left_ms : 500);
    }
    /* may block for as long as a wedged audio server likes: nobody waits */
    out_close(p->out);
    p->out = NULL;
    ring_free(p->ring);
    p->ring = NULL;
    for (size_t i = 0; i < p->n_items; i++) {
        decoder_free(p->items[i].dec);
        p->items[i].dec = NULL;
    }
    pthread_mutex_lock(&p->mu);
    p->ctl_done = true;
    bool orphaned = p->orphaned;
    pthread_mutex_unlock(&p->mu);
    if (orphaned)
        free_all(p);
    pthread_mutex_lock(&live_mu);
    live_ctl--;
    pthread_cond_broadcast(&live_cv);
    pthread_mutex_unlock(&live_mu);
    return NULL;
}

int player_prepare_async(struct player *p, const char *const *files, size_t n_files,
                         int64_t skip_ms, char *err, size_t errlen)
{
    if (p->prepared) {
        snprintf(err, errlen, _("a programme is already prepared or playing"));
        return -EBUSY;
    }
    if (n_files == 0) {
        snprintf(err, errlen, _("no recording to play"));
        return -EINVAL;
    }
    join_ctl(p); /* a reused player: the last programme's teardown */
    free_items(p);
    atomic_store(&p->prep, PREP_PENDING);
    atomic_store(&p->pub_rate, 0);
    atomic_store(&p->phase, PH_IDLE);
    atomic_store(&p->stop_req, 0);
    atomic_store(&p->end_claim, 0);
    atomic_store(&p->end, 0);
    atomic_store(&p->producer_done, false);
    atomic_store(&p->producer_status, PLAYER_FINISHED);
    atomic_store(&p->quit, false);
    atomic_store(&p->start_ns, 0);
    atomic_store(&p->first_ns, -1);
    atomic_store(&p->end_ns, -1);
    atomic_store(&p->frames_played, 0);
    atomic_store(&p->underruns, 0);
    atomic_store(&p->xruns_at_start, 0);
    atomic_store(&p->xruns_now, 0);
    atomic_store(&p->first_dac_ns, 0);
    atomic_store(&p->last_dac_ns, 0);
    p->in_underrun = false;
    p->prod_err[0] = p->dev_err[0] = p->prep_err[0] = 0;
    p->dev_name[0] = 0;
    p->out_latency_ms = 0;
    p->prep_rc = 0;
    p->prep_device = false;
    p->ctl_done = p->orphaned = false;
    p->skip_ms = skip_ms;
    drain(p);
    while (sem_trywait(&p->wake) == 0)
        ;
    const char *tune = p->opts.signature_tune;
    p->items = xcalloc(n_files + 2, sizeof *p->items);
    /* a resumed programme does not repeat the opening tune */
    if (tune && skip_ms <= 0)
        p->items[p->n_items++] = (struct item){.path = xstrdup(tune), .tune = true};
    for (size_t i = 0; i < n_files; i++)
        p->items[p->n_items++] = (struct item){.path = xstrdup(files[i])};
    if (tune)
        p->items[p->n_items++] = (struct item){.path = xstrdup(tune), .tune = true};
    pthread_mutex_lock(&live_mu);
    live_ctl++;
    pthread_mutex_unlock(&live_mu);
    int e = pthread_create(&p->ctl, NULL, ctl_main, p);
    if (e) {
        pthread_mutex_lock(&live_mu);
        live_ctl--;
        pthread_mutex_unlock(&live_mu);
        snprintf(err, errlen, _("cannot start the decoder: %s"), strerror(e));
        free_items(p);
        return -e;
    }
    p->ctl_running = true;
    p->prepared = true;
    return 0;
}

int player_prepare(struct player *p, const char *const *files, size_t n_files, int64_t skip_ms,
                   char *err, size_t errlen)
{
    int rc = player_prepare_async(p, files, n_files, skip_ms, err, errlen);
    if (rc < 0)
        return rc;
    pthread_mutex_lock(&p->mu);
    while (atomic_load(&p->prep) == PREP_PENDING)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    drain(p);
    if (atomic_load_explicit(&p->prep, memory_order_acquire) == PREP_OK)
        return 0;
    snprintf(err, errlen, "%s", p->prep_err);
    join_ctl(p); /* nothing was started: its teardown is short */
    p->prepared = false;
    return p->prep_rc;
}

int player_prepared(struct player *p, char *err, size_t errlen)
{
    if (!p->prepared && !p->ctl_running)
        return -EINVAL;
    int st = atomic_load_explicit(&p->prep, memory_order_acquire);
    if (st == PREP_PENDING)
        return 1;
    drain(p); /* the preparation's signal; an end is seen by player_finished */
    if (st == PREP_OK)
        return 0;
    if (err && errlen)
        snprintf(err, errlen, "%s", p->prep_err);
    return p->prep_rc < 0 ? p->prep_rc : -EIO;
}

int player_start_at(struct player *p, int64_t start_ms)
{
    if (!p->prepared || atomic_load(&p->phase) != PH_IDLE)
        return -EINVAL;
    atomic_store(&p->start_ns, start_ms > 0 ? start_ms * 1000000 : 0);
    atomic_store_explicit(&p->phase, PH_ARMED, memory_order_release);
    return 0;
}

void player_stop(struct player *p, enum player_end why)
{
    if (!p->prepared || why == PLAYER_PLAYING)
        return;
    int expected = 0;
    atomic_compare_exchange_strong(&p->stop_req, &expected, (int)why);
    /* never started, or its output not even running yet: nothing is
     * sounding, end at once */
    if ((atomic_load(&p->phase) == PH_IDLE || atomic_load(&p->prep) != PREP_OK) &&
        set_end(p, why, out_wall_ns()))
        signal_fd(p);
}

bool player_disarm(struct player *p)
{
    if (!p->prepared)
        return true;
    int armed = PH_ARMED;
    if (atomic_compare_exchange_strong(&p->phase, &armed, PH_IDLE)) {
        /* the callback never placed a first sample: nothing sounded */
        int expected = 0;
        atomic_compare_exchange_strong(&p->stop_req, &expected, PLAYER_STOPPED);
        if (set_end(p, PLAYER_STOPPED, out_wall_ns()))
            signal_fd(p);
        return true;
    }
    if (armed != PH_IDLE)
        return false; /* playing or fading: it has started */
    player_stop(p, PLAYER_STOPPED); /* never armed */
    return true;
}

bool player_progress(const struct player *p, int64_t *first_frame_ms, int64_t *played_ms)
{
    int64_t first = atomic_load(&p->first_ns);
    int rate = atomic_load(&p->pub_rate);
    *first_frame_ms = first >= 0 ? (first + 500000) / 1000000 : -1;
    *played_ms = rate > 0 ? atomic_load(&p->frames_played) * 1000 / rate : 0;
    return first >= 0;
}

bool player_finished(struct player *p, struct player_report *rep)
{
    if (!p->prepared)
        return false;
    int end = atomic_load_explicit(&p->end, memory_order_acquire);
    if (end == 0)
        return false;
    drain(p);
    int prep = atomic_load_explicit(&p->prep, memory_order_acquire);
    memset(rep, 0, sizeof *rep);
    int64_t first = atomic_load(&p->first_ns);
    rep->first_frame_ms = first >= 0 ? (first + 500000) / 1000000 : -1;
    int rate = atomic_load(&p->pub_rate);
    rep->frames_played = atomic_load(&p->frames_played);
    rep->played_ms = rate > 0 ? rep->frames_played * 1000 / rate : 0;
    int64_t e_ns = atomic_load(&p->end_ns);
    rep->end_ms = e_ns >= 0 ? (e_ns + 500000) / 1000000 : out_wall_ns() / 1000000;
    rep->underruns = atomic_load(&p->underruns);
    if (atomic_load(&p->phase) >= PH_PLAYING)
        rep->underruns += atomic_load(&p->xruns_now) - atomic_load(&p->xruns_at_start);
    rep->end = (enum player_end)end;
    if (prep == PREP_OK) {
        rep->output_latency_ms = p->out_latency_ms;
        util_strlcpy(rep->device, p->dev_name, sizeof rep->device);
        for (size_t i = 0; i < p->n_items; i++)
            if (!p->items[i].tune) {
                rep->gain_db = p->items[i].gain_db;
                break;
            }
    } else {
        /* still preparing (the output did not answer), or failed */
        util_strlcpy(rep->device, p->opts.device, sizeof rep->device);
    }
    if (prep == PREP_FAILED && p->prep_rc != -ECANCELED)
        util_strlcpy(rep->reason, p->prep_err, sizeof rep->reason);
    else if (rep->end == PLAYER_DECODE_ERROR)
        util_strlcpy(rep->reason, p->prod_err, sizeof rep->reason);
    else if (rep->end == PLAYER_DEVICE_ERROR)
        util_strlcpy(rep->reason, p->dev_err, sizeof rep->reason);
    rep->never_ready = prep == PREP_PENDING;
    p->prepared = false; /* the control thread tears down on its own */
    return true;
}

int player_set_signature_tune(struct player *p, const char *path)
{
    if (p->prepared)
        return -EBUSY;
    free((char *)p->opts.signature_tune);
    p->opts.signature_tune = dup_or_null(path);
    return 0;
}

static bool ready(const struct player *p)
{
    return p->prepared &&
           atomic_load_explicit(&p->prep, memory_order_acquire) == PREP_OK;
}

size_t player_item_count(const struct player *p)
{
    return ready(p) ? p->n_items : 0;
}

int player_item(const struct player *p, size_t i, struct player_item_info *info)
{
    if (!ready(p) || i >= p->n_items)
        return -EINVAL;
    const struct item *it = &p->items[i];
    *info = (struct player_item_info){
        .path = it->path, .is_signature_tune = it->tune, .rate = it->rate,
        .channels = it->channels, .frames = it->frames,
        .lufs = it->lufs, .true_peak_db = it->tp, .gain_db = it->gain_db,
    };
    return 0;
}

void player_output_format(const struct player *p, int *rate, int *channels)
{
    *rate = ready(p) ? p->rate : 0;
    *channels = ready(p) ? p->channels : 0;
}

int player_analyse(const struct player_opts *opts, const char *path, double *lufs,
                   double *true_peak_db, char *err, size_t errlen)
{
    struct loudness l;
    bool cached;
    const char *cache = opts->loudness_cache && *opts->loudness_cache ? opts->loudness_cache
                                                                       : NULL;
    int rc = loudness_get(path, cache, 0, &l, &cached, err, errlen);
    if (rc == 0) {
        *lufs = l.lufs;
        *true_peak_db = l.true_peak_db;
    }
    return rc;
}

int player_list_devices(int (*cb)(int index, const char *name, const char *host_api,
                                  int channels, double default_rate, bool is_default, void *ud),
                        void *ud, char *err, size_t errlen)
{
    return out_portaudio_list(cb, ud, err, errlen);
}

/* ---- counting outputs off the caller's thread ---- */

static atomic_int count_state = -2;  /* -2 idle, -1 counting, else the count */
static char count_err[512];

static int count_output(int index, const char *name, const char *host_api, int channels,
                        double rate, bool is_default, void *ud)
{
    (void)index; (void)name; (void)host_api; (void)rate; (void)is_default;
    if (channels > 0)
        (*(int *)ud)++;
    return 0;
}

static void *count_main(void *arg)
{
    (void)arg;
    int n = 0;
    char err[512] = "";
    if (out_portaudio_list(count_output, &n, err, sizeof err) < 0)
        n = 0;
    util_strlcpy(count_err, err, sizeof count_err);
    atomic_store(&count_state, n); /* publishes count_err */
    return NULL;
}

int player_count_outputs_start(void)
{
    int idle = -2;
    if (!atomic_compare_exchange_strong(&count_state, &idle, -1))
        return -EBUSY;
    pthread_t t;
    int e = pthread_create(&t, NULL, count_main, NULL);
    if (e) {
        atomic_store(&count_state, -2);
        return -e;
    }
    pthread_detach(t); /* one stuck in PortAudio stays, on purpose */
    return 0;
}

int player_count_outputs_result(char *err, size_t errlen)
{
    int n = atomic_load(&count_state);
    if (n == -1)
        return -1;
    if (n == -2)
        return -EINVAL;
    if (err && errlen)
        snprintf(err, errlen, "%s", count_err);
    atomic_store(&count_state, -2);
    return n;
}
