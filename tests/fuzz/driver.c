/* Runs a fuzz harness without libFuzzer: each argument, a file or a
 * directory of files, is fed once to LLVMFuzzerTestOneInput. This is how
 * the seed corpora and the inputs that once crashed (tests/fuzz/regress/)
 * run in the ordinary test suite, with gcc or clang, sanitizers or not. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

/* Harnesses that need no set-up leave it out. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void *xalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static int run_file(const char *path, off_t size)
{
    FILE *f = fopen(path, "rb");
    /* exactly the file's size, so ASan sees a read past the input's end */
    uint8_t *data = xalloc((size_t)size);
    if (!f || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: cannot read\n", path);
        if (f)
            fclose(f);
        free(data);
        return 1;
    }
    fclose(f);
    fprintf(stderr, "%s\n", path);
    LLVMFuzzerTestOneInput(data, (size_t)size);
    free(data);
    return 0;
}

static int run_path(const char *path, size_t *n_run)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "%s: no such file or directory\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*n_run;
        return run_file(path, st.st_size);
    }
    DIR *dir = opendir(path);
    if (!dir)
        return 1;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        if (!grown)
            abort();
        names = grown;
        names[n] = xalloc(len);
        snprintf(names[n++], len, "%s/%s", path, e->d_name);
    }
    closedir(dir);
    if (n > 1) /* qsort's array may not be NULL, even empty */
        qsort(names, n, sizeof *names, cmp_str); /* the same order on every machine */
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc |= run_path(names[i], n_run);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int rc = 0;
    size_t n_run = 0;
    for (int i = 1; i < argc; i++)
        rc |= run_path(argv[i], &n_run);
    fprintf(stderr, "%zu inputs, %s\n", n_run, rc ? "some unreadable" : "no crash");
    return rc;
}
