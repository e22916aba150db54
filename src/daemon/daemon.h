/* loaxad's state, shared by its files: the loop (daemon.c), what it does
 * for the control socket (control.c) and main (loaxad.c). Internal to the
 * daemon: nothing outside src/daemon includes this. */
#ifndef LOAXA_DAEMON_H
#define LOAXA_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "aslog/aslog.h"
#include "audio/player.h"
#include "core/clock.h"
#include "core/config.h"
#include "ctl/ctl.h"
#include "plan/plan.h"
#include "airlog/airlog.h"
#include "sched/sched.h"

/* A programme with a player: prepared, on air, or fading out. */
struct airing {
    struct sched_entry *e;
    struct player *p;
    int64_t row_id;               /* -1 until aslog_begin */
    int64_t asked_start_ms;       /* planned start, or when it was started late */
    int64_t duration_ms;          /* from the recordings' headers, -1 unknown */
    char operator_name[160];      /* manual airings and operator stops */
    bool stop_by_operator;
    bool overran;                 /* the watchdog stopped it */
    bool unlogged;                /* on air although its row could not be written */
    /* the player prepares on its own thread (player.h) */
    bool preparing;               /* its preparation has not finished */
    bool at_once;                 /* started "as soon as possible", not at an instant */
    bool gave_up;                 /* its output never answered within grace */
    int64_t prep_ms;              /* when the preparation began */
    int64_t ready_ms;             /* when the preparation finished, -1 not yet */
    int64_t length_ms;            /* the watchdog's expected length */
    int64_t short_ms;             /* how much its recordings lack of their headers */
    int64_t progress_mono;        /* last aslog_progress (monotonic ms), -1 none */
    int jticket;                  /* unlogged: its start in the journal (0: none) */
    bool revoked;                 /* stopped before its start: a reload moved it */
};
/* On air, the row's actual start and played time are written this often. */
#define AIRING_PROGRESS_MS 5000
/* A first frame later than this after its planned instant is a late start;
 * one started at once with its preparation, later than this after the ask
 * (a preparation measures loudness for up to ~1.5 s). */
#define AIRING_LATE_MS 100
#define AIRING_PREPARE_MAX_MS 3000

/* A row the log could not take yet (backlog.c). */
struct backlog_op {
    struct aslog_row *row;        /* owned (aslog_row_dup) */
    int64_t id;                   /* >= 0: that row is on air in the log; finish it */
    bool went_on_air;             /* aired (begin + finish), else aslog_record */
    int jticket;                  /* its journal record (journal.h), 0: none */
    int attempts_before;          /* replayed: the occurrence's rows when journaled */
    bool replayed;                /* read back from the journal at start */
    bool from_start;              /* replayed from a start record (cut by the stop) */
};
#define BACKLOG_RETRY_MS 5000

#define DAEMON_MAX_AIRINGS 4
#define DAEMON_MAX_CONNS 16       /* control clients at once (conns.c) */
#define DAEMON_MAX_FAILURES 5
#define DAEMON_MAX_RELOAD_WAITERS 8

struct journal;
struct hasher;
struct approvals;

struct adhoc_op {                 /* who asked for an ad-hoc airing */
    char key[160];
    char operator_name[160];
};

struct daemon {
    struct loaxa_config *cfg;
    struct lclock *clk;           /* the caller's (daemon_init): not freed here */
    struct aslog *log;
    struct airlog *al;
    struct hasher *hasher;        /* recordings' hashes, off the loop */
    struct approvals *appr;       /* which items may air (approval.c) */
    struct sched *s;
    struct planner *planner;      /* loads and expands off the loop */
    unsigned long load_asked, load_done; /* the last load asked for, the last one done */
    bool expanding;               /* an expansion of plan is asked for */
    int64_t expand_retry_mono;    /* after a failed one, the next not before */
    struct reload_waiter {        /* RELOAD connections waiting for a load */
        struct ctl_conn *c;
        unsigned long seq;
    } reload_waiters[DAEMON_MAX_RELOAD_WAITERS];
    int n_reload_waiters;
    struct plan *plan;            /* the last good plan */
    struct plan_occurrence *occ;  /* loaded into sched; kept until the next load */
    size_t n_occ;
    int64_t win_from, win_to;     /* the occurrences loaded */
    /* the first airing after the window (planner_next), for status and the
     * start line when the window holds none; valid while next_of == plan */
    struct plan_occurrence next_occ;
    const struct plan *next_of;
    bool next_asked;              /* a planner_next is under way */
    bool next_none;               /* it found none within its horizon */
    bool next_said;               /* the start's "next airing" line is written */
    int64_t plan_loaded_ms;
    char *plan_errors;            /* the airing plan's errors (their items left out), or
                                   * why the last read failed; NULL: none */
    int n_plan_errors;
    int plan_left_out;            /* errors of the airing plan: its items left out */
    int plan_bad_recordings;      /* its ATTACHes that cannot air (after the errors) */
    char *plan_own_errors;        /* the airing plan's errors alone (for a recheck) */
    int64_t recheck_mono;         /* the recordings are checked again from then on */
    bool plan_refused;            /* the newest plan was refused (errors) or could not be
                                   * read: the plan airing is the last good one */
    bool plan_fallback;           /* the plan airing is the last good plan's copy, read
                                   * at start instead of a plan with errors */

    struct airing air[DAEMON_MAX_AIRINGS];
    struct adhoc_op *adhoc;
    size_t n_adhoc;

    struct backlog_op *backlog;
    size_t n_backlog, cap_backlog;
    int64_t backlog_retry_mono;
    struct journal *jn;           /* the backlog's copy on disk, or NULL */
    bool journal_full_said;
    char log_error[256];          /* why the log refused an airing's start */

    struct conns *conns;          /* the control socket's clients */
    struct loop *loop;            /* the fds daemon_run polls (loop.h) */
    int tfd, jfd, sfd, lfd, ifd;
    char *plan_dir;               /* the folder watched for plan changes */
    int parent_wd;                /* its parent's watch: the folder may go and come back */
    int dir_wd;                   /* the folder's watch; -1 while it does not exist */
    struct lclock_mark mark;
    bool synced;                  /* last ntp_adjtime answer */
    bool no_device_said;          /* said once until a device works again */
    bool counting_devices;        /* airing_check_device's count is running */
    char failures[DAEMON_MAX_FAILURES][512];
    int n_failures;
    bool quit;
    int64_t quit_deadline_mono;
    int64_t started_ms;
    int64_t last_end_ms;          /* when the last airing ended (late-start reasons) */
};

/* daemon.c */
/* clk: the clock everything reads (lclock_system(), or a fake one); the
 * caller keeps it and frees it after daemon_fini. */
int daemon_init(struct daemon *d, struct loaxa_config *cfg, struct lclock *clk, char *err,
                size_t errlen);
int daemon_run(struct daemon *d);
void daemon_fini(struct daemon *d);
/* Asks for the plan to be read again (in the planner's thread); returns
 * the load's number. daemon_reload_wait: the same for RELOAD, whose
 * connection is answered when that load is done; true when c is kept
 * (the caller must not free it). */
unsigned long daemon_reload(struct daemon *d, bool startup);
bool daemon_reload_wait(struct daemon *d, struct ctl_conn *c);
/* The window holds no airing ahead: asks the planner for the next one
 * beyond it (next_occ), at most one request at a time. */
void daemon_next_check(struct daemon *d);
void daemon_note_failure(struct daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct airing *daemon_on_air(struct daemon *d);
void daemon_revoke_end(struct daemon *d, struct airing *a, const struct player_report *rep);

/* airing.c */
struct airing *airing_find(struct daemon *d, const struct sched_entry *e);
void airing_drop(struct airing *a);
const char *airing_operator(struct daemon *d, const char *key);
void airing_forget_adhoc(struct daemon *d, const char *key);
void airing_record_failed(struct daemon *d, const struct sched_entry *e, const char *reason);
/* airlog_record, kept in the backlog when the log cannot take it (then 0) */
int airing_log_record(struct daemon *d, const struct sched_entry *e, enum aslog_status st,
                      const char *reason, const char *device);
void airing_log_end(struct daemon *d, struct airing *a, enum aslog_status st,
                    const char *reason, int64_t start_ms, int64_t end_ms, int64_t played_ms,
                    int underruns);
/* Closes the row of a programme that does not end (interrupted, reason),
 * with what its player says it played. */
void airing_log_cut(struct daemon *d, struct airing *a, const char *reason);
void airing_prepare(struct daemon *d, struct sched_entry *e);
void airing_start(struct daemon *d, struct sched_entry *e, int64_t at_ms);
void airing_check_players(struct daemon *d);
/* Progress rows, late outputs; returns ms until it wants to run again (-1: no need). */
int airing_tick(struct daemon *d);
void airing_check_device(struct daemon *d);
void airing_overrun(struct daemon *d, struct sched_entry *e);
/* The slot ends at end_ms: fade the programme out so its sound ends there. */
void airing_slot_end(struct daemon *d, struct sched_entry *e, int64_t end_ms);
void airing_abandon(struct daemon *d, struct sched_entry *e, const char *reason);

/* backlog.c */
void backlog_add_row(struct daemon *d, struct aslog_row *row, bool went_on_air);
/* The finished row of an airing that had none; it replaces started_ticket. */
void backlog_add_aired(struct daemon *d, struct aslog_row *row, int started_ticket);
/* Journals the ON_AIR row the log refused (before the first sample): its
 * ticket for backlog_add_aired, or 0. */
int backlog_journal_start(struct daemon *d, const struct aslog_row *on_air);
/* At start, before scheduling: opens <db>.journal and takes its rows. */
int backlog_open_journal(struct daemon *d);
void backlog_add_finish(struct daemon *d, int64_t id, const struct sched_entry *e,
                        enum aslog_status st, const char *reason, int64_t start_ms,
                        int64_t end_ms, int64_t played_ms, int underruns);
bool backlog_has(const struct daemon *d, const char *key);
size_t backlog_flush(struct daemon *d);    /* returns the rows still kept */
void backlog_fini(struct daemon *d);       /* a last try; what is left is logged as lost */

/* conns.c: the control socket's clients (deadlines, slots, the rate) */
struct pollfd;
struct conns *conns_new(int64_t mono_ms);
void conns_free(struct conns *cs);
/* Drops clients past their deadline; returns the poll timeout in ms until
 * the next one (-1: none). */
int conns_expire(struct daemon *d);
/* The listening socket to poll, or -1 while accepting is paused (the
 * accept rate; conns_expire's timeout covers the pause). */
int conns_listen_fd(struct daemon *d);
/* Fills DAEMON_MAX_CONNS pollfds (POLLIN, or POLLOUT while an answer is
 * going out); returns DAEMON_MAX_CONNS. */
int conns_fill(struct daemon *d, struct pollfd *pfd);
/* After poll: serves the clients in pfd (as conns_fill left them), then
 * accepts new ones (a bounded number) when the listening socket is ready. */
void conns_handle(struct daemon *d, const struct pollfd *pfd, bool listen_ready);
/* A client control_handle kept (RELOAD) has its answer queued now: it is
 * written out like any other (and the client closed after it). */
void conns_answered(struct daemon *d, struct ctl_conn *c);

/* approval.c: station.approval, the decisions in the log (doc/admin.md) */
struct approvals *approvals_new(void);
void approvals_free(struct approvals *a);
/* The window's occurrences changed (d->occ): its items, looked up again. */
void approvals_reset(struct daemon *d);
/* Computes what is due (content hashes, decisions); true while something
 * is awaited (a recording being hashed): call again within a second. */
bool approvals_refresh(struct daemon *d);
/* sched_opts.approved (ud: the daemon). */
bool approvals_ok(void *ud, const struct plan_item *it);
size_t approvals_pending_count(const struct daemon *d);
char *approvals_pending_json(struct daemon *d);        /* PENDING's answer */
void approvals_decide(struct daemon *d, struct ctl_conn *c, const struct ctl_request *req);

/* control.c */
/* true: c was kept, to be answered later (the caller must not free it) */
bool control_handle(struct daemon *d, struct ctl_conn *c, const char *line);

#endif
