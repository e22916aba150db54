/* The one main of the unit tests and their temporary-directory helpers. */
#define _XOPEN_SOURCE 700
#include "unit.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *unit_tmpdir(char *dir, size_t n, const char *tag)
{
    int len = snprintf(dir, n, "/tmp/loaxa-%s-XXXXXX", tag);
    ck_assert(len > 0 && (size_t)len < n);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

void unit_rmtree(const char *dir)
{
    ck_assert_msg(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "cannot remove %s: %s", dir,
                  strerror(errno));
}

int main(void)
{
    struct unit_opts opts = {0};
    Suite *s = unit_suite(&opts);
    SRunner *sr = srunner_create(s);
    if (opts.nofork)
        srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
