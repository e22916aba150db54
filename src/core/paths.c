/* Containment check on the real path, so a symlink cannot lead a plan out
 * of the audio root. A recording path is relative to the audio root, or
 * absolute (calendar clients write those) when it resolves inside it. */
#include "core/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

static int is_url(const char *s)
{
    const char *c = strstr(s, "://");
    if (!c || c == s)
        return 0;
    for (const char *p = s; p < c; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '+' || *p == '-' ||
              *p == '.'))
            return 0;
    return 1;
}

bool paths_within(const char *root_real, const char *real)
{
    size_t rl = strlen(root_real);
    if (rl == 1 && root_real[0] == '/')
        return real[0] == '/';
    return strncmp(real, root_real, rl) == 0 && (real[rl] == '/' || real[rl] == '\0');
}

int paths_resolve_audio(const char *root, const char *rel, char **abs, char *err,
                        size_t errlen)
{
    char root_real[PATH_MAX], real[PATH_MAX];
    *abs = NULL;
    if (!rel || !*rel) {
        snprintf(err, errlen, _("empty recording path"));
        return -EINVAL;
    }
    if (is_url(rel) || strncmp(rel, "file:", 5) == 0 || strncmp(rel, "cid:", 4) == 0) {
        snprintf(err, errlen,
                 _("\"%s\" is a URL; recordings must be files under the audio root (%s)"), rel,
                 root);
        return -EACCES;
    }
    if (!realpath(root, root_real)) {
        int e = errno;
        snprintf(err, errlen, _("audio root %s: %s"), root, strerror(e));
        return -e;
    }
    /* ".." components are refused even when they would come back inside. */
    for (const char *p = rel; (p = strstr(p, "..")) != NULL; p += 2) {
        int start = p == rel || p[-1] == '/';
        int end = p[2] == '\0' || p[2] == '/';
        if (start && end) {
            snprintf(err, errlen, _("\"%s\" leaves the audio root (%s): \"..\" is not allowed"),
                     rel, root);
            return -EACCES;
        }
    }
    char *joined = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", root_real, rel);
    if (!realpath(joined, real)) {
        int e = errno;
        /* A missing file may still be refused for its place: an absolute
         * path counts as inside when it is written under the root as
         * configured or as resolved (a component boundary, not a prefix:
         * /srv/audio2 is not under /srv/audio). */
        if (rel[0] == '/' && !paths_within(root_real, joined) && !paths_within(root, joined)) {
            snprintf(err, errlen, _("\"%s\" is outside the audio root (%s)"), rel, root);
            free(joined);
            return -EACCES;
        }
        snprintf(err, errlen, _("recording %s: %s"), joined, strerror(e));
        free(joined);
        return -e;
    }
    free(joined);
    if (!paths_within(root_real, real)) {
        snprintf(err, errlen, _("\"%s\" is outside the audio root (%s)"), rel, root);
        return -EACCES;
    }
    *abs = xstrdup(real);
    return 0;
}
