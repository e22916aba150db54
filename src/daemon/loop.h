/* loaxad's fd sources: what the loop's one poll() watches and who handles
 * it (in the manner of Redis' ae.c, without timers: the caller computes the
 * timeout). Two kinds of source:
 *  - a fixed one: one fd and its events, and a callback run when poll
 *    reports one of those events; loop_set changes them (fd -1: not polled);
 *  - a set: fds that come and go (players, control clients), up to max of
 *    them, written by a fill hook just before each poll and handed back to
 *    a handle hook after it (NULL: polled only to wake the loop).
 * After a poll that reported something, the handlers run in the order the
 * sources were added, so that order is the order of handling. A new source
 * (a console, a relay) is one loop_add, not an edit of the loop. */
#ifndef LOAXA_DAEMON_LOOP_H
#define LOAXA_DAEMON_LOOP_H

struct pollfd;
struct loop;

typedef void (*loop_fn)(void *ud, short revents);
/* writes at most max pollfds into pfd; returns how many */
typedef int (*loop_fill_fn)(void *ud, struct pollfd *pfd, int max);
/* pfd and n as the fill hook left them, with the revents poll set */
typedef void (*loop_handle_fn)(void *ud, const struct pollfd *pfd, int n);

#define LOOP_MAX_SOURCES 16

struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Both return the source's id (>= 0), or -ENOSPC, -EINVAL. */
int loop_add(struct loop *l, int fd, short events, loop_fn fn, void *ud);
int loop_add_set(struct loop *l, int max, loop_fill_fn fill, loop_handle_fn handle, void *ud);
void loop_set(struct loop *l, int id, int fd, short events); /* a fixed source */
void loop_remove(struct loop *l, int id); /* its id may be given again */
/* Fills, polls (timeout as poll's), then runs the handlers when poll
 * reported something; returns poll's result (errno set when < 0). */
int loop_poll(struct loop *l, int timeout_ms);

#endif
