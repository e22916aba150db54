/* gettext for everything the officer reads. msgids are English. */
#ifndef LOAXA_I18N_H
#define LOAXA_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment and binds the catalogue: the
 * installed one, or the build tree's when run from a build directory. */
void i18n_init(void);

/* Switches messages to a language ("vi", "en") whatever the locale says;
 * reports use it (they default to Vietnamese). Returns 0 or -EINVAL. */
int i18n_set_lang(const char *lang);

#endif
