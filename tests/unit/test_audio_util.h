/* Helpers for the audio tests: recordings generated at test time and a
 * synchronous way to play them. */
#ifndef LOAXA_TEST_AUDIO_UTIL_H
#define LOAXA_TEST_AUDIO_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "audio/player.h"

/* /tmp/loaxa-audio-PID-NAME; free with rm_tmp (which also unlinks). */
char *tmp_path(const char *name);
void rm_tmp(char *path);
/* A sine (dbfs peak; below -150 exact silence) in any libsndfile format. */
void write_sine(const char *path, int rate, int channels, double seconds, double hz,
                double dbfs, int format);
struct player_opts test_opts(const char *device);
/* new + prepare + start now + wait + free. Returns prepare's code. */
int play_sync(const char *device, const char *path, bool normalize, int64_t skip_ms,
              struct player_report *rep);
/* Waits on player_fd until player_finished; fails the test after 60 s. */
void wait_end(struct player *p, struct player_report *rep);
void sleep_ms(int ms);
int64_t wall_ms(void);

#endif
