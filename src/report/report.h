/* Periodic reports: what the loudspeakers carried in a period, counted from
 * the as-run log (and the plan's expansion for "planned"), rendered
 * in one of the formats of formats.c. */
#ifndef LOAXA_REPORT_H
#define LOAXA_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aslog/aslog.h"
#include "plan/plan.h"
#include "report/period.h"

struct report;

/* The formats, from one table (formats.c): a new format is a line there
 * and a renderer file. */
struct report_format_info {
    const char *name;    /* "text", "csv", ...: the --format word */
    bool binary;         /* not for a terminal (a zip file) */
    const char *help;    /* one line for the usage text, English msgid */
};
/* The i-th format in the order of the usage text (0: the default); NULL
 * past the end. */
const struct report_format_info *report_format_at(size_t i);
/* By name; NULL when unknown. */
const struct report_format_info *report_format_find(const char *name);

/* A plan file named in the header. */
struct report_plan_file {
    const char *path;
    const char *sha256;
};

/* What the administrative document (Decree 30/2020/ND-CP) prints that the
 * log cannot know: the [report] settings. Lists are split by '|'; NULL or
 * "" where a setting is empty (the renderer derives it or leaves a blank). */
struct report_doc_settings {
    const char *issuer;       /* "ỦY BAN NHÂN DÂN|THỊ TRẤN VĨNH LỘC"; "": from the commune */
    const char *code;         /* ký hiệu: "BC-UBND" */
    const char *place;        /* "Vĩnh Lộc"; "": from the commune */
    const char *sign_block;   /* "TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH" */
    const char *signer;       /* the name; "": a blank to sign over */
    const char *recipients;   /* "Như trên|UBND huyện (để báo cáo)|Lưu: VT, VHXH" */
    const char *directions;   /* section III's text (paragraphs split by blank lines);
                               * NULL: a marked placeholder */
};

/* The longest section III text a report takes (report.directions_file). */
#define REPORT_MAX_DIRECTIONS (64 * 1024)

struct report_input {
    const char *commune;
    struct report_doc_settings doc;
    struct report_period period;
    int64_t as_of_ms;          /* "now": the period is clipped to it */
    int64_t generated_at_ms;   /* printed as "made at" */
    /* The plan's occurrences in [period.from_ms, min(to_ms, as_of_ms)). */
    const struct plan_occurrence *occ;
    size_t n_occ;
    const struct report_plan_file *files;
    size_t n_files;
    /* The station's rules the figures follow: with require_approval a
     * STATUS:TENTATIVE occurrence is "not approved", not planned; the level
     * of a log row comes from its PRIORITY as the plan loader reads it. */
    bool require_approval;
    bool no_emergency_from_priority;
};

/* Fills what in takes from the settings: the commune, the document's form
 * ([report]), the approval and PRIORITY rules, and section III's text read
 * from report.directions_file (bounded by REPORT_MAX_DIRECTIONS) into
 * *directions (malloc'd or NULL; the caller frees it once the report is
 * built). Returns 0, or a negative code with a translated message. */
int report_input_settings(const struct loaxa_config *cfg, struct report_input *in,
                          char **directions, char *err, size_t errlen);

/* Reads the log rows of the period and counts. Returns 0, or a negative
 * code with a translated message in err. -ERANGE: the period has not
 * started at as_of. */
int report_build(const struct report_input *in, struct aslog *log, struct report **out,
                 char *err, size_t errlen);
void report_free(struct report *r);

/* The effective end, min(period end, as-of), and whether it was clipped. */
int64_t report_end_ms(const struct report *r);
bool report_is_partial(const struct report *r);

struct report_render_options {
    bool bom;                  /* CSV: start with a UTF-8 BOM, so Excel reads UTF-8
                                * (`loaxa report` sets it unless --no-bom) */
    const char *table;         /* CSV: the table's key ("items"), written as a grid
                                * with translated column titles; "all": every table
                                * in one long table,row,field,value file; NULL: the
                                * summary */
    bool keys;                 /* CSV table: a header of the columns' stable English
                                * keys ("planned", "aired_ms"), for programs */
};

/* Whether opt suits the format: 0, or -EINVAL with a translated message
 * in err (an unknown table, naming the tables; a table for a format that
 * writes them all). Cheap: for the CLI to check before counting. */
int report_render_check(const char *format, const struct report_render_options *opt,
                        char *err, size_t errlen);

/* Writes the report in the named format to f, any format (one that the
 * library writes to a named file goes through a temporary file), or to
 * the file path. opt may be NULL. Returns 0, or a negative code with a
 * translated message in err (-EINVAL: unknown format). */
int report_render(const struct report *r, const char *format,
                  const struct report_render_options *opt, FILE *f, char *err, size_t errlen);
int report_render_file(const struct report *r, const char *format,
                       const struct report_render_options *opt, const char *path, char *err,
                       size_t errlen);

/* Translated words for a log status ("aired") and a source, for any
 * program that shows log rows to the officer. */
const char *report_status_label(const char *status);
const char *report_source_label(enum aslog_source s);

#endif
