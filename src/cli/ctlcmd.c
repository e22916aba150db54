/* Talking to loaxad for status, air, stop and reload: one request, one
 * answer, the daemon's refusal printed as it gave it. */
#include "cli/ctlcmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/i18n.h"

void ctlcmd_print_error(const char *name, const struct loaxa_config *cfg, int rc,
                        const char *err)
{
    const char *group = cfg->socket_group && *cfg->socket_group ? cfg->socket_group : "loaxa";
    if (rc == -EACCES || rc == -EPERM) {
        /* the socket's mode (0660, group socket_group) or its folder keeps us out */
        fprintf(stderr, _("loaxa %s: you are not allowed to use the daemon's control socket "
                          "%s: join the group %s (adduser $USER %s, then log in again)\n"),
                name, cfg->socket_path, group, group);
    } else if (rc == -ECONNRESET) {
        /* the daemon checks the peer's groups too and closes on a stranger */
        fprintf(stderr, _("loaxa %s: %s; if your user is not in the group %s, join it "
                          "(adduser $USER %s, then log in again)\n"),
                name, err, group, group);
    } else {
        fprintf(stderr, "loaxa %s: %s\n", name, err);
    }
}

int ctlcmd_call(const char *name, const struct loaxa_config *cfg, const struct ctl_request *req,
                char **answer)
{
    char err[1024];
    bool ok = false;
    char *text = NULL;
    *answer = NULL;
    int rc = ctl_call(cfg->socket_path, req, 15000, &ok, &text, err, sizeof err);
    if (rc < 0) {
        ctlcmd_print_error(name, cfg, rc, err);
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
