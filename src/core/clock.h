/* The only place that reads the wall clock and the monotonic clock. Every
 * other module is handed times, so a test or `loaxa simulate` can swap in
 * a fake clock; jump detection compares elapsed wall and monotonic time
 * (chrony's check_current_time() idea). Times: int64_t ms, UTC. */
#ifndef LOAXA_CLOCK_H
#define LOAXA_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct lclock;

/* The system clock (CLOCK_REALTIME / CLOCK_MONOTONIC). Shared, never freed. */
struct lclock *lclock_system(void);

/* A fake clock for tests: wall starts at wall_ms, monotonic at 0; it only
 * moves when told. */
struct lclock *lclock_fake_new(int64_t wall_ms);
void lclock_free(struct lclock *c);               /* no-op for the system clock */
void lclock_fake_advance(struct lclock *c, int64_t ms);     /* both clocks move */
void lclock_fake_jump(struct lclock *c, int64_t delta_ms);  /* only the wall clock */

int64_t lclock_now_ms(const struct lclock *c);    /* wall clock, UTC ms */
int64_t lclock_mono_ms(const struct lclock *c);   /* monotonic ms (arbitrary origin) */

/* Jump detection: remember a wall/monotonic pair, later compare. */
struct lclock_mark {
    int64_t wall_ms, mono_ms;
};
void lclock_mark(const struct lclock *c, struct lclock_mark *m);
/* Returns how far the wall clock moved beyond the monotonic clock since the
 * mark (positive: jumped forward), 0 when within tolerance_ms, and re-marks. */
int64_t lclock_jump_check(const struct lclock *c, struct lclock_mark *m, int64_t tolerance_ms);

/* Kernel time-synchronisation state (ntp_adjtime): true when the kernel
 * says the clock is synchronised; *est_error_us gets its estimated error
 * (-1 unknown). */
bool lclock_synchronised(long *est_error_us);

#endif
