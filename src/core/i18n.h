/* gettext for everything the officer reads. msgids are English. */
#ifndef LOAXA_I18N_H
#define LOAXA_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment and binds the catalogue: the
 * installed one, or the build tree's when run from a build directory. */
void i18n_init(void);

/* Switches messages to a language ("vi", "en") whatever the locale says;
 * reports use it (they default to Vietnamese). Returns 0 or -EINVAL. */
int i18n_set_lang(const char *lang);
/* Whether messages are in Vietnamese now (LANGUAGE, else the locale): the
 * number format of what people read follows it ("1.234", "95,8 %"). */
bool i18n_lang_is_vi(void);

/* The reader's word for one of the stable keywords that machine formats
 * and the control protocol carry: statuses ("aired", "missed", ...), levels
 * ("normal", "priority", "emergency"), sources ("plan", "adhoc") and the
 * daemon's states ("on_air", "idle"). Anything else is returned as it is.
 * CSV and JSON keep the keyword; text for people goes through this. */
const char *i18n_keyword(const char *key);

#endif
