/* The report as JSON (json-c), for other programs: the same tables as the
 * other formats with fixed English keys; minutes are numbers, times ISO
 * 8601 with the station offset. */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "core/util.h"

static json_object *jstr(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *jtime(int64_t ms)
{
    char t[UTIL_TIME_BUF];
    return ms < 0 ? NULL : jstr(util_format_iso_local(ms, t));
}

static json_object *jdate(struct period_date d)
{
    char b[16];
    report_fmt_iso_date(d, b);
    return jstr(b);
}

/* Minutes to a tenth, as a number that prints the same as the text. */
static json_object *jmin(int64_t ms)
{
    char m[32];
    report_fmt_minutes(ms, m);
    return json_object_new_double_s(report_minutes(ms), m);
}

static void add(json_object *o, const char *k, json_object *v)
{
    json_object_object_add(o, k, v);
}

static void add_i(json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}

/* The figures of a "by X" row: counts, and airtime as minutes and exact ms. */
static void add_figures(json_object *o, long items, long planned, long aired, long airings,
                        int64_t planned_ms, int64_t played_ms)
{
    add_i(o, "items", items);
    add_i(o, "planned", planned);
    add_i(o, "aired", aired);
    add_i(o, "airings", airings);
    add(o, "planned_minutes", jmin(planned_ms));
    add(o, "minutes", jmin(played_ms));
    add_i(o, "planned_ms", planned_ms);
    add_i(o, "aired_ms", played_ms);
}

int report_render_json(const struct report *r, const struct report_render_ctx *cx)
{
    json_object *root = json_object_new_object();
    char *pt = report_period_title(&r->period);
    char *ptv = report_period_title_vi(&r->period);
    add(root, "format", jstr("loaxa-report"));
    /* 2: planned without cancelled and not approved, levels, units,
     * incident_summary, planned airtime, ND09 months */
    add(root, "version", json_object_new_int(2));
    add(root, "commune", jstr(r->commune));
    add(root, "title", jstr(report_label(RL_TITLE)));
    char *tpart = report_title_partial(r);
    add(root, "title_partial", tpart ? jstr(tpart) : NULL);
    free(tpart);
    json_object *per = json_object_new_object();
    add(per, "spec", jstr(r->period.spec));
    add(per, "title", jstr(pt));
    add(per, "title_vi", jstr(ptv));
    add(per, "cutoff", jstr(report_cutoff_key(r->period.cutoff)));
    add(per, "first_day", jdate(r->period.first));
    add(per, "last_day", jdate(r->period.last));
    add(per, "from", jtime(r->period.from_ms));
    add(per, "until", jtime(r->end_ms));
    add(per, "partial", json_object_new_boolean(r->partial));
    add(root, "period", per);
    add(root, "generated_at", jtime(r->generated_at_ms));
    free(pt);
    free(ptv);

    json_object *files = json_object_new_array();
    for (size_t i = 0; i < r->n_files; i++) {
        json_object *o = json_object_new_object();
        add(o, "path", jstr(r->files[i].path));
        add(o, "sha256", jstr(r->files[i].sha256));
        json_object_array_add(files, o);
    }
    add(root, "plan_files", files);
    json_object *chain = json_object_new_object();
    add(chain, "rows", json_object_new_int64(r->chain_rows));
    add(chain, "head", r->chain_head[0] ? jstr(r->chain_head) : NULL);
    add(root, "log_chain", chain);

    const struct report_summary *s = &r->sum;
    json_object *sum = json_object_new_object();
    add_i(sum, "scheduled", s->scheduled);
    add_i(sum, "planned", s->planned);
    add_i(sum, "planned_items", s->planned_items);
    for (int o = 0; o < OUT_COUNT; o++)
        add(sum, report_outcome_key((enum report_outcome)o),
            json_object_new_int64(s->outcome[o]));
    if (s->compliance_pct >= 0) {
        char pct[32];
        snprintf(pct, sizeof pct, "%.1f", s->compliance_pct);
        add(sum, "compliance_pct", json_object_new_double_s(s->compliance_pct, pct));
    } else {
        add(sum, "compliance_pct", NULL);
    }
    add(sum, "items", json_object_new_int64(s->items));
    add(sum, "airings", json_object_new_int64(s->airings));
    add(sum, "emergency_airings", json_object_new_int64(s->emergency_airings));
    add_i(sum, "emergency_planned", s->emergency_planned);
    add_i(sum, "incidents", s->incidents);
    add(sum, "planned_minutes", jmin(s->planned_ms));
    add_i(sum, "planned_ms", s->planned_ms);
    add_i(sum, "plan_ms", s->plan_ms);
    add_i(sum, "emergency_ms", s->emergency_ms);
    add_i(sum, "adhoc_ms", s->adhoc_ms);
    add(sum, "adhoc_airings", json_object_new_int64(s->adhoc_airings));
    add(sum, "plan_minutes", jmin(s->plan_ms));
    add(sum, "emergency_minutes", jmin(s->emergency_ms));
    add(sum, "adhoc_minutes", jmin(s->adhoc_ms));
    add(sum, "total_minutes", jmin(s->total_ms));
    add(sum, "total_ms", json_object_new_int64(s->total_ms));
    add(root, "summary", sum);

    json_object *items = json_object_new_array();
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        json_object *o = json_object_new_object();
        add(o, "uid", jstr(it->uid));
        add(o, "title", jstr(it->title));
        add(o, "topic", jstr(it->topic));
        add(o, "unit", jstr(it->unit));
        add(o, "source", jstr(aslog_source_name(it->source)));
        add(o, "planned", json_object_new_int64(it->planned));
        add(o, "aired", json_object_new_int64(it->aired));
        add(o, "level", jstr(report_level_key(it->level)));
        add(o, "not_aired", json_object_new_int64(it->not_aired));
        add_i(o, "cancelled", it->cancelled);
        add_i(o, "not_approved", it->not_approved);
        add(o, "airings", json_object_new_int64(it->airings));
        add(o, "planned_minutes", jmin(it->planned_ms));
        add(o, "minutes", jmin(it->played_ms));
        add_i(o, "planned_ms", it->planned_ms);
        add_i(o, "aired_ms", it->played_ms);
        add(o, "reasons", jstr(it->reasons));
        json_object_array_add(items, o);
    }
    add(root, "items", items);

    json_object *topics = json_object_new_array();
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *tp = &r->topics[i];
        json_object *o = json_object_new_object();
        add(o, "topic", jstr(tp->topic));
        add_figures(o, tp->items, tp->planned, tp->aired, tp->airings, tp->planned_ms,
                    tp->played_ms);
        json_object_array_add(topics, o);
    }
    add(root, "topics", topics);

    json_object *units = json_object_new_array();
    for (size_t i = 0; i < r->n_units; i++) {
        const struct report_unit *u = &r->units[i];
        json_object *o = json_object_new_object();
        add(o, "unit", jstr(u->unit));
        add_figures(o, u->items, u->planned, u->aired, u->airings, u->planned_ms, u->played_ms);
        json_object_array_add(units, o);
    }
    add(root, "units", units);

    json_object *levels = json_object_new_array();
    for (size_t i = 0; i < REPORT_LEVELS; i++) {
        const struct report_level *l = &r->levels[i];
        json_object *o = json_object_new_object();
        add(o, "level", jstr(report_level_key(l->level)));
        add_figures(o, l->items, l->planned, l->aired, l->airings, l->planned_ms, l->played_ms);
        json_object_array_add(levels, o);
    }
    add(root, "levels", levels);

    json_object *months = json_object_new_array();
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *mo = &r->months[i];
        json_object *o = json_object_new_object();
        char ym[16];
        snprintf(ym, sizeof ym, "%04d-%02d", mo->year % 10000, mo->month % 100);
        add(o, "month", jstr(ym));
        add(o, "from", jtime(mo->from_ms));
        add(o, "until", jtime(mo->to_ms));
        add(o, "planned", json_object_new_int64(mo->planned));
        add(o, "aired", json_object_new_int64(mo->aired));
        add(o, "airings", json_object_new_int64(mo->airings));
        add(o, "planned_minutes", jmin(mo->planned_ms));
        add(o, "minutes", jmin(mo->played_ms));
        add_i(o, "planned_ms", mo->planned_ms);
        add_i(o, "aired_ms", mo->played_ms);
        json_object_array_add(months, o);
    }
    add(root, "months", months);

    json_object *inc = json_object_new_array();
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        json_object *o = json_object_new_object();
        add(o, "planned_start", jtime(in->planned_start_ms));
        add(o, "actual_start", jtime(in->actual_start_ms));
        add(o, "occurrence", jstr(in->occ_key));
        add(o, "uid", jstr(in->uid));
        add(o, "title", jstr(in->title));
        add(o, "source", jstr(aslog_source_name(in->source)));
        add(o, "attempt", json_object_new_int(in->attempt));
        add(o, "status", jstr(in->status));
        add(o, "reason", jstr(in->reason));
        add(o, "played_ms", json_object_new_int64(in->played_ms));
        json_object_array_add(inc, o);
    }
    add(root, "incidents", inc);

    json_object *groups = json_object_new_array();
    for (size_t i = 0; i < r->n_incident_groups; i++) {
        const struct report_incident_group *g = &r->incident_groups[i];
        json_object *o = json_object_new_object();
        add(o, "status", jstr(g->status));
        add(o, "reason", jstr(g->reason));
        add_i(o, "count", g->count);
        add_i(o, "items", g->items);
        add(o, "first", jtime(g->first_ms));
        add(o, "last", jtime(g->last_ms));
        json_object_array_add(groups, o);
    }
    add(root, "incident_summary", groups);

    if (r->n_approvals) { /* station.approval = signed */
        json_object *ap = json_object_new_array();
        for (size_t i = 0; i < r->n_approvals; i++) {
            const struct report_approval *a = &r->approvals[i];
            json_object *o = json_object_new_object();
            add(o, "at", jtime(a->at_ms));
            add(o, "uid", jstr(a->uid));
            add(o, "title", jstr(a->title));
            add(o, "decision", jstr(a->decision));
            add(o, "by", jstr(a->who));
            add(o, "comment", jstr(a->comment));
            add(o, "content_hash", jstr(a->hash));
            json_object_array_add(ap, o);
        }
        add(root, "approvals", ap);
    }

    const char *text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = fputs(text, cx->f) < 0 || fputc('\n', cx->f) == EOF ? -EIO : 0;
    json_object_put(root);
    return rc;
}
