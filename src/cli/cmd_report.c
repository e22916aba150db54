/* `loaxa report`: the periodic report from the as-run log and the plan.
 * Wiring only: the period, the plan's expansion, the log, a format of the
 * report module's registry (nothing here knows one format from another). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aslog/aslog.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/util.h"
#include "plan/plan.h"
#include "report/report.h"

/* "text, csv, ..." from the registry, for the errors. */
static const char *format_names(char *buf, size_t len)
{
    const struct report_format_info *fi;
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; (fi = report_format_at(i)) && at < len; i++) {
        int n = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", fi->name);
        at += n > 0 ? (size_t)n : 0;
    }
    return buf;
}

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa report --period P [--format FORMAT] [-o FILE]\n"
            "                    [--cutoff calendar|nd09] [--as-of DATETIME] [--lang vi|en]\n"
            "                    [--generated-at DATETIME] [--bom]\n"
            "Periods: 2026-Q1..2026-Q4, 2026-H1, 2026-H2, 2026-9M, 2026, 2026-03,\n"
            "         2026-01-15..2026-02-20 (dates inclusive).\n"
            "--cutoff nd09: the data cut-off of Decree 09/2019/ND-CP (15th of the month\n"
            "  before to the 14th). A period that ends after --as-of (default: now) is\n"
            "  reported up to then.\n"
            "Formats:\n"), f);
    const struct report_format_info *fi;
    for (size_t i = 0; (fi = report_format_at(i)); i++)
        fprintf(f, "  %-6s %s\n", fi->name, _(fi->help));
    fputs(_("CSV: [--table NAME] [--keys] [--no-bom]\n"
            "  --table NAME: one table, its column titles in the report's language:\n"
            "  summary (the default), items, topics, months, incidents, ... (a wrong\n"
            "  name lists them all). Numbers stay plain (dot decimal, no grouping,\n"
            "  airtime in minutes). For programs: --keys, the columns' stable English\n"
            "  keys as titles, airtime in ms, no total row; --table all, every table in\n"
            "  one long table,row,field,value file. The file starts with a UTF-8 BOM so\n"
            "  that Excel reads it (--bom, the default); --no-bom leaves it out.\n"),
          f);
}

int cmd_report(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"as-of", required_argument, NULL, 'a'},
        {"generated-at", required_argument, NULL, 'g'},
        {"bom", no_argument, NULL, 'b'},
        {"no-bom", no_argument, NULL, 'B'},
        {"table", required_argument, NULL, 't'},
        {"keys", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period_spec = NULL, *out_path = NULL, *as_of = NULL, *gen_at = NULL;
    const struct report_format_info *fmt = report_format_at(0);
    struct report_render_options ropt = {.bom = true};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': period_spec = optarg; break;
        case 'o': out_path = optarg; break;
        case 'a': as_of = optarg; break;
        case 'g': gen_at = optarg; break;
        case 'b': ropt.bom = true; break;
        case 'B': ropt.bom = false; break;
        case 't': ropt.table = optarg; break;
        case 'k': ropt.keys = true; break;
        case 'f':
            if (!(fmt = report_format_find(optarg))) {
                char names[256];
                fprintf(stderr, _("loaxa report: unknown format \"%s\" (%s)\n"), optarg,
                        format_names(names, sizeof names));
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !period_spec) {
        if (!period_spec)
            fprintf(stderr, "%s\n", _("loaxa report: --period is required"));
        usage(stderr);
        return 2;
    }
    /* Messages to the terminal stay in the officer's language; the report
     * itself follows cfg->lang (Vietnamese unless told otherwise). */
    if (i18n_set_lang(cfg->lang) < 0) {
        fprintf(stderr, _("loaxa report: unknown language \"%s\" (vi or en)\n"), cfg->lang);
        return 2;
    }

    char err[1024];
    struct report_input in = {0};
    if (period_parse(period_spec, cfg->cutoff, &in.period, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa report: %s\n", err);
        return 2;
    }
    int64_t now = lclock_now_ms(lclock_system());
    in.as_of_ms = now;
    /* a date alone is the end of that day, as --to: "--as-of 2026-12-14"
     * reports the 14th too */
    if (as_of && util_parse_bound(as_of, true, &in.as_of_ms) < 0) {
        fprintf(stderr, _("loaxa report: bad time \"%s\" for --as-of (YYYY-MM-DD[THH:MM[:SS]] or DD/MM/YYYY)\n"),
                as_of);
        return 2;
    }
    in.generated_at_ms = now;
    if (as_of) /* "made at" the time as written (a date: its midnight) */
        util_parse_time(as_of, &in.generated_at_ms);
    if (gen_at && util_parse_time(gen_at, &in.generated_at_ms) < 0) {
        fprintf(stderr, _("loaxa report: bad time \"%s\" for --generated-at\n"), gen_at);
        return 2;
    }
    if (report_render_check(fmt->name, &ropt, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa report: %s\n", err);
        return 2;
    }
    if (fmt->binary && !out_path && isatty(STDOUT_FILENO)) {
        fprintf(stderr, _("loaxa report: the %s format is binary: give -o FILE or send it "
                          "to a pipe\n"), fmt->name);
        return 2;
    }

    int ret = 1;
    char *directions = NULL;
    struct plan *plan = NULL;
    struct plan_occurrence *occ = NULL;
    struct report_plan_file *files = NULL;
    struct aslog *log = NULL;
    struct report *rep = NULL;

    if (report_input_settings(cfg, &in, &directions, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        goto done;
    }
    struct plan_options popt = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                                .no_emergency_from_priority = !cfg->emergency_from_priority};
    char *perr = NULL;
    const char *paths[] = {cfg->plan_path};
    plan = plan_load(paths, 1, &popt, &perr);
    if (!plan) {
        fprintf(stderr, _("loaxa report: cannot read the plan %s: %s\n"), cfg->plan_path,
                perr ? perr : "");
        free(perr);
        goto done;
    }
    if (plan_error_count(plan))
        fprintf(stderr, _("loaxa report: warning: the plan has %zu error(s) (see loaxa check); "
                          "items with errors are not counted as planned\n"),
                plan_error_count(plan));
    in.n_files = plan_file_count(plan);
    files = xcalloc(in.n_files, sizeof *files);
    for (size_t i = 0; i < in.n_files; i++) {
        files[i].path = plan_file_path(plan, i);
        files[i].sha256 = plan_file_sha256(plan, i);
    }
    in.files = files;
    int64_t end = in.as_of_ms < in.period.to_ms ? in.as_of_ms : in.period.to_ms;
    if (end > in.period.from_ms &&
        plan_expand(plan, in.period.from_ms, end, &occ, &in.n_occ) < 0) {
        fprintf(stderr, "%s\n", _("loaxa report: cannot expand the plan"));
        goto done;
    }
    in.occ = occ;

    if (aslog_open_readonly(cfg->db_path, &log, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa report: %s\n", err);
        goto done;
    }
    if (report_build(&in, log, &rep, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa report: %s\n", err);
        goto done;
    }

    int rc = out_path ? report_render_file(rep, fmt->name, &ropt, out_path, err, sizeof err)
                      : report_render(rep, fmt->name, &ropt, stdout, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "loaxa report: %s\n", err);
        goto done;
    }
    ret = 0;
done:
    report_free(rep);
    aslog_close(log);
    free(occ);
    free(files);
    free(directions);
    plan_free(plan);
    return ret;
}
