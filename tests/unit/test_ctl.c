/* The control protocol: request lines both ways, refusal of bad ones, and
 * a real socket: listen, a client call, the operator from SO_PEERCRED,
 * a stale socket replaced and a live one left alone. */
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

START_TEST(test_socket_roundtrip)
{
    char dir[] = "/tmp/loaxa-ctl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
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
    rmdir(dir);
    free(path);
}
END_TEST

/* A wedged daemon: its socket accepts nothing and its queue is full. The
 * client gives up after its timeout instead of blocking in connect(). */
START_TEST(test_call_wedged)
{
    char dir[] = "/tmp/loaxa-ctl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
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
    rmdir(dir);
    free(path);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("ctl");
    TCase *tc = tcase_create("protocol");
    tcase_add_test(tc, test_parse_format);
    tcase_add_test(tc, test_socket_roundtrip);
    tcase_add_test(tc, test_call_wedged);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
