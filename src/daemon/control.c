/* What loaxad answers on its control socket: STATUS (one JSON object),
 * ERRORS (the plan's errors, a page at a time), AIR (an ad-hoc airing,
 * phát đột xuất), STOP and RELOAD. The operator is the peer's
 * credentials, recorded in the log for manual actions. Every answer is
 * bounded: STATUS names the plan's first errors and their count, ERRORS
 * pages through the rest. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
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

/* Entry i, cut to ERROR_MAX_BYTES on a UTF-8 character boundary; *json
 * is at least what json-c writes for it (quotes, \" \\ and \u00XX) */
static json_object *error_entry(size_t i, size_t *json)
{
    const char *e = errs.text + errs.start[i];
    size_t n = strcspn(e, "\n");
    if (n > ERROR_MAX_BYTES) {
        n = ERROR_MAX_BYTES;
        while (n > 0 && ((unsigned char)e[n] & 0xC0) == 0x80)
            n--;
    }
    *json = 3; /* "", */
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)e[k];
        *json += ch == '"' || ch == '\\' ? 2 : ch < 0x20 || ch == 0x7f ? 6 : 1;
    }
    return json_object_new_string_len(e, (int)n);
}

static json_object *jstr(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *jtime(int64_t ms)
{
    char buf[UTIL_TIME_BUF];
    return ms < 0 ? NULL : json_object_new_string(util_format_iso_local(ms, buf));
}

static char *to_string(json_object *o)
{
    char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return s;
}

static json_object *entry_json(const struct sched_entry *e)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "key", jstr(e->key));
    json_object_object_add(o, "uid", jstr(e->item->uid));
    json_object_object_add(o, "title", jstr(e->item->summary));
    json_object_object_add(o, "level", jstr(ctl_level_name(e->level)));
    json_object_object_add(o, "source", jstr(aslog_source_name(airlog_source(e->source))));
    json_object_object_add(o, "planned_start", jtime(e->start_ms));
    return o;
}

static char *status_json(struct daemon *d)
{
    int64_t now = lclock_now_ms(d->clk);
    json_object *o = json_object_new_object();
    struct airing *a = daemon_on_air(d);
    const struct sched_entry *prep = sched_prepared(d->s);
    json_object_object_add(o, "state", jstr(d->quit ? "stopping" : a ? "on_air" : "idle"));
    json_object_object_add(o, "now", jtime(now));
    json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
    json_object_object_add(o, "version", jstr(LOAXA_VERSION));
    json_object_object_add(o, "started", jtime(d->started_ms));
    json_object_object_add(o, "device", jstr(d->cfg->device));
    if (a) {
        json_object *cur = entry_json(a->e);
        int64_t el = now - a->asked_start_ms;
        json_object_object_add(cur, "started", jtime(a->asked_start_ms));
        if (el < 0) /* prepared and armed: its first frame is still to come */
            json_object_object_add(cur, "starts_in_ms", json_object_new_int64(-el));
        json_object_object_add(cur, "elapsed_ms", json_object_new_int64(el > 0 ? el : 0));
        if (a->duration_ms >= 0)
            json_object_object_add(cur, "remaining_ms",
                                   json_object_new_int64(a->duration_ms > el ? a->duration_ms - el
                                                                             : 0));
        json_object_object_add(cur, "operator", jstr(a->operator_name));
        json_object_object_add(o, "on_air", cur);
    }
    if (prep)
        json_object_object_add(o, "prepared", entry_json(prep));
    const struct sched_entry *up[5];
    size_t n = sched_upcoming(d->s, now, up, ARRAY_SIZE(up));
    json_object *next = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(next, entry_json(up[i]));
    if (n == 0 && d->plan && d->next_of == d->plan) { /* beyond the loaded window */
        const struct plan_occurrence *no = &d->next_occ;
        json_object *e = json_object_new_object();
        json_object_object_add(e, "key", jstr(no->key));
        json_object_object_add(e, "uid", jstr(no->item->uid));
        json_object_object_add(e, "title", jstr(no->item->summary));
        json_object_object_add(e, "level", jstr(ctl_level_name(no->item->level)));
        json_object_object_add(e, "source", jstr(aslog_source_name(ASLOG_SOURCE_PLAN)));
        json_object_object_add(e, "planned_start", jtime(no->start_ms));
        json_object_array_add(next, e);
    } else if (n == 0 && d->plan && !d->next_asked && !d->next_of &&
               !d->next_none) {
        daemon_next_check(d); /* the window emptied since: look beyond it */
    }
    json_object_object_add(o, "next", next);

    json_object *pl = json_object_new_object();
    json_object_object_add(pl, "path", jstr(d->cfg->plan_path));
    int items = d->plan ? (int)plan_item_count(d->plan) : 0;
    json_object_object_add(pl, "items", json_object_new_int(items));
    json_object_object_add(pl, "loaded", jtime(d->plan ? d->plan_loaded_ms : -1));
    json_object_object_add(pl, "error_count", json_object_new_int(d->n_plan_errors));
    /* what is airing, truly: the files of the plan in the scheduler, whether
     * items were left out for errors, whether a newer read failed */
    json_object *fa = json_object_new_array();
    for (size_t i = 0; d->plan && i < plan_file_count(d->plan); i++)
        json_object_array_add(fa, jstr(plan_file_path(d->plan, i)));
    json_object_object_add(pl, "files", fa);
    json_object_object_add(pl, "left_out", json_object_new_int(d->plan ? d->plan_left_out : 0));
    json_object_object_add(pl, "bad_recordings",
                           json_object_new_int(d->plan ? d->plan_bad_recordings : 0));
    json_object_object_add(pl, "refused", json_object_new_boolean(d->plan_refused));
    json_object_object_add(pl, "saved_copy", json_object_new_boolean(d->plan_fallback));
    /* the first ones; ERRORS has them all */
    json_object *ea = json_object_new_array();
    errors_index(d);
    for (size_t i = 0, b; i < errs.n && i < STATUS_MAX_ERRORS; i++)
        json_object_array_add(ea, error_entry(i, &b));
    json_object_object_add(pl, "errors", ea);
    json_object_object_add(o, "plan", pl);

    long est;
    bool synced = lclock_synchronised(&est);
    json_object *ck = json_object_new_object();
    json_object_object_add(ck, "synchronised", json_object_new_boolean(synced));
    json_object_object_add(ck, "est_error_us", json_object_new_int64(est));
    json_object_object_add(o, "clock", ck);

    /* rows waiting for the log to be writable again (a full disk) */
    json_object_object_add(o, "log_backlog", json_object_new_int64((int64_t)d->n_backlog));

    json_object *fl = json_object_new_array();
    for (int i = 0; i < d->n_failures; i++)
        json_object_array_add(fl, jstr(d->failures[i]));
    json_object_object_add(o, "last_failures", fl);

    return to_string(o);
}

/* ERRORS OFFSET: the entries from OFFSET on, as many as a page holds (at
 * least one, so a client always gets on); "next" is where the following
 * page starts, absent at the end; "list" changes when the errors do, so
 * a client can tell its pages belong together. */
static char *errors_json(struct daemon *d, unsigned offset)
{
    errors_index(d);
    json_object *o = json_object_new_object();
    char list[32];
    snprintf(list, sizeof list, "%ld.%u", (long)getpid(), errs.gen);
    json_object_object_add(o, "list", jstr(list));
    json_object_object_add(o, "error_count", json_object_new_int(d->n_plan_errors));
    json_object_object_add(o, "offset", json_object_new_int64(offset));
    json_object *ea = json_object_new_array();
    size_t i = offset, bytes = 0;
    while (i < errs.n && i - offset < PAGE_MAX_ERRORS && bytes < PAGE_MAX_BYTES) {
        size_t b;
        json_object_array_add(ea, error_entry(i++, &b));
        bytes += b;
    }
    json_object_object_add(o, "errors", ea);
    if (i < errs.n)
        json_object_object_add(o, "next", json_object_new_int64((int64_t)i));
    return to_string(o);
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
    util_strlcpy(d->adhoc[d->n_adhoc].operator_name, ctl_conn_operator(c),
                 sizeof d->adhoc[0].operator_name);
    d->n_adhoc++;
    dlog(LOG_NOTICE, _("%s asks to air %s (%s) now"), ctl_conn_operator(c), req->target,
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
        util_strlcpy(a->operator_name, ctl_conn_operator(c), sizeof a->operator_name);
        a->stop_by_operator = true;
        player_stop(a->p, PLAYER_STOPPED);
        dlog(LOG_NOTICE, _("%s stops %s (%s)"), ctl_conn_operator(c), a->e->item->summary,
             a->e->key);
        ctl_conn_reply(c, true, a->e->key);
        break;
    }
    case CTL_RELOAD: /* answered when the planner is done: see daemon_reload_wait */
        return daemon_reload_wait(d, c);
    }
    return false;
}
