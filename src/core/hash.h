/* SHA-256 of files (plan files, recordings) for the log's snapshots. */
#ifndef LOAXA_HASH_H
#define LOAXA_HASH_H

/* Writes 64 hex digits and a NUL to hex. Returns 0 or -errno. */
int hash_file_sha256(const char *path, char hex[65]);

#endif
