/* The control socket's clients, for the loop: accepting (bounded per turn),
 * reading one command line each, handing it to control.c, and writing the
 * answer as the socket takes it. Nothing here waits on a client:
 *   - a client has CTL_TIMEOUT_MS to send its whole line and
 *     CTL_WRITE_TIMEOUT_MS to take its answer, then it is dropped;
 *   - when every slot is taken, a new client takes the slot of the oldest
 *     one that has not sent a whole line (that one is told "busy"), so a
 *     crowd of idle connections cannot lock out the officer's `status`;
 *   - at most CTL_ACCEPT_RATE connections a second are accepted (bursts of
 *     CTL_ACCEPT_BURST, CTL_ACCEPTS_PER_TURN a loop turn); beyond that they
 *     wait in the kernel's listen queue (ctl_listen: 256; the loop stops
 *     polling the socket meanwhile). A crowd reconnecting as fast as it is
 *     dropped then costs the loop about a tenth of a core (measured: ~45 us
 *     an accept), not all of it. The rate is high because a client waits
 *     behind the whole queue (256 at most: 130 ms); a client accepted
 *     before its line came is read first in the next turn, and is pushed
 *     out only 15 accepts later (7.5 ms at the rate);
 *   - at most CTL_RATE commands a second (bursts of CTL_BURST) are served.
 *     The rate is charged per command line, not per connection: idle
 *     connections cost a slot (reclaimed as above) but never the budget,
 *     so an idle flood cannot make a real `status` fail. A flood of real
 *     commands from a peer the socket lets in still can, for as long as it
 *     lasts: that is the rate limit's purpose (the loop's time comes first). */
#include "daemon/daemon.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/i18n.h"
#include "core/util.h"
#include "daemon/dlog.h"

#define CTL_TIMEOUT_MS 2000
#define CTL_WRITE_TIMEOUT_MS 5000
#define CTL_RATE 20
#define CTL_BURST 40
#define CTL_ACCEPT_RATE 2000
#define CTL_ACCEPT_BURST 64
/* accepts per loop turn: a connect flood cannot keep the loop from its
 * timers, and a client accepted in one turn is read before this many
 * newer ones (fewer than the slots) can push it out */
#define CTL_ACCEPTS_PER_TURN (DAEMON_MAX_CONNS / 2)

struct conn_slot {
    struct ctl_conn *c;
    int64_t deadline;             /* monotonic ms: line due, then answer taken */
    uint64_t seq;                 /* accept order: the oldest is dropped first */
};

struct bucket {
    double tokens;
    int64_t mono;                 /* when it was last filled */
    double rate, burst;           /* a second's tokens, and the most it holds */
};

struct conns {
    struct conn_slot slot[DAEMON_MAX_CONNS];
    uint64_t seq;
    struct bucket cmds;           /* command lines served */
    struct bucket accepts;        /* connections accepted */
    bool refusing;                /* over the command rate: said once per burst */
    int64_t refused_said_mono;    /* the last refused peer logged ... */
    unsigned refused_unsaid;      /* ... and those refused since, not logged */
};

static void fill(struct bucket *b, int64_t mono)
{
    b->tokens += (double)(mono - b->mono) * b->rate / 1000.0;
    if (b->tokens > b->burst)
        b->tokens = b->burst;
    b->mono = mono;
}

struct conns *conns_new(int64_t mono_ms)
{
    struct conns *cs = xcalloc(1, sizeof *cs);
    cs->cmds = (struct bucket){CTL_BURST, mono_ms, CTL_RATE, CTL_BURST};
    cs->accepts = (struct bucket){CTL_ACCEPT_BURST, mono_ms, CTL_ACCEPT_RATE, CTL_ACCEPT_BURST};
    return cs;
}

void conns_free(struct conns *cs)
{
    if (!cs)
        return;
    for (int i = 0; i < DAEMON_MAX_CONNS; i++)
        ctl_conn_free(cs->slot[i].c);
    free(cs);
}

static void drop(struct conn_slot *s)
{
    ctl_conn_free(s->c);
    s->c = NULL;
}

/* After a reply is queued: closed when it is all out, else it waits for
 * POLLOUT until the write deadline. */
static void replied(struct daemon *d, struct conn_slot *s)
{
    if (!ctl_conn_pending(s->c)) {
        drop(s);
        return;
    }
    s->deadline = lclock_mono_ms(d->clk) + CTL_WRITE_TIMEOUT_MS;
}

static bool take_token(struct conns *cs, int64_t mono)
{
    fill(&cs->cmds, mono);
    if (cs->cmds.tokens < 1) {
        if (!cs->refusing) /* said once per burst, not once per refused command */
            dlog(LOG_WARNING, _("more than %d control commands a second; refusing some"),
                 CTL_RATE);
        cs->refusing = true;
        return false;
    }
    cs->cmds.tokens -= 1;
    if (cs->cmds.tokens >= CTL_BURST / 2)
        cs->refusing = false;
    return true;
}

/* Reads what the client sent; a whole line is served (or refused over
 * the rate), a bad one answered, EOF before a line closes. */
static void on_readable(struct daemon *d, struct conn_slot *s)
{
    const char *line;
    int r = ctl_conn_read(s->c, &line);
    if (r == 0)
        return;
    if (r > 0) {
        if (take_token(d->conns, lclock_mono_ms(d->clk)))
            control_handle(d, s->c, line);
        else
            ctl_conn_reply(s->c, false, _("too many commands; try again in a second"));
    } else if (r == -E2BIG) {
        char msg[128];
        snprintf(msg, sizeof msg, _("command longer than %d bytes"), CTL_MAX_LINE);
        ctl_conn_reply(s->c, false, msg);
    } else {
        drop(s);
        return;
    }
    replied(d, s);
}

/* A slot for a new client: a free one, else the oldest that has not sent
 * a whole line, else the oldest still taking its answer. */
static struct conn_slot *free_slot(struct conns *cs)
{
    struct conn_slot *reader = NULL, *writer = NULL;
    for (int i = 0; i < DAEMON_MAX_CONNS; i++) {
        struct conn_slot *s = &cs->slot[i];
        if (!s->c)
            return s;
        struct conn_slot **best = ctl_conn_pending(s->c) ? &writer : &reader;
        if (!*best || s->seq < (*best)->seq)
            *best = s;
    }
    struct conn_slot *s = reader ? reader : writer;
    if (reader)
        ctl_conn_reply(s->c, false, _("busy"));
    drop(s);
    return s;
}

/* A refused peer goes to the log, at most once a second (a refused
 * crowd would flood it); the next line counts those not logged. */
static void refused_peer(struct daemon *d, const char *err)
{
    struct conns *cs = d->conns;
    int64_t mono = lclock_mono_ms(d->clk);
    if (cs->refused_said_mono && mono - cs->refused_said_mono < 1000) {
        cs->refused_unsaid++;
        return;
    }
    if (cs->refused_unsaid)
        dlog(LOG_WARNING, _("%s (and %u more refused connection(s) before it)"), err,
             cs->refused_unsaid);
    else
        dlog(LOG_WARNING, "%s", err);
    cs->refused_said_mono = mono;
    cs->refused_unsaid = 0;
}

static void on_listen(struct daemon *d)
{
    struct bucket *b = &d->conns->accepts;
    fill(b, lclock_mono_ms(d->clk));
    for (int n = 0; n < CTL_ACCEPTS_PER_TURN && b->tokens >= 1; n++) {
        char err[512];
        bool refused;
        struct ctl_conn *c = ctl_accept(d->lfd, d->cfg->socket_group, &refused, err, sizeof err);
        if (!c && !refused)
            return; /* nobody waiting: nothing spent */
        b->tokens -= 1;
        if (!c) {
            refused_peer(d, err);
            continue;
        }
        struct conn_slot *s = free_slot(d->conns);
        s->c = c;
        s->seq = ++d->conns->seq;
        s->deadline = lclock_mono_ms(d->clk) + CTL_TIMEOUT_MS;
        on_readable(d, s); /* the line is often there already */
    }
}

int conns_listen_fd(struct daemon *d)
{
    fill(&d->conns->accepts, lclock_mono_ms(d->clk));
    return d->conns->accepts.tokens >= 1 ? d->lfd : -1;
}

int conns_expire(struct daemon *d)
{
    int64_t mono = lclock_mono_ms(d->clk), next = -1;
    struct bucket *b = &d->conns->accepts;
    fill(b, mono);
    if (b->tokens < 1) /* when the listening socket is polled again */
        next = 1 + (int64_t)((1 - b->tokens) * 1000 / b->rate);
    for (int i = 0; i < DAEMON_MAX_CONNS; i++) {
        struct conn_slot *s = &d->conns->slot[i];
        if (!s->c)
            continue;
        if (mono >= s->deadline) {
            if (!ctl_conn_pending(s->c)) {
                char msg[128];
                snprintf(msg, sizeof msg, _("no whole command line within %d ms"),
                         CTL_TIMEOUT_MS);
                ctl_conn_reply(s->c, false, msg);
            } /* else: it did not take its answer in time; nothing more to say */
            drop(s);
        } else if (next < 0 || s->deadline - mono < next) {
            next = s->deadline - mono;
        }
    }
    return (int)next;
}

int conns_fill(struct daemon *d, struct pollfd *pfd)
{
    for (int i = 0; i < DAEMON_MAX_CONNS; i++) {
        struct ctl_conn *c = d->conns->slot[i].c;
        pfd[i] = (struct pollfd){.fd = c ? ctl_conn_fd(c) : -1,
                                 .events = c && ctl_conn_pending(c) ? POLLOUT : POLLIN};
    }
    return DAEMON_MAX_CONNS;
}

void conns_handle(struct daemon *d, const struct pollfd *pfd, bool listen_ready)
{
    /* clients first: the slots' revents belong to the fds polled, and a
     * client's line is served before new ones may take its slot */
    for (int i = 0; i < DAEMON_MAX_CONNS; i++) {
        struct conn_slot *s = &d->conns->slot[i];
        if (!s->c || !pfd[i].revents || pfd[i].fd != ctl_conn_fd(s->c))
            continue;
        if (!ctl_conn_pending(s->c))
            on_readable(d, s);
        else if (ctl_conn_flush(s->c) != 0) /* all out, or the peer is gone */
            drop(s);
    }
    if (listen_ready)
        on_listen(d);
}
