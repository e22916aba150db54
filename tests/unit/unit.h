/* Shared by every unit test: unit_main.c holds the one main, which runs
 * the suite the test file builds in unit_suite, and the temporary-directory
 * helpers. Link unit_main.c into every test (tests/unit/meson.build). */
#ifndef LOAXA_TEST_UNIT_H
#define LOAXA_TEST_UNIT_H

#include <stdbool.h>
#include <stddef.h>

#include <check.h>

struct unit_opts {
    bool nofork; /* run the tests in the runner's process (CK_NOFORK) */
};

/* The test file's suite; it may set options and the environment (TZ). */
Suite *unit_suite(struct unit_opts *opts);

/* Makes /tmp/loaxa-TAG-XXXXXX into dir (size n; the test fails if it
 * cannot) and returns dir. */
char *unit_tmpdir(char *dir, size_t n, const char *tag);
/* Removes dir and all below it, links not followed; the test fails on an
 * error. */
void unit_rmtree(const char *dir);

#endif
