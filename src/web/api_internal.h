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

#endif
