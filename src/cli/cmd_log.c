/* `loaxa log`: the rows of the as-run log, for checking a day or an
 * incident, as a table, CSV or JSON; `loaxa log verify` checks its hash
 * chain. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "aslog/aslog.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "core/reasons.h"
#include "core/text.h"
#include "core/util.h"
#include "report/report.h"

enum fmt { F_TEXT, F_CSV, F_JSON };

static void usage(FILE *f)
{
    fputs(_("Usage: loaxa log [--from D] [--to D] [--status S] [--format text|csv|json]\n"
            "       loaxa log verify [--db FILE] [--head ROWS:HASH]\n"
            "D is YYYY-MM-DD or DD/MM/YYYY (local; --to includes that whole day) or YYYY-MM-DDTHH:MM[:SS]\n"
            "with an optional Z or +HH:MM. Rows are selected by their planned start.\n"
            "S is one of on_air, aired, interrupted, failed, missed, cancelled.\n"), f);
}

#define NCOL 16
static const char *const keys[NCOL] = {
    "planned_start", "planned_end", "occurrence", "attempt", "title", "status", "source",
    "actual_start", "actual_end", "played_ms", "underruns", "device", "reason", "operator",
    "late_ms", "planned_start_local",
};

/* ISO 8601 local with milliseconds: the log keeps them, and lateness is
 * what one reads it for. */
static void iso_ms(int64_t ms, char buf[UTIL_TIME_BUF])
{
    char t[UTIL_TIME_BUF];
    util_format_iso_local(ms, t);
    /* "2026-03-02T06:30:00+07:00": the offset starts at 19 */
    snprintf(buf, UTIL_TIME_BUF, "%.19s.%03d%.6s", t, (int)(((ms % 1000) + 1000) % 1000), t + 19);
}

/* The columns of one row as text (times local ISO 8601). */
static void cells(const struct aslog_row *r, char out[NCOL][UTIL_TIME_BUF], const char **s)
{
    util_format_iso_local(r->planned_start_ms, out[0]);
    util_format_iso_local(r->planned_end_ms, out[1]);
    snprintf(out[3], UTIL_TIME_BUF, "%d", r->attempt);
    if (r->actual_start_ms >= 0)
        iso_ms(r->actual_start_ms, out[7]);
    else
        out[7][0] = '\0';
    if (r->actual_end_ms >= 0)
        iso_ms(r->actual_end_ms, out[8]);
    else
        out[8][0] = '\0';
    if (r->actual_start_ms >= 0)
        snprintf(out[14], UTIL_TIME_BUF, "%" PRId64, r->actual_start_ms - r->planned_start_ms);
    else
        out[14][0] = '\0';
    util_format_local(r->planned_start_ms, out[15]);
    snprintf(out[9], UTIL_TIME_BUF, "%" PRId64, r->played_ms);
    snprintf(out[10], UTIL_TIME_BUF, "%d", r->underruns);
    for (int i = 0; i < NCOL; i++)
        s[i] = out[i];
    s[2] = r->occ_key;
    s[4] = r->title;
    s[5] = aslog_status_name(r->status);
    s[6] = aslog_source_name(r->source);
    s[11] = r->device;
    s[12] = r->reason;
    s[13] = r->operator_name;
}

struct state {
    enum fmt fmt;
    long n;
    json_object *arr;
    char **cell;               /* text: n * NCOL strings */
    size_t cap;
};

static int on_row(const struct aslog_row *r, void *ud)
{
    struct state *st = ud;
    char buf[NCOL][UTIL_TIME_BUF];
    const char *s[NCOL];
    cells(r, buf, s);
    st->n++;
    if (st->fmt == F_CSV) {
        for (int i = 0; i < NCOL - 1; i++) {
            if (i)
                putchar(',');
            text_fput_csv(stdout, s[i]);
        }
        fputs("\r\n", stdout);
    } else if (st->fmt == F_JSON) {
        json_object *o = json_object_new_object();
        for (int i = 0; i < NCOL; i++) {
            if (i == 15)
                continue;
            if (i == 3 || i == 9 || i == 10 || (i == 14 && *s[i]))
                json_object_object_add(o, keys[i], json_object_new_int64(strtoll(s[i], NULL,
                                                                                  10)));
            else if ((i == 7 || i == 8 || i == 14) && !*s[i])
                json_object_object_add(o, keys[i], NULL);
            else
                json_object_object_add(o, keys[i], json_object_new_string(s[i]));
        }
        json_object_array_add(st->arr, o);
    } else {
        if ((size_t)st->n > st->cap) {
            st->cap = st->cap ? st->cap * 2 : 64;
            st->cell = xrealloc(st->cell, st->cap * NCOL * sizeof *st->cell);
        }
        /* The text table is for the officer: status, source and reason in
         * the locale's language (csv and json keep the stored keywords). */
        s[5] = report_status_label(s[5]);
        s[6] = report_source_label(r->source);
        char why[1400];
        s[12] = reason_label(s[12], why, sizeof why);
        for (int i = 0; i < NCOL; i++)
            st->cell[(size_t)(st->n - 1) * NCOL + (size_t)i] = xstrdup(s[i]);
    }
    return 0;
}

/* The text table: the columns an officer reads, aligned by display width. */
static void print_text(struct state *st)
{
    static const int cols[] = {15, 4, 5, 3, 6, 14, 9, 12};
    const char *head[] = {_("Planned start"), _("Title"), _("Status"), _("Attempt"),
                          _("Source"), _("Late (ms)"), _("Played (s)"), _("Reason")};
    size_t n = ARRAY_SIZE(cols), w[ARRAY_SIZE(cols)];
    for (size_t c = 0; c < n; c++) {
        w[c] = text_width(head[c]);
        for (long r = 0; r < st->n; r++) {
            const char *s = st->cell[(size_t)r * NCOL + (size_t)cols[c]];
            size_t x = cols[c] == 9 ? strlen(s) + 2 : text_width(s);
            if (x > w[c])
                w[c] = x;
        }
    }
    for (long r = -1; r < st->n; r++) {
        for (size_t c = 0; c < n; c++) {
            const char *s = r < 0 ? head[c] : st->cell[(size_t)r * NCOL + (size_t)cols[c]];
            char tmp[32];
            if (r >= 0 && cols[c] == 9) {   /* played: seconds */
                long long ms = strtoll(s, NULL, 10) + 50;
                snprintf(tmp, sizeof tmp, "%lld.%lld", ms / 1000, ms / 100 % 10);
                s = tmp;
            }
            if (c + 1 == n)
                fputs(s, stdout);
            else if (cols[c] == 3 || cols[c] == 9 || cols[c] == 14)
                text_fput_rpadded(stdout, s, w[c]);
            else
                text_fput_padded(stdout, s, w[c]);
            if (c + 1 < n)
                fputs("  ", stdout);
        }
        putchar('\n');
    }
}

struct head_find {
    int64_t seq;
    char hash[65];
};

static int on_head_row(const struct aslog_row *r, void *ud)
{
    struct head_find *h = ud;
    if (r->seq == h->seq)
        snprintf(h->hash, sizeof h->hash, "%s", r->hash);
    return 1; /* the first row after seq - 1 is the one */
}

/* --head ROWS:HASH, a head printed by a report: ROWS 1.., HASH 64 hex */
static bool parse_head(const char *s, int64_t *rows, char hash[65])
{
    char *end;
    long long n = strtoll(s, &end, 10);
    if (n < 1 || *end != ':' || strlen(end + 1) != 64)
        return false;
    for (const char *p = end + 1; *p; p++)
        if (!strchr("0123456789abcdef", *p))
            return false;
    *rows = n;
    memcpy(hash, end + 1, 65);
    return true;
}

/* `loaxa log verify`: walks the chain; 0 when every final row matches,
 * 1 naming the first that does not. With --head, the chain must also pass
 * through the head a report printed (rows deleted at its end, or a chain
 * rewritten since, no longer do). */
static int log_verify(int argc, char **argv, struct loaxa_config *cfg)
{
    int64_t want_rows = 0;
    char want_hash[65] = "";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--head") == 0 && i + 1 < argc &&
            parse_head(argv[i + 1], &want_rows, want_hash)) {
            i++;
            continue;
        }
        usage(stderr);
        return 2;
    }
    char err[1024];
    struct aslog *log = NULL;
    if (aslog_open_readonly(cfg->db_path, &log, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa log verify: %s\n", err);
        return 1;
    }
    struct aslog_chain_check c;
    int rc = aslog_chain_verify(log, &c);
    if (rc < 0) {
        fprintf(stderr, _("loaxa log: cannot read the as-run log: %s\n"), aslog_errmsg(log));
        aslog_close(log);
        return 1;
    }
    struct head_find hf = {.seq = want_rows};
    if (c.fault == ASLOG_CHAIN_OK && want_rows > 0) {
        struct aslog_filter f = {.from_ms = -1, .to_ms = -1, .chain_order = true,
                                 .after_seq = want_rows - 1};
        if (aslog_query(log, &f, on_head_row, &hf) < 0) {
            fprintf(stderr, _("loaxa log: cannot read the as-run log: %s\n"), aslog_errmsg(log));
            aslog_close(log);
            return 1;
        }
    }
    aslog_close(log);
    long long id = c.id, rows = c.rows;
    switch (c.fault) {
    case ASLOG_CHAIN_OK:
        printf(ngettext("OK: %lld row in the chain, head %s\n",
                        "OK: %lld rows in the chain, head %s\n", (unsigned long)c.rows),
               rows, c.rows ? c.head : "-");
        if (want_rows > 0 && want_rows > c.rows) {
            printf(_("FAILED: the head given is row %lld, but the chain has only %lld rows: "
                     "rows were deleted at its end\n"), (long long)want_rows, rows);
            return 1;
        }
        if (want_rows > 0 && strcmp(hf.hash, want_hash) != 0) {
            printf(_("FAILED: row %lld of the chain has the hash %s, not %s: the log is not "
                     "the one the head was taken from, or it was rewritten since\n"),
                   (long long)want_rows, hf.hash, want_hash);
            return 1;
        }
        if (want_rows > 0)
            printf(_("The chain passes through the head given (row %lld).\n"),
                   (long long)want_rows);
        return fflush(stdout) == 0 ? 0 : 1;
    case ASLOG_CHAIN_MISMATCH:
        printf(_("FAILED: row %lld (occurrence %s, attempt %d, seq %lld): hash mismatch: "
                 "its content or its place in the chain changed after it was written\n"),
               id, c.occ_key, c.attempt, (long long)c.seq);
        break;
    case ASLOG_CHAIN_GAP:
        printf(_("FAILED: row %lld (occurrence %s, attempt %d): gap in seq: %lld where %lld "
                 "was expected; a row was deleted before it\n"),
               id, c.occ_key, c.attempt, (long long)c.seq, (long long)c.expected_seq);
        break;
    case ASLOG_CHAIN_UNCHAINED:
        printf(_("FAILED: row %lld (occurrence %s, attempt %d): a final row outside the chain "
                 "(not written by loaxa)\n"), id, c.occ_key, c.attempt);
        break;
    }
    printf(ngettext("The chain holds up to there: %lld row, head %s\n",
                    "The chain holds up to there: %lld rows, head %s\n", (unsigned long)c.rows),
           rows, c.rows ? c.head : "-");
    fflush(stdout);
    return 1;
}

int cmd_log(int argc, char **argv, struct loaxa_config *cfg)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"status", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct aslog_filter flt = {.from_ms = -1, .to_ms = -1};
    struct state st = {.fmt = F_TEXT};
    const char *to_s = NULL;
    int c;
    if (argc > 1 && strcmp(argv[1], "verify") == 0)
        return log_verify(argc - 1, argv + 1, cfg);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'F':
            if (util_parse_time(optarg, &flt.from_ms) < 0)
                goto bad_time;
            break;
        case 'T':
            to_s = optarg;
            if (util_parse_time(optarg, &flt.to_ms) < 0)
                goto bad_time;
            break;
        case 's':
            if (aslog_status_parse(optarg, &flt.status) < 0) {
                fprintf(stderr, _("loaxa log: unknown status \"%s\"\n"), optarg);
                usage(stderr);
                return 2;
            }
            flt.by_status = true;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                st.fmt = F_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                st.fmt = F_CSV;
            else if (strcmp(optarg, "json") == 0)
                st.fmt = F_JSON;
            else {
                fprintf(stderr, _("loaxa log: unknown format \"%s\" (text, csv, json)\n"),
                        optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    /* The table is the officer's view at a terminal, like every other
     * command: it follows the locale (LANG), as the messages do. Only the
     * reports, documents sent on, keep their own language (--lang). */
    if (to_s)
        util_parse_bound(to_s, true, &flt.to_ms); /* a date alone: through that day */

    char err[1024];
    struct aslog *log = NULL;
    if (aslog_open_readonly(cfg->db_path, &log, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa log: %s\n", err);
        return 1;
    }
    if (st.fmt == F_CSV) {
        for (int i = 0; i < NCOL - 1; i++)
            printf("%s%s", i ? "," : "", keys[i]);
        fputs("\r\n", stdout);
    } else if (st.fmt == F_JSON) {
        st.arr = json_object_new_array();
    }
    int rc = aslog_query(log, &flt, on_row, &st);
    if (rc < 0) {
        fprintf(stderr, _("loaxa log: cannot read the as-run log: %s\n"), aslog_errmsg(log));
        aslog_close(log);
        json_object_put(st.arr);
        return 1;
    }
    if (st.fmt == F_JSON) {
        puts(json_object_to_json_string_ext(st.arr, JSON_C_TO_STRING_PRETTY |
                                                JSON_C_TO_STRING_SPACED |
                                                JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(st.arr);
    } else if (st.fmt == F_TEXT) {
        if (st.n)
            print_text(&st);
        else
            printf("%s\n", _("No rows."));
        for (size_t i = 0; i < (size_t)st.n * NCOL; i++)
            free(st.cell[i]);
        free(st.cell);
    }
    aslog_close(log);
    return fflush(stdout) == 0 ? 0 : 1;
bad_time:
    fprintf(stderr, _("loaxa log: bad time \"%s\" (YYYY-MM-DD, DD/MM/YYYY or YYYY-MM-DDTHH:MM[:SS])\n"),
            optarg);
    return 2;
}
