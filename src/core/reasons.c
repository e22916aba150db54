/* The stored reasons and how they are shown (see reasons.h). */
#include "core/reasons.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

static const char *const vocabulary[] = {
    REASON_DAEMON_STOPPED, REASON_SHUTDOWN,        REASON_PREEMPTED,
    REASON_OVERRAN,        REASON_STALLED,         REASON_OPERATOR,
    REASON_REVOKED_STARTING, REASON_REVOKED,       REASON_TENTATIVE,
    REASON_NOT_APPROVED,
    REASON_ABSORBED,
    REASON_NOT_RUNNING,    REASON_CLOCK_JUMP,      REASON_CUT_NO_RESUME,
    REASON_GRACE,          REASON_LATE_NO_ANSWER,  REASON_LATE_SLOW,
    REASON_LATE_QUEUED,    REASON_LATE_GRACE,
    REASON_SHORT_RECORDING, REASON_NO_ANSWER,      REASON_TOO_MANY,
    REASON_NO_RECORDINGS,  REASON_NO_DEVICE,       REASON_PREPARE_FAILED,
    REASON_OUTPUT_FAILED,  REASON_DECODE_FAILED,   REASON_HOURS,
    REASON_SLOT_END,
};

/* What older versions (and older test logs) stored, and today's msgid. A
 * prefix ending in a space took a detail after it. */
static const struct {
    const char *old, *now;
} legacy[] = {
    {"operator ", REASON_OPERATOR},
    {"stopped by operator", REASON_OPERATOR},
    {"preempted by emergency", REASON_PREEMPTED},
    {"preempted", REASON_PREEMPTED},
    {"stopped", REASON_OPERATOR},
    {"device-error", REASON_OUTPUT_FAILED},
    {"decode-error", REASON_DECODE_FAILED},
    {"no output device", REASON_NO_DEVICE},
    {"could not start within 10 minutes", REASON_GRACE},
    {"cancelled in the plan", ""},
};

size_t reason_count(void)
{
    return ARRAY_SIZE(vocabulary);
}

const char *reason_msgid(size_t i)
{
    return i < ARRAY_SIZE(vocabulary) ? vocabulary[i] : NULL;
}

const char *reason_with(char *buf, size_t len, const char *msgid, const char *detail)
{
    if (detail && *detail)
        snprintf(buf, len, "%s: %s", msgid, detail);
    else
        snprintf(buf, len, "%s", msgid);
    return buf;
}

static const char *translated(const char *msgid, const char *detail, char *buf, size_t len)
{
    if (!*msgid)
        return "";
    if (!detail || !*detail)
        return _(msgid);
    snprintf(buf, len, "%s: %s", _(msgid), detail);
    return buf;
}

const char *reason_label(const char *stored, char *buf, size_t len)
{
    if (!stored || !*stored)
        return "";
    for (size_t i = 0; i < ARRAY_SIZE(vocabulary); i++) {
        size_t n = strlen(vocabulary[i]);
        if (strncmp(stored, vocabulary[i], n) != 0)
            continue;
        if (!stored[n])
            return _(vocabulary[i]);
        if (stored[n] == ':' && stored[n + 1] == ' ')
            return translated(vocabulary[i], stored + n + 2, buf, len);
    }
    for (size_t i = 0; i < ARRAY_SIZE(legacy); i++) {
        size_t n = strlen(legacy[i].old);
        if (legacy[i].old[n - 1] == ' ') {
            if (strncmp(stored, legacy[i].old, n) == 0 && stored[n])
                return translated(legacy[i].now, stored + n, buf, len);
        } else if (strcmp(stored, legacy[i].old) == 0) {
            return translated(legacy[i].now, NULL, buf, len);
        }
    }
    return stored;
}
