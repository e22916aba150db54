/* The subcommands of `loaxa`. */
#ifndef LOAXA_CLI_H
#define LOAXA_CLI_H

#include "core/config.h"

#define CMD(name, help) int cmd_##name(int argc, char **argv, struct loaxa_config *cfg);
#include "cli/commands.def"
#undef CMD

#endif
