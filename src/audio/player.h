/* A programme's life on the output: prepare ahead (files opened, decoded
 * into a ring, stream open), start so that the first sample reaches the
 * device at a planned wall-clock instant, stop with a fade, and report
 * what really happened. A decoder thread fills the ring; the real-time
 * callback only copies from it.
 *
 * Threads: one caller (the daemon's loop, `loaxa play`) calls everything
 * here. Opening the recordings, measuring them and every output call that
 * an audio server can hold (PortAudio's initialise, open, start, abort,
 * close, terminate) run on the programme's own control thread, so that
 * player_prepare_async, player_start_at, player_stop, player_prepared,
 * player_progress, player_finished and player_free return at once
 * whatever the output does. Only player_prepare (the synchronous form)
 * and preparing a reused player (which waits for the last programme's
 * teardown) may wait on the output. A teardown that never returns (a
 * wedged driver) keeps its thread and memory: leaked on purpose. */
#ifndef LOAXA_PLAYER_H
#define LOAXA_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct player;

struct player_opts {
    const char *device;          /* PortAudio name or index, "default", "file:PATH.wav", "null" */
    int latency_ms;
    bool normalize;
    double target_lufs;          /* e.g. -16 */
    double true_peak_db;         /* e.g. -1 */
    int fade_ms;
    const char *signature_tune;  /* absolute path played before and after, or NULL */
    const char *loudness_cache;  /* file caching measurements (path,size,mtime), or NULL */
};

enum player_end {
    PLAYER_PLAYING = 0,
    PLAYER_FINISHED,
    PLAYER_STOPPED,              /* operator */
    PLAYER_PREEMPTED,            /* an emergency cut in */
    PLAYER_SHUTDOWN,
    PLAYER_DEVICE_ERROR,
    PLAYER_DECODE_ERROR,
};
const char *player_end_name(enum player_end e); /* "finished", "stopped", ... */

struct player_report {
    int64_t first_frame_ms;      /* wall clock (UTC ms) the first frame reached the DAC; -1 none */
    double output_latency_ms;    /* PortAudio's reported output latency */
    int64_t frames_played;
    int64_t played_ms;
    int64_t end_ms;              /* wall clock of the end */
    int underruns;
    double gain_db;              /* loudness gain applied to the (first) recording */
    enum player_end end;
    bool never_ready;            /* ended while its preparation was still running
                                  * (the output had not answered) */
    char device[128];            /* the device actually used */
    char reason[512];            /* human-readable detail for errors */
};

int player_new(const struct player_opts *opts, struct player **out, char *err, size_t errlen);
/* Never waits: a programme still tearing down (or preparing) is let go,
 * and its control thread frees the player when the output returns. */
void player_free(struct player *p);

/* Starts preparing a programme: the recordings (absolute paths, played in
 * order as one programme) are opened and measured, decoding from skip_ms
 * fills the ring, and the output stream is opened and started, all on the
 * programme's control thread. Returns at once: 0, or negative for a
 * request that cannot be taken (-EBUSY: a programme is set up; -EINVAL:
 * no recording). player_fd becomes readable when the preparation is done
 * (then ask player_prepared), and again when the programme ends. */
int player_prepare_async(struct player *p, const char *const *files, size_t n_files,
                         int64_t skip_ms, char *err, size_t errlen);

/* The preparation's outcome: 1 still running, 0 ready, or negative with
 * err naming the file and libsndfile's reason, or the device problem
 * (-ENODEV when no output device exists). A failed preparation also ends
 * the programme: player_finished then reports it (end DECODE_ERROR or
 * DEVICE_ERROR, reason as err). Reads the descriptor's signal. */
int player_prepared(struct player *p, char *err, size_t errlen);

/* player_prepare_async, then waits for the outcome (loaxa play, tests):
 * returns 0 or player_prepared's error; after an error nothing is set up. */
int player_prepare(struct player *p, const char *const *files, size_t n_files, int64_t skip_ms,
                   char *err, size_t errlen);

/* Starts a programme so its first sample reaches the device at wall-clock
 * start_ms (0: as soon as possible). May be called while the preparation
 * still runs: it then starts as soon as it is ready (late if start_ms has
 * passed; the report's first_frame_ms says when). Returns at once. */
int player_start_at(struct player *p, int64_t start_ms);

/* Asks the programme to end early with a fade (asynchronous). One not yet
 * sounding (not started, or still preparing) ends at once. */
void player_stop(struct player *p, enum player_end why);

/* Takes back a programme armed by player_start_at whose first sample has
 * not been placed on the output yet: it ends (PLAYER_STOPPED) with nothing
 * played, and true is returned. False when its first sample is already out
 * (it has started: it goes on). Exactly one of this and the output's
 * callback wins the first sample. */
bool player_disarm(struct player *p);

/* A descriptor that becomes readable when the preparation is done and
 * when the programme has ended, for the daemon's poll loop; it is read by
 * player_prepared and player_finished. */
int player_fd(const struct player *p);

/* While on air: when the first frame reached (or will reach, within the
 * output latency) the device, -1 until known, and what has been played so
 * far. Returns whether the first frame is known. Never blocks. */
bool player_progress(const struct player *p, int64_t *first_frame_ms, int64_t *played_ms);

/* If the programme has ended: fills *rep and returns true (once). The
 * stream is closed afterwards by the control thread; nobody waits. */
bool player_finished(struct player *p, struct player_report *rep);

/* At exit: waits up to timeout_ms for the programmes still tearing down
 * (so the process does not end in the middle of closing a stream, and a
 * file: output's file is complete). Returns
 * how many are still running (a wedged output). */
int player_wait_teardowns(int timeout_ms);

/* Changes the signature tune for the next programmes (a plan item may
 * override the setting); NULL or "" for none. -EBUSY while one is prepared. */
int player_set_signature_tune(struct player *p, const char *path);

/* After a successful preparation: the recordings of the programme in playing order
 * (signature tunes included) and what the loudness analysis found. */
struct player_item_info {
    const char *path;
    bool is_signature_tune;
    int rate, channels;
    int64_t frames;
    double lufs;                 /* -HUGE_VAL for silence; NAN when normalize is off */
    double true_peak_db;
    double gain_db;              /* applied */
};
size_t player_item_count(const struct player *p);
int player_item(const struct player *p, size_t i, struct player_item_info *info);
/* The output's rate and channels after a successful preparation. */
void player_output_format(const struct player *p, int *rate, int *channels);

/* Measures (or finds in opts->loudness_cache) a recording's whole loudness
 * and caches it. player_prepare uses the cache; without it, prepare judges
 * a recording by its first two minutes (about 1.5 s of work) to stay
 * short. The daemon can call this ahead, e.g. when a plan is loaded (it
 * decodes the whole file: ~0.8 s of CPU per minute of MP3). Returns 0 or
 * negative. */
int player_analyse(const struct player_opts *opts, const char *path, double *lufs,
                   double *true_peak_db, char *err, size_t errlen);

/* Lists output devices: index, name, host API, max output channels, rate. */
int player_list_devices(int (*cb)(int index, const char *name, const char *host_api,
                                  int channels, double default_rate, bool is_default, void *ud),
                        void *ud, char *err, size_t errlen);

/* Counts the output devices on a thread of its own (PortAudio's start can
 * wait on a wedged audio server indefinitely): start returns 0 or negative;
 * result returns -1 while counting, else how many outputs were found (0,
 * with PortAudio's reason in err when it failed). One count at a time. */
int player_count_outputs_start(void);
int player_count_outputs_result(char *err, size_t errlen);

#endif
