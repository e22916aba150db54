/* The loop's fd sources (loop.h): a small table, polled in the order the
 * sources were added. */
#include "daemon/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/util.h"

struct source {
    bool used;
    int fd;             /* fixed */
    short events;
    loop_fn fn;
    int max;            /* a set: 0 for a fixed source */
    loop_fill_fn fill;
    loop_handle_fn handle;
    void *ud;
    int at, n;          /* where its pollfds were this turn */
    bool polled;        /* this turn (one added meanwhile was not) */
};

struct loop {
    struct source src[LOOP_MAX_SOURCES];
    struct pollfd *pfd;
    int cap;            /* pollfds the used sources may need */
};

struct loop *loop_new(void)
{
    return xcalloc(1, sizeof(struct loop));
}

void loop_free(struct loop *l)
{
    if (!l)
        return;
    free(l->pfd);
    free(l);
}

static int add(struct loop *l, const struct source *s)
{
    for (int id = 0; id < LOOP_MAX_SOURCES; id++) {
        if (l->src[id].used)
            continue;
        int need = 0;
        for (int i = 0; i < LOOP_MAX_SOURCES; i++)
            if (l->src[i].used)
                need += l->src[i].max ? l->src[i].max : 1;
        need += s->max ? s->max : 1;
        if (need > l->cap) {
            l->pfd = xrealloc(l->pfd, (size_t)need * sizeof *l->pfd);
            l->cap = need;
        }
        l->src[id] = *s;
        l->src[id].used = true;
        return id;
    }
    return -ENOSPC;
}

int loop_add(struct loop *l, int fd, short events, loop_fn fn, void *ud)
{
    if (!fn)
        return -EINVAL;
    return add(l, &(struct source){.fd = fd, .events = events, .fn = fn, .ud = ud});
}

int loop_add_set(struct loop *l, int max, loop_fill_fn fill, loop_handle_fn handle, void *ud)
{
    if (max <= 0 || !fill)
        return -EINVAL;
    return add(l, &(struct source){.max = max, .fill = fill, .handle = handle, .ud = ud});
}

void loop_set(struct loop *l, int id, int fd, short events)
{
    if (id >= 0 && id < LOOP_MAX_SOURCES && l->src[id].used && !l->src[id].max) {
        l->src[id].fd = fd;
        l->src[id].events = events;
    }
}

void loop_remove(struct loop *l, int id)
{
    if (id >= 0 && id < LOOP_MAX_SOURCES)
        l->src[id].used = false;
}

int loop_poll(struct loop *l, int timeout_ms)
{
    int n = 0;
    for (int id = 0; id < LOOP_MAX_SOURCES; id++) {
        struct source *s = &l->src[id];
        if (!s->used)
            continue;
        s->at = n;
        s->polled = true;
        if (s->max) {
            int k = s->fill(s->ud, l->pfd + n, s->max);
            s->n = k < 0 ? 0 : k > s->max ? s->max : k;
        } else {
            l->pfd[n] = (struct pollfd){.fd = s->fd, .events = s->events};
            s->n = 1;
        }
        n += s->n;
    }
    int r = poll(l->pfd, (nfds_t)n, timeout_ms);
    if (r <= 0)
        return r;
    /* a handler may add or remove sources: only those polled this turn run,
     * and one removed meanwhile does not */
    for (int id = 0; id < LOOP_MAX_SOURCES; id++) {
        struct source *s = &l->src[id];
        if (!s->used || !s->polled)
            continue;
        if (s->max) {
            if (s->handle)
                s->handle(s->ud, l->pfd + s->at, s->n);
        } else if (l->pfd[s->at].revents & s->events) {
            s->fn(s->ud, l->pfd[s->at].revents);
        }
    }
    return r;
}
