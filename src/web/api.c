/* The routes: authorisation first (session cookie, role, CSRF token on
 * every state-changing request), then login/logout/session/lang, the
 * daemon's status over the control socket, the pages and static files.
 * Nothing about the station is answered before a session is shown. */
#include "web/api.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "ctl/ctl.h"
#include "web/api_internal.h"

#define COOKIE "loaxa_session"
#define STATIC_MAX_FILE (4 * 1024 * 1024)

struct api *api_new(const struct loaxa_config *cfg, struct acct_db *db,
                    const struct lclock *clock, const char *static_dir)
{
    struct api *a = xcalloc(1, sizeof *a);
    a->cfg = cfg;
    a->db = db;
    a->clock = clock;
    a->static_dir = xstrdup(static_dir);
    int64_t idle = (int64_t)(cfg->web_session_idle_min * 60000.0);
    int64_t abs = (int64_t)(cfg->web_session_max_min * 60000.0);
    a->sessions = acct_sessions_new(API_MAX_SESSIONS, idle, abs);
    a->by_addr = acct_limiter_new(4096, API_LOGIN_MAX_FAILURES_ADDR, API_LOGIN_WINDOW_MS);
    a->by_user = acct_limiter_new(4096, API_LOGIN_MAX_FAILURES_USER, API_LOGIN_WINDOW_MS);
    pthread_mutex_init(&a->text_lock, NULL);
    pthread_mutex_init(&a->status_lock, NULL);
    pthread_mutex_init(&a->install_lock, NULL);
    pthread_mutex_init(&a->emergency_lock, NULL);
    /* LANGUAGE is set once before the request threads run: later switches
     * only replace its value (glibc reuses the environment slot) */
    i18n_set_lang("vi");
    util_strlcpy(a->cur_lang, "vi", sizeof a->cur_lang);
    return a;
}

int api_start(struct api *a, char *err, size_t errlen)
{
    return api_plans_init(a, err, errlen);
}

const char *api_upload_dir(const struct api *a)
{
    return a->incoming_dir;
}

void api_free(struct api *a)
{
    if (!a)
        return;
    api_plans_fini(a);
    acct_sessions_free(a->sessions);
    acct_limiter_free(a->by_addr);
    acct_limiter_free(a->by_user);
    pthread_mutex_destroy(&a->text_lock);
    pthread_mutex_destroy(&a->status_lock);
    pthread_mutex_destroy(&a->install_lock);
    pthread_mutex_destroy(&a->emergency_lock);
    free(a->versions_dir);
    free(a->uploads_dir);
    free(a->incoming_dir);
    free(a->status_doc);
    free(a->static_dir);
    free(a);
}

void api_json(struct http_response *rs, int status, json_object *o)
{
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    char *b = xstrdup(s);
    json_object_put(o);
    rs->status = status;
    rs->no_store = true;
    http_set_body(rs, b, strlen(b), "application/json; charset=utf-8");
}

void api_error(struct http_response *rs, int status, const char *msg)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "error", json_object_new_string(msg));
    api_json(rs, status, o);
}

/* Takes text_lock in a language: the session's, else Vietnamese. */
static void text_enter(struct api *a, const char *lang)
{
    pthread_mutex_lock(&a->text_lock);
    if (!lang || (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0))
        lang = "vi";
    if (strcmp(a->cur_lang, lang) != 0) {
        i18n_set_lang(lang);
        util_strlcpy(a->cur_lang, lang, sizeof a->cur_lang);
    }
}

static void text_leave(struct api *a)
{
    pthread_mutex_unlock(&a->text_lock);
}

/* The request's JSON object body, or NULL with a 400 answered. */
static json_object *json_body(const struct http_request *rq, struct http_response *rs)
{
    struct json_tokener *tok = json_tokener_new_ex(16);
    json_object *o = tok ? json_tokener_parse_ex(tok, rq->body, (int)rq->body_len) : NULL;
    bool whole = tok && json_tokener_get_error(tok) == json_tokener_success &&
                 json_tokener_get_parse_end(tok) == rq->body_len;
    json_tokener_free(tok);
    if (!o || !whole || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        api_error(rs, 400, _("the request body is not a JSON object"));
        return NULL;
    }
    return o;
}

/* A string member without NUL bytes (\u0000 would cut it short), or NULL. */
static const char *json_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    const char *s = json_object_get_string(v);
    return strlen(s) == (size_t)json_object_get_string_len(v) ? s : NULL;
}

void api_text_enter(struct api *a, const char *lang)
{
    text_enter(a, lang);
}

void api_text_leave(struct api *a)
{
    text_leave(a);
}

json_object *api_json_body(const struct http_request *rq, struct http_response *rs)
{
    return json_body(rq, rs);
}

const char *api_json_str(json_object *o, const char *key)
{
    return json_str(o, key);
}

static void set_cookie(const struct http_request *rq, struct http_response *rs, const char *id,
                       bool clear)
{
    char c[160];
    snprintf(c, sizeof c, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s%s", clear ? "" : id,
             clear ? "; Max-Age=0" : "", rq->tls ? "; Secure" : "");
    http_add_header(rs, "Set-Cookie", c);
}

static json_object *session_doc(const struct acct_session_info *si, bool with_expiry)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "user", json_object_new_string(si->user));
    json_object_object_add(o, "role", json_object_new_string(acct_role_name(si->role)));
    json_object_object_add(o, "csrf", json_object_new_string(si->csrf));
    json_object_object_add(o, "lang", json_object_new_string(si->lang));
    if (with_expiry) {
        char t[UTIL_TIME_BUF];
        json_object_object_add(o, "expires_at",
                               json_object_new_string(util_format_iso_local(si->expires_ms, t)));
    }
    return o;
}

static void retry_after(struct http_response *rs, int64_t wait_ms)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", (long long)((wait_ms + 999) / 1000));
    http_add_header(rs, "Retry-After", s);
}

static void route_login(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    text_enter(a, NULL);
    json_object *o = json_body(rq, rs);
    const char *user = o ? json_str(o, "username") : NULL;
    const char *pass = o ? json_str(o, "password") : NULL;
    if (o && (!user || !pass)) {
        api_error(rs, 400, _("give \"username\" and \"password\" as strings"));
        goto done;
    }
    if (!o)
        goto done;
    char kaddr[96], kuser[96];
    snprintf(kaddr, sizeof kaddr, "addr:%s", rq->peer);
    snprintf(kuser, sizeof kuser, "user:%.64s", user);
    int64_t now = lclock_now_ms(a->clock);
    /* each attempt is charged before the password is checked, and given
     * back if it was right */
    int64_t w1 = acct_limiter_take(a->by_addr, kaddr, now), w2 = 0;
    if (w1 == 0 && (w2 = acct_limiter_take(a->by_user, kuser, now)) > 0)
        acct_limiter_refund(a->by_addr, kaddr);
    if (w1 > 0 || w2 > 0) {
        fprintf(stderr, _("loaxa-web: login for \"%s\" from %s refused: too many failures\n"),
                acct_name_valid(user) ? user : "?", rq->peer);
        api_audit(a, acct_name_valid(user) ? user : "?", rq->peer, "login-refused",
                  "too many failures");
        api_error(rs, 429, _("too many failed logins; wait and try again"));
        retry_after(rs, w1 > w2 ? w1 : w2);
        goto done;
    }
    /* the KDF takes a while: the other routes go on meanwhile */
    text_leave(a);
    enum acct_role role;
    int rc = acct_verify(a->db, user, pass, &role);
    text_enter(a, NULL);
    now = lclock_now_ms(a->clock);
    /* for the journal: who, from where (a name that is not valid is not
     * echoed: it could carry anything); never the password */
    const char *who = acct_name_valid(user) ? user : "?";
    if (rc < 0) {
        fprintf(stderr, _("loaxa-web: failed login for \"%s\" from %s\n"), who, rq->peer);
        api_audit(a, who, rq->peer, "login-failed", "%s", "");
        api_error(rs, 401, _("wrong user name or password"));
        goto done;
    }
    acct_limiter_refund(a->by_addr, kaddr);
    fprintf(stderr, _("loaxa-web: %s logged in from %s\n"), who, rq->peer);
    api_audit(a, who, rq->peer, "login", "%s", "");
    acct_limiter_reset(a->by_user, kuser);
    /* no fixation: whatever session the client held ends, and the new one
     * has an id the server made */
    const char *old = http_cookie(rq, COOKIE);
    if (old)
        acct_session_destroy(a->sessions, old);
    char id[ACCT_TOKEN_LEN + 1], stamp[ACCT_STAMP_LEN + 1] = "";
    struct acct_session_info si;
    acct_user_stamp(a->db, user, stamp, &role);
    acct_session_create(a->sessions, user, role, stamp, "vi", now, id, &si);
    set_cookie(rq, rs, id, false);
    api_json(rs, 200, session_doc(&si, false));
done:
    text_leave(a);
    json_object_put(o);
}

/* The daemon's STATUS answer: the cached one while fresh, else asked
 * (without text_lock held: the socket may take up to its timeout). */
static int daemon_status(struct api *a, bool *ok, char **ans, char *err, size_t errlen)
{
    int64_t now = lclock_mono_ms(a->clock);
    pthread_mutex_lock(&a->status_lock);
    if (a->status_doc && now - a->status_mono_ms < API_STATUS_TTL_MS) {
        *ans = xstrdup(a->status_doc);
        *ok = true;
        pthread_mutex_unlock(&a->status_lock);
        return 0;
    }
    pthread_mutex_unlock(&a->status_lock);
    struct ctl_request req = {.verb = CTL_STATUS};
    int rc = ctl_call(a->cfg->socket_path, &req, 3000, ok, ans, err, errlen);
    if (rc == 0 && *ok) {
        pthread_mutex_lock(&a->status_lock);
        free(a->status_doc);
        a->status_doc = xstrdup(*ans);
        a->status_mono_ms = lclock_mono_ms(a->clock);
        pthread_mutex_unlock(&a->status_lock);
    }
    return rc;
}

/* The daemon's STATUS document with "daemon": "running", or a "down"
 * document. */
static void route_status(struct api *a, const struct acct_session_info *si,
                         struct http_response *rs)
{
    char err[1024];
    bool ok = false;
    char *ans = NULL;
    int rc = daemon_status(a, &ok, &ans, err, sizeof err);
    json_object *doc = NULL;
    if (rc == 0 && ok)
        doc = json_tokener_parse(ans);
    text_enter(a, si->lang);
    if (doc && json_object_is_type(doc, json_type_object)) {
        json_object_object_add(doc, "daemon", json_object_new_string("running"));
    } else {
        json_object_put(doc);
        doc = json_object_new_object();
        json_object_object_add(doc, "daemon", json_object_new_string(rc == 0 ? "running"
                                                                             : "down"));
        char msg[1400];
        if (rc < 0)
            snprintf(msg, sizeof msg, _("the daemon cannot be reached: %s"), err);
        else if (!ok)
            snprintf(msg, sizeof msg, _("the daemon refused: %s"), ans ? ans : "");
        else
            snprintf(msg, sizeof msg, "%s", _("the daemon's answer is not a status document"));
        json_object_object_add(doc, "error", json_object_new_string(msg));
    }
    api_json(rs, 200, doc);
    text_leave(a);
    free(ans);
}

static void route_lang(struct api *a, const struct http_request *rq, const char *sid,
                       const struct acct_session_info *si, struct http_response *rs)
{
    text_enter(a, si->lang);
    json_object *o = json_body(rq, rs);
    if (o) {
        const char *lang = json_str(o, "lang");
        if (!lang || (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)) {
            api_error(rs, 400, _("\"lang\" must be \"vi\" or \"en\""));
        } else {
            acct_session_set_lang(a->sessions, sid, lang);
            rs->status = 204;
            rs->no_store = true;
        }
        json_object_put(o);
    }
    text_leave(a);
}

/* The cookie's live session, and its user still as at the login (not
 * removed, same password, same role: `loaxa user` changes web.db under a
 * running loaxa-web); else the session ends. */
static int session_of(struct api *a, const char *sid, struct acct_session_info *si)
{
    struct acct_session_info tmp;
    if (!si)
        si = &tmp;
    if (!sid || acct_session_get(a->sessions, sid, lclock_now_ms(a->clock), si) < 0)
        return -ENOENT;
    char stamp[ACCT_STAMP_LEN + 1];
    enum acct_role role;
    if (acct_user_stamp(a->db, si->user, stamp, &role) < 0 || strcmp(stamp, si->stamp) != 0 ||
        role != si->role) {
        acct_session_destroy(a->sessions, sid);
        return -ENOENT;
    }
    return 0;
}

/* ---- pages and static files ---- */

static const char *content_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".svg", "image/svg+xml"},
        {".png", "image/png"}, {".ico", "image/x-icon"}, {".woff2", "font/woff2"},
        {".json", "application/json; charset=utf-8"}, {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < ARRAY_SIZE(types); i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return NULL;
}

static void not_found(struct http_response *rs)
{
    static const char b[] = "Not found\n";
    rs->status = 404;
    http_set_body(rs, xstrdup(b), sizeof b - 1, "text/plain; charset=utf-8");
}

/* A file under static_dir: rel is checked by its characters and segments,
 * then the resolved path must still be under static_dir (no symlink out)
 * and a regular file of an allowed type. */
static void serve_file(struct api *a, const char *rel, struct http_response *rs)
{
    size_t n = strlen(rel);
    if (n == 0 || n > 200 || rel[0] == '/' || !content_type(rel))
        return not_found(rs);
    for (size_t i = 0; i < n; i++) {
        char c = rel[i];
        bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.' || c == '/';
        if (!okc || (c == '.' && (i == 0 || rel[i - 1] == '/')) ||
            (c == '/' && rel[i + 1] == '/'))
            return not_found(rs); /* no "..", no hidden files, no "//" */
    }
    char *path = xasprintf("%s/%s", a->static_dir, rel);
    char real[PATH_MAX];
    char *data = NULL;
    size_t len = 0;
    if (!realpath(path, real) || !paths_within(a->static_dir, real) ||
        util_read_file(real, STATIC_MAX_FILE, &data, &len) < 0) {
        free(path);
        return not_found(rs);
    }
    free(path);
    rs->status = 200;
    http_set_body(rs, data, len, content_type(rel));
}

static const struct {
    const char *path, *file;
} pages[] = {
    {"/", "index.html"}, {"/schedule", "schedule.html"}, {"/log", "log.html"},
    {"/reports", "reports.html"}, {"/login", "login.html"}, {"/plans", "plans.html"},
    {"/recordings", "recordings.html"}, {"/approvals", "approvals.html"},
    {"/emergency", "emergency.html"}, {"/audit", "audit.html"},
};

/* ---- the dispatch ---- */

enum route_id {
    R_LOGIN, R_LOGOUT, R_SESSION, R_LANG, R_STATUS, R_SCHEDULE, R_LOG, R_LOG_CSV, R_REPORT,
    R_REPORT_FORMATS, R_PLANS_CHECK, R_PLANS_INSTALL, R_PLANS_VERSIONS, R_PLANS_VERSION_FILE,
    R_PLANS_ROLLBACK, R_PLANS_FOLLOW, R_RECORDINGS, R_RECORDING_UPLOAD, R_RECORDING_ITEM,
    R_RECORDING_CHANGE, R_RECORDING_DELETE, R_APPROVALS, R_APPROVE, R_EMERGENCY,
    R_EMERGENCY_STOP, R_AUDIT,
};

/* A path ending in '/' matches every path under it (the rest names a
 * version or a recording: the route checks it). */
static const struct route {
    const char *method, *path;
    enum route_id id;
    enum acct_role min_role;
} routes[] = {
    {"POST", "/api/v1/plans/check", R_PLANS_CHECK, ACCT_OFFICER},
    {"POST", "/api/v1/plans/install", R_PLANS_INSTALL, ACCT_OFFICER},
    {"GET", "/api/v1/plans/versions", R_PLANS_VERSIONS, ACCT_VIEWER},
    {"GET", "/api/v1/plans/versions/", R_PLANS_VERSION_FILE, ACCT_VIEWER},
    {"POST", "/api/v1/plans/rollback", R_PLANS_ROLLBACK, ACCT_OFFICER},
    {"GET", "/api/v1/plans/follow", R_PLANS_FOLLOW, ACCT_VIEWER},
    {"GET", "/api/v1/recordings", R_RECORDINGS, ACCT_VIEWER},
    {"POST", "/api/v1/recordings", R_RECORDING_UPLOAD, ACCT_OFFICER},
    {"GET", "/api/v1/recordings/", R_RECORDING_ITEM, ACCT_VIEWER},
    {"POST", "/api/v1/recordings/", R_RECORDING_CHANGE, ACCT_OFFICER},
    {"DELETE", "/api/v1/recordings/", R_RECORDING_DELETE, ACCT_OFFICER},
    {"GET", "/api/v1/approvals", R_APPROVALS, ACCT_APPROVER},
    {"POST", "/api/v1/approvals", R_APPROVE, ACCT_APPROVER},
    {"POST", "/api/v1/emergency", R_EMERGENCY, ACCT_OFFICER},
    {"POST", "/api/v1/emergency/stop", R_EMERGENCY_STOP, ACCT_OFFICER},
    {"GET", "/api/v1/audit", R_AUDIT, ACCT_ADMIN},
    {"POST", "/api/v1/login", R_LOGIN, ACCT_VIEWER},
    {"POST", "/api/v1/logout", R_LOGOUT, ACCT_VIEWER},
    {"GET", "/api/v1/session", R_SESSION, ACCT_VIEWER},
    {"POST", "/api/v1/lang", R_LANG, ACCT_VIEWER},
    {"GET", "/api/v1/status", R_STATUS, ACCT_VIEWER},
    {"GET", "/api/v1/schedule", R_SCHEDULE, ACCT_VIEWER},
    {"GET", "/api/v1/log", R_LOG, ACCT_VIEWER},
    {"GET", "/api/v1/log.csv", R_LOG_CSV, ACCT_VIEWER},
    {"GET", "/api/v1/report", R_REPORT, ACCT_VIEWER},
    {"GET", "/api/v1/report/formats", R_REPORT_FORMATS, ACCT_VIEWER},
};

static bool is_get(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

static bool route_matches(const struct route *r, const char *path)
{
    size_t n = strlen(r->path);
    if (r->path[n - 1] == '/')
        return strncmp(path, r->path, n) == 0 && path[n];
    return strcmp(path, r->path) == 0;
}

/* The route a request asks for, its session checked, its role and its
 * CSRF token; NULL with the refusal answered. */
static const struct route *authorise(struct api *a, const struct http_request *rq,
                                     struct http_response *rs, struct acct_session_info *si);

static void handle_api(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    const struct route *r = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
        if (strcmp(rq->path, routes[i].path) == 0 && routes[i].id == R_LOGIN &&
            strcmp(rq->method, "POST") == 0)
            return route_login(a, rq, rs);
    }
    const char *sid = http_cookie(rq, COOKIE);
    struct acct_session_info si;
    if (!(r = authorise(a, rq, rs, &si)))
        return;
    switch (r->id) {
    case R_LOGIN:
        break;
    case R_LOGOUT:
        acct_session_destroy(a->sessions, sid);
        set_cookie(rq, rs, "", true);
        api_audit(a, si.user, rq->peer, "logout", "%s", "");
        rs->status = 204;
        rs->no_store = true;
        break;
    case R_SESSION:
        api_json(rs, 200, session_doc(&si, true));
        break;
    case R_LANG:
        route_lang(a, rq, sid, &si, rs);
        break;
    case R_STATUS:
        route_status(a, &si, rs);
        break;
    case R_SCHEDULE:
    case R_LOG:
    case R_LOG_CSV:
    case R_REPORT:
    case R_REPORT_FORMATS:
        text_enter(a, si.lang);
        if (r->id == R_SCHEDULE)
            api_schedule(a, rq, rs);
        else if (r->id == R_LOG || r->id == R_LOG_CSV)
            api_log(a, rq, rs, r->id == R_LOG_CSV);
        else if (r->id == R_REPORT)
            api_report(a, rq, rs);
        else
            api_report_formats(a, rq, rs);
        text_leave(a);
        rs->no_store = true;
        break;
    case R_PLANS_CHECK:
        api_plans_check(a, &si, rq, rs);
        break;
    case R_PLANS_INSTALL:
        api_plans_install(a, &si, rq, rs);
        break;
    case R_PLANS_VERSIONS:
        api_plans_versions(a, &si, rq, rs);
        break;
    case R_PLANS_VERSION_FILE:
        api_plans_download(a, &si, rq, rs, rq->path + strlen(r->path));
        break;
    case R_PLANS_ROLLBACK:
        api_plans_rollback(a, &si, rq, rs);
        break;
    case R_PLANS_FOLLOW:
        api_plans_follow(a, &si, rq, rs);
        break;
    case R_RECORDINGS:
        api_recordings_list(a, &si, rq, rs);
        break;
    case R_RECORDING_UPLOAD:
        api_recordings_upload(a, &si, rq, rs);
        break;
    case R_RECORDING_ITEM:
    case R_RECORDING_CHANGE:
    case R_RECORDING_DELETE:
        api_recordings_item(a, &si, rq, rs, rq->path + strlen(r->path));
        break;
    case R_APPROVALS:
    case R_APPROVE:
        api_approvals(a, &si, rq, rs);
        break;
    case R_EMERGENCY:
        api_emergency(a, &si, rq, rs);
        break;
    case R_EMERGENCY_STOP:
        api_emergency_stop(a, &si, rq, rs);
        break;
    case R_AUDIT:
        api_audit_route(a, &si, rq, rs);
        break;
    }
}

unsigned long long api_upload_limit(const struct http_request *rq, struct http_response *refusal,
                                    void *ud)
{
    struct api *a = ud;
    struct acct_session_info si;
    const struct route *r = authorise(a, rq, refusal, &si);
    if (!r) {
        if (!refusal->status)
            refusal->status = 403;
        return 0;
    }
    /* the multipart framing beside the files: a little room */
    if (r && r->id == R_PLANS_CHECK)
        return API_PLAN_MAX_TOTAL + 64 * 1024;
    if (r && r->id == R_RECORDING_UPLOAD)
        return (unsigned long long)a->cfg->web_max_upload_mb * 1024 * 1024 + 64 * 1024;
    return 0;
}

static const struct route *authorise(struct api *a, const struct http_request *rq,
                                     struct http_response *rs, struct acct_session_info *out)
{
    const struct route *r = NULL;
    bool path_known = false;
    for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
        if (!route_matches(&routes[i], rq->path))
            continue;
        path_known = true;
        if (strcmp(rq->method, routes[i].method) == 0 ||
            (strcmp(routes[i].method, "GET") == 0 && is_get(rq->method)))
            r = &routes[i];
    }
    const char *sid = http_cookie(rq, COOKIE);
    struct acct_session_info si;
    if (session_of(a, sid, &si) < 0) {
        text_enter(a, NULL);
        api_error(rs, 401, _("log in first"));
        text_leave(a);
        return NULL;
    }
    if (!r) {
        text_enter(a, si.lang);
        if (path_known) {
            api_error(rs, 405, _("method not allowed"));
        } else {
            api_error(rs, 404, _("no such API route"));
        }
        text_leave(a);
        return NULL;
    }
    if (si.role < r->min_role) {
        text_enter(a, si.lang);
        api_error(rs, 403, _("your role may not do this"));
        text_leave(a);
        return NULL;
    }
    if (!is_get(rq->method)) {
        const char *tok = http_header(rq, "X-CSRF-Token");
        if (!tok || !acct_token_equal(tok, si.csrf)) {
            text_enter(a, si.lang);
            api_error(rs, 403, _("missing or wrong CSRF token"));
            text_leave(a);
            return NULL;
        }
    }
    *out = si;
    return r;
}

void api_handle(const struct http_request *rq, struct http_response *rs, void *ud)
{
    struct api *a = ud;
    if (strncmp(rq->path, "/api/", 5) == 0)
        return handle_api(a, rq, rs);
    if (!is_get(rq->method)) {
        rs->status = 405;
        http_add_header(rs, "Allow", "GET, HEAD");
        return;
    }
    if (strncmp(rq->path, "/static/", 8) == 0)
        return serve_file(a, rq->path + 1, rs);
    for (size_t i = 0; i < ARRAY_SIZE(pages); i++) {
        if (strcmp(rq->path, pages[i].path) != 0)
            continue;
        const char *sid = http_cookie(rq, COOKIE);
        if (strcmp(pages[i].path, "/login") != 0 &&
            session_of(a, sid, NULL) < 0) {
            rs->status = 302;
            http_add_header(rs, "Location", "/login");
            rs->no_store = true;
            return;
        }
        serve_file(a, pages[i].file, rs);
        rs->no_store = true;
        return;
    }
    not_found(rs);
}
