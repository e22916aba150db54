/* Fuzz target: the control protocol's request line. Whatever ctl_parse
 * accepts, ctl_format must write back as a line that parses to the same
 * request. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the daemon reads at most CTL_MAX_LINE bytes including the newline */
    if (size >= CTL_MAX_LINE)
        return 0;
    char *line = fuzz_cstring(data, size);
    /* static: struct ctl_request holds a 4 KiB target */
    static struct ctl_request a, b;
    static char buf[CTL_MAX_LINE];
    char err[512];
    if (ctl_parse(line, &a, err, sizeof err) == 0) {
        if (ctl_format(&a, buf, sizeof buf) < 0)
            abort(); /* accepted, yet cannot be sent */
        if (ctl_parse(buf, &b, err, sizeof err) < 0)
            abort();
        if (a.verb != b.verb || a.level != b.level || a.offset != b.offset ||
            strcmp(a.target, b.target) != 0 || strcmp(a.hash, b.hash) != 0 ||
            strcmp(a.comment, b.comment) != 0 || strcmp(a.as, b.as) != 0)
            abort();
    }
    free(line);
    return 0;
}
