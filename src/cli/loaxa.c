/* loaxa: the officer's command-line tool. Common options and settings are
 * handled here; each subcommand lives in its own cmd_*.c. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "build-config.h"
#include "cli/cli.h"
#include "core/args.h"
#include "core/i18n.h"
#include "core/util.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv, struct loaxa_config *cfg);
    const char *help;
};

static const struct command commands[] = {
#define CMD(name, help) {#name, cmd_##name, help},
#include "cli/commands.def"
#undef CMD
};

static void usage(FILE *f)
{
    fprintf(f, _("Usage: loaxa COMMAND [OPTIONS]\n"));
    fprintf(f, "\n%s\n", _("Commands:"));
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, _(commands[i].help));
    fputc('\n', f);
    args_print_common_help(f);
}

int main(int argc, char **argv)
{
    i18n_init();
    struct loaxa_config cfg;
    char err[1024];
    config_init(&cfg);
    /* the common options may stand before the command too
     * ("loaxa --db x.db log"): they are taken out wherever they are */
    int rc = args_common(&argc, argv, &cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "loaxa: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    rc = 2;
    if (argc < 2) {
        usage(stderr);
        goto out;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        rc = 0;
        goto out;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("loaxa %s\n", LOAXA_VERSION);
        rc = 0;
        goto out;
    }
    const struct command *cmd = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, _("loaxa: unknown command \"%s\"; run \"loaxa --help\" for the list\n"),
                argv[1]);
        goto out;
    }
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    if (util_set_timezone(cfg.timezone) < 0) {
        fprintf(stderr, _("loaxa %s: unknown time zone \"%s\" (setting station.timezone, "
                          "flag --tz); use an IANA name such as Asia/Ho_Chi_Minh\n"),
                cmd->name, cfg.timezone);
        goto out;
    }
    rc = cmd->run(sub_argc, sub_argv, &cfg);
out:
    config_free(&cfg);
    return rc;
}
