/* The daemon's verbs for the console: emergency airing (AIR emergency,
 * once per repeat: the daemon queues an emergency behind the one on air,
 * never cutting it), STOP (of the one on air, then of each repeat of the
 * same emergency as it comes on air), approvals (PENDING, APPROVE,
 * REJECT). Every request goes "AS web:<account>": the daemon records the
 * console account of the session, never a name the client chose. Each
 * action is written to the audit trail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/probe.h"
#include "core/i18n.h"
#include "core/util.h"
#include "ctl/ctl.h"
#include "web/api_internal.h"

#define EMERGENCY_MAX_REPEATS 5
#define CALL_TIMEOUT_MS 5000

static void daemon_error(struct http_response *rs, int rc, bool ok, const char *ans,
                         const char *err)
{
    char msg[1400];
    if (rc < 0)
        snprintf(msg, sizeof msg, _("the daemon cannot be reached: %s"), err);
    else
        snprintf(msg, sizeof msg, _("the daemon refused: %s"), ans ? ans : "");
    api_error(rs, rc < 0 ? 502 : 409, msg);
}

/* A comment for the daemon's one-line protocol: no control characters. */
static bool comment_ok(const char *s)
{
    if (strlen(s) > CTL_MAX_COMMENT)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static bool hash_ok(const char *s)
{
    if (strlen(s) != 64) /* SHA-256, hex */
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

void api_approvals(struct api *a, const struct acct_session_info *si,
                   const struct http_request *rq, struct http_response *rs)
{
    bool ok = false;
    char *ans = NULL, err[1024];
    json_object *o = NULL;
    struct ctl_request req = {.verb = CTL_PENDING};
    util_strlcpy(req.as, si->user, sizeof req.as);
    api_text_enter(a, si->lang);
    if (strcmp(rq->method, "POST") != 0) {
        api_text_leave(a);
        int rc = ctl_call(a->cfg->socket_path, &req, CALL_TIMEOUT_MS, &ok, &ans, err, sizeof err);
        api_text_enter(a, si->lang);
        json_object *doc = rc == 0 && ok ? json_tokener_parse(ans) : NULL;
        if (doc && json_object_is_type(doc, json_type_object))
            api_json(rs, 200, doc);
        else if (rc < 0 || !ok)
            daemon_error(rs, rc, ok, ans, err);
        else {
            json_object_put(doc);
            api_error(rs, 502, _("the daemon's answer is not a list of pending items"));
        }
        goto out;
    }
    if (!(o = api_json_body(rq, rs)))
        goto out;
    const char *uid = api_json_str(o, "uid"), *hash = api_json_str(o, "hash");
    const char *dec = api_json_str(o, "decision"), *comment = api_json_str(o, "comment");
    if (!comment)
        comment = "";
    bool approve = dec && strcmp(dec, "approve") == 0, reject = dec && strcmp(dec, "reject") == 0;
    if (!uid || !*uid || strlen(uid) >= 1000 || !comment_ok(uid) || !hash || !hash_ok(hash) ||
        (!approve && !reject) || !comment_ok(comment)) {
        api_error(rs, 400, _("give \"uid\", \"hash\", \"decision\": \"approve\" or \"reject\", "
                             "and a one-line \"comment\""));
        goto out;
    }
    if (reject && !*comment) {
        api_error(rs, 400, _("a rejection needs a comment"));
        goto out;
    }
    req.verb = approve ? CTL_APPROVE : CTL_REJECT;
    util_strlcpy(req.target, uid, sizeof req.target);
    util_strlcpy(req.hash, hash, sizeof req.hash);
    util_strlcpy(req.comment, comment, sizeof req.comment);
    api_text_leave(a);
    int rc = ctl_call(a->cfg->socket_path, &req, CALL_TIMEOUT_MS, &ok, &ans, err, sizeof err);
    api_text_enter(a, si->lang);
    api_audit(a, si->user, rq->peer, approve ? "approve" : "reject", "%s %s: %s%s%s", uid, hash,
              rc < 0 ? "daemon unreachable" : ok ? "done" : ans ? ans : "refused",
              *comment ? "; " : "", comment);
    if (rc < 0 || !ok) {
        daemon_error(rs, rc, ok, ans, err);
    } else {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "ok", json_object_new_boolean(true));
        json_object_object_add(d, "answer", json_object_new_string(ans ? ans : ""));
        api_json(rs, 200, d);
    }
out:
    free(ans);
    json_object_put(o);
    api_text_leave(a);
}

void api_emergency(struct api *a, const struct acct_session_info *si,
                   const struct http_request *rq, struct http_response *rs)
{
    api_text_enter(a, si->lang);
    json_object *o = api_json_body(rq, rs), *jr;
    char *real = NULL;
    json_object *keys = NULL;
    if (!o)
        goto out;
    const char *rec = api_json_str(o, "recording"), *confirm = api_json_str(o, "confirm");
    int repeats = 1;
    if (json_object_object_get_ex(o, "repeats", &jr)) {
        if (!json_object_is_type(jr, json_type_int) || json_object_get_int64(jr) < 1 ||
            json_object_get_int64(jr) > EMERGENCY_MAX_REPEATS) {
            api_error(rs, 400, _("\"repeats\" must be a whole number from 1 to 5"));
            goto out;
        }
        repeats = (int)json_object_get_int64(jr);
    }
    if (!rec || !confirm || strcmp(rec, confirm) != 0) {
        api_error(rs, 400, _("give \"recording\" and, in \"confirm\", the same name again"));
        goto out;
    }
    if (api_recording_path(a, rec, &real) < 0 || strlen(rec) >= CTL_MAX_LINE - 32) {
        api_error(rs, 404, _("no such recording"));
        goto out;
    }
    /* each repeat waits behind the one before: the last must still start
     * within the daemon's grace after this request, or it is missed */
    struct probe_info pi;
    char err[1024];
    if (probe_recording_quick(real, &pi, err, sizeof err) < 0) {
        char msg[1400];
        snprintf(msg, sizeof msg, _("not a recording that can air: %s"), err);
        api_error(rs, 422, msg);
        goto out;
    }
    int64_t grace_ms = (int64_t)a->cfg->grace_min * 60000;
    if (repeats > 1 && (repeats - 1) * pi.duration_ms >= grace_ms) {
        char msg[512];
        snprintf(msg, sizeof msg, _("%d repeats of this recording would start the last one "
                                    "more than %d minutes from now (daemon.grace_minutes): "
                                    "ask for fewer"), repeats, a->cfg->grace_min);
        api_error(rs, 400, msg);
        goto out;
    }
    keys = json_object_new_array();
    api_text_leave(a);
    struct ctl_request req = {.verb = CTL_AIR, .level = PLAN_LEVEL_EMERGENCY};
    util_strlcpy(req.target, rec, sizeof req.target);
    util_strlcpy(req.as, si->user, sizeof req.as);
    int rc = 0;
    bool ok = true;
    char *ans = NULL;
    for (int i = 0; i < repeats && rc == 0 && ok; i++) {
        free(ans);
        ans = NULL;
        rc = ctl_call(a->cfg->socket_path, &req, CALL_TIMEOUT_MS, &ok, &ans, err, sizeof err);
        if (rc == 0 && ok)
            json_object_array_add(keys, json_object_new_string(ans ? ans : ""));
    }
    api_text_enter(a, si->lang);
    size_t aired = json_object_array_length(keys);
    pthread_mutex_lock(&a->emergency_lock);
    a->n_emergency_keys = 0;
    for (size_t i = 0; i < aired && i < ARRAY_SIZE(a->emergency_keys); i++)
        util_strlcpy(a->emergency_keys[a->n_emergency_keys++],
                     json_object_get_string(json_object_array_get_idx(keys, i)),
                     sizeof a->emergency_keys[0]);
    pthread_mutex_unlock(&a->emergency_lock);
    api_audit(a, si->user, rq->peer, "emergency", "%s x%d: %zu queued%s%s", rec, repeats, aired,
              rc < 0 || !ok ? "; " : "", rc < 0 ? err : !ok ? (ans ? ans : "") : "");
    if (aired == 0) {
        daemon_error(rs, rc, ok, ans, err);
    } else {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "keys", keys);
        keys = NULL;
        json_object_object_add(d, "repeats", json_object_new_int(repeats));
        if (rc < 0 || !ok)
            json_object_object_add(d, "error", json_object_new_string(rc < 0 ? err : ans));
        api_json(rs, 200, d);
    }
    free(ans);
out:
    json_object_put(keys);
    free(real);
    json_object_put(o);
    api_text_leave(a);
}

/* The key on air now ("" when none), from the daemon's STATUS. */
static void on_air_key(struct api *a, char *key, size_t n)
{
    struct ctl_request req = {.verb = CTL_STATUS};
    bool ok = false;
    char *ans = NULL, err[256];
    key[0] = '\0';
    if (ctl_call(a->cfg->socket_path, &req, CALL_TIMEOUT_MS, &ok, &ans, err, sizeof err) == 0 &&
        ok) {
        json_object *doc = json_tokener_parse(ans), *oa, *k;
        if (doc && json_object_object_get_ex(doc, "on_air", &oa) &&
            json_object_object_get_ex(oa, "key", &k))
            util_strlcpy(key, json_object_get_string(k), n);
        json_object_put(doc);
    }
    free(ans);
}

/* After the STOP of one repeat of the last emergency, the next one starts
 * (they queue back to back): each is stopped as it comes on air, for as
 * long as a fade and a start take. Returns how many more were stopped. */
static int stop_repeats(struct api *a, const char *user, const char *stopped)
{
    char left[8][64];
    int n = 0, more = 0;
    pthread_mutex_lock(&a->emergency_lock);
    for (int i = 0; i < a->n_emergency_keys; i++)
        if (strcmp(a->emergency_keys[i], stopped) == 0) {
            for (int j = i + 1; j < a->n_emergency_keys; j++)
                util_strlcpy(left[n++], a->emergency_keys[j], sizeof left[0]);
            a->n_emergency_keys = 0;
            break;
        }
    pthread_mutex_unlock(&a->emergency_lock);
    int64_t until = lclock_mono_ms(a->clock) + a->cfg->fade_ms + 3000;
    while (n > 0 && lclock_mono_ms(a->clock) < until) {
        char key[64];
        on_air_key(a, key, sizeof key);
        for (int i = 0; i < n; i++) {
            if (strcmp(key, left[i]) != 0)
                continue;
            struct ctl_request req = {.verb = CTL_STOP};
            util_strlcpy(req.as, user, sizeof req.as);
            bool ok = false;
            char *ans = NULL, err[256];
            if (ctl_call(a->cfg->socket_path, &req, CALL_TIMEOUT_MS, &ok, &ans, err,
                         sizeof err) == 0 && ok && ans && strcmp(ans, key) == 0)
                more++;
            free(ans);
            memmove(left[i], left[i + 1], (size_t)(n - i - 1) * sizeof left[0]);
            n--;
            until = lclock_mono_ms(a->clock) + a->cfg->fade_ms + 3000;
            break;
        }
        struct timespec ts = {0, 100 * 1000000};
        nanosleep(&ts, NULL);
    }
    return more;
}

void api_emergency_stop(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs)
{
    struct ctl_request req = {.verb = CTL_STOP};
    util_strlcpy(req.as, si->user, sizeof req.as);
    bool ok = false;
    char *ans = NULL, err[1024];
    int rc = ctl_call(a->cfg->socket_path, &req, CALL_TIMEOUT_MS, &ok, &ans, err, sizeof err);
    int more = rc == 0 && ok && ans ? stop_repeats(a, si->user, ans) : 0;
    api_text_enter(a, si->lang);
    api_audit(a, si->user, rq->peer, "stop", "%s%s", rc < 0 ? err : ans ? ans : "",
              more ? " and the repeats after it" : "");
    if (rc < 0 || !ok) {
        daemon_error(rs, rc, ok, ans, err);
    } else {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "stopped", json_object_new_string(ans ? ans : ""));
        json_object_object_add(d, "repeats_stopped", json_object_new_int(more));
        api_json(rs, 200, d);
    }
    free(ans);
    api_text_leave(a);
}
