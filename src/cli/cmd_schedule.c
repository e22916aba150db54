/* TEMPORARY placeholder: replaced by the module's owner. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/i18n.h"

int cmd_schedule(int argc, char **argv, struct loaxa_config *cfg)
{
    (void)argc; (void)argv; (void)cfg;
    fprintf(stderr, "loaxa schedule: not implemented yet\n");
    return 70;
}
