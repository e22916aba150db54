/* `loaxa reload`: the daemon re-reads the plan; a plan with errors is
 * refused and the last good one keeps airing. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/ctlcmd.h"
#include "core/i18n.h"

int cmd_reload(int argc, char **argv, struct loaxa_config *cfg)
{
    int rc = ctlcmd_no_options(argc, argv, _("Usage: loaxa reload\n"
                                             "Makes the daemon re-read the plan.\n"));
    if (rc >= 0)
        return rc;
    struct ctl_request req = {.verb = CTL_RELOAD};
    char *ans;
    if ((rc = ctlcmd_call("reload", cfg, &req, &ans)) != 0)
        return rc;
    printf("%s\n", ans);
    free(ans);
    return 0;
}
