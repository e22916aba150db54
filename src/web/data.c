/* The routes that read the plan, the as-run log and the reports. */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "web/api_internal.h"

void api_schedule(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    api_error(rs, 501, _("not yet"));
}

void api_log(struct api *a, const struct http_request *rq, struct http_response *rs, bool csv)
{
    api_error(rs, 501, _("not yet"));
}

void api_report(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    api_error(rs, 501, _("not yet"));
}

void api_report_formats(struct api *a, const struct http_request *rq, struct http_response *rs)
{
    api_error(rs, 501, _("not yet"));
}
