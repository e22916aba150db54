/* `loaxa status [--json]`: what the daemon is doing: state, what is on air
 * (elapsed/remaining), the next airings, plan errors, clock sync and the
 * last failures. The daemon answers JSON; --json prints it as is. */
#include <getopt.h>
#include <json-c/json.h>
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
               str(cur, "source"));
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
                   str(e, "level"));
        }
    } else {
        printf(_("Next:    nothing in the next two days\n"));
    }
    if (json_object_object_get_ex(o, "plan", &v)) {
        printf(_("Plan:    %s, %lld item(s), loaded %s\n"), str(v, "path"), num(v, "items", 0),
               str(v, "loaded"));
        json_object *errs;
        if (num(v, "error_count", 0) > 0 && json_object_object_get_ex(v, "errors", &errs)) {
            printf(_("         the last reload was refused; still airing the last good plan:\n"));
            for (size_t i = 0; i < json_object_array_length(errs); i++)
                printf("         %s\n",
                       json_object_get_string(json_object_array_get_idx(errs, i)));
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

int cmd_status(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h': printf(_("Usage: loaxa status [--json]\n")); return 0;
        default: fprintf(stderr, _("Usage: loaxa status [--json]\n")); return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, _("Usage: loaxa status [--json]\n"));
        return 2;
    }
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
