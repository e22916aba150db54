/* The hash worker; see hasher.h. One thread, a table of files guarded by
 * one mutex: the loop only looks up (a stat() and a short critical
 * section), the worker takes the oldest queued file, hashes it unlocked at
 * a lower CPU priority, and stores the result for the size and mtime it
 * hashed. (No sched/ header here: <pthread.h> brings the system's
 * <sched.h>, whose SCHED_IDLE clashes with ours.) */
#include "daemon/hasher.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/util.h"

#define HASHER_MAX 4096            /* files remembered; a station has hundreds */

enum hstate { H_QUEUED, H_BUSY, H_DONE, H_FAILED };

struct hentry {
    char *path;
    off_t size;
    struct timespec mtime;
    enum hstate state;
    int err;                       /* H_FAILED: -errno */
    uint64_t asked;                /* queue order */
    char hex[65];
};

struct hasher {
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool stop;
    struct hentry *e;
    size_t n, cap;
    uint64_t next_ask;
};

static bool same(const struct hentry *e, const struct stat *st)
{
    return e->size == st->st_size && e->mtime.tv_sec == st->st_mtim.tv_sec &&
           e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static struct hentry *find(struct hasher *h, const char *path)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->e[i].path, path) == 0)
            return &h->e[i];
    return NULL;
}

static void *worker(void *arg)
{
    struct hasher *h = arg;
    /* behind the decoders on a small machine (Linux: per-thread nice) */
    setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
    pthread_mutex_lock(&h->mu);
    while (!atomic_load(&h->stop)) {
        struct hentry *job = NULL;
        for (size_t i = 0; i < h->n; i++)
            if (h->e[i].state == H_QUEUED && (!job || h->e[i].asked < job->asked))
                job = &h->e[i];
        if (!job) {
            pthread_cond_wait(&h->cv, &h->mu);
            continue;
        }
        job->state = H_BUSY;
        char *path = xstrdup(job->path);
        pthread_mutex_unlock(&h->mu);
        char hex[65] = "";
        struct stat st;
        int rc = hash_file_sha256_until(path, hex, &h->stop, &st);
        pthread_mutex_lock(&h->mu);
        job = find(h, path); /* the table may have moved meanwhile */
        free(path);
        if (!job || job->state != H_BUSY)
            continue;
        if (rc == 0) {
            /* what was hashed; a lookup of a newer version queues it again */
            job->size = st.st_size;
            job->mtime = st.st_mtim;
            memcpy(job->hex, hex, sizeof hex);
            job->state = H_DONE;
        } else {
            job->err = rc;
            job->state = H_FAILED;
        }
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

struct hasher *hasher_new(void)
{
    struct hasher *h = xcalloc(1, sizeof *h);
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    atomic_init(&h->stop, false);
    /* signals are the loop's (signalfd): the worker blocks them all, or a
     * SIGTERM could be delivered to it and kill the daemon */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    h->started = pthread_create(&h->thread, NULL, worker, h) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return h;
}

void hasher_free(struct hasher *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);
    atomic_store(&h->stop, true);
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    if (h->started)
        pthread_join(h->thread, NULL);
    for (size_t i = 0; i < h->n; i++)
        free(h->e[i].path);
    free(h->e);
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

/* A slot for a new file: the table grows to HASHER_MAX, then the oldest
 * finished entry makes room (NULL if every one is queued or busy). */
static struct hentry *slot(struct hasher *h)
{
    if (h->n < HASHER_MAX) {
        if (h->n == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 64;
            h->e = xrealloc(h->e, h->cap * sizeof *h->e);
        }
        return &h->e[h->n++];
    }
    struct hentry *old = NULL;
    for (size_t i = 0; i < h->n; i++)
        if (h->e[i].state >= H_DONE && (!old || h->e[i].asked < old->asked))
            old = &h->e[i];
    if (old)
        free(old->path);
    return old;
}

int hasher_lookup(struct hasher *h, const char *abs, char hex[65])
{
    hex[0] = '\0';
    struct stat st;
    if (stat(abs, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EINVAL;
    pthread_mutex_lock(&h->mu);
    int rc = -EAGAIN;
    struct hentry *e = find(h, abs);
    if (e && e->state == H_DONE && same(e, &st)) {
        memcpy(hex, e->hex, 65);
        rc = 0;
    } else if (e && e->state == H_FAILED && same(e, &st)) {
        rc = e->err;
    } else if (e && (e->state == H_BUSY || e->state == H_QUEUED)) {
        /* on its way; if it changed meanwhile, a later lookup sees it */
    } else {
        if (!e && (e = slot(h)))
            e->path = xstrdup(abs);
        if (e) {
            e->size = st.st_size;
            e->mtime = st.st_mtim;
            e->state = H_QUEUED;
            e->asked = h->next_ask++;
            pthread_cond_signal(&h->cv);
        }
    }
    pthread_mutex_unlock(&h->mu);
    return rc;
}

int hasher_lookup_fn(void *h, const char *abs, char hex[65])
{
    return hasher_lookup(h, abs, hex);
}
