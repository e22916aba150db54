/* Allocation, strings and time formatting shared by all modules. */
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
    fputs("loaxa: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    struct strbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    return strbuf_steal(&b);
}

static void strbuf_grow(struct strbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
    strbuf_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    strbuf_grow(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *strbuf_steal(struct strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void strbuf_free(struct strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

size_t util_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

static time_t floor_sec(int64_t ms)
{
    return (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
}

char *util_format_iso_local(int64_t ms, char buf[UTIL_TIME_BUF])
{
    time_t t = floor_sec(ms);
    struct tm tm;
    localtime_r(&t, &tm);
    int off = (int)(tm.tm_gmtoff % 86400);
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(buf, UTIL_TIME_BUF, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
             (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
             tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
    return buf;
}

char *util_format_iso_utc(int64_t ms, char buf[UTIL_TIME_BUF])
{
    time_t t = floor_sec(ms);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, UTIL_TIME_BUF, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

char *util_format_local(int64_t ms, char buf[UTIL_TIME_BUF])
{
    time_t t = floor_sec(ms);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, UTIL_TIME_BUF, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

/* "DD/MM/YYYY[ HH:MM[:SS]]" as ISO 8601 text in buf; -EINVAL if s is not that. */
static int dmy_to_iso(const char *s, char *buf, size_t len)
{
    int d, mo, y, n = 0;
    if (!s || !strchr(s, '/') || sscanf(s, "%2d/%2d/%4d%n", &d, &mo, &y, &n) != 3 ||
        !isdigit((unsigned char)s[0]) || n < 8 || s[n - 5] != '/')
        return -EINVAL;
    const char *rest = s + n;
    if (*rest && *rest != ' ' && *rest != 'T')
        return -EINVAL;
    if ((size_t)snprintf(buf, len, "%04d-%02d-%02d%s", y, mo, d, rest) >= len)
        return -EINVAL;
    return 0;
}

static bool date_only(const char *s)
{
    return strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

int util_parse_time(const char *s, int64_t *ms)
{
    char iso[64];
    if (s && dmy_to_iso(s, iso, sizeof iso) == 0)
        s = iso;
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -EINVAL;
    const char *p = s + n;
    if (*p == 'T' || *p == ' ') {
        int m2 = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m2) != 2 || m2 != 5)
            return -EINVAL;
        p += 1 + m2;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &sec, &m2) != 1 || m2 != 2)
                return -EINVAL;
            p += 1 + m2;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -EINVAL;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec, .tm_isdst = -1};
    time_t t;
    if (*p == '\0') {
        t = mktime(&tm);
    } else if (*p == 'Z' && p[1] == '\0') {
        t = timegm(&tm);
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return -EINVAL;
        long off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        t = timegm(&tm) - off;
    } else {
        return -EINVAL;
    }
    if (tm.tm_mday != d && *p == '\0')
        return -EINVAL; /* e.g. 2026-02-30 normalised by mktime */
    *ms = (int64_t)t * 1000;
    return 0;
}

int util_read_file(const char *path, size_t max, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? -EISDIR : -errno;
        close(fd);
        return e ? e : -EINVAL;
    }
    struct strbuf b = {0};
    char chunk[65536];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0) {
        if (max && b.len + (size_t)r > max) {
            r = -1;
            errno = EFBIG; /* checked while reading: the file may grow meanwhile */
            break;
        }
        strbuf_add(&b, chunk, (size_t)r);
    }
    int e = r < 0 ? -errno : 0;
    close(fd);
    if (e) {
        strbuf_free(&b);
        return e;
    }
    *len = b.len;
    *data = strbuf_steal(&b);
    return 0;
}

int util_set_timezone(const char *zone)
{
    char path[512];
    if (!zone || !*zone || strstr(zone, ".."))
        return -EINVAL;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    if (zone[0] != ':' && access(path, R_OK) != 0 && strcmp(zone, "UTC") != 0)
        return -EINVAL;
    setenv("TZ", zone, 1);
    tzset();
    return 0;
}

int util_parse_bound(const char *s, bool is_to, int64_t *ms)
{
    char iso[64];
    if (s && dmy_to_iso(s, iso, sizeof iso) == 0)
        s = iso;
    if (util_parse_time(s, ms) < 0)
        return -EINVAL;
    if (is_to && date_only(s)) {
        char next[UTIL_TIME_BUF];
        int64_t probe = *ms + 36 * 3600000LL; /* lands in the next day whatever DST does */
        util_format_iso_local(probe, next);
        next[10] = '\0';
        return util_parse_time(next, ms);
    }
    return 0;
}

int64_t util_next_local_midnight(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday += 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    int64_t r = (int64_t)mktime(&tm) * 1000;
    return r > ms ? r : ms + 86400000LL;
}
