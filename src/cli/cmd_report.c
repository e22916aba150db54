/* `loaxa report`: the periodic report from the as-run log and the plan.
 * Wiring only: the period, the plan's expansion, the log, a renderer. */
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

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa report --period P [--format text|csv|html|xlsx|json] [-o FILE]\n"
            "                    [--cutoff calendar|nd09] [--as-of DATETIME] [--lang vi|en]\n"
            "                    [--generated-at DATETIME] [--bom]\n"
            "Periods: 2026-Q1..2026-Q4, 2026-H1, 2026-H2, 2026-9M, 2026, 2026-03,\n"
            "         2026-01-15..2026-02-20 (dates inclusive).\n"
            "--cutoff nd09: the data cut-off of Decree 09/2019/ND-CP (15th of the month\n"
            "  before to the 14th). A period that ends after --as-of (default: now) is\n"
            "  reported up to then. CSV is one long table: table,row,field,value.\n"), f);
}

/* Copies a finished file to stdout (xlsx without -o). */
static int copy_to_stdout(const char *path)
{
    char *data;
    size_t len;
    int rc = util_read_file(path, 0, &data, &len);
    if (rc < 0)
        return rc;
    rc = fwrite(data, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -EIO;
    free(data);
    return rc;
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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period_spec = NULL, *out_path = NULL, *as_of = NULL, *gen_at = NULL;
    enum report_format fmt = REPORT_TEXT;
    struct report_render_options ropt = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': period_spec = optarg; break;
        case 'o': out_path = optarg; break;
        case 'a': as_of = optarg; break;
        case 'g': gen_at = optarg; break;
        case 'b': ropt.bom = true; break;
        case 'f':
            if (report_format_parse(optarg, &fmt) < 0) {
                fprintf(stderr, _("loaxa report: unknown format \"%s\" (text, csv, html, "
                                  "xlsx, json)\n"), optarg);
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
    struct report_input in = {.commune = cfg->commune};
    if (period_parse(period_spec, cfg->cutoff, &in.period, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa report: %s\n", err);
        return 2;
    }
    int64_t now = lclock_now_ms(lclock_system());
    in.as_of_ms = now;
    if (as_of && util_parse_time(as_of, &in.as_of_ms) < 0) {
        fprintf(stderr, _("loaxa report: bad time \"%s\" for --as-of (YYYY-MM-DD[THH:MM[:SS]] or DD/MM/YYYY)\n"),
                as_of);
        return 2;
    }
    in.generated_at_ms = as_of ? in.as_of_ms : now;
    if (gen_at && util_parse_time(gen_at, &in.generated_at_ms) < 0) {
        fprintf(stderr, _("loaxa report: bad time \"%s\" for --generated-at\n"), gen_at);
        return 2;
    }
    if (fmt == REPORT_XLSX && !out_path && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "%s\n", _("loaxa report: a spreadsheet needs -o FILE.xlsx"));
        return 2;
    }

    int ret = 1;
    struct plan *plan = NULL;
    struct plan_occurrence *occ = NULL;
    struct report_plan_file *files = NULL;
    struct aslog *log = NULL;
    struct report *rep = NULL;
    char *tmp = NULL;
    FILE *f = NULL;

    struct plan_options popt = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root};
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

    const char *xlsx_path = out_path;
    if (fmt == REPORT_XLSX && !out_path) {
        tmp = xstrdup("/tmp/loaxa-report-XXXXXX");
        int fd = mkstemp(tmp);
        if (fd < 0) {
            perror("loaxa report: mkstemp");
            free(tmp);
            tmp = NULL;
            goto done;
        }
        close(fd);
        xlsx_path = tmp;
    }
    if (fmt != REPORT_XLSX) {
        f = out_path ? fopen(out_path, "w") : stdout;
        if (!f) {
            fprintf(stderr, _("loaxa report: cannot write %s: %s\n"), out_path, strerror(errno));
            goto done;
        }
    }
    if (report_render(rep, fmt, &ropt, f, xlsx_path, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa report: %s\n", err);
        goto done;
    }
    if (tmp && copy_to_stdout(tmp) < 0) {
        fprintf(stderr, "%s\n", _("loaxa report: cannot write the spreadsheet to stdout"));
        goto done;
    }
    if (f && f != stdout) {
        int e = fclose(f);
        f = NULL;
        if (e != 0) {
            fprintf(stderr, _("loaxa report: cannot write %s: %s\n"), out_path, strerror(errno));
            goto done;
        }
    }
    ret = 0;
done:
    if (f && f != stdout)
        fclose(f);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    report_free(rep);
    aslog_close(log);
    free(occ);
    free(files);
    plan_free(plan);
    return ret;
}
