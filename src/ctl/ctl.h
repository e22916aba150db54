/* The control socket's line protocol, both ends (doc/control-protocol.md).
 * A client sends one request line, the daemon answers one line ("OK ..."
 * or "ERR message") and closes. Peer credentials (SO_PEERCRED) are checked
 * and kept as the operator of manual actions. */
#ifndef LOAXA_CTL_H
#define LOAXA_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "plan/plan.h"

#define CTL_MAX_LINE 4096

enum ctl_verb { CTL_STATUS, CTL_AIR, CTL_STOP, CTL_RELOAD };

struct ctl_request {
    enum ctl_verb verb;
    enum plan_level level;        /* AIR */
    char target[CTL_MAX_LINE];    /* AIR: a file under the audio root, or a UID */
};

/* Text of a request line (no newline); returns 0 or -EINVAL with err. */
int ctl_parse(const char *line, struct ctl_request *req, char *err, size_t errlen);
/* The line for a request, NUL-terminated, without the newline. */
int ctl_format(const struct ctl_request *req, char *buf, size_t len);

const char *ctl_level_name(enum plan_level l);      /* "normal", "priority", "emergency" */
int ctl_level_parse(const char *s, enum plan_level *l);

/* ---- daemon side ---- */

/* Creates the listening socket at path (a stale socket is replaced, a live
 * daemon's is not: -EADDRINUSE), mode 0660, group `group` when it exists.
 * Returns the fd or a negative code with err. */
int ctl_listen(const char *path, const char *group, char *err, size_t errlen);

struct ctl_conn;

/* Accepts one client (non-blocking). Returns NULL when nothing is waiting
 * or the peer is refused (*refused set, err says who). */
struct ctl_conn *ctl_accept(int lfd, const char *group, bool *refused, char *err,
                            size_t errlen);
int ctl_conn_fd(const struct ctl_conn *c);
/* The peer, "uid:1000(name)". */
const char *ctl_conn_operator(const struct ctl_conn *c);
/* Reads what is available: 1 when a whole line is in (*line points to it),
 * 0 when more is needed, negative on error or EOF before a line. */
int ctl_conn_read(struct ctl_conn *c, const char **line);
/* Sends "OK text" or "ERR text" (text may be NULL) and closes. */
void ctl_conn_reply(struct ctl_conn *c, bool ok, const char *text);
void ctl_conn_free(struct ctl_conn *c);

/* ---- client side ---- */

/* Sends req to the daemon at path and waits (up to timeout_ms) for the
 * answer. Returns 0 and sets *ok and *text (malloc'd, without "OK "/"ERR
 * "), or a negative code with err (e.g. -ENOENT/-ECONNREFUSED: no daemon). */
int ctl_call(const char *path, const struct ctl_request *req, int timeout_ms, bool *ok,
             char **text, char *err, size_t errlen);

#endif
