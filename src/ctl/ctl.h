/* The control socket's line protocol, both ends (doc/control-protocol.md).
 * A client sends one request line, the daemon answers one line ("OK ..."
 * or "ERR message") and closes. Peer credentials (SO_PEERCRED) are checked
 * and kept as the operator of manual actions. Replies are written without
 * blocking: a client that does not read holds only its own buffer. */
#ifndef LOAXA_CTL_H
#define LOAXA_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "plan/plan.h"

#define CTL_MAX_LINE 4096
/* The longest answer line, newline included: what one client may hold of
 * the daemon's memory; answers that could be longer come in pages. */
#define CTL_MAX_REPLY (256 * 1024)
/* The largest ERRORS offset a request may carry */
#define CTL_MAX_OFFSET 999999999u

/* The longest approval comment (bytes), and a console account's name */
#define CTL_MAX_COMMENT 1000
#define CTL_MAX_ACCOUNT 64

enum ctl_verb {
    CTL_STATUS, CTL_AIR, CTL_STOP, CTL_RELOAD, CTL_ERRORS,
    CTL_APPROVE, CTL_REJECT, CTL_PENDING,
};

struct ctl_request {
    enum ctl_verb verb;
    enum plan_level level;        /* AIR */
    unsigned offset;              /* ERRORS: the first plan error wanted (from 0) */
    /* AIR: a file under the audio root, or a UID; APPROVE/REJECT: the UID
     * (sent %-escaped: a UID may hold spaces) */
    char target[CTL_MAX_LINE];
    char hash[65];                /* APPROVE/REJECT: the content hash decided on */
    char comment[CTL_MAX_COMMENT + 1]; /* APPROVE/REJECT: one line, "" when none */
    /* "AS web:NAME " before the verb: the console acts for its account NAME
     * (1-64 of [A-Za-z0-9._-]); "" when the peer acts for itself. The daemon
     * records "uid:NNN(user) for web:NAME" (doc/control-protocol.md). */
    char as[CTL_MAX_ACCOUNT + 1];
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
/* Who acts: the peer, or "uid:998(loaxa-web) for web:NAME" when the
 * request came AS web:NAME, into buf (at least 160 + CTL_MAX_ACCOUNT + 16). */
const char *ctl_conn_who(const struct ctl_conn *c, const struct ctl_request *req, char *buf,
                         size_t len);
#define CTL_WHO_MAX (160 + CTL_MAX_ACCOUNT + 16)
/* Reads what is available: 1 when a whole line is in (*line points to it),
 * 0 when more is needed, negative on error or EOF before a line. */
int ctl_conn_read(struct ctl_conn *c, const char **line);
/* Queues "OK text" or "ERR text" (text may be NULL; newlines become
 * spaces) and writes what the socket takes now, never waiting. An answer
 * longer than CTL_MAX_REPLY is replaced by an error. A second reply on the
 * same connection is ignored. */
void ctl_conn_reply(struct ctl_conn *c, bool ok, const char *text);
/* True while a queued reply is not all written: wait for POLLOUT, then
 * ctl_conn_flush(). */
bool ctl_conn_pending(const struct ctl_conn *c);
/* Writes more of the reply without waiting: 1 when all of it is out (the
 * write side is shut; free the connection), 0 when the socket is full,
 * negative when the peer is gone. */
int ctl_conn_flush(struct ctl_conn *c);
void ctl_conn_free(struct ctl_conn *c);

/* ---- client side ---- */

/* Sends req to the daemon at path and waits (up to timeout_ms) for the
 * answer line (at most CTL_MAX_REPLY bytes). Returns 0 and sets *ok and
 * *text (malloc'd, without "OK "/"ERR "), or a negative code with err
 * (e.g. -ENOENT/-ECONNREFUSED: no daemon). */
int ctl_call(const char *path, const struct ctl_request *req, int timeout_ms, bool *ok,
             char **text, char *err, size_t errlen);

#endif
