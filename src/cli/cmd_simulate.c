/* `loaxa simulate --from D --to D [--db FILE]`: the daemon's scheduling and
 * logging core over a period on a virtual clock, with no sound. It never
 * writes into the station's as-run log: the daemon would take simulated rows
 * for airings and skip them. By default the log is in memory and thrown away. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aslog/aslog.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "core/text.h"
#include "core/util.h"
#include "plan/plan.h"
#include "sim/simulate.h"

static void usage(FILE *f)
{
    fprintf(f, _("Usage: loaxa simulate --from DATE --to DATE [--db FILE]\n"
                 "Runs the daemon's scheduler over the period on a virtual clock, without\n"
                 "sound, and prints what the daemon would log. The simulated log is thrown\n"
                 "away unless --db names a new file for it; the station's own log is refused.\n"));
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return strcmp(a, b) == 0;
}

/* 0 when simulating into path is safe; else an error naming why. */
static int refuse_station_log(const struct loaxa_config *cfg, const char *path)
{
    if (cfg->station_db_path && same_file(path, cfg->station_db_path)) {
        fprintf(stderr, _("loaxa simulate: %s is the station's as-run log ([paths] db); a "
                          "simulation never writes into it: give --db a new file, or leave "
                          "--db out for a throw-away log\n"), path);
        return -EPERM;
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return 0; /* a new file */
    struct aslog *log = NULL;
    char err[512];
    if (aslog_open_readonly(path, &log, err, sizeof err) < 0) {
        if (st.st_size == 0)
            return 0;
        fprintf(stderr, "loaxa simulate: %s\n", err);
        return -EINVAL;
    }
    int real = aslog_has_real_rows(log);
    aslog_close(log);
    if (real != 0) {
        fprintf(stderr, _("loaxa simulate: %s holds real airings (a station's as-run log); a "
                          "simulation never writes into it: give --db a new file\n"), path);
        return -EPERM;
    }
    return 0;
}

int cmd_simulate(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from_s = NULL, *to_s = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': from_s = optarg; break;
        case 't': to_s = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    int64_t from, to;
    if (!from_s || !to_s || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (util_parse_bound(from_s, false, &from) < 0 || util_parse_bound(to_s, true, &to) < 0) {
        fprintf(stderr, _("loaxa simulate: bad date \"%s\" (YYYY-MM-DD, DD/MM/YYYY or YYYY-MM-DDTHH:MM)\n"),
                util_parse_bound(from_s, false, &from) < 0 ? from_s : to_s);
        return 2;
    }
    if (to <= from) {
        fprintf(stderr, _("loaxa simulate: --to must be after --from\n"));
        return 2;
    }

    int ret = 1;
    char *perr = NULL, err[1024];
    struct aslog *log = NULL;
    const char *paths[] = {cfg->plan_path};
    struct plan_options po = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                              .no_emergency_from_priority = !cfg->emergency_from_priority};
    struct plan *plan = plan_load(paths, 1, &po, &perr);
    if (!plan) {
        fprintf(stderr, "loaxa simulate: %s\n", perr ? perr : cfg->plan_path);
        goto out;
    }
    for (size_t i = 0; i < plan_diag_count(plan); i++) {
        const struct plan_diag *d = plan_diag(plan, i);
        if (d->severity == PLAN_ERROR)
            fprintf(stderr, "%s:%d: %s\n", d->file, d->line, d->message);
    }
    const char *db = cfg->db_from_cli ? cfg->db_path : ":memory:";
    if (cfg->db_from_cli && refuse_station_log(cfg, db) < 0)
        goto out;
    if (aslog_open(db, &log, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa simulate: %s\n", err);
        goto out;
    }
    struct simulate_summary sum;
    if (simulate_run(cfg, plan, log, from, to, &sum, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa simulate: %s\n", err);
        goto out;
    }
    if (cfg->db_from_cli)
        printf(_("%ld occurrences simulated into %s\n"), sum.occurrences, db);
    else
        printf(_("%ld occurrences simulated (the log is not kept; --db FILE keeps it)\n"),
               sum.occurrences);
    for (int s = ASLOG_AIRED; s <= ASLOG_CANCELLED; s++)
        if (sum.by_status[s]) { /* the status in the reader's words, aligned by display width */
            fputs("  ", stdout);
            text_fput_padded(stdout, i18n_keyword(aslog_status_name((enum aslog_status)s)), 12);
            printf(" %ld\n", sum.by_status[s]);
        }
    if (sum.refused)
        printf(_("  %ld already in the log, not written again\n"), sum.refused);
    ret = plan_error_count(plan) ? 1 : 0;
out:
    aslog_close(log);
    plan_free(plan);
    free(perr);
    return ret;
}
