/* `loaxa export`: the as-run log's final rows in the exchange format
 * (doc/export.md): JSON Lines for machines, CSV for spreadsheets, each
 * with the station's identity and its place in the hash chain. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aslog/aslog.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "core/util.h"
#include "export/export.h"

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa export [--from D] [--to D] [--format jsonl|csv] [-o FILE]\n"
            "D is YYYY-MM-DD or DD/MM/YYYY (local; --to includes that whole day) or YYYY-MM-DDTHH:MM[:SS]\n"
            "with an optional Z or +HH:MM. Rows are selected by their planned start and written\n"
            "in the order of the log's hash chain; rows still on air are left out.\n"
            "Settings: station.code, station.commune, station.province (doc/export.md).\n"), f);
}

/* An administrative unit code: digits, at most 10 (the national list has 2
 * for provinces and 5 for communes). */
static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > 10)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int cmd_export(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct aslog_filter flt = {.from_ms = -1, .to_ms = -1};
    struct export_opts eo = {.format = EXPORT_JSONL};
    const char *to_s = NULL, *out_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'F':
            if (util_parse_time(optarg, &flt.from_ms) < 0)
                goto bad_time;
            break;
        case 'T':
            to_s = optarg;
            if (util_parse_time(optarg, &flt.to_ms) < 0)
                goto bad_time;
            break;
        case 'f':
            if (strcmp(optarg, "jsonl") == 0)
                eo.format = EXPORT_JSONL;
            else if (strcmp(optarg, "csv") == 0)
                eo.format = EXPORT_CSV;
            else {
                fprintf(stderr, _("loaxa export: unknown format \"%s\" (jsonl, csv)\n"), optarg);
                return 2;
            }
            break;
        case 'o': out_path = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (to_s)
        util_parse_bound(to_s, true, &flt.to_ms); /* a date alone: through that day */
    if (!code_ok(cfg->station_code)) {
        fprintf(stderr, _("loaxa export: station.code \"%s\" is not an administrative unit "
                          "code (digits, e.g. 09952)\n"), cfg->station_code);
        return 2;
    }
    if (!*cfg->station_code)
        fprintf(stderr, _("loaxa export: warning: station.code is not set; the rows carry "
                          "no station code\n"));
    eo.station_code = cfg->station_code;
    eo.station_commune = cfg->commune;
    eo.station_province = cfg->province;
    eo.no_emergency_from_priority = !cfg->emergency_from_priority;

    char err[1024];
    struct aslog *log = NULL;
    if (aslog_open_readonly(cfg->db_path, &log, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa export: %s\n", err);
        return 1;
    }
    FILE *out = stdout;
    if (out_path && !(out = fopen(out_path, "w"))) {
        fprintf(stderr, _("loaxa export: cannot write %s: %s\n"), out_path, strerror(errno));
        aslog_close(log);
        return 1;
    }
    long long n = 0;
    int rc = export_write(log, &flt, &eo, out, &n);
    if (rc == -EIO)
        fprintf(stderr, _("loaxa export: cannot write the rows\n"));
    else if (rc < 0)
        fprintf(stderr, _("loaxa log: cannot read the as-run log: %s\n"), aslog_errmsg(log));
    aslog_close(log);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        fprintf(stderr, _("loaxa export: cannot write %s: %s\n"), out_path, strerror(errno));
        rc = -EIO;
    }
    if (rc == 0 && out != stdout)
        fprintf(stderr, ngettext("%lld row written to %s\n", "%lld rows written to %s\n",
                                 (unsigned long)n), n, out_path);
    return rc < 0 ? 1 : 0;
bad_time:
    fprintf(stderr, _("loaxa export: bad time \"%s\" (YYYY-MM-DD, DD/MM/YYYY or "
                      "YYYY-MM-DDTHH:MM[:SS])\n"), optarg);
    return 2;
}
