/* loaxa schedule: the airings the plan asks for in a window, sorted by
 * start, as an aligned table, CSV or JSON. Cancelled instances are left
 * out unless --all is given; pending items are marked. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/text.h"
#include "core/util.h"
#include "plan/check.h"
#include "plan/plan.h"

#define SCHEDULE_MAX_ROWS 200000 /* a year of a busy station is a few thousand */

enum fmt { FMT_TEXT, FMT_CSV, FMT_JSON };

struct dur_cache {
    const struct plan_item *item;
    int64_t ms;
};

struct row {
    const struct plan_occurrence *o;
    int64_t end_ms;
    int64_t dur_ms;          /* -1 unknown */
    char *cats, *audio;
};

static const char *level_name(enum plan_level l)
{
    switch (l) {
    case PLAN_LEVEL_EMERGENCY:
        return _("emergency");
    case PLAN_LEVEL_PRIORITY:
        return _("priority");
    default:
        return _("normal");
    }
}

/* Level names for machine output stay English whatever the locale. */
static const char *level_key(enum plan_level l)
{
    return l == PLAN_LEVEL_EMERGENCY ? "emergency" : l == PLAN_LEVEL_PRIORITY ? "priority"
                                                                             : "normal";
}

static char *join(const char *const *v, size_t n, const char *sep)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&b, sep);
        strbuf_puts(&b, v[i]);
    }
    return strbuf_steal(&b);
}

static int64_t item_dur(struct dur_cache **c, size_t *n, const struct plan_item *it,
                        const char *root)
{
    for (size_t i = 0; i < *n; i++)
        if ((*c)[i].item == it)
            return (*c)[i].ms;
    *c = xrealloc(*c, (*n + 1) * sizeof **c);
    (*c)[*n].item = it;
    (*c)[*n].ms = plan_item_audio_ms(it, root);
    return (*c)[(*n)++].ms;
}

static char *fmt_dur(int64_t ms, char buf[32])
{
    if (ms < 0) {
        snprintf(buf, 32, "?");
    } else {
        long s = (long)((ms + 500) / 1000);
        if (s >= 3600)
            snprintf(buf, 32, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
        else
            snprintf(buf, 32, "%ld:%02ld", s / 60, s % 60);
    }
    return buf;
}

static void print_text(struct row *rows, size_t n, bool require_approval)
{
    size_t n_pending = 0;
    const char *head[] = {_("Start"), _("End"), _("Length"), _("Level"), _("Approved"),
                          _("Title"), _("Unit"), _("Categories"), _("Recordings")};
    enum { NC = 9 };
    size_t w[NC];
    char ***cells = xcalloc(n + 1, sizeof *cells);
    for (size_t c = 0; c < NC; c++)
        w[c] = text_width(head[c]);
    for (size_t i = 0; i < n; i++) {
        char b1[UTIL_TIME_BUF], b2[UTIL_TIME_BUF], b3[32];
        const struct plan_item *it = rows[i].o->item;
        cells[i] = xcalloc(NC, sizeof(char *));
        util_format_local(rows[i].o->start_ms, b1);
        util_format_local(rows[i].end_ms, b2);
        b1[16] = '\0'; /* minutes are enough for the officer */
        const char *end = strncmp(b1, b2, 10) == 0 ? b2 + 11 : b2;
        cells[i][0] = xstrdup(b1);
        cells[i][1] = xstrndup(end, strlen(end) - 3);
        cells[i][2] = xstrdup(fmt_dur(rows[i].dur_ms, b3));
        cells[i][3] = xstrdup(level_name(it->level));
        n_pending += !it->approved && !rows[i].o->cancelled;
        cells[i][4] = xstrdup(rows[i].o->cancelled ? _("CANCELLED")
                              : it->approved     ? _("yes")
                                                 : _("PENDING"));
        cells[i][5] = xstrdup(it->summary);
        cells[i][6] = xstrdup(it->unit);
        cells[i][7] = xstrdup(rows[i].cats);
        cells[i][8] = xstrdup(rows[i].audio);
        for (size_t c = 0; c < NC; c++)
            if (text_width(cells[i][c]) > w[c])
                w[c] = text_width(cells[i][c]);
    }
    for (size_t c = 0; c < NC; c++) {
        if (c + 1 < NC) {
            text_fput_padded(stdout, head[c], w[c]);
            fputs("  ", stdout);
        } else {
            fputs(head[c], stdout);
        }
    }
    fputc('\n', stdout);
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < NC; c++) {
            if (c + 1 < NC) {
                if (c == 2)
                    text_fput_rpadded(stdout, cells[i][c], w[c]);
                else
                    text_fput_padded(stdout, cells[i][c], w[c]);
                fputs("  ", stdout);
            } else {
                fputs(cells[i][c], stdout);
            }
            free(cells[i][c]);
        }
        fputc('\n', stdout);
        free(cells[i]);
    }
    free(cells);
    printf(ngettext("%zu airing\n", "%zu airings\n", n), n);
    if (n_pending && require_approval)
        printf(ngettext("%zu airing is PENDING approval (STATUS:TENTATIVE) and will not air "
                        "until approved\n",
                        "%zu airings are PENDING approval (STATUS:TENTATIVE) and will not air "
                        "until approved\n", n_pending), n_pending);
}

static void print_csv(struct row *rows, size_t n)
{
    puts("start,end,uid,key,summary,categories,unit,priority,level,approved,audio,"
         "duration_s,cancelled");
    for (size_t i = 0; i < n; i++) {
        const struct plan_occurrence *o = rows[i].o;
        const struct plan_item *it = o->item;
        char b1[UTIL_TIME_BUF], b2[UTIL_TIME_BUF];
        printf("%s,%s,", util_format_iso_local(o->start_ms, b1),
               util_format_iso_local(rows[i].end_ms, b2));
        text_fput_csv(stdout, it->uid);
        fputc(',', stdout);
        text_fput_csv(stdout, o->key);
        fputc(',', stdout);
        text_fput_csv(stdout, it->summary);
        fputc(',', stdout);
        text_fput_csv(stdout, rows[i].cats);
        fputc(',', stdout);
        text_fput_csv(stdout, it->unit);
        printf(",%d,%s,%s,", it->priority, level_key(it->level), it->approved ? "yes" : "no");
        text_fput_csv(stdout, rows[i].audio);
        if (rows[i].dur_ms >= 0)
            printf(",%.3f", (double)rows[i].dur_ms / 1000.0);
        else
            fputc(',', stdout);
        printf(",%s\n", o->cancelled ? "yes" : "no");
    }
}

static json_object *str_array(const char *const *v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static void print_json(struct row *rows, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const struct plan_occurrence *o = rows[i].o;
        const struct plan_item *it = o->item;
        char b[UTIL_TIME_BUF];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "start",
                               json_object_new_string(util_format_iso_local(o->start_ms, b)));
        json_object_object_add(j, "end",
                               json_object_new_string(util_format_iso_local(rows[i].end_ms, b)));
        json_object_object_add(j, "uid", json_object_new_string(it->uid));
        json_object_object_add(j, "key", json_object_new_string(o->key));
        json_object_object_add(j, "summary", json_object_new_string(it->summary));
        json_object_object_add(j, "categories", str_array(it->categories, it->n_categories));
        json_object_object_add(j, "unit", json_object_new_string(it->unit));
        json_object_object_add(j, "priority", json_object_new_int(it->priority));
        json_object_object_add(j, "level", json_object_new_string(level_key(it->level)));
        json_object_object_add(j, "approved", json_object_new_boolean(it->approved));
        json_object_object_add(j, "audio", str_array(it->audio, it->n_audio));
        json_object_object_add(j, "duration_s",
                               rows[i].dur_ms >= 0
                                   ? json_object_new_double((double)rows[i].dur_ms / 1000.0)
                                   : NULL);
        json_object_object_add(j, "cancelled", json_object_new_boolean(o->cancelled));
        json_object_array_add(arr, j);
    }
    puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
                                                 JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
}

static void usage(FILE *f)
{
    fprintf(f, _("Usage: loaxa schedule [--from DATE] [--to DATE | --days N]\n"
                 "                      [--format text|csv|json] [--all]\n"
                 "Lists the airings of the plan from DATE (default: today 00:00) for N days\n"
                 "(default 7) or up to --to (a date alone includes that whole day).\n"
                 "--all also lists cancelled instances.\n"));
}

int cmd_schedule(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
        {"days", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'F'},
        {"all", no_argument, NULL, 'a'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int64_t from = 0, to = 0;
    bool have_from = false, have_to = false, all = false;
    long days = 7;
    enum fmt fmt = FMT_TEXT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'f':
        case 't': {
            int64_t v;
            if (util_parse_bound(optarg, c == 't', &v) < 0) { /* --to DATE: that whole day */
                fprintf(stderr, _("loaxa schedule: bad date \"%s\" (use YYYY-MM-DD, DD/MM/YYYY "
                                  "or YYYY-MM-DDTHH:MM)\n"), optarg);
                return 2;
            }
            if (c == 'f')
                from = v, have_from = true;
            else
                to = v, have_to = true;
            break;
        }
        case 'd':
            days = strtol(optarg, &end, 10);
            if (*end || days < 1 || days > 3660) {
                fprintf(stderr, _("loaxa schedule: --days wants a number of days, 1-3660\n"));
                return 2;
            }
            break;
        case 'F':
            if (strcmp(optarg, "text") == 0)
                fmt = FMT_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                fmt = FMT_CSV;
            else if (strcmp(optarg, "json") == 0)
                fmt = FMT_JSON;
            else {
                fprintf(stderr, _("loaxa schedule: --format is text, csv or json\n"));
                return 2;
            }
            break;
        case 'a':
            all = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (!have_from) { /* today, local midnight */
        time_t now = (time_t)(lclock_now_ms(lclock_system()) / 1000);
        struct tm tm;
        localtime_r(&now, &tm);
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        from = (int64_t)mktime(&tm) * 1000;
    }
    if (!have_to) {
        /* N local days, not N*24 h: DST days are 23 or 25 hours long */
        time_t f = (time_t)(from / 1000);
        struct tm tm;
        localtime_r(&f, &tm);
        tm.tm_mday += (int)days;
        tm.tm_isdst = -1;
        to = (int64_t)mktime(&tm) * 1000 + from % 1000;
    }
    if (to <= from) {
        fprintf(stderr, _("loaxa schedule: --to must be after --from\n"));
        return 2;
    }
    const char *paths[] = {cfg->plan_path};
    struct plan_options po = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                              .no_emergency_from_priority = !cfg->emergency_from_priority};
    char *err = NULL;
    struct plan *plan = plan_load(paths, 1, &po, &err);
    if (!plan) {
        fprintf(stderr, "loaxa schedule: %s\n", err ? err : "?");
        free(err);
        return 1;
    }
    for (size_t i = 0; i < plan_diag_count(plan); i++) {
        const struct plan_diag *d = plan_diag(plan, i);
        if (d->severity == PLAN_ERROR)
            fprintf(stderr, "%s:%d: %s: %s\n", d->file, d->line, _("error"), d->message);
    }
    if (plan_error_count(plan))
        fprintf(stderr, _("loaxa schedule: the plan has errors; items with errors are left "
                          "out (run \"loaxa check\")\n"));
    /* Day by day, up to a bound: ten years of a FREQ=MINUTELY rule would
     * be five million rows held at once. */
    struct plan_occurrence *occ = NULL;
    size_t n = 0, cap = 0;
    int64_t cut = 0;
    for (int64_t a = from; a < to;) {
        int64_t b = util_next_local_midnight(a);
        if (b > to)
            b = to;
        struct plan_occurrence *day = NULL;
        size_t nd = 0;
        plan_expand(plan, a, b, &day, &nd);
        if (n + nd > SCHEDULE_MAX_ROWS) {
            free(day);
            cut = a;
            break;
        }
        if (n + nd > cap) {
            cap = (n + nd) * 2;
            occ = xrealloc(occ, cap * sizeof *occ);
        }
        if (nd)
            memcpy(occ + n, day, nd * sizeof *day);
        n += nd;
        free(day);
        a = b;
    }
    struct row *rows = xcalloc(n + 1, sizeof *rows);
    struct dur_cache *dc = NULL;
    size_t n_dc = 0, n_rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (occ[i].cancelled && !all)
            continue;
        struct row *r = &rows[n_rows++];
        r->o = &occ[i];
        int64_t slot = occ[i].end_ms - occ[i].start_ms;
        r->dur_ms = slot > 0 ? slot : item_dur(&dc, &n_dc, occ[i].item, cfg->audio_root);
        r->end_ms = occ[i].start_ms + (r->dur_ms > 0 ? r->dur_ms : 0);
        r->cats = join(occ[i].item->categories, occ[i].item->n_categories,
                       fmt == FMT_TEXT ? ", " : ";");
        r->audio = join(occ[i].item->audio, occ[i].item->n_audio,
                        fmt == FMT_TEXT ? " + " : ";");
    }
    if (fmt == FMT_TEXT)
        print_text(rows, n_rows, cfg->require_approval);
    else if (fmt == FMT_CSV)
        print_csv(rows, n_rows);
    else
        print_json(rows, n_rows);
    for (size_t i = 0; i < n_rows; i++) {
        free(rows[i].cats);
        free(rows[i].audio);
    }
    free(rows);
    free(dc);
    free(occ);
    plan_free(plan);
    if (cut) {
        char b[UTIL_TIME_BUF];
        util_format_local(cut, b);
        b[16] = '\0';
        fprintf(stderr, _("loaxa schedule: more than %d airings: listed up to %s only (ask "
                          "for fewer days)\n"), SCHEDULE_MAX_ROWS, b);
        return 1;
    }
    return 0;
}
