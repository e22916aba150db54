/* The province's PostgreSQL database (libpq, only here): `loaxa push` sends
 * a station's final log rows in chain order, a batch a transaction, and the
 * province's own record of how far a station got (loaxa.stations.pushed_pos,
 * written with the rows) is the only push state: idempotent, resumable.
 * `loaxa province verify` and `report` read it back. Schema: doc/province.sql. */
#ifndef LOAXA_PROVINCE_H
#define LOAXA_PROVINCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aslog/aslog.h"

struct province;

/* Connects to url (a libpq URI or "key=value" string); password_file, when
 * not NULL or "", holds the password (its first line). TLS is whatever the
 * URI's sslmode asks. err gets libpq's reason. */
int province_connect(const char *url, const char *password_file, struct province **out,
                     char *err, size_t errlen);
void province_close(struct province *p);

/* The longest station code and names a push or a report accepts. */
#define PROVINCE_MAX_CODE 32
#define PROVINCE_MAX_NAME 200

struct province_station {
    const char *code;       /* station.code: [A-Za-z0-9._-]{1,32} */
    const char *commune;
    const char *province;
};

struct province_push_opts {
    int batch_rows;                  /* rows a transaction (>= 1) */
    bool no_emergency_from_priority; /* the station's rule for the level column */
    /* after each committed batch; non-zero stops the push */
    int (*progress)(int64_t pos, long sent, void *ud);
    void *ud;
};

struct province_push_result {
    int64_t from_pos;       /* the province's position before the push */
    int64_t to_pos;         /* and after */
    long sent;              /* rows sent */
    long added;             /* rows the province did not have */
    long batches;
};

/* Sends log's final rows after the province's position for st, in chain
 * order. Returns 0, or a negative code with a message in err; the batches
 * committed before a failure stay (the next push goes on from them). */
int province_push(struct province *p, struct aslog *log, const struct province_station *st,
                  const struct province_push_opts *o, struct province_push_result *res,
                  char *err, size_t errlen);

/* verify: each station's rows in chain order, checked against the chain
 * (the same canonical hash as the station's log) and for gaps; the result is
 * stored in loaxa.stations (verified_ok, verified_pos, verify_note) for the
 * report. cb gets each station's result (may be NULL). */
struct province_verify_result {
    const char *code, *commune;
    long rows;
    int64_t pushed_pos;
    bool ok;
    int64_t first_bad_pos;   /* the first position that fails; -1 when ok */
    const char *note;        /* English msgid-like text, translated by the caller */
    bool hashed;             /* the chain's hashes were recomputed (rows carry them) */
};
int province_verify(struct province *p, const char *only_code,
                    void (*cb)(const struct province_verify_result *r, void *ud), void *ud,
                    long *n_failed, char *err, size_t errlen);

/* report: one line per station (commune), over rows whose planned start is in
 * [from_ms, to_ms). Figures as the commune report counts them from its log:
 * planned (occurrences of the plan, cancelled and not approved left out),
 * aired, emergency airings, airtime. */
struct province_line {
    char *code, *commune, *province;
    long planned, aired, emergencies, airings, rows;
    int64_t own_ms, relay_ms;
    bool reported;           /* has rows in the period */
    /* the last `loaxa province verify`: 1 the chain holds up to what is
     * pushed, 0 not verified (or rows pushed since), -1 fails */
    int chain;
    long gaps;               /* always 0: loaxa.chain_gaps() is for verify and SQL */
    int64_t pushed_at_ms;    /* -1: never */
};
struct province_report {
    struct province_line *lines;
    size_t n;
    struct province_line total; /* code etc. NULL */
    size_t n_reported, n_chain_failed, n_unverified;
};
int province_report_build(struct province *p, int64_t from_ms, int64_t to_ms,
                          struct province_report **out, char *err, size_t errlen);
void province_report_free(struct province_report *r);

#endif
