/* loaxa play FILE... : plays recordings now (or --at a time) through the
 * configured output, exactly as the daemon would air them, and says what
 * happened: loudness measured, gain used, when the first frame reached the
 * device, and why it ended. Ctrl-C fades out. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/player.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t sig_seen;

static void on_signal(int sig)
{
    sig_seen = sig;
    int saved = errno;
    ssize_t w = write(sig_pipe[1], "x", 1);
    (void)w;
    errno = saved;
}

/* $XDG_CACHE_HOME/loaxa/loudness.tsv (or ~/.cache/...); NULL if unusable. */
static char *cache_path(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char *dir = xdg && *xdg ? xasprintf("%s/loaxa", xdg)
                : home && *home ? xasprintf("%s/.cache/loaxa", home) : NULL;
    if (!dir)
        return NULL;
    char *parent = xstrdup(dir);
    *strrchr(parent, '/') = 0;
    mkdir(parent, 0755);
    free(parent);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        free(dir);
        return NULL;
    }
    char *path = xasprintf("%s/loudness.tsv", dir);
    free(dir);
    return path;
}

static void format_ms(int64_t ms, char *buf, size_t len)
{
    char t[UTIL_TIME_BUF];
    util_format_local(ms, t);
    snprintf(buf, len, "%s.%03d", t, (int)(((ms % 1000) + 1000) % 1000));
}

static void usage(FILE *f)
{
    fprintf(f, "%s", _("Usage: loaxa play FILE... [--device D] [--no-normalize] [--no-tune] "
                       "[--at TIME]\n"
                       "Plays the recordings now, one after the other, through the output "
                       "setting audio.device\n"
                       "  --no-normalize  play at the recorded level (no loudness gain)\n"
                       "  --no-tune       leave out the signature tune\n"
                       "  --at TIME       start so the first sample sounds at TIME "
                       "(YYYY-MM-DDTHH:MM:SS, or @EPOCH-SECONDS)\n"));
    fprintf(f, "%s", _("FILE is a path that exists, or a name under the audio root "
                       "(paths.audio_root), as for air and ATTACH\n"));
}

/* A FILE as `air` and ATTACH take it: a path that exists from here is
 * played as it is (the officer's own file, with the officer's rights);
 * else a name under the audio root, with its checks (no "..", no URL, no
 * link out). Returns a malloc'd path, or NULL (printed). */
static char *resolve(const struct loaxa_config *cfg, const char *arg)
{
    if (access(arg, F_OK) == 0)
        return xstrdup(arg);
    char *abs = NULL, err[1024];
    int rc = paths_resolve_audio(cfg->audio_root, arg, &abs, err, sizeof err);
    if (rc == 0)
        return abs;
    if (rc == -ENOENT)
        fprintf(stderr, _("loaxa play: %s: no such file here nor under the audio root %s\n"),
                arg, cfg->audio_root);
    else
        fprintf(stderr, "loaxa play: %s\n", err);
    return NULL;
}

static void print_items(struct player *pl)
{
    for (size_t i = 0; i < player_item_count(pl); i++) {
        struct player_item_info in;
        if (player_item(pl, i, &in) < 0)
            continue;
        printf(in.is_signature_tune ? _("Tune:    %s\n") : _("Playing: %s\n"), in.path);
        printf(_("         %d Hz, %d channel(s), %.1f s\n"), in.rate, in.channels,
               (double)in.frames / in.rate);
        if (isnan(in.lufs))
            printf("%s", _("         loudness not measured (normalisation off), gain 0 dB\n"));
        else if (!isfinite(in.lufs))
            printf("%s", _("         silent recording, gain 0 dB\n"));
        else
            printf(_("         loudness %.1f LUFS, true peak %.1f dBTP, gain %+.1f dB\n"),
                   in.lufs, in.true_peak_db, in.gain_db);
    }
}

static void print_report(const struct player_report *r, int rate)
{
    char t[80];
    printf(_("Output:  %s, %d Hz, latency %.1f ms\n"), r->device, rate, r->output_latency_ms);
    if (r->first_frame_ms >= 0) {
        format_ms(r->first_frame_ms, t, sizeof t);
        printf(_("Started: %s (first frame at the device)\n"), t);
    } else {
        printf("%s", _("Started: never\n"));
    }
    format_ms(r->end_ms, t, sizeof t);
    printf(_("Ended:   %s, %s after %.3f s (%lld frames), %d underrun(s)\n"), t,
           player_end_name(r->end), r->played_ms / 1000.0, (long long)r->frames_played,
           r->underruns);
}

int cmd_play(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option longopts[] = {
        {"no-normalize", no_argument, NULL, 'N'},
        {"no-tune", no_argument, NULL, 'T'},
        {"at", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool normalize = cfg->normalize, tune = true;
    int64_t at_ms = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'N': normalize = false; break;
        case 'T': tune = false; break;
        case 'a':
            if (optarg[0] == '@') { /* @EPOCH[.frac] seconds, for scripts */
                char *end;
                double sec = strtod(optarg + 1, &end);
                if (end != optarg + 1 && !*end && sec > 0) {
                    at_ms = (int64_t)llround(sec * 1000.0);
                    break;
                }
            }
            if (util_parse_time(optarg, &at_ms) < 0) {
                fprintf(stderr, _("loaxa play: bad time \"%s\"\n"), optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    size_t n_files = (size_t)(argc - optind);
    char **files = xcalloc(n_files, sizeof *files);
    for (size_t i = 0; i < n_files; i++)
        if (!(files[i] = resolve(cfg, argv[optind + (int)i]))) {
            for (size_t j = 0; j < i; j++)
                free(files[j]);
            free(files);
            return 1;
        }
    char *tune_path = NULL, *cache = cache_path();
    if (tune && cfg->signature_tune && *cfg->signature_tune)
        tune_path = cfg->signature_tune[0] == '/'
                        ? xstrdup(cfg->signature_tune)
                        : xasprintf("%s/%s", cfg->audio_root, cfg->signature_tune);
    struct player_opts opts = {
        .device = cfg->device, .latency_ms = cfg->latency_ms, .normalize = normalize,
        .target_lufs = cfg->loudness_target, .true_peak_db = cfg->true_peak,
        .fade_ms = cfg->fade_ms, .signature_tune = tune_path, .loudness_cache = cache,
    };
    char err[1024];
    struct player *pl = NULL;
    int status = 1;
    if (player_new(&opts, &pl, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa play: %s\n", err);
        goto out;
    }
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        fprintf(stderr, "loaxa play: %s\n", strerror(errno));
        goto out;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* the whole of each recording is measured here (and cached): prepare
     * alone would judge a long one by its first minutes */
    for (size_t i = 0; normalize && cache && i < n_files; i++) {
        double lufs, tp;
        char aerr[512];
        player_analyse(&opts, files[i], &lufs, &tp, aerr, sizeof aerr);
    }
    int rc = player_prepare(pl, (const char *const *)files, n_files, 0, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "loaxa play: %s\n", err);
        goto out;
    }
    int rate, channels;
    player_output_format(pl, &rate, &channels);
    print_items(pl);
    fflush(stdout);
    player_start_at(pl, at_ms);
    struct player_report rep;
    bool stopping = false;
    while (!player_finished(pl, &rep)) {
        struct pollfd fds[2] = {{.fd = player_fd(pl), .events = POLLIN},
                                {.fd = sig_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, 200) < 0 && errno != EINTR)
            break;
        if (fds[1].revents & POLLIN) {
            char b[16];
            while (read(sig_pipe[0], b, sizeof b) > 0)
                ;
            if (!stopping) {
                player_stop(pl, sig_seen == SIGTERM ? PLAYER_SHUTDOWN : PLAYER_STOPPED);
                stopping = true;
            }
        }
    }
    print_report(&rep, rate);
    if (rep.reason[0])
        fprintf(stderr, "loaxa play: %s\n", rep.reason);
    status = rep.end == PLAYER_FINISHED || rep.end == PLAYER_STOPPED ||
                     rep.end == PLAYER_SHUTDOWN ? 0 : 1;
out:
    player_free(pl);
    /* the stream closes on the player's thread: a file: output is complete
     * once it has (bounded: a wedged audio server is not waited for) */
    if (player_wait_teardowns(5000) > 0)
        fprintf(stderr, "loaxa play: %s\n", _("the audio output did not close"));
    free(tune_path);
    free(cache);
    for (size_t i = 0; i < n_files; i++)
        free(files[i]);
    free(files);
    if (sig_pipe[0] >= 0) {
        close(sig_pipe[0]);
        close(sig_pipe[1]);
    }
    return status;
}
