/* SHA-256 of files (plan files, recordings) for the log's snapshots. */
#ifndef LOAXA_HASH_H
#define LOAXA_HASH_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/stat.h>

/* Writes 64 hex digits and a NUL to hex. Returns 0 or -errno; only regular
 * files are hashed (-EINVAL otherwise), opened non-blocking, so a FIFO put
 * in a recording's place cannot block the caller. */
int hash_file_sha256(const char *path, char hex[65]);

/* The same, giving up with -ECANCELED as soon as *stop is set (checked
 * between reads), and, if st is not NULL, the fstat of what was hashed. */
int hash_file_sha256_until(const char *path, char hex[65], const atomic_bool *stop,
                           struct stat *st);

/* SHA-256 of n bytes in memory. */
void hash_mem_sha256(const void *data, size_t n, char hex[65]);

#endif
