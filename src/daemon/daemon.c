/* loaxad's event loop: one poll() over a relative (boot-time) timerfd (the next thing
 * the scheduler needs), a CLOCK_REALTIME timerfd with CANCEL_ON_SET (wall
 * clock steps), a signalfd, the control socket, inotify on the plan's
 * folder (and its parent), the planner's eventfd (plans are read and
 * expanded in its thread: planner.c) and each player's end descriptor,
 * each a source in loop.c's registry (add_sources). It sleeps until the
 * earliest of those; idle, nothing wakes it. All decisions come from
 * sched_next(). */
#include "daemon/daemon.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/reasons.h"
#include "core/util.h"
#include "daemon/dlog.h"
#include "daemon/hasher.h"
#include "daemon/journal.h"
#include "daemon/loop.h"
#include "daemon/planner.h"
#include "sim/simulate.h"

#define DAY_MS (86400 * 1000LL)
#define WINDOW_MS (2 * DAY_MS)       /* occurrences loaded ahead */
#define LOOKBACK_MS (31 * DAY_MS)    /* how far back missed-while-down is filled in */
#define JUMP_TOLERANCE_MS 1500
#define EXPAND_RETRY_MS 60000        /* after an expansion failed */
#define STARTUP_WAIT_MS 2000         /* for the first plan before the socket opens */
#define RECHECK_MS (5 * 60000)       /* recordings checked again this often */

static int64_t now_ms(const struct daemon *d)
{
    return lclock_now_ms(d->clk);
}

void daemon_note_failure(struct daemon *d, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memmove(d->failures[1], d->failures[0], sizeof d->failures[0] * (DAEMON_MAX_FAILURES - 1));
    char when[UTIL_TIME_BUF];
    snprintf(d->failures[0], sizeof d->failures[0], "%s %s",
             util_format_iso_local(now_ms(d), when), buf);
    if (d->n_failures < DAEMON_MAX_FAILURES)
        d->n_failures++;
    dlog(LOG_WARNING, "%s", buf);
}

/* ---- the plan and the window of occurrences ---- */

/* In the log, waiting for it (backlog), or on air without a row yet. A
 * latest row "cancelled" does not count: a programme revoked before its
 * start (SCHED_REVOKE) may air at its new time as a new attempt, and the
 * plan's own cancellation closes the occurrence in the log for good (the
 * log refuses any later row, so at most its line is said again). */
static bool logged_cb(void *ud, const char *key)
{
    struct daemon *d = ud;
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++)
        if (d->air[i].p && d->air[i].unlogged && strcmp(d->air[i].e->key, key) == 0)
            return true;
    enum aslog_status st = ASLOG_AIRED;
    return backlog_has(d, key) ||
           (aslog_occurrence_state(d->log, key, &st, NULL, NULL) == 0 && st != ASLOG_CANCELLED);
}

/* Asks the planner for the occurrences in [from, to) of the current plan;
 * they replace the loaded ones when it is done (on_planner). */
static void window_ask(struct daemon *d, int64_t from, int64_t to)
{
    if (!d->plan) { /* no plan yet: nothing to expand, nothing to refill */
        d->win_from = from;
        d->win_to = to;
        return;
    }
    if (planner_expand(d->planner, d->plan, from, to) == 0)
        d->expanding = true;
}

#define NEXT_HORIZON_MS (400 * DAY_MS) /* how far the next airing is looked for */

/* In the worker: would this occurrence air (the core's rules for a plan
 * entry: approval, broadcast hours)? Reads only the settings. */
static bool next_airs_cb(void *ud, const struct plan_occurrence *o)
{
    const struct daemon *d = ud;
    if (d->cfg->require_approval && !o->item->approved)
        return false;
    if (o->item->level == PLAN_LEVEL_EMERGENCY)
        return true;
    int m = simulate_local_min(NULL, o->start_ms);
    return m >= d->cfg->hours_start_min && m < d->cfg->hours_end_min;
}

static void say_next(struct daemon *d, const char *title, const char *key, int64_t at)
{
    char when[UTIL_TIME_BUF];
    d->next_said = true;
    dlog(LOG_NOTICE, _("next airing: %s (%s) at %s"), title, key,
         util_format_iso_local(at, when));
}

/* After a new window: the start line names the next airing, and when the
 * window holds none the planner looks beyond it (status shows that one). */
void daemon_next_check(struct daemon *d)
{
    const struct sched_entry *up[1];
    d->next_of = NULL;
    d->next_asked = d->next_none = false;
    if (!d->plan)
        return;
    if (sched_upcoming(d->s, now_ms(d), up, 1) == 1) {
        if (!d->next_said)
            say_next(d, up[0]->item->summary, up[0]->key, up[0]->start_ms);
        return;
    }
    d->next_asked = true;
    planner_next(d->planner, d->plan, d->win_to, d->win_to + NEXT_HORIZON_MS, next_airs_cb, d);
}

static void on_next(struct daemon *d, struct planner_job *j)
{
    if (j->of != d->plan)
        return;
    d->next_asked = false;
    if (j->rc < 0)
        return;
    if (j->n_occ == 1) {
        d->next_occ = j->occ[0];
        d->next_of = d->plan;
        if (!d->next_said)
            say_next(d, d->next_occ.item->summary, d->next_occ.key, d->next_occ.start_ms);
        return;
    }
    d->next_none = true;
    if (!d->next_said) {
        d->next_said = true;
        dlog(LOG_NOTICE, _("no airing is planned in the next %d days"),
             (int)(NEXT_HORIZON_MS / DAY_MS));
    }
}

static void window_apply(struct daemon *d, struct planner_job *j)
{
    sched_load(d->s, j->occ, j->n_occ, logged_cb, d);
    free(d->occ);
    d->occ = j->occ;
    d->n_occ = j->n_occ;
    j->occ = NULL;
    d->win_from = j->from_ms;
    d->win_to = j->to_ms;
    approvals_reset(d);
    approvals_refresh(d);
    daemon_next_check(d);
}

static bool loading(const struct daemon *d)
{
    return d->load_asked != d->load_done;
}

static int latest_cb(const struct aslog_row *row, void *ud)
{
    int64_t *latest = ud;
    if (row->planned_start_ms > *latest)
        *latest = row->planned_start_ms;
    return 0;
}

/* Where loading begins at start: a grace period before the last airing
 * the log knows (at most a month back), so what passed while the daemon
 * was down is logged missed; and at least the grace period back, so what
 * is merely late still airs. A fresh log starts there. Not at the last
 * airing itself: an earlier occurrence may still have been waiting behind
 * it (an emergency went first) when the daemon died, and while the daemon
 * runs every occurrence has its row by its start + grace. */
static int64_t lookback_from(struct daemon *d, int64_t now)
{
    int64_t latest = -1;
    int64_t grace = (int64_t)d->cfg->grace_min * 60000 + d->cfg->prepare_ms;
    int64_t late = now - grace;
    struct aslog_filter f = {.from_ms = now - LOOKBACK_MS, .to_ms = now};
    aslog_query(d->log, &f, latest_cb, &latest);
    return latest >= 0 && latest < late ? latest - grace : late;
}

/* Asks the planner to read the plan again; returns the load's number.
 * One rule at start and on reload: a plan with errors is refused and the
 * last good plan airs: on reload the one airing, at start its copy (kept
 * in <db>.plan/ at each good load). Only when there never was a good plan
 * do the valid items of a plan with errors air (there is no better). */
unsigned long daemon_reload(struct daemon *d, bool startup)
{
    int64_t now = now_ms(d);
    int64_t from = startup ? lookback_from(d, now)
                           : now - (int64_t)d->cfg->grace_min * 60000 - d->cfg->prepare_ms;
    d->load_asked = planner_load(d->planner, false, from, now + WINDOW_MS);
    return d->load_asked;
}

static void answer_reloads(struct daemon *d, unsigned long seq, bool ok, const char *msg)
{
    int kept = 0;
    for (int i = 0; i < d->n_reload_waiters; i++) {
        struct reload_waiter *w = &d->reload_waiters[i];
        if (w->seq > seq) {
            d->reload_waiters[kept++] = *w;
            continue;
        }
        ctl_conn_reply(w->c, ok, msg);
        conns_answered(d, w->c);
    }
    d->n_reload_waiters = kept;
}

/* RELOAD: the connection waits for the load's result (the loop does not). */
bool daemon_reload_wait(struct daemon *d, struct ctl_conn *c)
{
    if (d->n_reload_waiters == DAEMON_MAX_RELOAD_WAITERS) {
        ctl_conn_reply(c, false, _("busy"));
        return false;
    }
    d->reload_waiters[d->n_reload_waiters].c = c;
    d->reload_waiters[d->n_reload_waiters++].seq = daemon_reload(d, false);
    return true;
}

/* The plan's errors, then its recordings that cannot air (checked by the
 * planner at each load and every RECHECK_MS: in status at once, not at
 * air time). */
static void set_recordings(struct daemon *d, const struct planner_job *j)
{
    const char *own = d->plan_own_errors;
    free(d->plan_errors);
    d->plan_errors = NULL;
    if (own || j->recordings)
        d->plan_errors = xasprintf("%s%s%s", own ? own : "", own && j->recordings ? "\n" : "",
                                   j->recordings ? j->recordings : "");
    if (j->n_recordings && (!j->recheck || (int)j->n_recordings != d->plan_bad_recordings))
        dlog(LOG_ERR, _("%zu recording(s) of the plan cannot air: %s"), j->n_recordings,
             j->recordings);
    d->n_plan_errors = d->plan_left_out + (int)j->n_recordings;
    d->plan_bad_recordings = (int)j->n_recordings;
    d->recheck_mono = lclock_mono_ms(d->clk) + RECHECK_MS;
}

static void on_load(struct daemon *d, struct planner_job *j)
{
    char msg[4096];
    bool first = d->load_done == 0, ok = false;
    d->load_done = j->seq;
    if (j->refused) {
        snprintf(msg, sizeof msg,
                 _("the plan has %zu error(s); still airing the last good plan: %s"),
                 j->n_errors, j->errors);
        free(d->plan_errors);
        d->plan_errors = xstrdup(j->errors);
        d->n_plan_errors = (int)j->n_errors;
        d->plan_refused = true;
        dlog(LOG_ERR, "%s", msg);
    } else if (!j->plan) {
        snprintf(msg, sizeof msg, _("cannot read the plan %s: %s"), d->cfg->plan_path,
                 j->msg ? j->msg : "?");
        /* in status too: a plan folder deleted, unreadable */
        free(d->plan_errors);
        d->plan_errors = xstrdup(msg);
        d->n_plan_errors = 1;
        d->plan_refused = true;
        dlog(LOG_ERR, "%s", msg);
        if (d->plan)
            dlog(LOG_ERR, _("still airing the last good plan"));
        else if (first)
            /* keep running: the control socket answers, and the plan is
             * read as soon as it appears */
            dlog(LOG_WARNING, _("no plan yet; waiting for %s"), d->cfg->plan_path);
    } else {
        free(d->plan_own_errors);
        d->plan_own_errors = j->errors ? xstrdup(j->errors) : NULL;
        d->plan_left_out = j->fallback ? 0 : (int)j->n_errors;
        d->plan_refused = j->fallback;
        d->plan_fallback = j->fallback;
        set_recordings(d, j);
        if (j->fallback)
            d->n_plan_errors = (int)(j->n_errors + j->n_recordings);
        struct plan *old = d->plan;
        d->plan = j->plan;
        j->plan = NULL;
        d->expanding = false; /* an expansion of the old plan is dropped when it comes */
        window_apply(d, j);
        planner_retire(d->planner, old); /* sched's entries now point into the new one */
        d->plan_loaded_ms = now_ms(d);
        if (j->fallback) {
            snprintf(msg, sizeof msg,
                     _("the plan has %zu error(s); airing the last good plan (its copy, "
                       "%zu item(s)): %s"), j->n_errors, plan_item_count(d->plan), j->errors);
            dlog(LOG_ERR, "%s", msg);
        } else if (j->n_errors) {
            snprintf(msg, sizeof msg,
                     _("the plan has %zu error(s) and there is no good plan to air instead; "
                       "its valid items air: %s"), j->n_errors, j->errors);
            dlog(LOG_ERR, "%s", msg);
        } else {
            snprintf(msg, sizeof msg,
                     _("plan loaded: %zu item(s) from %zu file(s), %zu airing(s) ahead"),
                     plan_item_count(d->plan), plan_file_count(d->plan), d->n_occ);
            dlog(LOG_INFO, "%s", msg);
            ok = true;
        }
    }
    answer_reloads(d, j->seq, ok, msg);
}

static void on_planner(struct daemon *d)
{
    struct planner_job *j;
    while ((j = planner_take(d->planner))) {
        if (j->load) {
            on_load(d, j);
        } else if (j->recheck) {
            if (j->of == d->plan && !d->plan_refused)
                set_recordings(d, j);
        } else if (j->next) {
            on_next(d, j);
        } else if (j->of == d->plan) { /* else: a plan replaced since */
            d->expanding = false;
            if (j->rc < 0) {
                dlog(LOG_ERR, _("cannot expand the plan: %s"), j->msg ? j->msg : "?");
                d->expand_retry_mono = lclock_mono_ms(d->clk) + EXPAND_RETRY_MS;
            } else
                window_apply(d, j);
        }
        planner_retire(d->planner, j->plan); /* a load not taken: none */
        planner_job_free(j);
    }
}

/* ---- time ---- */

static void arm_timer(struct daemon *d, int64_t at, int64_t now)
{
    struct itimerspec its = {0};
    if (d->quit)
        at = now + 200; /* while shutting down, look again soon */
    if (at != INT64_MAX) {
        int64_t delay = at - now;
        if (delay < 1)
            delay = 1;
        its.it_value.tv_sec = delay / 1000;
        its.it_value.tv_nsec = (delay % 1000) * 1000000;
    }
    timerfd_settime(d->tfd, 0, &its, NULL);
}

static void arm_jump_detector(struct daemon *d)
{
    /* An absolute CLOCK_REALTIME timer far away; the kernel cancels it
     * (read() fails with ECANCELED) whenever the wall clock is set. */
    struct itimerspec its = {.it_value = {.tv_sec = 4102444800}}; /* 2100-01-01 */
    timerfd_settime(d->jfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL);
}

/* A forward step holds what it made due for SCHED_JUMP_HOLD_MS (the core
 * neither starts nor writes it off): a wrong step corrected meanwhile
 * costs nothing; a real one is judged when the hold ends. */
static void on_jump(struct daemon *d, int64_t delta)
{
    int64_t now = now_ms(d), grace = (int64_t)d->cfg->grace_min * 60000;
    long long s = (delta + (delta < 0 ? -500 : 500)) / 1000;
    if (delta > 0)
        dlog(LOG_WARNING, _("the wall clock jumped by %+lld s; what it made due waits %d s "
                            "for the clock to settle"), s, SCHED_JUMP_HOLD_MS / 1000);
    else
        dlog(LOG_WARNING, _("the wall clock jumped by %+lld s; rescheduling from the log"), s);
    int64_t from = now - grace - d->cfg->prepare_ms;
    sched_note_jump(d->s, now - delta, now);
    if (delta > 0)
        from = now - delta - grace; /* what was skipped becomes late or missed */
    window_ask(d, from, now + WINDOW_MS);
}

static void check_sync(struct daemon *d)
{
    long est;
    bool synced = lclock_synchronised(&est);
    if (!synced && d->synced)
        dlog(LOG_WARNING, _("the system clock is not synchronised (NTP); airings may be "
                            "off by as much as the clock is"));
    else if (synced && !d->synced)
        dlog(LOG_INFO, _("the system clock is synchronised"));
    d->synced = synced;
}

/* ---- the loop ---- */

static void drive(struct daemon *d)
{
    int64_t now = now_ms(d);
    int64_t delta = lclock_jump_check(d->clk, &d->mark, JUMP_TOLERANCE_MS);
    if (delta)
        on_jump(d, delta);
    now = now_ms(d);
    if (!d->quit && now + DAY_MS > d->win_to && !d->expanding && !loading(d) &&
        lclock_mono_ms(d->clk) >= d->expand_retry_mono)
        window_ask(d, now - (int64_t)d->cfg->grace_min * 60000 - d->cfg->prepare_ms,
                   now + WINDOW_MS);
    if (!d->quit && d->plan && !loading(d) && lclock_mono_ms(d->clk) >= d->recheck_mono) {
        d->recheck_mono = lclock_mono_ms(d->clk) + RECHECK_MS;
        planner_recheck(d->planner, d->plan);
    }
    for (int guard = 0; guard < 100000; guard++) {
        struct sched_action act;
        now = now_ms(d);
        if (d->quit) {
            arm_timer(d, INT64_MAX, now);
            return;
        }
        sched_next(d->s, now, &act);
        struct airing *a;
        switch (act.kind) {
        case SCHED_IDLE: {
            /* the refill is asked for once; its answer wakes the loop */
            int64_t refill = d->expanding || loading(d) ? INT64_MAX : d->win_to - DAY_MS;
            int64_t retry = d->expand_retry_mono - lclock_mono_ms(d->clk);
            if (retry > 0 && refill < now + retry)
                refill = now + retry; /* the last expansion failed: not before then */
            if (d->plan) { /* the recordings' next check wakes the loop too */
                int64_t rc = now + (d->recheck_mono - lclock_mono_ms(d->clk));
                if (rc < refill)
                    refill = rc;
            }
            arm_timer(d, act.at_ms < refill ? act.at_ms : refill, now);
            return;
        }
        case SCHED_MISSED:
            if ((a = airing_find(d, act.entry)))
                airing_drop(a);
            if (airing_log_record(d, act.entry, ASLOG_MISSED, act.reason, "") == 0)
                daemon_note_failure(d, _("%s (%s) missed: %s"), act.entry->item->summary,
                                    act.entry->key, _(act.reason));
            airing_forget_adhoc(d, act.entry->key);
            break;
        case SCHED_CANCELLED:
            if (airing_log_record(d, act.entry, ASLOG_CANCELLED, act.reason, "") < 0)
                break; /* closed in the log already */
            if (*act.reason)
                dlog(LOG_NOTICE, _("%s (%s) is not aired: %s"), act.entry->item->summary,
                     act.entry->key, _(act.reason));
            else
                dlog(LOG_INFO, _("%s (%s) is cancelled in the plan"), act.entry->item->summary,
                     act.entry->key);
            break;
        case SCHED_REVOKE: /* armed, not started: stopped; airing_check_players closes it */
            if (!(a = airing_find(d, act.entry))) {
                sched_revoked(d->s, act.entry);
            } else if (!player_disarm(a->p)) {
                /* its first sample is out: it has started, and stays (the
                 * core logs the moved one) */
                dlog(LOG_NOTICE, _("%s (%s) is starting; it stays on air although the plan "
                                   "moved it"), act.entry->item->summary, act.entry->key);
            } else {
                a->revoked = true; /* ends with nothing played: row cancelled */
            }
            break;
        case SCHED_DISCARD: /* prepared, not started: no row to write */
            if ((a = airing_find(d, act.entry)))
                airing_drop(a);
            dlog(LOG_INFO, _("%s (%s) dropped before its start: %s"), act.entry->item->summary,
                 act.entry->key, _(act.reason));
            break;
        case SCHED_PREPARE:
            check_sync(d);
            airing_prepare(d, act.entry);
            break;
        case SCHED_START:
            airing_start(d, act.entry, act.at_ms);
            break;
        case SCHED_PREEMPT:
            if ((a = airing_find(d, act.entry))) {
                dlog(LOG_NOTICE, _("an emergency cuts into %s (%s)"), act.entry->item->summary,
                     act.entry->key);
                player_stop(a->p, PLAYER_PREEMPTED);
            }
            break;
        case SCHED_OVERRUN:
            airing_overrun(d, act.entry);
            break;
        case SCHED_SLOT_END:
            airing_slot_end(d, act.entry, act.at_ms);
            break;
        case SCHED_STALLED:
            airing_abandon(d, act.entry, act.reason);
            break;
        }
    }
}

/* A revoked programme's player ended (airing_check_players). Nothing
 * played: its row is closed as cancelled and the core told. The first
 * frame went out before the stop arrived (a race at the very start): it
 * aired, cut by the stop, and ends like any airing. */
void daemon_revoke_end(struct daemon *d, struct airing *a, const struct player_report *rep)
{
    struct sched_entry *e = a->e;
    if (rep->frames_played > 0) {
        airing_log_end(d, a, ASLOG_INTERRUPTED, REASON_REVOKED_STARTING,
                       rep->first_frame_ms, rep->end_ms, rep->played_ms, rep->underruns);
        sched_ended(d->s, e, false, rep->played_ms, now_ms(d));
    } else {
        airing_log_end(d, a, ASLOG_CANCELLED, REASON_REVOKED, -1, rep->end_ms, 0, 0);
        dlog(LOG_NOTICE, _("%s (%s) is not aired: %s"), e->item->summary, e->key,
             _(REASON_REVOKED));
        sched_revoked(d->s, e);
    }
    airing_drop(a);
}

static void begin_shutdown(struct daemon *d)
{
    if (d->quit)
        return;
    d->quit = true;
    d->quit_deadline_mono = lclock_mono_ms(d->clk) + d->cfg->fade_ms + 3000;
    dlog(LOG_NOTICE, _("shutting down"));
    answer_reloads(d, ULONG_MAX, false, _("the daemon is shutting down"));
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++) {
        struct airing *a = &d->air[i];
        if (!a->p)
            continue;
        if (a->row_id >= 0 || a->unlogged) {
            player_stop(a->p, PLAYER_SHUTDOWN);
        } else { /* prepared, never started: nothing to log */
            sched_failed(d->s, a->e);
            airing_drop(a);
        }
    }
}

static bool airings_left(const struct daemon *d)
{
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++)
        if (d->air[i].p)
            return true;
    return false;
}

static void on_signal(struct daemon *d)
{
    struct signalfd_siginfo si;
    while (read(d->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGHUP) {
            daemon_reload(d, false);
        } else {
            begin_shutdown(d);
        }
    }
}

#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | \
                    IN_MOVE_SELF)

/* Plan files written, renamed or deleted in the folder; the folder itself
 * deleted, moved away or (seen from its parent, watched all along) coming
 * back, when its watch is added again. */
static void on_inotify(struct daemon *d)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool relevant = false;
    ssize_t n;
    const char *base = strrchr(d->plan_dir, '/');
    base = base && base[1] ? base + 1 : d->plan_dir;
    while ((n = read(d->ifd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            size_t l = ev->len ? strnlen(ev->name, ev->len) : 0;
            p += sizeof *ev + ev->len;
            if (ev->wd == d->dir_wd && d->dir_wd >= 0 &&
                ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                if (!(ev->mask & IN_IGNORED))
                    inotify_rm_watch(d->ifd, d->dir_wd);
                d->dir_wd = -1; /* gone: the parent's watch sees it come back */
                relevant = true;
                continue;
            }
            if (ev->wd == d->parent_wd && l && strcmp(ev->name, base) == 0) {
                if (ev->mask & (IN_CREATE | IN_MOVED_TO) && d->dir_wd < 0)
                    d->dir_wd = inotify_add_watch(d->ifd, d->plan_dir, DIR_EVENTS);
                relevant = true; /* the plan's folder appeared or went */
                continue;
            }
            if (ev->wd == d->dir_wd && l > 4 && strcmp(ev->name + l - 4, ".ics") == 0)
                relevant = true;
        }
    }
    if (relevant) {
        dlog(LOG_INFO, _("the plan changed on disk; reloading"));
        daemon_reload(d, false);
    }
}

/* ---- the loop's sources (loop.h), handled in the order added ---- */

static void on_timer(void *ud, short revents)
{
    (void)revents;
    struct daemon *d = ud;
    uint64_t ticks;
    if (read(d->tfd, &ticks, sizeof ticks) < 0) {
        /* EAGAIN: re-armed meanwhile; nothing to do */
    }
}

static void on_jump_src(void *ud, short revents)
{
    (void)revents;
    struct daemon *d = ud;
    uint64_t ticks;
    if (read(d->jfd, &ticks, sizeof ticks) < 0 && errno == ECANCELED) {
        /* the kernel saw the wall clock set: drive() measures by how much */
        arm_jump_detector(d);
    }
}

static void on_signal_src(void *ud, short revents)
{
    (void)revents;
    on_signal(ud);
}

static void on_inotify_src(void *ud, short revents)
{
    (void)revents;
    on_inotify(ud);
}

static void on_planner_src(void *ud, short revents)
{
    (void)revents;
    on_planner(ud);
}

/* Only polled to wake the loop: player signals (prepared, ended) are read
 * by airing_check_players() at the top of each turn. */
static int fill_players(void *ud, struct pollfd *pfd, int max)
{
    struct daemon *d = ud;
    for (int i = 0; i < DAEMON_MAX_AIRINGS && i < max; i++)
        pfd[i] = (struct pollfd){.fd = d->air[i].p ? player_fd(d->air[i].p) : -1,
                                 .events = POLLIN};
    return DAEMON_MAX_AIRINGS < max ? DAEMON_MAX_AIRINGS : max;
}

/* The listening socket first (not polled while stopping, or while the
 * accept rate pauses it), then the clients (conns.c). */
static int fill_conns(void *ud, struct pollfd *pfd, int max)
{
    struct daemon *d = ud;
    if (max < 1 + DAEMON_MAX_CONNS)
        return 0;
    pfd[0] = (struct pollfd){.fd = d->quit ? -1 : conns_listen_fd(d), .events = POLLIN};
    return 1 + conns_fill(d, pfd + 1);
}

static void handle_conns(void *ud, const struct pollfd *pfd, int n)
{
    if (n == 1 + DAEMON_MAX_CONNS)
        conns_handle(ud, pfd + 1, pfd[0].revents & POLLIN);
}

static int add_sources(struct daemon *d)
{
    d->loop = loop_new();
    int rc;
    if ((rc = loop_add(d->loop, d->tfd, POLLIN, on_timer, d)) < 0 ||
        (rc = loop_add(d->loop, d->jfd, POLLIN, on_jump_src, d)) < 0 ||
        (rc = loop_add(d->loop, d->sfd, POLLIN, on_signal_src, d)) < 0 ||
        (rc = loop_add(d->loop, d->ifd, POLLIN, on_inotify_src, d)) < 0 ||
        (rc = loop_add(d->loop, planner_fd(d->planner), POLLIN, on_planner_src, d)) < 0 ||
        (rc = loop_add_set(d->loop, DAEMON_MAX_AIRINGS, fill_players, NULL, d)) < 0 ||
        (rc = loop_add_set(d->loop, 1 + DAEMON_MAX_CONNS, fill_conns, handle_conns, d)) < 0)
        return rc;
    return 0;
}

int daemon_run(struct daemon *d)
{
    for (;;) {
        airing_check_players(d);
        /* rows written before their hashes were known: completed as soon
         * as the hasher has them (looked at each second meanwhile) */
        size_t hash_wait = airlog_fill_hashes(d->al);
        /* the approvals before the core decides (a content hash, a decision) */
        if (approvals_refresh(d))
            hash_wait++;
        drive(d);
        if (d->quit) {
            if (!airings_left(d))
                break;
            if (lclock_mono_ms(d->clk) > d->quit_deadline_mono) {
                /* a player that does not end: close its row ourselves */
                for (int i = 0; i < DAEMON_MAX_AIRINGS; i++) {
                    struct airing *a = &d->air[i];
                    if (a->p && (a->row_id >= 0 || a->unlogged))
                        airing_log_cut(d, a, REASON_SHUTDOWN);
                    if (a->p)
                        airing_drop(a);
                }
                break;
            }
        }
        int timeout = conns_expire(d);
        if (hash_wait && (timeout < 0 || timeout > 1000))
            timeout = 1000;
        int air_wait = airing_tick(d); /* progress rows, outputs that do not answer */
        if (air_wait >= 0 && (timeout < 0 || air_wait < timeout))
            timeout = air_wait;
        if (d->n_backlog) {
            int64_t left = d->backlog_retry_mono - lclock_mono_ms(d->clk);
            if (left <= 0 && backlog_flush(d))
                left = BACKLOG_RETRY_MS;
            if (d->n_backlog && (timeout < 0 || left < timeout))
                timeout = (int)(left > 0 ? left : 0);
        }
        int r = loop_poll(d->loop, timeout); /* the handlers: add_sources() */
        if (r < 0 && errno != EINTR) {
            dlog(LOG_ERR, "poll: %s", strerror(errno));
            return 1;
        }
    }
    dlog(LOG_NOTICE, _("stopped"));
    return 0;
}

/* ---- setup ---- */

static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
    if (!*dir) {
        free(dir);
        dir = xstrdup("/");
    }
    return dir;
}

/* Watches the plan's folder; when it does not exist yet, its parent, to
 * notice it appear (a fresh install may start the daemon before the
 * officer has written any plan). */
static int watch_plan(struct daemon *d, char *err, size_t errlen)
{
    struct stat st;
    char *dir;
    size_t l = strlen(d->cfg->plan_path);
    bool is_dir = stat(d->cfg->plan_path, &st) == 0 ? S_ISDIR(st.st_mode)
                  : !(l > 4 && strcmp(d->cfg->plan_path + l - 4, ".ics") == 0);
    d->parent_wd = -1;
    if (is_dir) {
        dir = xstrdup(d->cfg->plan_path);
    } else {
        dir = parent_of(d->cfg->plan_path);
    }
    d->plan_dir = dir;
    d->dir_wd = -1;
    d->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (d->ifd < 0)
        goto fail;
    /* the parent always: the folder may be deleted and made again */
    char *parent = parent_of(dir);
    d->parent_wd = inotify_add_watch(d->ifd, parent,
                                     IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
    free(parent);
    d->dir_wd = inotify_add_watch(d->ifd, dir, DIR_EVENTS);
    if (d->dir_wd >= 0 || (errno == ENOENT && d->parent_wd >= 0))
        return 0;
fail:;
    int rc = -errno;
    snprintf(err, errlen, _("cannot watch %s: %s"), dir, strerror(errno));
    return rc;
}

int daemon_init(struct daemon *d, struct loaxa_config *cfg, struct lclock *clk, char *err,
                size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    d->tfd = d->jfd = d->sfd = d->lfd = d->ifd = -1;
    d->clk = clk;
    d->synced = true;
    lclock_mark(d->clk, &d->mark);
    d->started_ms = now_ms(d);
    int rc = aslog_open(cfg->db_path, &d->log, err, errlen);
    if (rc < 0)
        return rc;
    backlog_open_journal(d); /* before recover: a kept completion finishes its row */
    int n = 0;
    if (aslog_set_aside_simulated(d->log, &n) == 0 && n > 0)
        dlog(LOG_WARNING, _("%d simulated row(s) found in the station's log; set aside "
                            "(never counted as aired)"), n);
    n = 0;
    if (aslog_recover(d->log, &n) == 0 && n > 0)
        dlog(LOG_WARNING, _("%d airing(s) were cut by the daemon stopping; logged interrupted"),
             n);
    d->al = airlog_new(d->log, cfg->audio_root);
    d->hasher = hasher_new();
    d->appr = approvals_new();
    airlog_set_hasher(d->al, hasher_lookup_fn, d->hasher);
    struct sched_opts so = {
        .grace_ms = (int64_t)cfg->grace_min * 60000,
        .prepare_ms = cfg->prepare_ms,
        .fade_ms = cfg->fade_ms,
        .preempt = airlog_cut_policy(cfg->preempt),
        .require_approval = cfg->require_approval,
        /* the approvals decide (approval.c): signed, or a TENTATIVE item approved */
        .approved = approvals_ok,
        .approved_ud = d,
        .boot_ms = d->started_ms,
        /* watchdog: the defaults (30 s or 10% over, then 5 s) */
        /* the row is written and the player armed this long before the
         * start (well ahead of the output latency); until then a reload
         * may still drop a prepared programme with nothing logged */
        .arm_ms = (int64_t)cfg->latency_ms + 1000,
        .jump_hold_ms = SCHED_JUMP_HOLD_MS,
        /* enforced, not only warned about by check (see loaxad(8)) */
        .hours_start_min = cfg->hours_start_min,
        .hours_end_min = cfg->hours_end_min,
        .local_min = simulate_local_min,
        .slot_cut = cfg->overrun == CONFIG_OVERRUN_CUT,
    };
    d->s = sched_new(&so);
    struct plan_options po = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                              .no_emergency_from_priority = !cfg->emergency_from_priority};
    char *save = xasprintf("%s.plan", cfg->db_path); /* the last good plan's copy */
    d->planner = planner_new(cfg->plan_path, &po, save);
    free(save);
    if (!d->planner) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -errno;
    }
    /* The first plan, off the loop too; waited for a moment, so that a
     * small plan is airing when the socket first answers, but a big one
     * does not keep the socket silent */
    d->win_from = d->started_ms;
    d->win_to = d->started_ms + WINDOW_MS;
    daemon_reload(d, true);
    struct pollfd first = {.fd = planner_fd(d->planner), .events = POLLIN};
    if (poll(&first, 1, STARTUP_WAIT_MS) > 0)
        on_planner(d);
    d->lfd = ctl_listen(cfg->socket_path, cfg->socket_group, err, errlen);
    if (d->lfd < 0)
        return d->lfd;
    d->conns = conns_new(lclock_mono_ms(d->clk));
    if ((rc = watch_plan(d, err, errlen)) < 0)
        return rc;
    sigset_t ss;
    sigemptyset(&ss);
    sigaddset(&ss, SIGTERM);
    sigaddset(&ss, SIGINT);
    sigaddset(&ss, SIGHUP);
    sigprocmask(SIG_BLOCK, &ss, NULL);
    signal(SIGPIPE, SIG_IGN);
    d->sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
    /* BOOTTIME: a relative sleep that also counts a suspend, so a resumed
     * machine wakes for what it slept through (and the jump check, on the
     * monotonic clock, then treats the suspend like a step forward) */
    d->tfd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    d->jfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (d->sfd < 0 || d->tfd < 0 || d->jfd < 0) {
        rc = -errno;
        snprintf(err, errlen, "%s", strerror(errno));
        return rc;
    }
    if ((rc = add_sources(d)) < 0) {
        snprintf(err, errlen, "%s", strerror(-rc));
        return rc;
    }
    arm_jump_detector(d);
    check_sync(d);
    airing_check_device(d);
    return 0;
}

void daemon_fini(struct daemon *d)
{
    answer_reloads(d, ULONG_MAX, false, _("the daemon is shutting down"));
    planner_free(d->planner); /* before the plan: it may be expanding it */
    for (int i = 0; i < DAEMON_MAX_AIRINGS; i++)
        if (d->air[i].p)
            airing_drop(&d->air[i]);
    /* streams still closing on their players' threads: a bounded wait */
    if (player_wait_teardowns(2000) > 0)
        dlog(LOG_WARNING, _("an audio output did not close; leaving it"));
    loop_free(d->loop);
    conns_free(d->conns);
    if (d->lfd >= 0) {
        close(d->lfd);
        unlink(d->cfg->socket_path);
    }
    int fds[] = {d->tfd, d->jfd, d->sfd, d->ifd};
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    sched_free(d->s);
    free(d->occ);
    plan_free(d->plan);
    backlog_fini(d);
    journal_close(d->jn);
    airlog_free(d->al);
    hasher_free(d->hasher);
    approvals_free(d->appr);
    aslog_close(d->log);
    free(d->plan_errors);
    free(d->plan_own_errors);
    free(d->adhoc);
    free(d->plan_dir);
}
