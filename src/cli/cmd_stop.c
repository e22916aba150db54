/* `loaxa stop`: the daemon fades out the airing on air; the log says
 * interrupted, by whom. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/ctlcmd.h"
#include "core/i18n.h"

int cmd_stop(int argc, char **argv, struct loaxa_config *cfg)
{
    int rc = ctlcmd_no_options(argc, argv, _("Usage: loaxa stop\n"
                                             "Stops the programme on air (with a fade).\n"));
    if (rc >= 0)
        return rc;
    struct ctl_request req = {.verb = CTL_STOP};
    char *ans;
    if ((rc = ctlcmd_call("stop", cfg, &req, &ans)) != 0)
        return rc;
    printf(_("stopping %s\n"), ans);
    free(ans);
    return 0;
}
