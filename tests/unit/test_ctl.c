/* The control protocol: request lines both ways, refusal of bad ones, and
 * a real socket: listen, a client call, the operator from SO_PEERCRED,
 * a stale socket replaced and a live one left alone; replies that never
 * wait on a client that does not read, and their bound. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "ctl/ctl.h"
#include "unit.h"

START_TEST(test_parse_format)
{
    struct ctl_request r, back;
    char err[256], line[CTL_MAX_LINE];
    ck_assert_int_eq(ctl_parse("STATUS", &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_STATUS);
    ck_assert_int_eq(ctl_parse("STOP\r\n", &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_STOP);
    ck_assert_int_eq(ctl_parse("RELOAD", &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_RELOAD);
    ck_assert_int_eq(ctl_parse("AIR emergency tin khẩn/bão số 3.wav", &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_AIR);
    ck_assert_int_eq(r.level, PLAN_LEVEL_EMERGENCY);
    ck_assert_str_eq(r.target, "tin khẩn/bão số 3.wav");
    ck_assert_int_eq(ctl_format(&r, line, sizeof line), 0);
    ck_assert_str_eq(line, "AIR emergency tin khẩn/bão số 3.wav");
    ck_assert_int_eq(ctl_parse(line, &back, err, sizeof err), 0);
    ck_assert_str_eq(back.target, r.target);

    const char *bad[] = {"", "status", "STATUS now", "AIR", "AIR normal", "AIR normal ",
                         "AIR urgent x.wav", "FORMAT C:", "STOPSTOPSTOPSTOPSTOP"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        err[0] = '\0';
        ck_assert_msg(ctl_parse(bad[i], &r, err, sizeof err) == -EINVAL, "%s", bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "bad request"));
    }
    struct ctl_request nl = {.verb = CTL_AIR};
    strcpy(nl.target, "a\nSTOP");
    ck_assert_int_eq(ctl_format(&nl, line, sizeof line), -EINVAL);
}
END_TEST

START_TEST(test_parse_errors)
{
    struct ctl_request r, back;
    char err[256], line[CTL_MAX_LINE];
    ck_assert_int_eq(ctl_parse("ERRORS", &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_ERRORS);
    ck_assert_uint_eq(r.offset, 0);
    ck_assert_int_eq(ctl_parse("ERRORS 120\r\n", &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.offset, 120);
    ck_assert_int_eq(ctl_format(&r, line, sizeof line), 0);
    ck_assert_str_eq(line, "ERRORS 120");
    ck_assert_int_eq(ctl_parse(line, &back, err, sizeof err), 0);
    ck_assert_uint_eq(back.offset, 120);
    ck_assert_int_eq(ctl_parse("ERRORS 999999999", &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.offset, CTL_MAX_OFFSET);
    const char *bad[] = {"ERRORS ", "ERRORS x", "ERRORS -1", "ERRORS +1", "ERRORS 1 2",
                         "ERRORS 1234567890", "ERRORS 0x10", "errors", "ERRORS  1"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        ck_assert_msg(ctl_parse(bad[i], &r, err, sizeof err) == -EINVAL, "%s", bad[i]);
    struct ctl_request far = {.verb = CTL_ERRORS, .offset = CTL_MAX_OFFSET + 1u};
    ck_assert_int_eq(ctl_format(&far, line, sizeof line), -EINVAL);
}
END_TEST

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

START_TEST(test_parse_approvals)
{
    struct ctl_request r, back;
    char err[256], line[CTL_MAX_LINE];
    ck_assert_int_eq(ctl_parse("PENDING", &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_PENDING);
    ck_assert_int_eq(ctl_parse("APPROVE u1@xa " H64, &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_APPROVE);
    ck_assert_str_eq(r.target, "u1@xa");
    ck_assert_str_eq(r.hash, H64);
    ck_assert_str_eq(r.comment, "");
    ck_assert_str_eq(r.as, "");
    ck_assert_int_eq(ctl_parse("AS web:chu.tich-2 REJECT u%201%25 " H64 " sai giờ, sửa lại",
                               &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_REJECT);
    ck_assert_str_eq(r.as, "chu.tich-2");
    ck_assert_str_eq(r.target, "u 1%");
    ck_assert_str_eq(r.comment, "sai giờ, sửa lại");
    ck_assert_int_eq(ctl_format(&r, line, sizeof line), 0);
    ck_assert_str_eq(line, "AS web:chu.tich-2 REJECT u%201%25 " H64 " sai giờ, sửa lại");
    ck_assert_int_eq(ctl_parse(line, &back, err, sizeof err), 0);
    ck_assert_str_eq(back.target, "u 1%");
    ck_assert_str_eq(back.as, "chu.tich-2");
    /* AS before other verbs too: the console's emergency airs for its account */
    ck_assert_int_eq(ctl_parse("AS web:an STOP", &r, err, sizeof err), 0);
    ck_assert_int_eq(r.verb, CTL_STOP);
    ck_assert_str_eq(r.as, "an");

    const char *bad[] = {
        "PENDING x", "APPROVE", "APPROVE u1", "APPROVE u1 " H64 "0", "APPROVE u1 abc",
        "APPROVE u1 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "APPROVE " H64, "APPROVE  u1 " H64, "APPROVE u%2 " H64, "APPROVE u%0a " H64,
        "APPROVE u1 " H64 " a\tb", "AS web: APPROVE u1 " H64, "AS web:a/b PENDING",
        "AS root PENDING", "AS web:x", "AS web:x ", "AS web:a AS web:b PENDING",
        "AS web:01234567890123456789012345678901234567890123456789012345678901234 PENDING",
        "approve u1 " H64,
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        err[0] = '\0';
        ck_assert_msg(ctl_parse(bad[i], &r, err, sizeof err) == -EINVAL, "%s", bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "bad request"));
        ck_assert_str_eq(r.as, "");
    }
    /* a comment longer than CTL_MAX_COMMENT is refused both ways */
    struct ctl_request big = {.verb = CTL_APPROVE};
    strcpy(big.target, "u1");
    strcpy(big.hash, H64);
    memset(big.comment, 'x', CTL_MAX_COMMENT);
    big.comment[CTL_MAX_COMMENT] = '\0';
    ck_assert_int_eq(ctl_format(&big, line, sizeof line), 0);
    ck_assert_int_eq(ctl_parse(line, &r, err, sizeof err), 0);
    char over[CTL_MAX_LINE + 8];
    snprintf(over, sizeof over, "%sx", line);
    ck_assert_int_eq(ctl_parse(over, &r, err, sizeof err), -EINVAL);
    struct ctl_request nl = big;
    strcpy(nl.comment, "a\nSTOP");
    ck_assert_int_eq(ctl_format(&nl, line, sizeof line), -EINVAL);
    struct ctl_request badas = {.verb = CTL_PENDING};
    strcpy(badas.as, "a b");
    ck_assert_int_eq(ctl_format(&badas, line, sizeof line), -EINVAL);
}
END_TEST

/* A listening socket, a client connected to it, and the daemon's side. */
struct pair {
    char dir[32];
    char *path;
    int lfd, cfd;
    struct ctl_conn *c;
};

static void pair_open(struct pair *p)
{
    char err[512];
    bool refused;
    unit_tmpdir(p->dir, sizeof p->dir, "ctl");
    p->path = xasprintf("%s/ctl.sock", p->dir);
    p->lfd = ctl_listen(p->path, NULL, err, sizeof err);
    ck_assert_msg(p->lfd >= 0, "%s", err);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", p->path);
    p->cfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(p->cfd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct pollfd q = {.fd = p->lfd, .events = POLLIN};
    poll(&q, 1, 10000);
    p->c = ctl_accept(p->lfd, NULL, &refused, err, sizeof err);
    ck_assert_ptr_nonnull(p->c);
}

static void pair_close(struct pair *p)
{
    ctl_conn_free(p->c);
    if (p->cfd >= 0)
        close(p->cfd);
    close(p->lfd);
    unlink(p->path);
    unit_rmtree(p->dir);
    free(p->path);
}

/* Everything the client gets until EOF, flushing the daemon's side
 * whenever the client has drained what was there. */
static char *drain(struct pair *p, size_t *len)
{
    struct strbuf in = {0};
    char buf[8192];
    int done = 0;
    for (;;) {
        ssize_t r = recv(p->cfd, buf, sizeof buf, MSG_DONTWAIT);
        if (r > 0) {
            strbuf_add(&in, buf, (size_t)r);
            continue;
        }
        if (r == 0)
            break;
        ck_assert_int_eq(errno, EAGAIN);
        if (!done)
            done = ctl_conn_flush(p->c);
        ck_assert_int_ge(done, 0);
        struct pollfd q = {.fd = p->cfd, .events = POLLIN};
        poll(&q, 1, 10000);
    }
    *len = in.len;
    return in.s ? strbuf_steal(&in) : xstrdup("");
}

START_TEST(test_reply_does_not_wait)
{
    struct pair p;
    pair_open(&p);
    /* a small send buffer: the answer cannot go out at once */
    int sz = 4096;
    setsockopt(ctl_conn_fd(p.c), SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    size_t n = 200000;
    char *text = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 26);
    text[n] = '\0';
    text[1000] = '\n'; /* folded into a space */
    /* the client reads nothing yet: the reply is queued, not waited on */
    ctl_conn_reply(p.c, true, text);
    ck_assert(ctl_conn_pending(p.c));
    ck_assert_int_eq(ctl_conn_flush(p.c), 0);
    ctl_conn_reply(p.c, false, "a second reply is ignored");
    size_t len;
    char *got = drain(&p, &len);
    ck_assert(!ctl_conn_pending(p.c));
    ck_assert_uint_eq(len, n + 4);
    text[1000] = ' ';
    ck_assert(memcmp(got, "OK ", 3) == 0 && memcmp(got + 3, text, n) == 0 && got[n + 3] == '\n');
    free(got);
    free(text);
    pair_close(&p);
}
END_TEST

START_TEST(test_reply_bounded)
{
    struct pair p;
    pair_open(&p);
    char *text = xmalloc(CTL_MAX_REPLY + 1);
    memset(text, 'x', CTL_MAX_REPLY);
    text[CTL_MAX_REPLY] = '\0';
    ctl_conn_reply(p.c, true, text);
    size_t len;
    char *got = drain(&p, &len);
    char want[128];
    snprintf(want, sizeof want, "ERR the answer is longer than %d bytes\n", CTL_MAX_REPLY);
    ck_assert_str_eq(got, want);
    free(got);
    free(text);
    pair_close(&p);
}
END_TEST

START_TEST(test_reply_peer_gone)
{
    struct pair p;
    pair_open(&p);
    int sz = 4096;
    setsockopt(ctl_conn_fd(p.c), SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    char *text = xmalloc(100001);
    memset(text, 'y', 100000);
    text[100000] = '\0';
    ctl_conn_reply(p.c, true, text);
    ck_assert(ctl_conn_pending(p.c));
    close(p.cfd);
    p.cfd = -1;
    ck_assert_int_lt(ctl_conn_flush(p.c), 0);
    free(text);
    pair_close(&p);
}
END_TEST

struct server {
    int lfd;
    char got[CTL_MAX_LINE];
    char op[160];
};

/* Answers one request the way the daemon does (non-blocking reads). */
static void *serve_one(void *ud)
{
    struct server *sv = ud;
    char err[256];
    bool refused;
    const char *line = NULL;
    struct ctl_conn *c;
    int r;
    do { /* the refused second daemon's probe connection comes first: it says nothing */
        struct pollfd p = {.fd = sv->lfd, .events = POLLIN};
        poll(&p, 1, 10000);
        c = ctl_accept(sv->lfd, "nosuchgroup-loaxa", &refused, err, sizeof err);
        ck_assert_ptr_nonnull(c);
        while ((r = ctl_conn_read(c, &line)) == 0) {
            struct pollfd q = {.fd = ctl_conn_fd(c), .events = POLLIN};
            poll(&q, 1, 10000);
        }
        if (r < 0)
            ctl_conn_free(c);
    } while (r < 0);
    util_strlcpy(sv->got, line, sizeof sv->got);
    util_strlcpy(sv->op, ctl_conn_operator(c), sizeof sv->op);
    ctl_conn_reply(c, false, "not now:\nbusy");
    ctl_conn_free(c);
    return NULL;
}

/* Answers without reading the request, then closes: the client then
 * sees a reset after the answer line (the unread request). Written
 * without a shutdown first, so the client cannot see an end of file
 * before the reset. */
static void *serve_unread(void *ud)
{
    struct server *sv = ud;
    char err[256];
    bool refused;
    struct pollfd p = {.fd = sv->lfd, .events = POLLIN};
    poll(&p, 1, 10000);
    struct ctl_conn *c = ctl_accept(sv->lfd, NULL, &refused, err, sizeof err);
    ck_assert_ptr_nonnull(c);
    struct pollfd q = {.fd = ctl_conn_fd(c), .events = POLLIN};
    poll(&q, 1, 10000); /* the request is there, and stays unread */
    ck_assert_int_eq(send(ctl_conn_fd(c), "ERR busy\n", 9, MSG_NOSIGNAL), 9);
    ctl_conn_free(c);
    return NULL;
}

START_TEST(test_call_reset_after_answer)
{
    char dir[32];
    unit_tmpdir(dir, sizeof dir, "ctl");
    char *path = xasprintf("%s/ctl.sock", dir);
    char err[512];
    struct server sv = {0};
    sv.lfd = ctl_listen(path, NULL, err, sizeof err);
    ck_assert_msg(sv.lfd >= 0, "%s", err);
    pthread_t th;
    pthread_create(&th, NULL, serve_unread, &sv);
    struct ctl_request r = {.verb = CTL_STATUS};
    bool ok = true;
    char *text = NULL;
    int rc = ctl_call(path, &r, 10000, &ok, &text, err, sizeof err);
    pthread_join(th, NULL);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert(!ok);
    ck_assert_str_eq(text, "busy");
    free(text);
    close(sv.lfd);
    unlink(path);
    unit_rmtree(dir);
    free(path);
}
END_TEST

START_TEST(test_socket_roundtrip)
{
    char dir[32];
    unit_tmpdir(dir, sizeof dir, "ctl");
    char *path = xasprintf("%s/ctl.sock", dir);
    char err[512];
    struct server sv = {0};
    sv.lfd = ctl_listen(path, "nosuchgroup-loaxa", err, sizeof err);
    ck_assert_msg(sv.lfd >= 0, "%s", err);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0660);
    /* a second daemon on the same socket is refused */
    ck_assert_int_eq(ctl_listen(path, NULL, err, sizeof err), -EADDRINUSE);

    pthread_t th;
    pthread_create(&th, NULL, serve_one, &sv);
    struct ctl_request r = {.verb = CTL_AIR, .level = PLAN_LEVEL_PRIORITY};
    strcpy(r.target, "uid-42@xa");
    bool ok = true;
    char *text = NULL;
    ck_assert_int_eq(ctl_call(path, &r, 10000, &ok, &text, err, sizeof err), 0);
    pthread_join(th, NULL);
    ck_assert(!ok);
    ck_assert_str_eq(text, "not now: busy");
    ck_assert_str_eq(sv.got, "AIR priority uid-42@xa");
    char want[64];
    snprintf(want, sizeof want, "uid:%u(", (unsigned)getuid());
    ck_assert_msg(strncmp(sv.op, want, strlen(want)) == 0, "%s", sv.op);
    free(text);
    close(sv.lfd);

    /* the socket file is left behind (a crash): the next daemon replaces it */
    int fd = ctl_listen(path, NULL, err, sizeof err);
    ck_assert_msg(fd >= 0, "%s", err);
    close(fd);
    unlink(path);
    /* no daemon at all: the client says so */
    ck_assert_int_eq(ctl_call(path, &r, 1000, &ok, &text, err, sizeof err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "is the daemon running"));
    unit_rmtree(dir);
    free(path);
}
END_TEST

/* A wedged daemon: its socket accepts nothing and its queue is full. The
 * client gives up after its timeout instead of blocking in connect(). */
START_TEST(test_call_wedged)
{
    char dir[32];
    unit_tmpdir(dir, sizeof dir, "ctl");
    char *path = xasprintf("%s/ctl.sock", dir);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(lfd, 0), 0);
    int fill[8], n = 0;
    for (; n < 8; n++) {
        fill[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(fill[n], (struct sockaddr *)&sa, sizeof sa) < 0) {
            ck_assert_int_eq(errno, EAGAIN);
            break;
        }
    }
    ck_assert_int_lt(n, 8); /* the queue is full */
    struct ctl_request r = {.verb = CTL_STATUS};
    bool ok;
    char *text = NULL, err[512];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(ctl_call(path, &r, 300, &ok, &text, err, sizeof err), -ETIMEDOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_ptr_nonnull(strstr(err, "no answer from loaxad"));
    /* a deadline, not a timing assertion: it returned at all */
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 60);
    for (int i = 0; i <= n; i++)
        close(fill[i]);
    close(lfd);
    unlink(path);
    unit_rmtree(dir);
    free(path);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    opts->nofork = true;
    Suite *su = suite_create("ctl");
    TCase *tc = tcase_create("protocol");
    tcase_add_test(tc, test_parse_format);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_parse_approvals);
    tcase_add_test(tc, test_reply_does_not_wait);
    tcase_add_test(tc, test_reply_bounded);
    tcase_add_test(tc, test_reply_peer_gone);
    tcase_add_test(tc, test_call_reset_after_answer);
    tcase_add_test(tc, test_socket_roundtrip);
    tcase_add_test(tc, test_call_wedged);
    suite_add_tcase(su, tc);
    return su;
}
