/* The reference for tools/bench-play.sh: the least a PortAudio program can
 * do to play N seconds of 48 kHz stereo float (a 440 Hz tone computed in
 * the callback) with a 20 ms buffer on the default device. Whatever loaxa
 * uses above this is the cost of decoding, resampling and its own code.
 * Usage: bench-play-minimal SECONDS [LATENCY_MS]   (default 60, 20) */
#include <math.h>
#include <portaudio.h>
#include <stdio.h>
#include <stdlib.h>

static double phase;

static int cb(const void *in, void *out, unsigned long frames,
              const PaStreamCallbackTimeInfo *ti, PaStreamCallbackFlags flags, void *ud)
{
    float *o = out;
    for (unsigned long i = 0; i < frames; i++) {
        float v = (float)(0.1 * sin(phase));
        phase += 2 * M_PI * 440 / 48000;
        o[2 * i] = o[2 * i + 1] = v;
    }
    return paContinue;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 60;
    double lat_ms = argc > 2 ? atof(argv[2]) : 20;
    if (Pa_Initialize() != paNoError)
        return 1;
    PaStreamParameters sp = {.device = Pa_GetDefaultOutputDevice(), .channelCount = 2,
                             .sampleFormat = paFloat32, .suggestedLatency = lat_ms / 1000};
    PaStream *s;
    if (sp.device == paNoDevice ||
        Pa_OpenStream(&s, NULL, &sp, 48000, paFramesPerBufferUnspecified, paNoFlag, cb,
                      NULL) != paNoError)
        return 1;
    Pa_StartStream(s);
    Pa_Sleep((long)(secs * 1000));
    Pa_StopStream(s);
    Pa_CloseStream(s);
    Pa_Terminate();
    return 0;
}
