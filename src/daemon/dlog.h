/* The daemon's own messages: to stderr in --foreground, to the system log
 * otherwise. Callers pass text already translated. */
#ifndef LOAXA_DLOG_H
#define LOAXA_DLOG_H

#include <stdbool.h>
#include <syslog.h>

void dlog_init(bool foreground);
void dlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
