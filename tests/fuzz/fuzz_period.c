/* Fuzz target: report period specs (`loaxa report --period SPEC`) under
 * both cut-off conventions. Every accepted spec must describe a non-empty
 * span whose canonical name parses back to the same span. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/period.h"
#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    setenv("TZ", "Asia/Ho_Chi_Minh", 1); /* the station zone */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0; /* specs are short; longer inputs only slow the search */
    char *spec = fuzz_cstring(data, size);
    const enum config_cutoff cutoffs[] = {CONFIG_CUTOFF_CALENDAR, CONFIG_CUTOFF_ND09};
    for (size_t i = 0; i < sizeof cutoffs / sizeof cutoffs[0]; i++) {
        struct report_period p, q;
        char err[512];
        if (period_parse(spec, cutoffs[i], &p, err, sizeof err) < 0)
            continue;
        if (p.to_ms <= p.from_ms)
            abort(); /* an empty or reversed span */
        if (period_parse(p.spec, cutoffs[i], &q, err, sizeof err) < 0)
            abort(); /* the canonical name must parse */
        if (q.kind != p.kind || q.from_ms != p.from_ms || q.to_ms != p.to_ms ||
            strcmp(q.spec, p.spec) != 0)
            abort();
    }
    free(spec);
    return 0;
}
