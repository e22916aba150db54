/* What loaxad answers on its control socket: STATUS (one JSON object),
 * ERRORS (the plan's errors, a page at a time), AIR (an ad-hoc airing,
 * phát đột xuất), STOP, RELOAD, and PENDING, APPROVE and REJECT (the
 * approvals, approval.c). The operator is the peer's
 * credentials, recorded in the log for manual actions. Every answer is
 * bounded: STATUS names the plan's first errors and their count, ERRORS
 * pages through the rest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "ctl/status.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"

#define STATUS_MAX_ERRORS 20          /* errors named in a STATUS */
#define PAGE_MAX_ERRORS 500           /* errors in one ERRORS page ... */
#define PAGE_MAX_BYTES (64 * 1024)    /* ... and their JSON text: ~1 ms to build */
#define ERROR_MAX_BYTES 1024          /* one error's text in an answer */

/* The rejected plan's errors as entries (its lines), indexed so a page
 * costs its own size. A copy of the daemon's text: compared whole at each request (a
 * memcmp), so the index and its generation change exactly when the text
 * does, whoever replaced it. One daemon per process, hence static. */
static struct {
    char *text;
    size_t len;
    size_t *start;                /* each entry's first byte in text */
    size_t n;
    unsigned gen;                 /* bumped at each change: pages of one list */
} errs;

static void errors_index(const struct daemon *d)
{
    const char *t = d->plan_errors ? d->plan_errors : "";
    size_t len = strlen(t);
    if (errs.text && errs.len == len && memcmp(errs.text, t, len) == 0)
        return;
    free(errs.text);
    free(errs.start);
    errs.text = xstrdup(t);
    errs.len = len;
    errs.start = NULL;
    errs.n = 0;
    errs.gen++;
    size_t cap = 0;
    for (const char *p = errs.text; *p;) {
        const char *nl = strchr(p, '\n');
        if (p != nl) { /* no empty entries */
            if (errs.n == cap) {
                cap = cap ? cap * 2 : 64;
                errs.start = xrealloc(errs.start, cap * sizeof *errs.start);
            }
            errs.start[errs.n++] = (size_t)(p - errs.text);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* Entry i, cut to ERROR_MAX_BYTES on a UTF-8 character boundary */
static struct ctl_text error_entry(size_t i)
{
    const char *e = errs.text + errs.start[i];
    size_t n = strcspn(e, "\n");
    if (n > ERROR_MAX_BYTES) {
        n = ERROR_MAX_BYTES;
        while (n > 0 && ((unsigned char)e[n] & 0xC0) == 0x80)
            n--;
    }
    return (struct ctl_text){e, n};
}

/* The times of one STATUS, as the protocol writes them */
struct status_times {
    char buf[16][UTIL_TIME_BUF];
    int n;
};

static const char *stime(struct status_times *t, int64_t ms)
{
    if (ms < 0 || t->n == (int)ARRAY_SIZE(t->buf))
        return NULL;
    return util_format_iso_local(ms, t->buf[t->n++]);
}

static struct ctl_status_entry status_entry(const struct sched_entry *e,
                                            struct status_times *t)
{
    return (struct ctl_status_entry){
        .key = e->key, .uid = e->item->uid, .title = e->item->summary,
        .level = ctl_level_name(e->level),
        .source = aslog_source_name(airlog_source(e->source)),
        .planned_start = stime(t, e->start_ms),
    };
}

static char *status_json(struct daemon *d)
{
    int64_t now = lclock_now_ms(d->clk);
    struct status_times t = {.n = 0};
    struct airing *a = daemon_on_air(d);
    const struct sched_entry *prep = sched_prepared(d->s);
    struct ctl_status st = {
        .state = d->quit ? "stopping" : a ? "on_air" : "idle",
        .now = stime(&t, now), .pid = (int64_t)getpid(), .version = LOAXA_VERSION,
        .started = stime(&t, d->started_ms), .device = d->cfg->device,
    };
    if (a) {
        int64_t el = now - a->asked_start_ms;
        st.has_on_air = true;
        st.on_air = (struct ctl_status_on_air){
            .e = status_entry(a->e, &t), .started = stime(&t, a->asked_start_ms),
            /* prepared and armed: its first frame is still to come */
            .starts_in_ms = el < 0 ? -el : -1, .elapsed_ms = el > 0 ? el : 0,
            .remaining_ms = a->duration_ms < 0 ? -1
                            : a->duration_ms > el ? a->duration_ms - el : 0,
            .operator_name = a->operator_name,
        };
    }
    if (prep) {
        st.has_prepared = true;
        st.prepared = status_entry(prep, &t);
    }
    const struct sched_entry *up[5];
    struct ctl_status_entry next[ARRAY_SIZE(up)];
    st.n_next = sched_upcoming(d->s, now, up, ARRAY_SIZE(up));
    for (size_t i = 0; i < st.n_next; i++)
        next[i] = status_entry(up[i], &t);
    if (st.n_next == 0 && d->plan && d->next_of == d->plan) { /* beyond the loaded window */
        const struct plan_occurrence *no = &d->next_occ;
        next[st.n_next++] = (struct ctl_status_entry){
            .key = no->key, .uid = no->item->uid, .title = no->item->summary,
            .level = ctl_level_name(no->item->level),
            .source = aslog_source_name(ASLOG_SOURCE_PLAN),
            .planned_start = stime(&t, no->start_ms),
        };
    } else if (st.n_next == 0 && d->plan && !d->next_asked && !d->next_of && !d->next_none) {
        daemon_next_check(d); /* the window emptied since: look beyond it */
    }
    st.next = next;

    /* the first errors; ERRORS has them all */
    struct ctl_text first[STATUS_MAX_ERRORS];
    errors_index(d);
    st.has_plan = true;
    st.plan.path = d->cfg->plan_path;
    st.plan.items = d->plan ? (int64_t)plan_item_count(d->plan) : 0;
    st.plan.loaded = d->plan ? stime(&t, d->plan_loaded_ms) : NULL;
    st.plan.error_count = d->n_plan_errors;
    /* what is airing, truly: the files of the plan in the scheduler, whether
     * items were left out for errors, whether a newer read failed */
    size_t nfiles = d->plan ? plan_file_count(d->plan) : 0;
    const char **files = xcalloc(nfiles ? nfiles : 1, sizeof *files);
    for (size_t i = 0; i < nfiles; i++)
        files[i] = plan_file_path(d->plan, i);
    st.plan.files = files;
    st.plan.n_files = nfiles;
    st.plan.left_out = d->plan ? d->plan_left_out : 0;
    st.plan.bad_recordings = d->plan ? d->plan_bad_recordings : 0;
    st.plan.refused = d->plan_refused;
    st.plan.saved_copy = d->plan_fallback;
    for (; st.plan.n_errors < errs.n && st.plan.n_errors < STATUS_MAX_ERRORS; st.plan.n_errors++)
        first[st.plan.n_errors] = error_entry(st.plan.n_errors);
    st.plan.errors = first;

    long est;
    st.has_clock = true;
    st.clock_synchronised = lclock_synchronised(&est);
    st.clock_est_error_us = est;
    /* rows waiting for the log to be writable again (a full disk) */
    st.log_backlog = (int64_t)d->n_backlog;
    st.pending_approvals = (int64_t)approvals_pending_count(d);
    const char *fl[DAEMON_MAX_FAILURES];
    for (int i = 0; i < d->n_failures; i++)
        fl[i] = d->failures[i];
    st.failures = fl;
    st.n_failures = (size_t)d->n_failures;
    char *out = ctl_status_encode(&st);
    free(files);
    return out;
}

/* ERRORS OFFSET: the entries from OFFSET on, as many as a page holds (at
 * least one, so a client always gets on); "next" is where the following
 * page starts, absent at the end; "list" changes when the errors do, so
 * a client can tell its pages belong together. */
static char *errors_json(struct daemon *d, unsigned offset)
{
    errors_index(d);
    char list[32];
    snprintf(list, sizeof list, "%ld.%u", (long)getpid(), errs.gen);
    struct ctl_text *page = xcalloc(PAGE_MAX_ERRORS, sizeof *page);
    struct ctl_errors_page pg = {.list = list, .error_count = d->n_plan_errors,
                                 .offset = offset, .errors = page, .next = -1};
    size_t i = offset, bytes = 0;
    while (i < errs.n && i - offset < PAGE_MAX_ERRORS && bytes < PAGE_MAX_BYTES) {
        page[pg.n_errors] = error_entry(i++);
        bytes += ctl_text_json_size(page[pg.n_errors].s, page[pg.n_errors].len);
        pg.n_errors++;
    }
    if (i < errs.n)
        pg.next = (int64_t)i;
    char *s = ctl_errors_encode(&pg);
    free(page);
    return s;
}

/* AIR: a file under the audio root, else a UID of the plan. */
static void do_air(struct daemon *d, struct ctl_conn *c, const struct ctl_request *req)
{
    char err[512], reply[700];
    char *abs = NULL;
    struct sched_entry *e = NULL;
    int rc = paths_resolve_audio(d->cfg->audio_root, req->target, &abs, err, sizeof err);
    const struct plan_item *it = rc == 0 || !d->plan ? NULL : plan_find_uid(d->plan, req->target);
    if (rc == 0) {
        const char *audio[] = {req->target};
        const char *base = strrchr(req->target, '/');
        struct plan_item adhoc = {
            .uid = "", .file = "", .summary = base ? base + 1 : req->target,
            .description = "", .unit = "", .audio = audio, .n_audio = 1,
            .level = req->level, .approved = true,
            .priority = plan_level_priority(req->level),
        };
        e = sched_add_adhoc(d->s, &adhoc, req->level, lclock_now_ms(d->clk));
    } else if (it) {
        e = sched_add_adhoc(d->s, it, req->level, lclock_now_ms(d->clk));
    } else if (rc == -EACCES) {
        ctl_conn_reply(c, false, err);
        goto out;
    } else {
        snprintf(reply, sizeof reply,
                 _("\"%s\" is neither a recording under the audio root (%s) nor a UID in the "
                   "plan"), req->target, err);
        ctl_conn_reply(c, false, reply);
        goto out;
    }
    d->adhoc = xrealloc(d->adhoc, (d->n_adhoc + 1) * sizeof *d->adhoc);
    util_strlcpy(d->adhoc[d->n_adhoc].key, e->key, sizeof d->adhoc[0].key);
    char who[CTL_WHO_MAX];
    ctl_conn_who(c, req, who, sizeof who);
    util_strlcpy(d->adhoc[d->n_adhoc].operator_name, who, sizeof d->adhoc[0].operator_name);
    d->n_adhoc++;
    dlog(LOG_NOTICE, _("%s asks to air %s (%s) now"), who, req->target,
         i18n_keyword(ctl_level_name(req->level)));
    ctl_conn_reply(c, true, e->key);
out:
    free(abs);
}

bool control_handle(struct daemon *d, struct ctl_conn *c, const char *line)
{
    struct ctl_request req;
    char err[CTL_MAX_LINE + 256];
    if (ctl_parse(line, &req, err, sizeof err) < 0) {
        ctl_conn_reply(c, false, err);
        return false;
    }
    if (d->quit && req.verb != CTL_STATUS && req.verb != CTL_ERRORS) {
        ctl_conn_reply(c, false, _("the daemon is shutting down"));
        return false;
    }
    switch (req.verb) {
    case CTL_STATUS: {
        char *s = status_json(d);
        ctl_conn_reply(c, true, s);
        free(s);
        break;
    }
    case CTL_ERRORS: {
        char *s = errors_json(d, req.offset);
        ctl_conn_reply(c, true, s);
        free(s);
        break;
    }
    case CTL_AIR:
        do_air(d, c, &req);
        break;
    case CTL_STOP: {
        struct airing *a = daemon_on_air(d);
        if (!a || !sched_stop_current(d->s)) {
            ctl_conn_reply(c, false, _("nothing is on air"));
            break;
        }
        char who[CTL_WHO_MAX];
        ctl_conn_who(c, &req, who, sizeof who);
        util_strlcpy(a->operator_name, who, sizeof a->operator_name);
        a->stop_by_operator = true;
        player_stop(a->p, PLAYER_STOPPED);
        dlog(LOG_NOTICE, _("%s stops %s (%s)"), who, a->e->item->summary,
             a->e->key);
        ctl_conn_reply(c, true, a->e->key);
        break;
    }
    case CTL_PENDING: {
        approvals_refresh(d);
        char *s = approvals_pending_json(d);
        ctl_conn_reply(c, true, s);
        free(s);
        break;
    }
    case CTL_APPROVE:
    case CTL_REJECT:
        approvals_decide(d, c, &req);
        break;
    case CTL_RELOAD: /* answered when the planner is done: see daemon_reload_wait */
        return daemon_reload_wait(d, c);
    }
    return false;
}
