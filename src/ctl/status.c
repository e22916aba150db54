/* STATUS and ERRORS documents: encoding (daemon) and decoding (client).
 * The members keep the order the protocol has always written them in. */
#include "ctl/status.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

/* ---- encoding ---- */

static json_object *jstr(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *jtime(const char *t)
{
    return t ? json_object_new_string(t) : NULL;
}

static json_object *jtexts(const struct ctl_text *v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string_len(v[i].s, (int)v[i].len));
    return a;
}

static char *to_string(json_object *o)
{
    char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return s;
}

static json_object *entry_json(const struct ctl_status_entry *e)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "key", jstr(e->key));
    json_object_object_add(o, "uid", jstr(e->uid));
    json_object_object_add(o, "title", jstr(e->title));
    json_object_object_add(o, "level", jstr(e->level));
    json_object_object_add(o, "source", jstr(e->source));
    json_object_object_add(o, "planned_start", jtime(e->planned_start));
    return o;
}

char *ctl_status_encode(const struct ctl_status *st)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "state", jstr(st->state));
    json_object_object_add(o, "now", jtime(st->now));
    json_object_object_add(o, "pid", json_object_new_int64(st->pid));
    json_object_object_add(o, "version", jstr(st->version));
    json_object_object_add(o, "started", jtime(st->started));
    json_object_object_add(o, "device", jstr(st->device));
    if (st->has_on_air) {
        const struct ctl_status_on_air *a = &st->on_air;
        json_object *cur = entry_json(&a->e);
        json_object_object_add(cur, "started", jtime(a->started));
        if (a->starts_in_ms >= 0)
            json_object_object_add(cur, "starts_in_ms", json_object_new_int64(a->starts_in_ms));
        json_object_object_add(cur, "elapsed_ms", json_object_new_int64(a->elapsed_ms));
        if (a->remaining_ms >= 0)
            json_object_object_add(cur, "remaining_ms", json_object_new_int64(a->remaining_ms));
        json_object_object_add(cur, "operator", jstr(a->operator_name));
        json_object_object_add(o, "on_air", cur);
    }
    if (st->has_prepared)
        json_object_object_add(o, "prepared", entry_json(&st->prepared));
    json_object *next = json_object_new_array();
    for (size_t i = 0; i < st->n_next; i++)
        json_object_array_add(next, entry_json(&st->next[i]));
    json_object_object_add(o, "next", next);
    if (st->has_plan) {
        json_object *pl = json_object_new_object();
        json_object_object_add(pl, "path", jstr(st->plan.path));
        json_object_object_add(pl, "items", json_object_new_int64(st->plan.items));
        json_object_object_add(pl, "loaded", jtime(st->plan.loaded));
        json_object_object_add(pl, "error_count", json_object_new_int64(st->plan.error_count));
        json_object *fa = json_object_new_array();
        for (size_t i = 0; i < st->plan.n_files; i++)
            json_object_array_add(fa, jstr(st->plan.files[i]));
        json_object_object_add(pl, "files", fa);
        json_object_object_add(pl, "left_out", json_object_new_int64(st->plan.left_out));
        json_object_object_add(pl, "bad_recordings", json_object_new_int64(st->plan.bad_recordings));
        json_object_object_add(pl, "refused", json_object_new_boolean(st->plan.refused));
        json_object_object_add(pl, "saved_copy", json_object_new_boolean(st->plan.saved_copy));
        json_object_object_add(pl, "errors", jtexts(st->plan.errors, st->plan.n_errors));
        json_object_object_add(o, "plan", pl);
    }
    if (st->has_clock) {
        json_object *ck = json_object_new_object();
        json_object_object_add(ck, "synchronised",
                               json_object_new_boolean(st->clock_synchronised));
        json_object_object_add(ck, "est_error_us", json_object_new_int64(st->clock_est_error_us));
        json_object_object_add(o, "clock", ck);
    }
    json_object_object_add(o, "log_backlog", json_object_new_int64(st->log_backlog));
    json_object_object_add(o, "pending_approvals",
                           json_object_new_int64(st->pending_approvals));
    json_object *fl = json_object_new_array();
    for (size_t i = 0; i < st->n_failures; i++)
        json_object_array_add(fl, jstr(st->failures[i]));
    json_object_object_add(o, "last_failures", fl);
    return to_string(o);
}

char *ctl_errors_encode(const struct ctl_errors_page *pg)
{
    json_object *o = json_object_new_object();
    if (pg->list)
        json_object_object_add(o, "list", jstr(pg->list));
    json_object_object_add(o, "error_count", json_object_new_int64(pg->error_count));
    if (pg->offset >= 0)
        json_object_object_add(o, "offset", json_object_new_int64(pg->offset));
    json_object_object_add(o, "errors", jtexts(pg->errors, pg->n_errors));
    if (pg->next >= 0)
        json_object_object_add(o, "next", json_object_new_int64(pg->next));
    return to_string(o);
}

size_t ctl_text_json_size(const char *s, size_t n)
{
    size_t b = 3; /* "", */
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)s[k];
        b += ch == '"' || ch == '\\' ? 2 : ch < 0x20 || ch == 0x7f ? 6 : 1;
    }
    return b;
}

/* ---- decoding ---- */

/* What a decoded document owns: the parse tree the strings point into and
 * the arrays made for it. */
struct doc {
    json_object *root;
    struct ctl_status_entry *next;
    struct ctl_text *errors;
    const char **failures, **files;
};

static json_object *member(json_object *o, const char *key, json_type t)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && v && json_object_is_type(v, t) ? v
                                                                                        : NULL;
}

static const char *dstr(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_string);
    return v ? json_object_get_string(v) : NULL;
}

static int64_t dnum(json_object *o, const char *key, int64_t def)
{
    json_object *v = member(o, key, json_type_int);
    return v ? json_object_get_int64(v) : def;
}

static void dentry(json_object *o, struct ctl_status_entry *e)
{
    e->key = dstr(o, "key");
    e->uid = dstr(o, "uid");
    e->title = dstr(o, "title");
    e->level = dstr(o, "level");
    e->source = dstr(o, "source");
    e->planned_start = dstr(o, "planned_start");
}

/* The string members of array a as texts (others are left out) */
static struct ctl_text *dtexts(json_object *a, size_t *n)
{
    size_t len = a ? json_object_array_length(a) : 0;
    struct ctl_text *v = xcalloc(len ? len : 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; i < len; i++) {
        json_object *s = json_object_array_get_idx(a, i);
        if (s && json_object_is_type(s, json_type_string)) {
            v[*n].s = json_object_get_string(s);
            v[(*n)++].len = (size_t)json_object_get_string_len(s);
        }
    }
    return v;
}

/* The string members of array a (others are left out) */
static const char **dstrings(json_object *a, size_t *n)
{
    struct ctl_text *t = dtexts(a, n);
    const char **v = xcalloc(*n ? *n : 1, sizeof *v);
    for (size_t i = 0; i < *n; i++)
        v[i] = t[i].s;
    free(t);
    return v;
}

static bool dbool(json_object *o, const char *key)
{
    json_object *b = member(o, key, json_type_boolean);
    return b && json_object_get_boolean(b);
}

static json_object *parse_object(const char *text, char *err, size_t errlen)
{
    json_object *o = text ? json_tokener_parse(text) : NULL;
    if (o && json_object_is_type(o, json_type_object))
        return o;
    json_object_put(o);
    snprintf(err, errlen, "%s", _("the daemon's answer is not JSON"));
    return NULL;
}

int ctl_status_decode(const char *text, struct ctl_status *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    json_object *o = parse_object(text, err, errlen), *v;
    if (!o)
        return -EINVAL;
    struct doc *d = xcalloc(1, sizeof *d);
    d->root = o;
    st->doc_ = d;
    st->state = dstr(o, "state");
    st->now = dstr(o, "now");
    st->pid = dnum(o, "pid", 0);
    st->version = dstr(o, "version");
    st->started = dstr(o, "started");
    st->device = dstr(o, "device");
    st->on_air.starts_in_ms = st->on_air.remaining_ms = -1;
    if ((v = member(o, "on_air", json_type_object))) {
        st->has_on_air = true;
        dentry(v, &st->on_air.e);
        st->on_air.started = dstr(v, "started");
        st->on_air.starts_in_ms = dnum(v, "starts_in_ms", -1);
        st->on_air.elapsed_ms = dnum(v, "elapsed_ms", 0);
        st->on_air.remaining_ms = dnum(v, "remaining_ms", -1);
        st->on_air.operator_name = dstr(v, "operator");
    }
    if ((v = member(o, "prepared", json_type_object))) {
        st->has_prepared = true;
        dentry(v, &st->prepared);
    }
    json_object *a = member(o, "next", json_type_array);
    size_t len = a ? json_object_array_length(a) : 0;
    d->next = xcalloc(len ? len : 1, sizeof *d->next);
    for (size_t i = 0; i < len; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (e && json_object_is_type(e, json_type_object))
            dentry(e, &d->next[st->n_next++]);
    }
    st->next = d->next;
    if ((v = member(o, "plan", json_type_object))) {
        st->has_plan = true;
        st->plan.path = dstr(v, "path");
        st->plan.items = dnum(v, "items", 0);
        st->plan.loaded = dstr(v, "loaded");
        st->plan.error_count = dnum(v, "error_count", 0);
        d->files = dstrings(member(v, "files", json_type_array), &st->plan.n_files);
        st->plan.files = d->files;
        st->plan.left_out = dnum(v, "left_out", 0);
        st->plan.bad_recordings = dnum(v, "bad_recordings", 0);
        st->plan.refused = dbool(v, "refused");
        st->plan.saved_copy = dbool(v, "saved_copy");
        d->errors = dtexts(member(v, "errors", json_type_array), &st->plan.n_errors);
        st->plan.errors = d->errors;
    }
    if ((v = member(o, "clock", json_type_object))) {
        st->has_clock = true;
        st->clock_synchronised = dbool(v, "synchronised");
        st->clock_est_error_us = dnum(v, "est_error_us", 0);
    }
    st->log_backlog = dnum(o, "log_backlog", 0);
    st->pending_approvals = dnum(o, "pending_approvals", 0);
    d->failures = dstrings(member(o, "last_failures", json_type_array), &st->n_failures);
    st->failures = d->failures;
    return 0;
}

static void doc_free(void *p)
{
    struct doc *d = p;
    if (!d)
        return;
    json_object_put(d->root);
    free(d->next);
    free(d->errors);
    free(d->failures);
    free(d->files);
    free(d);
}

void ctl_status_free(struct ctl_status *st)
{
    doc_free(st->doc_);
    memset(st, 0, sizeof *st);
}

int ctl_errors_decode(const char *text, struct ctl_errors_page *pg, char *err, size_t errlen)
{
    memset(pg, 0, sizeof *pg);
    json_object *o = parse_object(text, err, errlen);
    json_object *a = o ? member(o, "errors", json_type_array) : NULL;
    if (!a) {
        json_object_put(o);
        snprintf(err, errlen, "%s", _("the daemon's answer is not a page of errors"));
        return -EINVAL;
    }
    struct doc *d = xcalloc(1, sizeof *d);
    d->root = o;
    pg->doc_ = d;
    pg->list = dstr(o, "list");
    pg->error_count = dnum(o, "error_count", 0);
    pg->offset = dnum(o, "offset", -1);
    d->errors = dtexts(a, &pg->n_errors);
    pg->errors = d->errors;
    pg->next = dnum(o, "next", -1);
    return 0;
}

void ctl_errors_free(struct ctl_errors_page *pg)
{
    doc_free(pg->doc_);
    memset(pg, 0, sizeof *pg);
}

/* ---- PENDING ---- */

char *ctl_pending_encode(const struct ctl_pending *p)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "mode", jstr(p->mode));
    json_object_object_add(o, "count", json_object_new_int64(p->count));
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < p->n_items; i++) {
        const struct ctl_pending_item *it = &p->items[i];
        json_object *e = json_object_new_object();
        json_object_object_add(e, "uid", jstr(it->uid));
        json_object_object_add(e, "title", jstr(it->title));
        json_object_object_add(e, "level", jstr(it->level));
        json_object_object_add(e, "first_start", jtime(it->first_start));
        json_object_object_add(e, "hash", jstr(it->hash));
        json_object_object_add(e, "state", jstr(it->state));
        json_object *r = json_object_new_array();
        for (size_t k = 0; k < it->n_recordings; k++)
            json_object_array_add(r, jstr(it->recordings[k]));
        json_object_object_add(e, "recordings", r);
        if (it->who) {
            json_object_object_add(e, "by", jstr(it->who));
            json_object_object_add(e, "at", jtime(it->at));
            json_object_object_add(e, "comment", jstr(it->comment));
        }
        json_object_array_add(a, e);
    }
    json_object_object_add(o, "items", a);
    return to_string(o);
}

struct pending_doc {
    json_object *root;
    struct ctl_pending_item *items;
    const char ***recs;
    size_t n;
};

int ctl_pending_decode(const char *text, struct ctl_pending *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    json_object *o = parse_object(text, err, errlen);
    json_object *a = o ? member(o, "items", json_type_array) : NULL;
    if (!a) {
        json_object_put(o);
        snprintf(err, errlen, "%s", _("the daemon's answer is not a list of pending items"));
        return -EINVAL;
    }
    struct pending_doc *d = xcalloc(1, sizeof *d);
    d->root = o;
    p->doc_ = d;
    p->mode = dstr(o, "mode");
    p->count = dnum(o, "count", 0);
    size_t len = json_object_array_length(a);
    d->items = xcalloc(len ? len : 1, sizeof *d->items);
    d->recs = xcalloc(len ? len : 1, sizeof *d->recs);
    for (size_t i = 0; i < len; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (!e || !json_object_is_type(e, json_type_object))
            continue;
        struct ctl_pending_item *it = &d->items[d->n];
        it->uid = dstr(e, "uid");
        it->title = dstr(e, "title");
        it->level = dstr(e, "level");
        it->first_start = dstr(e, "first_start");
        it->hash = dstr(e, "hash");
        it->state = dstr(e, "state");
        it->who = dstr(e, "by");
        it->at = dstr(e, "at");
        it->comment = dstr(e, "comment");
        d->recs[d->n] = dstrings(member(e, "recordings", json_type_array), &it->n_recordings);
        it->recordings = d->recs[d->n];
        d->n++;
    }
    p->items = d->items;
    p->n_items = d->n;
    return 0;
}

void ctl_pending_free(struct ctl_pending *p)
{
    struct pending_doc *d = p->doc_;
    if (d) {
        json_object_put(d->root);
        for (size_t i = 0; i < d->n; i++)
            free(d->recs[i]);
        free(d->recs);
        free(d->items);
        free(d);
    }
    memset(p, 0, sizeof *p);
}
