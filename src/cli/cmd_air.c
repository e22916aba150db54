/* TEMPORARY placeholder: replaced by the module's owner. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/i18n.h"

int cmd_air(int argc, char **argv, struct loaxa_config *cfg)
{
    (void)argc; (void)argv; (void)cfg;
    fprintf(stderr, "loaxa air: not implemented yet\n");
    return 70;
}
