/* One parsed VCALENDAR: its zones (embedded VTIMEZONEs, tzdata names,
 * Windows names), the X-LIC-ERRORs libical left in it, each reported at the
 * line its marker names (see ics.c), and its components: VEVENTs become
 * items (event.c), the rest is noted and ignored. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "plan/plan_internal.h"

static bool safe_zone_name(const char *s)
{
    if (!*s || strstr(s, ".."))
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '/' || *s == '_' || *s == '-' || *s == '+' || *s == '.'))
            return false;
    return true;
}

/* An IANA (or libical "/freeassociation..." style) name from tzdata. */
icaltimezone *plan_builtin_zone(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0 || strcmp(name, "GMT") == 0)
        return icaltimezone_get_utc_timezone();
    if (!safe_zone_name(name))
        return NULL;
    icaltimezone *z = name[0] == '/' ? icaltimezone_get_builtin_timezone_from_tzid(name)
                                     : icaltimezone_get_builtin_timezone(name);
    return z;
}

/* Windows zone names that Outlook may write without their VTIMEZONE
 * (CLDR windowsZones, territory 001), for the region and common peers. */
static const char *const windows_zones[][2] = {
    {"SE Asia Standard Time", "Asia/Bangkok"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"India Standard Time", "Asia/Kolkata"},
    {"GMT Standard Time", "Europe/London"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Eastern Standard Time", "America/New_York"},
    {"Central Standard Time", "America/Chicago"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
};

icaltimezone *plan_resolve_tzid(struct cal_ctx *cx, const char *tzid, int line)
{
    icaltimezone *z = icalcomponent_get_timezone(cx->cal, tzid);
    if (z)
        return z;
    if ((z = plan_builtin_zone(tzid)))
        return z;
    for (size_t i = 0; i < ARRAY_SIZE(windows_zones); i++) {
        if (strcmp(tzid, windows_zones[i][0]) != 0)
            continue;
        if ((z = plan_builtin_zone(windows_zones[i][1]))) {
            plan_add_diag(cx->plan, cx->fi, line, PLAN_WARNING,
                          _("TZID \"%s\" has no VTIMEZONE in the file; read as the "
                            "Windows zone for %s"), tzid, windows_zones[i][1]);
            return z;
        }
    }
    return NULL;
}

static long marker_of(icalproperty *p)
{
    const char *v = icalproperty_get_x(p);
    return v ? strtol(v, NULL, 10) : -1;
}

static bool is_marker(icalproperty *p)
{
    const char *n = icalproperty_isa(p) == ICAL_X_PROPERTY ? icalproperty_get_x_name(p) : NULL;
    return n && strcmp(n, ICS_MARKER) == 0;
}

/* Visits the properties of comp with the logical line each came from. */

void plan_walk_props(struct cal_ctx *cx, icalcomponent *comp, prop_fn fn, void *ud,
                       long *first_marker)
{
    icalproperty *pending[64];
    size_t n_pending = 0;
    long last = -1;
    *first_marker = -1;
    for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_ANY_PROPERTY); p;
         p = icalcomponent_get_next_property(comp, ICAL_ANY_PROPERTY)) {
        if (is_marker(p)) {
            last = marker_of(p);
            if (*first_marker < 0)
                *first_marker = last;
            for (size_t i = 0; i < n_pending; i++)
                fn(cx, pending[i], last, ud);
            n_pending = 0;
            continue;
        }
        if (n_pending == 64) { /* one line split into very many values */
            for (size_t i = 0; i < n_pending; i++)
                fn(cx, pending[i], last, ud);
            n_pending = 0;
        }
        pending[n_pending++] = p;
    }
    for (size_t i = 0; i < n_pending; i++)
        fn(cx, pending[i], last, ud);
}

/* Properties whose loss changes when or what an item airs. */
const char *const plan_fatal_props[] = {"DTSTART", "RRULE", "RDATE", "EXDATE",
                                          "RECURRENCE-ID", "DTEND", "DURATION", "UID",
                                          "ATTACH", "STATUS"};

bool plan_prop_fatal(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(plan_fatal_props); i++)
        if (strcmp(name, plan_fatal_props[i]) == 0)
            return true;
    return false;
}

/* Every X-LIC-ERROR surfaces with its line. An empty value of a property we
 * do not use ("LOCATION:" as Google and Outlook write it) is only a warning. */
void plan_report_xlic(struct cal_ctx *cx, icalproperty *p, long marker, bool fatal)
{
    const char *msg = icalproperty_get_xlicerror(p);
    bool empty = msg && strncmp(msg, "No value for", 12) == 0;
    if (empty && !fatal)
        plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, marker), PLAN_WARNING,
                      _("empty value ignored (libical: %s)"), msg);
    else
        plan_add_diag(cx->plan, cx->fi, ics_line_no(cx->doc, marker), PLAN_ERROR,
                      _("cannot parse: %s (line: \"%.80s\")"), msg ? msg : "?",
                      ics_line_text(cx->doc, marker));
}

void plan_xlic_only(struct cal_ctx *cx, icalproperty *p, long marker, void *ud)
{
    (void)ud;
    if (icalproperty_isa(p) == ICAL_XLICERROR_PROPERTY)
        plan_report_xlic(cx, p, marker, true);
}

/* Reports X-LIC-ERRORs anywhere below comp (not in VEVENTs: they do it). */
void plan_walk_errors(struct cal_ctx *cx, icalcomponent *comp)
{
    long first;
    plan_walk_props(cx, comp, plan_xlic_only, NULL, &first);
    for (icalcomponent *c = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
        plan_walk_errors(cx, c);
}

int plan_line_of_component(struct cal_ctx *cx, icalcomponent *comp)
{
    /* The first marker inside a component is its BEGIN line's. */
    for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(comp, ICAL_X_PROPERTY))
        if (is_marker(p))
            return ics_line_no(cx->doc, marker_of(p));
    return 0;
}

void plan_load_calendar(struct plan *plan, size_t fi, struct ics_doc *doc, size_t ci,
                        icalcomponent *cal)
{
    struct cal_ctx cx = {.plan = plan, .fi = fi, .doc = doc, .cal = cal};
    long first;
    plan_walk_props(&cx, cal, plan_xlic_only, NULL, &first);
    cx.floating = plan_builtin_zone(plan->default_tz);
    icalproperty *pid = icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY);
    const char *prodid = pid ? icalproperty_get_prodid(pid) : NULL;
    cx.outlook = prodid && (strstr(prodid, "Microsoft") || strstr(prodid, "Outlook"));
    icalproperty *wr = NULL;
    for (icalproperty *p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY))
        if (icalproperty_get_x_name(p) && strcmp(icalproperty_get_x_name(p), "X-WR-TIMEZONE") == 0)
            wr = p;
    if (wr && icalproperty_get_x(wr)) {
        const char *name = icalproperty_get_x(wr);
        icaltimezone *z = icalcomponent_get_timezone(cal, name);
        if (!z)
            z = plan_builtin_zone(name);
        if (z)
            cx.floating = z;
        else
            plan_add_diag(plan, fi, 0, PLAN_WARNING,
                          _("X-WR-TIMEZONE \"%s\" is not a known zone; floating times use "
                            "%s"), name, plan->default_tz ? plan->default_tz : "UTC");
    }
    for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT)) {
        icalcomponent_kind k = icalcomponent_isa(c);
        if (k == ICAL_VEVENT_COMPONENT) {
            plan_load_event(&cx, c);
        } else if (k == ICAL_VTIMEZONE_COMPONENT) {
            plan_walk_errors(&cx, c);
        } else {
            const char *kn = icalcomponent_kind_to_string(k);
            plan_add_diag(plan, fi, plan_line_of_component(&cx, c), PLAN_NOTE,
                          _("%s is ignored: only VEVENTs are broadcast items"),
                          kn && *kn ? kn : "X-");
            plan_walk_errors(&cx, c);
        }
    }
    /* Items keep their own copies of what they need, so each VEVENT is
     * freed once read: only the calendar's zones outlive loading. */
    for (size_t k = 0; k < ics_event_count(doc, ci); k++) {
        icalcomponent *ev = ics_event_parse(doc, plan, fi, ci, k, cal);
        if (!ev)
            continue;
        plan_load_event(&cx, ev);
        icalcomponent_remove_component(cal, ev);
        icalcomponent_free(ev);
    }
}
