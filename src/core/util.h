/* Small helpers shared by every module: allocation that aborts on
 * out-of-memory (input errors never abort), string building and time text. */
#ifndef LOAXA_UTIL_H
#define LOAXA_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable NUL-terminated string. Zero-initialise, then append. */
struct strbuf {
    char *s;
    size_t len, cap;
};
void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap);
char *strbuf_steal(struct strbuf *b); /* caller frees; b is reset */
void strbuf_free(struct strbuf *b);

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t util_strlcpy(char *dst, const char *src, size_t size);

/* Times inside loaxa are int64_t milliseconds since the Unix epoch, UTC.
 * These format them in the process's local zone (TZ is set to the
 * configured station zone at program start) or in UTC. */
#define UTIL_TIME_BUF 64
/* 2026-03-02T06:30:00+07:00 */
char *util_format_iso_local(int64_t ms, char buf[UTIL_TIME_BUF]);
/* 2026-03-01T23:30:00Z */
char *util_format_iso_utc(int64_t ms, char buf[UTIL_TIME_BUF]);
/* 2026-03-02 06:30:00 (local, no offset: for tables) */
char *util_format_local(int64_t ms, char buf[UTIL_TIME_BUF]);

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (local), or either with
 * "Z" / "+HH:MM" suffix; also the officer's "DD/MM/YYYY[ HH:MM[:SS]]"
 * (local; day and month may have one digit). Returns 0 and sets *ms, or
 * -EINVAL. */
int util_parse_time(const char *s, int64_t *ms);

/* util_parse_time for a period's bound: a date alone as the upper bound
 * (is_to) means through the end of that day, i.e. the next local midnight
 * (whatever DST does). */
int util_parse_bound(const char *s, bool is_to, int64_t *ms);

/* The start of the local day after the one holding ms (the process zone);
 * a zone that skips midnight gets ms + 24 h. */
int64_t util_next_local_midnight(int64_t ms);

/* Reads a whole regular file of at most max bytes (0: no limit); returns 0,
 * -EFBIG (too large), -EINVAL (not a regular file: a FIFO or device is not
 * waited on) or -errno. *len excludes the added NUL. */
int util_read_file(const char *path, size_t max, char **data, size_t *len);

/* Makes the process zone the station zone (an edge action, done once by
 * each program). Returns 0, or -EINVAL if the zone is not in tzdata. */
int util_set_timezone(const char *zone);

#endif
