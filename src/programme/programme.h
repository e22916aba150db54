/* One programme model: a plan item plus the station settings give the
 * ordered sources it airs (the signature tune, the recordings, the tune
 * again), its exact length and its content hash. loaxad, `loaxa simulate`
 * and `loaxa check` all take the tune and the length from here, so they
 * agree on what airs and for how long. */
#ifndef LOAXA_PROGRAMME_H
#define LOAXA_PROGRAMME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct plan_item;
struct probe_info;

struct programme_settings {
    const char *audio_root;
    const char *signature_tune;   /* [audio] signature_tune: path, "" or "none": no tune */
};

enum programme_kind {
    PROGRAMME_TUNE,               /* the signature tune: opens and closes the programme */
    PROGRAMME_RECORDING,          /* an ATTACH recording */
    /* PROGRAMME_LIVE: a live source (relay), a later issue */
};

struct programme_source {
    enum programme_kind kind;
    char *path;                   /* absolute, under the audio root */
    int64_t ms;                   /* what decodes (probe.h); -1: cannot be read */
    int64_t short_ms;             /* a WAV cut short: what its header claims beyond the data */
};

struct programme {
    struct programme_source *src; /* in airing order */
    size_t n;
    size_t n_recordings;
    int64_t recordings_ms;        /* the recordings from the skip point; -1: one unreadable */
    int64_t length_ms;            /* all of it, tunes included, from the skip point; -1 */
    char hash[65];                /* SHA-256 of what airs: kinds, paths and lengths */
    char why[512];                /* why a length is -1 (the first unreadable source) */
    char tune_err[512];           /* why the tune was left out ("" when it was not) */
};

/* The tune an item airs with: its X-LOAXA-SIGNATURE, else the setting;
 * NULL when none ("none", empty). Paths as written, relative to the root. */
static inline const char *programme_tune(const char *item_tune, const char *station_tune)
{
    const char *t = item_tune ? item_tune : station_tune;
    return t && *t && strcmp(t, "none") != 0 ? t : NULL;
}

/* A programme's length from skip_ms when its recordings last rec_ms and
 * its tune tune_ms (0: none), as the player plays it: the tune before
 * (not when resumed, skip_ms > 0), the recordings from skip_ms, the tune
 * after. -1 when rec_ms is. */
static inline int64_t programme_length(int64_t rec_ms, int64_t tune_ms, int64_t skip_ms)
{
    if (rec_ms < 0)
        return -1;
    int64_t skip = skip_ms > 0 ? skip_ms : 0;
    int64_t rec = rec_ms > skip ? rec_ms - skip : 0;
    int64_t tune = tune_ms > 0 ? tune_ms : 0;
    return rec + tune * (skip > 0 ? 1 : 2);
}

/* How a source's length is read. By default (probe NULL)
 * probe_recording_quick: loaxad builds programmes on its event loop, which
 * must not decode a whole MP3; its planner thread has counted the plan's
 * recordings when it loaded the plan (an MP3 not counted yet keeps its
 * header's estimate). simulate passes probe_recording, cached. Returns 0
 * or a negative code with err. */
typedef int (*programme_probe_fn)(void *ud, const char *abs_path, struct probe_info *pi,
                                  char *err, size_t errlen);

/* Builds it->'s programme from skip_ms. Returns 0, or a negative code with
 * err when it cannot air at all (no recordings, a recording outside the
 * audio root or missing from it). An unreadable header is not an error
 * here (the player says why it fails): its length is -1 and why says so.
 * A tune that cannot be found is left out (tune_err). probe may be NULL.
 * Free with programme_clear. */
int programme_build(const struct plan_item *it, const struct programme_settings *st,
                    int64_t skip_ms, programme_probe_fn probe, void *ud, struct programme *out,
                    char *err, size_t errlen);
void programme_clear(struct programme *p);

/* The content hash an approval binds to (station.approval = signed;
 * doc/admin.md): SHA-256 over the item's UID, title, level and PRIORITY,
 * its times as written (plan_item.times: start, slot, recurrence and
 * exceptions), its signature tune as written, and each recording's path
 * and SHA-256 (rec_sha256[i] is it->audio[i]'s, 64 hex digits). Any change
 * to one of them gives another hash. Unlike programme.hash it reads no
 * file: the caller hashes the recordings (the daemon's hasher thread). */
void programme_content_hash(const struct plan_item *it, const char *const *rec_sha256,
                            char out[65]);

/* The tune's absolute path, or NULL (none, or left out). */
const char *programme_tune_path(const struct programme *p);

#endif
