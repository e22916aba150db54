/* Output registry: picks the backend from the device setting. */
#include "audio/out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"

int64_t out_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int out_open(const char *device, int latency_ms, out_render_fn render, void *ud,
             struct out **out, char *err, size_t errlen)
{
    const struct out_driver *drv = &out_driver_portaudio;
    const char *arg = device ? device : "default";
    if (strcmp(arg, "null") == 0 || strncmp(arg, "null:", 5) == 0) {
        drv = &out_driver_null;
        arg += arg[4] ? 5 : 4;
    } else if (strncmp(arg, "file:", 5) == 0) {
        drv = &out_driver_file;
        arg += 5;
    }
    struct out *o = xcalloc(1, sizeof *o);
    o->drv = drv;
    o->latency_ms = latency_ms > 0 ? latency_ms : 20;
    o->render = render;
    o->ud = ud;
    int rc = drv->open(o, arg, err, errlen);
    if (rc < 0) {
        free(o);
        *out = NULL;
        return rc;
    }
    *out = o;
    return 0;
}

int out_start(struct out *o, char *err, size_t errlen)
{
    return o->drv->start(o, err, errlen);
}

int out_check(struct out *o, char *err, size_t errlen)
{
    return o->drv->check ? o->drv->check(o, err, errlen) : 0;
}

void out_close(struct out *o)
{
    if (!o)
        return;
    o->drv->close(o);
    free(o);
}
