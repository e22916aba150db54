/* `loaxa air FILE|UID [--priority emergency|priority|normal]`: an ad-hoc
 * airing (phát đột xuất) now. A file must lie under the audio root; the
 * daemon checks it again and records who asked. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctlcmd.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"

static void usage(FILE *f)
{
    fprintf(f, _("Usage: loaxa air FILE|UID [--priority emergency|priority|normal]\n"
                 "Airs a recording under the audio root, or a plan item by its UID, now.\n"
                 "An emergency cuts into whatever is on air; others follow it.\n"));
}

int cmd_air(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option longopts[] = {
        {"priority", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ctl_request req = {.verb = CTL_AIR, .level = PLAN_LEVEL_NORMAL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (ctl_level_parse(optarg, &req.level) < 0) {
                fprintf(stderr, _("loaxa air: unknown priority \"%s\" "
                                  "(emergency, priority or normal)\n"), optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *target = argv[optind];
    /* A file named from here is checked here too, so the officer hears at
     * once when it lies outside the audio root. */
    char *abs = NULL, err[512];
    if (access(target, F_OK) == 0) {
        char real[PATH_MAX];
        snprintf(err, sizeof err, "%s: %s", target, _("cannot resolve the path"));
        if (!realpath(target, real) ||
            paths_resolve_audio(cfg->audio_root, real, &abs, err, sizeof err) < 0) {
            fprintf(stderr, "loaxa air: %s\n", err);
            return 1;
        }
        target = abs;
    }
    if (strlen(target) >= sizeof req.target || strchr(target, '\n')) {
        fprintf(stderr, _("loaxa air: name too long\n"));
        free(abs);
        return 2;
    }
    util_strlcpy(req.target, target, sizeof req.target);
    free(abs);
    char *ans;
    int rc = ctlcmd_call("air", cfg, &req, &ans);
    if (rc != 0)
        return rc;
    printf(_("queued %s (%s)\n"), ans, i18n_keyword(ctl_level_name(req.level)));
    free(ans);
    return 0;
}
