/* Table-driven settings so that the INI file and the flags can never
 * disagree about names, types or defaults. */
#include "core/config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "core/i18n.h"
#include "core/util.h"

enum type {
    T_STR, T_PATH, T_INT, T_BOOL, T_DBL, T_LOUD, T_HOURS, T_PREEMPT, T_OVERRUN, T_CUTOFF, T_LANG,
    T_APPROVAL
};

struct setting {
    const char *section, *key, *flag;
    enum type type;
    size_t off;
    const char *def;
    int min, max;
    const char *help;
};

#define O(f) offsetof(struct loaxa_config, f)
static const struct setting settings[] = {
    {"station", "commune", "commune", T_STR, O(commune), "", 0, 0,
     N_("commune (xã, phường, thị trấn) name printed on reports")},
    {"station", "code", "station-code", T_STR, O(station_code), "", 0, 0,
     N_("the commune's administrative unit code from the national list (digits); loaxa export")},
    {"station", "province", "province", T_STR, O(province), "", 0, 0,
     N_("the province's name, as the province's roll-up knows it; loaxa export")},
    {"station", "timezone", "tz", T_STR, O(timezone), "Asia/Ho_Chi_Minh", 0, 0,
     N_("time zone for floating times and for printing")},
    {"station", "broadcast_hours", "broadcast-hours", T_HOURS, O(hours_start_min), "05:30-21:00",
     0, 0, N_("allowed broadcast hours, HH:MM-HH:MM")},
    {"station", "max_session_minutes", "max-session", T_INT, O(max_session_min), "45", 1, 1440,
     N_("longest allowed broadcast session in minutes")},
    {"station", "require_approval", "require-approval", T_BOOL, O(require_approval), "yes", 0, 0,
     N_("air only approved items (not STATUS:TENTATIVE)")},
    {"station", "approval", "approval", T_APPROVAL, O(approval), "status", 0, 0,
     N_("status: only STATUS:TENTATIVE items wait for an approval; signed: every item waits "
        "until an approver approves it (loaxa approve)")},
    {"station", "emergency_from_priority", "emergency-from-priority", T_BOOL,
     O(emergency_from_priority), "yes", 0, 0,
     N_("PRIORITY:1 makes an item an emergency that cuts in (no: it is a priority item)")},
    {"paths", "plan", "plan", T_PATH, O(plan_path), "schedules", 0, 0,
     N_("plan file or directory of .ics files")},
    {"paths", "audio_root", "audio-root", T_PATH, O(audio_root), "audio", 0, 0,
     N_("directory the recordings are taken from")},
    {"paths", "db", "db", T_PATH, O(db_path), "loaxa.db", 0, 0,
     N_("as-run log database (SQLite)")},
    {"paths", "socket", "socket", T_PATH, O(socket_path), "loaxad.sock", 0, 0,
     N_("control socket of the daemon")},
    {"paths", "socket_group", "socket-group", T_STR, O(socket_group), "loaxa", 0, 0,
     N_("group allowed to use the control socket")},
    {"audio", "device", "device", T_STR, O(device), "default", 0, 0,
     N_("output: PortAudio device name or index, file:PATH.wav, or null")},
    {"audio", "latency_ms", "latency", T_INT, O(latency_ms), "20", 1, 2000,
     N_("output latency in milliseconds")},
    {"audio", "loudness_target", "loudness-target", T_LOUD, O(loudness_target), "-16", -70, 0,
     N_("loudness target in LUFS, or off")},
    {"audio", "true_peak", "true-peak", T_DBL, O(true_peak), "-1", -30, 0,
     N_("true-peak ceiling in dBTP")},
    {"audio", "signature_tune", "signature-tune", T_STR, O(signature_tune), "", 0, 0,
     N_("signature tune played before and after each programme (path under the audio root)")},
    {"audio", "fade_ms", "fade", T_INT, O(fade_ms), "300", 0, 10000,
     N_("fade-out in milliseconds when a programme is stopped early")},
    {"audio", "prepare_seconds", "prepare", T_INT, O(prepare_ms), "5", 1, 600,
     N_("seconds before the start a programme is prepared")},
    {"daemon", "grace_minutes", "grace", T_INT, O(grace_min), "10", 0, 1440,
     N_("how late a programme may still start, in minutes")},
    {"daemon", "preempt", "preempt", T_PREEMPT, O(preempt), "drop", 0, 0,
     N_("what happens to an item cut by an emergency: drop, restart or resume")},
    {"daemon", "overrun", "overrun", T_OVERRUN, O(overrun), "cut", 0, 0,
     N_("a programme longer than its slot: cut (faded out at the slot's end) or run")},
    {"report", "cutoff", "cutoff", T_CUTOFF, O(cutoff), "calendar", 0, 0,
     N_("report period convention: calendar or nd09")},
    {"report", "lang", "lang", T_LANG, O(lang), "vi", 0, 0,
     N_("report language: vi or en")},
    {"report", "issuer", "report-issuer", T_STR, O(report_issuer), "", 0, 0,
     N_("issuing body on the report, lines split by |; empty: the commune's People's Committee")},
    {"report", "code", "report-code", T_STR, O(report_code), "BC-UBND", 0, 0,
     N_("the report's document code, after \"Số: .../\"")},
    {"report", "place", "report-place", T_STR, O(report_place), "", 0, 0,
     N_("place name before the date; empty: the commune's name")},
    {"report", "sign_block", "report-sign-block", T_STR, O(report_sign_block),
     "TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH", 0, 0,
     N_("signature block above the signer, lines split by |")},
    {"report", "signer", "report-signer", T_STR, O(report_signer), "", 0, 0,
     N_("name of the person who signs the report")},
    {"report", "recipients", "report-recipients", T_STR, O(report_recipients),
     "Như trên|Lưu: VT", 0, 0, N_("recipients list of the report, split by |")},
    {"report", "directions_file", "report-directions", T_PATH, O(report_directions_file), "",
     0, 0, N_("text file for section III (directions, proposals); empty: a placeholder")},
    {"web", "listen", "web-listen", T_STR, O(web_listen), "127.0.0.1:8080", 0, 0,
     N_("address:port the web console listens on")},
    {"web", "db", "web-db", T_PATH, O(web_db), "loaxa-web.db", 0, 0,
     N_("the web console's accounts database (SQLite)")},
    {"web", "static_dir", "web-static-dir", T_STR, O(web_static_dir), "", 0, 0,
     N_("folder of the web console's pages (empty: the installed ones)")},
    {"web", "tls_cert", "web-tls-cert", T_STR, O(web_tls_cert), "", 0, 0,
     N_("TLS certificate (PEM) of the web console; with tls_key: HTTPS")},
    {"web", "tls_key", "web-tls-key", T_STR, O(web_tls_key), "", 0, 0,
     N_("TLS private key (PEM) of the web console")},
    {"web", "session_idle_minutes", "web-session-idle", T_DBL, O(web_session_idle_min), "30",
     0, 10080, N_("a console session ends after this many idle minutes")},
    {"web", "session_max_minutes", "web-session-max", T_DBL, O(web_session_max_min), "720",
     0, 43200, N_("a console session ends this many minutes after the login")},
    {"web", "max_connections", "web-max-connections", T_INT, O(web_max_connections), "64", 1,
     4096, N_("most connections the web console serves at once")},
    {"web", "max_connections_per_ip", "web-max-per-ip", T_INT, O(web_max_per_ip), "16", 1,
     4096, N_("most connections from one address to the web console")},
    {"web", "max_upload_mb", "web-max-upload-mb", T_INT, O(web_max_upload_mb), "100", 1, 4096,
     N_("largest recording the web console accepts, in MiB")},
    {"web", "versions_dir", "web-versions-dir", T_PATH, O(web_versions_dir),
     "loaxa-web.versions", 0, 0,
     N_("folder where the web console keeps every plan it installed, and its uploads")},
    {"web", "plan_url", "web-plan-url", T_STR, O(web_plan_url), "", 0, 0,
     N_("published calendar (http/https iCalendar address) the console follows; empty: none")},
    {"web", "plan_url_minutes", "web-plan-url-minutes", T_DBL, O(web_plan_url_min), "15", 0,
     1440, N_("how often the console fetches web.plan_url, in minutes")},
    {"province", "url", "province-url", T_STR, O(province_url), "", 0, 0,
     N_("the province's PostgreSQL database (a libpq URI) that loaxa push sends rows to")},
    {"province", "password_file", "province-password-file", T_PATH, O(province_password_file),
     "", 0, 0, N_("file holding the province database's password; empty: the URI or PGPASSWORD")},
    {"province", "batch_rows", "push-batch", T_INT, O(province_batch_rows), "5000", 1, 100000,
     N_("rows loaxa push sends in one transaction")},
};
#undef O

static const struct setting *find_key(const char *key)
{
    const char *dot = strchr(key, '.');
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
        const struct setting *s = &settings[i];
        if (dot) {
            size_t sl = (size_t)(dot - key);
            if (strlen(s->section) == sl && strncmp(s->section, key, sl) == 0 &&
                strcmp(s->key, dot + 1) == 0)
                return s;
        } else if (strcmp(s->key, key) == 0) {
            return s;
        }
    }
    return NULL;
}

const char *config_flag_key(const char *flag)
{
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
        if (strcmp(settings[i].flag, flag) == 0)
            return settings[i].key;
    return NULL;
}

void config_foreach(void (*fn)(const char *, const char *, const char *, const char *, void *),
                    void *ud)
{
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
        fn(settings[i].section, settings[i].key, settings[i].flag, settings[i].help, ud);
}

static int parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"1", "yes", "true", "on"}, *no[] = {"0", "no", "false", "off"};
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -EINVAL;
}

static int parse_hhmm(const char *v, int *min)
{
    int h, m, n = 0;
    if (sscanf(v, "%2d:%2d%n", &h, &m, &n) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
        (h == 24 && m != 0))
        return -1;
    *min = h * 60 + m;
    return n;
}

static int set_value(struct loaxa_config *cfg, const struct setting *s, const char *v,
                     const char *base_dir, char *err, size_t errlen)
{
    char *field = (char *)cfg + s->off;
    char *end;
    switch (s->type) {
    case T_STR:
    case T_LANG:
        if (s->type == T_LANG && strcmp(v, "vi") != 0 && strcmp(v, "en") != 0)
            goto bad;
        free(*(char **)field);
        *(char **)field = xstrdup(v);
        return 0;
    case T_PATH:
        if (!*v && *s->def) /* a path that may be unset has "" as its default */
            goto bad;
        free(*(char **)field);
        if (!*v) {
            *(char **)field = xstrdup("");
            return 0;
        }
        if (base_dir && v[0] != '/')
            *(char **)field = xasprintf("%s/%s", base_dir, v);
        else
            *(char **)field = xstrdup(v);
        return 0;
    case T_INT: {
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < s->min || n > s->max)
            goto bad;
        /* prepare_seconds is stored in milliseconds */
        *(int *)field = strcmp(s->key, "prepare_seconds") == 0 ? (int)n * 1000 : (int)n;
        return 0;
    }
    case T_BOOL:
        if (parse_bool(v, (bool *)field) < 0)
            goto bad;
        return 0;
    case T_LOUD:
        if (strcasecmp(v, "off") == 0) {
            cfg->normalize = false;
            return 0;
        }
        /* fall through */
    case T_DBL: {
        double d = strtod(v, &end);
        if (end == v || *end || !isfinite(d) || d < s->min || d > s->max)
            goto bad;
        *(double *)field = d;
        if (s->type == T_LOUD)
            cfg->normalize = true;
        return 0;
    }
    case T_HOURS: {
        int a, b, n = parse_hhmm(v, &a);
        if (n < 0 || v[n] != '-' || parse_hhmm(v + n + 1, &b) < 0 || b <= a)
            goto bad;
        cfg->hours_start_min = a;
        cfg->hours_end_min = b;
        return 0;
    }
    case T_PREEMPT:
        if (strcmp(v, "drop") == 0)
            cfg->preempt = CONFIG_PREEMPT_DROP;
        else if (strcmp(v, "restart") == 0)
            cfg->preempt = CONFIG_PREEMPT_RESTART;
        else if (strcmp(v, "resume") == 0)
            cfg->preempt = CONFIG_PREEMPT_RESUME;
        else
            goto bad;
        return 0;
    case T_APPROVAL:
        if (strcmp(v, "status") == 0)
            cfg->approval = CONFIG_APPROVAL_STATUS;
        else if (strcmp(v, "signed") == 0)
            cfg->approval = CONFIG_APPROVAL_SIGNED;
        else
            goto bad;
        return 0;
    case T_OVERRUN:
        if (strcmp(v, "cut") == 0)
            cfg->overrun = CONFIG_OVERRUN_CUT;
        else if (strcmp(v, "run") == 0)
            cfg->overrun = CONFIG_OVERRUN_RUN;
        else
            goto bad;
        return 0;
    case T_CUTOFF:
        if (strcmp(v, "calendar") == 0)
            cfg->cutoff = CONFIG_CUTOFF_CALENDAR;
        else if (strcmp(v, "nd09") == 0)
            cfg->cutoff = CONFIG_CUTOFF_ND09;
        else
            goto bad;
        return 0;
    }
bad:
    snprintf(err, errlen, _("invalid value \"%s\" for %s.%s (%s)"), v, s->section, s->key,
             _(s->help));
    return -EINVAL;
}

int config_set(struct loaxa_config *cfg, const char *key, const char *value,
               const char *base_dir, char *err, size_t errlen)
{
    const struct setting *s = find_key(key);
    if (!s) {
        snprintf(err, errlen, _("unknown setting \"%s\""), key);
        return -ENOENT;
    }
    return set_value(cfg, s, value, base_dir, err, errlen);
}

void config_init(struct loaxa_config *cfg)
{
    char err[256];
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
        set_value(cfg, &settings[i], settings[i].def, NULL, err, sizeof err);
}

void config_free(struct loaxa_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
        enum type t = settings[i].type;
        if (t == T_STR || t == T_PATH || t == T_LANG) {
            char **p = (char **)((char *)cfg + settings[i].off);
            free(*p);
            *p = NULL;
        }
    }
    free(cfg->config_file);
    cfg->config_file = NULL;
    free(cfg->station_db_path);
    cfg->station_db_path = NULL;
}

struct load_ctx {
    struct loaxa_config *cfg;
    const char *base_dir;
    char *err;
    size_t errlen;
};

static int on_ini_line(void *user, const char *section, const char *name, const char *value)
{
    struct load_ctx *ctx = user;
    char key[256];
    snprintf(key, sizeof key, "%s.%s", section, name);
    const struct setting *s = find_key(key);
    if (!s) {
        snprintf(ctx->err, ctx->errlen, _("unknown setting \"%s\" in section [%s]"), name,
                 section);
        return 0;
    }
    return set_value(ctx->cfg, s, value, ctx->base_dir, ctx->err, ctx->errlen) == 0;
}

int config_load_file(struct loaxa_config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    char msg[512] = "";
    struct load_ctx ctx = {cfg, dir, msg, sizeof msg};
    int line = ini_parse_file(f, on_ini_line, &ctx);
    fclose(f);
    free(dir);
    if (line != 0) {
        snprintf(err, errlen, "%s:%d: %s", path, line,
                 msg[0] ? msg : _("syntax error (expected [section] or key = value)"));
        return -EINVAL;
    }
    free(cfg->config_file);
    cfg->config_file = xstrdup(path);
    return 0;
}

const char *config_default_path(void)
{
    static const char *sys = SYSCONFDIR "/loaxa/loaxa.conf";
    const char *env = getenv("LOAXA_CONFIG");
    if (env && *env)
        return env;
    if (access("loaxa.conf", R_OK) == 0)
        return "loaxa.conf";
    if (access(sys, R_OK) == 0)
        return sys;
    return NULL;
}

char *config_get_text(const struct loaxa_config *cfg, const char *key)
{
    const struct setting *s = find_key(key);
    if (!s)
        return NULL;
    const char *field = (const char *)cfg + s->off;
    switch (s->type) {
    case T_STR:
    case T_PATH:
    case T_LANG:
        return xstrdup(*(char *const *)field ? *(char *const *)field : "");
    case T_INT:
        return xasprintf("%d", strcmp(s->key, "prepare_seconds") == 0 ? *(const int *)field / 1000
                                                                      : *(const int *)field);
    case T_BOOL:
        return xstrdup(*(const bool *)field ? "yes" : "no");
    case T_LOUD:
        if (!cfg->normalize)
            return xstrdup("off");
        /* fall through */
    case T_DBL:
        return xasprintf("%g", *(const double *)field);
    case T_HOURS:
        return xasprintf("%02d:%02d-%02d:%02d", cfg->hours_start_min / 60,
                         cfg->hours_start_min % 60, cfg->hours_end_min / 60,
                         cfg->hours_end_min % 60);
    case T_PREEMPT:
        return xstrdup(cfg->preempt == CONFIG_PREEMPT_DROP      ? "drop"
                       : cfg->preempt == CONFIG_PREEMPT_RESTART ? "restart"
                                                                : "resume");
    case T_APPROVAL:
        return xstrdup(cfg->approval == CONFIG_APPROVAL_SIGNED ? "signed" : "status");
    case T_OVERRUN:
        return xstrdup(cfg->overrun == CONFIG_OVERRUN_RUN ? "run" : "cut");
    case T_CUTOFF:
        return xstrdup(cfg->cutoff == CONFIG_CUTOFF_ND09 ? "nd09" : "calendar");
    }
    return NULL;
}
