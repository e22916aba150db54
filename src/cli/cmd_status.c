/* `loaxa status [--json] [--errors]`: what the daemon is doing: state,
 * what is on air (elapsed/remaining), the next airings, plan errors (the
 * first ones and their count), clock sync and the last failures. The
 * daemon answers JSON; --json prints it as is. --errors lists every error
 * of the refused plan, fetched a page at a time (ERRORS OFFSET). */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctlcmd.h"
#include "core/i18n.h"

static const char *str(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static long long num(json_object *o, const char *key, long long def)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_int64(v) : def;
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

static void print_text(json_object *o)
{
    json_object *v, *cur;
    printf(_("State:   %s (loaxad %s, pid %lld, since %s)\n"), state_text(str(o, "state")),
           str(o, "version"), num(o, "pid", 0), str(o, "started"));
    printf(_("Output:  %s\n"), str(o, "device"));
    if (json_object_object_get_ex(o, "on_air", &cur)) {
        char el[32], rem[32];
        mmss(num(cur, "elapsed_ms", 0), el);
        printf(_("On air:  %s (%s, %s)\n"), str(cur, "title"), str(cur, "key"),
               i18n_keyword(str(cur, "source")));
        long long r = num(cur, "remaining_ms", -1), wait = num(cur, "starts_in_ms", -1);
        if (wait >= 0) {
            mmss(wait + 999, rem);
            printf(_("         starts in %s\n"), rem);
        } else if (r >= 0) {
            mmss(r, rem);
            printf(_("         elapsed %s, remaining %s\n"), el, rem);
        } else {
            printf(_("         elapsed %s\n"), el);
        }
    }
    if (json_object_object_get_ex(o, "next", &v) && json_object_array_length(v) > 0) {
        printf(_("Next:\n"));
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *e = json_object_array_get_idx(v, i);
            printf("  %s  %s  [%s]\n", str(e, "planned_start"), str(e, "title"),
                   i18n_keyword(str(e, "level")));
        }
    } else {
        printf(_("Next:    nothing planned\n"));
    }
    if (json_object_object_get_ex(o, "plan", &v)) {
        printf(_("Plan:    %s, %lld item(s), loaded %s\n"), str(v, "path"), num(v, "items", 0),
               str(v, "loaded"));
        json_object *errs, *b;
        json_object *fl;
        if (json_object_object_get_ex(v, "files", &fl))
            for (size_t i = 0; i < json_object_array_length(fl); i++)
                printf("         %s\n", json_object_get_string(json_object_array_get_idx(fl, i)));
        bool refused = json_object_object_get_ex(v, "refused", &b) && json_object_get_boolean(b);
        bool copy = json_object_object_get_ex(v, "saved_copy", &b) && json_object_get_boolean(b);
        if (num(v, "error_count", 0) > 0 && json_object_object_get_ex(v, "errors", &errs)) {
            if (refused && copy)
                printf(_("         the plan has errors; airing the last good plan (its saved "
                         "copy, above):\n"));
            else if (refused)
                printf(_("         the last reload was refused; still airing the last good "
                         "plan:\n"));
            else if (num(v, "left_out", 0) > 0)
                printf(_("         the plan has errors and there was no good plan: its valid "
                         "items air, the items with errors are left out:\n"));
            else
                printf(_("         recordings missing or unreadable (those airings will "
                         "fail):\n"));
            size_t shown = json_object_array_length(errs);
            for (size_t i = 0; i < shown; i++)
                printf("         %s\n",
                       json_object_get_string(json_object_array_get_idx(errs, i)));
            long long more = num(v, "error_count", 0) - (long long)shown;
            if (more > 0)
                printf(_("         ... and %lld more; see them all with: loaxa status "
                         "--errors\n"), more);
        }
    }
    if (json_object_object_get_ex(o, "clock", &v)) {
        json_object *b;
        bool sync = json_object_object_get_ex(v, "synchronised", &b) && json_object_get_boolean(b);
        printf(_("Clock:   %s\n"), sync ? _("synchronised") : _("NOT synchronised (check NTP)"));
    }
    if (json_object_object_get_ex(o, "last_failures", &v) && json_object_array_length(v) > 0) {
        printf(_("Last failures:\n"));
        for (size_t i = 0; i < json_object_array_length(v); i++)
            printf("  %s\n", json_object_get_string(json_object_array_get_idx(v, i)));
    }
}

/* One page of ERRORS; NULL (printed) when the daemon cannot be reached,
 * keeps refusing or answers something else than a page. Its refusals of
 * this read-only request are passing (over the command rate: a long list
 * is many pages; busy), so each is tried again a second later. */
static json_object *errors_page(const struct loaxa_config *cfg, unsigned offset)
{
    struct ctl_request req = {.verb = CTL_ERRORS, .offset = offset};
    char err[1024], *ans = NULL;
    bool ok = false;
    for (int attempt = 0;; attempt++) {
        int rc = ctl_call(cfg->socket_path, &req, 15000, &ok, &ans, err, sizeof err);
        if (rc < 0) {
            ctlcmd_print_error("status", cfg, rc, err);
            return NULL;
        }
        if (ok)
            break;
        if (attempt == 5) {
            fprintf(stderr, "loaxa status: %s\n", ans);
            free(ans);
            return NULL;
        }
        free(ans);
        poll(NULL, 0, 1000);
    }
    json_object *o = json_tokener_parse(ans), *v;
    free(ans);
    if (!o || !json_object_object_get_ex(o, "errors", &v) ||
        !json_object_is_type(v, json_type_array)) {
        fprintf(stderr, _("loaxa status: the daemon's answer is not a page of errors\n"));
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* Every error, page after page. The pages must all come from one list
 * (a reload may replace it meanwhile): if not, start again, a few times. */
static int list_errors(const struct loaxa_config *cfg, bool json)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        json_object *all = json_object_new_array(), *first = NULL, *v;
        long long count = 0;
        bool changed = false;
        unsigned offset = 0;
        for (;;) {
            json_object *pg = errors_page(cfg, offset);
            if (!pg) {
                json_object_put(all);
                json_object_put(first);
                return 1;
            }
            if (!first) {
                first = pg;
                count = num(pg, "error_count", 0);
            } else if (strcmp(str(pg, "list"), str(first, "list")) != 0) {
                changed = true;
            }
            json_object_object_get_ex(pg, "errors", &v);
            for (size_t i = 0; i < json_object_array_length(v); i++)
                json_object_array_add(all, json_object_get(json_object_array_get_idx(v, i)));
            long long next = num(pg, "next", -1);
            if (pg != first)
                json_object_put(pg);
            if (changed || next < 0)
                break;
            if (next <= (long long)offset || next > CTL_MAX_OFFSET) { /* no progress */
                fprintf(stderr, _("loaxa status: the daemon's answer is not a page of "
                                  "errors\n"));
                json_object_put(all);
                json_object_put(first);
                return 1;
            }
            offset = (unsigned)next;
        }
        json_object_put(first);
        if (changed) { /* the plan's errors changed while we read them */
            json_object_put(all);
            continue;
        }
        if (json) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "error_count", json_object_new_int64(count));
            json_object_object_add(o, "errors", all);
            printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(o);
        } else {
            size_t n = json_object_array_length(all);
            for (size_t i = 0; i < n; i++)
                printf("%s\n", json_object_get_string(json_object_array_get_idx(all, i)));
            if (n == 0)
                printf(_("The plan has no errors.\n"));
            json_object_put(all);
        }
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
    json_object *o = json_tokener_parse(ans);
    if (!o) {
        fprintf(stderr, _("loaxa status: the daemon's answer is not JSON\n"));
        free(ans);
        return 1;
    }
    print_text(o);
    json_object_put(o);
    free(ans);
    return 0;
}
