/* The reasons the as-run log stores, one vocabulary: the daemon, the
 * scheduling core, `loaxa simulate` and the test log generator write only
 * these, as their English msgids; reports and `loaxa log` translate them
 * when shown (reason_label). In core, not aslog: the scheduling core names
 * them too and depends on no other module. A reason with a detail (who,
 * which file, the library's words) is stored as "<msgid>: <detail>"; the
 * msgid is translated when shown, the detail kept as written. The statuses
 * the log stores are enum aslog_status (aslog.h). */
#ifndef LOAXA_REASONS_H
#define LOAXA_REASONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/i18n.h"

/* interrupted: the row was on air when the daemon died (aslog_recover at
 * the next start, or the journal's replay of a start the log never got) */
#define REASON_DAEMON_STOPPED N_("daemon stopped")
/* interrupted: loaxad was asked to stop (SIGTERM, `loaxa stop` of the
 * daemon) while it aired, or its player did not end in time at exit */
#define REASON_SHUTDOWN N_("shutdown")
/* interrupted: an emergency cut into it (daemon and simulate) */
#define REASON_PREEMPTED N_("preempted by an emergency")
/* interrupted: the watchdog stopped it after its expected length */
#define REASON_OVERRAN N_("overran its expected length")
/* interrupted: its output took no frame and did not end when asked */
#define REASON_STALLED N_("output stalled")
/* interrupted: `loaxa stop`; detail: who ("uid:1000(name)") */
#define REASON_OPERATOR N_("stopped by the operator")
/* interrupted: the plan moved or removed it as its first frames went out */
#define REASON_REVOKED_STARTING N_("moved or removed in the plan as it started")
/* cancelled: the plan moved or removed it after it was armed, before its start */
#define REASON_REVOKED N_("moved or removed in the plan before it started")
/* cancelled: the plan moved it into the airing on air (it airs there) */
#define REASON_ABSORBED N_("moved in the plan into its own airing, which is on air")
/* cancelled: STATUS:TENTATIVE in the plan (STATUS:CANCELLED stores "") */
#define REASON_TENTATIVE N_("not approved (STATUS:TENTATIVE)")
/* missed: station.approval = signed and no approval of the item as it is
 * now (its content hash) when its start came; counted like REASON_TENTATIVE */
#define REASON_NOT_APPROVED N_("not approved (no approval of its current content)")
/* missed: its start lies outside station.broadcast_hours (the core) */
#define REASON_HOURS N_("outside the broadcast hours")
/* aired: faded out at its slot's end, longer than its slot (daemon.overrun
 * = cut; daemon and simulate): it aired as planned, not a failure */
#define REASON_SLOT_END N_("cut at the end of its slot")
/* missed: due while loaxad was not running */
#define REASON_NOT_RUNNING N_("the daemon was not running")
/* missed: a forward step of the clock went past its grace period */
#define REASON_CLOCK_JUMP N_("the clock jumped forward past it")
/* missed: an emergency cut it and the rest could not air within grace */
#define REASON_CUT_NO_RESUME N_("cut by an emergency and could not go on within the grace period")
/* missed: it could not start within the grace period (others on air) */
#define REASON_GRACE N_("could not start within the grace period")
/* aired: its first frame came late because the output answered late */
#define REASON_LATE_NO_ANSWER N_("started late: the audio output did not answer")
/* aired: its first frame came late because the output was slow to start */
#define REASON_LATE_SLOW N_("started late: the audio output was slow to start")
/* aired late although started when asked: queued behind the one on air */
#define REASON_LATE_QUEUED N_("started late: the programme before it was on air")
/* aired late although started when asked: asked late (a restart or a
 * clock step) within the grace period */
#define REASON_LATE_GRACE N_("started late, within the grace period")
/* aired: a recording held less audio than its header says (truncated) */
#define REASON_SHORT_RECORDING N_("recording shorter than its header")
/* failed: the output never answered within the grace period */
#define REASON_NO_ANSWER N_("the audio output did not answer")
/* failed: more programmes prepared at once than the daemon holds */
#define REASON_TOO_MANY N_("too many programmes at once")
/* failed: the item lists no recordings the daemon can use */
#define REASON_NO_RECORDINGS N_("no recordings")
/* failed: no output device exists (said once at start too) */
#define REASON_NO_DEVICE                                                                 \
    N_("no output device was found; set [audio] device (--device) to a device name, "   \
       "to file:PATH.wav or to null")
/* failed: the recordings or the output could not be prepared; detail:
 * the error (file name, libsndfile's or the device's words) */
#define REASON_PREPARE_FAILED N_("could not be prepared")
/* failed or interrupted: the output device failed; detail: its error */
#define REASON_OUTPUT_FAILED N_("the audio output failed")
/* failed or interrupted: a recording could not be decoded; detail: why */
#define REASON_DECODE_FAILED N_("a recording could not be read")

/* The vocabulary, for tests and tools: n entries, each a msgid above. */
size_t reason_count(void);
const char *reason_msgid(size_t i);

/* "<msgid>: <detail>" into buf (detail NULL or "": the msgid alone);
 * returns buf. */
const char *reason_with(char *buf, size_t len, const char *msgid, const char *detail);

/* A stored reason as the officer reads it, in the current language: a
 * known msgid translated, "<msgid>: <detail>" with the msgid translated
 * and the detail kept, and the spellings older versions stored mapped to
 * today's. Anything else is returned as stored. The result is stored,
 * a catalogue string or buf. */
const char *reason_label(const char *stored, char *buf, size_t len);

#endif
