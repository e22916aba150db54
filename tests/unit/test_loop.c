/* The loop's fd sources (src/daemon/loop.c): fixed sources and sets run
 * in the order added, only for the events asked; loop_set and loop_remove
 * take effect on the next poll; a set's fds come back with their revents. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "daemon/loop.h"
#include "unit.h"

static char order[32];
static int n_order;

static void note(char c)
{
    if (n_order < (int)sizeof order - 1)
        order[n_order++] = c;
    order[n_order] = '\0';
}

static void fn_a(void *ud, short revents)
{
    (void)ud;
    ck_assert(revents & POLLIN);
    note('a');
}

static void fn_b(void *ud, short revents)
{
    (void)ud;
    (void)revents;
    note('b');
}

static int set_fds[2];

static int fill(void *ud, struct pollfd *pfd, int max)
{
    (void)ud;
    ck_assert_int_ge(max, 2);
    pfd[0] = (struct pollfd){.fd = set_fds[0], .events = POLLIN};
    pfd[1] = (struct pollfd){.fd = set_fds[1], .events = POLLIN};
    return 2;
}

static void handle(void *ud, const struct pollfd *pfd, int n)
{
    (void)ud;
    ck_assert_int_eq(n, 2);
    note(pfd[0].revents & POLLIN ? 'S' : 's');
    note(pfd[1].revents & POLLIN ? 'T' : 't');
}

static int p1[2], p2[2], p3[2], p4[2];

static void setup(void)
{
    ck_assert_int_eq(pipe(p1), 0);
    ck_assert_int_eq(pipe(p2), 0);
    ck_assert_int_eq(pipe(p3), 0);
    ck_assert_int_eq(pipe(p4), 0);
    set_fds[0] = p3[0];
    set_fds[1] = p4[0];
    n_order = 0;
    order[0] = '\0';
}

static void teardown(void)
{
    int *ps[] = {p1, p2, p3, p4};
    for (int i = 0; i < 4; i++) {
        close(ps[i][0]);
        close(ps[i][1]);
    }
}

START_TEST(test_order_and_events)
{
    struct loop *l = loop_new();
    /* the set first, then b, then a: handled in that order */
    ck_assert_int_ge(loop_add_set(l, 2, fill, handle, NULL), 0);
    int b = loop_add(l, p2[0], POLLIN, fn_b, NULL);
    int a = loop_add(l, p1[0], POLLIN, fn_a, NULL);
    ck_assert_int_ge(a, 0);
    ck_assert_int_ge(b, 0);
    /* nothing ready: timeout, no handler */
    ck_assert_int_eq(loop_poll(l, 0), 0);
    ck_assert_str_eq(order, "");
    ck_assert_int_eq(write(p1[1], "x", 1), 1);
    ck_assert_int_eq(write(p4[1], "x", 1), 1);
    ck_assert_int_eq(loop_poll(l, 1000), 2);
    ck_assert_str_eq(order, "sTa"); /* b not ready: not run */
    ck_assert_int_eq(write(p2[1], "x", 1), 1);
    n_order = 0;
    ck_assert_int_eq(loop_poll(l, 1000), 3);
    ck_assert_str_eq(order, "sTba");
    /* b asks for POLLOUT on a read end: never reported, not run */
    loop_set(l, b, p2[0], POLLOUT);
    n_order = 0;
    ck_assert_int_eq(loop_poll(l, 1000), 2);
    ck_assert_str_eq(order, "sTa");
    /* fd -1: not polled */
    loop_set(l, a, -1, POLLIN);
    n_order = 0;
    ck_assert_int_eq(loop_poll(l, 1000), 1);
    ck_assert_str_eq(order, "sT");
    loop_remove(l, b);
    loop_set(l, a, p1[0], POLLIN);
    ck_assert_int_eq(write(p2[1], "x", 1), 1);
    n_order = 0;
    ck_assert_int_eq(loop_poll(l, 1000), 2);
    ck_assert_str_eq(order, "sTa");
    loop_free(l);
}
END_TEST

START_TEST(test_limits)
{
    struct loop *l = loop_new();
    ck_assert_int_eq(loop_add(l, 0, POLLIN, NULL, NULL), -EINVAL);
    ck_assert_int_eq(loop_add_set(l, 0, fill, handle, NULL), -EINVAL);
    int last = -1;
    for (int i = 0; i < LOOP_MAX_SOURCES; i++) {
        int id = loop_add(l, -1, POLLIN, fn_a, NULL);
        ck_assert_int_ge(id, 0);
        last = id;
    }
    ck_assert_int_eq(loop_add(l, -1, POLLIN, fn_a, NULL), -ENOSPC);
    loop_remove(l, last);
    ck_assert_int_eq(loop_add(l, -1, POLLIN, fn_a, NULL), last); /* its id given again */
    ck_assert_int_eq(loop_poll(l, 0), 0); /* all fd -1 */
    loop_free(l);
    loop_free(NULL);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *s = suite_create("loop");
    TCase *tc = tcase_create("loop");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_order_and_events);
    tcase_add_test(tc, test_limits);
    suite_add_tcase(s, tc);
    return s;
}
