/* The file output: "file:PATH.wav" writes exactly the frames handed to the
 * device, from the programme's first frame to its last (the silence before
 * the planned start is not written), as 48 kHz stereo 32-bit float WAV.
 * It is paced in real time like the null output, so a programme takes as
 * long as it would on a loudspeaker. The WAV header is finished on close. */
#include "audio/out.h"

#include <errno.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

struct file_out {
    SNDFILE *sf;
    struct out_paced *paced;
};

static int file_sink(void *ud, const float *buf, unsigned long frames)
{
    struct file_out *f = ud;
    return sf_writef_float(f->sf, buf, (sf_count_t)frames) == (sf_count_t)frames ? 0 : -EIO;
}

static int file_open(struct out *o, const char *arg, char *err, size_t errlen)
{
    if (!*arg) {
        snprintf(err, errlen, _("file output: no path (use file:PATH.wav)"));
        return -EINVAL;
    }
    o->rate = 48000;
    o->channels = 2;
    SF_INFO info = {.samplerate = o->rate, .channels = o->channels,
                    .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    SNDFILE *sf = sf_open(arg, SFM_WRITE, &info);
    if (!sf) {
        snprintf(err, errlen, _("file output %s: %s"), arg, sf_strerror(NULL));
        return -EIO;
    }
    struct file_out *f = xcalloc(1, sizeof *f);
    f->sf = sf;
    snprintf(o->name, sizeof o->name, "file:%s", arg);
    f->paced = out_paced_new(o, file_sink, f, 0);
    o->priv = f;
    return 0;
}

static int file_start(struct out *o, char *err, size_t errlen)
{
    struct file_out *f = o->priv;
    return out_paced_start(f->paced, err, errlen);
}

static int file_check(struct out *o, char *err, size_t errlen)
{
    struct file_out *f = o->priv;
    return out_paced_check(f->paced, err, errlen);
}

static void file_close(struct out *o)
{
    struct file_out *f = o->priv;
    out_paced_free(f->paced); /* joins the writer before the file closes */
    sf_close(f->sf);
    free(f);
}

const struct out_driver out_driver_file = {
    .name = "file", .open = file_open, .start = file_start, .check = file_check,
    .close = file_close,
};
