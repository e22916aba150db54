/* loaxad: airs the broadcast plan on time, unattended, and writes the
 * as-run log. `loaxad [--config FILE] [--foreground] [setting flags]`. */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "core/args.h"
#include "core/i18n.h"
#include "core/util.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"

static void usage(FILE *f)
{
    fprintf(f, _("Usage: loaxad [--config FILE] [--foreground] [OPTION...]\n"
                 "Airs the broadcast plan on time and writes the as-run log.\n"
                 "  -f, --foreground   log to stderr instead of the system log\n"
                 "      --version      print the version\n\n"));
    args_print_common_help(f);
}

int main(int argc, char **argv)
{
    /* A fixed threshold: glibc would raise it to each freed player buffer's
     * size and keep later ones in the arenas (RSS swung 13 MB; tools/soak/memory.py) */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    i18n_init();
    struct loaxa_config cfg;
    char err[2048];
    config_init(&cfg);
    if (args_common(&argc, argv, &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "loaxad: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    static const struct option longopts[] = {
        {"foreground", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    bool foreground = false;
    int c, ret = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': foreground = true; break;
        case 'h': usage(stdout); config_free(&cfg); return 0;
        case 'V': printf("loaxad %s\n", LOAXA_VERSION); config_free(&cfg); return 0;
        default: usage(stderr); config_free(&cfg); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        config_free(&cfg);
        return 2;
    }
    if (util_set_timezone(cfg.timezone) < 0) {
        fprintf(stderr, _("loaxad: unknown time zone \"%s\" (setting station.timezone)\n"),
                cfg.timezone);
        config_free(&cfg);
        return 2;
    }
    dlog_init(foreground);
    struct daemon d;
    struct lclock *clk = lclock_system();
    err[0] = '\0';
    if (daemon_init(&d, &cfg, clk, err, sizeof err) < 0) {
        if (err[0])
            dlog(LOG_ERR, "%s", err);
        goto out;
    }
    dlog(LOG_NOTICE, _("loaxad %s started: plan %s, log %s, socket %s, output %s"),
         LOAXA_VERSION, cfg.plan_path, cfg.db_path, cfg.socket_path, cfg.device);
    ret = daemon_run(&d);
out:
    daemon_fini(&d);
    lclock_free(clk);
    config_free(&cfg);
    return ret;
}
