/* loaxa audit [--from D] [--to D]: the web console's audit trail (web.db),
 * oldest first, one action a line: when, who, from where, what, detail. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/util.h"
#include "web/accounts.h"

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa audit [--from DATE] [--to DATE]\n"
            "Prints the web console's audit trail (setting web.db): every login, upload,\n"
            "install, approval, emergency and account change, oldest first.\n"), f);
}

/* Control characters in a stored text are shown as '?' (a terminal must
 * not be driven by what a client sent). */
static void put_clean(const char *s)
{
    for (; s && *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static int print_row(const struct acct_audit_row *r, void *ud)
{
    char t[UTIL_TIME_BUF];
    printf("%s  ", util_format_local(r->at_ms, t));
    put_clean(r->user);
    printf("  ");
    put_clean(r->address);
    printf("  ");
    put_clean(r->action);
    if (r->detail && *r->detail) {
        printf("  ");
        put_clean(r->detail);
    }
    putchar('\n');
    (*(long *)ud)++;
    return 0;
}

int cmd_audit(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int64_t from = INT64_MIN, to = INT64_MAX;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
        case 't':
            if (util_parse_bound(optarg, c == 't', c == 'f' ? &from : &to) < 0) {
                fprintf(stderr, _("loaxa audit: bad date \"%s\" (use YYYY-MM-DD or "
                                  "YYYY-MM-DDTHH:MM)\n"), optarg);
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
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    char err[1024];
    struct acct_db *db = NULL;
    if (acct_db_open(cfg->web_db, false, &db, err, sizeof err) < 0) {
        fprintf(stderr, _("loaxa audit: cannot open the accounts database: %s\n"), err);
        return 1;
    }
    long n = 0;
    int rc = acct_audit_list(db, from, to, 0, -1, false, print_row, &n);
    acct_db_close(db);
    if (rc < 0) {
        fprintf(stderr, "%s\n", _("loaxa audit: cannot read the audit trail"));
        return 1;
    }
    if (n == 0)
        printf("%s\n", _("No actions in the audit trail."));
    return 0;
}
