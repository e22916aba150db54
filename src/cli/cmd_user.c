/* `loaxa user add|passwd|list|remove`: the web console's accounts, in its
 * own database (web.db), through the accounts module directly. The
 * password is asked twice on a terminal (echo off) or read as two lines
 * from standard input; it is never printed nor logged. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/util.h"
#include "web/accounts.h"

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa user add NAME --role viewer|officer|approver|admin\n"
            "       loaxa user passwd NAME\n"
            "       loaxa user list\n"
            "       loaxa user remove NAME\n"
            "The password is asked twice (or read as two lines from standard input);\n"
            "at least 8 characters. The accounts are in the setting web.db.\n"), f);
}

/* One line of at most ACCT_PASSWORD_MAX bytes, without its newline;
 * -1 at EOF, -2 when too long. */
static int read_line(FILE *in, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, in))
        return -1;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (n == size - 1) {
        int c;
        while ((c = fgetc(in)) != EOF && c != '\n')
            ;
        return -2;
    }
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return 0;
}

static int ask(const char *prompt, bool tty, char *buf, size_t size)
{
    struct termios old, quiet;
    bool echo_off = false;
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            quiet.c_lflag |= ECHONL;
            echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    int rc = read_line(stdin, buf, size);
    if (echo_off)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    return rc;
}

/* The new password, asked twice; 0, or 1 (printed). */
static int get_password(char *pw, size_t size)
{
    char again[ACCT_PASSWORD_MAX + 2];
    bool tty = isatty(STDIN_FILENO);
    int rc = ask(_("New password: "), tty, pw, size);
    if (rc == 0)
        rc = ask(_("The password again: "), tty, again, sizeof again);
    int ret = 1;
    if (rc == -1)
        fprintf(stderr, "%s\n", _("loaxa user: the password must be given twice (two lines)"));
    else if (rc == -2)
        fprintf(stderr, _("loaxa user: the password is longer than %d bytes\n"),
                ACCT_PASSWORD_MAX);
    else if (strcmp(pw, again) != 0)
        fprintf(stderr, "%s\n", _("loaxa user: the two passwords differ"));
    else if (strlen(pw) < ACCT_PASSWORD_MIN)
        fprintf(stderr, _("loaxa user: the password needs at least %d characters\n"),
                ACCT_PASSWORD_MIN);
    else
        ret = 0;
    memset(again, 0, sizeof again);
    return ret;
}

/* root made the file: it belongs to the owner of its folder (loaxa-web's
 * own user, StateDirectory), or loaxa-web could not open it. */
static void give_to_folder_owner(const char *path)
{
    if (geteuid() != 0)
        return;
    char *copy = xstrdup(path);
    struct stat dir, f;
    if (stat(dirname(copy), &dir) == 0 && lstat(path, &f) == 0 && S_ISREG(f.st_mode) &&
        f.st_uid == 0 && dir.st_uid != 0) {
        if (chown(path, dir.st_uid, dir.st_gid) < 0)
            fprintf(stderr, _("loaxa user: cannot give %s to the folder's owner: %s\n"), path,
                    strerror(errno));
    }
    free(copy);
}

/* An audit row for a change made here: by "uid:N(name)" (as the daemon
 * names its operators), from "local". */
static void audit(struct acct_db *db, const char *action, const char *detail)
{
    char who[128], buf[1024];
    struct passwd pw, *pwp = NULL;
    uid_t uid = getuid();
    getpwuid_r(uid, &pw, buf, sizeof buf, &pwp);
    snprintf(who, sizeof who, "uid:%u(%s)", (unsigned)uid, pwp ? pwp->pw_name : "?");
    if (acct_audit_add(db, lclock_now_ms(lclock_system()), who, "local", action, detail) < 0)
        fprintf(stderr, "%s\n", _("loaxa user: cannot write the audit trail"));
}

static int print_user(const char *name, enum acct_role role, int64_t created_ms, void *ud)
{
    char t[UTIL_TIME_BUF];
    printf("%-24s %-9s %s\n", name, acct_role_name(role), util_format_local(created_ms, t));
    (*(int *)ud)++;
    return 0;
}

int cmd_user(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"role", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *role_s = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': role_s = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    const char *verb = optind < argc ? argv[optind] : NULL;
    const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
    int want_args = verb && strcmp(verb, "list") == 0 ? 1 : 2;
    if (!verb || argc - optind != want_args ||
        (strcmp(verb, "add") != 0 && strcmp(verb, "passwd") != 0 && strcmp(verb, "list") != 0 &&
         strcmp(verb, "remove") != 0) ||
        (role_s && strcmp(verb, "add") != 0)) {
        usage(stderr);
        return 2;
    }
    enum acct_role role = ACCT_VIEWER;
    if (strcmp(verb, "add") == 0 && (!role_s || acct_role_parse(role_s, &role) < 0)) {
        fprintf(stderr, "%s\n", _("loaxa user add: --role viewer, officer, approver or admin "
                                  "is required"));
        return 2;
    }
    if (name && !acct_name_valid(name)) {
        fprintf(stderr, _("loaxa user: \"%s\" is not a valid user name (1-64 letters, digits, "
                          "'.', '_' or '-')\n"), name);
        return 2;
    }
    char err[1024];
    struct acct_db *db = NULL;
    bool create = strcmp(verb, "add") == 0;
    if (acct_db_open(cfg->web_db, create, &db, err, sizeof err) < 0) {
        fprintf(stderr, _("loaxa user: cannot open the accounts database: %s\n"), err);
        return 1;
    }
    if (create)
        give_to_folder_owner(cfg->web_db);
    int ret = 1, rc;
    char pw[ACCT_PASSWORD_MAX + 2];
    if (strcmp(verb, "list") == 0) {
        int n = 0;
        if (acct_user_list(db, print_user, &n) < 0)
            fprintf(stderr, "%s\n", _("loaxa user: cannot read the accounts"));
        else {
            if (n == 0)
                printf("%s\n", _("No users."));
            ret = 0;
        }
    } else if (strcmp(verb, "remove") == 0) {
        rc = acct_user_remove(db, name);
        if (rc == -ENOENT)
            fprintf(stderr, _("loaxa user: no user \"%s\"\n"), name);
        else if (rc < 0)
            fprintf(stderr, "%s\n", _("loaxa user: cannot write the accounts"));
        else {
            audit(db, "user-remove", name);
            ret = 0;
        }
    } else if (get_password(pw, sizeof pw) == 0) {
        rc = create ? acct_user_add(db, name, role, pw, lclock_now_ms(lclock_system()))
                    : acct_user_passwd(db, name, pw);
        if (rc == -EEXIST)
            fprintf(stderr, _("loaxa user: the user \"%s\" exists already\n"), name);
        else if (rc == -ENOENT)
            fprintf(stderr, _("loaxa user: no user \"%s\"\n"), name);
        else if (rc < 0)
            fprintf(stderr, "%s\n", _("loaxa user: cannot write the accounts"));
        else {
            char detail[128];
            snprintf(detail, sizeof detail, "%s%s%s", name, create ? " " : "",
                     create ? acct_role_name(role) : "");
            audit(db, create ? "user-add" : "user-passwd", detail);
            ret = 0;
        }
    }
    memset(pw, 0, sizeof pw);
    acct_db_close(db);
    return ret;
}
