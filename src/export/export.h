/* The as-run log's rows in the exchange format (doc/export.md, schema
 * EXPORT_SCHEMA, doc/export.schema.json): JSON Lines for machines, CSV for
 * spreadsheets, each row with the station's identity and its place and
 * link in the hash chain. `loaxa export` writes it; the province push reads
 * the same fields. */
#ifndef LOAXA_EXPORT_H
#define LOAXA_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "aslog/aslog.h"

/* Raised when a field changes meaning or goes; new fields keep it. */
#define EXPORT_SCHEMA 1

enum export_format { EXPORT_JSONL, EXPORT_CSV };

struct export_opts {
    const char *station_code;     /* settings station.code, .commune, .province; "" unset */
    const char *station_commune;
    const char *station_province;
    bool no_emergency_from_priority; /* station.emergency_from_priority = no */
    enum export_format format;
};

/* "normal", "priority" or "emergency": the level the row aired at (an
 * ad hoc emergency by its source, otherwise its PRIORITY as the plan
 * loader reads it; the report counts the same way). */
const char *export_row_level(const struct aslog_row *r, bool no_emergency_from_priority);

/* One row as its JSON Lines record, without the newline (malloc'd). */
char *export_row_json(const struct export_opts *o, const struct aslog_row *r);

/* The CSV's header line and one row (RFC 4180, CRLF). */
void export_csv_header(FILE *f);
void export_csv_row(FILE *f, const struct export_opts *o, const struct aslog_row *r);

/* Writes the chained rows f selects (f->chain_order is set here: rows
 * still on air are left out) in chain order, the CSV header first; *n
 * gets the rows written. 0, a negative code of aslog, or -EIO when out
 * fails. */
int export_write(struct aslog *log, const struct aslog_filter *f, const struct export_opts *o,
                 FILE *out, long long *n);

#endif
