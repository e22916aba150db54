/* `loaxa province verify|report`: the province's side of the push. The
 * database is --db URI (a postgresql:// URI given where a station's --db
 * would be a file) or the province.url setting. The report is one line per
 * commune, in the report module's number formats and period names. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "aslog/aslog.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/util.h"
#include "province/province.h"
#include "report/period.h"
#include "report/report.h"
#include "report/report_internal.h"

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa province verify [--db URI] [--station CODE]\n"
            "       loaxa province report [--db URI] --period P [--cutoff calendar|nd09]\n"
            "                             [--format text|csv|json|html] [-o FILE]\n"
            "       loaxa province report --log A.db --log B.db ... --period P [...]\n"
            "The database: --db postgresql://... or the province.url setting; --log: the\n"
            "same table from station logs (SQLite files), without PostgreSQL.\n"), f);
}

static const char *db_uri(const struct loaxa_config *cfg)
{
    const char *d = cfg->db_path;
    if (d && (strncmp(d, "postgresql://", 13) == 0 || strncmp(d, "postgres://", 11) == 0))
        return d;
    return cfg->province_url;
}

static int connect_or_say(const struct loaxa_config *cfg, struct province **p)
{
    const char *uri = db_uri(cfg);
    if (!uri || !*uri) {
        fprintf(stderr, "%s\n", _("loaxa province: no database: give --db postgresql://... "
                                  "or set province.url"));
        return 2;
    }
    char err[1024];
    if (province_connect(uri, cfg->province_password_file, p, err, sizeof err) < 0) {
        fprintf(stderr, _("loaxa province: cannot reach the province database: %s\n"), err);
        return 1;
    }
    return 0;
}

static void on_verified(const struct province_verify_result *r, void *ud)
{
    (void)ud;
    if (r->ok)
        printf(_("%s (%s): chain OK, %ld row(s), positions 1..%lld\n"), r->code, r->commune,
               r->rows, (long long)r->pushed_pos);
    else
        printf(_("%s (%s): FAILS at position %lld: %s\n"), r->code, r->commune,
               (long long)r->first_bad_pos, r->note);
}

static int do_verify(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"station", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *only = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': only = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    struct province *p = NULL;
    int rc = connect_or_say(cfg, &p);
    if (rc)
        return rc;
    char err[1024];
    long failed = 0;
    int ret = 1;
    if (province_verify(p, only, on_verified, NULL, &failed, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa province verify: %s\n", err);
        goto done;
    }
    if (failed) {
        printf(ngettext("%ld station's chain fails\n", "%ld stations' chains fail\n",
                        (unsigned long)failed), failed);
        ret = 3;
    } else {
        ret = 0;
    }
done:
    province_close(p);
    return ret;
}

/* ---- the report ---- */

struct pctx {
    const struct province_report *rep;
    const char *period_title;
    const char *period_spec;
    char made[UTIL_TIME_BUF];
};

static double rate_of(const struct province_line *l)
{
    return l->planned > 0 ? 100.0 * (double)l->aired / (double)l->planned : -1;
}

static const char *state_of(const struct province_line *l)
{
    if (l->chain < 0 || l->gaps > 0)
        return _("chain fails");
    if (!l->reported)
        return _("did not report");
    if (l->chain == 0)
        return _("not verified");
    return _("OK");
}

static const char *state_key(const struct province_line *l)
{
    return l->chain < 0 || l->gaps > 0 ? "chain_fails"
           : !l->reported              ? "not_reported"
           : l->chain == 0             ? "unverified"
                                       : "ok";
}

/* The columns, in every format. */
static const char *const col_msgids[] = {
    N_("Station"), N_("Commune"), N_("Planned"), N_("Aired"), N_("Rate"),
    N_("Own airtime (min)"), N_("Relay airtime (min)"), N_("Emergencies"), N_("State"),
};
#define NCOLS ARRAY_SIZE(col_msgids)

static void cells(const struct province_line *l, bool total, char c[NCOLS][256])
{
    snprintf(c[0], 256, "%s", total ? _("Total") : l->code);
    snprintf(c[1], 256, "%s", total ? "" : l->commune);
    report_fmt_count(l->planned, c[2]);
    report_fmt_count(l->aired, c[3]);
    report_fmt_pct(rate_of(l), c[4]);
    report_fmt_minutes(l->own_ms, c[5]);
    report_fmt_minutes(l->relay_ms, c[6]);
    report_fmt_count(l->emergencies, c[7]);
    snprintf(c[8], 256, "%s", total ? "" : state_of(l));
}

/* s padded to width characters (UTF-8: counted by code points, so the
 * Vietnamese names line up), on the left or the right. */
static void pad(FILE *f, const char *s, int width, bool right)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    if (right)
        fprintf(f, "%*s", width > n ? width - n : 0, "");
    fputs(s, f);
    if (!right)
        fprintf(f, "%*s", width > n ? width - n : 0, "");
}

static void text_line(FILE *f, const char *const c[NCOLS])
{
    static const int w[NCOLS] = {10, 22, 9, 9, 9, 20, 22, 10, 0};
    for (size_t i = 0; i < NCOLS; i++) {
        pad(f, c[i], w[i], i >= 2 && i < NCOLS - 1);
        fputs(i + 1 < NCOLS ? " " : "\n", f);
    }
}

static void render_text(FILE *f, const struct pctx *x)
{
    fprintf(f, "%s\n", _("PROVINCE REPORT ON GRASSROOTS INFORMATION (LOUDSPEAKERS)"));
    fprintf(f, "%s: %s\n", _("Period"), x->period_title);
    fprintf(f, "%s: %s\n\n", _("Made at"), x->made);
    char c[NCOLS][256];
    const char *h[NCOLS];
    for (size_t i = 0; i < NCOLS; i++)
        h[i] = _(col_msgids[i]);
    text_line(f, h);
    for (size_t k = 0; k <= x->rep->n; k++) {
        bool total = k == x->rep->n;
        cells(total ? &x->rep->total : &x->rep->lines[k], total, c);
        for (size_t i = 0; i < NCOLS; i++)
            h[i] = c[i];
        text_line(f, h);
    }
    fprintf(f, "\n%s: %zu / %zu\n", _("Stations that reported"), x->rep->n_reported, x->rep->n);
    fprintf(f, "%s: %zu\n", _("Stations whose chain fails"), x->rep->n_chain_failed);
    fprintf(f, "%s: %zu\n", _("Stations not verified"), x->rep->n_unverified);
    fprintf(f, "%s\n", _("Relay airtime: loaxa has no relay yet; every airing is the station's "
                         "own."));
}

static void csv_cell(FILE *f, const char *s, bool last)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\r\n" : "\",", f);
}

static void render_csv(FILE *f, const struct pctx *x)
{
    char c[NCOLS][256];
    for (size_t i = 0; i < NCOLS; i++)
        csv_cell(f, _(col_msgids[i]), i == NCOLS - 1);
    for (size_t k = 0; k <= x->rep->n; k++) {
        bool total = k == x->rep->n;
        cells(total ? &x->rep->total : &x->rep->lines[k], total, c);
        for (size_t i = 0; i < NCOLS; i++)
            csv_cell(f, c[i], i == NCOLS - 1);
    }
}

static json_object *json_line(const struct province_line *l)
{
    json_object *o = json_object_new_object();
    if (l->code) {
        json_object_object_add(o, "station", json_object_new_string(l->code));
        json_object_object_add(o, "commune", json_object_new_string(l->commune));
        json_object_object_add(o, "province", json_object_new_string(l->province));
        json_object_object_add(o, "reported", json_object_new_boolean(l->reported));
        json_object_object_add(o, "state", json_object_new_string(state_key(l)));
        json_object_object_add(o, "chain", json_object_new_string(
            l->chain > 0 ? "ok" : l->chain < 0 ? "fails" : "unverified"));
        json_object_object_add(o, "gaps", json_object_new_int64(l->gaps));
    }
    json_object_object_add(o, "planned", json_object_new_int64(l->planned));
    json_object_object_add(o, "aired", json_object_new_int64(l->aired));
    double rate = rate_of(l);
    json_object_object_add(o, "compliance_pct",
                           rate < 0 ? NULL : json_object_new_double((double)(int64_t)(rate * 10 + 0.5) / 10));
    json_object_object_add(o, "airings", json_object_new_int64(l->airings));
    json_object_object_add(o, "emergency_airings", json_object_new_int64(l->emergencies));
    json_object_object_add(o, "own_ms", json_object_new_int64(l->own_ms));
    json_object_object_add(o, "relay_ms", json_object_new_int64(l->relay_ms));
    json_object_object_add(o, "rows", json_object_new_int64(l->rows));
    return o;
}

static void render_json(FILE *f, const struct pctx *x)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "format", json_object_new_string("loaxa-province-report/1"));
    json_object_object_add(root, "period", json_object_new_string(x->period_spec));
    json_object_object_add(root, "relay", json_object_new_string("not implemented: own only"));
    json_object *arr = json_object_new_array();
    for (size_t k = 0; k < x->rep->n; k++)
        json_object_array_add(arr, json_line(&x->rep->lines[k]));
    json_object_object_add(root, "communes", arr);
    json_object *tot = json_line(&x->rep->total);
    json_object_object_add(tot, "stations", json_object_new_int64((int64_t)x->rep->n));
    json_object_object_add(tot, "reported", json_object_new_int64((int64_t)x->rep->n_reported));
    json_object_object_add(tot, "chain_fails",
                           json_object_new_int64((int64_t)x->rep->n_chain_failed));
    json_object_object_add(tot, "unverified", json_object_new_int64((int64_t)x->rep->n_unverified));
    json_object_object_add(root, "total", tot);
    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE), f);
    fputc('\n', f);
    json_object_put(root);
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void render_html(FILE *f, const struct pctx *x)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
            i18n_lang_is_vi() ? "vi" : "en");
    html_text(f, _("PROVINCE REPORT ON GRASSROOTS INFORMATION (LOUDSPEAKERS)"));
    fputs("</title><style>body{font-family:'Times New Roman',serif}"
          "table{border-collapse:collapse}td,th{border:1px solid #000;padding:2px 6px}"
          "td.n{text-align:right}tr.total{font-weight:bold}</style></head><body>\n<h1>", f);
    html_text(f, _("PROVINCE REPORT ON GRASSROOTS INFORMATION (LOUDSPEAKERS)"));
    fputs("</h1>\n<p>", f);
    html_text(f, x->period_title);
    fputs("</p>\n<table>\n<tr>", f);
    for (size_t i = 0; i < NCOLS; i++) {
        fputs("<th>", f);
        html_text(f, _(col_msgids[i]));
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    char c[NCOLS][256];
    for (size_t k = 0; k <= x->rep->n; k++) {
        bool total = k == x->rep->n;
        cells(total ? &x->rep->total : &x->rep->lines[k], total, c);
        fputs(total ? "<tr class=\"total\">" : "<tr>", f);
        for (size_t i = 0; i < NCOLS; i++) {
            fputs(i >= 2 && i < NCOLS - 1 ? "<td class=\"n\">" : "<td>", f);
            html_text(f, c[i]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n<p>", f);
    fprintf(f, "%s: %zu / %zu. %s: %zu.", _("Stations that reported"), x->rep->n_reported,
            x->rep->n, _("Stations whose chain fails"), x->rep->n_chain_failed);
    fputs("</p>\n<p>", f);
    html_text(f, _("Relay airtime: loaxa has no relay yet; every airing is the station's own."));
    fputs("</p>\n</body></html>\n", f);
}

/* The most station logs one roll-up takes (--log). */
#define MAX_LOGS 500

/* Without PostgreSQL: the same table from station logs (SQLite files) read
 * one after the other, each counted by the commune report's own code
 * (report_build, without the plan: planned is what the log knows, as in
 * the province) and its chain checked by aslog_chain_verify. The station's
 * code is the file's name without ".db". */
static int rollup_logs(const char *const *logs, size_t n, const struct report_period *per,
                       const struct loaxa_config *cfg, struct province_report **out)
{
    struct province_report *rep = xcalloc(1, sizeof *rep);
    rep->lines = xcalloc(n, sizeof *rep->lines);
    char err[1024];
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct aslog *log = NULL;
        struct report *r = NULL;
        if (aslog_open_readonly(logs[i], &log, err, sizeof err) < 0) {
            fprintf(stderr, "loaxa province report: %s\n", err);
            ret = 1;
            break;
        }
        struct report_input in = {
            .commune = "", .period = *per,
            .as_of_ms = lclock_now_ms(lclock_system()),
            .require_approval = cfg->require_approval,
            .no_emergency_from_priority = !cfg->emergency_from_priority,
        };
        in.generated_at_ms = in.as_of_ms;
        struct aslog_chain_check cc;
        if (report_build(&in, log, &r, err, sizeof err) < 0 ||
            aslog_chain_verify(log, &cc) < 0) {
            fprintf(stderr, "loaxa province report: %s: %s\n", logs[i], err);
            ret = 1;
        } else {
            struct province_line *l = &rep->lines[rep->n++];
            const char *base = strrchr(logs[i], '/');
            base = base ? base + 1 : logs[i];
            size_t bl = strlen(base);
            l->code = xstrndup(base, bl > 3 && !strcmp(base + bl - 3, ".db") ? bl - 3 : bl);
            l->commune = xstrdup("");
            l->province = xstrdup("");
            l->planned = r->sum.planned;
            l->aired = r->sum.outcome[OUT_AIRED];
            l->emergencies = r->sum.emergency_airings;
            l->airings = r->sum.airings;
            l->own_ms = r->sum.total_ms;
            l->rows = r->sum.scheduled + r->sum.adhoc_airings;
            l->reported = l->rows > 0;
            l->chain = cc.fault == ASLOG_CHAIN_OK ? 1 : -1;
            l->pushed_at_ms = -1;
            struct province_line *t = &rep->total;
            t->planned += l->planned;
            t->aired += l->aired;
            t->emergencies += l->emergencies;
            t->airings += l->airings;
            t->own_ms += l->own_ms;
            t->rows += l->rows;
            rep->n_reported += l->reported;
            rep->n_chain_failed += l->chain < 0;
        }
        report_free(r);
        aslog_close(log);
    }
    if (ret) {
        province_report_free(rep);
        return ret;
    }
    *out = rep;
    return 0;
}

static int do_report(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"log", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *spec = NULL, *format = "text", *out_path = NULL;
    const char *logs[MAX_LOGS];
    size_t n_logs = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': spec = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out_path = optarg; break;
        case 'l':
            if (n_logs == MAX_LOGS) {
                fprintf(stderr, _("loaxa province report: at most %d --log files\n"),
                        MAX_LOGS);
                return 2;
            }
            logs[n_logs++] = optarg;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    void (*render)(FILE *, const struct pctx *) =
        !strcmp(format, "text") ? render_text : !strcmp(format, "csv") ? render_csv
        : !strcmp(format, "json") ? render_json : !strcmp(format, "html") ? render_html : NULL;
    if (!render) {
        fprintf(stderr, _("loaxa province report: unknown format \"%s\" (text, csv, json, "
                          "html)\n"), format);
        return 2;
    }
    if (!spec || optind < argc) {
        usage(stderr);
        return 2;
    }
    if (i18n_set_lang(cfg->lang) < 0) {
        fprintf(stderr, _("loaxa report: unknown language \"%s\" (vi or en)\n"), cfg->lang);
        return 2;
    }
    char err[1024];
    struct report_period per;
    if (period_parse(spec, cfg->cutoff, &per, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa province report: %s\n", err);
        return 2;
    }
    struct province *p = NULL;
    int ret = 1;
    struct province_report *rep = NULL;
    char *title = NULL;
    FILE *f = stdout;
    if (n_logs) {
        if (rollup_logs(logs, n_logs, &per, cfg, &rep) != 0)
            goto done;
    } else {
        int rc = connect_or_say(cfg, &p);
        if (rc)
            return rc;
        if (province_report_build(p, per.from_ms, per.to_ms, &rep, err, sizeof err) < 0) {
            fprintf(stderr, "loaxa province report: %s\n", err);
            goto done;
        }
    }
    title = report_period_title(&per);
    struct pctx x = {.rep = rep, .period_title = title, .period_spec = per.spec};
    util_format_local(lclock_now_ms(lclock_system()), x.made);
    if (out_path && !(f = fopen(out_path, "w"))) {
        fprintf(stderr, "loaxa province report: %s: %s\n", out_path, strerror(errno));
        f = stdout;
        goto done;
    }
    render(f, &x);
    if (fflush(f) != 0 || ferror(f)) {
        fprintf(stderr, "loaxa province report: %s\n", strerror(errno));
        goto done;
    }
    ret = 0;
done:
    if (f != stdout)
        fclose(f);
    free(title);
    province_report_free(rep);
    province_close(p);
    return ret;
}

int cmd_province(int argc, char **argv, struct loaxa_config *cfg)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "verify"))
        return do_verify(argc - 1, argv + 1, cfg);
    if (!strcmp(argv[1], "report"))
        return do_report(argc - 1, argv + 1, cfg);
    fprintf(stderr, _("loaxa province: unknown command \"%s\" (verify, report)\n"), argv[1]);
    usage(stderr);
    return 2;
}
