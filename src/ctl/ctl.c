/* Control protocol over a Unix stream socket: one request line, one reply
 * line, then the daemon closes. Small and text-based so an officer can
 * also talk to the daemon with `socat` when the CLI is not at hand. The
 * daemon never waits on a client: replies sit in the connection's buffer
 * and go out as the socket takes them (the loop polls for POLLOUT). */
#include "ctl/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/util.h"

static const char *const level_names[] = {"normal", "priority", "emergency"};

const char *ctl_level_name(enum plan_level l)
{
    return (unsigned)l < ARRAY_SIZE(level_names) ? level_names[l] : "normal";
}

int ctl_level_parse(const char *s, enum plan_level *l)
{
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *l = (enum plan_level)i;
            return 0;
        }
    }
    return -EINVAL;
}

/* A decimal offset: digits only, at most CTL_MAX_OFFSET */
static int parse_offset(const char *s, size_t n, unsigned *out)
{
    unsigned long v = 0;
    if (n == 0 || n > 9)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    *out = (unsigned)v; /* 9 digits: never above CTL_MAX_OFFSET */
    return 0;
}

static bool account_ok(const char *s, size_t n)
{
    if (n == 0 || n > CTL_MAX_ACCOUNT)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A %-escaped UID token into out (NUL-terminated); no control bytes */
static int uid_unescape(const char *s, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)s[i];
        if (ch == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                return -EINVAL;
            ch = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            i += 2;
        }
        if (ch < 0x20 || ch == 0x7f || o + 1 >= outlen)
            return -EINVAL;
        out[o++] = (char)ch;
    }
    if (o == 0)
        return -EINVAL;
    out[o] = '\0';
    return 0;
}

static bool hash_ok(const char *s, size_t n)
{
    if (n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* APPROVE/REJECT UID HASH [COMMENT]: the comment is the rest of the line */
static int parse_decision(const char *rest, size_t rest_len, struct ctl_request *req)
{
    size_t u = strcspn(rest, " ");
    if (u == 0 || u >= rest_len)
        return -EINVAL;
    if (uid_unescape(rest, u, req->target, sizeof req->target) < 0)
        return -EINVAL;
    const char *h = rest + u + 1;
    size_t hl = rest_len - u - 1;
    size_t hn = strcspn(h, " ");
    if (hn > hl)
        hn = hl;
    if (!hash_ok(h, hn))
        return -EINVAL;
    memcpy(req->hash, h, 64);
    req->hash[64] = '\0';
    if (hn < hl) {
        const char *c = h + hn + 1;
        size_t cl = hl - hn - 1;
        if (cl > CTL_MAX_COMMENT)
            return -EINVAL;
        for (size_t i = 0; i < cl; i++)
            if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
                return -EINVAL;
        memcpy(req->comment, c, cl);
        req->comment[cl] = '\0';
    }
    return 0;
}

int ctl_parse(const char *line, struct ctl_request *req, char *err, size_t errlen)
{
    memset(req, 0, sizeof *req);
    const char *whole = line;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        n--;
    if (n > 3 && strncmp(line, "AS ", 3) == 0) {
        /* AS web:NAME VERB ...: the console acts for one of its accounts */
        const char *a = line + 3;
        size_t al = strcspn(a, " ");
        if (al + 3 >= n || al <= 4 || strncmp(a, "web:", 4) != 0 || !account_ok(a + 4, al - 4))
            goto bad;
        memcpy(req->as, a + 4, al - 4);
        req->as[al - 4] = '\0';
        line = a + al + 1;
        n -= 3 + al + 1;
    }
    char verb[16];
    size_t v = strcspn(line, " \r\n");
    if (v >= sizeof verb || v > n)
        goto bad;
    memcpy(verb, line, v);
    verb[v] = '\0';
    const char *rest = v < n ? line + v + 1 : line + n;
    size_t rest_len = n - (size_t)(rest - line);
    if (strcmp(verb, "STATUS") == 0 && rest_len == 0) {
        req->verb = CTL_STATUS;
    } else if (strcmp(verb, "STOP") == 0 && rest_len == 0) {
        req->verb = CTL_STOP;
    } else if (strcmp(verb, "RELOAD") == 0 && rest_len == 0) {
        req->verb = CTL_RELOAD;
    } else if (strcmp(verb, "ERRORS") == 0) {
        /* ERRORS [OFFSET]: a page of the plan's errors */
        if (v < n && parse_offset(rest, rest_len, &req->offset) < 0)
            goto bad;
        req->verb = CTL_ERRORS;
    } else if (strcmp(verb, "AIR") == 0) {
        /* AIR LEVEL TARGET: the target is the rest of the line, spaces and all */
        char lvl[16];
        size_t l = strcspn(rest, " ");
        if (l == 0 || l >= sizeof lvl || l >= rest_len)
            goto bad;
        memcpy(lvl, rest, l);
        lvl[l] = '\0';
        if (ctl_level_parse(lvl, &req->level) < 0)
            goto bad;
        size_t tl = rest_len - l - 1;
        /* a line feed inside the target would make a request that is not
         * one line: ctl_format refuses it, so must we (found by fuzz-ctl) */
        if (tl == 0 || tl >= sizeof req->target || memchr(rest + l + 1, '\n', tl))
            goto bad;
        memcpy(req->target, rest + l + 1, tl);
        req->target[tl] = '\0';
        req->verb = CTL_AIR;
    } else if (strcmp(verb, "PENDING") == 0 && rest_len == 0) {
        req->verb = CTL_PENDING;
    } else if (strcmp(verb, "APPROVE") == 0 || strcmp(verb, "REJECT") == 0) {
        if (memchr(rest, '\n', rest_len) || parse_decision(rest, rest_len, req) < 0)
            goto bad;
        req->verb = verb[0] == 'A' ? CTL_APPROVE : CTL_REJECT;
    } else {
        goto bad;
    }
    return 0;
bad:;
    memset(req, 0, sizeof *req);
    size_t wn = strlen(whole);
    while (wn && (whole[wn - 1] == '\r' || whole[wn - 1] == '\n'))
        wn--;
    snprintf(err, errlen, _("bad request: \"%.*s\""), (int)(wn > 200 ? 200 : wn), whole);
    return -EINVAL;
}

/* The UID as one token: %, space and control bytes %-escaped */
static int uid_escape(const char *uid, char *out, size_t outlen)
{
    size_t o = 0;
    if (!*uid)
        return -EINVAL;
    for (const unsigned char *p = (const unsigned char *)uid; *p; p++) {
        if (o + 4 > outlen)
            return -ENAMETOOLONG;
        if (*p <= 0x20 || *p == '%' || *p == 0x7f)
            o += (size_t)snprintf(out + o, outlen - o, "%%%02X", *p);
        else
            out[o++] = (char)*p;
    }
    out[o] = '\0';
    return 0;
}

int ctl_format(const struct ctl_request *req, char *buf, size_t len)
{
    int n;
    size_t pre = 0;
    if (req->as[0]) {
        if (!account_ok(req->as, strlen(req->as)))
            return -EINVAL;
        n = snprintf(buf, len, "AS web:%s ", req->as);
        if (n < 0 || (size_t)n >= len)
            return -ENAMETOOLONG;
        pre = (size_t)n;
        buf += pre;
        len -= pre;
    }
    switch (req->verb) {
    case CTL_STATUS: n = snprintf(buf, len, "STATUS"); break;
    case CTL_STOP: n = snprintf(buf, len, "STOP"); break;
    case CTL_RELOAD: n = snprintf(buf, len, "RELOAD"); break;
    case CTL_ERRORS:
        if (req->offset > CTL_MAX_OFFSET)
            return -EINVAL;
        n = snprintf(buf, len, "ERRORS %u", req->offset);
        break;
    case CTL_AIR:
        if (strchr(req->target, '\n'))
            return -EINVAL;
        n = snprintf(buf, len, "AIR %s %s", ctl_level_name(req->level), req->target);
        break;
    case CTL_PENDING: n = snprintf(buf, len, "PENDING"); break;
    case CTL_APPROVE:
    case CTL_REJECT: {
        char uid[CTL_MAX_LINE];
        if (uid_escape(req->target, uid, sizeof uid) < 0 || !hash_ok(req->hash, strlen(req->hash)))
            return -EINVAL;
        size_t cl = strlen(req->comment);
        if (cl > CTL_MAX_COMMENT)
            return -EINVAL;
        for (size_t i = 0; i < cl; i++)
            if ((unsigned char)req->comment[i] < 0x20 || req->comment[i] == 0x7f)
                return -EINVAL;
        n = snprintf(buf, len, "%s %s %s%s%s", req->verb == CTL_APPROVE ? "APPROVE" : "REJECT",
                     uid, req->hash, cl ? " " : "", req->comment);
        break;
    }
    default: return -EINVAL;
    }
    return n < 0 || (size_t)n >= len || pre + (size_t)n >= CTL_MAX_LINE ? -ENAMETOOLONG : 0;
}

/* ---- daemon side ---- */

static int fill_addr(struct sockaddr_un *sa, const char *path, char *err, size_t errlen)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa->sun_path) {
        snprintf(err, errlen, _("socket path too long: %s"), path);
        return -ENAMETOOLONG;
    }
    util_strlcpy(sa->sun_path, path, sizeof sa->sun_path);
    return 0;
}

int ctl_listen(const char *path, const char *group, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    int rc = fill_addr(&sa, path, err, errlen);
    if (rc < 0)
        return rc;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        goto fail_errno;
    /* A socket file left by a crash is replaced; one a daemon answers on is
     * not (two daemons would air everything twice). */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        int c = connect(probe, (struct sockaddr *)&sa, sizeof sa);
        close(probe);
        if (c == 0) {
            close(fd);
            snprintf(err, errlen, _("another loaxad is already running on %s"), path);
            return -EADDRINUSE;
        }
    }
    unlink(path);
    mode_t old = umask(0117);
    rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    /* a long queue: behind a crowd of idle connections (the daemon takes
     * 2000 a second) a client waits its turn in order, not by luck */
    if (rc < 0 || listen(fd, 256) < 0)
        goto fail_errno;
    chmod(path, 0660);
    if (group && *group) {
        struct group *g = getgrnam(group);
        if (g && chown(path, (uid_t)-1, g->gr_gid) < 0) {
            /* not fatal: the owner and root can still use the socket */
        }
    }
    return fd;
fail_errno:
    rc = -errno;
    snprintf(err, errlen, _("cannot listen on %s: %s"), path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

struct ctl_conn {
    int fd;
    char op[160];
    char buf[CTL_MAX_LINE + 1];
    size_t len;
    char *out;                    /* the queued reply, NULL until there is one */
    size_t out_len, out_off;      /* its length, and how much is written */
    bool replied;
};

/* root, the daemon's own user, and members of the socket's group. */
static bool peer_allowed(const struct ucred *cr, const char *name, const char *group)
{
    if (cr->uid == 0 || cr->uid == geteuid())
        return true;
    struct group *g = group && *group ? getgrnam(group) : NULL;
    if (!g)
        return false;
    if (cr->gid == g->gr_gid)
        return true;
    for (char **m = g->gr_mem; m && *m; m++)
        if (name && strcmp(*m, name) == 0)
            return true;
    return false;
}

struct ctl_conn *ctl_accept(int lfd, const char *group, bool *refused, char *err,
                            size_t errlen)
{
    *refused = false;
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct ucred cr;
    socklen_t cl = sizeof cr;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) {
        snprintf(err, errlen, _("cannot read the peer's credentials: %s"), strerror(errno));
        close(fd);
        *refused = true;
        return NULL;
    }
    char pwbuf[1024];
    struct passwd pw, *pwp = NULL;
    getpwuid_r(cr.uid, &pw, pwbuf, sizeof pwbuf, &pwp);
    const char *name = pwp ? pwp->pw_name : NULL;
    if (!peer_allowed(&cr, name, group)) {
        snprintf(err, errlen, _("refused control connection from uid %u (not in group %s)"),
                 (unsigned)cr.uid, group ? group : "");
        close(fd);
        *refused = true;
        return NULL;
    }
    struct ctl_conn *c = xcalloc(1, sizeof *c);
    c->fd = fd;
    snprintf(c->op, sizeof c->op, "uid:%u(%s)", (unsigned)cr.uid, name ? name : "?");
    return c;
}

int ctl_conn_fd(const struct ctl_conn *c)
{
    return c->fd;
}

const char *ctl_conn_operator(const struct ctl_conn *c)
{
    return c->op;
}

const char *ctl_conn_who(const struct ctl_conn *c, const struct ctl_request *req, char *buf,
                         size_t len)
{
    if (req->as[0])
        snprintf(buf, len, "%s for web:%s", c->op, req->as);
    else
        snprintf(buf, len, "%s", c->op);
    return buf;
}

int ctl_conn_read(struct ctl_conn *c, const char **line)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            *nl = '\0';
            *line = c->buf;
            return 1;
        }
        if (c->len >= CTL_MAX_LINE)
            return -E2BIG;
        ssize_t r = read(c->fd, c->buf + c->len, CTL_MAX_LINE - c->len);
        if (r == 0)
            return -ECONNRESET;
        if (r < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
        c->len += (size_t)r;
    }
}

int ctl_conn_flush(struct ctl_conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (w <= 0)
            return w < 0 ? -errno : -EPIPE;
        c->out_off += (size_t)w;
    }
    if (c->out) {
        free(c->out);
        c->out = NULL;
        shutdown(c->fd, SHUT_WR);
    }
    return 1;
}

bool ctl_conn_pending(const struct ctl_conn *c)
{
    return c->out != NULL;
}

void ctl_conn_reply(struct ctl_conn *c, bool ok, const char *text)
{
    if (c->replied)
        return;
    c->replied = true;
    struct strbuf b = {0};
    strbuf_puts(&b, ok ? "OK" : "ERR");
    if (text && *text) {
        size_t n = strlen(text);
        if (n + 6 > CTL_MAX_REPLY) {
            /* the daemon's own fault (answers that can grow come in pages),
             * yet no client may make it hold more than the bound */
            strbuf_free(&b);
            strbuf_printf(&b, "ERR ");
            strbuf_printf(&b, _("the answer is longer than %d bytes"), CTL_MAX_REPLY);
        } else {
            strbuf_puts(&b, " ");
            /* one line: newlines in messages become spaces */
            for (const char *p = text; *p; p++)
                strbuf_add(&b, *p == '\n' ? " " : p, 1);
        }
    }
    strbuf_puts(&b, "\n");
    c->out_len = b.len;
    c->out_off = 0;
    c->out = strbuf_steal(&b);
    ctl_conn_flush(c); /* most answers fit the socket's buffer at once */
}

void ctl_conn_free(struct ctl_conn *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c->out);
    free(c);
}

/* ---- client side ---- */

static int wait_fd(int fd, short ev, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = ev};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r == 0 ? -ETIMEDOUT : 0;
}

int ctl_call(const char *path, const struct ctl_request *req, int timeout_ms, bool *ok,
             char **text, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    char line[CTL_MAX_LINE + 2];
    struct strbuf in = {0};
    int rc = fill_addr(&sa, path, err, errlen);
    if (rc < 0)
        return rc;
    if (ctl_format(req, line, sizeof line - 1) < 0) {
        snprintf(err, errlen, _("request too long"));
        return -EINVAL;
    }
    strcat(line, "\n");
    /* A blocking connect bounded by SO_SNDTIMEO (Linux applies it to a
     * Unix socket's connect): a wedged daemon whose listen queue is full
     * cannot hold us beyond the timeout, and while the queue is full (a
     * crowd of connections) the kernel wakes us the moment it has room,
     * ahead of clients that poll for it. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int c = -1;
    if (fd >= 0) {
        int t = timeout_ms > 0 ? timeout_ms : 1; /* 0 would mean no bound */
        struct timeval tv = {.tv_sec = t / 1000, .tv_usec = t % 1000 * 1000};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        do
            c = connect(fd, (struct sockaddr *)&sa, sizeof sa);
        while (c < 0 && errno == EINTR);
    }
    if (c < 0 && fd >= 0 && (errno == EAGAIN || errno == EINPROGRESS)) {
        rc = -ETIMEDOUT;
        snprintf(err, errlen, _("no answer from loaxad at %s: %s"), path, strerror(ETIMEDOUT));
        goto out;
    }
    if (c == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
        c = -1;
    if (c < 0) {
        rc = -errno;
        snprintf(err, errlen, _("cannot reach loaxad at %s: %s (is the daemon running?)"),
                 path, strerror(errno));
        goto out;
    }
    /* the request; a daemon that answered at once (ERR busy) and closed
     * makes send() fail: its answer is read all the same */
    for (size_t off = 0, len = strlen(line); off < len;) {
        ssize_t w = send(fd, line + off, len - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if ((rc = wait_fd(fd, POLLOUT, timeout_ms)) < 0) {
                snprintf(err, errlen, _("no answer from loaxad at %s: %s"), path,
                         strerror(-rc));
                goto out;
            }
        } else if (w < 0 && errno != EINTR) {
            break;
        }
    }
    /* one line: done at its newline, whatever follows (a reset from a
     * daemon that closed with our request unread is not an error then) */
    while (!in.s || !memchr(in.s, '\n', in.len)) {
        char buf[4096];
        if ((rc = wait_fd(fd, POLLIN, timeout_ms)) < 0) {
            snprintf(err, errlen, _("no answer from loaxad at %s: %s"), path, strerror(-rc));
            goto out;
        }
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r < 0) {
            rc = -errno;
            snprintf(err, errlen, _("no answer from loaxad at %s: %s"), path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        if (in.len + (size_t)r > CTL_MAX_REPLY) {
            rc = -EPROTO;
            snprintf(err, errlen, _("the answer from loaxad at %s is longer than %d bytes"),
                     path, CTL_MAX_REPLY);
            goto out;
        }
        strbuf_add(&in, buf, (size_t)r);
    }
    if (!in.s) { /* closed unanswered: a refused peer (not in the group), or a crash */
        rc = -ECONNRESET;
        snprintf(err, errlen, _("loaxad at %s closed the connection without an answer"), path);
        goto out;
    }
    if (strncmp(in.s, "OK", 2) != 0 && strncmp(in.s, "ERR", 3) != 0) {
        rc = -EPROTO;
        snprintf(err, errlen, _("unexpected answer from loaxad at %s"), path);
        goto out;
    }
    *ok = in.s[0] == 'O';
    const char *t = in.s + (*ok ? 2 : 3);
    if (*t == ' ')
        t++;
    *text = xstrndup(t, strcspn(t, "\n"));
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    strbuf_free(&in);
    return rc;
}
