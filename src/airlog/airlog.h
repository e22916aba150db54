/* From the scheduler's entries to the as-run log's rows, shared by loaxad
 * and `loaxa simulate` so both write exactly the same rows: the snapshot
 * of the item (title, categories, unit, priority, recordings with their
 * SHA-256), the planned times, the source and the operator. Not part of
 * the pure core: it reads recordings (hashes) and writes through aslog. */
#ifndef LOAXA_AIRLOG_H
#define LOAXA_AIRLOG_H

#include <stddef.h>
#include <stdint.h>

#include "aslog/aslog.h"
#include "core/config.h"
#include "sched/sched.h"

/* The edge between the core's enums and the log's and the settings'. */
enum aslog_source airlog_source(enum sched_source s);
enum sched_cut_policy airlog_cut_policy(enum config_preempt p);

struct airlog;

struct airlog *airlog_new(struct aslog *log, const char *audio_root);
void airlog_free(struct airlog *al);
/* Hash each recording once and never look again (simulate: no time passes). */
void airlog_trust_cache(struct airlog *al);

/* The daemon's hashes, computed off its loop: fn gives a file's hash (0),
 * or -EAGAIN while it is not known yet (it is then computed meanwhile).
 * Rows are then written at once with the hashes known so far, and an
 * ON_AIR row lacking some is completed by airlog_fill_hashes. Without it,
 * each file is hashed here, when a row needs it (simulate). */
typedef int (*airlog_hash_fn)(void *ud, const char *abs_path, char hex[65]);
void airlog_set_hasher(struct airlog *al, airlog_hash_fn fn, void *ud);
/* Writes the hashes now known into the rows written without them; returns
 * how many rows still wait. Cheap when none waits: call it often. */
size_t airlog_fill_hashes(struct airlog *al);

/* The recordings of an item as absolute paths under the audio root (and
 * the signature tune's, if any, is not included). Returns 0 or a negative
 * code with err naming the file. Free with airlog_free_files. With a
 * hasher, their hashes are asked for here (the daemon calls this at
 * prepare). */
int airlog_files(struct airlog *al, const struct plan_item *it, char ***files, size_t *n,
                 char *err, size_t errlen);
void airlog_free_files(char **files, size_t n);

/* A final row at once: missed, cancelled, failed. -EEXIST when the
 * occurrence already has one. */
int airlog_record(struct airlog *al, const struct sched_entry *e, enum aslog_status st,
                  const char *reason, const char *device, const char *operator_name);

/* The ON_AIR row before the first frame; -EEXIST: already aired. */
int airlog_begin(struct airlog *al, const struct sched_entry *e, const char *device,
                 const char *operator_name, int64_t *id);

/* The row airlog_record/airlog_begin would write for e, kept by the caller
 * for a later write (one block: free() it). */
struct aslog_row *airlog_row_new(struct airlog *al, const struct sched_entry *e,
                                 enum aslog_status st, const char *reason, const char *device,
                                 const char *operator_name);

#endif
