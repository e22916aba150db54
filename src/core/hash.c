/* nettle's SHA-256 over a streamed file. */
#include "core/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <unistd.h>

int hash_file_sha256(const char *path, char hex[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[65536];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0)
        sha256_update(&ctx, (size_t)r, buf);
    int e = r < 0 ? -errno : 0;
    close(fd);
    if (e)
        return e;
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 0;
}
