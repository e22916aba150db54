/* The options common to every subcommand and to loaxad: --config FILE and
 * one flag per setting (--plan, --audio-root, --db, --device, ...). */
#ifndef LOAXA_ARGS_H
#define LOAXA_ARGS_H

#include <stddef.h>
#include <stdio.h>

#include "core/config.h"

/* Removes the common options from argv (wherever they stand, before "--"),
 * loads the config file (--config, else config_default_path()) into cfg,
 * then applies the flags over it. Returns 0, or a negative code with a
 * message naming the option or file:line in err. */
int args_common(int *argc, char **argv, struct loaxa_config *cfg, char *err, size_t errlen);

/* Prints the common options and settings, for --help. */
void args_print_common_help(FILE *f);

#endif
