/* plan_load: files and directories of .ics into items, with diagnostics
 * carrying file and line. libical parses (see ics.c for how lines are
 * tracked); we read the properties ourselves into plain structs and keep
 * the calendars only for their zones. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/hash.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "plan/plan_internal.h"

void plan_add_diag(struct plan *plan, size_t fi, int line, enum plan_severity sev,
                   const char *fmt, ...)
{
    if (plan->n_diags == plan->cap_diags) {
        plan->cap_diags = plan->cap_diags ? plan->cap_diags * 2 : 16;
        plan->diags = xrealloc(plan->diags, plan->cap_diags * sizeof *plan->diags);
    }
    va_list ap;
    va_start(ap, fmt);
    struct strbuf b = {0};
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    struct plan_diag_full *d = &plan->diags[plan->n_diags];
    d->pub.severity = sev;
    d->pub.file = fi < plan->n_files ? plan->files[fi].path : "";
    d->pub.line = line;
    d->pub.message = strbuf_steal(&b);
    d->file_index = fi;
    d->seq = plan->n_diags++;
    if (sev == PLAN_ERROR)
        plan->n_errors++;
}

static int cmp_diag(const void *a, const void *b)
{
    const struct plan_diag_full *x = a, *y = b;
    if (x->file_index != y->file_index)
        return x->file_index < y->file_index ? -1 : 1;
    if (x->pub.line != y->pub.line)
        return x->pub.line < y->pub.line ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

void plan_sort_diags(struct plan *plan)
{
    if (plan->n_diags > 1)
        qsort(plan->diags, plan->n_diags, sizeof *plan->diags, cmp_diag);
    for (size_t i = 0; i < plan->n_diags; i++)
        plan->diags[i].seq = i;
}

struct plan_zone *plan_zone_for(struct plan *plan, icaltimezone *z)
{
    if (!z || z == icaltimezone_get_utc_timezone())
        return NULL;
    for (size_t i = 0; i < plan->n_zones; i++)
        if (plan_zone_ical(plan->zones[i]) == z)
            return plan->zones[i];
    plan->zones = xrealloc(plan->zones, (plan->n_zones + 1) * sizeof *plan->zones);
    return plan->zones[plan->n_zones++] = plan_zone_new(z);
}

static void load_file(struct plan *plan, size_t fi)
{
    char *data = NULL;
    size_t len = 0;
    int rc = util_read_file(plan->files[fi].path, PLAN_MAX_FILE_BYTES, &data, &len);
    if (rc == -EFBIG) {
        plan_add_diag(plan, fi, 0, PLAN_ERROR,
                      _("larger than %d MB: a year's plan is a few hundred KB; check that "
                        "this is the right file"), PLAN_MAX_FILE_BYTES >> 20);
        return;
    }
    if (rc == -EINVAL) {
        plan_add_diag(plan, fi, 0, PLAN_ERROR,
                      _("not a regular file (a pipe or device?); save the plan as a file"));
        return;
    }
    if (rc < 0) {
        plan_add_diag(plan, fi, 0, PLAN_ERROR, _("cannot read: %s"), strerror(-rc));
        return;
    }
    if (hash_file_sha256(plan->files[fi].path, plan->files[fi].sha256) < 0)
        plan->files[fi].sha256[0] = '\0';
    struct ics_doc *doc = ics_parse(plan, fi, data, len); /* takes data */
    for (size_t i = 0; i < ics_cal_count(doc); i++) {
        icalcomponent *cal = ics_cal_take(doc, i);
        plan->cals = xrealloc(plan->cals, (plan->n_cals + 1) * sizeof *plan->cals);
        plan->cals[plan->n_cals++] = cal;
        plan_load_calendar(plan, fi, doc, i, cal);
    }
    ics_free(doc);
}

/* ------------------------------------------------------------ linking */

static int cmp64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* By UID, the master before its overrides: the order both sorts share. */
static int cmp_uid_master_first(const struct plan_item_full *x, const struct plan_item_full *y)
{
    int c = strcmp(x->pub.uid, y->pub.uid);
    if (c)
        return c;
    if (x->is_override != y->is_override)
        return x->is_override ? 1 : -1;
    return 0;
}

static int cmp_item_uid(const void *a, const void *b)
{
    const struct plan_item_full *x = *(struct plan_item_full *const *)a;
    const struct plan_item_full *y = *(struct plan_item_full *const *)b;
    int c = cmp_uid_master_first(x, y);
    if (c)
        return c;
    if (x->is_override && x->rid_sec != y->rid_sec)
        return (int)cmp64(x->rid_sec, y->rid_sec);
    if (x->file_index != y->file_index)
        return x->file_index < y->file_index ? -1 : 1;
    return (x->pub.line > y->pub.line) - (x->pub.line < y->pub.line);
}

/* Inherits what an override leaves out from its master (see plan-format.md). */
static void inherit(struct plan_item_full *ov, struct plan_item_full *m)
{
    if (!*ov->pub.summary) {
        free((char *)ov->pub.summary);
        ov->pub.summary = xstrdup(m->pub.summary);
    }
    if (!*ov->pub.unit) {
        free((char *)ov->pub.unit);
        ov->pub.unit = xstrdup(m->pub.unit);
    }
    if (!ov->pub.n_categories && m->pub.n_categories) {
        const char **c = xmalloc(m->pub.n_categories * sizeof *c);
        for (size_t i = 0; i < m->pub.n_categories; i++)
            c[i] = xstrdup(m->pub.categories[i]);
        ov->pub.categories = c;
        ov->pub.n_categories = m->pub.n_categories;
    }
    if (!ov->pub.n_audio && m->pub.n_audio) {
        const char **a = xmalloc(m->pub.n_audio * sizeof *a);
        ov->attach_lines = xmalloc(m->pub.n_audio * sizeof(int));
        for (size_t i = 0; i < m->pub.n_audio; i++) {
            a[i] = xstrdup(m->pub.audio[i]);
            ov->attach_lines[i] = m->attach_lines[i];
        }
        ov->pub.audio = a;
        ov->pub.n_audio = m->pub.n_audio;
        ov->audio_inherited = true;
    }
    if (ov->slot_ms < 0)
        ov->slot_ms = m->slot_ms;
    if (!ov->pub.signature_tune && m->pub.signature_tune)
        ov->pub.signature_tune = xstrdup(m->pub.signature_tune);
    if (!ov->line_status) {
        ov->pub.approved = m->pub.approved;
        /* the master's STATUS:CANCELLED is applied at expansion */
    }
    if (!ov->pub.priority && m->pub.priority) {
        ov->pub.priority = m->pub.priority;
        ov->pub.level = m->pub.level;
    }
}

static void link_items(struct plan *plan)
{
    size_t n = 0;
    struct plan_item_full **v = xmalloc((plan->n_items + 1) * sizeof *v);
    for (size_t i = 0; i < plan->n_items; i++)
        if (!plan->items[i]->skip)
            v[n++] = plan->items[i];
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_item_uid);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(v[j]->pub.uid, v[i]->pub.uid) == 0)
            j++;
        struct plan_item_full *master = NULL, *last_ov = NULL;
        for (size_t k = i; k < j; k++) {
            struct plan_item_full *it = v[k];
            if (!it->is_override) {
                if (!master) {
                    master = it;
                    continue;
                }
                plan_add_diag(plan, it->file_index, it->line_uid, PLAN_ERROR,
                              _("duplicate UID \"%s\" (also %s:%d); this one is left out"),
                              it->pub.uid, master->pub.file, master->line_uid);
                it->skip = true;
                continue;
            }
            if (last_ov && last_ov->rid_sec == it->rid_sec) {
                struct plan_item_full *win = it->pub.sequence > last_ov->pub.sequence ? it
                                                                                       : last_ov;
                struct plan_item_full *lose = win == it ? last_ov : it;
                plan_add_diag(plan, lose->file_index, lose->pub.line, PLAN_WARNING,
                              _("two overrides of the same instance of \"%s\" (the other at "
                                "%s:%d); the one with the higher SEQUENCE wins"),
                              it->pub.uid, win->pub.file, win->pub.line);
                lose->skip = true;
                lose->master = NULL;
                last_ov = win;
                if (lose == it)
                    continue;
            }
            last_ov = it;
            if (!master) {
                plan_add_diag(plan, it->file_index, it->line_rid, PLAN_WARNING,
                              _("RECURRENCE-ID of \"%s\", but no item with that UID: aired "
                                "as a single item"), it->pub.uid);
                continue;
            }
            it->master = master;
            inherit(it, master);
        }
        if (master) {
            for (size_t k = i; k < j; k++) {
                struct plan_item_full *it = v[k];
                if (it->is_override && !it->skip && it->master == master) {
                    master->overrides = xrealloc(master->overrides,
                                                 (master->n_overrides + 1) * sizeof(void *));
                    master->overrides[master->n_overrides++] = it;
                }
            }
            /* v is sorted by rid within a UID, so overrides are too. */
            for (size_t k = 0; k < master->n_overrides; k++) {
                struct plan_item_full *ov = master->overrides[k];
                ov->rid_matched = plan_item_has_instance(master, ov->rid_sec);
                if (!ov->rid_matched) {
                    char b[UTIL_TIME_BUF];
                    plan_add_diag(plan, ov->file_index, ov->line_rid, PLAN_WARNING,
                                  _("RECURRENCE-ID %s matches no instance of \"%s\": aired "
                                    "as an extra occurrence"),
                                  util_format_iso_local(ov->rid_sec * 1000, b), ov->pub.uid);
                }
            }
        }
        i = j;
    }
    free(v);
}

/* Expansion sorts occurrences by start then UID; an integer rank makes
 * that comparison cheap (it runs a million times for a dense year). */
static int cmp_uid_find(const void *a, const void *b)
{
    const struct plan_item_full *x = *(struct plan_item_full *const *)a;
    const struct plan_item_full *y = *(struct plan_item_full *const *)b;
    int c = cmp_uid_master_first(x, y);
    if (c)
        return c;
    return (x->live_index > y->live_index) - (x->live_index < y->live_index);
}

/* Also keeps the live items sorted for plan_find_uid: by UID, masters
 * first, then in file order. */
static void rank_uids(struct plan *plan)
{
    struct plan_item_full **v = xmalloc((plan->n_live + 1) * sizeof *v);
    if (plan->n_live)
        memcpy(v, plan->live, plan->n_live * sizeof *v);
    if (plan->n_live > 1)
        qsort(v, plan->n_live, sizeof *v, cmp_uid_find);
    size_t rank = 0;
    for (size_t i = 0; i < plan->n_live; i++) {
        if (i > 0 && strcmp(v[i]->pub.uid, v[i - 1]->pub.uid) != 0)
            rank++;
        v[i]->uid_rank = rank;
    }
    plan->by_uid = v;
}

/* ------------------------------------------------------------ public */

static bool has_ics_suffix(const char *n)
{
    size_t l = strlen(n);
    return l > 4 && strcasecmp(n + l - 4, ".ics") == 0 && n[0] != '.';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(struct plan *plan, char *path)
{
    plan->files = xrealloc(plan->files, (plan->n_files + 1) * sizeof *plan->files);
    plan->files[plan->n_files].path = path;
    plan->files[plan->n_files].sha256[0] = '\0';
    plan->files[plan->n_files].unreadable = false;
    plan->n_files++;
}

static int collect(struct plan *plan, const char *path, char **err)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        *err = xasprintf(_("cannot open the plan %s: %s"), path, strerror(errno));
        return -errno;
    }
    if (!S_ISDIR(st.st_mode)) {
        add_file(plan, xstrdup(path));
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        *err = xasprintf(_("cannot open the plan %s: %s"), path, strerror(errno));
        return -errno;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!has_ics_suffix(de->d_name))
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    size_t pl = strlen(path);
    char *root = realpath(path, NULL);
    for (size_t i = 0; i < n; i++) {
        add_file(plan, xasprintf("%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/",
                                 names[i]));
        free(names[i]);
        /* A plan folder is filled from USB sticks and mail: a link in it must
         * not make the daemon read files elsewhere on the system. */
        char *real = root ? realpath(plan->files[plan->n_files - 1].path, NULL) : NULL;
        if (real && !paths_within(root, real)) {
            plan->files[plan->n_files - 1].unreadable = true;
            plan_add_diag(plan, plan->n_files - 1, 0, PLAN_ERROR,
                          _("a link to %s, outside the plan folder %s; copy the file into "
                            "the folder instead"), real, root);
        }
        free(real);
    }
    free(root);
    free(names);
    if (n == 0) {
        *err = xasprintf(_("no .ics files in the plan directory %s"), path);
        return -ENOENT;
    }
    return 0;
}

struct plan *plan_load(const char *const *paths, size_t n_paths, const struct plan_options *opt,
                       char **err)
{
    static bool ical_setup;
    if (!ical_setup) {
        icalerror_set_errors_are_fatal(0);
        ical_setup = true;
    }
    struct plan *plan = xcalloc(1, sizeof *plan);
    char *e = NULL;
    plan->default_tz = xstrdup(opt && opt->default_tz ? opt->default_tz : "UTC");
    plan->audio_root = opt && opt->audio_root ? xstrdup(opt->audio_root) : NULL;
    plan->no_emergency_from_priority = opt && opt->no_emergency_from_priority;
    char **bad = xcalloc(n_paths + 1, sizeof *bad); /* why path i could not be read */
    for (size_t i = 0; i < n_paths; i++)
        collect(plan, paths[i], &bad[i]);
    size_t n_good = plan->n_files;
    for (size_t i = 0; i < n_paths; i++) {
        if (!bad[i])
            continue;
        if (n_good == 0 && !e) {
            e = bad[i];
            continue;
        }
        /* one path unreadable but others fine: a diagnostic, not a failure */
        add_file(plan, xstrdup(paths[i]));
        plan->files[plan->n_files - 1].unreadable = true;
        plan_add_diag(plan, plan->n_files - 1, 0, PLAN_ERROR, "%s", bad[i]);
        free(bad[i]);
    }
    free(bad);
    if (n_good == 0) {
        if (err)
            *err = e ? e : xstrdup(_("no plan files given"));
        else
            free(e);
        plan_free(plan);
        return NULL;
    }
    free(e);
    for (size_t i = 0; i < plan->n_files; i++)
        if (!plan->files[i].unreadable)
            load_file(plan, i);
    plan_attach_memo_free(plan); /* the files may change: asked again next load */
    link_items(plan);
    plan->live = xmalloc((plan->n_items + 1) * sizeof *plan->live);
    for (size_t i = 0; i < plan->n_items; i++)
        if (!plan->items[i]->skip) {
            plan->items[i]->live_index = plan->n_live;
            plan->live[plan->n_live++] = plan->items[i];
        }
    rank_uids(plan);
    plan_sort_diags(plan);
    if (err)
        *err = NULL;
    return plan;
}

void plan_free(struct plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->n_items; i++)
        plan_free_item(plan->items[i]);
    free(plan->items);
    free(plan->live);
    free(plan->by_uid);
    for (size_t i = 0; i < plan->n_zones; i++)
        plan_zone_free(plan->zones[i]);
    free(plan->zones);
    for (size_t i = 0; i < plan->n_cals; i++)
        icalcomponent_free(plan->cals[i]);
    free(plan->cals);
    for (size_t i = 0; i < plan->n_diags; i++)
        free((char *)plan->diags[i].pub.message);
    free(plan->diags);
    for (size_t i = 0; i < plan->n_files; i++)
        free(plan->files[i].path);
    free(plan->files);
    plan_attach_memo_free(plan);
    free(plan->audio_root);
    free(plan->default_tz);
    free(plan);
}

size_t plan_diag_count(const struct plan *plan)
{
    return plan->n_diags;
}

const struct plan_diag *plan_diag(const struct plan *plan, size_t i)
{
    return i < plan->n_diags ? &plan->diags[i].pub : NULL;
}

size_t plan_error_count(const struct plan *plan)
{
    return plan->n_errors;
}

/* Items left out because of errors are not listed. */
size_t plan_item_count(const struct plan *plan)
{
    return plan->n_live;
}

const struct plan_item *plan_item_at(const struct plan *plan, size_t i)
{
    return i < plan->n_live ? &plan->live[i]->pub : NULL;
}

int plan_item_attach_line(const struct plan_item *item, size_t i)
{
    /* every plan_item handed out is the pub of a plan_item_full */
    const struct plan_item_full *it = (const struct plan_item_full *)item;
    return i < item->n_audio && it->attach_lines ? it->attach_lines[i] : 0;
}

const struct plan_item *plan_find_uid(const struct plan *plan, const char *uid)
{
    size_t lo = 0, hi = plan->n_live;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(plan->by_uid[mid]->pub.uid, uid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < plan->n_live && strcmp(plan->by_uid[lo]->pub.uid, uid) == 0)
        return &plan->by_uid[lo]->pub;
    return NULL;
}

size_t plan_file_count(const struct plan *plan)
{
    return plan->n_files;
}

const char *plan_file_path(const struct plan *plan, size_t i)
{
    return i < plan->n_files ? plan->files[i].path : NULL;
}

const char *plan_file_sha256(const struct plan *plan, size_t i)
{
    return i < plan->n_files ? plan->files[i].sha256 : NULL;
}
