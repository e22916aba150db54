/* Lịch phát: the week from /api/v1/schedule as days × hours. A table on a
 * desktop; on a phone (CSS) the same airings as one list a day. Each
 * airing is a button (click, Enter or Space) that opens its details. The
 * level shows by colour, a shape and a word; pending and cancelled by a
 * dashed or struck-through box and a word. */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var from = null, data = null, opener = null;
    var STATES = {pending: N_("pending approval"), cancelled: N_("cancelled"), planned: N_("planned")};

    function stateText(s) { return STATES[s] ? _(STATES[s]) : s; }

    function label(a) {
        var p = LX.parts(a.start);
        var t = (p ? p.hm + " " : "") + (a.title || a.uid);
        var bits = [t, _(a.level === "emergency" ? "emergency" : a.level === "priority" ?
                        "priority" : "normal")];
        if (a.state !== "planned")
            bits.push(stateText(a.state));
        if (a.outcome)
            bits.push(LX.outcomeText(a.outcome));
        return bits.join(", ");
    }

    var OUTCOME_MARK = {aired: "\u2713", on_air: "\u25CF", failed: "\u2717", missed: "\u2717",
                        interrupted: "!", cancelled: "\u2014"};

    function button(a, idx) {
        var lv = {normal: 1, priority: 1, emergency: 1}[a.level] ? a.level : "normal";
        var b = el("button", "airing lvl lvl-" + lv + " state-" + a.state);
        b.type = "button";
        b.setAttribute("data-idx", idx);
        b.setAttribute("data-key", a.key);
        b.setAttribute("aria-label", label(a));
        b.title = label(a);
        var mk = el("span", "mark", LX.levelBadge(a.level).firstChild.textContent + " ");
        mk.setAttribute("aria-hidden", "true");
        b.appendChild(mk);
        var p = LX.parts(a.start);
        b.appendChild(el("span", "t", p ? p.hm : ""));
        if (a.state === "pending")
            b.appendChild(el("span", "tag", "[" + _("pending") + "] "));
        if (a.state === "cancelled")
            b.appendChild(el("span", "tag", "[" + _("cancelled") + "] "));
        if (a.outcome && OUTCOME_MARK[a.outcome]) {
            var o = el("span", "tag", OUTCOME_MARK[a.outcome] + " ");
            o.setAttribute("aria-hidden", "true");
            b.appendChild(o);
        }
        b.appendChild(document.createTextNode(a.title || a.uid));
        return b;
    }

    function render() {
        var head = clear($("week-head")), body = clear($("week-body")), days = clear($("week-days"));
        var airings = (data.airings || []).slice().sort(function (x, y) {
            return x.start < y.start ? -1 : x.start > y.start ? 1 : 0;
        });
        var n = data.days || 7, start = data.from || from, today = LX.today();
        var dates = [];
        for (var i = 0; i < n; i++)
            dates.push(LX.addDays(start, i));
        $("week-range").textContent = fmt(_("{first} to {last}"),
                                          {first: LX.dateText(dates[0]), last: LX.dateText(dates[n - 1])});
        $("week-empty").hidden = airings.length > 0;
        $("week-zone").textContent = data.timezone ?
            fmt(_("Times are the station's ({zone})."), {zone: data.timezone}) : "";
        /* cells[date][hour] = [index...] */
        var cells = {}, lo = 24, hi = -1;
        airings.forEach(function (a, k) {
            var p = LX.parts(a.start);
            if (!p)
                return;
            (cells[p.date] = cells[p.date] || {});
            (cells[p.date][p.h] = cells[p.date][p.h] || []).push(k);
            lo = Math.min(lo, p.h);
            hi = Math.max(hi, p.h);
        });
        if (hi < 0) {
            lo = 6;
            hi = 18;
        }
        head.appendChild(el("th", "hour", _("Hour"))).setAttribute("scope", "col");
        dates.forEach(function (d) {
            var th = el("th", d === today ? "today" : "");
            th.setAttribute("scope", "col");
            th.appendChild(el("span", "", LX.dayName(d)));
            th.appendChild(el("br"));
            th.appendChild(el("span", "muted", LX.dateText(d).slice(0, 5)));
            head.appendChild(th);
        });
        for (var h = lo; h <= hi; h++) {
            var tr = el("tr");
            var th = el("th", "hour", LX.pad(h) + ":00");
            th.setAttribute("scope", "row");
            tr.appendChild(th);
            dates.forEach(function (d) {
                var td = el("td", d === today ? "today" : "");
                ((cells[d] || {})[h] || []).forEach(function (k) { td.appendChild(button(airings[k], k)); });
                tr.appendChild(td);
            });
            body.appendChild(tr);
        }
        /* the phone's list */
        dates.forEach(function (d) {
            var sec = el("section", d === today ? "today" : "");
            sec.appendChild(el("h2", "", LX.dayName(d) + " " + LX.dateText(d)));
            var any = false;
            Object.keys(cells[d] || {}).sort(function (x, y) { return x - y; }).forEach(function (h) {
                cells[d][h].forEach(function (k) { sec.appendChild(button(airings[k], k)); any = true; });
            });
            if (!any)
                sec.appendChild(el("p", "muted", _("Nothing planned.")));
            days.appendChild(sec);
        });
        data.sorted = airings;
    }

    function fact(id, s) { $(id).textContent = s || "\u2014"; }

    function details(a) {
        $("ad-title").textContent = a.title || a.uid;
        var b = clear($("ad-badges"));
        b.appendChild(LX.levelBadge(a.level));
        fact("ad-when", LX.dayName(LX.parts(a.start).date) + " " + LX.dateText(a.start) + ", " +
             LX.timeText(a.start) + (a.end ? "\u2013" + LX.timeText(a.end) : ""));
        fact("ad-state", stateText(a.state));
        fact("ad-unit", a.unit);
        fact("ad-topics", (a.topics || []).join(", "));
        fact("ad-recs", (a.recordings || []).join(", "));
        var o = a.outcome ? LX.outcomeText(a.outcome) + (a.reason ? ": " + a.reason : "") :
            new Date(a.end || a.start).getTime() < Date.now() ? _("not logged") : _("not yet aired");
        fact("ad-outcome", o);
        fact("ad-actual", a.actual_start ? LX.dateTimeText(a.actual_start) +
             ":" + LX.parts(a.actual_start).hms.slice(6) : "");
        fact("ad-key", a.key);
        var dlg = $("airing-dialog");
        if (dlg.showModal)
            dlg.showModal();
        else
            dlg.setAttribute("open", "");
        $("ad-close").focus();
    }

    /* load(date): the week of date; load(null): the server's this week
     * (the station's calendar, whatever the browser's zone) */
    function load(date) {
        from = date ? LX.monday(date) : null;
        LX.api("/api/v1/schedule" + (from ? "?from=" + from + "&days=7" : "")).then(function (s) {
            data = s;
            from = s.from || from;
            $("week-date").value = from;
            history.replaceState(null, "", "/schedule?from=" + from);
            LX.showError($("page-error"), null);
            render();
        }, function (e) { LX.showError($("page-error"), e); });
    }

    LX.start(function () {
        var lg = clear($("legend-levels"));
        ["normal", "priority", "emergency"].forEach(function (l) {
            lg.appendChild(LX.levelBadge(l));
            lg.appendChild(document.createTextNode(" "));
        });
        var m = /[?&]from=(\d{4}-\d\d-\d\d)/.exec(location.search);
        load(m ? m[1] : null);
        $("week-prev").addEventListener("click", function () { load(LX.addDays(from, -7)); });
        $("week-next").addEventListener("click", function () { load(LX.addDays(from, 7)); });
        $("week-this").addEventListener("click", function () { load(null); });
        $("week-date").addEventListener("change", function () {
            if (/^\d{4}-\d\d-\d\d$/.test(this.value))
                load(this.value);
        });
        document.addEventListener("click", function (ev) {
            var b = ev.target.closest ? ev.target.closest("button.airing") : null;
            if (!b || !data || !data.sorted)
                return;
            opener = b;
            details(data.sorted[+b.getAttribute("data-idx")]);
        });
        $("airing-dialog").addEventListener("close", function () {
            if (opener && opener.focus)
                opener.focus();
        });
    });
})();
