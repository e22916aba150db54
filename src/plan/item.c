/* Deep copies of plan items, for what must outlive a plan reload (ad hoc
 * airings, prepared programmes), and the PRIORITY a level means. Every
 * field is copied by name, never by `*c = *it`: a new pointer field left
 * out is then missing in the copy (and test_programme's check of shared
 * pointers fails), never a silent use-after-free once the plan is freed. */
#include <stdlib.h>

#include "core/util.h"
#include "plan/plan.h"

static char *dup_opt(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static const char *const *dup_strv(const char *const *v, size_t n)
{
    char **c = xcalloc(n + 1, sizeof *c);
    for (size_t i = 0; i < n; i++)
        c[i] = xstrdup(v[i] ? v[i] : "");
    return (const char *const *)c;
}

static void free_strv(const char *const *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free((char *)v[i]);
    free((void *)v);
}

struct plan_item *plan_item_dup(const struct plan_item *it)
{
    struct plan_item *c = xcalloc(1, sizeof *c);
    c->uid = dup_opt(it->uid);
    c->file = dup_opt(it->file);
    c->line = it->line;
    c->summary = dup_opt(it->summary);
    c->description = dup_opt(it->description);
    c->unit = dup_opt(it->unit);
    c->categories = dup_strv(it->categories, it->n_categories);
    c->n_categories = it->n_categories;
    c->audio = dup_strv(it->audio, it->n_audio);
    c->n_audio = it->n_audio;
    c->priority = it->priority;
    c->level = it->level;
    c->approved = it->approved;
    c->sequence = it->sequence;
    c->signature_tune = dup_opt(it->signature_tune);
    c->times = dup_opt(it->times);
    return c;
}

void plan_item_free(struct plan_item *it)
{
    if (!it)
        return;
    free((char *)it->uid);
    free((char *)it->file);
    free((char *)it->summary);
    free((char *)it->description);
    free((char *)it->unit);
    free_strv(it->categories, it->n_categories);
    free_strv(it->audio, it->n_audio);
    free((char *)it->signature_tune);
    free((char *)it->times);
    free(it);
}

int plan_level_priority(enum plan_level level)
{
    return level == PLAN_LEVEL_EMERGENCY ? 1 : level == PLAN_LEVEL_PRIORITY ? 3 : 0;
}

/* station.emergency_from_priority = no: PRIORITY:1 is the most urgent of
 * the priority items (it still goes first among them), never a cut-in. */
enum plan_level plan_level_of_priority(int priority, bool no_emergency)
{
    if (priority == 1)
        return no_emergency ? PLAN_LEVEL_PRIORITY : PLAN_LEVEL_EMERGENCY;
    if (priority >= 2 && priority <= 4)
        return PLAN_LEVEL_PRIORITY;
    return PLAN_LEVEL_NORMAL;
}
