/* The counted report as plain tables: built by report.c, read by the
 * renderers (render_*.c) only. Every number here is a count of log rows or
 * plan occurrences; renderers format, they never compute. */
#ifndef LOAXA_REPORT_INTERNAL_H
#define LOAXA_REPORT_INTERNAL_H

#include "report/report.h"

/* What became of one occurrence of the plan (the outcome over its
 * attempts). The first ones partition "planned" (the plan after
 * cancellations, without what was not approved); OUT_CANCELLED and
 * OUT_NOT_APPROVED are outside it, figures of their own. */
enum report_outcome {
    OUT_AIRED, OUT_INTERRUPTED, OUT_FAILED, OUT_MISSED, OUT_CANCELLED, OUT_ON_AIR,
    OUT_UNLOGGED, OUT_NOT_APPROVED, OUT_COUNT
};
/* Is o a part of "planned" (not cancelled, not "not approved")? */
static inline bool report_outcome_planned(enum report_outcome o)
{
    return o != OUT_CANCELLED && o != OUT_NOT_APPROVED;
}

/* The levels of Thông tư 39/2020/TT-BTTTT in the order a report lists them
 * (khẩn cấp first); index with report_level_row(). */
#define REPORT_LEVELS 3
static inline size_t report_level_row(enum plan_level l)
{
    return l == PLAN_LEVEL_EMERGENCY ? 0 : l == PLAN_LEVEL_PRIORITY ? 1 : 2;
}

struct report_summary {
    long scheduled;            /* every occurrence of the plan in the period */
    long planned;              /* theo kế hoạch: scheduled - cancelled - not approved */
    long outcome[OUT_COUNT];   /* planned's partition, and cancelled, not approved */
    double compliance_pct;     /* aired / planned; -1 when nothing was due */
    long airings;              /* số lượt phát: plan rows that put sound out */
    long items;                /* số tin, bài: distinct plan items aired */
    long planned_items;        /* distinct plan items planned */
    long emergency_airings;    /* at level khẩn cấp, planned or ad hoc */
    long emergency_planned;    /* planned occurrences at level khẩn cấp */
    long adhoc_airings;        /* ad hoc, emergencies included */
    long incidents;            /* rows of the incident list */
    int64_t planned_ms;        /* slots of the planned occurrences (end - start) */
    int64_t plan_ms, emergency_ms, adhoc_ms, total_ms; /* time on air; total = plan + ad hoc */
};

struct report_item {
    char *uid, *title, *topic, *unit;   /* topic: categories joined with ", " */
    long planned, aired, not_aired;     /* not_aired: of planned */
    long cancelled, not_approved;       /* outside planned */
    long airings;
    char *reasons;                      /* "missed 2; failed 1 (no device)" */
    int64_t planned_ms, played_ms;
    enum plan_level level;              /* of its last snapshot */
    enum aslog_source source;
};

/* One row of a "by X" table: topics, units, levels. */
struct report_topic {
    char *topic;
    long items, planned, aired, airings;
    int64_t planned_ms, played_ms;
};

struct report_unit {
    char *unit;                         /* "" for items without one */
    long items, planned, aired, airings;
    int64_t planned_ms, played_ms;
};

struct report_level {
    enum plan_level level;
    long items, planned, aired, airings; /* airings: ad hoc ones at the level too */
    int64_t planned_ms, played_ms;
};

/* A month of the report: a calendar month, or under --cutoff nd09 the
 * month of Decree 09 (month M: the 15th of M-1 to the 14th of M),
 * named by M either way. */
struct report_month {
    int year, month;
    int64_t from_ms, to_ms;             /* its local bounds, clipped to the report */
    long planned, aired, airings;
    int64_t planned_ms, played_ms;
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

/* The incidents summarised for section II: one row per (status, reason). */
struct report_incident_group {
    const char *status;                 /* as report_incident.status */
    const char *reason;                 /* translated, "" when none */
    long count, items;                  /* rows; distinct items */
    int64_t first_ms, last_ms;          /* planned starts */
};

/* A decision of station.approval made in the period (aslog approvals) */
struct report_approval {
    int64_t at_ms;
    const char *uid, *title, *who, *comment, *hash; /* in the report's string pool */
    const char *decision;               /* "approved", "rejected" (aslog) */
};

struct report {
    char *commune;
    struct report_doc_settings doc;     /* copies (report.c), NULL where unset */
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
    struct report_unit *units;
    size_t n_units;
    struct report_level levels[REPORT_LEVELS];
    struct report_month *months;
    size_t n_months;
    struct report_incident *incidents;
    size_t n_incidents;
    struct report_incident_group *incident_groups;
    size_t n_incident_groups;
    struct report_approval *approvals;  /* oldest first; none in status-mode periods */
    size_t n_approvals;
    struct report_pool *pool;           /* the incidents' strings (report.c) */
    /* The log's hash chain when the report was made (the whole log, not
     * the period): `loaxa log verify` checks a log against it. */
    int64_t chain_rows;
    char chain_head[65];                /* "" when the chain is empty */
};

/* Strings freed all at once (report_pool_free), for the many short ones
 * of a year's report: one malloc each showed in profiles. */
struct report_pool;
struct report_pool *report_pool_new(void);
const char *report_pool_strdup(struct report_pool *pl, const char *s);
void report_pool_free(struct report_pool *pl); /* and pl itself; NULL is fine */

/* Labels: every word a renderer prints is spelled here (labels.c), so the
 * formats never disagree about what a column or a section is called. */

/* What became of an occurrence. */
const char *report_outcome_key(enum report_outcome o);   /* "aired", ... (stable) */
const char *report_outcome_label(enum report_outcome o); /* translated */

/* Fixed words, translated by report_label(). */
enum report_label {
    RL_TITLE,           /* the report's title line */
    RL_PLAN_FILES,      /* "Plan files (SHA-256):" */
    RL_NO_FILES,        /* "(none)" */
    RL_NO_TOPIC,        /* a topic cell of an item without categories */
    RL_NO_INCIDENTS,
    RL_CHART,           /* the chart of airings by month */
    RL_CHART_SERIES,
    RL_FIRST_DAY, RL_LAST_DAY, RL_CUTOFF, RL_REPORTED_UP_TO, RL_MADE_AT,
    RL_NO_UNIT,         /* a unit cell of items without a lead unit */
    RL_CHAIN_ROWS, RL_CHAIN_HEAD, /* the as-run log's hash chain (appendix) */
    RL_COUNT
};
const char *report_label(enum report_label l);

/* The tables every report has, in their order. */
enum report_table {
    REPORT_TABLE_SUMMARY, REPORT_TABLE_ITEMS, REPORT_TABLE_TOPICS, REPORT_TABLE_UNITS,
    REPORT_TABLE_LEVELS, REPORT_TABLE_MONTHS, REPORT_TABLE_INCIDENT_SUMMARY,
    REPORT_TABLE_INCIDENTS,
    REPORT_TABLE_APPROVALS,  /* the appendix of approvals: shown when the period has any */
    REPORT_TABLE_COUNT
};
#define REPORT_MAX_COLS 20
struct report_columns {
    const char *title[REPORT_MAX_COLS]; /* translated */
    size_t n;            /* the columns of the printed table (text, HTML) */
    size_t n_wide;       /* with a spreadsheet's extra ones (UID, actual start, ...) */
};
const char *report_table_title(enum report_table t);   /* "By item", ... translated */
void report_table_columns(enum report_table t, struct report_columns *c);

/* The summary table as the renderers with labels print it, in order. */
enum report_value_kind { RV_COUNT, RV_MINUTES, RV_HOURS, RV_PERCENT };
struct report_summary_row {
    const char *key;     /* stable English key ("planned", "plan_ms") */
    const char *label;   /* translated */
    enum report_value_kind kind;
    int64_t value;       /* a count, or ms for minutes and hours */
    double pct;          /* RV_PERCENT; < 0 when nothing was due */
    bool outcome;        /* one of the outcomes, a part of "planned" */
    bool detail;         /* minutes per source: left out of the printed page */
};
#define REPORT_SUMMARY_ROWS (OUT_COUNT + 15)
size_t report_summary_rows(const struct report *r,
                           struct report_summary_row rows[REPORT_SUMMARY_ROWS]);
/* The value as text: "12", "3.5", "1.25", "97.5 %" or "-". */
void report_summary_value(const struct report_summary_row *row, char buf[32]);

/* "calendar" or "cut-off of Decree 09/2019/ND-CP", translated; and the
 * stable key ("calendar", "nd09") of the machine formats. */
const char *report_cutoff_label(enum config_cutoff c);
const char *report_cutoff_key(enum config_cutoff c);
/* The topic cell: the topics, or RL_NO_TOPIC. */
const char *report_topic_label(const char *topic);
/* The unit cell: the lead unit, or RL_NO_UNIT. */
const char *report_unit_label(const char *unit);
/* A level: "khẩn cấp" / "ưu tiên" / "thông thường" translated; the stable
 * key "emergency" / "priority" / "normal". */
const char *report_level_label(enum plan_level l);
const char *report_level_key(enum plan_level l);
/* A title, or the UID when the item has none. */
const char *report_title_or_uid(const char *title, const char *uid);

/* The lines under the title, translated, without a newline (malloc'd):
 * the period, the dates, "reported up to" (NULL unless partial), "made at". */
char *report_line_period(const struct report *r);
char *report_line_dates(const struct report *r);
char *report_line_partial(const struct report *r);
char *report_line_made(const struct report *r);
/* "As-run log: N rows in the hash chain, head H" */
char *report_line_chain(const struct report *r);
/* What a title says of a report whose period has not ended: "(data up to
 * dd/mm/yyyy)", translated (malloc'd); NULL when the period is over. */
char *report_title_partial(const struct report *r);

/* "Q1 2026", "2026-03", ... in the current language. */
char *report_period_title(const struct report_period *p);
/* The Vietnamese legal name of the period ("QUÝ I NĂM 2026"), any language. */
char *report_period_title_vi(const struct report_period *p);

/* The heading and signature of a Vietnamese administrative report (form of
 * Decree 30/2020/ND-CP): Vietnamese in any language, for the printable formats. */
struct report_vi_form {
    const char *authority;   /* ỦY BAN NHÂN DÂN (the commune follows) */
    const char *station;     /* Đài truyền thanh */
    const char *number, *number_code; /* "Số:", a blank filled by hand, "/BC-ĐTT" */
    const char *nation, *motto;
    const char *kind;        /* BÁO CÁO */
    const char *subject;     /* Kết quả hoạt động truyền thanh (the period follows) */
    const char *doc_title;   /* Báo cáo (the period follows) */
    const char *signer, *sign_hint;
};
extern const struct report_vi_form report_vi;
/* "<commune>, ngày dd tháng mm năm yyyy" of the day the report was made. */
char *report_place_date_vi(const struct report *r);

/* Numbers as every format prints them. */
void report_fmt_date(struct period_date d, char buf[16]);      /* dd/mm/yyyy */
void report_fmt_iso_date(struct period_date d, char buf[16]);  /* yyyy-mm-dd */
/* minutes and hours with one and two decimals */
void report_fmt_minutes(int64_t ms, char buf[32]);
void report_fmt_hours(int64_t ms, char buf[32]);
/* the same as numbers, for the formats that store numbers */
double report_minutes(int64_t ms);
double report_hours(int64_t ms);
double report_seconds(int64_t ms);  /* to a tenth */

/* Numbers for people, in the report's language: Vietnamese groups
 * thousands with "." and writes decimals with "," ("1.234", "95,8 %");
 * English "1,234", "95.8 %". Machine formats (CSV, JSON) never use these. */
void report_fmt_count(int64_t n, char buf[32]);
void report_fmt_pct(double pct, char buf[32]);          /* "-" when pct < 0 */
/* Airtime to the minute: "3 giờ 25 phút", "45 phút" (en: "3 h 25 min"). */
void report_fmt_airtime(int64_t ms, char buf[48]);
/* A number with one or two decimals in the reader's form ("12,5"). */
void report_fmt_decimal(double v, int decimals, char buf[32]);

/* Every table of the report as typed cells: the one description of columns
 * and rows that the table-drawing renderers share, so a column added here
 * appears in every format. Built on demand from the counted report. */
enum report_cell_kind {
    RC_TEXT,    /* text: "" when empty */
    RC_COUNT,   /* n */
    RC_MS,      /* n: airtime in ms (minutes, hours or "x giờ y phút" when shown) */
    RC_PCT,     /* pct; < 0: nothing was due */
    RC_TIME,    /* n: epoch ms, local time when shown; < 0: none */
};
struct report_cell {
    enum report_cell_kind kind;
    const char *text;    /* RC_TEXT; the grid owns or the report owns it */
    int64_t n;
    double pct;
};
struct report_col {
    const char *key;     /* stable English key ("planned", "aired_ms"): machine headers */
    const char *title;   /* translated */
    enum report_cell_kind kind;  /* of its body cells (the summary's value column: mixed) */
    bool wide;           /* machine detail (UID, occurrence key): spreadsheets, appendix */
    bool sum;            /* the total row sums this column (a spreadsheet writes a formula) */
};
struct report_grid {
    enum report_table table;
    const char *key;     /* "items", ...: --table, file and sheet names */
    const char *title;   /* translated */
    size_t n_cols, n_rows;
    struct report_col cols[REPORT_MAX_COLS];
    struct report_cell *cells;   /* n_rows * n_cols, row by row */
    bool has_total;              /* a total row follows the body */
    struct report_cell total[REPORT_MAX_COLS];
    struct report_pool *pool;    /* the grid's own strings */
};
/* Fills g for table t; 0, or -EINVAL for an unknown table. Free with
 * report_grid_free. */
int report_grid_build(const struct report *r, enum report_table t, struct report_grid *g);
void report_grid_free(struct report_grid *g);
static inline const struct report_cell *report_grid_cell(const struct report_grid *g,
                                                         size_t row, size_t col)
{
    return &g->cells[row * g->n_cols + col];
}
/* A cell as people read it, in the report's language (counts grouped,
 * airtime as minutes with a decimal, time as dd/mm/yyyy HH:MM). */
void report_cell_text(const struct report_cell *c, char *buf, size_t len);
/* The table whose key is name; -1 when none. */
int report_table_find(const char *name);
const char *report_table_key(enum report_table t);

/* Formats (formats.c): one renderer signature for all. A renderer writes
 * to cx->f, or, when its format needs a path, the file cx->path; it
 * returns 0 or a negative code, with a message in cx->err or not (then
 * report_render says the report could not be written). */
struct report_render_ctx {
    FILE *f;
    const char *path;
    const struct report_render_options *opt;  /* never NULL */
    char *err;
    size_t errlen;
};
typedef int report_renderer(const struct report *r, const struct report_render_ctx *cx);

struct report_format_def {
    struct report_format_info info;
    bool needs_path;     /* the renderer writes a named file (libxlsxwriter) */
    report_renderer *render;
};

report_renderer report_render_text, report_render_csv, report_render_json,
    report_render_html, report_render_xlsx, report_render_docx, report_render_odt;

#endif
