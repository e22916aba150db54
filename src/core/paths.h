/* Recording paths: every recording must lie under the audio root. */
#ifndef LOAXA_PATHS_H
#define LOAXA_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the resolved path `real` is root_real itself or lies under it
 * (both already through realpath()). */
bool paths_within(const char *root_real, const char *real);

/* Resolves `rel` (an ATTACH value or a command-line path) against `root`
 * and checks the real path (symlinks followed) stays inside the root.
 * An absolute `rel` is accepted when its real path lies inside the root;
 * refused: URLs, "..", absolute paths elsewhere, symlinks out.
 * Returns 0 and a malloc'd absolute path in *abs, -EACCES (outside the
 * root, or a URL: err says which), or -errno (e.g. -ENOENT: missing). */
int paths_resolve_audio(const char *root, const char *rel, char **abs, char *err,
                        size_t errlen);

#endif
