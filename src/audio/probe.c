/* Header probe: libsndfile's own open, so a file that passes here is one
 * the decoder can open. */
#include "audio/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"

int probe_recording(const char *path, struct probe_info *info, char *err, size_t errlen)
{
    struct stat st;
    memset(info, 0, sizeof *info);
    if (stat(path, &st) < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, _("%s: is a directory, not a recording"), path);
        return -EISDIR;
    }
    if (st.st_size == 0) {
        snprintf(err, errlen, _("%s: empty file (0 bytes)"), path);
        return -EINVAL;
    }
    SF_INFO sfi = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &sfi);
    if (!sf) {
        snprintf(err, errlen, _("%s: not a recording libsndfile can read: %s"), path,
                 sf_strerror(NULL));
        return -EINVAL;
    }
    int rc = 0;
    if (sfi.channels < 1 || sfi.channels > 64) {
        snprintf(err, errlen, _("%s: unusable channel count %d"), path, sfi.channels);
        rc = -EINVAL;
    } else if (sfi.samplerate < 1000 || sfi.samplerate > 768000) {
        snprintf(err, errlen, _("%s: unusable sample rate %d Hz"), path, sfi.samplerate);
        rc = -EINVAL;
    } else if (sfi.frames <= 0) {
        snprintf(err, errlen, _("%s: the recording holds no audio"), path);
        rc = -EINVAL;
    } else {
        SF_FORMAT_INFO fi = {.format = sfi.format & SF_FORMAT_TYPEMASK};
        SF_FORMAT_INFO si = {.format = sfi.format & SF_FORMAT_SUBMASK};
        sf_command(NULL, SFC_GET_FORMAT_INFO, &fi, sizeof fi);
        sf_command(NULL, SFC_GET_FORMAT_INFO, &si, sizeof si);
        snprintf(info->format, sizeof info->format, "%s / %s", fi.name ? fi.name : "?",
                 si.name ? si.name : "?");
        info->frames = sfi.frames;
        info->rate = sfi.samplerate;
        info->channels = sfi.channels;
        info->duration_ms = sfi.frames * 1000 / sfi.samplerate;
    }
    sf_close(sf);
    return rc;
}
