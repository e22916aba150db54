/* The broadcast plan: .ics files read with libical (only here), validated,
 * and expanded into occurrences. Everything outside sees plain structs.
 * All times are int64_t milliseconds since the epoch, UTC. */
#ifndef LOAXA_PLAN_H
#define LOAXA_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plan;

/* Priority levels of Thông tư 39/2020/TT-BTTTT. Higher value = more urgent. */
enum plan_level {
    PLAN_LEVEL_NORMAL = 0,     /* PRIORITY 0, absent, 5-9: thông thường */
    PLAN_LEVEL_PRIORITY = 1,   /* PRIORITY 2-4: ưu tiên */
    PLAN_LEVEL_EMERGENCY = 2,  /* PRIORITY 1: khẩn cấp */
};

/* One broadcast item (a VEVENT, or a RECURRENCE-ID override of one).
 * Owned by the plan; valid until plan_free(). */
struct plan_item {
    const char *uid;
    const char *file;             /* the .ics it came from */
    int line;                     /* line of its BEGIN:VEVENT */
    const char *summary;          /* "" when absent */
    const char *description;
    const char *unit;             /* lead unit: X-LOAXA-UNIT, else CONTACT; "" when absent */
    const char *const *categories;
    size_t n_categories;
    const char *const *audio;     /* ATTACH paths as written, relative to the audio root */
    size_t n_audio;
    int priority;                 /* PRIORITY as written, 0 when absent */
    enum plan_level level;
    bool approved;                /* false for STATUS:TENTATIVE */
    int sequence;
    const char *signature_tune;   /* X-LOAXA-SIGNATURE: path, "none", or NULL for the setting */
    /* Its time properties as written (DTSTART, DTEND, DURATION,
     * RECURRENCE-ID, RRULE, RDATE, EXDATE, unfolded): part of the content
     * hash an approval binds to (programme_content_hash). NULL: unknown. */
    const char *times;
};

/* A deep copy of an item that outlives its plan (ad hoc airings, prepared
 * programmes); plan_item_free frees it (never an item of a plan). A new
 * field above is copied by name in plan_item_dup (item.c). */
struct plan_item *plan_item_dup(const struct plan_item *it);
void plan_item_free(struct plan_item *it);

/* The PRIORITY value that means a level (1, 3, 0), for what has no
 * PRIORITY as written (ad hoc airings). */
int plan_level_priority(enum plan_level level);
/* The level a PRIORITY means (the loader's rule; no_emergency_from_priority
 * as in plan_options), for what stored a PRIORITY (the as-run log). */
enum plan_level plan_level_of_priority(int priority, bool no_emergency_from_priority);

/* One airing the plan asks for. */
struct plan_occurrence {
    const struct plan_item *item; /* the override's item when one applies */
    int64_t start_ms;
    int64_t end_ms;               /* start + slot (DTEND/DURATION); == start_ms when no slot */
    int64_t recurrence_id_ms;     /* identity: the instance's original start, UTC */
    char key[160];                /* "UID/YYYYMMDDTHHMMSSZ": the occurrence's identity
                                   * everywhere (UIDs over 142 bytes: see plan-format.md) */
    bool cancelled;               /* STATUS:CANCELLED on the item or the instance */
};

enum plan_severity { PLAN_ERROR, PLAN_WARNING, PLAN_NOTE };

struct plan_diag {
    enum plan_severity severity;
    const char *file;
    int line;                     /* 0 when the problem has no single line */
    const char *message;          /* already translated */
};

struct plan_options {
    const char *default_tz;       /* for floating times */
    const char *audio_root;       /* for checking ATTACH paths */
    /* station.emergency_from_priority = no: PRIORITY:1 gives the priority
     * level, not emergency (zero-initialised: the default, emergency) */
    bool no_emergency_from_priority;
};

/* Loads a .ics file, or every *.ics in a directory (sorted by name), and
 * merges them. Never fails on bad content: problems become diagnostics and
 * bad items are left out. Returns NULL only when nothing could be read at
 * all (then *err, if given, says why; free it). */
struct plan *plan_load(const char *const *paths, size_t n_paths,
                       const struct plan_options *opt, char **err);
void plan_free(struct plan *plan);

/* Diagnostics from loading (and from plan_check), in file/line order. */
size_t plan_diag_count(const struct plan *plan);
const struct plan_diag *plan_diag(const struct plan *plan, size_t i);
size_t plan_error_count(const struct plan *plan);

size_t plan_item_count(const struct plan *plan);
const struct plan_item *plan_item_at(const struct plan *plan, size_t i);
const struct plan_item *plan_find_uid(const struct plan *plan, const char *uid);
/* The line of an item's i-th ATTACH (0 when unknown). */
int plan_item_attach_line(const struct plan_item *item, size_t i);

/* The .ics files that made the plan, with their SHA-256 (hex). */
size_t plan_file_count(const struct plan *plan);
const char *plan_file_path(const struct plan *plan, size_t i);
const char *plan_file_sha256(const struct plan *plan, size_t i);

/* Every occurrence starting in [from_ms, to_ms), sorted by start then key,
 * cancelled ones included (flagged). The caller frees *out.
 * The cost and memory follow the window, not the years since DTSTART: each
 * rule keeps a cursor near the last window (a rule without COUNT starts a
 * whole number of its periods after DTSTART, shortly before the window), so
 * the next window continues where the last stopped. The cursors are the
 * plan's own state (no globals): a plan must not be expanded from two
 * threads at once, but different plans may be, from any thread.
 * See doc/plan-format.md for the rules. */
int plan_expand(const struct plan *plan, int64_t from_ms, int64_t to_ms,
                struct plan_occurrence **out, size_t *n_out);

/* Instances the rule cursors hold now (for tests and memory reports). */
size_t plan_held_instances(const struct plan *plan);

#endif
