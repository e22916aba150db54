/* The console's audit trail: every state-changing action is a row in
 * web.db's append-only table (accounts.c), and the admin's page reads it
 * (GET /api/v1/audit?page=N, newest first). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "web/api_internal.h"

#define AUDIT_PAGE 100
#define AUDIT_MAX_PAGE 100000

void api_audit(struct api *a, const char *user, const char *address, const char *action,
               const char *fmt, ...)
{
    char detail[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (acct_audit_add(a->db, lclock_now_ms(a->clock), user, address, action, detail) < 0)
        fprintf(stderr, _("loaxa-web: cannot write the audit trail (%s by %s)\n"), action,
                user ? user : "?");
}

static int add_row(const struct acct_audit_row *r, void *ud)
{
    json_object *o = json_object_new_object();
    char t[UTIL_TIME_BUF];
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "at", json_object_new_string(util_format_iso_local(r->at_ms, t)));
    json_object_object_add(o, "user", json_object_new_string(r->user ? r->user : ""));
    json_object_object_add(o, "address", json_object_new_string(r->address ? r->address : ""));
    json_object_object_add(o, "action", json_object_new_string(r->action ? r->action : ""));
    json_object_object_add(o, "detail", json_object_new_string(r->detail ? r->detail : ""));
    json_object_array_add(ud, o);
    return 0;
}

void api_audit_route(struct api *a, const struct acct_session_info *si,
                     const struct http_request *rq, struct http_response *rs)
{
    const char *p = http_query(rq, "page");
    long page = 1;
    api_text_enter(a, si->lang);
    if (p) {
        char *end;
        page = strtol(p, &end, 10);
        if (end == p || *end || page < 1 || page > AUDIT_MAX_PAGE) {
            api_error(rs, 400, _("\"page\" must be a whole number from 1"));
            goto out;
        }
    }
    json_object *rows = json_object_new_array();
    if (acct_audit_list(a->db, INT64_MIN, INT64_MAX, (page - 1) * AUDIT_PAGE, AUDIT_PAGE + 1,
                        true, add_row, rows) < 0) {
        json_object_put(rows);
        api_error(rs, 500, _("cannot read the audit trail"));
        goto out;
    }
    bool more = json_object_array_length(rows) > AUDIT_PAGE;
    if (more)
        json_object_array_del_idx(rows, AUDIT_PAGE, 1);
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "page", json_object_new_int((int)page));
    json_object_object_add(doc, "more", json_object_new_boolean(more));
    json_object_object_add(doc, "rows", rows);
    api_json(rs, 200, doc);
out:
    api_text_leave(a);
}
