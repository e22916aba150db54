/* `loaxa push`: sends the station's new log rows to the province's
 * PostgreSQL database. Its own process (a systemd timer runs it): it opens
 * the log read-only, never talks to loaxad, and keeps no state of its own:
 * where to go on from is the province's position for the station. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aslog/aslog.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "province/province.h"

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa push [--station CODE] [--province-url URI] [--push-batch N]\n"
            "                  [--quiet]\n"
            "Sends the as-run log's final rows the province does not have yet, in chain\n"
            "order, a batch a transaction; safe to run again or after an interruption.\n"
            "--station: the station's code (default: the station.code setting).\n"), f);
}

struct progress {
    bool quiet;
};

static int on_progress(int64_t pos, long sent, void *ud)
{
    struct progress *pr = ud;
    if (!pr->quiet)
        fprintf(stderr, _("loaxa push: %ld row(s) sent, at position %lld\n"), sent,
                (long long)pos);
    return 0;
}

/* The station's code: --station, else the setting station.code (the
 * national list's code, as `loaxa export` gives it). */
static const char *cli_station_code(const struct loaxa_config *cfg, const char *opt);

int cmd_push(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"station", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *code = NULL;
    struct progress pr = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:qh", opts, NULL)) != -1) {
        switch (c) {
        case 's': code = optarg; break;
        case 'q': pr.quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    code = cli_station_code(cfg, code);
    if (!code || !*code) {
        fprintf(stderr, "%s\n", _("loaxa push: the station has no code: set station.code "
                                  "(or give --station CODE)"));
        return 2;
    }
    if (!cfg->province_url || !*cfg->province_url) {
        fprintf(stderr, "%s\n", _("loaxa push: no province database: set province.url "
                                  "(a PostgreSQL URI)"));
        return 2;
    }
    char err[1024];
    struct aslog *log = NULL;
    struct province *p = NULL;
    int ret = 1;
    if (aslog_open_readonly(cfg->db_path, &log, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa push: %s\n", err);
        goto done;
    }
    if (province_connect(cfg->province_url, cfg->province_password_file, &p, err,
                         sizeof err) < 0) {
        fprintf(stderr, _("loaxa push: cannot reach the province database: %s\n"), err);
        goto done;
    }
    struct province_station st = {.code = code, .commune = cfg->commune ? cfg->commune : "",
                                  .province = cfg->province ? cfg->province : ""};
    struct province_push_opts po = {.batch_rows = cfg->province_batch_rows,
                                    .no_emergency_from_priority = !cfg->emergency_from_priority,
                                    .progress = on_progress, .ud = &pr};
    struct province_push_result res;
    int rc = province_push(p, log, &st, &po, &res, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, _("loaxa push: %s (%ld row(s) sent before; the next push goes on "
                          "from position %lld)\n"),
                err, res.sent, (long long)res.to_pos);
        goto done;
    }
    if (!pr.quiet)
        printf(_("loaxa push: station %s: %ld row(s) sent, %ld new, in %ld batch(es); "
                 "position %lld -> %lld\n"),
               code, res.sent, res.added, res.batches, (long long)res.from_pos,
               (long long)res.to_pos);
    ret = 0;
done:
    province_close(p);
    aslog_close(log);
    return ret;
}

static const char *cli_station_code(const struct loaxa_config *cfg, const char *opt)
{
    return opt && *opt ? opt : cfg->station_code;
}
