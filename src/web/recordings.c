/* Recordings from the console: the list under the audio root (length,
 * rate, loudness, true peak, the plan's items that name each), uploads
 * (streamed to a temporary file by the HTTP edge, decoded whole once with
 * the audio module: a file that does not decode is refused with the
 * decoder's reason, then linked into the audio root under a name made
 * here, never the client's path), playback, rename and delete (refused
 * while the plan names the recording). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/decode.h"
#include "audio/loudness.h"
#include "audio/probe.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "plan/plan.h"
#include "web/api_internal.h"

#define LIST_MAX 2000
#define LIST_DEPTH 4
#define NAME_MAX_SAFE 80

/* U+00C0-U+024F and U+1E00-U+1EFF to their base letter ('-': none);
 * generated from Unicode's decompositions (đ, ß, æ, ø, ł by hand). */
static const char latin_a[] =
    "aaaaaaaceeeeiiii-nooooo-ouuuuy-saaaaaaaceeeeiiii-nooooo-ouuuuy-y"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghh--iiiiiiiii---jjkk-llllll-"
    "-llnnnnnn---oooooo--rrrrrrsssssssstttt--uuuuuuuuuuuuwwyyyzzzzzz-"
    "--------------------------------oo-------------uu---------------"
    "-------------aaiioouuuuuuuuuu-aaaa----ggkkoooo--j---gg--nnaa----"
    "aaaaeeeeiiiioooorrrruuuusstt--hh------aaeeooooooooyy------------"
    "----------------";
static const char latin_ext[] =
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm"
    "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv"
    "wwwwwwwwwwxxxxyyzzzzzzhtwy----s-aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
    "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy------";

static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (!n) {
        *cp = 0xfffd;
        return 1;
    }
    unsigned v = s[0] & (0x3f >> (n - 1));
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return (size_t)i;
        }
        v = v << 6 | (s[i] & 0x3f);
    }
    *cp = v;
    return (size_t)n;
}

void api_safe_name(const char *in, char *out, size_t outlen)
{
    const char *base = in;
    for (const char *p = in; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t max = outlen - 1 < NAME_MAX_SAFE ? outlen - 1 : NAME_MAX_SAFE, w = 0;
    const unsigned char *s = (const unsigned char *)base;
    while (*s && w < max) {
        unsigned cp;
        s += utf8_next(s, &cp);
        char c = '-';
        if (cp < 0x80) {
            c = (char)cp;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '_' || c == '-'))
                c = '-';
        } else if (cp >= 0x300 && cp <= 0x36f) {
            continue; /* a combining mark (a decomposed name): dropped */
        } else if (cp >= 0xc0 && cp <= 0x24f) {
            c = latin_a[cp - 0xc0];
        } else if (cp >= 0x1e00 && cp <= 0x1eff) {
            c = latin_ext[cp - 0x1e00];
        }
        /* no leading '.' or '-', no "..", no runs of '-' */
        if ((c == '.' || c == '-') && (w == 0 || out[w - 1] == '.' || out[w - 1] == '-'))
            continue;
        out[w++] = c;
    }
    while (w && (out[w - 1] == '-' || out[w - 1] == '.'))
        w--;
    out[w] = '\0';
    if (!w)
        snprintf(out, outlen, "recording");
}

/* ---- names from the client ---- */

int api_recording_path(struct api *a, const char *name, char **path)
{
    *path = NULL;
    size_t n = strlen(name);
    if (n == 0 || n > 255 || name[0] == '/')
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            return -1;
        if (c == '.' && (i == 0 || name[i - 1] == '/'))
            return -1; /* no "..", no hidden files */
        if (c == '/' && name[i + 1] == '/')
            return -1;
    }
    char *root = realpath(a->cfg->audio_root, NULL);
    char *full = xasprintf("%s/%s", a->cfg->audio_root, name);
    char *real = realpath(full, NULL);
    struct stat st;
    int rc = -1;
    if (root && real && paths_within(root, real) && strcmp(root, real) != 0 &&
        stat(real, &st) == 0 && S_ISREG(st.st_mode)) {
        *path = real;
        real = NULL;
        rc = 0;
    }
    free(root);
    free(full);
    free(real);
    return rc;
}

/* ---- what the plan names ---- */

struct attach {
    char *real;
    const char *uid;
};

struct uses {
    struct plan *plan;
    struct attach *v;
    size_t n;
};

/* The running plan's ATTACHes, resolved (text_lock held). */
static void uses_load(struct api *a, struct uses *u)
{
    memset(u, 0, sizeof *u);
    const struct loaxa_config *cfg = a->cfg;
    struct plan_options po = {.default_tz = cfg->timezone, .audio_root = cfg->audio_root,
                              .no_emergency_from_priority = !cfg->emergency_from_priority};
    const char *paths[] = {cfg->plan_path};
    u->plan = plan_load(paths, 1, &po, NULL);
    size_t cap = 0;
    for (size_t i = 0; u->plan && i < plan_item_count(u->plan); i++) {
        const struct plan_item *it = plan_item_at(u->plan, i);
        for (size_t k = 0; k < it->n_audio; k++) {
            char *abs = NULL, err[256];
            if (paths_resolve_audio(cfg->audio_root, it->audio[k], &abs, err, sizeof err) < 0)
                continue;
            char *real = realpath(abs, NULL);
            free(abs);
            if (!real)
                continue;
            if (u->n == cap) {
                cap = cap ? cap * 2 : 16;
                u->v = xrealloc(u->v, cap * sizeof *u->v);
            }
            u->v[u->n++] = (struct attach){real, it->uid};
        }
    }
}

static void uses_free(struct uses *u)
{
    for (size_t i = 0; i < u->n; i++)
        free(u->v[i].real);
    free(u->v);
    plan_free(u->plan);
}

static json_object *uses_of(const struct uses *u, const char *real)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < u->n; i++) {
        if (strcmp(u->v[i].real, real) != 0)
            continue;
        bool dup = false;
        for (size_t j = 0; j < json_object_array_length(arr); j++)
            dup |= strcmp(json_object_get_string(json_object_array_get_idx(arr, j)),
                          u->v[i].uid) == 0;
        if (!dup)
            json_object_array_add(arr, json_object_new_string(u->v[i].uid));
    }
    return arr;
}

json_object *api_recording_used_by(struct api *a, const char *name)
{
    char *real = NULL;
    if (api_recording_path(a, name, &real) < 0)
        return json_object_new_array();
    struct uses u;
    uses_load(a, &u);
    json_object *arr = uses_of(&u, real);
    uses_free(&u);
    free(real);
    return arr;
}

/* ---- the list ---- */

static json_object *loud_num(double v)
{
    return isfinite(v) ? json_object_new_double(round(v * 10) / 10) : NULL;
}

static char *cache_path(struct api *a)
{
    return xasprintf("%s/loudness.cache", a->cfg->web_versions_dir);
}

static json_object *recording_doc(struct api *a, const char *rel, const char *real,
                                  const struct uses *u, const struct loudness *known)
{
    json_object *o = json_object_new_object();
    struct stat st;
    json_object_object_add(o, "name", json_object_new_string(rel));
    json_object_object_add(o, "size", json_object_new_int64(stat(real, &st) == 0
                                                                ? (int64_t)st.st_size : 0));
    struct probe_info pi;
    char err[1024];
    if (probe_recording_quick(real, &pi, err, sizeof err) == 0) {
        json_object_object_add(o, "duration_ms", json_object_new_int64(pi.duration_ms));
        json_object_object_add(o, "rate", json_object_new_int(pi.rate));
        json_object_object_add(o, "channels", json_object_new_int(pi.channels));
        json_object_object_add(o, "format", json_object_new_string(pi.format));
        struct loudness l;
        bool cached = false;
        char *cache = cache_path(a);
        int rc = known ? (l = *known, 0) : loudness_get(real, cache, 0, &l, &cached, err, sizeof err);
        free(cache);
        json_object_object_add(o, "lufs", rc == 0 ? loud_num(l.lufs) : NULL);
        json_object_object_add(o, "true_peak", rc == 0 ? loud_num(l.true_peak_db) : NULL);
        if (rc < 0)
            json_object_object_add(o, "error", json_object_new_string(err));
    } else {
        json_object_object_add(o, "error", json_object_new_string(err));
    }
    if (u)
        json_object_object_add(o, "used_by", uses_of(u, real));
    return o;
}

static void walk(struct api *a, const char *dir, const char *rel, int depth, const struct uses *u,
                 json_object *arr)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    while ((de = readdir(d)) && n < LIST_MAX) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    }
    for (size_t i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", dir, names[i]);
        char *r = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
        struct stat st;
        if (json_object_array_length(arr) < LIST_MAX && lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth < LIST_DEPTH)
                walk(a, p, r, depth + 1, u, arr);
            else if (S_ISREG(st.st_mode))
                json_object_array_add(arr, recording_doc(a, r, p, u, NULL));
        }
        free(p);
        free(r);
        free(names[i]);
    }
    free(names);
}

void api_recordings_list(struct api *a, const struct acct_session_info *si,
                         const struct http_request *rq, struct http_response *rs)
{
    api_text_enter(a, si->lang);
    struct uses u;
    uses_load(a, &u); /* libical: under text_lock */
    /* measuring a recording not measured yet decodes it (a second or so):
     * the other routes go on meanwhile */
    api_text_leave(a);
    json_object *arr = json_object_new_array();
    char *root = realpath(a->cfg->audio_root, NULL);
    /* the used_by comparison is between real paths: walk the real root */
    if (root)
        walk(a, root, "", 0, &u, arr);
    free(root);
    api_text_enter(a, si->lang);
    uses_free(&u);
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "recordings", arr);
    api_json(rs, 200, doc);
    api_text_leave(a);
}

/* ---- upload ---- */

static const char *const known_ext[] = {"wav", "flac", "ogg", "oga", "opus", "mp3",
                                        "aif", "aiff", "w64", "caf", "au"};

static const char *ext_of_format(const char *format, const char *client_ext)
{
    static const char *const map[][2] = {
        {"WAV", "wav"}, {"FLAC", "flac"}, {"OGG", "ogg"}, {"MPEG", "mp3"},
        {"AIFF", "aiff"}, {"W64", "w64"}, {"CAF", "caf"}, {"AU", "au"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (strncmp(format, map[i][0], strlen(map[i][0])) == 0)
            return map[i][1];
    return client_ext ? client_ext : "snd";
}

/* Copies src to dst (created exclusively) and fsyncs it. */
static int copy_file(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
    if (in < 0)
        return -errno;
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (out < 0) {
        rc = -errno;
        close(in);
        return rc;
    }
    fchmod(out, 0644); /* the daemon reads it: whatever the umask */
    char buf[64 * 1024];
    ssize_t r;
    while ((r = read(in, buf, sizeof buf)) > 0) {
        for (ssize_t done = 0; done < r;) {
            ssize_t w = write(out, buf + done, (size_t)(r - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rc = w < 0 ? -errno : -EIO;
                goto out;
            }
            done += w;
        }
    }
    if (r < 0)
        rc = -errno;
    if (rc == 0 && fsync(out) < 0)
        rc = -errno;
out:
    close(in);
    if (close(out) < 0 && rc == 0)
        rc = -errno;
    if (rc < 0)
        unlink(dst);
    return rc;
}

/* Puts the checked file tmp under the audio root as base.ext, or base-2.ext,
 * ... (never over a file); the name taken in out. */
static int store(struct api *a, const char *tmp, const char *base, const char *ext, char *out,
                 size_t outlen)
{
    const char *root = a->cfg->audio_root;
    char *staged = NULL;
    int rc = 0;
    for (int k = 1; k < 1000; k++) {
        if (k == 1)
            snprintf(out, outlen, "%s.%s", base, ext);
        else
            snprintf(out, outlen, "%s-%d.%s", base, k, ext);
        char *dst = xasprintf("%s/%s", root, out);
        const char *from = staged ? staged : tmp;
        if (link(from, dst) == 0) {
            free(dst);
            rc = 0;
            goto done;
        }
        int e = errno;
        free(dst);
        if (e == EEXIST)
            continue;
        if (e == EXDEV && !staged) {
            /* another file system: a copy beside the recordings first */
            staged = xasprintf("%s/.upload-%d-%s.%s", root, (int)getpid(), base, ext);
            unlink(staged);
            if ((rc = copy_file(tmp, staged)) < 0)
                goto done;
            k--;
            continue;
        }
        rc = -e;
        goto done;
    }
    rc = -EEXIST;
done:
    if (staged) {
        unlink(staged);
        free(staged);
    }
    if (rc == 0) {
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    return rc;
}

void api_recordings_upload(struct api *a, const struct acct_session_info *si,
                           const struct http_request *rq, struct http_response *rs)
{
    const struct http_upload_file *f = NULL;
    size_t n_file = 0;
    for (size_t i = 0; i < rq->n_files; i++)
        if (strcmp(rq->files[i].field, "file") == 0) {
            f = &rq->files[i];
            n_file++;
        }
    char err[1024], msg[1400];
    char *tmp = NULL;
    api_text_enter(a, si->lang);
    if (n_file != 1) {
        api_error(rs, 400, _("send one recording as multipart/form-data, field \"file\""));
        goto out;
    }
    if (f->size == 0) {
        api_error(rs, 400, _("the recording is empty"));
        goto out;
    }
    /* the client's extension only as a hint for the decoder */
    const char *dot = strrchr(f->filename, '.');
    const char *cext = NULL;
    for (size_t i = 0; dot && i < ARRAY_SIZE(known_ext); i++)
        if (strcasecmp(dot + 1, known_ext[i]) == 0)
            cext = known_ext[i];
    tmp = xasprintf("%s.%s", f->path, cext ? cext : "bin");
    if (rename(f->path, tmp) < 0) {
        api_error(rs, 500, _("cannot keep the upload"));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    struct probe_info pi;
    struct loudness l;
    /* decoding takes a while (a second for 50 MB): the other routes go on */
    api_text_leave(a);
    int rc = probe_recording(tmp, &pi, err, sizeof err);
    int rc2 = rc == 0 ? loudness_measure(tmp, &l, err, sizeof err) : 0;
    api_text_enter(a, si->lang);
    if (rc < 0) {
        int fd = open(tmp, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0) {
            decoder_refused(fd, f->filename, err, sizeof err);
            close(fd);
        }
        snprintf(msg, sizeof msg, _("not a recording that can air: %s"), err);
        api_error(rs, 415, msg);
        api_audit(a, si->user, rq->peer, "recording-refused", "wrong type: %.200s", err);
        goto out;
    }
    if (rc2 == 0 && probe_short_ms(&pi) > 0) {
        snprintf(err, sizeof err, _("it ends %lld ms before its header says (cut short?)"),
                 (long long)probe_short_ms(&pi));
        rc2 = -EIO;
    }
    if (rc2 < 0) {
        snprintf(msg, sizeof msg, _("the recording does not decode to its end: %s"), err);
        api_error(rs, 422, msg);
        api_audit(a, si->user, rq->peer, "recording-refused", "corrupt: %.200s", err);
        goto out;
    }
    /* the temporary file is 0600: the daemon (another user) must read it */
    chmod(tmp, 0644);
    char base[NAME_MAX_SAFE + 1], name[NAME_MAX_SAFE + 32];
    char stem[256];
    util_strlcpy(stem, f->filename, sizeof stem);
    char *sd = strrchr(stem, '.');
    if (sd && sd != stem && !strpbrk(sd, "/\\"))
        *sd = '\0';
    api_safe_name(stem, base, sizeof base);
    if ((rc = store(a, tmp, base, ext_of_format(pi.format, cext), name, sizeof name)) < 0) {
        snprintf(msg, sizeof msg, _("cannot store the recording under the audio root: %s"),
                 strerror(-rc));
        api_error(rs, 500, msg);
        goto out;
    }
    char *full = xasprintf("%s/%s", a->cfg->audio_root, name);
    json_object *doc = recording_doc(a, name, full, NULL, &l);
    free(full);
    json_object_object_add(doc, "used_by", json_object_new_array());
    api_json(rs, 201, doc);
    api_audit(a, si->user, rq->peer, "recording-upload", "%s (%llu bytes, %lld ms)", name,
              f->size, (long long)pi.duration_ms);
out:
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    api_text_leave(a);
}

/* ---- one recording: play, rename, delete ---- */

static const char *audio_type(const char *name)
{
    static const char *const t[][2] = {
        {".wav", "audio/wav"}, {".flac", "audio/flac"}, {".ogg", "audio/ogg"},
        {".oga", "audio/ogg"}, {".opus", "audio/ogg"}, {".mp3", "audio/mpeg"},
        {".aif", "audio/aiff"}, {".aiff", "audio/aiff"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < ARRAY_SIZE(t); i++)
        if (strcasecmp(dot, t[i][0]) == 0)
            return t[i][1];
    return "application/octet-stream";
}

/* "bytes=A-B", "bytes=A-", "bytes=-N" (one range) within size; false for
 * anything else (then the whole file is sent). */
static bool parse_range(const char *h, unsigned long long size, unsigned long long *from,
                        unsigned long long *to)
{
    if (!h || strncmp(h, "bytes=", 6) != 0 || size == 0)
        return false;
    const char *p = h + 6;
    char *end;
    if (*p == '-') {
        unsigned long long n = strtoull(p + 1, &end, 10);
        if (end == p + 1 || *end || n == 0)
            return false;
        *from = n >= size ? 0 : size - n;
        *to = size - 1;
        return true;
    }
    if (*p < '0' || *p > '9')
        return false;
    *from = strtoull(p, &end, 10);
    if (*end != '-')
        return false;
    p = end + 1;
    if (*p == '\0') {
        *to = size - 1;
    } else {
        if (*p < '0' || *p > '9')
            return false;
        *to = strtoull(p, &end, 10);
        if (*end)
            return false;
        if (*to >= size)
            *to = size - 1;
    }
    return *from <= *to && *from < size;
}

static void play(struct api *a, const struct http_request *rq, const char *name,
                 struct http_response *rs)
{
    char *real = NULL;
    if (api_recording_path(a, name, &real) < 0) {
        api_error(rs, 404, _("no such recording"));
        return;
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        free(real);
        api_error(rs, 404, _("no such recording"));
        return;
    }
    rs->status = 200;
    rs->use_fd = true;
    rs->body_fd = fd;
    rs->fd_size = (unsigned long long)st.st_size;
    rs->content_type = audio_type(real);
    /* a seek in <audio> asks for a range */
    unsigned long long from, to;
    http_add_header(rs, "Accept-Ranges", "bytes");
    if (parse_range(http_header(rq, "Range"), rs->fd_size, &from, &to)) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", from, to, rs->fd_size);
        http_add_header(rs, "Content-Range", cr);
        rs->status = 206;
        rs->fd_offset = from;
        rs->fd_size = to - from + 1;
    }
    rs->no_store = true;
    free(real);
}

static void rename_rec(struct api *a, const struct acct_session_info *si,
                       const struct http_request *rq, struct http_response *rs,
                       const char *name)
{
    json_object *o = api_json_body(rq, rs);
    char *real = NULL, *dst = NULL;
    if (!o)
        return;
    const char *to = api_json_str(o, "to");
    if (!to || !*to) {
        api_error(rs, 400, _("give \"to\": the new name"));
        goto out;
    }
    if (api_recording_path(a, name, &real) < 0) {
        api_error(rs, 404, _("no such recording"));
        goto out;
    }
    json_object *used = api_recording_used_by(a, name);
    if (json_object_array_length(used)) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "error", json_object_new_string(
                                               _("the plan names this recording: change the "
                                                 "plan first")));
        json_object_object_add(e, "used_by", used);
        api_json(rs, 409, e);
        goto out;
    }
    json_object_put(used);
    char base[NAME_MAX_SAFE + 1], stem[256];
    util_strlcpy(stem, to, sizeof stem);
    const char *ext = strrchr(real, '.');
    char *sd = strrchr(stem, '.');
    for (size_t i = 0; sd && i < ARRAY_SIZE(known_ext); i++)
        if (strcasecmp(sd + 1, known_ext[i]) == 0)
            *sd = '\0'; /* the recording keeps its own type's extension */
    api_safe_name(stem, base, sizeof base);
    /* the same folder as before */
    const char *slash = strrchr(name, '/');
    char newname[512];
    snprintf(newname, sizeof newname, "%.*s%s%s", slash ? (int)(slash - name + 1) : 0, name,
             base, ext ? ext : "");
    dst = xasprintf("%s/%s", a->cfg->audio_root, newname);
    /* never over another recording: link, then unlink the old name */
    if (link(real, dst) < 0) {
        int e = errno;
        api_error(rs, e == EEXIST ? 409 : 500,
                  e == EEXIST ? _("a recording has that name already") : strerror(e));
        goto out;
    }
    unlink(real);
    json_object *d = json_object_new_object();
    json_object_object_add(d, "name", json_object_new_string(newname));
    api_json(rs, 200, d);
    api_audit(a, si->user, rq->peer, "recording-rename", "%s -> %s", name, newname);
out:
    free(real);
    free(dst);
    json_object_put(o);
}

static void delete_rec(struct api *a, const struct acct_session_info *si,
                       const struct http_request *rq, struct http_response *rs,
                       const char *name)
{
    char *real = NULL;
    if (api_recording_path(a, name, &real) < 0) {
        api_error(rs, 404, _("no such recording"));
        return;
    }
    json_object *used = api_recording_used_by(a, name);
    if (json_object_array_length(used)) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "error", json_object_new_string(
                                               _("the plan names this recording: change the "
                                                 "plan first")));
        json_object_object_add(e, "used_by", used);
        api_json(rs, 409, e);
        api_audit(a, si->user, rq->peer, "recording-delete-refused", "%s: in the plan", name);
        free(real);
        return;
    }
    json_object_put(used);
    if (unlink(real) < 0) {
        api_error(rs, 500, strerror(errno));
    } else {
        rs->status = 204;
        rs->no_store = true;
        api_audit(a, si->user, rq->peer, "recording-delete", "%s", name);
    }
    free(real);
}

void api_recordings_item(struct api *a, const struct acct_session_info *si,
                         const struct http_request *rq, struct http_response *rs,
                         const char *rest)
{
    api_text_enter(a, si->lang);
    size_t n = strlen(rest);
    char name[512];
    if (n >= sizeof name) {
        api_error(rs, 404, _("no such recording"));
        goto out;
    }
    if (strcmp(rq->method, "DELETE") == 0) {
        delete_rec(a, si, rq, rs, rest);
    } else if (n > 6 && strcmp(rest + n - 6, "/audio") == 0 && strcmp(rq->method, "POST") != 0) {
        snprintf(name, sizeof name, "%.*s", (int)(n - 6), rest);
        play(a, rq, name, rs);
    } else if (n > 7 && strcmp(rest + n - 7, "/rename") == 0 && strcmp(rq->method, "POST") == 0) {
        snprintf(name, sizeof name, "%.*s", (int)(n - 7), rest);
        rename_rec(a, si, rq, rs, name);
    } else {
        api_error(rs, 404, _("no such API route"));
    }
out:
    api_text_leave(a);
}
