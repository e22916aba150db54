/* nettle's SHA-256 over a streamed file. */
#include "core/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <unistd.h>

int hash_file_sha256_until(const char *path, char hex[65], const atomic_bool *stop,
                           struct stat *out_st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -errno;
    struct stat st;
    int e = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : 0;
    if (e) {
        close(fd);
        return e;
    }
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[65536];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
        if (r > 0)
            sha256_update(&ctx, (size_t)r, buf);
        if (stop && atomic_load_explicit(stop, memory_order_relaxed)) {
            e = -ECANCELED;
            break;
        }
    }
    if (!e && r < 0)
        e = -errno;
    close(fd);
    if (e)
        return e;
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    if (out_st)
        *out_st = st;
    return 0;
}

int hash_file_sha256(const char *path, char hex[65])
{
    return hash_file_sha256_until(path, hex, NULL, NULL);
}

void hash_mem_sha256(const void *data, size_t n, char hex[65])
{
    struct sha256_ctx ctx;
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, n, data);
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}
