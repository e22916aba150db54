/* A programme's life in the daemon: its player prepared ahead, its row
 * written before the first frame and completed after the last, failures
 * (no device, unreadable recording) logged with a clear reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/probe.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"

static const char *const no_device_hint =
    N_("no output device was found; set [audio] device (--device) to a device name, "
       "to file:PATH.wav or to null");

static int64_t now_ms(const struct daemon *d)
{
    return lclock_now_ms(d->clk);
}

struct airing *daemon_on_air(struct daemon *d)
{
    struct sched_entry *e = sched_on_air(d->s);
    for (int i = 0; e && i < DAEMON_MAX_AIRINGS; i++)
        if (d->air[i].e == e)
            return &d->air[i];
    return NULL;
}

struct airing *airing_find(struct daemon *d, const struct sched_entry *e)
{
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++)
        if (d->air[i].e == e && d->air[i].p)
            return &d->air[i];
    return NULL;
}

void airing_drop(struct airing *a)
{
    player_free(a->p);
    memset(a, 0, sizeof *a);
}

const char *airing_operator(struct daemon *d, const char *key)
{
    for (size_t i = 0; i < d->n_adhoc; i++)
        if (strcmp(d->adhoc[i].key, key) == 0)
            return d->adhoc[i].operator_name;
    return "";
}

void airing_forget_adhoc(struct daemon *d, const char *key)
{
    for (size_t i = 0; i < d->n_adhoc; i++) {
        if (strcmp(d->adhoc[i].key, key) == 0) {
            d->adhoc[i] = d->adhoc[--d->n_adhoc];
            return;
        }
    }
}

static char *resolve_tune(struct daemon *d, const struct plan_item *it)
{
    const char *sig = it->signature_tune ? it->signature_tune : d->cfg->signature_tune;
    char *abs = NULL, err[256];
    if (!sig || !*sig || strcmp(sig, "none") == 0)
        return NULL;
    if (paths_resolve_audio(d->cfg->audio_root, sig, &abs, err, sizeof err) < 0) {
        dlog(LOG_WARNING, _("signature tune left out: %s"), err);
        return NULL;
    }
    return abs;
}

int airing_log_record(struct daemon *d, const struct sched_entry *e, enum aslog_status st,
                      const char *reason, const char *device)
{
    const char *op = airing_operator(d, e->key);
    int rc = airlog_record(d->al, e, st, reason, device, op);
    if (rc < 0 && rc != -EEXIST) {
        backlog_add_row(d, airlog_row_new(d->al, e, st, reason, device, op), false);
        return 0;
    }
    return rc;
}

/* The row of a programme that went on air, completed; kept for later when
 * the log cannot take it (nor took its beginning). */
void airing_log_end(struct daemon *d, struct airing *a, enum aslog_status st,
                    const char *reason, int64_t start_ms, int64_t end_ms, int64_t played_ms,
                    int underruns)
{
    if (a->unlogged) {
        struct aslog_row *r = airlog_row_new(d->al, a->e, st, reason, d->cfg->device,
                                             a->operator_name);
        r->actual_start_ms = start_ms;
        r->actual_end_ms = end_ms;
        r->played_ms = played_ms;
        r->underruns = underruns;
        backlog_add_aired(d, r, a->jticket);
        a->jticket = 0;
        backlog_flush(d); /* the disk may have room again by now */
    } else if (a->row_id >= 0 && aslog_finish(d->log, a->row_id, st, reason, start_ms, end_ms,
                                              played_ms, underruns) < 0) {
        backlog_add_finish(d, a->row_id, a->e, st, reason, start_ms, end_ms, played_ms,
                           underruns);
    }
}

void airing_record_failed(struct daemon *d, const struct sched_entry *e, const char *reason)
{
    airing_log_record(d, e, ASLOG_FAILED, reason, d->cfg->device);
    daemon_note_failure(d, _("%s (%s) failed: %s"), e->item->summary, e->key, reason);
}

void airing_prepare(struct daemon *d, struct sched_entry *e)
{
    struct airing *a = NULL;
    for (int i = 0; i < DAEMON_MAX_AIRINGS && !a; i++)
        if (!d->air[i].p)
            a = &d->air[i];
    char err[1024] = "", reason[1400];
    char **files = NULL;
    size_t n = 0;
    char *tune = NULL;
    struct player *p = NULL;
    int rc = 0;
    if (!a) {
        snprintf(reason, sizeof reason, _("too many programmes at once"));
        goto fail;
    }
    if ((rc = airlog_files(d->al, e->item, &files, &n, err, sizeof err)) < 0 || n == 0) {
        snprintf(reason, sizeof reason, "%s", n == 0 && rc == 0 ? _("no recordings") : err);
        goto fail;
    }
    int64_t dur = 0;
    for (size_t i = 0; i < n && dur >= 0; i++) {
        struct probe_info pi;
        char perr[256];
        dur = probe_recording(files[i], &pi, perr, sizeof perr) < 0 ? -1 : dur + pi.duration_ms;
    }
    tune = resolve_tune(d, e->item);
    char *cache = xasprintf("%s.loudness", d->cfg->db_path);
    struct player_opts po = {
        .device = d->cfg->device,
        .latency_ms = d->cfg->latency_ms,
        .normalize = d->cfg->normalize,
        .target_lufs = d->cfg->loudness_target,
        .true_peak_db = d->cfg->true_peak,
        .fade_ms = d->cfg->fade_ms,
        .signature_tune = tune,
        .loudness_cache = cache,
    };
    rc = player_new(&po, &p, err, sizeof err);
    free(cache);
    if (rc == 0)
        rc = player_prepare(p, (const char *const *)files, n, e->skip_ms, err, sizeof err);
    if (rc < 0) {
        if (rc == -ENODEV && !err[0])
            snprintf(reason, sizeof reason, "%s", _(no_device_hint));
        else
            snprintf(reason, sizeof reason, "%s", err);
        goto fail;
    }
    if (d->no_device_said)
        dlog(LOG_NOTICE, _("an output device works again"));
    d->no_device_said = false;
    a->e = e;
    a->p = p;
    a->row_id = -1;
    a->duration_ms = dur >= 0 ? dur - e->skip_ms : -1;
    /* the watchdog's expected length: every item the player will play,
     * signature tunes included */
    int64_t len = 0;
    for (size_t i = 0; i < player_item_count(p); i++) {
        struct player_item_info ii;
        if (player_item(p, i, &ii) == 0 && ii.rate > 0)
            len += ii.frames * 1000 / ii.rate;
    }
    len = len > e->skip_ms ? len - e->skip_ms : a->duration_ms;
    sched_set_length(d->s, e, len);
    util_strlcpy(a->operator_name, airing_operator(d, e->key), sizeof a->operator_name);
    airlog_free_files(files, n);
    free(tune);
    return;
fail:
    player_free(p);
    airlog_free_files(files, n);
    free(tune);
    if (rc == -ENODEV)
        d->no_device_said = true;
    airing_record_failed(d, e, reason);
    airing_forget_adhoc(d, e->key);
    sched_failed(d->s, e);
}

void airing_start(struct daemon *d, struct sched_entry *e, int64_t at_ms)
{
    struct airing *a = airing_find(d, e);
    if (!a) {
        sched_failed(d->s, e);
        return;
    }
    int rc = airlog_begin(d->al, e, d->cfg->device, a->operator_name, &a->row_id);
    if (rc == -EEXIST) {
        /* never twice: the log already has this occurrence (e.g. after a
         * clock step back, or another daemon on the same log) */
        dlog(LOG_NOTICE, _("%s (%s) is already in the log; not airing it again"),
             e->item->summary, e->key);
        airing_drop(a);
        sched_failed(d->s, e);
        return;
    }
    if (rc < 0) {
        /* airing matters more than its row: it goes on air, and the row is
         * kept in memory when it ends (backlog.c) */
        a->row_id = -1;
        a->unlogged = true;
        dlog(LOG_ERR, _("cannot write the log before airing %s: %s"), e->key,
             aslog_errmsg(d->log));
        /* ...but its start is on disk before its first sample plays */
        struct aslog_row *on = airlog_row_new(d->al, e, ASLOG_ON_AIR, "", d->cfg->device,
                                              a->operator_name);
        a->jticket = backlog_journal_start(d, on);
        free(on);
    }
    a->asked_start_ms = at_ms ? at_ms : now_ms(d);
    player_start_at(a->p, at_ms);
    char when[UTIL_TIME_BUF];
    dlog(LOG_INFO, _("airing %s (%s) at %s"), e->item->summary, e->key,
         util_format_iso_local(a->asked_start_ms, when));
}

static void end_airing(struct daemon *d, struct airing *a, const struct player_report *rep)
{
    enum aslog_status st = ASLOG_INTERRUPTED;
    char reason[700] = "";
    switch (rep->end) {
    case PLAYER_FINISHED: st = ASLOG_AIRED; break;
    case PLAYER_STOPPED:
        if (a->overran)
            snprintf(reason, sizeof reason, "overran its expected length");
        else
            snprintf(reason, sizeof reason, "operator %s", a->operator_name);
        break;
    case PLAYER_PREEMPTED: snprintf(reason, sizeof reason, "preempted by an emergency"); break;
    case PLAYER_SHUTDOWN: snprintf(reason, sizeof reason, "shutdown"); break;
    case PLAYER_DEVICE_ERROR:
    case PLAYER_DECODE_ERROR:
    default:
        st = rep->played_ms > 0 ? ASLOG_INTERRUPTED : ASLOG_FAILED;
        snprintf(reason, sizeof reason, "%s", rep->reason[0] ? rep->reason
                                                              : player_end_name(rep->end));
        daemon_note_failure(d, _("%s (%s) ended: %s"), a->e->item->summary, a->e->key, reason);
        break;
    }
    airing_log_end(d, a, st, reason, rep->first_frame_ms, rep->end_ms, rep->played_ms,
                   rep->underruns);
    if (rep->first_frame_ms >= 0)
        dlog(LOG_INFO, _("%s (%s) %s: first frame %+lld ms from its start, %lld ms played"),
             a->e->item->summary, a->e->key, aslog_status_name(st),
             (long long)(rep->first_frame_ms - a->asked_start_ms), (long long)rep->played_ms);
    if (rep->end != PLAYER_PREEMPTED || d->cfg->preempt == CONFIG_PREEMPT_DROP)
        airing_forget_adhoc(d, a->e->key);
    sched_ended(d->s, a->e, rep->end == PLAYER_PREEMPTED, rep->played_ms, now_ms(d));
    airing_drop(a);
}

void airing_check_players(struct daemon *d)
{
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++) {
        struct airing *a = &d->air[i];
        struct player_report rep;
        if (!a->p || !player_finished(a->p, &rep))
            continue;
        if (a->e->state == SCHED_PREPARED) {
            /* the stream died before the start (device gone): it fails now;
             * the next programme tries the device again */
            airing_record_failed(d, a->e, rep.reason[0] ? rep.reason : player_end_name(rep.end));
            struct sched_entry *e = a->e;
            airing_drop(a);
            airing_forget_adhoc(d, e->key);
            sched_failed(d->s, e);
            continue;
        }
        if (a->revoked) {
            daemon_revoke_end(d, a, &rep);
            continue;
        }
        end_airing(d, a, &rep);
    }
}

/* The watchdog: the programme on air overran its expected length (a
 * wedged device or driver, or a recording longer than it says): stop it
 * with the fade; if it still does not end, airing_abandon follows. */
void airing_overrun(struct daemon *d, struct sched_entry *e)
{
    struct airing *a = airing_find(d, e);
    if (!a)
        return;
    dlog(LOG_WARNING, _("%s (%s) overran its expected length (%lld s); stopping it"),
         e->item->summary, e->key, (long long)(e->length_ms / 1000));
    if (!a->stop_by_operator)
        a->overran = true;
    player_stop(a->p, PLAYER_STOPPED);
}

/* Players abandoned by the watchdog. Their output is stuck (a driver that
 * never returns, a device that never takes another frame): player_free
 * would join threads that may never end and close a stream the driver may
 * never release, blocking the whole daemon. So they are leaked on purpose:
 * their memory, threads and descriptors stay until the process exits. A
 * wedge is rare (each one is logged); the first pointers are kept here so
 * that leak checkers see them as reachable, not lost. */
static struct player *abandoned[64];
static size_t n_abandoned;

void airing_abandon(struct daemon *d, struct sched_entry *e, const char *reason)
{
    struct airing *a = airing_find(d, e);
    if (!a)
        return;
    airing_log_end(d, a, ASLOG_INTERRUPTED, reason, -1, now_ms(d), -1, 0);
    daemon_note_failure(d, _("%s (%s) did not end when asked: %s; abandoning its output"),
                        e->item->summary, e->key, _(reason));
    airing_forget_adhoc(d, e->key);
    if (n_abandoned < ARRAY_SIZE(abandoned))
        abandoned[n_abandoned++] = a->p;
    memset(a, 0, sizeof *a); /* the player is not freed: see above */
}

static int count_output(int index, const char *name, const char *host_api, int channels,
                        double rate, bool is_default, void *ud)
{
    (void)index; (void)name; (void)host_api; (void)rate; (void)is_default;
    if (channels > 0)
        (*(int *)ud)++;
    return 0;
}

/* Said once at start, so the officer reading the log knows at once why
 * airings will fail; scheduling goes on and each prepare tries again. */
void airing_check_device(struct daemon *d)
{
    const char *dev = d->cfg->device;
    if (strcmp(dev, "null") == 0 || strncmp(dev, "null:", 5) == 0 ||
        strncmp(dev, "file:", 5) == 0)
        return;
    int n = 0;
    char err[512] = "";
    if (player_list_devices(count_output, &n, err, sizeof err) < 0 || n == 0) {
        dlog(LOG_WARNING, "%s%s%s", _(no_device_hint), err[0] ? ": " : "", err);
        d->no_device_said = true;
    }
}
