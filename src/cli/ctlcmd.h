/* Shared by the subcommands that talk to loaxad over its control socket. */
#ifndef LOAXA_CTLCMD_H
#define LOAXA_CTLCMD_H

#include <stdbool.h>

#include "core/config.h"
#include "ctl/ctl.h"

/* Sends req to the daemon (cfg->socket_path). Prints errors itself as
 * "loaxa NAME: ...". Returns 0 with *answer (malloc'd) when the daemon said
 * OK, 1 when it said ERR (printed) or could not be reached. */
int ctlcmd_call(const char *name, const struct loaxa_config *cfg, const struct ctl_request *req,
                char **answer);

/* Prints ctl_call()'s failure (rc, err) as "loaxa NAME: ...", with what
 * to do when the socket refused us: the group to join ([paths] socket_group). */
void ctlcmd_print_error(const char *name, const struct loaxa_config *cfg, int rc,
                        const char *err);

/* Parses the command's options: only --help (prints usage). Returns -1 to
 * go on, else the exit status. */
int ctlcmd_no_options(int argc, char **argv, const char *usage);

#endif
