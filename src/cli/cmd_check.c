/* loaxa check [FILE|DIR...]: loads the plan, runs the deeper checks over
 * the coming year and prints every problem as "file:line: severity:
 * message", then a summary. Exit 1 on any error, 2 on a usage error. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/util.h"
#include "plan/check.h"
#include "plan/plan.h"

#define CHECK_SESSION_GAP_S 60 /* items at most this far apart are one session */

static const char *sev_name(enum plan_severity s)
{
    switch (s) {
    case PLAN_ERROR:
        return _("error");
    case PLAN_WARNING:
        return _("warning");
    default:
        return _("note");
    }
}

/* Pending items to list: not approved, and not just an instance of an item
 * already listed (an override inherits its master's approval). */
static bool pending(const struct plan_item *it, const struct plan_item *master)
{
    return !it->approved && (master == it || !master || master->approved);
}

static void usage(FILE *f)
{
    fprintf(f, _("Usage: loaxa check [--from DATE] [--days N] [FILE|DIR...]\n"
                 "Checks plans (default: the configured plan) and their recordings;\n"
                 "overlaps, broadcast hours and sessions are checked for N days\n"
                 "(default 365) from DATE (default now).\n"));
}

int cmd_check(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},
        {"days", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int64_t from = lclock_now_ms(lclock_system());
    long days = 365;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'f':
            if (util_parse_time(optarg, &from) < 0) {
                fprintf(stderr, _("loaxa check: bad date \"%s\" (use YYYY-MM-DD or "
                                  "YYYY-MM-DDTHH:MM)\n"), optarg);
                return 2;
            }
            break;
        case 'd':
            days = strtol(optarg, &end, 10);
            if (*end || days < 1 || days > 3660) {
                fprintf(stderr, _("loaxa check: --days wants a number of days, 1-3660\n"));
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    const char *def[] = {cfg->plan_path};
    const char *const *paths = optind < argc ? (const char *const *)argv + optind : def;
    size_t n_paths = optind < argc ? (size_t)(argc - optind) : 1;
    struct plan_options po = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                              .no_emergency_from_priority = !cfg->emergency_from_priority};
    char *err = NULL;
    struct plan *plan = plan_load(paths, n_paths, &po, &err);
    if (!plan) {
        fprintf(stderr, "loaxa check: %s\n", err ? err : "?");
        free(err);
        return 1;
    }
    struct plan_check_options co = {
        .audio_root = cfg->audio_root,
        .signature_tune = cfg->signature_tune,
        .hours_start_min = cfg->hours_start_min,
        .hours_end_min = cfg->hours_end_min,
        .max_session_min = cfg->max_session_min,
        .from_ms = from,
        .to_ms = from + days * 86400000LL,
        .gap_max_s = CHECK_SESSION_GAP_S,
    };
    plan_check(plan, &co);
    size_t n_err = 0, n_warn = 0, n_pending = 0;
    for (size_t i = 0; i < plan_diag_count(plan); i++) {
        const struct plan_diag *d = plan_diag(plan, i);
        if (d->line > 0)
            printf("%s:%d: %s: %s\n", d->file, d->line, sev_name(d->severity), d->message);
        else
            printf("%s: %s: %s\n", d->file, sev_name(d->severity), d->message);
        n_err += d->severity == PLAN_ERROR;
        n_warn += d->severity == PLAN_WARNING;
    }
    if (!cfg->commune || !*cfg->commune) {
        /* the settings, not the plan: reports would carry no commune name */
        printf("%s: %s: %s\n", cfg->config_file ? cfg->config_file : "loaxa.conf",
               sev_name(PLAN_WARNING),
               _("station.commune is not set; reports will say the commune is not set "
                 "(set [station] commune = the commune's name)"));
        n_warn++;
    }
    size_t n_items = 0; /* broadcast items: overrides of an instance are not counted */
    for (size_t i = 0; i < plan_item_count(plan); i++) {
        const struct plan_item *it = plan_item_at(plan, i);
        const struct plan_item *m = plan_find_uid(plan, it->uid);
        n_items += m == it;
        n_pending += pending(it, m);
    }
    if (n_pending) {
        printf(ngettext("%zu item is pending approval (STATUS:TENTATIVE):\n",
                        "%zu items are pending approval (STATUS:TENTATIVE):\n", n_pending),
               n_pending);
        for (size_t i = 0; i < plan_item_count(plan); i++) {
            const struct plan_item *it = plan_item_at(plan, i);
            if (pending(it, plan_find_uid(plan, it->uid)))
                printf("  %s:%d  %s  %s\n", it->file, it->line, it->uid, it->summary);
        }
    }
    printf(ngettext("%zu file", "%zu files", plan_file_count(plan)), plan_file_count(plan));
    printf(", ");
    printf(ngettext("%zu item", "%zu items", n_items), n_items);
    printf(", ");
    printf(ngettext("%zu error", "%zu errors", n_err), n_err);
    printf(", ");
    printf(ngettext("%zu warning", "%zu warnings", n_warn), n_warn);
    printf("\n");
    plan_free(plan);
    return n_err ? 1 : 0;
}
