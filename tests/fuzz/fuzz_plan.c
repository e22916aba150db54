/* Fuzz target: one .ics file through the plan loader, the checks of
 * `loaxa check`, and expansion over 2026 day by day, the way the daemon
 * asks for the next hours (which also exercises the per-rule caches). */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "plan/check.h"
#include "plan/plan.h"
#include "fuzz_util.h"

#define DAY_MS 86400000LL
#define Y2026_MS 1767225600000LL /* 2026-01-01T00:00:00Z */
/* plan_expand costs what the window holds (a FREQ=MINUTELY rule: 1440 a day);
 * stopping once this many occurrences came out keeps every input fast. */
#define MAX_OCCURRENCES 20000

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    setenv("TZ", "Asia/Ho_Chi_Minh", 1); /* the station zone */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    char path[64];
    int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    const char *paths[] = {path};
    struct plan_options po = {.default_tz = "Asia/Ho_Chi_Minh", .audio_root = FUZZ_AUDIO_ROOT};
    char *err = NULL;
    struct plan *plan = plan_load(paths, 1, &po, &err);
    free(err);
    close(fd);
    if (!plan)
        return 0;
    for (size_t i = 0; i < plan_diag_count(plan); i++)
        if (!plan_diag(plan, i)->message)
            abort();
    struct plan_check_options co = {
        .audio_root = FUZZ_AUDIO_ROOT,
        .hours_start_min = 5 * 60,
        .hours_end_min = 22 * 60,
        .max_session_min = 90,
        .from_ms = Y2026_MS,
        .to_ms = Y2026_MS + 31 * DAY_MS,
        .gap_max_s = 300,
    };
    plan_check(plan, &co);
    size_t total = 0;
    for (int day = 0; day < 365 && total < MAX_OCCURRENCES; day++) {
        struct plan_occurrence *occ = NULL;
        size_t n = 0;
        int64_t from = Y2026_MS + day * DAY_MS;
        if (plan_expand(plan, from, from + DAY_MS, &occ, &n) == 0) {
            for (size_t i = 0; i < n; i++) {
                /* the promises of plan.h */
                if (occ[i].start_ms < from || occ[i].start_ms >= from + DAY_MS ||
                    occ[i].end_ms < occ[i].start_ms || !occ[i].item || !occ[i].key[0])
                    abort();
                if (i > 0 && occ[i].start_ms < occ[i - 1].start_ms)
                    abort();
            }
            total += n;
        }
        free(occ);
    }
    plan_free(plan);
    return 0;
}
