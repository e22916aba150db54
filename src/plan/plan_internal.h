/* Internals shared by the plan module's files (load, ics, tz, expand, check).
 * Only src/plan/ includes this, and only src/plan/ includes libical. */
#ifndef LOAXA_PLAN_INTERNAL_H
#define LOAXA_PLAN_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <libical/ical.h>

#include "plan/plan.h"

/* A wall-clock time as written in the plan (no zone applied). */
struct plan_lt {
    int year, month, day, hour, minute, second;
    bool is_date;
};

/* A zone as used for expansion: libical's rules, with our own table of
 * transitions so that local->UTC follows RFC 5545 §3.3.5 (see tz.c). */
struct plan_zone;

struct plan_zone *plan_zone_new(icaltimezone *z);
void plan_zone_free(struct plan_zone *zone);
icaltimezone *plan_zone_ical(const struct plan_zone *zone);
/* zone NULL = UTC. Gap: offset before the gap; overlap: the first instant. */
int64_t plan_zone_to_utc(struct plan_zone *zone, const struct plan_lt *lt);
void plan_zone_from_utc(struct plan_zone *zone, int64_t sec, struct plan_lt *lt);
int64_t plan_lt_as_utc(const struct plan_lt *lt); /* the fields read as UTC, seconds */
int64_t plan_days_from_civil(int y, int m, int d);

/* A recurrence rule of one item and its cursor. Expansion works by
 * window: the iterator starts at DTSTART, or (rules without COUNT) at a
 * whole number of periods after it, shortly before the window asked for,
 * so the cost follows the window, not the years since DTSTART; later
 * windows go on from where the last stopped. Only the instances near the
 * window are kept (from gen_from on), so memory follows the window too. */
struct plan_rule {
    struct icalrecurrencetype rule; /* UNTIL cleared: we compare it ourselves */
    bool has_until, until_is_instant;
    int64_t until_sec;              /* instant (UTC) when until_is_instant */
    struct plan_lt until_lt;        /* else local wall time */
    int line;
    icalrecur_iterator *it;
    bool done;                      /* the iterator has nothing more */
    bool started;                   /* it/inst describe a cursor */
    int64_t *inst;                  /* UTC seconds, in generation order */
    size_t n_inst, cap_inst;
    int64_t gen_from;               /* local-as-UTC: every instance from here is in inst */
    int64_t horizon;                /* local-as-UTC seconds generated up to */
    int64_t last_local;             /* the iterator's last answer, local-as-UTC */
    int repeats;                    /* answers in a row equal to last_local */
};

struct plan_override;

/* The full item; the public part first so a plan_item* converts back. */
struct plan_item_full {
    struct plan_item pub;
    bool is_override;
    bool cancelled;
    bool skip;                      /* left out: a fatal problem */
    size_t file_index;
    struct plan_zone *zone;         /* of DTSTART; NULL = UTC */
    struct plan_lt dtstart_lt;
    int64_t start_sec;              /* DTSTART as UTC seconds */
    int64_t slot_ms;
    int line_dtstart, line_status, line_slot, line_uid;
    int *attach_lines;
    struct plan_rule *rules;
    size_t n_rules;
    int64_t *rdates, *exdates;      /* UTC seconds, sorted */
    size_t n_rdates, n_exdates;
    int64_t *exdays;                /* VALUE=DATE EXDATEs: local days since epoch */
    size_t n_exdays;
    int64_t rid_sec;                /* overrides: RECURRENCE-ID as UTC */
    int line_rid;
    struct plan_item_full **overrides; /* masters: their overrides, by rid */
    size_t n_overrides;
    struct plan_item_full *master;  /* overrides: their master or NULL */
    bool rid_matched;
    bool audio_inherited;           /* an override airing its master's ATTACHes */
    size_t live_index;              /* position in plan->live */
    size_t uid_rank;                /* order of the UID among live items: sorts by int */
};

struct plan_diag_full {
    struct plan_diag pub;
    size_t file_index;
    size_t seq;
};

struct plan_file {
    char *path;
    char sha256[65];
    bool unreadable;                /* named by the caller but not readable */
};

struct plan {
    struct plan_file *files;
    size_t n_files;
    icalcomponent **cals;           /* parsed calendars, kept for zones and items */
    size_t n_cals, cap_cals;
    struct plan_item_full **items;  /* all, in file order; skip = left out */
    size_t n_items, cap_items;
    struct plan_item_full **live;   /* those not left out */
    size_t n_live;
    struct plan_item_full **by_uid; /* live, by UID, masters first (plan_find_uid) */
    struct plan_zone **zones;
    size_t n_zones;
    struct plan_diag_full *diags;
    size_t n_diags, cap_diags;
    size_t n_errors;
    char *audio_root;
    char *default_tz;
    bool no_emergency_from_priority; /* plan_options: PRIORITY:1 is priority */
    /* ATTACH refusals by path, while loading: 100,000 items naming one
     * recording cost 200,000 realpath() calls (a third of the load). */
    struct attach_memo *memo;
    size_t n_memo, cap_memo;        /* cap: a power of two, or 0 */
};

struct attach_memo {
    char *rel;                      /* NULL: empty slot */
    int rc;
    char *err;
};

void plan_add_diag(struct plan *plan, size_t file_index, int line, enum plan_severity sev,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void plan_sort_diags(struct plan *plan);
struct plan_zone *plan_zone_for(struct plan *plan, icaltimezone *z);

/* ics.c: reads one file's bytes into parsed VCALENDARs, reporting structure
 * errors with lines. Each parsed property is followed by an
 * X-LOAXA-LINE:<index> marker naming its logical line (ics_line_of). */
struct ics_doc;
/* Takes data (len bytes and a NUL after them, e.g. from util_read_file). */
struct ics_doc *ics_parse(struct plan *plan, size_t file_index, char *data, size_t len);
size_t ics_cal_count(const struct ics_doc *doc);
icalcomponent *ics_cal_take(struct ics_doc *doc, size_t i);
/* The VEVENTs of calendar ci are parsed one at a time: the k-th, added to
 * cal (remove and free it when read); NULL (with a diagnostic) if unreadable. */
size_t ics_event_count(const struct ics_doc *doc, size_t ci);
icalcomponent *ics_event_parse(struct ics_doc *doc, struct plan *plan, size_t fi, size_t ci,
                               size_t k, icalcomponent *cal);
int ics_line_no(const struct ics_doc *doc, long marker); /* physical line, 0 if unknown */
const char *ics_line_text(const struct ics_doc *doc, long marker);
void ics_free(struct ics_doc *doc);
#define ICS_MARKER "X-LOAXA-LINE"

/* Refused larger: such a file is not a plan, and it would be held in memory. */
#define PLAN_MAX_FILE_BYTES (16 << 20)

/* cal.c and event.c: reading one calendar of one file. */
struct cal_ctx {
    struct plan *plan;
    size_t fi;
    struct ics_doc *doc;
    icalcomponent *cal;
    icaltimezone *floating;  /* X-WR-TIMEZONE, else the configured zone */
    bool outlook;            /* PRODID names Microsoft: PRIORITY:1 is "high importance" */
};
typedef void (*prop_fn)(struct cal_ctx *cx, icalproperty *p, long marker, void *ud);
extern const char *const plan_fatal_props[10];
icaltimezone *plan_builtin_zone(const char *name);
icaltimezone *plan_resolve_tzid(struct cal_ctx *cx, const char *tzid, int line);
/* Visits comp's properties with the marker of the line each came from. */
void plan_walk_props(struct cal_ctx *cx, icalcomponent *comp, prop_fn fn, void *ud,
                     long *first_marker);
bool plan_prop_fatal(const char *name);
void plan_report_xlic(struct cal_ctx *cx, icalproperty *p, long marker, bool fatal);
void plan_xlic_only(struct cal_ctx *cx, icalproperty *p, long marker, void *ud);
void plan_walk_errors(struct cal_ctx *cx, icalcomponent *comp);
int plan_line_of_component(struct cal_ctx *cx, icalcomponent *comp);
void plan_load_calendar(struct plan *plan, size_t fi, struct ics_doc *doc, size_t ci,
                        icalcomponent *cal);
void plan_load_event(struct cal_ctx *cx, icalcomponent *comp);
void plan_free_item(struct plan_item_full *it);
void plan_attach_memo_free(struct plan *plan);

/* expand.c */
#define PLAN_MAX_COUNT 1000000 /* RRULE COUNT above this is refused at load */
int plan_item_instances(struct plan_item_full *it, int64_t from_sec, int64_t to_sec,
                        int64_t **out, size_t *n_out);
bool plan_item_has_instance(struct plan_item_full *it, int64_t sec);
void plan_rule_free(struct plan_rule *r);
#define PLAN_MATCH_BUDGET 600000 /* lattice steps: 416 days of minutes */
bool plan_rule_can_match(const struct plan_item_full *it, const struct plan_rule *r,
                         long budget);

static inline struct plan_item_full *plan_item_full_of(const struct plan_item *i)
{
    return (struct plan_item_full *)i;
}

#endif
