/* The counted report as plain tables: built by report.c, read by the
 * renderers (render_*.c) only. Every number here is a count of log rows or
 * plan occurrences; renderers format, they never compute. */
#ifndef LOAXA_REPORT_INTERNAL_H
#define LOAXA_REPORT_INTERNAL_H

#include "report/report.h"

/* What became of one planned occurrence (the outcome over its attempts). */
enum report_outcome {
    OUT_AIRED, OUT_INTERRUPTED, OUT_FAILED, OUT_MISSED, OUT_CANCELLED, OUT_ON_AIR,
    OUT_UNLOGGED, OUT_COUNT
};

struct report_summary {
    long planned;              /* occurrences of the plan in the period */
    long outcome[OUT_COUNT];   /* partition of planned */
    double compliance_pct;     /* aired / (planned - cancelled); -1 when nothing was due */
    long airings;              /* số lượt phát: plan rows that put sound out */
    long items;                /* số tin, bài: distinct plan items aired */
    long emergency_airings, adhoc_airings;
    int64_t plan_ms, emergency_ms, adhoc_ms, total_ms; /* time on air */
};

struct report_item {
    char *uid, *title, *topic, *unit;   /* topic: categories joined with ", " */
    long planned, aired, not_aired;
    long airings;
    char *reasons;                      /* "missed 2; failed 1 (no device)" */
    int64_t played_ms;
    enum aslog_source source;
};

struct report_topic {
    char *topic;
    long items, planned, aired, airings;
    int64_t played_ms;
};

struct report_month {
    int year, month;
    long planned, aired, airings;
    int64_t played_ms;
};

struct report_incident {
    int64_t planned_start_ms;
    int64_t actual_start_ms;            /* -1 when it never started */
    const char *occ_key, *uid, *title;  /* in the report's string pool */
    int attempt;
    const char *status;                 /* aslog status name, or "unlogged" */
    const char *reason;
    int64_t played_ms;
    enum aslog_source source;
};

struct report {
    char *commune;
    struct report_period period;
    int64_t as_of_ms, generated_at_ms, end_ms;
    bool partial;
    struct report_plan_file *files;
    size_t n_files;
    struct report_summary sum;
    struct report_item *items;
    size_t n_items;
    struct report_topic *topics;
    size_t n_topics;
    struct report_month *months;
    size_t n_months;
    struct report_incident *incidents;
    size_t n_incidents;
    struct report_pool *pool;           /* the incidents' strings (report.c) */
};

/* Strings freed all at once (report_pool_free), for the many short ones
 * of a year's report: one malloc each showed in profiles. */
struct report_pool;
struct report_pool *report_pool_new(void);
const char *report_pool_strdup(struct report_pool *pl, const char *s);
void report_pool_free(struct report_pool *pl); /* and pl itself; NULL is fine */

/* Names shared by the renderers. */
const char *report_outcome_key(enum report_outcome o);   /* "aired", ... (stable) */
const char *report_outcome_label(enum report_outcome o); /* translated */
/* "Q1 2026", "2026-03", ... in the current language. */
char *report_period_title(const struct report_period *p);
/* The Vietnamese legal name of the period ("QUÝ I NĂM 2026"), any language. */
char *report_period_title_vi(const struct report_period *p);
/* dd/mm/yyyy */
void report_fmt_date(struct period_date d, char buf[16]);
/* minutes and hours with one and two decimals */
void report_fmt_minutes(int64_t ms, char buf[32]);
void report_fmt_hours(int64_t ms, char buf[32]);

int report_render_text(const struct report *r, FILE *f);
int report_render_csv(const struct report *r, FILE *f, bool bom);
int report_render_json(const struct report *r, FILE *f, char *err, size_t errlen);
int report_render_html(const struct report *r, FILE *f);
int report_render_xlsx(const struct report *r, const char *path, char *err, size_t errlen);

#endif
