/* Fuzz target: the daemon's STATUS and ERRORS answers as the client
 * decodes them (ctl/status.h). Whatever decodes must encode, and the
 * encoding must decode to the same document (encode is a fixed point). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "ctl/status.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the client reads at most CTL_MAX_REPLY bytes */
    if (size >= CTL_MAX_REPLY)
        return 0;
    char *text = fuzz_cstring(data, size);
    char err[256];
    struct ctl_status st, st2;
    if (ctl_status_decode(text, &st, err, sizeof err) == 0) {
        char *a = ctl_status_encode(&st);
        if (ctl_status_decode(a, &st2, err, sizeof err) < 0)
            abort();
        char *b = ctl_status_encode(&st2);
        if (strcmp(a, b) != 0)
            abort();
        free(a);
        free(b);
        ctl_status_free(&st2);
        ctl_status_free(&st);
    }
    struct ctl_errors_page pg, pg2;
    if (ctl_errors_decode(text, &pg, err, sizeof err) == 0) {
        char *a = ctl_errors_encode(&pg);
        if (ctl_errors_decode(a, &pg2, err, sizeof err) < 0)
            abort();
        char *b = ctl_errors_encode(&pg2);
        if (strcmp(a, b) != 0)
            abort();
        free(a);
        free(b);
        ctl_errors_free(&pg2);
        ctl_errors_free(&pg);
    }
    free(text);
    return 0;
}
