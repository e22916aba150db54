/* An injected leak for proving the memory soak (tools/soak/memory.py) can
 * fail: LD_PRELOAD'ed into loaxad, a thread allocates and writes
 * LOAXA_LEAK_KB_PER_MIN kB a minute (default 1024) and never frees it. A
 * test build artefact only: nothing of it is in the daemon. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *leak(void *arg)
{
    long kb_min = (long)(intptr_t)arg;
    /* ten allocations a second, so the growth is a line, not steps */
    size_t chunk = (size_t)kb_min * 1024 / 600;
    struct timespec ts = {0, 100 * 1000 * 1000};
    for (;;) {
        char *p = malloc(chunk);
        if (p)
            memset(p, 0x5a, chunk);
        nanosleep(&ts, NULL);
    }
    return NULL;
}

__attribute__((constructor)) static void leak_start(void)
{
    const char *e = getenv("LOAXA_LEAK_KB_PER_MIN");
    long kb_min = e ? strtol(e, NULL, 10) : 1024;
    pthread_t t;
    if (kb_min > 0 && pthread_create(&t, NULL, leak, (void *)(intptr_t)kb_min) == 0)
        pthread_detach(t);
}
