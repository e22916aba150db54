/* Recording hashes (SHA-256) computed by a worker thread, never on the
 * loop: a one-hour WAV takes seconds to hash, and the loop must be at the
 * start when it is due. The loop asks; an unknown or changed file (size,
 * mtime) is queued and the row gets its hash later (airlog.h). */
#ifndef LOAXA_HASHER_H
#define LOAXA_HASHER_H

struct hasher;

struct hasher *hasher_new(void);
/* Stops the worker (a hash in progress is abandoned between reads). */
void hasher_free(struct hasher *h);

/* From the loop: 0 with hex when abs is hashed as it is now; -EAGAIN when
 * it is queued or being hashed; -EINVAL when it is not a regular file;
 * another -errno when it cannot be read. */
int hasher_lookup(struct hasher *h, const char *abs, char hex[65]);

/* hasher_lookup for airlog_set_hasher (ud: the hasher). */
int hasher_lookup_fn(void *h, const char *abs, char hex[65]);

#endif
