/* Row building for the as-run log; see airlog.h. Recording hashes are
 * cached by path, size and mtime: a year of simulate hashes each file once,
 * and the daemon notices a replaced recording. The daemon hashes off its
 * loop instead (airlog_set_hasher): a row written before its hashes are
 * known is remembered and completed by airlog_fill_hashes. */
#include "airlog/airlog.h"

#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/hash.h"
#include "core/paths.h"
#include "core/util.h"

struct hash_entry {
    char *path;              /* as written in the plan (relative to the audio root) */
    off_t size;
    struct timespec mtime;
    char hex[65];
};

/* A row whose recordings' hashes were not all known when it was written. */
struct pending_row {
    int64_t id;
    char **audio;            /* the item's recordings, as in the plan */
    size_t n_audio;
};
#define AIRLOG_MAX_PENDING 64

struct airlog {
    struct aslog *log;
    char *audio_root;
    struct hash_entry *h;
    size_t n_h, cap_h;
    bool revalidate;         /* stat each time (daemon) or trust the cache (simulate) */
    airlog_hash_fn hash_fn;  /* NULL: hash here, at once */
    void *hash_ud;
    struct pending_row pending[AIRLOG_MAX_PENDING];
    size_t n_pending;
};

struct airlog *airlog_new(struct aslog *log, const char *audio_root)
{
    struct airlog *al = xcalloc(1, sizeof *al);
    al->log = log;
    al->audio_root = xstrdup(audio_root ? audio_root : ".");
    al->revalidate = true;
    return al;
}

void airlog_trust_cache(struct airlog *al)
{
    al->revalidate = false;
}

void airlog_set_hasher(struct airlog *al, airlog_hash_fn fn, void *ud)
{
    al->hash_fn = fn;
    al->hash_ud = ud;
}

static void pending_free(struct pending_row *p)
{
    for (size_t i = 0; i < p->n_audio; i++)
        free(p->audio[i]);
    free(p->audio);
}

void airlog_free(struct airlog *al)
{
    if (!al)
        return;
    for (size_t i = 0; i < al->n_pending; i++)
        pending_free(&al->pending[i]);
    for (size_t i = 0; i < al->n_h; i++)
        free(al->h[i].path);
    free(al->h);
    free(al->audio_root);
    free(al);
}

void airlog_free_files(char **files, size_t n)
{
    for (size_t i = 0; files && i < n; i++)
        free(files[i]);
    free(files);
}

int airlog_files(struct airlog *al, const struct plan_item *it, char ***files, size_t *n,
                 char *err, size_t errlen)
{
    char **out = xcalloc(it->n_audio + 1, sizeof *out);
    *files = NULL;
    *n = 0;
    for (size_t i = 0; i < it->n_audio; i++) {
        int rc = paths_resolve_audio(al->audio_root, it->audio[i], &out[i], err, errlen);
        if (rc < 0) {
            airlog_free_files(out, i);
            return rc;
        }
        char hex[65];
        if (al->hash_fn) /* asked now, at prepare: known by the start, often */
            al->hash_fn(al->hash_ud, out[i], hex);
    }
    *files = out;
    *n = it->n_audio;
    return 0;
}

/* From the daemon's hasher: the hash, or "" with *known false while it is
 * still being computed. */
static const char *sha_from_hasher(struct airlog *al, const char *rel, char hex[65],
                                   bool *known)
{
    char *abs = NULL, err[256];
    hex[0] = '\0';
    if (paths_resolve_audio(al->audio_root, rel, &abs, err, sizeof err) < 0)
        return hex; /* never known: the row's reason says why it failed */
    if (al->hash_fn(al->hash_ud, abs, hex) == -EAGAIN)
        *known = false;
    free(abs);
    return hex;
}

static const char *sha_of(struct airlog *al, const char *rel, char hex[65], bool *known)
{
    if (al->hash_fn)
        return sha_from_hasher(al, rel, hex, known);
    struct hash_entry *h = NULL;
    for (size_t i = 0; i < al->n_h && !h; i++)
        if (strcmp(al->h[i].path, rel) == 0)
            h = &al->h[i];
    if (h && !al->revalidate)
        return h->hex;
    char *abs = NULL, err[256];
    struct stat st;
    if (paths_resolve_audio(al->audio_root, rel, &abs, err, sizeof err) < 0 ||
        stat(abs, &st) < 0) {
        free(abs);
        return "";
    }
    if (!h) {
        if (al->n_h == al->cap_h) {
            al->cap_h = al->cap_h ? al->cap_h * 2 : 16;
            al->h = xrealloc(al->h, al->cap_h * sizeof *al->h);
        }
        h = &al->h[al->n_h++];
        memset(h, 0, sizeof *h);
        h->path = xstrdup(rel);
        h->size = -1;
    }
    if (h->size != st.st_size || h->mtime.tv_sec != st.st_mtim.tv_sec ||
        h->mtime.tv_nsec != st.st_mtim.tv_nsec) {
        if (hash_file_sha256(abs, h->hex) < 0)
            h->hex[0] = '\0';
        h->size = st.st_size;
        h->mtime = st.st_mtim;
    }
    free(abs);
    return h->hex;
}

/* [{"path":"as written","sha256":"…"}, …]; a file that cannot be resolved
 * keeps an empty hash (the row's reason says why it failed). *known: false
 * when a hash is still being computed (then empty too). */
static char *recordings_json(struct airlog *al, const char *const *audio, size_t n,
                             bool *known)
{
    json_object *arr = json_object_new_array();
    *known = true;
    for (size_t i = 0; i < n; i++) {
        char hex[65];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "path", json_object_new_string(audio[i]));
        json_object_object_add(o, "sha256",
                               json_object_new_string(sha_of(al, audio[i], hex, known)));
        json_object_array_add(arr, o);
    }
    char *s = xstrdup(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
    return s;
}

enum aslog_source airlog_source(enum sched_source s)
{
    switch (s) {
    case SCHED_SOURCE_ADHOC: return ASLOG_SOURCE_ADHOC;
    case SCHED_SOURCE_EMERGENCY: return ASLOG_SOURCE_EMERGENCY;
    case SCHED_SOURCE_PLAN: break;
    }
    return ASLOG_SOURCE_PLAN;
}

enum sched_cut_policy airlog_cut_policy(enum config_preempt p)
{
    switch (p) {
    case CONFIG_PREEMPT_RESTART: return SCHED_CUT_RESTART;
    case CONFIG_PREEMPT_RESUME: return SCHED_CUT_RESUME;
    case CONFIG_PREEMPT_DROP: break;
    }
    return SCHED_CUT_DROP;
}

static int priority_of(const struct sched_entry *e)
{
    if (e->source == SCHED_SOURCE_PLAN)
        return e->item->priority;
    /* ad hoc: the PRIORITY value that means the requested level */
    return plan_level_priority(e->level);
}

static void fill_row(struct airlog *al, const struct sched_entry *e, struct aslog_row *r,
                     char **cats, char **recs, bool *known)
{
    const struct plan_item *it = e->item;
    struct strbuf b = {0};
    for (size_t i = 0; i < it->n_categories; i++) {
        if (i)
            strbuf_puts(&b, "\n");
        strbuf_puts(&b, it->categories[i]);
    }
    *cats = b.s ? strbuf_steal(&b) : xstrdup("");
    *recs = recordings_json(al, it->audio, it->n_audio, known);
    memset(r, 0, sizeof *r);
    r->occ_key = e->key;
    r->uid = it->uid ? it->uid : "";
    r->plan_file = e->source == SCHED_SOURCE_PLAN && it->file ? it->file : "";
    r->title = it->summary ? it->summary : "";
    r->categories = *cats;
    r->unit = it->unit ? it->unit : "";
    r->priority = priority_of(e);
    r->recordings = *recs;
    r->planned_start_ms = e->start_ms;
    r->planned_end_ms = e->end_ms;
    r->actual_start_ms = r->actual_end_ms = -1;
    r->source = airlog_source(e->source);
}

/* The whole row: fill_row plus what the caller says. */
static void fill_final(struct airlog *al, const struct sched_entry *e, enum aslog_status st,
                       const char *reason, const char *device, const char *operator_name,
                       struct aslog_row *r, char **cats, char **recs, bool *known)
{
    fill_row(al, e, r, cats, recs, known);
    r->status = st;
    r->reason = reason ? reason : "";
    r->device = device ? device : "";
    r->operator_name = operator_name ? operator_name : "";
}

int airlog_record(struct airlog *al, const struct sched_entry *e, enum aslog_status st,
                  const char *reason, const char *device, const char *operator_name)
{
    struct aslog_row r;
    char *cats, *recs;
    bool known;
    fill_final(al, e, st, reason, device, operator_name, &r, &cats, &recs, &known);
    int rc = aslog_record(al->log, &r);
    free(cats);
    free(recs);
    return rc;
}

int airlog_begin(struct airlog *al, const struct sched_entry *e, const char *device,
                 const char *operator_name, int64_t *id)
{
    struct aslog_row r;
    char *cats, *recs;
    bool known;
    fill_final(al, e, ASLOG_ON_AIR, "", device, operator_name, &r, &cats, &recs, &known);
    int rc = aslog_begin(al->log, &r, id);
    if (rc == 0 && !known) {
        if (al->n_pending == AIRLOG_MAX_PENDING) { /* the oldest keeps what it has */
            pending_free(&al->pending[0]);
            memmove(al->pending, al->pending + 1, --al->n_pending * sizeof *al->pending);
        }
        struct pending_row *p = &al->pending[al->n_pending++];
        p->id = *id;
        p->n_audio = e->item->n_audio;
        p->audio = xcalloc(p->n_audio + 1, sizeof *p->audio);
        for (size_t i = 0; i < p->n_audio; i++)
            p->audio[i] = xstrdup(e->item->audio[i]);
    }
    free(cats);
    free(recs);
    return rc;
}

struct aslog_row *airlog_row_new(struct airlog *al, const struct sched_entry *e,
                                 enum aslog_status st, const char *reason, const char *device,
                                 const char *operator_name)
{
    struct aslog_row r;
    char *cats, *recs;
    bool known;
    fill_final(al, e, st, reason, device, operator_name, &r, &cats, &recs, &known);
    struct aslog_row *copy = aslog_row_dup(&r);
    free(cats);
    free(recs);
    return copy;
}

size_t airlog_fill_hashes(struct airlog *al)
{
    for (size_t i = 0; i < al->n_pending;) {
        struct pending_row *p = &al->pending[i];
        bool known;
        char *recs = recordings_json(al, (const char *const *)p->audio, p->n_audio, &known);
        int rc = known ? aslog_set_recordings(al->log, p->id, recs) : -EAGAIN;
        free(recs);
        /* written, or the row is gone; a full disk keeps it for later */
        if (rc == 0 || rc == -ENOENT) {
            pending_free(p);
            memmove(p, p + 1, (--al->n_pending - i) * sizeof *p);
        } else {
            i++;
        }
    }
    return al->n_pending;
}
