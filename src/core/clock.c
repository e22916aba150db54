/* Wall and monotonic time behind one small interface, so that nothing else
 * calls clock_gettime() and tests can drive time by hand. */
#include "core/clock.h"

#include <stdlib.h>
#include <sys/timex.h>
#include <time.h>

#include "core/util.h"

struct lclock {
    bool fake;
    int64_t wall_ms, mono_ms; /* fake clock only */
};

static struct lclock system_clock = {.fake = false};

struct lclock *lclock_system(void)
{
    return &system_clock;
}

struct lclock *lclock_fake_new(int64_t wall_ms)
{
    struct lclock *c = xcalloc(1, sizeof *c);
    c->fake = true;
    c->wall_ms = wall_ms;
    return c;
}

void lclock_free(struct lclock *c)
{
    if (c && c->fake)
        free(c);
}

void lclock_fake_advance(struct lclock *c, int64_t ms)
{
    if (c->fake) {
        c->wall_ms += ms;
        c->mono_ms += ms;
    }
}

void lclock_fake_jump(struct lclock *c, int64_t delta_ms)
{
    if (c->fake)
        c->wall_ms += delta_ms;
}

static int64_t read_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t lclock_now_ms(const struct lclock *c)
{
    return c->fake ? c->wall_ms : read_clock(CLOCK_REALTIME);
}

int64_t lclock_mono_ms(const struct lclock *c)
{
    return c->fake ? c->mono_ms : read_clock(CLOCK_MONOTONIC);
}

void lclock_mark(const struct lclock *c, struct lclock_mark *m)
{
    m->wall_ms = lclock_now_ms(c);
    m->mono_ms = lclock_mono_ms(c);
}

int64_t lclock_jump_check(const struct lclock *c, struct lclock_mark *m, int64_t tolerance_ms)
{
    struct lclock_mark now;
    lclock_mark(c, &now);
    /* NTP slews by at most 500 ppm, so a difference beyond the tolerance
     * is a step of the wall clock, not drift. */
    int64_t delta = (now.wall_ms - m->wall_ms) - (now.mono_ms - m->mono_ms);
    *m = now;
    if (delta > -tolerance_ms && delta < tolerance_ms)
        return 0;
    return delta;
}

bool lclock_synchronised(long *est_error_us)
{
    struct timex tx = {0};
    int state = ntp_adjtime(&tx);
    if (est_error_us)
        *est_error_us = state < 0 ? -1 : tx.esterror;
    return state >= 0 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}
