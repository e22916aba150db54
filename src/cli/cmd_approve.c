/* `loaxa approve UID [--comment T]`, `loaxa reject UID --comment T` and
 * `loaxa pending [--json]`: the approvals of station.approval from the
 * shell. The daemon keeps them (its log, one writer) and decides what airs;
 * these ask it what waits (PENDING) and send the decision on the content
 * the approver was shown (its hash): when the item changed in between, the
 * daemon refuses and the approver looks again. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctlcmd.h"
#include "core/i18n.h"
#include "core/util.h"
#include "ctl/status.h"

static int get_pending(const char *name, const struct loaxa_config *cfg, char **json,
                       struct ctl_pending *p)
{
    struct ctl_request req = {.verb = CTL_PENDING};
    int rc = ctlcmd_call(name, cfg, &req, json);
    if (rc != 0)
        return rc;
    char err[256];
    if (ctl_pending_decode(*json, p, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa %s: %s\n", name, err);
        free(*json);
        *json = NULL;
        return 1;
    }
    return 0;
}

static void print_item(const struct ctl_pending_item *it)
{
    bool rej = it->state && strcmp(it->state, "rejected") == 0;
    printf("%-9s %-25s %-9s %s  %s\n", rej ? _("REJECTED") : _("PENDING"),
           it->first_start ? it->first_start : "-", i18n_keyword(it->level ? it->level : ""),
           it->uid ? it->uid : "", it->title ? it->title : "");
    for (size_t k = 0; k < it->n_recordings; k++)
        printf("          %s %s\n", _("recording:"), it->recordings[k]);
    if (it->hash && *it->hash)
        printf("          %s %s\n", _("content:"), it->hash);
    else
        printf("          %s\n", _("content: its recordings are still being read (try again "
                                   "in a moment)"));
    if (rej)
        printf("          %s %s, %s: %s\n", _("rejected by"), it->who ? it->who : "?",
               it->at ? it->at : "?", it->comment ? it->comment : "");
}

int cmd_pending(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *usage = N_("Usage: loaxa pending [--json]\n"
                                  "Lists the plan items that wait for an approval, or were "
                                  "rejected\n(station.approval; loaxa approve, loaxa reject).\n");
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h': fputs(_(usage), stdout); return 0;
        default: fputs(_(usage), stderr); return 2;
        }
    }
    if (optind != argc) {
        fputs(_(usage), stderr);
        return 2;
    }
    char *text = NULL;
    struct ctl_pending p;
    int rc = get_pending("pending", cfg, &text, &p);
    if (rc != 0)
        return rc;
    if (json) {
        printf("%s\n", text);
    } else {
        printf(ngettext("%lld item waits for approval (station.approval = %s)\n",
                        "%lld items wait for approval (station.approval = %s)\n",
                        (unsigned long)p.count),
               (long long)p.count, p.mode ? p.mode : "?");
        for (size_t i = 0; i < p.n_items; i++)
            print_item(&p.items[i]);
        if ((int64_t)p.n_items < p.count)
            printf(_("(%lld more not shown)\n"), (long long)(p.count - (int64_t)p.n_items));
    }
    ctl_pending_free(&p);
    free(text);
    return 0;
}

/* Sends the decision for every pending entry of uid (an item and its
 * RECURRENCE-ID overrides share it). */
static int decide(const char *name, enum ctl_verb verb, int argc, char **argv,
                  struct loaxa_config *cfg, const char *usage)
{
    static const struct option longopts[] = {
        {"comment", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *comment = "";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': comment = optarg; break;
        case 'h': fputs(_(usage), stdout); return 0;
        default: fputs(_(usage), stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fputs(_(usage), stderr);
        return 2;
    }
    const char *uid = argv[optind];
    struct ctl_request req = {.verb = verb};
    if (strlen(uid) >= sizeof req.target || strlen(comment) > CTL_MAX_COMMENT) {
        fprintf(stderr, _("loaxa %s: the UID or the comment is too long (a comment: at most "
                          "%d bytes)\n"), name, CTL_MAX_COMMENT);
        return 2;
    }
    for (const char *s = comment; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            fprintf(stderr, _("loaxa %s: the comment must be one line of text\n"), name);
            return 2;
        }
    }
    if (verb == CTL_REJECT && !*comment) {
        fprintf(stderr, _("loaxa reject: say why with --comment TEXT\n"));
        return 2;
    }
    util_strlcpy(req.target, uid, sizeof req.target);
    util_strlcpy(req.comment, comment, sizeof req.comment);

    char *text = NULL;
    struct ctl_pending p;
    int rc = get_pending(name, cfg, &text, &p);
    if (rc != 0)
        return rc;
    int found = 0, done = 0;
    rc = 0;
    for (size_t i = 0; i < p.n_items; i++) {
        const struct ctl_pending_item *it = &p.items[i];
        if (!it->uid || strcmp(it->uid, uid) != 0)
            continue;
        found++;
        if (!it->hash || strlen(it->hash) != 64) {
            fprintf(stderr, _("loaxa %s: %s: its recordings are still being read; try again "
                              "in a moment\n"), name, uid);
            rc = 1;
            continue;
        }
        util_strlcpy(req.hash, it->hash, sizeof req.hash);
        char *ans = NULL;
        if (ctlcmd_call(name, cfg, &req, &ans) != 0) {
            rc = 1;
            continue;
        }
        free(ans);
        done++;
        printf(verb == CTL_APPROVE ? _("approved: %s (%s), content %.12s\n")
                                   : _("rejected: %s (%s), content %.12s\n"),
               it->title ? it->title : "", uid, it->hash);
    }
    if (!found) {
        fprintf(stderr, _("loaxa %s: %s does not wait for an approval (see loaxa pending)\n"),
                name, uid);
        rc = 1;
    }
    ctl_pending_free(&p);
    free(text);
    return done && rc == 0 ? 0 : rc ? rc : 1;
}

int cmd_approve(int argc, char **argv, struct loaxa_config *cfg)
{
    return decide("approve", CTL_APPROVE, argc, argv, cfg,
                  N_("Usage: loaxa approve UID [--comment TEXT]\n"
                     "Approves the plan item UID as it is now (its times, title, level and "
                     "recordings);\nit airs from its next occurrence. A change to the item "
                     "makes it wait again.\n"));
}

int cmd_reject(int argc, char **argv, struct loaxa_config *cfg)
{
    return decide("reject", CTL_REJECT, argc, argv, cfg,
                  N_("Usage: loaxa reject UID --comment TEXT\n"
                     "Rejects the plan item UID as it is now, saying why; it does not air.\n"));
}
