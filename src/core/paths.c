/* Containment check on the real path, so a symlink cannot lead a plan out
 * of the audio root. A recording path is relative to the audio root, or
 * absolute (calendar clients write those) when it resolves inside it. */
#include "core/paths.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
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

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_windows_path(const char *s)
{
    bool drive = ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && s[1] == ':' &&
                 (s[2] == '\\' || s[2] == '/');
    return drive || (s[0] == '\\' && s[1] == '\\');
}

/* Percent-decodes s[0..n) into out; false when it does not fit or a
 * decoded byte is NUL. */
static bool pct_decode(const char *s, size_t n, char *out, size_t outlen)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
            if (c == '\0')
                return false;
        }
        if (w + 1 >= outlen)
            return false;
        out[w++] = c;
    }
    out[w] = '\0';
    return true;
}

bool paths_link_name(const char *rel, char *name, size_t namelen)
{
    const char *start, *end;
    bool url = strncasecmp(rel, "http://", 7) == 0 || strncasecmp(rel, "https://", 8) == 0 ||
               strncasecmp(rel, "file:", 5) == 0;
    if (!url && !is_windows_path(rel))
        return false;
    name[0] = '\0';
    if (url) {
        const char *p = strncasecmp(rel, "file:", 5) == 0 ? rel + 5 : strstr(rel, "://") + 3;
        end = p + strcspn(p, "?#");
        if (p != rel + 5) {
            p += strcspn(p, "/?#"); /* the host is not a file name */
            if (p > end)
                p = end;
        }
        start = end;
        while (start > p && start[-1] != '/' && start[-1] != '\\')
            start--;
    } else {
        end = rel + strlen(rel);
        start = end;
        while (start > rel && start[-1] != '\\' && start[-1] != '/')
            start--;
    }
    char buf[NAME_MAX + 1];
    if (!(url ? pct_decode(start, (size_t)(end - start), buf, sizeof buf)
              : (size_t)(end - start) < sizeof buf))
        return true;
    if (!url) {
        memcpy(buf, start, (size_t)(end - start));
        buf[end - start] = '\0';
    }
    if (!*buf || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0 || strchr(buf, '/') || strchr(buf, '\\') ||
        strlen(buf) >= namelen)
        return true;
    memcpy(name, buf, strlen(buf) + 1);
    return true;
}

/* Looks for regular files called name in dir's folders (not dir itself),
 * depth folders deep; hidden entries and symlinked folders are skipped.
 * Keeps the first two found (relative to the root) in found. */
struct search {
    const char *name;
    char found[2][PATH_MAX];
    int n_found;
    long entries;
    bool over;
};

static void search_dir(struct search *s, const char *dir, const char *reldir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) && !s->over) {
        if (de->d_name[0] == '.')
            continue;
        if (++s->entries > PATHS_SEARCH_ENTRIES) {
            s->over = true;
            break;
        }
        char path[PATH_MAX], rp[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path ||
            snprintf(rp, sizeof rp, "%s%s%s", reldir, *reldir ? "/" : "", de->d_name) >=
                (int)sizeof rp)
            continue;
        struct stat st;
        if (lstat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth > 0)
                search_dir(s, path, rp, depth - 1);
            continue;
        }
        if (*reldir && strcmp(de->d_name, s->name) == 0 && stat(path, &st) == 0 &&
            S_ISREG(st.st_mode)) {
            if (s->n_found < 2)
                memcpy(s->found[s->n_found], rp, strlen(rp) + 1);
            s->n_found++;
        }
    }
    closedir(d);
}

/* A client's link: the file of its name under the root (see paths.h).
 * Returns the path relative to the root in *relout (malloc'd), or -EACCES. */
static int link_target(const char *root, const char *root_real, const char *rel,
                       const char *name, char **relout, char *err, size_t errlen)
{
    char path[PATH_MAX], real[PATH_MAX];
    *relout = NULL;
    if (!*name) {
        snprintf(err, errlen, _("\"%s\" names no file: write the recording's file name under "
                                "the audio root (%s)"), rel, root);
        return -EACCES;
    }
    /* file:///srv/loaxa/audio/x/y.wav: that very file when it is inside */
    if (strncasecmp(rel, "file:", 5) == 0) {
        const char *p = rel + 5;
        if (strncmp(p, "//", 2) == 0) {
            p += 2;
            p += strcspn(p, "/"); /* "", "localhost" */
        }
        char dec[PATH_MAX];
        /* with a ".." component it is judged by its name only, as paths are */
        if (p[0] == '/' && pct_decode(p, strcspn(p, "?#"), dec, sizeof dec) &&
            !strstr(dec, "/../") &&
            (strlen(dec) < 3 || strcmp(dec + strlen(dec) - 3, "/..") != 0) &&
            realpath(dec, real) && paths_within(root_real, real)) {
            *relout = xstrdup(real);
            return 0;
        }
    }
    if (snprintf(path, sizeof path, "%s/%s", root_real, name) < (int)sizeof path &&
        access(path, F_OK) == 0) {
        *relout = xstrdup(name);
        return 0;
    }
    struct search s = {.name = name};
    search_dir(&s, root_real, "", PATHS_SEARCH_DEPTH);
    if (s.over) {
        snprintf(err, errlen, _("\"%s\" stands for the file \"%s\", but the audio root (%s) "
                                "has more than %d entries to search: write its path under "
                                "the audio root instead"), rel, name, root,
                 PATHS_SEARCH_ENTRIES);
        return -EACCES;
    }
    if (s.n_found == 0) {
        snprintf(err, errlen, _("\"%s\" is a URL, never fetched: no file \"%s\" is under the "
                                "audio root (%s); copy the recording there"), rel, name, root);
        return -EACCES;
    }
    if (s.n_found > 1) {
        snprintf(err, errlen, _("\"%s\" stands for the file \"%s\", which is in more than "
                                "one folder of the audio root (%s and %s): write the path "
                                "under the audio root"), rel, name, s.found[0], s.found[1]);
        return -EACCES;
    }
    *relout = xstrdup(s.found[0]);
    return 0;
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
    char name[NAME_MAX + 1];
    bool link = paths_link_name(rel, name, sizeof name);
    if (!link && (is_url(rel) || strncmp(rel, "cid:", 4) == 0)) {
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
    if (link) {
        char *target;
        int rc = link_target(root, root_real, rel, name, &target, err, errlen);
        if (rc < 0)
            return rc;
        rc = paths_resolve_audio(root, target, abs, err, errlen);
        free(target);
        return rc;
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
