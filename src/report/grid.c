/* The report's tables as typed cells (report_internal.h): the one place
 * that says which columns a table has and what goes in them; renderers
 * that draw tables only lay these out. */
#include "report/report_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/util.h"

static const char *const table_keys[REPORT_TABLE_COUNT] = {
    [REPORT_TABLE_SUMMARY] = "summary", [REPORT_TABLE_ITEMS] = "items",
    [REPORT_TABLE_TOPICS] = "topics",   [REPORT_TABLE_UNITS] = "units",
    [REPORT_TABLE_LEVELS] = "levels",   [REPORT_TABLE_MONTHS] = "months",
    [REPORT_TABLE_INCIDENT_SUMMARY] = "incident_summary",
    [REPORT_TABLE_INCIDENTS] = "incidents",
    [REPORT_TABLE_APPROVALS] = "approvals",
};

const char *report_table_key(enum report_table t)
{
    return (unsigned)t < REPORT_TABLE_COUNT && table_keys[t] ? table_keys[t] : "?";
}

int report_table_find(const char *name)
{
    for (int t = 0; t < REPORT_TABLE_COUNT; t++)
        if (table_keys[t] && strcmp(table_keys[t], name) == 0)
            return t;
    return -1;
}

struct gb {
    struct report_grid *g;
    size_t cap, col;     /* cells allocated; the next cell's column */
};

static void col(struct gb *b, const char *key, const char *title, enum report_cell_kind k,
                bool wide, bool sum)
{
    struct report_grid *g = b->g;
    if (g->n_cols < REPORT_MAX_COLS)
        g->cols[g->n_cols++] = (struct report_col){key, title, k, wide, sum};
}

static struct report_cell *cell(struct gb *b)
{
    struct report_grid *g = b->g;
    if (b->col == 0) {
        if (g->n_rows * g->n_cols + g->n_cols > b->cap) {
            b->cap = b->cap ? b->cap * 2 : 16 * g->n_cols;
            g->cells = xrealloc(g->cells, b->cap * sizeof *g->cells);
        }
        g->n_rows++;
    }
    struct report_cell *c = &g->cells[(g->n_rows - 1) * g->n_cols + b->col];
    b->col = (b->col + 1) % g->n_cols;
    memset(c, 0, sizeof *c);
    return c;
}

static void text(struct gb *b, const char *s)
{
    struct report_cell *c = cell(b);
    c->kind = RC_TEXT;
    c->text = s ? s : "";
}

static void num(struct gb *b, enum report_cell_kind k, int64_t n)
{
    struct report_cell *c = cell(b);
    c->kind = k;
    c->n = n;
}

static void pct(struct gb *b, double p)
{
    struct report_cell *c = cell(b);
    c->kind = RC_PCT;
    c->pct = p;
}

/* The total row: sums of the columns marked sum, the first cell's words. */
static void totals(struct gb *b)
{
    struct report_grid *g = b->g;
    g->has_total = true;
    for (size_t j = 0; j < g->n_cols; j++) {
        struct report_cell *t = &g->total[j];
        memset(t, 0, sizeof *t);
        t->kind = g->cols[j].sum ? g->cols[j].kind : RC_TEXT;
        t->text = "";
        if (!g->cols[j].sum)
            continue;
        for (size_t i = 0; i < g->n_rows; i++)
            t->n += report_grid_cell(g, i, j)->n;
    }
    g->total[0].kind = RC_TEXT;
    g->total[0].text = _("Total");
}

static void summary(struct gb *b, const struct report *r)
{
    col(b, "field", _("Field"), RC_TEXT, true, false);
    col(b, "figure", _("Figure"), RC_TEXT, false, false);
    col(b, "value", _("Value"), RC_COUNT, false, false);
    struct report_summary_row rows[REPORT_SUMMARY_ROWS];
    size_t n = report_summary_rows(r, rows);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].kind == RV_HOURS)
            continue; /* the same airtime as total_ms: the renderer says it in hours */
        text(b, rows[i].key);
        text(b, rows[i].label);
        if (rows[i].kind == RV_PERCENT)
            pct(b, rows[i].pct);
        else
            num(b, rows[i].kind == RV_COUNT ? RC_COUNT : RC_MS, rows[i].value);
    }
}

/* The figures every "by X" table has: planned vs aired, counts and airtime. */
static void figure_cols(struct gb *b, bool sum)
{
    col(b, "items", _("Items (distinct)"), RC_COUNT, false, sum);
    col(b, "planned", _("Planned"), RC_COUNT, false, sum);
    col(b, "aired", _("Aired"), RC_COUNT, false, sum);
    col(b, "airings", _("Airings"), RC_COUNT, false, sum);
    col(b, "planned_ms", _("Planned airtime"), RC_MS, false, sum);
    col(b, "aired_ms", _("Airtime aired"), RC_MS, false, sum);
}

static void figure_cells(struct gb *b, long items, long planned, long aired, long airings,
                         int64_t planned_ms, int64_t played_ms)
{
    num(b, RC_COUNT, items);
    num(b, RC_COUNT, planned);
    num(b, RC_COUNT, aired);
    num(b, RC_COUNT, airings);
    num(b, RC_MS, planned_ms);
    num(b, RC_MS, played_ms);
}

static void items(struct gb *b, const struct report *r)
{
    col(b, "title", _("Title"), RC_TEXT, false, false);
    col(b, "topic", _("Topic"), RC_TEXT, false, false);
    col(b, "unit", _("Lead unit"), RC_TEXT, false, false);
    col(b, "level", _("Level"), RC_TEXT, false, false);
    col(b, "source", _("Source"), RC_TEXT, false, false);
    col(b, "planned", _("Planned"), RC_COUNT, false, true);
    col(b, "aired", _("Aired"), RC_COUNT, false, true);
    col(b, "not_aired", _("Not aired"), RC_COUNT, false, true);
    col(b, "cancelled", _("Cancelled"), RC_COUNT, false, true);
    col(b, "not_approved", _("Not approved"), RC_COUNT, false, true);
    col(b, "airings", _("Airings"), RC_COUNT, false, true);
    col(b, "planned_ms", _("Planned airtime"), RC_MS, false, true);
    col(b, "aired_ms", _("Airtime aired"), RC_MS, false, true);
    col(b, "reasons", _("Reasons"), RC_TEXT, false, false);
    col(b, "uid", _("UID"), RC_TEXT, true, false);
    col(b, "level_key", _("Level (key)"), RC_TEXT, true, false);
    for (size_t i = 0; i < r->n_items; i++) {
        const struct report_item *it = &r->items[i];
        text(b, report_title_or_uid(it->title, it->uid));
        text(b, report_topic_label(it->topic));
        text(b, it->unit);
        text(b, report_level_label(it->level));
        text(b, report_source_label(it->source));
        num(b, RC_COUNT, it->planned);
        num(b, RC_COUNT, it->aired);
        num(b, RC_COUNT, it->not_aired);
        num(b, RC_COUNT, it->cancelled);
        num(b, RC_COUNT, it->not_approved);
        num(b, RC_COUNT, it->airings);
        num(b, RC_MS, it->planned_ms);
        num(b, RC_MS, it->played_ms);
        text(b, it->reasons);
        text(b, it->uid);
        text(b, report_level_key(it->level));
    }
    totals(b);
}

static void topics(struct gb *b, const struct report *r)
{
    col(b, "topic", _("Topic"), RC_TEXT, false, false);
    /* no total: an item with two topics counts in both */
    figure_cols(b, false);
    for (size_t i = 0; i < r->n_topics; i++) {
        const struct report_topic *t = &r->topics[i];
        text(b, report_topic_label(t->topic));
        figure_cells(b, t->items, t->planned, t->aired, t->airings, t->planned_ms,
                     t->played_ms);
    }
}

static void units(struct gb *b, const struct report *r)
{
    col(b, "unit", _("Lead unit"), RC_TEXT, false, false);
    figure_cols(b, true); /* an item has one lead unit: the rows add up */
    for (size_t i = 0; i < r->n_units; i++) {
        const struct report_unit *u = &r->units[i];
        text(b, report_unit_label(u->unit));
        figure_cells(b, u->items, u->planned, u->aired, u->airings, u->planned_ms,
                     u->played_ms);
    }
    totals(b);
}

static void levels(struct gb *b, const struct report *r)
{
    col(b, "level", _("Level"), RC_TEXT, false, false);
    /* airings and airtime: the ad hoc ones at the level too */
    figure_cols(b, true);
    col(b, "level_key", _("Level (key)"), RC_TEXT, true, false);
    for (size_t i = 0; i < REPORT_LEVELS; i++) {
        const struct report_level *l = &r->levels[i];
        text(b, report_level_label(l->level));
        figure_cells(b, l->items, l->planned, l->aired, l->airings, l->planned_ms,
                     l->played_ms);
        text(b, report_level_key(l->level));
    }
    totals(b);
}

static void months(struct gb *b, const struct report *r)
{
    col(b, "month", _("Month"), RC_TEXT, false, false);
    col(b, "planned", _("Planned"), RC_COUNT, false, true);
    col(b, "aired", _("Aired"), RC_COUNT, false, true);
    col(b, "airings", _("Airings"), RC_COUNT, false, true);
    col(b, "planned_ms", _("Planned airtime"), RC_MS, false, true);
    col(b, "aired_ms", _("Airtime aired"), RC_MS, false, true);
    col(b, "from", _("From"), RC_TIME, true, false);
    col(b, "until", _("Until"), RC_TIME, true, false);
    for (size_t i = 0; i < r->n_months; i++) {
        const struct report_month *m = &r->months[i];
        char ym[16];
        snprintf(ym, sizeof ym, "%02d/%04d", m->month % 100, m->year % 10000);
        text(b, report_pool_strdup(b->g->pool, ym));
        num(b, RC_COUNT, m->planned);
        num(b, RC_COUNT, m->aired);
        num(b, RC_COUNT, m->airings);
        num(b, RC_MS, m->planned_ms);
        num(b, RC_MS, m->played_ms);
        num(b, RC_TIME, m->from_ms);
        num(b, RC_TIME, m->to_ms);
    }
    totals(b);
}

static void incident_summary(struct gb *b, const struct report *r)
{
    col(b, "status", _("Status"), RC_TEXT, false, false);
    col(b, "reason", _("Reason"), RC_TEXT, false, false);
    col(b, "count", _("Times"), RC_COUNT, false, true);
    col(b, "items", _("Items (distinct)"), RC_COUNT, false, false);
    col(b, "first", _("First"), RC_TIME, false, false);
    col(b, "last", _("Last"), RC_TIME, false, false);
    col(b, "status_key", _("Status (key)"), RC_TEXT, true, false);
    for (size_t i = 0; i < r->n_incident_groups; i++) {
        const struct report_incident_group *g = &r->incident_groups[i];
        text(b, report_status_label(g->status));
        text(b, g->reason);
        num(b, RC_COUNT, g->count);
        num(b, RC_COUNT, g->items);
        num(b, RC_TIME, g->first_ms);
        num(b, RC_TIME, g->last_ms);
        text(b, g->status);
    }
    if (r->n_incident_groups)
        totals(b);
}

static void incidents(struct gb *b, const struct report *r)
{
    col(b, "planned_start", _("Planned start"), RC_TIME, false, false);
    col(b, "title", _("Title"), RC_TEXT, false, false);
    col(b, "source", _("Source"), RC_TEXT, false, false);
    col(b, "attempt", _("Attempt"), RC_COUNT, false, false);
    col(b, "status", _("Status"), RC_TEXT, false, false);
    col(b, "played_ms", _("Played"), RC_MS, false, false);
    col(b, "reason", _("Reason"), RC_TEXT, false, false);
    col(b, "actual_start", _("Actual start"), RC_TIME, true, false);
    col(b, "occurrence", _("Occurrence"), RC_TEXT, true, false);
    for (size_t i = 0; i < r->n_incidents; i++) {
        const struct report_incident *in = &r->incidents[i];
        num(b, RC_TIME, in->planned_start_ms);
        text(b, report_title_or_uid(in->title, in->uid));
        text(b, report_source_label(in->source));
        num(b, RC_COUNT, in->attempt);
        text(b, report_status_label(in->status));
        num(b, RC_MS, in->played_ms);
        text(b, in->reason);
        num(b, RC_TIME, in->actual_start_ms);
        text(b, in->occ_key);
    }
}

/* Who approved or rejected which item when (station.approval) */
static void approvals(struct gb *b, const struct report *r)
{
    col(b, "at", _("Decided at"), RC_TIME, false, false);
    col(b, "title", _("Title"), RC_TEXT, false, false);
    col(b, "decision", _("Decision"), RC_TEXT, false, false);
    col(b, "by", _("By"), RC_TEXT, false, false);
    col(b, "comment", _("Comment"), RC_TEXT, false, false);
    col(b, "uid", _("UID"), RC_TEXT, true, false);
    col(b, "content_hash", _("Content (SHA-256)"), RC_TEXT, true, false);
    for (size_t i = 0; i < r->n_approvals; i++) {
        const struct report_approval *a = &r->approvals[i];
        num(b, RC_TIME, a->at_ms);
        text(b, report_title_or_uid(a->title, a->uid));
        text(b, strcmp(a->decision, "approved") == 0 ? _("approved") : _("rejected"));
        text(b, a->who);
        text(b, a->comment);
        text(b, a->uid);
        text(b, a->hash);
    }
}

int report_grid_build(const struct report *r, enum report_table t, struct report_grid *g)
{
    memset(g, 0, sizeof *g);
    if ((unsigned)t >= REPORT_TABLE_COUNT)
        return -EINVAL;
    g->table = t;
    g->key = report_table_key(t);
    g->title = report_table_title(t);
    g->pool = report_pool_new();
    struct gb b = {.g = g};
    switch (t) {
    case REPORT_TABLE_SUMMARY: summary(&b, r); break;
    case REPORT_TABLE_ITEMS: items(&b, r); break;
    case REPORT_TABLE_TOPICS: topics(&b, r); break;
    case REPORT_TABLE_UNITS: units(&b, r); break;
    case REPORT_TABLE_LEVELS: levels(&b, r); break;
    case REPORT_TABLE_MONTHS: months(&b, r); break;
    case REPORT_TABLE_INCIDENT_SUMMARY: incident_summary(&b, r); break;
    case REPORT_TABLE_INCIDENTS: incidents(&b, r); break;
    case REPORT_TABLE_APPROVALS: approvals(&b, r); break;
    default: break;
    }
    return 0;
}

void report_grid_free(struct report_grid *g)
{
    if (!g)
        return;
    free(g->cells);
    report_pool_free(g->pool);
    memset(g, 0, sizeof *g);
}

void report_cell_text(const struct report_cell *c, char *buf, size_t len)
{
    char t[48];
    switch (c->kind) {
    case RC_TEXT: snprintf(buf, len, "%s", c->text ? c->text : ""); return;
    case RC_COUNT: report_fmt_count(c->n, t); break;
    case RC_MS: report_fmt_decimal(report_minutes(c->n), 1, t); break;
    case RC_PCT: report_fmt_pct(c->pct, t); break;
    case RC_TIME:
        if (c->n < 0) {
            t[0] = '\0';
        } else {
            time_t s = (time_t)(c->n / 1000);
            struct tm tm;
            localtime_r(&s, &tm);
            strftime(t, sizeof t, "%d/%m/%Y %H:%M", &tm);
        }
        break;
    }
    snprintf(buf, len, "%s", t);
}
