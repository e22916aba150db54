/* stderr or syslog; one line per message, prefixed with its level in the
 * foreground so tests and journald can tell warnings apart. */
#include "daemon/dlog.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/i18n.h"

static bool to_stderr = true;

void dlog_init(bool foreground)
{
    to_stderr = foreground;
    if (!foreground)
        openlog("loaxad", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void dlog(int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (to_stderr) {
        /* the level in the reader's language, like the message after it */
        const char *lvl = prio <= LOG_ERR ? _("error") : prio == LOG_WARNING ? _("warning") : NULL;
        fprintf(stderr, "loaxad: %s%s", lvl ? lvl : "", lvl ? ": " : "");
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        fflush(stderr);
    } else {
        vsyslog(prio, fmt, ap);
    }
    va_end(ap);
}
