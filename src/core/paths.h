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
 * refused: "..", absolute paths elsewhere, symlinks out, cid: and other
 * URLs that name no file.
 * A calendar client's link (http://, https://, file:// URL, or a Windows
 * path C:\...\x.mp3) is never fetched: it stands for the file of its last
 * part's name (percent-decoded) under the root, looked up at the root,
 * then in its folders (PATHS_SEARCH_DEPTH deep, PATHS_SEARCH_ENTRIES
 * entries at most, symlinked folders not followed); found twice is refused
 * as ambiguous, not found or not searchable in the bound is refused.
 * Returns 0 and a malloc'd absolute path in *abs, -EACCES (outside the
 * root, or a URL without its file: err says which), or -errno (e.g.
 * -ENOENT: missing). */
int paths_resolve_audio(const char *root, const char *rel, char **abs, char *err,
                        size_t errlen);

#define PATHS_SEARCH_DEPTH 4
#define PATHS_SEARCH_ENTRIES 20000

/* When rel is a calendar client's link (see paths_resolve_audio), writes
 * the file name it stands for (percent-decoded) into name and returns
 * true; false for plain paths. name is "" when the link has no usable
 * last part (empty, ".", "..", a decoded '/' or NUL). */
bool paths_link_name(const char *rel, char *name, size_t namelen);

#endif
