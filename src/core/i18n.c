/* Locale and catalogue set-up. */
#include "core/i18n.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"

/* A binary in BUILD/src/ finds its catalogue in BUILD/po/ (meson puts the
 * compiled .mo files there), so the checkout runs translated uninstalled. */
static const char *find_localedir(char *buf, size_t size)
{
    const char *env = getenv("LOAXA_LOCALEDIR");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char probe[PATH_MAX + 64];
            snprintf(probe, sizeof probe, "%s/../po/vi/LC_MESSAGES/" GETTEXT_PACKAGE ".mo", exe);
            if (access(probe, R_OK) == 0) {
                snprintf(buf, size, "%s/../po", exe);
                return buf;
            }
        }
    }
    return LOCALEDIR;
}

void i18n_init(void)
{
    char buf[PATH_MAX + 8];
    setlocale(LC_ALL, "");
    /* Numbers stay "100.0" whatever the locale: CSV and JSON must parse,
     * and the reports print their own number formats. */
    setlocale(LC_NUMERIC, "C");
    bindtextdomain(GETTEXT_PACKAGE, find_localedir(buf, sizeof buf));
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
}

bool i18n_lang_is_vi(void)
{
    /* LANGUAGE wins over the locale in gettext, as it does here */
    const char *l = getenv("LANGUAGE");
    if (!l || !*l)
        l = setlocale(LC_MESSAGES, NULL);
    return l && strncmp(l, "vi", 2) == 0;
}

int i18n_set_lang(const char *lang)
{
    if (!lang || (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0))
        return -EINVAL;
    setenv("LANGUAGE", lang, 1);
    /* gettext ignores LANGUAGE under the "C" locale: pick a UTF-8 one. */
    const char *cur = setlocale(LC_MESSAGES, NULL);
    if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0) {
        if (!setlocale(LC_MESSAGES, "vi_VN.UTF-8") && !setlocale(LC_MESSAGES, "C.UTF-8"))
            setlocale(LC_MESSAGES, "en_US.UTF-8");
    }
    const char *ctype = setlocale(LC_CTYPE, NULL);
    if (!ctype || strcmp(ctype, "C") == 0 || strcmp(ctype, "POSIX") == 0)
        setlocale(LC_CTYPE, "C.UTF-8");
    textdomain(GETTEXT_PACKAGE); /* drops gettext's cached translations */
    return 0;
}

const char *i18n_keyword(const char *key)
{
    static const char *const words[][2] = {
        {"aired", N_("aired")},
        {"interrupted", N_("interrupted")},
        {"failed", N_("failed")},
        {"missed", N_("missed")},
        {"cancelled", N_("cancelled")},
        {"on_air", N_("on air")},
        {"unlogged", N_("not logged")},
        {"normal", N_("normal")},
        {"priority", N_("priority")},
        {"emergency", N_("emergency")},
        {"plan", N_("plan")},
        {"adhoc", N_("ad hoc")},
        {"idle", N_("idle")},
        {"stopping", N_("shutting down")},
    };
    if (!key)
        return "";
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(key, words[i][0]) == 0)
            return _(words[i][1]);
    return key;
}
