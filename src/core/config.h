/* Settings: built-in defaults, then an INI file, then command-line flags.
 * Every setting has a flag (`loaxa --help` lists them). */
#ifndef LOAXA_CONFIG_H
#define LOAXA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum config_preempt { CONFIG_PREEMPT_DROP, CONFIG_PREEMPT_RESTART, CONFIG_PREEMPT_RESUME };
enum config_cutoff { CONFIG_CUTOFF_CALENDAR, CONFIG_CUTOFF_ND09 };
/* A programme longer than its slot (DTEND/DURATION): faded out at the slot's
 * end, or left to run to its end. */
enum config_overrun { CONFIG_OVERRUN_CUT, CONFIG_OVERRUN_RUN };
/* station.approval: status (STATUS:TENTATIVE items wait, with
 * require_approval), signed (every plan item waits for an APPROVE) */
enum config_approval { CONFIG_APPROVAL_STATUS, CONFIG_APPROVAL_SIGNED };

struct loaxa_config {
    /* [station] */
    char *commune;
    char *station_code;       /* the administrative unit code (national list); export */
    char *province;           /* the province's name; export */
    char *timezone;           /* default zone for floating times; IANA name */
    int hours_start_min;      /* allowed broadcast hours, minutes after local midnight */
    int hours_end_min;
    int max_session_min;      /* longest allowed session */
    bool require_approval;    /* only STATUS:CONFIRMED (or no STATUS) items air */
    enum config_approval approval;
    bool emergency_from_priority; /* PRIORITY:1 = emergency; no: priority (Outlook's
                                   * "high importance" is PRIORITY:1) */
    /* [paths]; relative paths in a file are taken from the file's folder */
    char *plan_path;          /* .ics file or directory of them */
    char *audio_root;
    char *db_path;
    char *socket_path;
    char *socket_group;
    /* [audio] */
    char *device;             /* PortAudio name or index, "default", "file:PATH.wav", "null" */
    int latency_ms;
    bool normalize;           /* loudness normalisation on ("off" sets false) */
    double loudness_target;   /* LUFS */
    double true_peak;         /* dBTP ceiling */
    char *signature_tune;     /* path under audio root, or "" for none */
    int fade_ms;
    int prepare_ms;           /* how long before the start a programme is prepared */
    /* [daemon] */
    int grace_min;
    enum config_preempt preempt;
    enum config_overrun overrun;
    /* [report] */
    enum config_cutoff cutoff;
    char *lang;               /* "vi" or "en" for reports */
    /* the administrative document's form (Decree 30/2020/ND-CP); lists split by '|' */
    char *report_issuer, *report_code, *report_place, *report_sign_block, *report_signer,
        *report_recipients, *report_directions_file;
    /* [web]: loaxa-web, the station console */
    char *web_listen;         /* "127.0.0.1:8080" */
    char *web_db;             /* the console's accounts (SQLite) */
    char *web_static_dir;     /* the pages; "" = the installed (or source tree's) web/ */
    char *web_tls_cert;       /* PEM files; both set: HTTPS */
    char *web_tls_key;
    double web_session_idle_min;  /* a session ends this long after its last request */
    double web_session_max_min;   /* ... and this long after the login, whatever */
    int web_max_connections;
    int web_max_per_ip;
    int web_max_upload_mb;       /* the largest recording upload */
    char *web_versions_dir;      /* installed plan versions, uploads waiting */
    char *web_plan_url;          /* a published calendar to follow; "" = none */
    double web_plan_url_min;     /* its fetch interval */
    /* [province]: `loaxa push` and `loaxa province` (PostgreSQL) */
    char *province_url;       /* a libpq connection URI */
    char *province_password_file; /* the password's file; "": the URI or the PG environment */
    int province_batch_rows;  /* rows per push transaction */

    char *config_file;        /* the file loaded, or NULL */
    /* The station's own log: [paths] db as the config file (or the default)
     * says, before command-line flags; and whether a flag chose db_path.
     * `loaxa simulate` never writes into the station's log. */
    char *station_db_path;
    bool db_from_cli;
};

/* Fills built-in defaults (they work from a source checkout). */
void config_init(struct loaxa_config *cfg);
void config_free(struct loaxa_config *cfg);

/* Loads an INI file over the current values. On error returns -errno or
 * -EINVAL and writes "FILE:LINE: message" to err. */
int config_load_file(struct loaxa_config *cfg, const char *path, char *err, size_t errlen);

/* Sets one setting by its INI key ("audio.device" or "device"); base_dir,
 * if not NULL, anchors relative paths. -ENOENT unknown key, -EINVAL bad value. */
int config_set(struct loaxa_config *cfg, const char *key, const char *value,
               const char *base_dir, char *err, size_t errlen);

/* Maps a command-line flag name (without "--") to its key, or NULL. */
const char *config_flag_key(const char *flag);

/* Visits every setting: section, key, flag, help text (an msgid). */
void config_foreach(void (*fn)(const char *section, const char *key, const char *flag,
                               const char *help, void *ud), void *ud);

/* The default config file search: $LOAXA_CONFIG, ./loaxa.conf, then
 * SYSCONFDIR/loaxa/loaxa.conf; NULL when none exists. */
const char *config_default_path(void);

/* Current value as text, for status and diagnostics. Caller frees. */
char *config_get_text(const struct loaxa_config *cfg, const char *key);

#endif
