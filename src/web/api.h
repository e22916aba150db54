/* loaxa-web's routes (doc/api.md): the JSON API /api/v1/..., the pages and
 * the static files, each authorised here by session, role and CSRF token. */
#ifndef LOAXA_WEB_API_H
#define LOAXA_WEB_API_H

#include "core/clock.h"
#include "core/config.h"
#include "web/accounts.h"
#include "web/http.h"

struct api;

/* static_dir: the installed web/ folder (already through realpath). The
 * api borrows cfg, db and clock; it owns its sessions and limiters. */
struct api *api_new(const struct loaxa_config *cfg, struct acct_db *db,
                    const struct lclock *clock, const char *static_dir);
void api_free(struct api *a);

/* Sets up the folders under web.versions_dir and starts following
 * web.plan_url; 0 or negative with err. */
int api_start(struct api *a, char *err, size_t errlen);
/* The incoming folder for http_options.upload_dir. */
const char *api_upload_dir(const struct api *a);
/* http_options.upload_limit (ud: the api): the room an upload may take;
 * 0 with the refusal (401, 403) when the session may not make it (role
 * and CSRF token checked before a byte of the body is read). */
unsigned long long api_upload_limit(const struct http_request *rq, struct http_response *refusal,
                                    void *ud);

/* The http_handler (ud: the api). */
void api_handle(const struct http_request *rq, struct http_response *rs, void *ud);

/* Login limits: per client address and per account name. */
#define API_LOGIN_MAX_FAILURES_ADDR 10
#define API_LOGIN_MAX_FAILURES_USER 5
#define API_LOGIN_WINDOW_MS (15 * 60 * 1000)
#define API_MAX_SESSIONS 256

#endif
