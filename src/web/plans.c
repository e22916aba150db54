/* Plans from the console: an upload (one or several .ics) is kept under
 * web.versions_dir/uploads/<id>/, checked with the checker of `loaxa
 * check` and compared with the running plan over the next 14 days; an
 * officer then installs it: a new version under versions/vN/ (kept with
 * who and when), then each file written, fsynced and renamed into the plan
 * folder, one install at a time, and the daemon asked to RELOAD. A
 * rollback is a new upload of an old version's files. web.plan_url is
 * fetched (libcurl) every web.plan_url_minutes, checked the same way and
 * installed only when clean and changed. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/hash.h"
#include "core/i18n.h"
#include "core/util.h"
#include "ctl/ctl.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "web/api_internal.h"

#define DIFF_DAYS 14
#define DIFF_MAX 500              /* entries per list of the diff */
#define MESSAGES_MAX 1000
#define UPLOAD_TTL_MS (3600 * 1000) /* a checked upload waits this long for its install */
#define ID_LEN 32
#define CHECK_SESSION_GAP_S 60    /* as cmd_check.c */
#define RELOAD_TIMEOUT_MS 20000

/* ---- small file helpers ---- */

static int mkdir_private(const char *path)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -errno;
    struct stat st;
    if (lstat(path, &st) < 0)
        return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

/* Writes data to path (created exclusively) and fsyncs it. Mode 0644
 * whatever the umask (the unit's is 0077): the daemon, another user, reads
 * the plan; a plan is no secret (what it airs is public). */
static int write_new(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -errno;
    int rc = fchmod(fd, 0644) < 0 ? -errno : 0;
    for (size_t done = 0; done < len;) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = w < 0 ? -errno : -EIO;
            break;
        }
        done += (size_t)w;
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = -errno;
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc < 0)
        unlink(path);
    return rc;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char *p = xasprintf("%s/%s", dir, de->d_name);
            unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The *.ics names in dir (not hidden), sorted; the caller frees. */
static size_t list_ics(const char *dir, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0, cap = 0;
    char **v = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 5 || strcasecmp(de->d_name + l - 4, ".ics") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool id_valid(const char *id)
{
    if (!id || strlen(id) != ID_LEN)
        return false;
    for (size_t i = 0; i < ID_LEN; i++)
        if (!isxdigit((unsigned char)id[i]) || isupper((unsigned char)id[i]))
            return false;
    return true;
}

/* ---- the checker and the diff ---- */

static const char *sev_name(enum plan_severity s)
{
    return s == PLAN_ERROR ? "error" : s == PLAN_WARNING ? "warning" : "note";
}

static struct plan *load_paths(struct api *a, const char *const *paths, size_t n, char **err)
{
    const struct loaxa_config *cfg = a->cfg;
    struct plan_options po = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                              .no_emergency_from_priority = !cfg->emergency_from_priority};
    return plan_load(paths, n, &po, err);
}

static json_object *occ_doc(const struct plan_occurrence *o)
{
    json_object *j = json_object_new_object();
    char t[UTIL_TIME_BUF];
    json_object_object_add(j, "key", json_object_new_string(o->key));
    json_object_object_add(j, "uid", json_object_new_string(o->item->uid));
    json_object_object_add(j, "title", json_object_new_string(o->item->summary));
    json_object_object_add(j, "start",
                           json_object_new_string(util_format_iso_local(o->start_ms, t)));
    json_object_object_add(j, "end", json_object_new_string(util_format_iso_local(o->end_ms, t)));
    json_object_object_add(j, "level", json_object_new_string(ctl_level_name(o->item->level)));
    return j;
}

static void add_capped(json_object *arr, json_object *v, bool *truncated)
{
    if (json_object_array_length(arr) < DIFF_MAX)
        json_object_array_add(arr, v);
    else {
        json_object_put(v);
        *truncated = true;
    }
}

/* What would change over the next DIFF_DAYS: airings (not cancelled) by
 * their key; the same key at another time, or an airing gone and another
 * of the same item come, is a move. */
static json_object *diff_doc(struct api *a, const struct plan *newp)
{
    int64_t from = lclock_now_ms(a->clock), to = from + DIFF_DAYS * 86400000LL;
    const char *cur[] = {a->cfg->plan_path};
    struct plan *oldp = load_paths(a, cur, 1, NULL);
    struct plan_occurrence *ov = NULL, *nv = NULL;
    size_t on = 0, nn = 0;
    if (oldp)
        plan_expand(oldp, from, to, &ov, &on);
    plan_expand(newp, from, to, &nv, &nn);
    bool *omatched = xcalloc(on + 1, 1), *nmatched = xcalloc(nn + 1, 1);
    json_object *added = json_object_new_array(), *removed = json_object_new_array(),
                *moved = json_object_new_array();
    bool truncated = false;
    /* the same key */
    for (size_t i = 0; i < nn; i++) {
        if (nv[i].cancelled) {
            nmatched[i] = true;
            continue;
        }
        for (size_t j = 0; j < on; j++) {
            if (omatched[j] || ov[j].cancelled || strcmp(ov[j].key, nv[i].key) != 0)
                continue;
            omatched[j] = nmatched[i] = true;
            if (ov[j].start_ms != nv[i].start_ms || ov[j].end_ms != nv[i].end_ms) {
                json_object *m = occ_doc(&nv[i]);
                json_object_object_add(m, "from", occ_doc(&ov[j]));
                json_object_object_add(m, "to", occ_doc(&nv[i]));
                add_capped(moved, m, &truncated);
            }
            break;
        }
    }
    /* the same item, another instance */
    for (size_t i = 0; i < nn; i++) {
        if (nmatched[i])
            continue;
        for (size_t j = 0; j < on; j++) {
            if (omatched[j] || ov[j].cancelled || strcmp(ov[j].item->uid, nv[i].item->uid) != 0)
                continue;
            omatched[j] = nmatched[i] = true;
            json_object *m = occ_doc(&nv[i]);
            json_object_object_add(m, "from", occ_doc(&ov[j]));
            json_object_object_add(m, "to", occ_doc(&nv[i]));
            add_capped(moved, m, &truncated);
            break;
        }
        if (!nmatched[i])
            add_capped(added, occ_doc(&nv[i]), &truncated);
    }
    for (size_t j = 0; j < on; j++)
        if (!omatched[j] && !ov[j].cancelled)
            add_capped(removed, occ_doc(&ov[j]), &truncated);
    json_object *d = json_object_new_object();
    json_object_object_add(d, "days", json_object_new_int(DIFF_DAYS));
    json_object_object_add(d, "added", added);
    json_object_object_add(d, "removed", removed);
    json_object_object_add(d, "moved", moved);
    json_object_object_add(d, "truncated", json_object_new_boolean(truncated));
    free(omatched);
    free(nmatched);
    free(ov);
    free(nv);
    plan_free(oldp);
    return d;
}

/* Checks the .ics files of dir: {"ok", "errors", "messages", "diff"}; with
 * text_lock held. */
static json_object *check_dir(struct api *a, const char *dir, int *n_errors)
{
    char **names;
    size_t n = list_ics(dir, &names);
    char **paths = xcalloc(n + 1, sizeof *paths);
    for (size_t i = 0; i < n; i++)
        paths[i] = xasprintf("%s/%s", dir, names[i]);
    json_object *doc = json_object_new_object();
    json_object *msgs = json_object_new_array();
    char *err = NULL;
    struct plan *plan = n ? load_paths(a, (const char *const *)paths, n, &err) : NULL;
    int errors = 0;
    if (!plan) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "file", json_object_new_string(""));
        json_object_object_add(m, "line", json_object_new_int(0));
        json_object_object_add(m, "severity", json_object_new_string("error"));
        json_object_object_add(m, "message",
                               json_object_new_string(err ? err : _("no .ics file in the upload")));
        json_object_array_add(msgs, m);
        errors = 1;
    } else {
        const struct loaxa_config *cfg = a->cfg;
        int64_t now = lclock_now_ms(a->clock);
        struct plan_check_options co = {
            .audio_root = cfg->audio_root, .signature_tune = cfg->signature_tune,
            .hours_start_min = cfg->hours_start_min, .hours_end_min = cfg->hours_end_min,
            .max_session_min = cfg->max_session_min, .from_ms = now,
            .to_ms = now + 365 * 86400000LL, .gap_max_s = CHECK_SESSION_GAP_S,
        };
        plan_check(plan, &co);
        for (size_t i = 0; i < plan_diag_count(plan); i++) {
            const struct plan_diag *d = plan_diag(plan, i);
            errors += d->severity == PLAN_ERROR;
            if (json_object_array_length(msgs) >= MESSAGES_MAX)
                continue;
            const char *base = d->file ? strrchr(d->file, '/') : NULL;
            json_object *m = json_object_new_object();
            json_object_object_add(m, "file", json_object_new_string(
                                                  base ? base + 1 : d->file ? d->file : ""));
            json_object_object_add(m, "line", json_object_new_int(d->line));
            json_object_object_add(m, "severity", json_object_new_string(sev_name(d->severity)));
            json_object_object_add(m, "message", json_object_new_string(d->message));
            json_object_array_add(msgs, m);
        }
    }
    json_object_object_add(doc, "ok", json_object_new_boolean(errors == 0));
    json_object_object_add(doc, "errors", json_object_new_int(errors));
    json_object_object_add(doc, "messages", msgs);
    json_object *files = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(files, json_object_new_string(names[i]));
    json_object_object_add(doc, "files", files);
    if (plan)
        json_object_object_add(doc, "diff", diff_doc(a, plan));
    plan_free(plan);
    free(err);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free_list(names, n);
    *n_errors = errors;
    return doc;
}

/* ---- uploads ---- */

static void new_id(char id[ID_LEN + 1])
{
    unsigned char b[ID_LEN / 2];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r > 0)
            got += (size_t)r;
        else if (errno != EINTR)
            abort(); /* no randomness: nothing safe to name an upload with */
    }
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(id + 2 * i, 3, "%02x", b[i]);
}

/* Uploads older than UPLOAD_TTL_MS go. */
static void expire_uploads(struct api *a)
{
    DIR *d = opendir(a->uploads_dir);
    if (!d)
        return;
    struct dirent *de;
    int64_t now = lclock_now_ms(a->clock);
    while ((de = readdir(d))) {
        if (!id_valid(de->d_name))
            continue;
        char *p = xasprintf("%s/%s", a->uploads_dir, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
            now - (int64_t)st.st_mtime * 1000 > UPLOAD_TTL_MS)
            remove_tree(p);
        free(p);
    }
    closedir(d);
}

/* A new upload folder; its id in id, its path returned (malloc'd). */
static char *upload_new(struct api *a, char id[ID_LEN + 1])
{
    expire_uploads(a);
    new_id(id);
    char *dir = xasprintf("%s/%s", a->uploads_dir, id);
    if (mkdir(dir, 0700) < 0) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* info.json of an upload or a version */
static int info_write(const char *dir, json_object *info)
{
    char *tmp = xasprintf("%s/.info.json.tmp", dir), *dst = xasprintf("%s/info.json", dir);
    const char *s = json_object_to_json_string_ext(info, JSON_C_TO_STRING_PRETTY |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
    unlink(tmp);
    int rc = write_new(tmp, s, strlen(s));
    if (rc == 0 && rename(tmp, dst) < 0)
        rc = -errno;
    free(tmp);
    free(dst);
    return rc;
}

static json_object *info_read(const char *dir)
{
    char *p = xasprintf("%s/info.json", dir), *data = NULL;
    size_t len;
    json_object *o = NULL;
    if (util_read_file(p, 1 << 20, &data, &len) == 0)
        o = json_tokener_parse(data);
    free(p);
    free(data);
    if (o && !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        o = NULL;
    }
    return o;
}

/* The name a plan file is kept under: the client's, made safe, .ics. */
static void plan_file_name(const char *client, char **taken, size_t n_taken, char *out,
                           size_t outlen)
{
    char base[128];
    api_safe_name(client, base, sizeof base);
    size_t l = strlen(base);
    if (l > 4 && strcmp(base + l - 4, ".ics") == 0)
        base[l - 4] = '\0';
    for (int k = 1;; k++) {
        if (k == 1)
            snprintf(out, outlen, "%s.ics", base);
        else
            snprintf(out, outlen, "%s-%d.ics", base, k);
        bool dup = false;
        for (size_t i = 0; i < n_taken; i++)
            dup |= strcmp(taken[i], out) == 0;
        if (!dup)
            return;
    }
}

/* Checks an upload folder and answers {"upload", ...check...}; records
 * the result in its info. */
static void answer_check(struct api *a, const struct acct_session_info *si, const char *id,
                         const char *dir, json_object *info, struct http_response *rs)
{
    int errors = 0;
    json_object *doc = check_dir(a, dir, &errors);
    json_object_object_add(info, "errors", json_object_new_int(errors));
    info_write(dir, info);
    json_object *ans = json_object_new_object();
    json_object_object_add(ans, "upload", json_object_new_string(id));
    json_object_object_foreach(doc, k, v)
        json_object_object_add(ans, k, json_object_get(v));
    json_object_put(doc);
    api_json(rs, 200, ans);
}

void api_plans_check(struct api *a, const struct acct_session_info *si,
                     const struct http_request *rq, struct http_response *rs)
{
    char id[ID_LEN + 1];
    char *dir = NULL;
    char *taken[HTTP_MAX_FILES];
    size_t n_taken = 0;
    unsigned long long total = 0;
    api_text_enter(a, si->lang);
    size_t n_files = 0;
    for (size_t i = 0; i < rq->n_files; i++) {
        if (strcmp(rq->files[i].field, "file") != 0)
            continue;
        n_files++;
        total += rq->files[i].size;
        if (rq->files[i].size > API_PLAN_MAX_FILE || total > API_PLAN_MAX_TOTAL) {
            api_error(rs, 413, _("a plan file may have at most 4 MiB, an upload 16 MiB"));
            goto out;
        }
    }
    if (n_files == 0) {
        api_error(rs, 400, _("send the .ics files as multipart/form-data, field \"file\""));
        goto out;
    }
    if (!(dir = upload_new(a, id))) {
        api_error(rs, 500, _("cannot keep the upload"));
        goto out;
    }
    json_object *sent = json_object_new_array();
    for (size_t i = 0; i < rq->n_files; i++) {
        if (strcmp(rq->files[i].field, "file") != 0)
            continue;
        char name[160];
        plan_file_name(rq->files[i].filename, taken, n_taken, name, sizeof name);
        taken[n_taken++] = xstrdup(name);
        char *dst = xasprintf("%s/%s", dir, name);
        int rc = rename(rq->files[i].path, dst) < 0 ? -errno : 0;
        free(dst);
        if (rc < 0) {
            json_object_put(sent);
            remove_tree(dir);
            api_error(rs, 500, _("cannot keep the upload"));
            goto out;
        }
        json_object *f = json_object_new_object();
        json_object_object_add(f, "name", json_object_new_string(name));
        json_object_object_add(f, "sent_as", json_object_new_string(rq->files[i].filename));
        json_object_array_add(sent, f);
    }
    json_object *info = json_object_new_object();
    json_object_object_add(info, "by", json_object_new_string(si->user));
    json_object_object_add(info, "source", json_object_new_string("upload"));
    json_object_object_add(info, "sent", sent);
    answer_check(a, si, id, dir, info, rs);
    api_audit(a, si->user, rq->peer, "plan-upload", "upload %s: %zu file(s), %d error(s)", id,
              n_taken, json_object_get_int(json_object_object_get(info, "errors")));
    json_object_put(info);
out:
    api_text_leave(a);
    for (size_t i = 0; i < n_taken; i++)
        free(taken[i]);
    free(dir);
}

/* ---- versions ---- */

static int version_of(const char *name)
{
    if (name[0] != 'v' || !isdigit((unsigned char)name[1]))
        return -1;
    char *end;
    long v = strtol(name + 1, &end, 10);
    return *end || v < 1 || v > 1000000 ? -1 : (int)v;
}

static int last_version(struct api *a)
{
    DIR *d = opendir(a->versions_dir);
    int max = 0;
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        int v = version_of(de->d_name);
        if (v > max)
            max = v;
    }
    closedir(d);
    return max;
}

/* Copies the .ics of src into a new version folder with info; returns
 * the version or negative. */
static int version_add(struct api *a, const char *src, const char *by, const char *source,
                       int from_version, char *err, size_t errlen)
{
    int v = last_version(a) + 1;
    char *tmp = xasprintf("%s/.v%d.tmp", a->versions_dir, v);
    char *dst = xasprintf("%s/v%d", a->versions_dir, v);
    char **names;
    size_t n = list_ics(src, &names);
    int rc = 0;
    remove_tree(tmp);
    json_object *files = json_object_new_array();
    char *lines = xstrdup("");
    if (mkdir(tmp, 0700) < 0) {
        rc = -errno;
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *sp = xasprintf("%s/%s", src, names[i]), *dp = xasprintf("%s/%s", tmp, names[i]);
        char *data = NULL, hex[65];
        size_t len = 0;
        rc = util_read_file(sp, API_PLAN_MAX_TOTAL, &data, &len);
        if (rc == 0)
            rc = write_new(dp, data, len);
        if (rc < 0) {
            snprintf(err, errlen, "%s: %s", names[i], strerror(-rc));
        } else {
            hash_mem_sha256(data, len, hex);
            json_object *f = json_object_new_object();
            json_object_object_add(f, "name", json_object_new_string(names[i]));
            json_object_object_add(f, "size", json_object_new_int64((int64_t)len));
            json_object_object_add(f, "sha256", json_object_new_string(hex));
            json_object_array_add(files, f);
            char *nl = xasprintf("%s%s  %s\n", lines, hex, names[i]);
            free(lines);
            lines = nl;
        }
        free(data);
        free(sp);
        free(dp);
    }
    if (rc < 0)
        goto out;
    char hex[65], t[UTIL_TIME_BUF];
    hash_mem_sha256(lines, strlen(lines), hex);
    json_object *info = json_object_new_object();
    json_object_object_add(info, "version", json_object_new_int(v));
    json_object_object_add(info, "installed_at", json_object_new_string(util_format_iso_local(
                                                     lclock_now_ms(a->clock), t)));
    json_object_object_add(info, "by", json_object_new_string(by));
    json_object_object_add(info, "source", json_object_new_string(source));
    json_object_object_add(info, "from_version",
                           from_version > 0 ? json_object_new_int(from_version) : NULL);
    json_object_object_add(info, "files", json_object_get(files));
    json_object_object_add(info, "sha256", json_object_new_string(hex));
    rc = info_write(tmp, info);
    json_object_put(info);
    if (rc == 0 && (fsync_dir(tmp), rename(tmp, dst) < 0))
        rc = -errno;
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", dst, strerror(-rc));
    else
        fsync_dir(a->versions_dir);
out:
    if (rc < 0)
        remove_tree(tmp);
    json_object_put(files);
    free(lines);
    free_list(names, n);
    free(tmp);
    free(dst);
    return rc < 0 ? rc : v;
}

/* The files of src written into the plan folder: each to a hidden
 * temporary name (which neither the daemon nor plan_load reads), fsynced,
 * renamed over its name; then the .ics the new set has not are removed
 * and the folder fsynced. A plan that is one file takes one file. */
static int plan_write(struct api *a, const char *src, char *err, size_t errlen)
{
    const char *plan = a->cfg->plan_path;
    char **names;
    size_t n = list_ics(src, &names);
    struct stat st;
    bool is_dir = stat(plan, &st) == 0 && S_ISDIR(st.st_mode);
    int rc = 0;
    if (!is_dir && n != 1) {
        snprintf(err, errlen, _("the plan (%s) is one file: upload exactly one .ics"), plan);
        rc = -EINVAL;
        goto out;
    }
    char *dir = is_dir ? xstrdup(plan) : NULL;
    if (!dir) {
        const char *slash = strrchr(plan, '/');
        dir = slash ? xasprintf("%.*s", (int)(slash - plan), plan) : xstrdup(".");
        if (!*dir) {
            free(dir);
            dir = xstrdup("/");
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *sp = xasprintf("%s/%s", src, names[i]);
        char *tmp = xasprintf("%s/.%s.loaxa-web.tmp", dir, names[i]);
        char *dst = is_dir ? xasprintf("%s/%s", dir, names[i]) : xstrdup(plan);
        char *data = NULL;
        size_t len = 0;
        unlink(tmp);
        rc = util_read_file(sp, API_PLAN_MAX_TOTAL, &data, &len);
        if (rc == 0)
            rc = write_new(tmp, data, len);
        if (rc == 0 && rename(tmp, dst) < 0) {
            rc = -errno;
            unlink(tmp);
        }
        if (rc < 0)
            snprintf(err, errlen, "%s: %s", dst, strerror(-rc));
        free(data);
        free(sp);
        free(tmp);
        free(dst);
    }
    if (rc == 0 && is_dir) {
        char **old;
        size_t on = list_ics(dir, &old);
        for (size_t i = 0; i < on; i++) {
            bool keep = false;
            for (size_t j = 0; j < n; j++)
                keep |= strcmp(old[i], names[j]) == 0;
            if (!keep) {
                char *p = xasprintf("%s/%s", dir, old[i]);
                unlink(p);
                free(p);
            }
        }
        free_list(old, on);
    }
    if (rc == 0)
        fsync_dir(dir);
    free(dir);
out:
    free_list(names, n);
    return rc;
}

/* Before the first install, the plan the station had is kept as a
 * version, so that the console can always go back to it. */
static void keep_first_plan(struct api *a)
{
    if (last_version(a) > 0)
        return;
    struct stat st;
    const char *plan = a->cfg->plan_path;
    char err[512];
    if (stat(plan, &st) == 0 && S_ISDIR(st.st_mode)) {
        char **names;
        size_t n = list_ics(plan, &names);
        free_list(names, n);
        if (n)
            version_add(a, plan, "", "before-console", 0, err, sizeof err);
    }
}

/* The daemon's answer to RELOAD: {"ok", "message"} or {"ok": false, "error"}. */
static json_object *daemon_reload(struct api *a, const char *user)
{
    struct ctl_request req = {.verb = CTL_RELOAD};
    if (user)
        util_strlcpy(req.as, user, sizeof req.as);
    bool ok = false;
    char *ans = NULL, err[1024];
    int rc = ctl_call(a->cfg->socket_path, &req, RELOAD_TIMEOUT_MS, &ok, &ans, err, sizeof err);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "ok", json_object_new_boolean(rc == 0 && ok));
    if (rc < 0) {
        char msg[1400];
        snprintf(msg, sizeof msg, _("the daemon cannot be reached: %s"), err);
        json_object_object_add(o, "error", json_object_new_string(msg));
    } else {
        json_object_object_add(o, ok ? "message" : "error",
                               json_object_new_string(ans ? ans : ""));
    }
    free(ans);
    return o;
}

/* Installs the checked upload dir (under install_lock and the lock file,
 * text_lock held): 0 and the version, or an HTTP status with msg. */
static int install_upload(struct api *a, const char *user, const char *dir, int *version,
                          json_object **check, char *msg, size_t msglen)
{
    json_object *info = info_read(dir);
    if (!info) {
        snprintf(msg, msglen, "%s", _("no such upload (installed already, or expired)"));
        return 404;
    }
    int errors = 0;
    json_object *doc = check_dir(a, dir, &errors); /* again: a recording may be gone since */
    if (errors) {
        snprintf(msg, msglen, "%s", _("the upload has errors: it cannot be installed"));
        *check = doc;
        json_object_put(info);
        return 409;
    }
    json_object_put(doc);
    json_object *fv = json_object_object_get(info, "from_version");
    int from = fv ? json_object_get_int(fv) : 0;
    const char *source = json_object_get_string(json_object_object_get(info, "source"));
    keep_first_plan(a);
    char err[1024];
    int v = version_add(a, dir, user, source ? source : "upload", from, err, sizeof err);
    json_object_put(info);
    if (v < 0) {
        snprintf(msg, msglen, _("cannot keep the version: %s"), err);
        return 500;
    }
    if (plan_write(a, dir, err, sizeof err) < 0) {
        snprintf(msg, msglen, _("cannot write the plan: %s"), err);
        return 500;
    }
    remove_tree(dir);
    *version = v;
    return 0;
}

/* install_lock, and a lock file beside the versions for another
 * loaxa-web on the same folders; the fd to unlock with. */
static int install_lock(struct api *a)
{
    pthread_mutex_lock(&a->install_lock);
    char *p = xasprintf("%s/../install.lock", a->versions_dir);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(p);
    if (fd >= 0)
        flock(fd, LOCK_EX);
    return fd;
}

static void install_unlock(struct api *a, int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
    pthread_mutex_unlock(&a->install_lock);
}

void api_plans_install(struct api *a, const struct acct_session_info *si,
                       const struct http_request *rq, struct http_response *rs)
{
    api_text_enter(a, si->lang);
    json_object *o = api_json_body(rq, rs);
    if (!o)
        goto out;
    const char *id = api_json_str(o, "upload");
    if (!id_valid(id)) {
        api_error(rs, 400, _("give \"upload\": the id the check answered"));
        goto out;
    }
    char *dir = xasprintf("%s/%s", a->uploads_dir, id);
    /* one install at a time: the second waits, then finds its upload
     * installed (404) or installs after the first (never a mix) */
    api_text_leave(a);
    int lfd = install_lock(a);
    api_text_enter(a, si->lang);
    int version = 0;
    json_object *check = NULL;
    char msg[1400];
    json_object *info = info_read(dir);
    json_object *fv = info ? json_object_object_get(info, "from_version") : NULL;
    int from = fv ? json_object_get_int(fv) : 0;
    json_object_put(info);
    int st = install_upload(a, si->user, dir, &version, &check, msg, sizeof msg);
    install_unlock(a, lfd);
    free(dir);
    if (st) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "error", json_object_new_string(msg));
        if (check)
            json_object_object_add(e, "check", check);
        api_json(rs, st, e);
        api_audit(a, si->user, rq->peer, from ? "rollback-refused" : "install-refused",
                  "upload %s: %s", id, msg);
        goto out;
    }
    api_text_leave(a);
    json_object *reload = daemon_reload(a, si->user);
    api_text_enter(a, si->lang);
    json_object *ans = json_object_new_object();
    json_object_object_add(ans, "version", json_object_new_int(version));
    json_object_object_add(ans, "reload", reload);
    api_audit(a, si->user, rq->peer, from ? "rollback" : "install",
              from ? "version %d (from version %d), upload %s; reload %s"
                   : "version %d%.0d, upload %s; reload %s",
              version, from, id,
              json_object_get_boolean(json_object_object_get(reload, "ok")) ? "ok" : "failed");
    api_json(rs, 200, ans);
out:
    json_object_put(o);
    api_text_leave(a);
}

static int cmp_int_desc(const void *x, const void *y)
{
    return *(const int *)y - *(const int *)x;
}

void api_plans_versions(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs)
{
    int vs[4096];
    size_t n = 0;
    DIR *d = opendir(a->versions_dir);
    struct dirent *de;
    while (d && (de = readdir(d)) && n < ARRAY_SIZE(vs)) {
        int v = version_of(de->d_name);
        if (v > 0)
            vs[n++] = v;
    }
    if (d)
        closedir(d);
    qsort(vs, n, sizeof *vs, cmp_int_desc);
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n && i < 500; i++) {
        char *dir = xasprintf("%s/v%d", a->versions_dir, vs[i]);
        json_object *info = info_read(dir);
        free(dir);
        if (info)
            json_object_array_add(arr, info);
    }
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "versions", arr);
    api_json(rs, 200, doc);
}

/* "N/download" [?file=NAME] */
void api_plans_download(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs,
                        const char *rest)
{
    char *end;
    long v = strtol(rest, &end, 10);
    api_text_enter(a, si->lang);
    if (!isdigit((unsigned char)rest[0]) || strcmp(end, "/download") != 0 || v < 1 ||
        v > 1000000) {
        api_error(rs, 404, _("no such API route"));
        goto out;
    }
    char *dir = xasprintf("%s/v%ld", a->versions_dir, v);
    char **names;
    size_t n = list_ics(dir, &names);
    const char *want = http_query(rq, "file");
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++)
        if ((want && strcmp(want, names[i]) == 0) || (!want && n == 1))
            pick = names[i];
    if (!n) {
        api_error(rs, 404, _("no such version"));
    } else if (!pick) {
        api_error(rs, 400, _("this version has several files: name one with ?file="));
    } else {
        char *p = xasprintf("%s/%s", dir, pick), *data = NULL;
        size_t len;
        if (util_read_file(p, API_PLAN_MAX_TOTAL, &data, &len) < 0) {
            api_error(rs, 404, _("no such version"));
        } else {
            rs->status = 200;
            rs->no_store = true;
            http_set_body(rs, data, len, "text/calendar; charset=utf-8");
            char cd[256];
            snprintf(cd, sizeof cd, "attachment; filename=\"v%ld-%s\"", v, pick);
            http_add_header(rs, "Content-Disposition", cd);
        }
        free(p);
    }
    free_list(names, n);
    free(dir);
out:
    api_text_leave(a);
}

void api_plans_rollback(struct api *a, const struct acct_session_info *si,
                        const struct http_request *rq, struct http_response *rs)
{
    api_text_enter(a, si->lang);
    json_object *o = api_json_body(rq, rs), *jv;
    char *dir = NULL, *src = NULL;
    if (!o)
        goto out;
    if (!json_object_object_get_ex(o, "version", &jv) || !json_object_is_type(jv, json_type_int) ||
        json_object_get_int64(jv) < 1 || json_object_get_int64(jv) > 1000000) {
        api_error(rs, 400, _("give \"version\": a version's number"));
        goto out;
    }
    int v = (int)json_object_get_int64(jv);
    src = xasprintf("%s/v%d", a->versions_dir, v);
    char **names;
    size_t n = list_ics(src, &names);
    char id[ID_LEN + 1];
    if (!n) {
        api_error(rs, 404, _("no such version"));
    } else if (!(dir = upload_new(a, id))) {
        api_error(rs, 500, _("cannot keep the upload"));
    } else {
        int rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            char *sp = xasprintf("%s/%s", src, names[i]), *dp = xasprintf("%s/%s", dir, names[i]);
            char *data = NULL;
            size_t len;
            rc = util_read_file(sp, API_PLAN_MAX_TOTAL, &data, &len);
            if (rc == 0)
                rc = write_new(dp, data, len);
            free(data);
            free(sp);
            free(dp);
        }
        if (rc < 0) {
            remove_tree(dir);
            api_error(rs, 500, _("cannot keep the upload"));
        } else {
            json_object *info = json_object_new_object();
            json_object_object_add(info, "by", json_object_new_string(si->user));
            json_object_object_add(info, "source", json_object_new_string("rollback"));
            json_object_object_add(info, "from_version", json_object_new_int(v));
            answer_check(a, si, id, dir, info, rs);
            api_audit(a, si->user, rq->peer, "rollback-check", "version %d as upload %s", v, id);
            json_object_put(info);
        }
    }
    free_list(names, n);
out:
    free(dir);
    free(src);
    json_object_put(o);
    api_text_leave(a);
}

/* ---- following a published calendar ---- */

struct follow {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    char *url;                 /* never shown: a secret address carries its key */
    char shown[160];           /* scheme://host/… */
    /* the last fetch, under lock */
    int64_t last_fetch_ms;     /* -1: none yet */
    bool ok;
    json_object *messages;
    char error[1024];
    int installed_version;     /* the last version the follow installed, 0: none */
    char last_sha[65];
};

struct fetch_buf {
    char *data;
    size_t len;
    bool too_big;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    struct fetch_buf *b = ud;
    size_t add = size * n;
    if (b->len + add > API_PLAN_MAX_FILE) {
        b->too_big = true;
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    b->data = xrealloc(b->data, b->len + add + 1);
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* GET url: http(s) only (redirects too, at most 3), bounded in time and
 * size. 0 and the body, or negative with err. */
static int fetch_url(const char *url, struct fetch_buf *b, char *err, size_t errlen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "libcurl: cannot start");
        return -ENOMEM;
    }
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)API_PLAN_MAX_FILE);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "loaxa-web");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (b->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, errlen, _("the calendar is larger than 4 MiB"));
        return -EFBIG;
    }
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", *ebuf ? ebuf : curl_easy_strerror(rc));
        return -EIO;
    }
    return 0;
}

static void follow_once(struct api *a, struct follow *f)
{
    struct fetch_buf b = {0};
    char err[1024] = "";
    json_object *msgs = NULL;
    bool ok = false;
    int installed = 0;
    char hex[65] = "";
    int rc = fetch_url(f->url, &b, err, sizeof err);
    if (rc == 0) {
        hash_mem_sha256(b.data ? b.data : "", b.len, hex);
        pthread_mutex_lock(&f->lock);
        bool same = strcmp(hex, f->last_sha) == 0;
        pthread_mutex_unlock(&f->lock);
        char id[ID_LEN + 1];
        char *dir = upload_new(a, id);
        char *p = dir ? xasprintf("%s/calendar.ics", dir) : NULL;
        if (!dir || write_new(p, b.data ? b.data : "", b.len) < 0) {
            snprintf(err, sizeof err, "%s", _("cannot keep the upload"));
        } else {
            int lfd = install_lock(a);
            api_text_enter(a, NULL);
            int errors = 0;
            json_object *doc = check_dir(a, dir, &errors);
            msgs = json_object_get(json_object_object_get(doc, "messages"));
            json_object_put(doc);
            ok = errors == 0;
            if (!ok) {
                snprintf(err, sizeof err, "%s",
                         _("the calendar has errors: the plan stays as it is"));
            } else if (!same) {
                json_object *info = json_object_new_object();
                json_object_object_add(info, "by", json_object_new_string("follow"));
                json_object_object_add(info, "source", json_object_new_string("follow"));
                info_write(dir, info);
                json_object_put(info);
                char msg[1400];
                json_object *check = NULL;
                int st = install_upload(a, "follow", dir, &installed, &check, msg, sizeof msg);
                json_object_put(check);
                if (st) {
                    ok = false;
                    snprintf(err, sizeof err, "%.1000s", msg);
                    installed = 0;
                }
            }
            api_text_leave(a);
            install_unlock(a, lfd);
        }
        if (dir)
            remove_tree(dir);
        free(p);
        free(dir);
    }
    if (installed > 0) {
        json_object *reload = daemon_reload(a, NULL);
        api_audit(a, "follow", "", "install", "version %d from the followed calendar (%s); "
                  "reload %s", installed, f->shown,
                  json_object_get_boolean(json_object_object_get(reload, "ok")) ? "ok"
                                                                                : "failed");
        json_object_put(reload);
    }
    pthread_mutex_lock(&f->lock);
    f->last_fetch_ms = lclock_now_ms(a->clock);
    f->ok = rc == 0 && ok;
    json_object_put(f->messages);
    f->messages = msgs;
    util_strlcpy(f->error, err, sizeof f->error);
    if (installed > 0)
        f->installed_version = installed;
    if (rc == 0 && ok)
        util_strlcpy(f->last_sha, hex, sizeof f->last_sha);
    pthread_mutex_unlock(&f->lock);
    free(b.data);
}

static void *follow_main(void *ud)
{
    struct api *a = ud;
    struct follow *f = a->follow;
    int64_t period_ms = (int64_t)(a->cfg->web_plan_url_min * 60000.0);
    if (period_ms < 1000)
        period_ms = 1000;
    pthread_mutex_lock(&f->lock);
    while (!f->stop) {
        pthread_mutex_unlock(&f->lock);
        follow_once(a, f);
        pthread_mutex_lock(&f->lock);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t ns = (int64_t)ts.tv_nsec + (period_ms % 1000) * 1000000;
        ts.tv_sec += period_ms / 1000 + ns / 1000000000;
        ts.tv_nsec = ns % 1000000000;
        while (!f->stop && pthread_cond_timedwait(&f->cond, &f->lock, &ts) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/* "https://host/…": what may be shown of the address (its path may be a
 * secret key). */
static void url_shown(const char *url, char *out, size_t n)
{
    const char *p = strstr(url, "://");
    const char *host = p ? p + 3 : url;
    size_t hl = strcspn(host, "/?#");
    const char *at = memchr(host, '@', hl); /* no user:password@ either */
    if (at) {
        hl -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    snprintf(out, n, "%.*s%.*s/…", p ? (int)(p + 3 - url) : 0, url, (int)hl, host);
}

/* The last calendar the follow installed, so that a restart does not
 * install the same one again. */
static void follow_last_sha(struct api *a, char out[65])
{
    out[0] = '\0';
    for (int v = last_version(a); v > 0; v--) {
        char *dir = xasprintf("%s/v%d", a->versions_dir, v);
        json_object *info = info_read(dir);
        free(dir);
        const char *src = info ? json_object_get_string(json_object_object_get(info, "source"))
                               : NULL;
        if (src && strcmp(src, "follow") == 0) {
            json_object *files = json_object_object_get(info, "files");
            json_object *f0 = files ? json_object_array_get_idx(files, 0) : NULL;
            const char *h = f0 ? json_object_get_string(json_object_object_get(f0, "sha256"))
                               : NULL;
            if (h)
                util_strlcpy(out, h, 65);
            json_object_put(info);
            return;
        }
        json_object_put(info);
    }
}

void api_plans_follow(struct api *a, const struct acct_session_info *si,
                      const struct http_request *rq, struct http_response *rs)
{
    json_object *doc = json_object_new_object();
    struct follow *f = a->follow;
    if (!f) {
        json_object_object_add(doc, "url", NULL);
        return api_json(rs, 200, doc);
    }
    char t[UTIL_TIME_BUF];
    pthread_mutex_lock(&f->lock);
    json_object_object_add(doc, "url", json_object_new_string(f->shown));
    json_object_object_add(doc, "minutes", json_object_new_double(a->cfg->web_plan_url_min));
    json_object_object_add(doc, "last_fetch",
                           f->last_fetch_ms >= 0
                               ? json_object_new_string(util_format_iso_local(f->last_fetch_ms, t))
                               : NULL);
    json_object_object_add(doc, "ok", json_object_new_boolean(f->ok));
    json_object_object_add(doc, "error", *f->error ? json_object_new_string(f->error) : NULL);
    json_object_object_add(doc, "messages", f->messages ? json_object_get(f->messages)
                                                        : json_object_new_array());
    json_object_object_add(doc, "installed_version",
                           f->installed_version ? json_object_new_int(f->installed_version)
                                                : NULL);
    pthread_mutex_unlock(&f->lock);
    api_json(rs, 200, doc);
}

/* ---- set-up ---- */

/* Clears what a killed process left in incoming/. */
static void clear_incoming(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "upload-", 7) != 0)
            continue;
        char *p = xasprintf("%s/%s", dir, de->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
}

int api_plans_init(struct api *a, char *err, size_t errlen)
{
    const char *root = a->cfg->web_versions_dir;
    int rc;
    free(a->versions_dir);
    free(a->uploads_dir);
    free(a->incoming_dir);
    a->versions_dir = xasprintf("%s/versions", root);
    a->uploads_dir = xasprintf("%s/uploads", root);
    a->incoming_dir = xasprintf("%s/incoming", root);
    const char *dirs[] = {root, a->versions_dir, a->uploads_dir, a->incoming_dir};
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        if ((rc = mkdir_private(dirs[i])) < 0) {
            snprintf(err, errlen, "%s: %s", dirs[i], strerror(-rc));
            return rc;
        }
    }
    clear_incoming(a->incoming_dir);
    const char *url = a->cfg->web_plan_url;
    if (!url || !*url)
        return 0;
    if (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0) {
        snprintf(err, errlen, _("web.plan_url must be an http:// or https:// address"));
        return -EINVAL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl: cannot start");
        return -EIO;
    }
    struct follow *f = xcalloc(1, sizeof *f);
    f->url = xstrdup(url);
    url_shown(url, f->shown, sizeof f->shown);
    f->last_fetch_ms = -1;
    follow_last_sha(a, f->last_sha);
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cond, &ca);
    pthread_condattr_destroy(&ca);
    a->follow = f;
    if ((rc = pthread_create(&f->thread, NULL, follow_main, a)) != 0) {
        snprintf(err, errlen, "%s", strerror(rc));
        a->follow = NULL;
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->cond);
        free(f->url);
        free(f);
        return -rc;
    }
    return 0;
}

void api_plans_fini(struct api *a)
{
    struct follow *f = a->follow;
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
    json_object_put(f->messages);
    free(f->url);
    free(f);
    a->follow = NULL;
    curl_global_cleanup();
}
