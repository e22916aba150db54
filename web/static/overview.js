/* Tổng quan: the station at a glance. Polls /api/v1/status every 3 s
 * while the page is visible (none while hidden), the pending approvals
 * every 30 s; between polls the elapsed time of what is on air ticks
 * locally, so the figures move without a reload. */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var POLL_MS = 3000, PENDING_MS = 30000;
    var last = null, fetchedAt = 0, timer = 0, pendingAt = 0, lastKey = null, busy = false;

    function text(id, s) { $(id).textContent = s; }

    function renderOnAir(st) {
        var a = st.on_air;
        $("onair").classList.toggle("live", !!a);
        $("onair-now").hidden = !a;
        $("onair-none").hidden = !!a;
        var key = a ? a.key : null;
        if (key !== lastKey) {
            text("onair-announce", a ? fmt(_("On air: {title}"), {title: a.title}) : "");
            lastKey = key;
        }
        if (!a) {
            var p = st.prepared;
            $("prepared").hidden = !p;
            if (p)
                text("prepared", fmt(_("Ready to air: {title} at {time}"),
                                     {title: p.title, time: LX.timeText(p.planned_start)}));
            return;
        }
        text("onair-title", a.title || a.uid || "");
        var b = clear($("onair-badges"));
        b.appendChild(LX.levelBadge(a.level));
        if (a.operator)
            b.appendChild(el("span", "muted", " " + fmt(_("by {operator}"), {operator: a.operator})));
        text("onair-source", LX.sourceText(a.source));
        text("onair-planned", a.planned_start ? LX.dateTimeText(a.planned_start) : "\u2014");
        text("onair-started", a.started ? LX.parts(a.started).hms : "\u2014");
        tick();
    }

    /* the elapsed time, moved on by the time since the last answer */
    function tick() {
        var a = last && last.on_air;
        if (!a)
            return;
        var since = Date.now() - fetchedAt;
        var prog = $("onair-progress");
        if (a.starts_in_ms !== undefined && a.starts_in_ms !== null && a.starts_in_ms >= 0) {
            var left = Math.max(0, a.starts_in_ms - since);
            $("onair-live").hidden = false;
            text("onair-live", _("About to start"));
            text("onair-time", fmt(_("Starts in {seconds} s"), {seconds: Math.ceil(left / 1000)}));
            prog.value = 0;
            return;
        }
        $("onair-live").hidden = true;
        var length = a.remaining_ms !== undefined && a.remaining_ms >= 0 ?
            a.elapsed_ms + a.remaining_ms : -1;
        var elapsed = a.elapsed_ms + since;
        if (length > 0)
            elapsed = Math.min(elapsed, length);
        if (length > 0) {
            text("onair-time", fmt(_("{elapsed} of {length}"),
                                   {elapsed: LX.duration(elapsed), length: LX.duration(length)}));
            prog.max = length;
            prog.value = elapsed;
            prog.hidden = false;
        } else {
            text("onair-time", fmt(_("{elapsed} (length unknown)"),
                                   {elapsed: LX.duration(elapsed)}));
            prog.hidden = true;
        }
    }

    function renderNext(st) {
        var list = clear($("next-list"));
        var now = LX.parts(st.now);
        var today = now ? now.date : LX.today();
        var n = 0, later = null;
        (st.next || []).forEach(function (e) {
            var p = LX.parts(e.planned_start);
            if (p && p.date === today) {
                var li = el("li");
                li.appendChild(el("span", "t", p.hm));
                li.appendChild(document.createTextNode(e.title || e.uid || ""));
                li.appendChild(document.createTextNode(" "));
                li.appendChild(LX.levelBadge(e.level));
                list.appendChild(li);
                n++;
            } else if (!later && p) {
                later = e;
            }
        });
        $("next-none").hidden = n > 0;
        $("next-later").hidden = !later;
        if (later)
            text("next-later", fmt(_("Next: {title}, {day} {date} at {time}"),
                                   {title: later.title || later.uid, day: LX.dayName(LX.parts(later.planned_start).date),
                                    date: LX.dateText(later.planned_start),
                                    time: LX.timeText(later.planned_start)}));
    }

    function renderStation(st) {
        var d = $("st-daemon");
        clear(d);
        d.appendChild(el("span", "good", st.state === "on_air" ? _("running, on air") :
                                         st.state === "stopping" ? _("stopping") : _("running, idle")));
        text("st-device", st.device || "\u2014");
        var c = clear($("st-clock"));
        if (st.clock) {
            c.appendChild(el("span", st.clock.synchronised ? "good" : "bad",
                             st.clock.synchronised ? _("synchronised") : _("NOT synchronised")));
            if (st.clock.synchronised && st.clock.est_error_us >= 0)
                c.appendChild(document.createTextNode(" " + fmt(_("(within {ms} ms)"),
                    {ms: (st.clock.est_error_us / 1000).toFixed(1)})));
        } else {
            c.textContent = _("unknown");
        }
        var pl = st.plan;
        text("st-plan", pl ? fmt(_("{items} items in {files} file(s), loaded {time}"),
                                 {items: pl.items, files: (pl.files || []).length,
                                  time: LX.dateTimeText(pl.loaded)}) : _("no plan"));
        var bl = $("st-backlog");
        clear(bl);
        bl.appendChild(st.log_backlog > 0 ?
            el("span", "bad", fmt(_("{n} rows wait for the disk"), {n: st.log_backlog})) :
            el("span", "good", _("none")));
    }

    function renderProblems(st) {
        var pl = st.plan || {};
        var sum = clear($("problems-summary"));
        var list = clear($("problems-list"));
        var notes = [];
        if (pl.refused)
            notes.push(_("The newest plan was refused; the last good plan keeps airing."));
        if (pl.saved_copy)
            notes.push(_("Airing the saved copy of the last good plan."));
        if (pl.left_out > 0)
            notes.push(fmt(_("{n} items were left out because of errors."), {n: pl.left_out}));
        if (pl.bad_recordings > 0)
            notes.push(fmt(_("{n} recordings cannot air."), {n: pl.bad_recordings}));
        if (!pl.error_count && !notes.length) {
            sum.appendChild(el("span", "good", _("No problems in the plan.")));
            return;
        }
        sum.appendChild(el("span", "bad", fmt(_("Problems: {n}"), {n: pl.error_count || 0})));
        notes.forEach(function (t) { sum.appendChild(el("span", "", " " + t)); });
        (pl.errors || []).forEach(function (e) { list.appendChild(el("li", "", e)); });
        var more = (pl.error_count || 0) - (pl.errors || []).length;
        if (more > 0)
            list.appendChild(el("li", "muted", fmt(_("\u2026 and {n} more (loaxa status --errors)"),
                                                   {n: more})));
    }

    function renderFailures(st) {
        var list = clear($("fail-list"));
        var f = st.last_failures || [];
        f.forEach(function (s) {
            var li = el("li");
            var m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?\S*)\s+(.*)$/.exec(s);
            if (m) {
                li.appendChild(el("span", "t", LX.dateTimeText(m[1])));
                li.appendChild(document.createTextNode(m[2]));
            } else {
                li.textContent = s;
            }
            list.appendChild(li);
        });
        $("fail-none").hidden = f.length > 0;
    }

    function render(st) {
        var down = st.daemon === "down";
        $("daemon-down").hidden = !down;
        /* nothing stale: what the daemon said last is not what airs now */
        $("cards").hidden = down;
        if (down) {
            text("daemon-down", fmt(_("The station daemon does not answer: {error}"),
                                    {error: st.error || ""}));
            var d = clear($("st-daemon"));
            d.appendChild(el("span", "bad", _("not running")));
            return;
        }
        renderOnAir(st);
        renderNext(st);
        renderStation(st);
        renderProblems(st);
        renderFailures(st);
    }

    function pending() {
        var from = last && LX.parts(last.now) ? LX.parts(last.now).date : LX.today();
        pendingAt = Date.now();
        LX.api("/api/v1/schedule?from=" + from + "&days=7").then(function (s) {
            var n = (s.airings || []).filter(function (a) { return a.state === "pending"; }).length;
            var p = clear($("st-pending"));
            p.appendChild(el("span", n ? "bad" : "", String(n)));
        }, function () { text("st-pending", "\u2014"); });
    }

    function poll() {
        timer = 0;
        if (busy)
            return;
        busy = true;
        LX.api("/api/v1/status").then(function (st) {
            last = st;
            fetchedAt = Date.now();
            LX.showError($("page-error"), null);
            render(st);
            text("updated", fmt(_("Updated at {time}"), {time: LX.parts(st.now) ?
                LX.parts(st.now).hms : new Date().toTimeString().slice(0, 8)}));
        }, function (e) {
            LX.showError($("page-error"), e);
        }).then(function () {
            busy = false;
            if (Date.now() - pendingAt >= PENDING_MS)
                pending();
            schedule();
        });
    }

    function schedule() {
        if (!timer && !document.hidden)
            timer = setTimeout(poll, POLL_MS);
    }

    LX.start(function () {
        poll();
        setInterval(function () { if (!document.hidden) tick(); }, 1000);
        document.addEventListener("visibilitychange", function () {
            if (document.hidden) {
                clearTimeout(timer);
                timer = 0;
            } else if (!timer) {
                poll();
            }
        });
    });
})();
