#!/usr/bin/env python3
"""expected-occurrences.py — compute the occurrences of an iCalendar plan
independently of libical, for the loader's test fixtures.

It parses the .ics itself (unfolding, content lines, components), resolves
time zones with the system zoneinfo database (or a fixed offset when the
file's VTIMEZONE has a single constant offset, e.g. Outlook's
"SE Asia Standard Time"), and expands RRULEs with python-dateutil.

Output format (one file per fixture, X.ics -> X.expected):

    # window 2026-01-01T00:00:00Z 2028-01-01T00:00:00Z
    UID<TAB>START_UTC                       (YYYY-MM-DDTHH:MM:SSZ)

one line per non-cancelled occurrence whose start lies in the half-open
window [start, end), sorted by start then UID.  TENTATIVE items are listed
(they are not cancelled); a master with STATUS:CANCELLED contributes none.

Semantics (RFC 5545):
  * recurrences are expanded in local wall-clock time of DTSTART's zone;
  * a local time in a DST gap uses the offset in force before the gap,
    an ambiguous local time (overlap) means its first occurrence (§3.3.5);
  * UNTIL in UTC is compared as an instant;
  * EXDATE / RECURRENCE-ID match an instance when they denote the same
    instant (any zone), or, for VALUE=DATE EXDATEs, the same local date;
  * floating times are taken in --floating-tz (the station's zone,
    default Asia/Ho_Chi_Minh);
  * a TZID without VTIMEZONE is accepted if it is an IANA name (like
    libical's builtin zones), otherwise it is an error.

Usage:
  expected-occurrences.py FILE.ics [--start T] [--end T] [-o OUT]
  expected-occurrences.py --regen DIR   # rewrite every DIR/X.expected that
                                        # exists, keeping its window line
Exit status: 0 ok, 2 the file could not be interpreted (message on stderr).
"""

import argparse
import datetime as dt
import os
import re
import sys
from zoneinfo import ZoneInfo, available_timezones

try:
    from dateutil import rrule as durrule
except ImportError:  # pragma: no cover
    sys.exit("expected-occurrences.py: needs python3-dateutil "
             "(apt-get install python3-dateutil)")

UTC = dt.timezone.utc


class PlanError(Exception):
    pass


# ---------------------------------------------------------------- parsing
def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def parse_line(line, lineno):
    """Split a content line into (NAME, {PARAM: [values]}, value)."""
    i, n = 0, len(line)
    while i < n and line[i] not in ";:":
        i += 1
    name = line[:i].upper()
    if not name or not re.fullmatch(r"[A-Z0-9-]+", name):
        raise PlanError(f"line {lineno}: bad property name {name!r}")
    params = {}
    while i < n and line[i] == ";":
        i += 1
        j = i
        while j < n and line[j] != "=":
            j += 1
        pname = line[i:j].upper()
        i = j + 1
        vals = []
        while True:
            if i < n and line[i] == '"':
                j = line.index('"', i + 1)
                vals.append(line[i + 1:j])
                i = j + 1
            else:
                j = i
                while j < n and line[j] not in ",;:":
                    j += 1
                vals.append(line[i:j])
                i = j
            if i < n and line[i] == ",":
                i += 1
                continue
            break
        params[pname] = vals
    if i >= n or line[i] != ":":
        raise PlanError(f"line {lineno}: missing ':' in {line[:40]!r}")
    return name, params, line[i + 1:]


class Component:
    def __init__(self, name, lineno):
        self.name = name
        self.lineno = lineno
        self.props = []       # (name, params, value, lineno)
        self.children = []

    def get(self, name):
        for p in self.props:
            if p[0] == name:
                return p
        return None

    def all(self, name):
        return [p for p in self.props if p[0] == name]


def parse_ics(data):
    if not data.strip():
        raise PlanError("empty file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PlanError(f"not UTF-8 text: {e}")
    text = text.lstrip("\ufeff")
    # keep physical line numbers: unfold but remember where lines started
    phys = re.split(r"\r?\n", text)
    logical = []
    for no, l in enumerate(phys, 1):
        if l[:1] in (" ", "\t") and logical:
            logical[-1][1] += l[1:]
        else:
            logical.append([no, l])
    roots, stack = [], []
    for no, l in logical:
        if l == "":
            continue
        name, params, value = parse_line(l, no)
        if name == "BEGIN":
            c = Component(value.upper(), no)
            (stack[-1].children if stack else roots).append(c)
            stack.append(c)
        elif name == "END":
            if not stack or stack[-1].name != value.upper():
                raise PlanError(f"line {no}: unexpected END:{value}")
            stack.pop()
        else:
            if not stack:
                raise PlanError(f"line {no}: property outside component")
            stack[-1].props.append((name, params, value, no))
    if stack:
        raise PlanError(f"line {stack[-1].lineno}: BEGIN:{stack[-1].name} "
                        "is never closed")
    cals = [c for c in roots if c.name == "VCALENDAR"]
    if not cals:
        raise PlanError("no VCALENDAR")
    return cals


# ---------------------------------------------------------------- time zones
_IANA = None


def iana(name):
    global _IANA
    if _IANA is None:
        _IANA = available_timezones()
    return name in _IANA


def parse_offset(s):
    m = re.fullmatch(r"([+-])(\d\d)(\d\d)(\d\d)?", s.strip())
    if not m:
        raise PlanError(f"bad UTC offset {s!r}")
    sec = int(m[2]) * 3600 + int(m[3]) * 60 + int(m[4] or 0)
    return dt.timedelta(seconds=sec if m[1] == "+" else -sec)


def zones_of(cal):
    zones = {}
    for c in cal.children:
        if c.name != "VTIMEZONE":
            continue
        tzid = c.get("TZID")[2]
        obs = [o for o in c.children if o.name in ("STANDARD", "DAYLIGHT")]
        offs = {parse_offset(o.get("TZOFFSETTO")[2]) for o in obs}
        loc = c.get("X-LIC-LOCATION")
        if iana(tzid):
            zones[tzid] = ZoneInfo(tzid)
        elif loc and iana(loc[2]):
            zones[tzid] = ZoneInfo(loc[2])
        elif len(offs) == 1:
            zones[tzid] = dt.timezone(offs.pop(), tzid)
        else:
            raise PlanError(f"VTIMEZONE {tzid!r}: cannot interpret rules")
    return zones


class Ctx:
    def __init__(self, zones, floating):
        self.zones = zones
        self.floating = floating

    def tz(self, params, lineno):
        if "TZID" not in params:
            return None
        tzid = params["TZID"][0]
        if tzid in self.zones:
            return self.zones[tzid]
        if iana(tzid):
            return ZoneInfo(tzid)
        raise PlanError(f"line {lineno}: unknown TZID {tzid!r}")


def parse_dt(value, tz, ctx, lineno):
    """Return (naive local wall time, tzinfo) for a DATE-TIME or DATE."""
    v = value.strip()
    m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z)?)?", v)
    if not m:
        raise PlanError(f"line {lineno}: bad date-time {value!r}")
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    if m[4] is None:
        return dt.datetime(y, mo, d), (tz or ctx.floating), True
    naive = dt.datetime(y, mo, d, int(m[4]), int(m[5]), int(m[6]))
    if m[7]:
        return naive, UTC, False
    return naive, (tz or ctx.floating), False


def to_utc(naive, tz):
    # fold=0: gap -> offset before the transition, overlap -> first instance
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def from_utc(instant, tz):
    return instant.astimezone(tz).replace(tzinfo=None)


def dt_prop(prop, ctx):
    name, params, value, lineno = prop
    tz = ctx.tz(params, lineno)
    out = []
    for v in value.split(","):
        naive, z, is_date = parse_dt(v, tz, ctx, lineno)
        out.append((naive, z, is_date))
    return out


# ---------------------------------------------------------------- expansion
def expand_master(ev, ctx, win_start, win_end):
    p = ev.get("DTSTART")
    if p is None:
        raise PlanError(f"line {ev.lineno}: VEVENT without DTSTART")
    (start, tz, is_date), = dt_prop(p, ctx)
    local_end = from_utc(win_end, tz) + dt.timedelta(days=2)
    instances = {to_utc(start, tz)}
    for rp in ev.all("RRULE"):
        rule = rp[2]
        parts = []
        for kv in rule.split(";"):
            if "=" not in kv:
                raise PlanError(f"line {rp[3]}: bad RRULE part {kv!r}")
            k, v = kv.split("=", 1)
            k = k.upper()
            if k == "FREQ" and v.upper() not in (
                    "SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY",
                    "MONTHLY", "YEARLY"):
                raise PlanError(f"line {rp[3]}: bad FREQ {v!r}")
            if k == "UNTIL" and v.endswith("Z"):
                u, _, _ = parse_dt(v, None, ctx, rp[3])
                v = from_utc(u.replace(tzinfo=UTC), tz).strftime(
                    "%Y%m%dT%H%M%S")
            parts.append(f"{k}={v}")
        try:
            r = durrule.rrulestr("RRULE:" + ";".join(parts), dtstart=start)
        except (ValueError, TypeError) as e:
            raise PlanError(f"line {rp[3]}: bad RRULE: {e}")
        first = True
        for occ in r:
            if first and occ != start:
                print(f"warning: line {p[3]}: DTSTART not synchronized "
                      "with RRULE (DTSTART still counts)", file=sys.stderr)
            first = False
            if occ > local_end:
                break
            instances.add(to_utc(occ, tz))
    for rp in ev.all("RDATE"):
        if rp[1].get("VALUE", ["DATE-TIME"])[0].upper() == "PERIOD":
            vals = [v.split("/")[0] for v in rp[2].split(",")]
            rp = (rp[0], rp[1], ",".join(vals), rp[3])
        for naive, z, _ in dt_prop(rp, ctx):
            instances.add(to_utc(naive, z))
    for xp in ev.all("EXDATE"):
        for naive, z, is_date in dt_prop(xp, ctx):
            if is_date:
                instances = {i for i in instances
                             if from_utc(i, tz).date() != naive.date()}
            else:
                instances.discard(to_utc(naive, z))
    return instances


def occurrences(cals, ctx_floating, win_start, win_end):
    out = []
    for cal in cals:
        ctx = Ctx(zones_of(cal), ctx_floating)
        masters, overrides = {}, {}
        for ev in cal.children:
            if ev.name != "VEVENT":
                continue
            uidp = ev.get("UID")
            if uidp is None:
                raise PlanError(f"line {ev.lineno}: VEVENT without UID")
            uid = uidp[2]
            if ev.get("RECURRENCE-ID"):
                overrides.setdefault(uid, []).append(ev)
            else:
                if uid in masters:
                    raise PlanError(f"line {ev.lineno}: duplicate UID {uid}")
                masters[uid] = ev
        for uid, ev in masters.items():
            st = ev.get("STATUS")
            inst = expand_master(ev, ctx, win_start, win_end)
            cancelled = st is not None and st[2].upper() == "CANCELLED"
            for ov in overrides.get(uid, []):
                rid = ov.get("RECURRENCE-ID")
                if "RANGE" in rid[1]:
                    raise PlanError(f"line {rid[3]}: RANGE not supported")
                (rn, rz, _), = dt_prop(rid, ctx)
                ru = to_utc(rn, rz)
                if ru not in inst:
                    raise PlanError(f"line {rid[3]}: RECURRENCE-ID {rid[2]} "
                                    "matches no instance")
                inst.discard(ru)
                ost = ov.get("STATUS")
                if ost is not None and ost[2].upper() == "CANCELLED":
                    continue
                (on, oz, _), = dt_prop(ov.get("DTSTART"), ctx)
                inst.add(to_utc(on, oz))
            if cancelled:
                continue
            out.extend((i, uid) for i in inst if win_start <= i < win_end)
        for uid in overrides:
            if uid not in masters:
                raise PlanError(f"override for unknown UID {uid}")
    out.sort()
    return out


def fmt(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_window(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def render(path, start, end, floating):
    with open(path, "rb") as f:
        cals = parse_ics(f.read())
    occ = occurrences(cals, floating, start, end)
    lines = [f"# window {fmt(start)} {fmt(end)}"]
    lines += [f"{uid}\t{fmt(t)}" for t, uid in occ]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ics", nargs="?")
    ap.add_argument("--start", default="2026-01-01T00:00:00Z")
    ap.add_argument("--end", default="2028-01-01T00:00:00Z")
    ap.add_argument("--floating-tz", default="Asia/Ho_Chi_Minh")
    ap.add_argument("-o", "--output")
    ap.add_argument("--regen", metavar="DIR")
    a = ap.parse_args()
    floating = ZoneInfo(a.floating_tz)
    try:
        if a.regen:
            for fn in sorted(os.listdir(a.regen)):
                if not fn.endswith(".expected"):
                    continue
                exp = os.path.join(a.regen, fn)
                with open(exp) as f:
                    _, _, s, e = f.readline().split()
                ics = exp[:-len(".expected")] + ".ics"
                text = render(ics, parse_window(s), parse_window(e), floating)
                with open(exp, "w") as f:
                    f.write(text)
                print(f"{exp}: {text.count(chr(10)) - 1} occurrences")
            return 0
        if not a.ics:
            ap.error("need an .ics file or --regen DIR")
        text = render(a.ics, parse_window(a.start), parse_window(a.end),
                      floating)
    except PlanError as e:
        print(f"{a.ics or a.regen}: {e}", file=sys.stderr)
        return 2
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
