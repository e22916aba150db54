/* A programme's life in the daemon: its player prepared ahead (on the
 * player's own thread: nothing here waits for the audio output), its row
 * written before the first frame, its actual start and played time written
 * while it plays, completed after the last frame; failures (no device,
 * unreadable recording, an output that never answered) and late starts
 * logged with a clear reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/paths.h"
#include "core/reasons.h"
#include "core/util.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"
#include "programme/programme.h"

/* Reasons stored in the log (core/reasons.h), translated when shown. */
static const char *const late_no_answer = REASON_LATE_NO_ANSWER;
static const char *const late_slow = REASON_LATE_SLOW;
static const char *const no_answer = REASON_NO_ANSWER;
static const char *const slow = N_("the audio output was slow to start");
static const char *const short_recording = REASON_SHORT_RECORDING;
static const char *const late_queued = REASON_LATE_QUEUED;
static const char *const late_grace = REASON_LATE_GRACE;

static const char *const no_device_hint = REASON_NO_DEVICE;

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
    char buf[1400];
    airing_log_record(d, e, ASLOG_FAILED, reason, d->cfg->device);
    daemon_note_failure(d, _("%s (%s) failed: %s"), e->item->summary, e->key,
                        reason_label(reason, buf, sizeof buf));
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
    struct programme prog = {0};
    struct player *p = NULL;
    int rc = 0;
    if (!a) {
        snprintf(reason, sizeof reason, "%s", REASON_TOO_MANY);
        goto fail;
    }
    if ((rc = airlog_files(d->al, e->item, &files, &n, err, sizeof err)) < 0 || n == 0) {
        if (n == 0 && rc == 0)
            snprintf(reason, sizeof reason, "%s", REASON_NO_RECORDINGS);
        else
            reason_with(reason, sizeof reason, REASON_PREPARE_FAILED, err);
        goto fail;
    }
    /* what it airs and for how long: the model simulate and check use */
    struct programme_settings pst = {d->cfg->audio_root, d->cfg->signature_tune};
    if ((rc = programme_build(e->item, &pst, e->skip_ms, NULL, NULL, &prog, err,
                              sizeof err)) < 0) {
        reason_with(reason, sizeof reason, REASON_PREPARE_FAILED, err);
        goto fail;
    }
    int64_t short_ms = 0;
    const char *short_file = NULL;
    for (size_t i = 0; i < prog.n; i++) {
        if (prog.src[i].kind == PROGRAMME_RECORDING && prog.src[i].short_ms > 0) {
            short_ms += prog.src[i].short_ms;
            if (!short_file)
                short_file = prog.src[i].path;
        }
    }
    if (short_ms > 0)
        dlog(LOG_WARNING, _("%s (%s): %s is %lld ms shorter than its header says (truncated?)"),
             e->item->summary, e->key, short_file, (long long)short_ms);
    if (prog.tune_err[0])
        dlog(LOG_WARNING, _("signature tune left out: %s"), prog.tune_err);
    const char *tune = programme_tune_path(&prog);
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
    /* returns at once: the player's thread opens the recordings and the
     * output; airing_check_players hears how it went */
    if (rc == 0)
        rc = player_prepare_async(p, (const char *const *)files, n, e->skip_ms, err,
                                  sizeof err);
    if (rc < 0) {
        reason_with(reason, sizeof reason, REASON_PREPARE_FAILED, err);
        goto fail;
    }
    a->e = e;
    a->p = p;
    a->row_id = -1;
    a->preparing = true;
    a->prep_ms = now_ms(d);
    a->ready_ms = -1;
    a->progress_mono = -1;
    a->short_ms = short_ms;
    a->duration_ms = prog.recordings_ms;
    /* the watchdog's expected length: every item the player will play,
     * signature tunes included (one before unless resuming, one after) */
    a->length_ms = prog.length_ms > 0 ? prog.length_ms : 0;
    /* while the output has not answered, the watchdog allows the grace
     * period too: a late start within grace is a start, not an overrun */
    sched_set_length(d->s, e, a->length_ms > 0 ? a->length_ms + (int64_t)d->cfg->grace_min
                                                                        * 60000
                                              : 0);
    util_strlcpy(a->operator_name, airing_operator(d, e->key), sizeof a->operator_name);
    airlog_free_files(files, n);
    programme_clear(&prog);
    return;
fail:
    player_free(p);
    airlog_free_files(files, n);
    programme_clear(&prog);
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
    a->at_once = at_ms == 0;
    player_start_at(a->p, at_ms); /* also while preparing: it starts when ready */
    char when[UTIL_TIME_BUF];
    dlog(LOG_INFO, _("airing %s (%s) at %s"), e->item->summary, e->key,
         util_format_iso_local(a->asked_start_ms, when));
    if (a->preparing && now_ms(d) - a->prep_ms >= 1000)
        dlog(LOG_WARNING, _("%s (%s): the audio output has not answered yet; it starts as "
                            "soon as it does"), e->item->summary, e->key);
}

/* How late the first frame was after the instant asked for (0: on time or
 * never played); *no_answer_ tells whether the output's preparation was
 * to blame. A start "at once" is due one output latency after the ask;
 * when it was prepared on the spot, its preparation's normal time is
 * allowed too. */
static int64_t lateness(const struct airing *a, const struct player_report *rep,
                        bool *no_answer_)
{
    *no_answer_ = false;
    if (rep->first_frame_ms < 0)
        return 0;
    int64_t due = a->asked_start_ms + (a->at_once ? (int64_t)rep->output_latency_ms : 0);
    int64_t late = rep->first_frame_ms - due, allowed = AIRING_LATE_MS;
    bool ready_after = a->ready_ms > a->asked_start_ms;
    if (a->at_once && ready_after)
        allowed = AIRING_PREPARE_MAX_MS;
    if (late <= allowed)
        return 0;
    *no_answer_ = ready_after;
    return late;
}

/* A device or decode error as stored: its msgid and the player's words. */
static void player_reason(char *buf, size_t len, const struct player_report *rep)
{
    reason_with(buf, len, rep->end == PLAYER_DECODE_ERROR ? REASON_DECODE_FAILED
                                                          : REASON_OUTPUT_FAILED,
                rep->reason);
}

static void end_airing(struct daemon *d, struct airing *a, const struct player_report *rep)
{
    enum aslog_status st = ASLOG_INTERRUPTED;
    char reason[700] = "", label[700];
    bool blame_output;
    int64_t late = lateness(a, rep, &blame_output);
    switch (rep->end) {
    case PLAYER_FINISHED:
        st = ASLOG_AIRED;
        /* never a plain "aired" for a late start or a cut-short file */
        if (late > 0)
            snprintf(reason, sizeof reason, "%s", blame_output ? late_no_answer : late_slow);
        else if (rep->first_frame_ms - a->e->start_ms > AIRING_LATE_MS &&
                 a->e->source == SCHED_SOURCE_PLAN)
            snprintf(reason, sizeof reason, "%s",
                     a->asked_start_ms - d->last_end_ms < 2000 ? late_queued : late_grace);
        else if (a->short_ms > 0)
            snprintf(reason, sizeof reason, "%s", short_recording);
        break;
    case PLAYER_STOPPED:
        if (rep->never_ready && (a->gave_up || a->overran)) {
            st = ASLOG_FAILED;
            snprintf(reason, sizeof reason, "%s", no_answer);
            daemon_note_failure(d, _("%s (%s) failed: %s"), a->e->item->summary, a->e->key,
                                _(no_answer));
        } else if (a->e->slot_cut && !a->stop_by_operator) {
            /* aired as planned, to its slot's end: not a failure */
            st = ASLOG_AIRED;
            snprintf(reason, sizeof reason, "%s", REASON_SLOT_END);
        } else if (a->overran)
            snprintf(reason, sizeof reason, "%s", REASON_OVERRAN);
        else
            reason_with(reason, sizeof reason, REASON_OPERATOR, a->operator_name);
        break;
    case PLAYER_PREEMPTED: snprintf(reason, sizeof reason, "%s", REASON_PREEMPTED); break;
    case PLAYER_SHUTDOWN: snprintf(reason, sizeof reason, "%s", REASON_SHUTDOWN); break;
    case PLAYER_DEVICE_ERROR:
    case PLAYER_DECODE_ERROR:
    default:
        st = rep->played_ms > 0 ? ASLOG_INTERRUPTED : ASLOG_FAILED;
        player_reason(reason, sizeof reason, rep);
        daemon_note_failure(d, _("%s (%s) ended: %s"), a->e->item->summary, a->e->key,
                            reason_label(reason, label, sizeof label));
        break;
    }
    airing_log_end(d, a, st, reason, rep->first_frame_ms, rep->end_ms, rep->played_ms,
                   rep->underruns);
    if (rep->first_frame_ms >= 0)
        dlog(LOG_INFO, _("%s (%s) %s: first frame %+lld ms from its start, %lld ms played"),
             a->e->item->summary, a->e->key, i18n_keyword(aslog_status_name(st)),
             (long long)(rep->first_frame_ms - a->asked_start_ms), (long long)rep->played_ms);
    if (late > 0)
        dlog(LOG_WARNING, _("%s (%s) started %.1f s late: %s"), a->e->item->summary,
             a->e->key, (double)late / 1000.0, _(blame_output ? no_answer : slow));
    if (rep->end != PLAYER_PREEMPTED || d->cfg->preempt == CONFIG_PREEMPT_DROP)
        airing_forget_adhoc(d, a->e->key);
    d->last_end_ms = now_ms(d);
    sched_ended(d->s, a->e, rep->end == PLAYER_PREEMPTED, rep->played_ms, now_ms(d));
    airing_drop(a);
}

/* The preparation finished (well or not): say so once. */
static void prepared(struct daemon *d, struct airing *a)
{
    char err[1024] = "";
    int rc = player_prepared(a->p, err, sizeof err);
    if (rc == 1)
        return;
    a->preparing = false;
    a->ready_ms = now_ms(d);
    if (rc == -ENODEV) {
        d->no_device_said = true;
        return;
    }
    if (rc < 0)
        return; /* player_finished reports it */
    if (d->no_device_said)
        dlog(LOG_NOTICE, _("an output device works again"));
    d->no_device_said = false;
    if (a->e->state == SCHED_PREPARED) /* in time: the watchdog's own length */
        sched_set_length(d->s, a->e, a->length_ms);
    else
        dlog(LOG_NOTICE, _("%s (%s): the audio output answered; starting"),
             a->e->item->summary, a->e->key);
}

void airing_check_players(struct daemon *d)
{
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++) {
        struct airing *a = &d->air[i];
        struct player_report rep;
        if (a->p && a->preparing)
            prepared(d, a);
        if (!a->p || !player_finished(a->p, &rep))
            continue;
        if (a->e->state == SCHED_PREPARED) {
            /* the preparation failed, or the stream died before the start
             * (device gone): it fails now; the next programme tries the
             * device again */
            char why_buf[700];
            const char *why = why_buf;
            if (rep.end == PLAYER_DEVICE_ERROR && d->no_device_said && !rep.reason[0])
                why = no_device_hint;
            else if (rep.end == PLAYER_DEVICE_ERROR || rep.end == PLAYER_DECODE_ERROR)
                player_reason(why_buf, sizeof why_buf, &rep);
            else
                reason_with(why_buf, sizeof why_buf, REASON_PREPARE_FAILED, rep.reason);
            airing_record_failed(d, a->e, why);
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

/* The outcome of airing_check_device, once; returns ms until it wants to
 * look again (-1: no need). */
static int64_t device_said(struct daemon *d)
{
    if (!d->counting_devices)
        return -1;
    char err[512] = "";
    int n = player_count_outputs_result(err, sizeof err);
    if (n == -1)
        return 1000; /* still counting */
    d->counting_devices = false;
    if (n == 0) {
        dlog(LOG_WARNING, "%s%s%s", _(no_device_hint), err[0] ? ": " : "", err);
        d->no_device_said = true;
    }
    return -1;
}

/* The row's actual start as soon as the first frame is known, then what
 * has played every AIRING_PROGRESS_MS: after a crash the row keeps them
 * (aslog_recover). And an output that has not answered by the end of the
 * grace period is given up. */
int airing_tick(struct daemon *d)
{
    int64_t next = device_said(d), now = now_ms(d), mono = lclock_mono_ms(d->clk);
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++) {
        struct airing *a = &d->air[i];
        if (!a->p || (a->e->state != SCHED_ON_AIR && a->e->state != SCHED_STOPPING))
            continue;
        int64_t wait;
        if (a->preparing && !a->gave_up) {
            if (now >= a->e->deadline_ms) {
                dlog(LOG_WARNING, _("%s (%s): %s within the grace period; giving up"),
                     a->e->item->summary, a->e->key, _(no_answer));
                a->gave_up = true;
                player_stop(a->p, PLAYER_STOPPED);
                continue;
            }
            wait = a->e->deadline_ms - now;
            if (next < 0 || wait < next)
                next = wait;
        }
        if (a->row_id < 0)
            continue;
        int64_t first, played;
        if (!player_progress(a->p, &first, &played)) {
            /* look shortly after the start is due, then every 100 ms */
            wait = a->asked_start_ms + 50 - now;
            wait = wait < 100 ? 100 : wait;
        } else if (a->progress_mono < 0 || mono - a->progress_mono >= AIRING_PROGRESS_MS) {
            aslog_progress(d->log, a->row_id, first, played); /* a failure costs little */
            a->progress_mono = mono;
            wait = AIRING_PROGRESS_MS;
        } else {
            wait = a->progress_mono + AIRING_PROGRESS_MS - mono;
        }
        if (next < 0 || wait < next)
            next = wait;
    }
    return next > INT32_MAX ? INT32_MAX : (int)next;
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

/* The plan gives the programme a slot and it is longer (daemon.overrun =
 * cut): the fade begins now, so the sound ends at the slot's end. */
void airing_slot_end(struct daemon *d, struct sched_entry *e, int64_t end_ms)
{
    struct airing *a = airing_find(d, e);
    if (!a)
        return;
    char when[UTIL_TIME_BUF];
    dlog(LOG_NOTICE, _("%s (%s) is longer than its slot; fading it out to end at %s"),
         e->item->summary, e->key, util_format_iso_local(end_ms, when));
    player_stop(a->p, PLAYER_STOPPED);
}

/* A player abandoned by the watchdog: its output is stuck (a driver that
 * never returns, a device that never takes another frame). player_free
 * does not wait for it: the player's own thread closes the stream if it
 * ever returns (and keeps its memory on purpose if it never does). */
void airing_log_cut(struct daemon *d, struct airing *a, const char *reason)
{
    int64_t first, played;
    player_progress(a->p, &first, &played); /* what it had played, not "unknown" */
    airing_log_end(d, a, ASLOG_INTERRUPTED, reason, first, now_ms(d), first >= 0 ? played : -1,
                   0);
}

void airing_abandon(struct daemon *d, struct sched_entry *e, const char *reason)
{
    struct airing *a = airing_find(d, e);
    if (!a)
        return;
    airing_log_cut(d, a, reason);
    daemon_note_failure(d, _("%s (%s) did not end when asked: %s; abandoning its output"),
                        e->item->summary, e->key, _(reason));
    airing_forget_adhoc(d, e->key);
    airing_drop(a);
}

/* Said once at start, so the officer reading the log knows at once why
 * airings will fail; scheduling goes on and each prepare tries again.
 * Listing the devices initialises PortAudio, which a wedged audio server
 * can hold indefinitely: the player counts them on a thread of its own,
 * and airing_tick says the outcome. */
void airing_check_device(struct daemon *d)
{
    const char *dev = d->cfg->device;
    if (strcmp(dev, "null") == 0 || strncmp(dev, "null:", 5) == 0 ||
        strncmp(dev, "file:", 5) == 0)
        return;
    d->counting_devices = player_count_outputs_start() == 0;
}
