/* Shared by the route files of loaxa-web (api.c: sessions, status, pages;
 * data.c: schedule, log, report). Not for other modules. */
#ifndef LOAXA_WEB_API_INTERNAL_H
#define LOAXA_WEB_API_INTERNAL_H

#include <pthread.h>

#include <json-c/json.h>

#include "web/api.h"

struct api {
    const struct loaxa_config *cfg;
    struct acct_db *db;
    const struct lclock *clock;
    char *static_dir;
    struct acct_sessions *sessions;
    struct acct_limiter *by_addr, *by_user;
    /* gettext's language is the process's (LANGUAGE), and libical keeps
     * global state: the routes that translate or read the plan run one at
     * a time under this lock, in the session's language. */
    pthread_mutex_t text_lock;
    char cur_lang[8];
    /* The daemon serves 20 commands a second to all its clients: loaxa-web
     * asks at most once per API_STATUS_TTL_MS, whatever the number of
     * browsers, and hands the same answer to all. */
    pthread_mutex_t status_lock;
    char *status_doc;          /* the daemon's last STATUS answer, NULL: none */
    int64_t status_mono_ms;
    /* part 2 (plans.c, recordings.c): the private folders under
     * web.versions_dir, and one install at a time (with a lock file for
     * another process on the same folders) */
    char *versions_dir;        /* <web.versions_dir>/versions/vN/ */
    char *uploads_dir;         /* checked uploads waiting to be installed */
    char *incoming_dir;        /* the HTTP edge's temporary files */
    pthread_mutex_t install_lock;
    struct follow *follow;     /* web.plan_url's thread, NULL: none */
    /* the repeats of the last emergency (actions.c): a stop stops them all */
    pthread_mutex_t emergency_lock;
    char emergency_keys[8][64];
    int n_emergency_keys;
};

#define API_STATUS_TTL_MS 1000

/* A JSON body (the object is put); status 200 unless set. */
void api_json(struct http_response *rs, int status, json_object *o);
/* {"error": msg}; msg is already translated. */
void api_error(struct http_response *rs, int status, const char *msg);

/* data.c: the routes that read the plan, the log and the reports. Called
 * with text_lock held, after authorisation. */
void api_schedule(struct api *a, const struct http_request *rq, struct http_response *rs);
void api_log(struct api *a, const struct http_request *rq, struct http_response *rs, bool csv);
void api_report(struct api *a, const struct http_request *rq, struct http_response *rs);
void api_report_formats(struct api *a, const struct http_request *rq, struct http_response *rs);

/* api.c's helpers for the other route files */
void api_text_enter(struct api *a, const char *lang);
void api_text_leave(struct api *a);
json_object *api_json_body(const struct http_request *rq, struct http_response *rs);
const char *api_json_str(json_object *o, const char *key);

/* audit.c: a row in the audit trail (a failure to write it goes to the
 * journal); the route GET /api/v1/audit. */
void api_audit(struct api *a, const char *user, const char *address, const char *action,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void api_audit_route(struct api *a, const struct acct_session_info *si,
                     const struct http_request *rq, struct http_response *rs);

/* plans.c: upload, check, diff, install, versions, rollback, follow */
#define API_PLAN_MAX_FILE (4 * 1024 * 1024)
#define API_PLAN_MAX_TOTAL (16 * 1024 * 1024)
int api_plans_init(struct api *a, char *err, size_t errlen);
void api_plans_fini(struct api *a);
void api_plans_check(struct api *a, const struct acct_session_info *si,
                     const struct http_request *rq, struct http_response *rs);
void api_plans_install(struct api *a, const struct acct_session_info *si,
                       const struct http_request *rq, struct http_response *rs);
void api_plans_versions(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs);
void api_plans_download(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs,
                        const char *rest);
void api_plans_rollback(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs);
void api_plans_follow(struct api *a, const struct acct_session_info *si,
                      const struct http_request *rq, struct http_response *rs);

/* recordings.c */
/* A file name from a client made safe: its last part (after '/' or '\\'),
 * Vietnamese and other Latin letters without their marks (đ: d), lower
 * case, [a-z0-9._-] only, no leading dot, no "..", at most 80 bytes;
 * "recording" when nothing is left. */
void api_safe_name(const char *in, char *out, size_t outlen);
void api_recordings_list(struct api *a, const struct acct_session_info *si,
                         const struct http_request *rq, struct http_response *rs);
void api_recordings_upload(struct api *a, const struct acct_session_info *si,
                           const struct http_request *rq, struct http_response *rs);
void api_recordings_item(struct api *a, const struct acct_session_info *si,
                         const struct http_request *rq, struct http_response *rs,
                         const char *name);
/* The items of the running plan that name a recording (a JSON array of
 * UIDs); with text_lock held. */
json_object *api_recording_used_by(struct api *a, const char *name);
/* A recording name from a client: relative, inside the audio root, an
 * existing regular file; 0 and its full path (malloc'd), else -1. */
int api_recording_path(struct api *a, const char *name, char **path);

/* actions.c: the daemon's verbs for the console */
void api_approvals(struct api *a, const struct acct_session_info *si,
                   const struct http_request *rq, struct http_response *rs);
void api_emergency(struct api *a, const struct acct_session_info *si,
                   const struct http_request *rq, struct http_response *rs);
void api_emergency_stop(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs);

#endif
