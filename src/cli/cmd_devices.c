/* loaxa devices: the PortAudio output devices, for choosing audio.device. */
#include <stdbool.h>
#include <stdio.h>

#include "audio/player.h"
#include "cli/cli.h"
#include "core/i18n.h"

static int print_device(int index, const char *name, const char *host_api, int channels,
                        double default_rate, bool is_default, void *ud)
{
    int *count = ud;
    if ((*count)++ == 0)
        printf("%-3s %5s  %-8s %4s %8s  %s\n", "", _("index"), _("host API"), _("ch"),
               _("rate"), _("name"));
    printf("%-3s %5d  %-8s %4d %8.0f  %s\n", is_default ? "*" : "", index, host_api, channels,
           default_rate, name);
    return 0;
}

int cmd_devices(int argc, char **argv, struct loaxa_config *cfg)
{
    (void)cfg;
    if (argc > 1) {
        fprintf(stderr, "%s", _("Usage: loaxa devices\n"));
        return 2;
    }
    char err[1024];
    int count = 0;
    if (player_list_devices(print_device, &count, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa devices: %s\n", err);
        return 1;
    }
    if (count == 0) {
        printf("%s", _("No audio output device found. Set audio.device (flag --device) to "
                       "file:PATH.wav or null to run without a sound card.\n"));
        return 1;
    }
    printf("%s", _("* marks the default. Choose one with audio.device (flag --device): its "
                   "index or part of its name.\n"));
    return 0;
}
