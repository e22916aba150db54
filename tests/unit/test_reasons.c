/* The stored reasons (core/reasons.h): each has a Vietnamese translation
 * in po/vi.po (a report must never show an English reason), and
 * reason_label shows details and older spellings as today's msgids.
 * LOAXA_TEST_PO=FILE checks another catalogue (e.g. po/vi.po merged with
 * the files of po/new before the merge is done). */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reasons.h"
#include "core/util.h"
#include "unit.h"

/* A minimal PO reader: msgid -> msgstr, continuation lines joined,
 * \" \\ \n unescaped; fuzzy entries count as untranslated. */
struct entry {
    char *id, *str;
    bool fuzzy;
};
static struct entry *cat;
static size_t n_cat;

static void append(char **dst, const char *q)
{
    const char *a = strchr(q, '"'), *b = strrchr(q, '"');
    if (!a || b == a)
        return;
    size_t old = *dst ? strlen(*dst) : 0;
    char *s = xrealloc(*dst, old + (size_t)(b - a) + 1);
    char *o = s + old;
    for (const char *p = a + 1; p < b; p++) {
        if (*p == '\\' && p + 1 < b) {
            p++;
            *o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    *dst = s;
}

static void load_po(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f, "cannot open %s", path);
    char line[4096];
    char **cur = NULL;
    bool fuzzy = false;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "#,", 2) == 0 && strstr(line, "fuzzy")) {
            fuzzy = true;
        } else if (strncmp(line, "msgid ", 6) == 0) {
            cat = xrealloc(cat, (n_cat + 1) * sizeof *cat);
            cat[n_cat] = (struct entry){.fuzzy = fuzzy};
            fuzzy = false;
            cur = &cat[n_cat++].id;
            append(cur, line + 5);
        } else if (strncmp(line, "msgstr ", 7) == 0 && n_cat) {
            cur = &cat[n_cat - 1].str;
            append(cur, line + 6);
        } else if (line[0] == '"' && cur) {
            append(cur, line);
        } else {
            cur = NULL;
        }
    }
    fclose(f);
}

static const char *vi(const char *msgid)
{
    for (size_t i = 0; i < n_cat; i++)
        if (cat[i].id && strcmp(cat[i].id, msgid) == 0)
            return cat[i].fuzzy || !cat[i].str || !*cat[i].str ? NULL : cat[i].str;
    return NULL;
}

START_TEST(test_every_reason_translated)
{
    const char *po = getenv("LOAXA_TEST_PO");
    load_po(po && *po ? po : SRCDIR "/po/vi.po");
    /* what po/new holds is merged into vi.po by the lead: it counts already */
    glob_t g;
    if (!(po && *po) && glob(SRCDIR "/po/new/*.po", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            load_po(g.gl_pathv[i]);
        globfree(&g);
    }
    ck_assert_uint_gt(reason_count(), 20);
    int missing = 0;
    for (size_t i = 0; i < reason_count(); i++) {
        const char *m = reason_msgid(i);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_ne(m, "");
        if (!vi(m)) {
            fprintf(stderr, "no Vietnamese for the stored reason \"%s\"\n", m);
            missing++;
        }
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(reason_msgid(j), m);
    }
    ck_assert_int_eq(missing, 0);
}
END_TEST

START_TEST(test_label)
{
    /* no catalogue bound: msgids show as themselves */
    char buf[256], st[256];
    ck_assert_str_eq(reason_label("", buf, sizeof buf), "");
    ck_assert_str_eq(reason_label(NULL, buf, sizeof buf), "");
    ck_assert_str_eq(reason_label(REASON_SHUTDOWN, buf, sizeof buf), "shutdown");
    reason_with(st, sizeof st, REASON_OPERATOR, "uid:1000(canbo)");
    ck_assert_str_eq(st, "stopped by the operator: uid:1000(canbo)");
    ck_assert_str_eq(reason_label(st, buf, sizeof buf), "stopped by the operator: uid:1000(canbo)");
    ck_assert_str_eq(reason_with(st, sizeof st, REASON_NO_ANSWER, ""), REASON_NO_ANSWER);
    /* older spellings */
    ck_assert_str_eq(reason_label("operator uid:0(root)", buf, sizeof buf),
                     "stopped by the operator: uid:0(root)");
    ck_assert_str_eq(reason_label("stopped by operator", buf, sizeof buf), REASON_OPERATOR);
    ck_assert_str_eq(reason_label("preempted by emergency", buf, sizeof buf), REASON_PREEMPTED);
    ck_assert_str_eq(reason_label("device-error", buf, sizeof buf), REASON_OUTPUT_FAILED);
    ck_assert_str_eq(reason_label("could not start within 10 minutes", buf, sizeof buf),
                     REASON_GRACE);
    /* free text stays as stored; a msgid only as a whole word */
    ck_assert_str_eq(reason_label("something else", buf, sizeof buf), "something else");
    ck_assert_str_eq(reason_label("shutdownx", buf, sizeof buf), "shutdownx");
    /* a detail longer than buf is cut, never overrun */
    char tiny[16];
    const char *t = reason_label("could not be prepared: /a/very/long/path.wav", tiny, sizeof tiny);
    ck_assert_uint_lt(strlen(t), sizeof tiny);
}
END_TEST

static void free_catalogue(void)
{
    for (size_t i = 0; i < n_cat; i++) {
        free(cat[i].id);
        free(cat[i].str);
    }
    free(cat);
}

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    atexit(free_catalogue);
    Suite *s = suite_create("reasons");
    TCase *tc = tcase_create("reasons");
    tcase_add_test(tc, test_every_reason_translated);
    tcase_add_test(tc, test_label);
    suite_add_tcase(s, tc);
    return s;
}
