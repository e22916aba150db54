/* bench-schedule: time to load and expand a dense plan (200 recurring
 * items over one year) with loaxa's plan module, against the floor: the
 * same work written directly on libical (parse, step each RRULE from
 * DTSTART, convert each instance with icaltime_as_timet_with_zone).
 * Built and run by tools/bench-schedule.sh; prints both and the ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libical/ical.h>

#include "core/util.h"
#include "plan/plan.h"

#define N_ITEMS 200
#define RUNS 11

static const char *rules[] = {
    "FREQ=DAILY;BYHOUR=6,11,17",        /* three airings a day */
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=DAILY",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA",
    "FREQ=MONTHLY;BYMONTHDAY=5,20",
};

static char *make_plan(void)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//bench//EN\r\n");
    for (int i = 0; i < N_ITEMS; i++) {
        strbuf_printf(&b,
                      "BEGIN:VEVENT\r\nUID:bench-%03d@loaxa.test\r\n"
                      "DTSTART;TZID=Asia/Ho_Chi_Minh:20260105T%02d%02d00\r\n"
                      "DURATION:PT5M\r\nRRULE:%s\r\nSUMMARY:Mục %d\r\n"
                      "ATTACH:test/tone.wav\r\nEND:VEVENT\r\n",
                      i, i % 5 == 0 ? 6 : 5 + i % 15, (i * 7) % 60, rules[i % 5], i);
    }
    strbuf_puts(&b, "END:VCALENDAR\r\n");
    return strbuf_steal(&b);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The floor: what any libical program has to do at least. */
static size_t floor_run(const char *text, time_t from, time_t to)
{
    icalcomponent *cal = icalparser_parse_string(text);
    size_t n = 0, cap = 1 << 16;
    time_t *out = malloc(cap * sizeof *out);
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        struct icaltimetype st = icalcomponent_get_dtstart(ev);
        icaltimezone *z = (icaltimezone *)st.zone;
        icalproperty *rp = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
        struct icalrecurrencetype r = icalproperty_get_rrule(rp);
        icalrecur_iterator *it = icalrecur_iterator_new(r, st);
        for (struct icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
             t = icalrecur_iterator_next(it)) {
            time_t u = icaltime_as_timet_with_zone(t, z);
            if (u >= to)
                break;
            if (u < from)
                continue;
            if (n == cap)
                out = realloc(out, (cap *= 2) * sizeof *out);
            out[n++] = u;
        }
        icalrecur_iterator_free(it);
    }
    icalcomponent_free(cal);
    free(out);
    return n;
}

static size_t loaxa_run(const char *path, int64_t from_ms, int64_t to_ms)
{
    struct plan_options o = {.default_tz = "Asia/Ho_Chi_Minh"};
    struct plan *p = plan_load(&path, 1, &o, NULL);
    struct plan_occurrence *occ;
    size_t n;
    plan_expand(p, from_ms, to_ms, &occ, &n);
    free(occ);
    plan_free(p);
    return n;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    char *text = make_plan();
    char path[] = "/tmp/loaxa-bench-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    time_t from = 1767225600 - 7 * 3600; /* 2026-01-01 00:00 +07 */
    time_t to = from + 365 * 86400;
    double tf[RUNS], tl[RUNS];
    size_t nf = 0, nl = 0;
    floor_run(text, from, to); /* warm tzdata caches for both */
    loaxa_run(path, (int64_t)from * 1000, (int64_t)to * 1000);
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_s();
        /* the floor reads the file too: same input path as loaxa */
        char *data;
        size_t len;
        util_read_file(path, &data, &len);
        nf = floor_run(data, from, to);
        free(data);
        double t1 = now_s();
        nl = loaxa_run(path, (int64_t)from * 1000, (int64_t)to * 1000);
        double t2 = now_s();
        tf[r] = t1 - t0;
        tl[r] = t2 - t1;
    }
    qsort(tf, RUNS, sizeof(double), cmp_d);
    qsort(tl, RUNS, sizeof(double), cmp_d);
    printf("plan: %d recurring items, one year, median of %d runs\n", N_ITEMS, RUNS);
    printf("libical floor (parse + step + as_timet): %8.1f ms, %zu occurrences\n",
           tf[RUNS / 2] * 1e3, nf);
    printf("loaxa plan_load + plan_expand:           %8.1f ms, %zu occurrences\n",
           tl[RUNS / 2] * 1e3, nl);
    printf("ratio: %.2fx\n", tl[RUNS / 2] / tf[RUNS / 2]);
    unlink(path);
    free(text);
    return nf == nl ? 0 : 1;
}
