/* The rows the log refused, in a preallocated file; see journal.h.
 * Layout: JOURNAL_SLOTS slots of JOURNAL_SLOT bytes; a record takes one or
 * more whole consecutive slots: a header (magic, CRC-32 over the record,
 * slot count, kind, sequence number) then the row's numbers and strings.
 * A torn write fails its CRC and is skipped, slot by slot. Host byte order:
 * the file never leaves the machine that wrote it. */
#include "daemon/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/util.h"

#define MAGIC 0x314a584cu          /* "LXJ1" */
#define MAX_SLOTS 32               /* 8 KiB: the longest record */
#define CAP_KEY 255
#define CAP_RECORDINGS 4096
#define CAP_TEXT 400

struct rec_hdr {
    uint32_t magic;
    uint32_t crc;                  /* over the whole record with crc = 0 */
    uint16_t nslots;
    uint8_t kind;
    uint8_t pad;
    uint32_t len;                  /* bytes after the header */
    uint64_t seq;                  /* write order */
    int64_t id;
    int32_t attempts_before;
    uint32_t pad2;
};

struct journal {
    int fd;
    uint64_t next_seq;
    uint8_t nslots[JOURNAL_SLOTS]; /* at a record's first slot: its length; else 0 */
    bool used[JOURNAL_SLOTS];
    unsigned char *image;          /* the file as read at open, until replayed */
};

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t record_crc(const unsigned char *rec)
{
    struct rec_hdr h;
    memcpy(&h, rec, sizeof h);
    size_t total = sizeof h + h.len;
    unsigned char *copy = xmalloc(total);
    memcpy(copy, rec, total);
    h.crc = 0;
    memcpy(copy, &h, sizeof h);
    uint32_t c = crc32(copy, total);
    free(copy);
    return c;
}

/* A valid record at slot i: its header, else false. */
static bool record_at(const unsigned char *image, int i, struct rec_hdr *h)
{
    memcpy(h, image + (size_t)i * JOURNAL_SLOT, sizeof *h);
    if (h->magic != MAGIC || h->nslots < 1 || h->nslots > MAX_SLOTS ||
        i + h->nslots > JOURNAL_SLOTS || h->kind < JOURNAL_STARTED || h->kind > JOURNAL_FINISH ||
        h->len > (size_t)h->nslots * JOURNAL_SLOT - sizeof *h)
        return false;
    return record_crc(image + (size_t)i * JOURNAL_SLOT) == h->crc;
}

static int write_all(int fd, const void *buf, size_t n, off_t off)
{
    const char *p = buf;
    while (n) {
        ssize_t w = pwrite(fd, p, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -EIO;
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int journal_open(const char *path, struct journal **out, char *err, size_t errlen)
{
    *out = NULL;
    struct journal *j = xcalloc(1, sizeof *j);
    unsigned char *zeros = NULL;
    int rc;
    j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    struct stat st;
    if (j->fd < 0 || fstat(j->fd, &st) < 0)
        goto fail_errno;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto fail_errno;
    }
    if (st.st_size < JOURNAL_SIZE) {
        /* allocated now, while there is room; zeros written too, so no
         * filesystem leaves the blocks to be allocated at the first write */
        if ((rc = posix_fallocate(j->fd, 0, JOURNAL_SIZE)) != 0 && rc != EOPNOTSUPP &&
            rc != EINVAL) {
            errno = rc;
            goto fail_errno;
        }
        size_t n = JOURNAL_SIZE - (size_t)st.st_size;
        zeros = xcalloc(1, n);
        if ((rc = write_all(j->fd, zeros, n, st.st_size)) < 0) {
            errno = -rc;
            goto fail_errno;
        }
        if (fsync(j->fd) < 0)
            goto fail_errno;
        sync_dir(path);
    }
    j->image = xmalloc(JOURNAL_SIZE);
    ssize_t r = pread(j->fd, j->image, JOURNAL_SIZE, 0);
    if (r != JOURNAL_SIZE) {
        errno = r < 0 ? errno : EIO;
        goto fail_errno;
    }
    for (int i = 0; i < JOURNAL_SLOTS;) {
        struct rec_hdr h;
        if (!record_at(j->image, i, &h)) {
            i++;
            continue;
        }
        j->nslots[i] = (uint8_t)h.nslots;
        for (int k = 0; k < h.nslots; k++)
            j->used[i + k] = true;
        if (h.seq >= j->next_seq)
            j->next_seq = h.seq + 1;
        i += h.nslots;
    }
    free(zeros);
    *out = j;
    return 0;
fail_errno:
    rc = -errno;
    snprintf(err, errlen, _("cannot open the journal %s: %s"), path, strerror(errno));
    free(zeros);
    journal_close(j);
    return rc;
}

void journal_close(struct journal *j)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    free(j->image);
    free(j);
}

/* ---- records ---- */

struct wbuf {
    unsigned char *p;
    size_t len, cap;
};

static void put(struct wbuf *b, const void *v, size_t n)
{
    if (b->len + n <= b->cap)
        memcpy(b->p + b->len, v, n);
    b->len += n;
}

/* Up to cap bytes of s, cut at a UTF-8 character boundary. */
static void put_str(struct wbuf *b, const char *s, size_t cap)
{
    s = s ? s : "";
    size_t n = strlen(s);
    if (n > cap) {
        n = cap;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    uint16_t l = (uint16_t)n;
    put(b, &l, sizeof l);
    put(b, s, n);
}

static void put_row(struct wbuf *b, const struct aslog_row *r)
{
    int32_t ints[] = {(int32_t)r->status, r->priority, (int32_t)r->source, r->underruns,
                      r->attempt};
    int64_t times[] = {r->planned_start_ms, r->planned_end_ms, r->actual_start_ms,
                       r->actual_end_ms, r->played_ms};
    put(b, ints, sizeof ints);
    put(b, times, sizeof times);
    const char *recs = r->recordings && strlen(r->recordings) <= CAP_RECORDINGS
                           ? r->recordings : "[]"; /* cut JSON would be no JSON */
    put_str(b, r->occ_key, CAP_KEY);
    put_str(b, r->uid, CAP_TEXT);
    put_str(b, r->plan_file, CAP_TEXT);
    put_str(b, r->title, CAP_TEXT);
    put_str(b, r->categories, CAP_TEXT);
    put_str(b, r->unit, CAP_TEXT);
    put_str(b, recs, CAP_RECORDINGS);
    put_str(b, r->device, CAP_TEXT);
    put_str(b, r->reason, CAP_TEXT);
    put_str(b, r->operator_name, CAP_TEXT);
}

int journal_add(struct journal *j, const struct journal_meta *m, const struct aslog_row *row)
{
    unsigned char *rec = xcalloc(MAX_SLOTS, JOURNAL_SLOT);
    struct rec_hdr h = {.magic = MAGIC, .kind = (uint8_t)m->kind, .seq = j->next_seq,
                        .id = m->id, .attempts_before = m->attempts_before};
    struct wbuf b = {.p = rec + sizeof h, .cap = MAX_SLOTS * JOURNAL_SLOT - sizeof h};
    put_row(&b, row);
    int rc = -ENOSPC;
    if (b.len > b.cap) /* cannot happen with the caps above */
        goto out;
    h.len = (uint32_t)b.len;
    h.nslots = (uint16_t)((sizeof h + b.len + JOURNAL_SLOT - 1) / JOURNAL_SLOT);
    int at = -1;
    for (int i = 0, run = 0; i < JOURNAL_SLOTS && at < 0; i++) {
        run = j->used[i] ? 0 : run + 1;
        if (run == h.nslots)
            at = i - run + 1;
    }
    if (at < 0)
        goto out;
    memcpy(rec, &h, sizeof h);
    h.crc = record_crc(rec);
    memcpy(rec, &h, sizeof h);
    if ((rc = write_all(j->fd, rec, (size_t)h.nslots * JOURNAL_SLOT,
                        (off_t)at * JOURNAL_SLOT)) < 0)
        goto out;
    if (fdatasync(j->fd) < 0) {
        rc = -errno;
        goto out;
    }
    j->next_seq++;
    j->nslots[at] = (uint8_t)h.nslots;
    for (int k = 0; k < h.nslots; k++)
        j->used[at + k] = true;
    rc = at + 1;
out:
    free(rec);
    return rc;
}

void journal_drop(struct journal *j, int ticket)
{
    int at = ticket - 1;
    if (!j || at < 0 || at >= JOURNAL_SLOTS || !j->nslots[at])
        return;
    struct rec_hdr zero = {0};
    /* best effort: a record left behind is replayed harmlessly */
    (void)write_all(j->fd, &zero, sizeof zero, (off_t)at * JOURNAL_SLOT);
    for (int k = 0; k < j->nslots[at]; k++)
        j->used[at + k] = false;
    j->nslots[at] = 0;
}

int journal_used(const struct journal *j)
{
    int n = 0;
    for (int i = 0; j && i < JOURNAL_SLOTS; i++)
        n += j->used[i];
    return n;
}

/* ---- replay ---- */

struct rbuf {
    const unsigned char *p;
    size_t len, off;
    char *strs;                    /* NUL-terminated copies */
    size_t soff;
    bool bad;
};

static void get(struct rbuf *b, void *v, size_t n)
{
    if (b->bad || b->off + n > b->len) {
        b->bad = true;
        memset(v, 0, n);
        return;
    }
    memcpy(v, b->p + b->off, n);
    b->off += n;
}

static const char *get_str(struct rbuf *b)
{
    uint16_t l = 0;
    get(b, &l, sizeof l);
    char *s = b->strs + b->soff;
    if (b->bad || b->off + l > b->len) {
        b->bad = true;
        *s = '\0';
        return s;
    }
    memcpy(s, b->p + b->off, l);
    s[l] = '\0';
    b->off += l;
    b->soff += (size_t)l + 1;
    return s;
}

static int by_seq(const void *a, const void *b)
{
    uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];
    return x < y ? -1 : x > y;
}

void journal_replay(struct journal *j,
                    void (*cb)(void *ud, int ticket, const struct journal_meta *m,
                               const struct aslog_row *row),
                    void *ud)
{
    if (!j || !j->image)
        return;
    uint64_t order[JOURNAL_SLOTS][2];
    size_t n = 0;
    for (int i = 0; i < JOURNAL_SLOTS; i++) {
        if (!j->nslots[i])
            continue;
        struct rec_hdr h;
        memcpy(&h, j->image + (size_t)i * JOURNAL_SLOT, sizeof h);
        order[n][0] = h.seq;
        order[n++][1] = (uint64_t)i;
    }
    qsort(order, n, sizeof order[0], by_seq);
    char *strs = xmalloc(MAX_SLOTS * JOURNAL_SLOT + 16);
    for (size_t k = 0; k < n; k++) {
        int i = (int)order[k][1];
        struct rec_hdr h;
        memcpy(&h, j->image + (size_t)i * JOURNAL_SLOT, sizeof h);
        struct rbuf b = {.p = j->image + (size_t)i * JOURNAL_SLOT + sizeof h, .len = h.len,
                         .strs = strs};
        int32_t ints[5];
        int64_t times[5];
        get(&b, ints, sizeof ints);
        get(&b, times, sizeof times);
        struct aslog_row r = {
            .id = -1, .status = (enum aslog_status)ints[0], .priority = ints[1],
            .source = (enum aslog_source)ints[2], .underruns = ints[3], .attempt = ints[4],
            .planned_start_ms = times[0], .planned_end_ms = times[1],
            .actual_start_ms = times[2], .actual_end_ms = times[3], .played_ms = times[4],
        };
        r.occ_key = get_str(&b);
        r.uid = get_str(&b);
        r.plan_file = get_str(&b);
        r.title = get_str(&b);
        r.categories = get_str(&b);
        r.unit = get_str(&b);
        r.recordings = get_str(&b);
        r.device = get_str(&b);
        r.reason = get_str(&b);
        r.operator_name = get_str(&b);
        if (b.bad || ints[0] < ASLOG_ON_AIR || ints[0] > ASLOG_CANCELLED || ints[2] < 0 ||
            ints[2] > ASLOG_SOURCE_EMERGENCY || !*r.occ_key) {
            journal_drop(j, i + 1); /* a valid CRC over nonsense: not ours */
            continue;
        }
        struct journal_meta m = {.kind = (enum journal_kind)h.kind, .id = h.id,
                                 .attempts_before = h.attempts_before};
        cb(ud, i + 1, &m, &r);
    }
    free(strs);
    free(j->image);
    j->image = NULL;
}
