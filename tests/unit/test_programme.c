/* The programme model: plan_item_dup shares no pointer with its original;
 * programme_length's rules; and `loaxa check`, `loaxa simulate` and the
 * model (which loaxad uses at prepare) agree on a programme's length for an
 * item with a signature tune and several recordings. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aslog/aslog.h"
#include "core/config.h"
#include "core/util.h"
#include "plan/check.h"
#include "plan/plan.h"
#include "programme/programme.h"
#include "sim/simulate.h"
#include "unit.h"

#define TONE_MS 1000   /* tests/fixtures/audio/test/tone.wav */

START_TEST(test_dup_shares_no_pointer)
{
    /* every byte set, so a field copied by `*c = *it` (or not at all)
     * shows; then the known fields given sane values */
    struct plan_item it;
    memset(&it, 0xA5, sizeof it);
    const char *cats[] = {"a", "b"}, *audio[] = {"x.wav", "y.wav", "z.wav"};
    it.uid = "uid";
    it.file = "f.ics";
    it.line = 3;
    it.summary = "s";
    it.description = "d";
    it.unit = "u";
    it.categories = cats;
    it.n_categories = 2;
    it.audio = audio;
    it.n_audio = 3;
    it.priority = 1;
    it.level = PLAN_LEVEL_EMERGENCY;
    it.approved = true;
    it.sequence = 2;
    it.signature_tune = "t.wav";
    it.times = "DTSTART:20260101T060000Z";
    struct plan_item *c = plan_item_dup(&it);
    /* no pointer-sized word of the copy holds one of the original's
     * pointers, nor the fill pattern (a field nobody set, copied as is) */
    uintptr_t ours[] = {(uintptr_t)it.uid, (uintptr_t)it.file, (uintptr_t)it.summary,
                        (uintptr_t)it.description, (uintptr_t)it.unit, (uintptr_t)cats,
                        (uintptr_t)audio, (uintptr_t)it.signature_tune,
                        (uintptr_t)it.times};
    uintptr_t fill;
    memset(&fill, 0xA5, sizeof fill);
    const unsigned char *b = (const unsigned char *)c;
    for (size_t off = 0; off + sizeof(uintptr_t) <= sizeof *c; off += sizeof(uintptr_t)) {
        uintptr_t y;
        memcpy(&y, b + off, sizeof y);
        ck_assert_msg(y != fill, "plan_item_dup copied an unknown field at offset %zu", off);
        for (size_t k = 0; k < sizeof ours / sizeof ours[0]; k++)
            ck_assert_msg(y != ours[k], "plan_item_dup shares a pointer at offset %zu", off);
    }
    ck_assert_ptr_ne(c->categories[0], cats[0]);
    ck_assert_ptr_ne(c->audio[2], audio[2]);
    ck_assert_str_eq(c->audio[2], "z.wav");
    ck_assert_str_eq(c->signature_tune, "t.wav");
    ck_assert_int_eq(c->line, 3);
    ck_assert_int_eq(c->sequence, 2);
    ck_assert_int_eq(c->level, PLAN_LEVEL_EMERGENCY);
    ck_assert(c->approved);
    plan_item_free(c);
}
END_TEST

static char *tmp_dir(void)
{
    char t[] = "/tmp/loaxa-prog-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(t));
    return xstrdup(t);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* The hash of the item in an .ics text (one VEVENT), its recording's sum "s" */
static void hash_of_ics(const char *text, char out[65])
{
    char *dir = tmp_dir();
    char *ics = xasprintf("%s/p.ics", dir);
    write_file(ics, text);
    const char *paths[] = {ics};
    struct plan_options po = {.default_tz = "Asia/Ho_Chi_Minh"};
    char *perr = NULL;
    struct plan *plan = plan_load(paths, 1, &po, &perr);
    ck_assert_msg(plan && plan_item_count(plan) == 1, "%s", perr ? perr : "");
    const struct plan_item *it = plan_item_at(plan, 0);
    ck_assert_ptr_nonnull(it->times);
    ck_assert_ptr_nonnull(strstr(it->times, "DTSTART"));
    const char *sums[] = {"1111111111111111111111111111111111111111111111111111111111111111"};
    programme_content_hash(it, sums, out);
    plan_free(plan);
    unlink(ics);
    rmdir(dir);
    free(ics);
    free(dir);
}

#define EV(dtstart, rrule, summary, prio, dur)                                              \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"     \
    "DTSTAMP:20260101T000000Z\r\nDTSTART:" dtstart "\r\nDURATION:" dur "\r\n" rrule          \
    "SUMMARY:" summary "\r\nPRIORITY:" prio "\r\nATTACH:a.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

START_TEST(test_content_hash)
{
    char base[65], h[65];
    hash_of_ics(EV("20260110T060000Z", "RRULE:FREQ=DAILY\r\n", "Tin sáng", "5", "PT10M"), base);
    hash_of_ics(EV("20260110T060000Z", "RRULE:FREQ=DAILY\r\n", "Tin sáng", "5", "PT10M"), h);
    ck_assert_str_eq(base, h); /* the same item, read again */
    /* each of the times, the recurrence, the title, the level, the slot */
    hash_of_ics(EV("20260110T063000Z", "RRULE:FREQ=DAILY\r\n", "Tin sáng", "5", "PT10M"), h);
    ck_assert_str_ne(base, h);
    hash_of_ics(EV("20260110T060000Z", "RRULE:FREQ=WEEKLY\r\n", "Tin sáng", "5", "PT10M"), h);
    ck_assert_str_ne(base, h);
    hash_of_ics(EV("20260110T060000Z", "RRULE:FREQ=DAILY\r\n", "Tin chiều", "5", "PT10M"), h);
    ck_assert_str_ne(base, h);
    hash_of_ics(EV("20260110T060000Z", "RRULE:FREQ=DAILY\r\n", "Tin sáng", "1", "PT10M"), h);
    ck_assert_str_ne(base, h);
    hash_of_ics(EV("20260110T060000Z", "RRULE:FREQ=DAILY\r\n", "Tin sáng", "5", "PT20M"), h);
    ck_assert_str_ne(base, h);
    /* and the recording's content */
    struct plan_item it = {.uid = "u1", .summary = "t", .times = "x"};
    const char *audio[] = {"a.wav"};
    it.audio = audio;
    it.n_audio = 1;
    const char *s1[] = {"1111111111111111111111111111111111111111111111111111111111111111"};
    const char *s2[] = {"2111111111111111111111111111111111111111111111111111111111111111"};
    programme_content_hash(&it, s1, base);
    programme_content_hash(&it, s2, h);
    ck_assert_str_ne(base, h);
    ck_assert_uint_eq(strlen(h), 64);
}
END_TEST

START_TEST(test_length_rules)
{
    ck_assert_int_eq(plan_level_priority(PLAN_LEVEL_EMERGENCY), 1);
    ck_assert_int_eq(plan_level_priority(PLAN_LEVEL_PRIORITY), 3);
    ck_assert_int_eq(plan_level_priority(PLAN_LEVEL_NORMAL), 0);
    ck_assert_ptr_null(programme_tune("none", "t.wav"));
    ck_assert_ptr_null(programme_tune(NULL, ""));
    ck_assert_str_eq(programme_tune(NULL, "t.wav"), "t.wav");
    ck_assert_str_eq(programme_tune("i.wav", "t.wav"), "i.wav");
    ck_assert_int_eq(programme_length(10000, 0, 0), 10000);
    ck_assert_int_eq(programme_length(10000, 2000, 0), 14000);  /* tune before and after */
    ck_assert_int_eq(programme_length(10000, 2000, 4000), 8000); /* resumed: after only */
    ck_assert_int_eq(programme_length(10000, 2000, 20000), 2000);
    ck_assert_int_eq(programme_length(-1, 2000, 0), -1);
}
END_TEST

static int collect(const struct aslog_row *row, void *ud)
{
    if (row->status == ASLOG_AIRED)
        *(int64_t *)ud += row->played_ms;
    return 0;
}

START_TEST(test_check_simulate_model_agree)
{
    const char *root = SRCDIR "/audio";
    char *dir = tmp_dir();
    char *ics = xasprintf("%s/p.ics", dir), *db = xasprintf("%s/log.db", dir);
    /* a tune (3.6 s), three recordings (15.5 + 16.2 + 3.6 s) in a 10 s slot */
    write_file(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                    "BEGIN:VEVENT\r\nUID:p@t\r\nDTSTAMP:20260101T000000Z\r\n"
                    "DTSTART:20260301T010000Z\r\nDURATION:PT10S\r\nSUMMARY:P\r\n"
                    "X-LOAXA-SIGNATURE:nhac-hieu.wav\r\n"
                    "ATTACH:tthc/cong-dich-vu-cong-quoc-gia.ogg\r\n"
                    "ATTACH:khan-cap/phong-chong-thien-tai.wav\r\n"
                    "ATTACH:nhac-hieu.wav\r\n"
                    "END:VEVENT\r\nEND:VCALENDAR\r\n");
    const char *paths[] = {ics};
    struct plan_options po = {.default_tz = "Asia/Ho_Chi_Minh", .audio_root = root};
    char *perr = NULL, err[1024];
    struct plan *plan = plan_load(paths, 1, &po, &perr);
    ck_assert_msg(plan != NULL, "%s", perr ? perr : "");
    ck_assert_uint_eq(plan_item_count(plan), 1);
    const struct plan_item *it = plan_item_at(plan, 0);

    /* the model: tune, three recordings, tune */
    struct programme_settings st = {root, ""};
    struct programme p;
    ck_assert_msg(programme_build(it, &st, 0, NULL, NULL, &p, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(p.n, 5);
    ck_assert_int_eq(p.src[0].kind, PROGRAMME_TUNE);
    ck_assert_int_eq(p.src[4].kind, PROGRAMME_TUNE);
    ck_assert_int_eq(p.src[2].kind, PROGRAMME_RECORDING);
    int64_t tune = p.src[0].ms, len = p.length_ms;
    ck_assert_int_gt(tune, 3000);
    ck_assert_int_eq(len, p.recordings_ms + 2 * tune);
    ck_assert_int_eq(strlen(p.hash), 64);
    programme_clear(&p);

    /* check: the slot warning gives the programme's length, tunes included */
    int64_t from;
    ck_assert_int_eq(util_parse_time("2026-03-01T00:00:00Z", &from), 0);
    struct plan_check_options co = {.audio_root = root, .signature_tune = "",
                                    .hours_start_min = 0, .hours_end_min = 24 * 60,
                                    .from_ms = from, .to_ms = from + 86400000LL,
                                    .gap_max_s = 60};
    plan_check(plan, &co);
    char *want = xasprintf("the programme lasts %lld s", (long long)((len + 999) / 1000));
    bool seen = false;
    for (size_t i = 0; i < plan_diag_count(plan); i++)
        seen |= strstr(plan_diag(plan, i)->message, want) != NULL;
    ck_assert_msg(seen, "check does not say \"%s\"", want);
    free(want);

    /* simulate: the aired row lasts exactly that long */
    struct loaxa_config cfg;
    config_init(&cfg);
    free(cfg.audio_root);
    cfg.audio_root = xstrdup(root);
    cfg.require_approval = false;
    /* the model's length, not the enforcement: any hour, the slot not cut */
    cfg.hours_start_min = 0;
    cfg.hours_end_min = 24 * 60;
    cfg.overrun = CONFIG_OVERRUN_RUN;
    struct aslog *log;
    ck_assert_msg(aslog_open(db, &log, err, sizeof err) == 0, "%s", err);
    struct simulate_summary sum;
    ck_assert_msg(simulate_run(&cfg, plan, log, from, from + 86400000LL, &sum, err, sizeof err)
                  == 0, "%s", err);
    ck_assert_int_eq(sum.by_status[ASLOG_AIRED], 1);
    int64_t played = 0;
    struct aslog_filter f = {.from_ms = -1, .to_ms = -1};
    ck_assert_int_eq(aslog_query(log, &f, collect, &played), 0);
    ck_assert_int_eq(played, len);
    aslog_close(log);
    config_free(&cfg);
    plan_free(plan);

    char *cmd = xasprintf("rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(ics);
    free(db);
    free(dir);
}
END_TEST

Suite *unit_suite(struct unit_opts *opts)
{
    (void)opts;
    Suite *su = suite_create("programme");
    TCase *tc = tcase_create("programme");
    tcase_add_test(tc, test_dup_shares_no_pointer);
    tcase_add_test(tc, test_length_rules);
    tcase_add_test(tc, test_content_hash);
    tcase_add_test(tc, test_check_simulate_model_agree);
    suite_add_tcase(su, tc);
    return su;
}
