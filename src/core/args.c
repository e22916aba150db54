/* Common option extraction: done before each command's own getopt so the
 * commands never need to know about settings. */
#include "core/args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

struct pending {
    const char *key;
    const char *value;
};

int args_common(int *argc, char **argv, struct loaxa_config *cfg, char *err, size_t errlen)
{
    const char *config_path = NULL;
    struct pending *sets = xcalloc((size_t)*argc + 1, sizeof *sets);
    size_t nsets = 0;
    int out = 1, rc = 0;
    int i;

    for (i = 1; i < *argc; i++) {
        char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strncmp(a, "--", 2) != 0) {
            argv[out++] = a;
            continue;
        }
        char name[128];
        const char *eq = strchr(a + 2, '=');
        size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (nl >= sizeof name) {
            argv[out++] = a;
            continue;
        }
        memcpy(name, a + 2, nl);
        name[nl] = '\0';
        const char *key = NULL;
        int is_config = strcmp(name, "config") == 0;
        int is_set = strcmp(name, "set") == 0;
        if (!is_config && !is_set && !(key = config_flag_key(name))) {
            argv[out++] = a; /* the command's own option */
            continue;
        }
        const char *val = eq ? eq + 1 : NULL;
        if (!val) {
            if (i + 1 >= *argc) {
                snprintf(err, errlen, _("option --%s needs a value"), name);
                rc = -EINVAL;
                goto done;
            }
            val = argv[++i];
        }
        if (is_config) {
            config_path = val;
        } else if (is_set) {
            const char *e2 = strchr(val, '=');
            if (!e2) {
                snprintf(err, errlen, _("option --set needs KEY=VALUE, got \"%s\""), val);
                rc = -EINVAL;
                goto done;
            }
            /* key is a copy kept in argv's storage: split in place */
            ((char *)e2)[0] = '\0';
            sets[nsets++] = (struct pending){val, e2 + 1};
        } else {
            sets[nsets++] = (struct pending){key, val};
        }
    }
    for (; i < *argc; i++)
        argv[out++] = argv[i];
    argv[out] = NULL;
    *argc = out;

    if (!config_path)
        config_path = config_default_path();
    if (config_path && (rc = config_load_file(cfg, config_path, err, errlen)) < 0)
        goto done;
    free(cfg->station_db_path);
    cfg->station_db_path = xstrdup(cfg->db_path);
    for (size_t k = 0; k < nsets; k++) {
        const char *k2 = strncmp(sets[k].key, "paths.", 6) == 0 ? sets[k].key + 6 : sets[k].key;
        if (strcmp(k2, "db") == 0)
            cfg->db_from_cli = true;
        char msg[400];
        if ((rc = config_set(cfg, sets[k].key, sets[k].value, NULL, msg, sizeof msg)) < 0) {
            snprintf(err, errlen, _("command line: %s"), msg);
            goto done;
        }
    }
done:
    free(sets);
    return rc;
}

static void print_one(const char *section, const char *key, const char *flag, const char *help,
                      void *ud)
{
    char left[64];
    snprintf(left, sizeof left, "--%s V", flag);
    fprintf((FILE *)ud, "  %-24s %s [%s.%s]\n", left, _(help), section, key);
}

void args_print_common_help(FILE *f)
{
    fprintf(f, "%s\n", _("Options common to all commands:"));
    fprintf(f, "  %-24s %s\n", "--config FILE", _("settings file (INI)"));
    fprintf(f, "  %-24s %s\n", "--set KEY=VALUE", _("set any setting, e.g. --set audio.fade_ms=500"));
    config_foreach(print_one, f);
}
