/* The JSON documents of the control protocol's STATUS and ERRORS answers,
 * both ends (doc/control-protocol.md): the daemon fills a struct and
 * encodes it, the client decodes the answer into the same struct. json-c
 * stays inside ctl. Times are the protocol's text (ISO 8601, local time
 * with offset, util_format_iso_local); NULL is JSON null / absent. */
#ifndef LOAXA_CTL_STATUS_H
#define LOAXA_CTL_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A text and its length (an error entry may be cut short of its line) */
struct ctl_text {
    const char *s;
    size_t len;
};

struct ctl_status_entry {
    const char *key, *uid, *title, *level, *source;
    const char *planned_start;
};

struct ctl_status_on_air {
    struct ctl_status_entry e;
    const char *started;
    int64_t starts_in_ms;         /* armed, first frame still to come; -1: started */
    int64_t elapsed_ms;
    int64_t remaining_ms;         /* -1: length unknown */
    const char *operator_name;
};

struct ctl_status {
    const char *state;            /* "idle", "on_air", "stopping" */
    const char *now, *version, *started, *device;
    int64_t pid;
    bool has_on_air, has_prepared, has_plan, has_clock;
    struct ctl_status_on_air on_air;
    struct ctl_status_entry prepared;
    const struct ctl_status_entry *next;
    size_t n_next;
    struct {
        const char *path, *loaded;
        int64_t items, error_count;   /* error_count: all; errors: the first ones */
        const char *const *files;     /* the plan's files in the scheduler */
        size_t n_files;
        int64_t left_out, bad_recordings;
        bool refused;                 /* the last read was refused */
        bool saved_copy;              /* airing the last good plan's saved copy */
        const struct ctl_text *errors;
        size_t n_errors;
    } plan;
    bool clock_synchronised;
    int64_t clock_est_error_us;
    int64_t log_backlog;          /* rows waiting for the log to be writable */
    int64_t pending_approvals;    /* plan items waiting for approval (PENDING lists them) */
    const char *const *failures;
    size_t n_failures;
    void *doc_;                   /* decoded: what the strings point into */
};

/* One page of the refused plan's errors (ERRORS OFFSET). "list" names the
 * error list the page belongs to (it changes when the errors do). */
struct ctl_errors_page {
    const char *list;             /* NULL: not written */
    int64_t error_count;
    int64_t offset;               /* -1: not written */
    const struct ctl_text *errors;
    size_t n_errors;
    int64_t next;                 /* the following page's offset; -1: the last page */
    void *doc_;
};

/* PENDING: the plan items that wait for an approval, or were rejected. */
struct ctl_pending_item {
    const char *uid, *title, *level;
    const char *first_start;      /* the next occurrence in the loaded window; NULL: none */
    const char *hash;             /* the content hash an APPROVE must name */
    const char *state;            /* "pending", "rejected" */
    const char *who, *at, *comment; /* the rejection (state rejected); NULL otherwise */
    const char *const *recordings; /* ATTACH paths as written */
    size_t n_recordings;
};

struct ctl_pending {
    const char *mode;             /* station.approval: "status", "signed" */
    int64_t count;                /* all that wait (items may hold fewer: the answer's cap) */
    const struct ctl_pending_item *items;
    size_t n_items;
    void *doc_;
};

char *ctl_pending_encode(const struct ctl_pending *p);
int ctl_pending_decode(const char *text, struct ctl_pending *p, char *err, size_t errlen);
void ctl_pending_free(struct ctl_pending *p);

/* The document as one line of JSON (malloc'd). */
char *ctl_status_encode(const struct ctl_status *st);
char *ctl_errors_encode(const struct ctl_errors_page *pg);

/* Parses an answer; the strings point into *st until ctl_status_free.
 * Absent members read as NULL / 0 (starts_in_ms, remaining_ms: -1).
 * Returns 0, or -EINVAL with err when it is not such a document. */
int ctl_status_decode(const char *text, struct ctl_status *st, char *err, size_t errlen);
void ctl_status_free(struct ctl_status *st);
int ctl_errors_decode(const char *text, struct ctl_errors_page *pg, char *err, size_t errlen);
void ctl_errors_free(struct ctl_errors_page *pg);

/* At least the bytes an error entry of n bytes takes in a document (its
 * quotes, escapes and comma), so a page can be cut to a size. */
size_t ctl_text_json_size(const char *s, size_t n);

#endif
