/* A small fixed-size file beside the as-run log (<db>.journal) holding the
 * rows the log could not take (disk full, I/O error), so that a restart,
 * kill -9 included, neither loses them nor airs their occurrences again.
 * The file is allocated in full when opened, so a write into it never needs
 * a new block of a full disk; each record is checksummed and synced. Free
 * slots are zeroed lazily: a record replayed twice is harmless, because
 * writing a row into the log is idempotent (see backlog.c). */
#ifndef LOAXA_JOURNAL_H
#define LOAXA_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aslog/aslog.h"

#define JOURNAL_SLOT 256
#define JOURNAL_SLOTS 256            /* 64 KiB in all */
#define JOURNAL_SIZE (JOURNAL_SLOT * JOURNAL_SLOTS)

enum journal_kind {
    JOURNAL_STARTED = 1,  /* on air with no row in the log (the ON_AIR row) */
    JOURNAL_AIRED,        /* a finished airing with no row: begin + finish */
    JOURNAL_RECORD,       /* a final row written at once (missed, failed, ...) */
    JOURNAL_FINISH,       /* completion of the log's row `id` */
};

/* What a record holds besides its row. */
struct journal_meta {
    enum journal_kind kind;
    int64_t id;              /* JOURNAL_FINISH: the log's row; else -1 */
    int attempts_before;     /* the occurrence's rows in the log when it was
                              * journaled (-1 unknown) */
};

struct journal;

/* Opens path, creating it and allocating JOURNAL_SIZE bytes if needed, and
 * reads the records it holds. -errno with err filled on failure. */
int journal_open(const char *path, struct journal **out, char *err, size_t errlen);
void journal_close(struct journal *j);

/* The records found by journal_open, in the order they were written; cb
 * gets each one's ticket (for journal_drop). Strings in row are valid only
 * during the call. */
void journal_replay(struct journal *j,
                    void (*cb)(void *ud, int ticket, const struct journal_meta *m,
                               const struct aslog_row *row),
                    void *ud);

/* Writes a record and syncs it; returns its ticket (> 0), -ENOSPC when the
 * journal is full, or another -errno. Strings too long for a record are
 * cut (at a UTF-8 boundary; recordings over 4 KiB become "[]"). */
int journal_add(struct journal *j, const struct journal_meta *m, const struct aslog_row *row);

/* Frees a record (ticket <= 0: nothing). Not synced: see above. */
void journal_drop(struct journal *j, int ticket);

/* Slots in use, of JOURNAL_SLOTS. */
int journal_used(const struct journal *j);

#endif
