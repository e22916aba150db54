/* TEMPORARY placeholder: replaced by the daemon's owner. */
#include <stdio.h>

#include "core/args.h"
#include "core/i18n.h"

int main(int argc, char **argv)
{
    i18n_init();
    struct loaxa_config cfg;
    char err[1024];
    config_init(&cfg);
    if (args_common(&argc, argv, &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "loaxad: %s\n", err);
        return 2;
    }
    config_free(&cfg);
    return 0;
}
