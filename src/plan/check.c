/* `loaxa check`'s deeper validations, on a loaded plan: recordings exist,
 * stay inside the audio root and decode; slots hold their recordings;
 * over the checked span, no overlaps, nothing outside broadcast hours, no
 * session longer than allowed. Repeats are summarised per item (or pair of
 * items) so a daily clash gives one warning with a count, not 365. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/probe.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "plan/check.h"
#include "plan/plan_internal.h"
#include "programme/programme.h"

/* `loaxa check` looks at this many airings at most: a year of a sane plan
 * is a few thousand; a FREQ=MINUTELY rule makes half a million. */
#define PLAN_CHECK_MAX_OCC 1000000

struct rec_cache {
    char *rel;
    int rc;              /* 0, or negative */
    int64_t ms;
    int64_t short_ms;    /* a WAV cut short: what its header claims beyond the data */
    char why[512];
    char *abs;           /* the file chosen, when resolved */
};

struct checker {
    struct plan *plan;
    const struct plan_check_options *opt;
    struct rec_cache *recs;
    size_t n_recs;
    int64_t *dur;        /* per live item: total recording ms, -1 unknown */
    int errors;
};

static struct rec_cache *probe_cached(struct checker *c, const char *rel)
{
    for (size_t i = 0; i < c->n_recs; i++)
        if (strcmp(c->recs[i].rel, rel) == 0)
            return &c->recs[i];
    c->recs = xrealloc(c->recs, (c->n_recs + 1) * sizeof *c->recs);
    struct rec_cache *r = &c->recs[c->n_recs++];
    memset(r, 0, sizeof *r);
    r->rel = xstrdup(rel);
    char *abs = NULL;
    r->rc = paths_resolve_audio(c->opt->audio_root, rel, &abs, r->why, sizeof r->why);
    if (r->rc == 0) {
        struct probe_info info;
        r->rc = probe_recording(abs, &info, r->why, sizeof r->why);
        r->ms = r->rc == 0 ? info.duration_ms : -1;
        r->abs = xstrdup(abs);
        r->short_ms = r->rc == 0 ? probe_short_ms(&info) : 0;
        if (r->rc < 0 && r->rc != -ENOENT)
            r->rc = -EIO; /* decoding problem: keep apart from "missing" */
    } else if (r->rc == -ENOENT) {
        snprintf(r->why, sizeof r->why, _("recording \"%s\" not found under the audio root %s"),
                 rel, c->opt->audio_root);
    }
    free(abs);
    return r;
}

static void add(struct checker *c, const struct plan_item_full *it, int line,
                enum plan_severity sev, const char *msg)
{
    plan_add_diag(c->plan, it->file_index, line, sev, "%s", msg);
    if (sev == PLAN_ERROR)
        c->errors++;
}

/* "2026-03-02 07:05-07:10" (the end's date only when it differs). */
static char *fmt_span(int64_t a, int64_t b, char buf[2 * UTIL_TIME_BUF])
{
    char x[UTIL_TIME_BUF], y[UTIL_TIME_BUF];
    util_format_local(a, x);
    util_format_local(b, y);
    x[16] = y[16] = '\0';
    snprintf(buf, 2 * UTIL_TIME_BUF, "%s-%s", x, strncmp(x, y, 10) == 0 ? y + 11 : y);
    return buf;
}

static char *fmt_min(int m, char buf[16])
{
    snprintf(buf, 16, "%02d:%02d", m / 60 % 24, m % 60);
    return buf;
}

/* Total length of the item's recordings in ms (-1 when one is unusable),
 * reporting each problem at its ATTACH line. An override airing its
 * master's recordings reports nothing: the master's lines say it. */
static int64_t check_recordings(struct checker *c, struct plan_item_full *it)
{
    int64_t total = 0;
    bool report = !it->audio_inherited;
    if (it->pub.n_audio == 0) {
        add(c, it, it->pub.line, PLAN_ERROR,
            _("no ATTACH: the item names no recording to air"));
        return -1;
    }
    for (size_t i = 0; i < it->pub.n_audio; i++) {
        struct rec_cache *r = probe_cached(c, it->pub.audio[i]);
        char name[256];
        if (report && r->abs && paths_link_name(it->pub.audio[i], name, sizeof name)) {
            const char *a = it->pub.audio[i];
            char *m = strncmp(a, "file:", 5) == 0 && a[5] != '/'
                          ? xasprintf(_("ATTACH with FILENAME \"%s\": the recording aired is "
                                        "the file %s"), name, r->abs)
                          : xasprintf(_("ATTACH \"%s\" is a link, never fetched: the recording "
                                        "aired is the file %s"), a, r->abs);
            add(c, it, it->attach_lines[i], PLAN_WARNING, m);
            free(m);
        }
        if (r->rc == 0) {
            if (total >= 0)
                total += r->ms;
            if (report && r->short_ms > 0) {
                char *m = xasprintf(_("recording \"%s\" is %.1f s shorter than its header says "
                                      "(truncated?): it airs only what is there"),
                                    it->pub.audio[i], (double)r->short_ms / 1000.0);
                add(c, it, it->attach_lines[i], PLAN_WARNING, m);
                free(m);
            }
            continue;
        }
        total = -1;
        if (report && r->rc != -EACCES) /* refusals were reported at load */
            add(c, it, it->attach_lines[i], PLAN_ERROR, r->why);
    }
    return total;
}

/* The signature tune's length as the programme model counts it (0: none,
 * or unreadable: the player leaves it out). */
static int64_t tune_ms(struct checker *c, const struct plan_item_full *it)
{
    const char *rel = programme_tune(it->pub.signature_tune, c->opt->signature_tune);
    if (!rel)
        return 0;
    struct rec_cache *r = probe_cached(c, rel);
    return r->rc == 0 && r->ms > 0 ? r->ms : 0;
}

static void check_item(struct checker *c, struct plan_item_full *it)
{
    char *m;
    int64_t tune = tune_ms(c, it);
    /* the programme's length, as loaxad and simulate count it */
    int64_t total = programme_length(check_recordings(c, it), tune, 0);
    c->dur[it->live_index] = total;
    if (total > 0 && it->slot_ms >= 0 && total > it->slot_ms) {
        if (tune > 0)
            m = xasprintf(_("the programme lasts %lld s with its signature tunes but the slot "
                            "is %lld s: the end will be cut or run over"),
                          (long long)((total + 999) / 1000), (long long)(it->slot_ms / 1000));
        else
            m = xasprintf(_("the recordings last %lld s but the slot is %lld s: the end will be "
                            "cut or run over"), (long long)((total + 999) / 1000),
                          (long long)(it->slot_ms / 1000));
        add(c, it, it->line_slot ? it->line_slot : it->pub.line, PLAN_WARNING, m);
        free(m);
    }
    if (!it->pub.approved && (!it->master || it->master->pub.approved)) {
        m = xasprintf(_("\"%s\" is pending approval (STATUS:TENTATIVE): it will not air while "
                        "approval is required"), it->pub.summary);
        add(c, it, it->line_status ? it->line_status : it->pub.line, PLAN_WARNING, m);
        free(m);
    }
    if (it->pub.signature_tune && strcmp(it->pub.signature_tune, "none") != 0) {
        struct rec_cache *r = probe_cached(c, it->pub.signature_tune);
        if (r->rc < 0 && r->rc != -EACCES) {
            m = xasprintf(_("X-LOAXA-SIGNATURE: %s"), r->why);
            add(c, it, it->pub.line, PLAN_ERROR, m);
            free(m);
        } else if (r->rc == -EACCES) {
            m = xasprintf(_("X-LOAXA-SIGNATURE refused: %s"), r->why);
            add(c, it, it->pub.line, PLAN_ERROR, m);
            free(m);
        }
    }
}

/* The end the station will actually reach: the slot, else the recordings. */
static int64_t eff_end(struct checker *c, const struct plan_occurrence *o)
{
    const struct plan_item_full *it = plan_item_full_of(o->item);
    if (it->slot_ms > 0)
        return o->end_ms;
    int64_t d = c->dur[it->live_index];
    return o->start_ms + (d > 0 ? d : 0);
}

static int local_min(int64_t ms, int *yday_key)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    if (yday_key)
        *yday_key = (tm.tm_year + 1900) * 1000 + tm.tm_yday;
    return tm.tm_hour * 60 + tm.tm_min;
}

struct tally {
    const void *a, *b;
    size_t count;
    int64_t first_a, first_a_end, first_b, first_b_end;
};

/* Tallies by item pair (b NULL: by item), in a hash table so a plan of
 * 100,000 items finds its tally in O(1), and in first-seen order for the
 * messages. */
struct tallies {
    struct tally *v;
    size_t n, cap;
    size_t *slot;      /* index + 1 into v, 0 empty */
    size_t n_slot;     /* a power of two */
};

static size_t tally_hash(const void *a, const void *b)
{
    uint64_t h = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)(uintptr_t)b + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    return (size_t)(h ^ (h >> 29));
}

static struct tally *tally_get(struct tallies *t, const void *a, const void *b)
{
    if ((t->n + 1) * 2 > t->n_slot) {
        size_t ns = t->n_slot ? t->n_slot * 2 : 64;
        free(t->slot);
        t->slot = xcalloc(ns, sizeof *t->slot);
        t->n_slot = ns;
        for (size_t i = 0; i < t->n; i++) {
            size_t k = tally_hash(t->v[i].a, t->v[i].b) & (ns - 1);
            while (t->slot[k])
                k = (k + 1) & (ns - 1);
            t->slot[k] = i + 1;
        }
    }
    size_t k = tally_hash(a, b) & (t->n_slot - 1);
    while (t->slot[k]) {
        struct tally *x = &t->v[t->slot[k] - 1];
        if (x->a == a && x->b == b)
            return x;
        k = (k + 1) & (t->n_slot - 1);
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    struct tally *x = &t->v[t->n];
    memset(x, 0, sizeof *x);
    x->a = a, x->b = b;
    t->slot[k] = ++t->n;
    return x;
}

static void tallies_free(struct tallies *t)
{
    free(t->v);
    free(t->slot);
}


struct times_state {
    struct tallies ov, hours, sess;
    struct plan_occurrence *carry; /* earlier ones still running at the chunk start */
    size_t n_carry;
    size_t seen;
};

/* One local day of occurrences (so sessions never cross a chunk), with the
 * ones still running from before as overlap partners only. */
static void check_chunk(struct checker *c, struct times_state *st,
                        struct plan_occurrence *occ, size_t n, int64_t chunk_end)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) /* live occurrences only: cancelled ones never air */
        if (!occ[i].cancelled)
            occ[w++] = occ[i];
    n = w;
    st->seen += n;
    for (size_t i = 0; i < st->n_carry; i++) {
        int64_t end_i = eff_end(c, &st->carry[i]);
        for (size_t j = 0; j < n && occ[j].start_ms < end_i; j++) {
            if (occ[j].item == st->carry[i].item)
                continue;
            struct tally *t = tally_get(&st->ov, st->carry[i].item, occ[j].item);
            if (t->count++ == 0) {
                t->first_a = st->carry[i].start_ms, t->first_a_end = end_i;
                t->first_b = occ[j].start_ms, t->first_b_end = eff_end(c, &occ[j]);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        int64_t end_i = eff_end(c, &occ[i]);
        for (size_t j = i + 1; j < n && occ[j].start_ms < end_i; j++) {
            if (occ[j].item == occ[i].item)
                continue;
            struct tally *t = tally_get(&st->ov, occ[i].item, occ[j].item);
            if (t->count++ == 0) {
                t->first_a = occ[i].start_ms, t->first_a_end = end_i;
                t->first_b = occ[j].start_ms, t->first_b_end = eff_end(c, &occ[j]);
            }
        }
        int day_s, day_e;
        int sm = local_min(occ[i].start_ms, &day_s);
        int em = local_min(end_i, &day_e);
        if (day_e != day_s)
            em += 24 * 60;
        if (sm < c->opt->hours_start_min || em > c->opt->hours_end_min) {
            struct tally *t = tally_get(&st->hours, occ[i].item, NULL);
            if (t->count++ == 0)
                t->first_a = occ[i].start_ms, t->first_a_end = end_i;
        }
    }
    /* Sessions: runs of occurrences on one day with gaps of at most gap_max_s. */
    for (size_t i = 0; i < n && c->opt->max_session_min > 0;) {
        int day0;
        local_min(occ[i].start_ms, &day0);
        int64_t s0 = occ[i].start_ms, end = eff_end(c, &occ[i]);
        size_t j = i + 1;
        for (; j < n; j++) {
            int dj;
            local_min(occ[j].start_ms, &dj);
            if (dj != day0 || occ[j].start_ms > end + (int64_t)c->opt->gap_max_s * 1000)
                break;
            int64_t e = eff_end(c, &occ[j]);
            if (e > end)
                end = e;
        }
        if (end - s0 > (int64_t)c->opt->max_session_min * 60000) {
            struct tally *t = tally_get(&st->sess, occ[i].item, NULL);
            if (t->count++ == 0)
                t->first_a = s0, t->first_a_end = end;
        }
        i = j;
    }
    /* what still runs at the next chunk's start */
    size_t keep = 0;
    for (size_t i = 0; i < st->n_carry; i++)
        keep += eff_end(c, &st->carry[i]) > chunk_end;
    for (size_t i = 0; i < n; i++)
        keep += eff_end(c, &occ[i]) > chunk_end;
    struct plan_occurrence *nc = keep ? xmalloc(keep * sizeof *nc) : NULL;
    size_t k = 0;
    for (size_t i = 0; i < st->n_carry; i++)
        if (eff_end(c, &st->carry[i]) > chunk_end)
            nc[k++] = st->carry[i];
    for (size_t i = 0; i < n; i++)
        if (eff_end(c, &occ[i]) > chunk_end)
            nc[k++] = occ[i];
    free(st->carry);
    st->carry = nc;
    st->n_carry = k;
}

static void check_times(struct checker *c)
{
    struct times_state st = {0};
    int64_t from = c->opt->from_ms, to = c->opt->to_ms;
    int64_t cut = 0;
    const struct plan_item_full *densest = NULL;
    for (int64_t a = from; a < to;) {
        int64_t b = util_next_local_midnight(a);
        if (b > to)
            b = to;
        struct plan_occurrence *occ = NULL;
        size_t n = 0;
        plan_expand(c->plan, a, b, &occ, &n);
        check_chunk(c, &st, occ, n, b);
        if (st.seen > PLAN_CHECK_MAX_OCC && b < to) {
            /* the item with the most airings that day is the likely cause */
            size_t *cnt = xcalloc(c->plan->n_live + 1, sizeof *cnt), best = 0;
            for (size_t i = 0; i < n; i++) {
                const struct plan_item_full *it = plan_item_full_of(occ[i].item);
                if (++cnt[it->live_index] > best)
                    best = cnt[it->live_index], densest = it;
            }
            free(cnt);
            cut = b;
        }
        free(occ);
        if (cut)
            break;
        a = b;
    }
    char b1[2 * UTIL_TIME_BUF], b2[2 * UTIL_TIME_BUF];
    for (size_t i = 0; i < st.ov.n; i++) {
        struct tally *ov = &st.ov.v[i];
        const struct plan_item_full *a = plan_item_full_of(ov->a);
        const struct plan_item_full *b = plan_item_full_of(ov->b);
        char *m = xasprintf(
            ngettext("\"%s\" (%s) overlaps \"%s\" (%s, %s:%d) %zu time in the checked "
                     "span; first %s against %s",
                     "\"%s\" (%s) overlaps \"%s\" (%s, %s:%d) %zu times in the checked "
                     "span; first %s against %s", ov->count),
            b->pub.summary, b->pub.uid, a->pub.summary, a->pub.uid, a->pub.file, a->pub.line,
            ov->count, fmt_span(ov->first_b, ov->first_b_end, b1),
            fmt_span(ov->first_a, ov->first_a_end, b2));
        add(c, b, b->line_dtstart ? b->line_dtstart : b->pub.line, PLAN_WARNING, m);
        free(m);
    }
    char h1[16], h2[16];
    for (size_t i = 0; i < st.hours.n; i++) {
        struct tally *h = &st.hours.v[i];
        const struct plan_item_full *a = plan_item_full_of(h->a);
        char *m = xasprintf(
            ngettext("\"%s\" airs outside the broadcast hours %s-%s %zu time; first %s",
                     "\"%s\" airs outside the broadcast hours %s-%s %zu times; first %s",
                     h->count),
            a->pub.summary, fmt_min(c->opt->hours_start_min, h1),
            fmt_min(c->opt->hours_end_min, h2), h->count,
            fmt_span(h->first_a, h->first_a_end, b1));
        add(c, a, a->line_dtstart ? a->line_dtstart : a->pub.line, PLAN_WARNING, m);
        free(m);
    }
    for (size_t i = 0; i < st.sess.n; i++) {
        struct tally *x = &st.sess.v[i];
        const struct plan_item_full *a = plan_item_full_of(x->a);
        char *m = xasprintf(
            ngettext("the session starting with \"%s\" lasts longer than %d minutes %zu "
                     "time; first %s",
                     "the session starting with \"%s\" lasts longer than %d minutes %zu "
                     "times; first %s", x->count),
            a->pub.summary, c->opt->max_session_min, x->count,
            fmt_span(x->first_a, x->first_a_end, b1));
        add(c, a, a->line_dtstart ? a->line_dtstart : a->pub.line, PLAN_WARNING, m);
        free(m);
    }
    if (cut && densest) {
        char d[UTIL_TIME_BUF];
        util_format_local(cut, d);
        d[16] = '\0';
        int line = densest->n_rules ? densest->rules[0].line : densest->pub.line;
        char *m = xasprintf(_("more than %d airings in the checked span: overlaps, broadcast "
                              "hours and sessions were checked up to %s only (\"%s\" airs "
                              "most often)"), PLAN_CHECK_MAX_OCC, d, densest->pub.summary);
        add(c, densest, line, PLAN_WARNING, m);
        free(m);
    }
    tallies_free(&st.ov);
    tallies_free(&st.hours);
    tallies_free(&st.sess);
    free(st.carry);
}

/* Whether an item airs at or after from (seconds): DTSTART, an RDATE, a
 * rule without end or one whose UNTIL is later, or a COUNT whose instances
 * reach it. Unsure cases count as "airs": this only feeds a warning. */
static bool airs_after(struct plan_item_full *it, int64_t from)
{
    if (it->start_sec >= from)
        return true;
    if (it->n_rdates && it->rdates[it->n_rdates - 1] >= from)
        return true;
    for (size_t k = 0; k < it->n_overrides; k++)
        if (it->overrides[k]->start_sec >= from)
            return true; /* an instance moved later */
    bool counted = false;
    for (size_t r = 0; r < it->n_rules; r++) {
        const struct plan_rule *pr = &it->rules[r];
        if (pr->has_until) {
            /* a local UNTIL lies within 14 h of its UTC reading */
            int64_t u = pr->until_is_instant ? pr->until_sec
                                             : plan_lt_as_utc(&pr->until_lt) + 2 * 86400;
            if (u >= from)
                return true;
        } else if (pr->rule.count > 0) {
            counted = true;
        } else {
            return true;
        }
    }
    if (!counted)
        return false;
    /* COUNT is bounded at load (PLAN_MAX_COUNT): its instances end */
    int64_t *v = NULL;
    size_t n = 0;
    plan_item_instances(it, from, from + 200LL * 366 * 86400, &v, &n);
    free(v);
    return n > 0;
}

static void check_past(struct checker *c)
{
    int64_t from = c->opt->from_ms / 1000;
    for (size_t i = 0; i < c->plan->n_live; i++) {
        struct plan_item_full *it = c->plan->live[i];
        if (it->is_override || it->cancelled || airs_after(it, from))
            continue;
        char d[UTIL_TIME_BUF], f[UTIL_TIME_BUF];
        util_format_local(it->start_sec * 1000, d);
        util_format_local(c->opt->from_ms, f);
        d[16] = f[16] = '\0';
        char *m = xasprintf(_("every airing of \"%s\" is in the past (DTSTART %s, nothing from "
                              "%s on): it will not air; give it a new date or remove it"),
                            it->pub.summary, d, f);
        add(c, it, it->line_dtstart ? it->line_dtstart : it->pub.line, PLAN_WARNING, m);
        free(m);
    }
}

int plan_check(struct plan *plan, const struct plan_check_options *opt)
{
    struct checker c = {.plan = plan, .opt = opt};
    c.dur = xcalloc(plan->n_live + 1, sizeof *c.dur);
    for (size_t i = 0; i < plan->n_live; i++)
        check_item(&c, plan->live[i]);
    check_times(&c);
    check_past(&c);
    for (size_t i = 0; i < c.n_recs; i++)
        free(c.recs[i].rel), free(c.recs[i].abs);
    free(c.recs);
    free(c.dur);
    plan_sort_diags(plan);
    return c.errors;
}

int64_t plan_item_audio_ms(const struct plan_item *item, const char *audio_root)
{
    int64_t total = 0;
    if (item->n_audio == 0)
        return -1;
    for (size_t i = 0; i < item->n_audio; i++) {
        char err[512], *abs = NULL;
        struct probe_info info;
        int rc = paths_resolve_audio(audio_root, item->audio[i], &abs, err, sizeof err);
        if (rc == 0)
            rc = probe_recording(abs, &info, err, sizeof err);
        free(abs);
        if (rc < 0)
            return -1;
        total += info.duration_ms;
    }
    return total;
}
