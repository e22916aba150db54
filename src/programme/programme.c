/* The programme model; see programme.h. */
#include "programme/programme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "audio/probe.h"
#include "core/hash.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "plan/plan.h"

static int probe_default(void *ud, const char *abs, struct probe_info *pi, char *err,
                         size_t errlen)
{
    (void)ud;
    return probe_recording_quick(abs, pi, err, errlen);
}

static void add(struct programme *p, enum programme_kind kind, char *abs, programme_probe_fn probe,
                void *ud)
{
    struct programme_source *s = &p->src[p->n++];
    struct probe_info pi;
    char why[512];
    s->kind = kind;
    s->path = abs;
    s->ms = -1;
    s->short_ms = 0;
    if (probe(ud, abs, &pi, why, sizeof why) == 0) {
        s->ms = pi.duration_ms; /* decoded: counted for an MP3 (probe.h) */
        s->short_ms = probe_short_ms(&pi);
    } else if (kind == PROGRAMME_RECORDING && !p->why[0]) {
        snprintf(p->why, sizeof p->why, "%s", why);
    }
}

static void hash_sources(struct programme *p)
{
    struct strbuf b = {0};
    for (size_t i = 0; i < p->n; i++)
        strbuf_printf(&b, "%d %lld %s\n", (int)p->src[i].kind, (long long)p->src[i].ms,
                      p->src[i].path);
    hash_mem_sha256(b.s ? b.s : "", b.s ? strlen(b.s) : 0, p->hash);
    free(b.s);
}

int programme_build(const struct plan_item *it, const struct programme_settings *st,
                    int64_t skip_ms, programme_probe_fn probe, void *ud, struct programme *out,
                    char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!probe)
        probe = probe_default;
    if (it->n_audio == 0) {
        snprintf(err, errlen, "%s", _("no recordings"));
        return -ENOENT;
    }
    const char *root = st->audio_root ? st->audio_root : ".";
    char *tune = NULL;
    const char *rel = programme_tune(it->signature_tune, st->signature_tune);
    if (rel && paths_resolve_audio(root, rel, &tune, out->tune_err, sizeof out->tune_err) < 0)
        tune = NULL;
    out->src = xcalloc(it->n_audio + 2, sizeof *out->src);
    if (tune && skip_ms <= 0) /* a resumed programme does not repeat the opening tune */
        add(out, PROGRAMME_TUNE, xstrdup(tune), probe, ud);
    int64_t rec = 0;
    for (size_t i = 0; i < it->n_audio; i++) {
        char *abs = NULL;
        int rc = paths_resolve_audio(root, it->audio[i], &abs, err, errlen);
        if (rc < 0) {
            free(tune);
            programme_clear(out);
            return rc;
        }
        add(out, PROGRAMME_RECORDING, abs, probe, ud);
        int64_t ms = out->src[out->n - 1].ms;
        rec = rec < 0 || ms < 0 ? -1 : rec + ms;
    }
    out->n_recordings = it->n_audio;
    int64_t tune_ms = 0;
    if (tune) {
        add(out, PROGRAMME_TUNE, tune, probe, ud);
        tune_ms = out->src[out->n - 1].ms; /* unreadable: counted as nothing */
    }
    out->length_ms = programme_length(rec, tune_ms, skip_ms);
    int64_t skip = skip_ms > 0 ? skip_ms : 0;
    out->recordings_ms = rec < 0 ? -1 : rec > skip ? rec - skip : 0;
    hash_sources(out);
    return 0;
}

void programme_clear(struct programme *p)
{
    for (size_t i = 0; p->src && i < p->n; i++)
        free(p->src[i].path);
    free(p->src);
    memset(p, 0, sizeof *p);
}

const char *programme_tune_path(const struct programme *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->src[i].kind == PROGRAMME_TUNE)
            return p->src[i].path;
    return NULL;
}

/* Each field as "name length:value\n", so no two items' fields can run
 * together into the same text. */
static void field(struct strbuf *b, const char *name, const char *v)
{
    v = v ? v : "";
    strbuf_printf(b, "%s %zu:%s\n", name, strlen(v), v);
}

void programme_content_hash(const struct plan_item *it, const char *const *rec_sha256,
                            char out[65])
{
    struct strbuf b = {0};
    char num[32];
    strbuf_puts(&b, "loaxa-content-1\n");
    field(&b, "uid", it->uid);
    field(&b, "title", it->summary);
    snprintf(num, sizeof num, "%d %d", (int)it->level, it->priority);
    field(&b, "level", num);
    field(&b, "times", it->times);
    field(&b, "tune", it->signature_tune ? it->signature_tune : "(station)");
    for (size_t i = 0; i < it->n_audio; i++) {
        field(&b, "recording", it->audio[i]);
        field(&b, "sha256", rec_sha256 ? rec_sha256[i] : "");
    }
    hash_mem_sha256(b.s, strlen(b.s), out);
    free(b.s);
}
