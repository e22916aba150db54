/* TEMPORARY placeholder: replaced by the module's owner. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/i18n.h"

int cmd_devices(int argc, char **argv, struct loaxa_config *cfg)
{
    (void)argc; (void)argv; (void)cfg;
    fprintf(stderr, "loaxa devices: not implemented yet\n");
    return 70;
}
