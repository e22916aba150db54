/* The planner's worker: one thread, one job at a time, requests coalesced
 * while they wait (see planner.h). Finished jobs go on a list the loop
 * drains when the eventfd says so. */
#include "daemon/planner.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/probe.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"

struct retired {
    struct plan *plan;
    struct retired *next;
};

/* A recording's verdict, kept across loads (worker only): by ATTACH value,
 * with the file's identity when it was judged. */
struct rec {
    char *rel;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    bool probed;                  /* the identity is of a probed file */
    unsigned long gen;            /* the load that last looked */
    char *why;                    /* NULL: fine */
};
#define REC_CACHE_MAX 65536       /* distinct ATTACH values kept; past it, start again */

struct planner {
    char *path;
    char *save_dir;               /* the last good plan's copy, or NULL */
    bool have_good;               /* worker: a good plan (or the copy) was delivered */
    struct rec *recs;             /* open addressing, cap a power of 2 */
    size_t n_recs, cap_recs;
    unsigned long rec_gen;
    struct plan_options po;       /* strings owned */
    int efd;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* under mu */
    bool want_load, want_expand, running_load, running, quit, orphaned;
    bool accept_errors;
    unsigned long seq;            /* of the waiting load (want_load) or the last one */
    int64_t from_ms, to_ms;       /* of the waiting request */
    const struct plan *expand_of;
    bool want_recheck;            /* planner_recheck's request */
    const struct plan *recheck_of;
    bool want_next;               /* planner_next's request */
    const struct plan *next_of;
    int64_t next_from, next_to;
    planner_airs_fn next_airs;
    void *next_ud;
    struct planner_job **done;
    size_t n_done, cap_done;
    struct retired *retired;
};

static void free_retired(struct retired *r)
{
    while (r) {
        struct retired *next = r->next;
        plan_free(r->plan);
        free(r);
        r = next;
    }
}

static void recs_clear(struct planner *pl)
{
    for (size_t i = 0; i < pl->cap_recs; i++) {
        free(pl->recs[i].rel);
        free(pl->recs[i].why);
    }
    free(pl->recs);
    pl->recs = NULL;
    pl->n_recs = pl->cap_recs = 0;
}

static size_t hash_str(const char *s)
{
    size_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static struct rec *rec_get(struct planner *pl, const char *rel)
{
    if (pl->n_recs >= REC_CACHE_MAX)
        recs_clear(pl);
    if (pl->n_recs * 2 >= pl->cap_recs) {
        size_t cap = pl->cap_recs ? pl->cap_recs * 2 : 64;
        struct rec *t = xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < pl->cap_recs; i++) {
            if (!pl->recs[i].rel)
                continue;
            size_t k = hash_str(pl->recs[i].rel) & (cap - 1);
            while (t[k].rel)
                k = (k + 1) & (cap - 1);
            t[k] = pl->recs[i];
        }
        free(pl->recs);
        pl->recs = t;
        pl->cap_recs = cap;
    }
    size_t k = hash_str(rel) & (pl->cap_recs - 1);
    while (pl->recs[k].rel) {
        if (strcmp(pl->recs[k].rel, rel) == 0)
            return &pl->recs[k];
        k = (k + 1) & (pl->cap_recs - 1);
    }
    pl->recs[k].rel = xstrdup(rel);
    pl->n_recs++;
    return &pl->recs[k];
}

static void rec_verdict(struct rec *r, char *why)
{
    free(r->why);
    r->why = why;
    r->probed = false;
}

/* Judges one ATTACH value now: resolved under the audio root, a regular
 * file, readable, and its header readable (probe_recording, skipped when
 * the file is the one probed before). */
static void rec_check(struct planner *pl, struct rec *r)
{
    char err[512] = "", *abs = NULL;
    int rc = paths_resolve_audio(pl->po.audio_root, r->rel, &abs, err, sizeof err);
    struct stat st;
    if (rc == -EACCES) { /* refused: the plan's own error at this ATTACH */
        free(r->why);
        r->why = NULL;
        r->probed = false;
    } else if (rc == -ENOENT) {
        rec_verdict(r, xasprintf(_("recording \"%s\" not found under the audio root %s"),
                                 r->rel, pl->po.audio_root));
    } else if (rc < 0) {
        rec_verdict(r, xasprintf(_("recording \"%s\" cannot be read: %s"), r->rel,
                                 strerror(-rc)));
    } else if (stat(abs, &st) < 0) {
        rec_verdict(r, xasprintf(_("recording \"%s\" cannot be read: %s"), r->rel,
                                 strerror(errno)));
    } else if (!S_ISREG(st.st_mode)) {
        rec_verdict(r, xasprintf(_("recording \"%s\" is not a regular file"), r->rel));
    } else if (r->probed && r->dev == st.st_dev && r->ino == st.st_ino &&
               r->size == st.st_size && r->mtime.tv_sec == st.st_mtim.tv_sec &&
               r->mtime.tv_nsec == st.st_mtim.tv_nsec && access(abs, R_OK) == 0) {
        /* the file probed before, unchanged: its verdict stands */
    } else if (access(abs, R_OK) < 0) {
        rec_verdict(r, xasprintf(_("recording \"%s\" cannot be read: %s"), r->rel,
                                 strerror(errno)));
    } else {
        struct probe_info pi;
        free(r->why);
        r->why = NULL;
        if (probe_recording(abs, &pi, err, sizeof err) < 0)
            r->why = xasprintf(_("recording \"%s\": %s"), r->rel, err);
        r->probed = true;
        r->dev = st.st_dev;
        r->ino = st.st_ino;
        r->size = st.st_size;
        r->mtime = st.st_mtim;
    }
    free(abs);
}

/* The recordings of every item of np, each distinct one judged once. */
static void check_recordings(struct planner *pl, const struct plan *np, struct planner_job *j)
{
    if (!pl->po.audio_root)
        return;
    struct strbuf b = {0};
    unsigned long gen = ++pl->rec_gen;
    for (size_t i = 0; i < plan_item_count(np); i++) {
        const struct plan_item *it = plan_item_at(np, i);
        for (size_t a = 0; a < it->n_audio; a++) {
            struct rec *r = rec_get(pl, it->audio[a]);
            if (r->gen != gen) {
                rec_check(pl, r);
                r->gen = gen;
            }
            if (!r->why)
                continue;
            strbuf_printf(&b, "%s%s:%d: %s", b.len ? "\n" : "", it->file,
                          plan_item_attach_line(it, a), r->why);
            j->n_recordings++;
        }
    }
    j->recordings = b.len ? strbuf_steal(&b) : NULL;
}

static void destroy(struct planner *pl)
{
    recs_clear(pl);
    for (size_t i = 0; i < pl->n_done; i++) {
        plan_free(pl->done[i]->plan);
        planner_job_free(pl->done[i]);
    }
    free(pl->done);
    free_retired(pl->retired);
    pthread_mutex_destroy(&pl->mu);
    pthread_cond_destroy(&pl->cv);
    if (pl->efd >= 0)
        close(pl->efd);
    free(pl->path);
    free(pl->save_dir);
    free((char *)pl->po.default_tz);
    free((char *)pl->po.audio_root);
    free(pl);
}

/* Keeps a copy of a good plan's files in save_dir (each written to a
 * temporary name and renamed; files of an older copy removed), so a start
 * on a plan with errors can air it. Best effort: a failure costs only the
 * fallback. */
static void save_plan(struct planner *pl, const struct plan *np)
{
    if (!pl->save_dir)
        return;
    if (mkdir(pl->save_dir, 0750) < 0 && errno != EEXIST)
        return;
    struct strbuf keep = {0};
    for (size_t i = 0; i < plan_file_count(np); i++) {
        const char *src = plan_file_path(np, i), *base = strrchr(src, '/');
        base = base ? base + 1 : src;
        char *dst = xasprintf("%s/%03zu-%s", pl->save_dir, i, base);
        char *tmp = xasprintf("%s/.tmp", pl->save_dir);
        FILE *in = fopen(src, "rb"), *out = in ? fopen(tmp, "wb") : NULL;
        bool ok = in && out;
        char buf[65536];
        size_t n;
        while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
            ok = fwrite(buf, 1, n, out) == n;
        ok = ok && !ferror(in);
        if (in)
            fclose(in);
        if (out && fclose(out) != 0)
            ok = false;
        if (ok && rename(tmp, dst) == 0)
            strbuf_printf(&keep, "/%s/", strrchr(dst, '/') + 1);
        else
            unlink(tmp);
        free(dst);
        free(tmp);
    }
    DIR *dir = opendir(pl->save_dir);
    struct dirent *de;
    while (dir && (de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        char *pat = xasprintf("/%s/", de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".ics") == 0 &&
            (!keep.s || !strstr(keep.s, pat))) {
            char *old = xasprintf("%s/%s", pl->save_dir, de->d_name);
            unlink(old);
            free(old);
        }
        free(pat);
    }
    if (dir)
        closedir(dir);
    free(keep.s);
}

/* The saved copy, when it reads without errors. */
static struct plan *load_saved(struct planner *pl)
{
    struct stat st;
    if (!pl->save_dir || stat(pl->save_dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return NULL;
    const char *paths[] = {pl->save_dir};
    char *perr = NULL;
    struct plan *sp = plan_load(paths, 1, &pl->po, &perr);
    free(perr);
    if (sp && (plan_error_count(sp) || plan_file_count(sp) == 0)) {
        plan_free(sp);
        sp = NULL;
    }
    return sp;
}

static void run_load(struct planner *pl, struct planner_job *j, bool accept_errors)
{
    const char *paths[] = {pl->path};
    char *perr = NULL;
    struct plan *np = plan_load(paths, 1, &pl->po, &perr);
    if (!np) {
        j->rc = -EINVAL;
        j->msg = perr ? perr : xstrdup("?");
        return;
    }
    j->n_errors = plan_error_count(np);
    if (j->n_errors) {
        struct strbuf b = {0};
        for (size_t i = 0; i < plan_diag_count(np); i++) {
            const struct plan_diag *dg = plan_diag(np, i);
            if (dg->severity == PLAN_ERROR)
                strbuf_printf(&b, "%s%s:%d: %s", b.len ? "\n" : "", dg->file, dg->line,
                              dg->message);
        }
        j->errors = strbuf_steal(&b);
        if (!accept_errors && !pl->have_good) {
            /* a start: the last good plan is its copy; none, the valid items */
            struct plan *sp = load_saved(pl);
            if (sp) {
                plan_free(np);
                np = sp;
                j->fallback = true;
            }
        } else if (!accept_errors) {
            j->refused = true;
            j->rc = -EINVAL;
            plan_free(np);
            return;
        }
    } else {
        save_plan(pl, np);
    }
    int rc = plan_expand(np, j->from_ms, j->to_ms, &j->occ, &j->n_occ);
    if (rc < 0) {
        j->rc = rc;
        j->msg = xstrdup(strerror(-rc));
        plan_free(np);
        return;
    }
    if (!j->n_errors || j->fallback)
        pl->have_good = true;
    check_recordings(pl, np, j);
    j->plan = np;
}

#define NEXT_STEP_MS (7 * 86400 * 1000LL)

static void run_next(struct planner_job *j, planner_airs_fn airs, void *ud)
{
    for (int64_t from = j->from_ms; from < j->to_ms; from += NEXT_STEP_MS) {
        int64_t to = from + NEXT_STEP_MS < j->to_ms ? from + NEXT_STEP_MS : j->to_ms;
        struct plan_occurrence *occ = NULL;
        size_t n = 0;
        j->rc = plan_expand(j->of, from, to, &occ, &n);
        if (j->rc < 0) {
            j->msg = xstrdup(strerror(-j->rc));
            return;
        }
        for (size_t i = 0; i < n; i++) {
            if (!occ[i].cancelled && (!airs || airs(ud, &occ[i]))) {
                j->occ = xmalloc(sizeof *j->occ);
                *j->occ = occ[i];
                j->n_occ = 1;
                free(occ);
                return;
            }
        }
        free(occ);
    }
}

static void *worker(void *arg)
{
    struct planner *pl = arg;
    pthread_mutex_lock(&pl->mu);
    for (;;) {
        while (!pl->quit && !pl->want_load && !pl->want_expand && !pl->want_next &&
               !pl->want_recheck && !pl->retired)
            pthread_cond_wait(&pl->cv, &pl->mu);
        if (pl->quit)
            break;
        struct retired *r = pl->retired;
        pl->retired = NULL;
        if (r) {
            pthread_mutex_unlock(&pl->mu);
            free_retired(r);
            pthread_mutex_lock(&pl->mu);
            continue;
        }
        struct planner_job *j = xcalloc(1, sizeof *j);
        bool accept = pl->accept_errors;
        j->from_ms = pl->from_ms;
        j->to_ms = pl->to_ms;
        if (pl->want_load) {
            j->load = true;
            j->seq = pl->seq;
            pl->want_load = false;
            pl->running_load = true;
        } else if (pl->want_expand) {
            j->of = pl->expand_of;
            pl->want_expand = false;
        } else if (pl->want_recheck) {
            j->recheck = true;
            j->of = pl->recheck_of;
            pl->want_recheck = false;
        } else {
            j->next = true;
            j->of = pl->next_of;
            j->from_ms = pl->next_from;
            j->to_ms = pl->next_to;
            pl->want_next = false;
        }
        planner_airs_fn airs = pl->next_airs;
        void *airs_ud = pl->next_ud;
        pl->running = true;
        pthread_mutex_unlock(&pl->mu);

        if (j->load) {
            run_load(pl, j, accept);
        } else if (j->recheck) {
            check_recordings(pl, j->of, j);
        } else if (j->next) {
            run_next(j, airs, airs_ud);
        } else {
            j->rc = plan_expand(j->of, j->from_ms, j->to_ms, &j->occ, &j->n_occ);
            if (j->rc < 0)
                j->msg = xstrdup(strerror(-j->rc));
        }

        pthread_mutex_lock(&pl->mu);
        pl->running = pl->running_load = false;
        if (pl->orphaned) { /* planner_free gave up waiting: nobody takes it */
            plan_free(j->plan);
            planner_job_free(j);
            break;
        }
        if (pl->n_done == pl->cap_done) {
            pl->cap_done = pl->cap_done ? pl->cap_done * 2 : 4;
            pl->done = xrealloc(pl->done, pl->cap_done * sizeof *pl->done);
        }
        pl->done[pl->n_done++] = j;
        uint64_t one = 1;
        if (write(pl->efd, &one, sizeof one) < 0) {
            /* a counter of 2^64-2 cannot be reached; nothing to do */
        }
    }
    bool orphaned = pl->orphaned;
    pthread_mutex_unlock(&pl->mu);
    if (orphaned)
        destroy(pl);
    return NULL;
}

struct planner *planner_new(const char *plan_path, const struct plan_options *opts,
                            const char *save_dir)
{
    struct planner *pl = xcalloc(1, sizeof *pl);
    pl->path = xstrdup(plan_path);
    pl->save_dir = save_dir ? xstrdup(save_dir) : NULL;
    pl->po = *opts;
    pl->po.default_tz = opts->default_tz ? xstrdup(opts->default_tz) : NULL;
    pl->po.audio_root = opts->audio_root ? xstrdup(opts->audio_root) : NULL;
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->cv, NULL);
    pl->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    /* the worker takes no signals: the loop reads them from its signalfd */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pl->efd < 0 ? -1 : pthread_create(&pl->thread, NULL, worker, pl);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        destroy(pl);
        return NULL;
    }
    return pl;
}

void planner_free(struct planner *pl)
{
    if (!pl)
        return;
    pthread_mutex_lock(&pl->mu);
    pl->quit = true;
    bool stuck = pl->running; /* e.g. a plan file that is a FIFO nobody writes */
    if (stuck)
        pl->orphaned = true;
    pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    if (stuck) {
        pthread_detach(pl->thread); /* it frees everything when its job ends */
        return;
    }
    pthread_join(pl->thread, NULL);
    destroy(pl);
}

int planner_fd(const struct planner *pl)
{
    return pl->efd;
}

unsigned long planner_load(struct planner *pl, bool accept_errors, int64_t from_ms,
                           int64_t to_ms)
{
    pthread_mutex_lock(&pl->mu);
    if (pl->want_load) {
        pl->accept_errors |= accept_errors;
        if (from_ms < pl->from_ms)
            pl->from_ms = from_ms;
        if (to_ms > pl->to_ms)
            pl->to_ms = to_ms;
    } else {
        pl->want_load = true;
        pl->want_expand = false; /* the load brings its own window */
        pl->accept_errors = accept_errors;
        pl->from_ms = from_ms;
        pl->to_ms = to_ms;
        pl->seq++;
    }
    unsigned long seq = pl->seq;
    pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    return seq;
}

int planner_expand(struct planner *pl, const struct plan *plan, int64_t from_ms, int64_t to_ms)
{
    int rc = 0;
    pthread_mutex_lock(&pl->mu);
    if (pl->want_load || pl->running_load) {
        rc = -EBUSY;
    } else {
        pl->want_expand = true;
        pl->expand_of = plan;
        pl->from_ms = from_ms;
        pl->to_ms = to_ms;
        pthread_cond_signal(&pl->cv);
    }
    pthread_mutex_unlock(&pl->mu);
    return rc;
}

void planner_recheck(struct planner *pl, const struct plan *plan)
{
    pthread_mutex_lock(&pl->mu);
    pl->want_recheck = true;
    pl->recheck_of = plan;
    pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
}

void planner_next(struct planner *pl, const struct plan *plan, int64_t from_ms, int64_t to_ms,
                  planner_airs_fn airs, void *ud)
{
    pthread_mutex_lock(&pl->mu);
    pl->want_next = true;
    pl->next_of = plan;
    pl->next_from = from_ms;
    pl->next_to = to_ms;
    pl->next_airs = airs;
    pl->next_ud = ud;
    pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
}

void planner_retire(struct planner *pl, struct plan *plan)
{
    if (!plan)
        return;
    struct retired *r = xmalloc(sizeof *r);
    r->plan = plan;
    pthread_mutex_lock(&pl->mu);
    if (pl->want_expand && pl->expand_of == plan)
        pl->want_expand = false; /* retired first: it must not run on a freed plan */
    if (pl->want_next && pl->next_of == plan)
        pl->want_next = false;
    if (pl->want_recheck && pl->recheck_of == plan)
        pl->want_recheck = false;
    r->next = pl->retired;
    pl->retired = r;
    pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
}

struct planner_job *planner_take(struct planner *pl)
{
    uint64_t n;
    if (read(pl->efd, &n, sizeof n) < 0) {
        /* EAGAIN: none signalled since the last read; the list says */
    }
    struct planner_job *j = NULL;
    pthread_mutex_lock(&pl->mu);
    if (pl->n_done) {
        j = pl->done[0];
        memmove(&pl->done[0], &pl->done[1], (pl->n_done - 1) * sizeof *pl->done);
        pl->n_done--;
    }
    pthread_mutex_unlock(&pl->mu);
    return j;
}

void planner_job_free(struct planner_job *j)
{
    if (!j)
        return;
    free(j->occ);
    free(j->errors);
    free(j->msg);
    free(j->recordings);
    free(j);
}
