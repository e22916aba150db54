/* Talking to loaxad for status, air, stop and reload: one request, one
 * answer, the daemon's refusal printed as it gave it. */
#include "cli/ctlcmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/i18n.h"

int ctlcmd_call(const char *name, const struct loaxa_config *cfg, const struct ctl_request *req,
                char **answer)
{
    char err[1024];
    bool ok = false;
    char *text = NULL;
    *answer = NULL;
    if (ctl_call(cfg->socket_path, req, 15000, &ok, &text, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa %s: %s\n", name, err);
        return 1;
    }
    if (!ok) {
        fprintf(stderr, "loaxa %s: %s\n", name, text);
        free(text);
        return 1;
    }
    *answer = text;
    return 0;
}

int ctlcmd_no_options(int argc, char **argv, const char *usage)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        fputs(usage, stderr);
        return 2;
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    return -1;
}
