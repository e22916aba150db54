/* `loaxa status [--json] [--errors]`: what the daemon is doing: state,
 * what is on air (elapsed/remaining), the next airings, plan errors (the
 * first ones and their count), clock sync and the last failures. The
 * daemon answers JSON; --json prints it as is. --errors lists every error
 * of the refused plan, fetched a page at a time (ERRORS OFFSET). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctlcmd.h"
#include "core/i18n.h"
#include "core/util.h"
#include "ctl/status.h"

static const char *str(const char *s)
{
    return s ? s : "";
}

static void mmss(long long ms, char buf[32])
{
    long long s = ms / 1000;
    if (s >= 3600)
        snprintf(buf, 32, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, 32, "%lld:%02lld", s / 60, s % 60);
}

static const char *state_text(const char *s)
{
    if (strcmp(s, "on_air") == 0)
        return _("on air");
    if (strcmp(s, "idle") == 0)
        return _("idle");
    if (strcmp(s, "stopping") == 0)
        return _("shutting down");
    return s;
}

static void print_text(const struct ctl_status *st)
{
    printf(_("State:   %s (loaxad %s, pid %lld, since %s)\n"), state_text(str(st->state)),
           str(st->version), (long long)st->pid, str(st->started));
    printf(_("Output:  %s\n"), str(st->device));
    if (st->has_on_air) {
        const struct ctl_status_on_air *cur = &st->on_air;
        char el[32], rem[32];
        mmss(cur->elapsed_ms, el);
        printf(_("On air:  %s (%s, %s)\n"), str(cur->e.title), str(cur->e.key),
               i18n_keyword(str(cur->e.source)));
        if (cur->starts_in_ms >= 0) {
            mmss(cur->starts_in_ms + 999, rem);
            printf(_("         starts in %s\n"), rem);
        } else if (cur->remaining_ms >= 0) {
            mmss(cur->remaining_ms, rem);
            printf(_("         elapsed %s, remaining %s\n"), el, rem);
        } else {
            printf(_("         elapsed %s\n"), el);
        }
    }
    if (st->n_next > 0) {
        printf(_("Next:\n"));
        for (size_t i = 0; i < st->n_next; i++)
            printf("  %s  %s  [%s]\n", str(st->next[i].planned_start), str(st->next[i].title),
                   i18n_keyword(str(st->next[i].level)));
    } else {
        printf(_("Next:    nothing planned\n"));
    }
    if (st->has_plan) {
        printf(_("Plan:    %s, %lld item(s), loaded %s\n"), str(st->plan.path),
               (long long)st->plan.items, str(st->plan.loaded));
        for (size_t i = 0; i < st->plan.n_files; i++)
            printf("         %s\n", st->plan.files[i]);
        if (st->plan.error_count > 0) {
            if (st->plan.refused && st->plan.saved_copy)
                printf(_("         the plan has errors; airing the last good plan (its saved "
                         "copy, above):\n"));
            else if (st->plan.refused)
                printf(_("         the last reload was refused; still airing the last good "
                         "plan:\n"));
            else if (st->plan.left_out > 0)
                printf(_("         the plan has errors and there was no good plan: its valid "
                         "items air, the items with errors are left out:\n"));
            else
                printf(_("         recordings missing or unreadable (those airings will "
                         "fail):\n"));
            for (size_t i = 0; i < st->plan.n_errors; i++)
                printf("         %.*s\n", (int)st->plan.errors[i].len, st->plan.errors[i].s);
            long long more = (long long)st->plan.error_count - (long long)st->plan.n_errors;
            if (more > 0)
                printf(_("         ... and %lld more; see them all with: loaxa status "
                         "--errors\n"), more);
        }
    }
    if (st->has_clock)
        printf(_("Clock:   %s\n"), st->clock_synchronised ? _("synchronised")
                                                         : _("NOT synchronised (check NTP)"));
    if (st->pending_approvals > 0)
        printf(_("Waiting: %lld item(s) wait for an approval (see loaxa pending)\n"),
               (long long)st->pending_approvals);
    if (st->n_failures > 0) {
        printf(_("Last failures:\n"));
        for (size_t i = 0; i < st->n_failures; i++)
            printf("  %s\n", st->failures[i]);
    }
}

/* One page of ERRORS; -1 (printed) when the daemon cannot be reached,
 * keeps refusing or answers something else than a page. Its refusals of
 * this read-only request are passing (over the command rate: a long list
 * is many pages; busy), so each is tried again a second later. */
static int errors_page(const struct loaxa_config *cfg, unsigned offset,
                       struct ctl_errors_page *pg)
{
    struct ctl_request req = {.verb = CTL_ERRORS, .offset = offset};
    char err[1024], *ans = NULL;
    bool ok = false;
    for (int attempt = 0;; attempt++) {
        int rc = ctl_call(cfg->socket_path, &req, 15000, &ok, &ans, err, sizeof err);
        if (rc < 0) {
            ctlcmd_print_error("status", cfg, rc, err);
            return -1;
        }
        if (ok)
            break;
        if (attempt == 5) {
            fprintf(stderr, "loaxa status: %s\n", ans);
            free(ans);
            return -1;
        }
        free(ans);
        poll(NULL, 0, 1000);
    }
    int rc = ctl_errors_decode(ans, pg, err, sizeof err);
    free(ans);
    if (rc < 0) {
        fprintf(stderr, "loaxa status: %s\n", err);
        return -1;
    }
    return 0;
}

struct texts {
    struct ctl_text *v;
    size_t n, cap;
};

static void texts_free(struct texts *t)
{
    for (size_t i = 0; i < t->n; i++)
        free((char *)t->v[i].s);
    free(t->v);
    *t = (struct texts){0};
}

/* Every error, page after page. The pages must all come from one list
 * (a reload may replace it meanwhile): if not, start again, a few times. */
static int list_errors(const struct loaxa_config *cfg, bool json)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        struct texts all = {0};
        struct ctl_errors_page first = {0}, pg;
        bool have_first = false, changed = false;
        unsigned offset = 0;
        for (;;) {
            if (errors_page(cfg, offset, &pg) < 0) {
                texts_free(&all);
                ctl_errors_free(&first);
                return 1;
            }
            if (!have_first) {
                first = pg;
                have_first = true;
            } else if (strcmp(str(pg.list), str(first.list)) != 0) {
                changed = true;
            }
            for (size_t i = 0; i < pg.n_errors; i++) {
                if (all.n == all.cap) {
                    all.cap = all.cap ? all.cap * 2 : 64;
                    all.v = xrealloc(all.v, all.cap * sizeof *all.v);
                }
                char *s = xmalloc(pg.errors[i].len + 1);
                memcpy(s, pg.errors[i].s, pg.errors[i].len);
                s[pg.errors[i].len] = '\0';
                all.v[all.n++] = (struct ctl_text){s, pg.errors[i].len};
            }
            long long next = pg.next;
            if (pg.doc_ != first.doc_)
                ctl_errors_free(&pg);
            if (changed || next < 0)
                break;
            if (next <= (long long)offset || next > CTL_MAX_OFFSET) { /* no progress */
                fprintf(stderr, _("loaxa status: the daemon's answer is not a page of "
                                  "errors\n"));
                texts_free(&all);
                ctl_errors_free(&first);
                return 1;
            }
            offset = (unsigned)next;
        }
        long long count = first.error_count;
        ctl_errors_free(&first);
        if (changed) { /* the plan's errors changed while we read them */
            texts_free(&all);
            continue;
        }
        if (json) {
            struct ctl_errors_page out = {.error_count = count, .offset = -1,
                                          .errors = all.v, .n_errors = all.n, .next = -1};
            char *s = ctl_errors_encode(&out);
            printf("%s\n", s);
            free(s);
        } else {
            for (size_t i = 0; i < all.n; i++)
                printf("%s\n", all.v[i].s);
            if (all.n == 0)
                printf(_("The plan has no errors.\n"));
        }
        texts_free(&all);
        return 0;
    }
    fprintf(stderr, _("loaxa status: the plan's errors kept changing while they were read; "
                      "try again\n"));
    return 1;
}

int cmd_status(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"errors", no_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false, errors = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'e': errors = true; break;
        case 'h': printf(_("Usage: loaxa status [--json] [--errors]\n")); return 0;
        default: fprintf(stderr, _("Usage: loaxa status [--json] [--errors]\n")); return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, _("Usage: loaxa status [--json] [--errors]\n"));
        return 2;
    }
    if (errors)
        return list_errors(cfg, json);
    struct ctl_request req = {.verb = CTL_STATUS};
    char *ans;
    int rc = ctlcmd_call("status", cfg, &req, &ans);
    if (rc != 0)
        return rc;
    if (json) {
        printf("%s\n", ans);
        free(ans);
        return 0;
    }
    struct ctl_status st;
    char err[256];
    rc = ctl_status_decode(ans, &st, err, sizeof err);
    free(ans);
    if (rc < 0) {
        fprintf(stderr, "loaxa status: %s\n", err);
        return 1;
    }
    print_text(&st);
    ctl_status_free(&st);
    return 0;
}
