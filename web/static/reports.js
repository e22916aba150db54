/* Báo cáo: a period (quarter, six or nine months, year, month, a range of
 * dates) and the cut-off convention; the report's JSON shown as tables in
 * the page (the printable HTML cannot be framed: frame-ancestors 'none'),
 * and a download link for every format /api/v1/report/formats lists. */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var formats = [];
    var MONTHS = [N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
                  N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
                  N_("December")];
    var FIELDS = {quarter: ["w-year", "w-quarter"], half: ["w-year", "w-half"], "9m": ["w-year"],
                  year: ["w-year"], month: ["w-year", "w-month"], range: ["w-from", "w-to"]};

    function kind() { return $("r-kind").value; }
    function cutoff() {
        var c = document.querySelector("input[name=cutoff]:checked");
        return kind() === "range" ? "calendar" : c ? c.value : "calendar";
    }
    /* the period as `loaxa report --period` writes it; null when incomplete */
    function spec() {
        var y = parseInt($("r-year").value, 10);
        var k = kind();
        if (k === "range") {
            var a = $("r-from").value, b = $("r-to").value;
            return /^\d{4}-\d\d-\d\d$/.test(a) && /^\d{4}-\d\d-\d\d$/.test(b) && a <= b ?
                a + ".." + b : null;
        }
        if (!(y >= 2000 && y <= 2100))
            return null;
        switch (k) {
        case "quarter": return y + "-Q" + $("r-quarter").value;
        case "half": return y + "-H" + $("r-half").value;
        case "9m": return y + "-9M";
        case "year": return String(y);
        case "month": return y + "-" + LX.pad(+$("r-month").value);
        }
        return null;
    }
    function url(format) {
        var s = spec();
        return s ? "/api/v1/report?period=" + encodeURIComponent(s) + "&cutoff=" + cutoff() +
            "&format=" + encodeURIComponent(format) : null;
    }

    function showFields() {
        var want = FIELDS[kind()] || [];
        ["w-year", "w-quarter", "w-half", "w-month", "w-from", "w-to"].forEach(function (id) {
            $(id).hidden = want.indexOf(id) < 0;
        });
        var dis = kind() === "range";
        document.querySelectorAll("input[name=cutoff]").forEach(function (r) { r.disabled = dis; });
        links();
    }

    function links() {
        var ul = clear($("downloads"));
        var s = spec();
        formats.forEach(function (f) {
            var li = el("li");
            var a = el("a", "", f.name.toUpperCase());
            if (s) {
                a.href = url(f.name) + "&download=1";
                a.setAttribute("download", "bao-cao-" + s.replace(/\.\./, "_") + "." + f.name);
            } else {
                a.setAttribute("aria-disabled", "true");
            }
            a.setAttribute("data-format", f.name);
            if (f.help)
                a.title = f.help;
            li.appendChild(a);
            if (f.help)
                li.appendChild(el("span", "muted", " " + f.help));
            ul.appendChild(li);
            if (f.name === "html" && s) {
                var o = el("a", "", _("Open the printable page"));
                o.href = url("html");
                o.target = "_blank";
                o.rel = "noopener";
                li.appendChild(o);
            }
        });
    }

    function table(caption, heads, rows, numeric) {
        var wrap = el("div", "table-wrap");
        var t = el("table", "data");
        t.appendChild(el("caption", "", caption));
        var tr = el("tr");
        heads.forEach(function (h, i) {
            var th = el("th", numeric && numeric[i] ? "num" : "", h);
            th.setAttribute("scope", "col");
            tr.appendChild(th);
        });
        var thead = el("thead");
        thead.appendChild(tr);
        t.appendChild(thead);
        var tb = el("tbody");
        rows.forEach(function (r) {
            var row = el("tr");
            r.forEach(function (c, i) { row.appendChild(el("td", numeric && numeric[i] ? "num" : "", c)); });
            tb.appendChild(row);
        });
        t.appendChild(tb);
        wrap.appendChild(t);
        var sec = el("section");
        sec.appendChild(wrap);
        return sec;
    }
    function n1(x) { return typeof x === "number" ? x.toFixed(1) : ""; }

    function render(r) {
        var v = clear($("report-view"));
        var h = el("div", "heading");
        h.appendChild(el("p", "", r.commune || ""));
        h.appendChild(el("p", "title", r.title || ""));
        var p = r.period || {};
        h.appendChild(el("p", "", fmt(_("{title} ({spec}, {cutoff})"), {
            title: p.title, spec: p.spec,
            cutoff: p.cutoff === "nd09" ? _("cut-off of Decree 09/2019/ND-CP") : _("calendar")})));
        h.appendChild(el("p", "", fmt(_("{first} to {last} inclusive"),
                                      {first: LX.dateText(p.first_day), last: LX.dateText(p.last_day)})));
        if (p.partial)
            h.appendChild(el("p", "bad", _("Reported up to (the period has not ended)") + ": " +
                             LX.dateTimeText(p.until)));
        h.appendChild(el("p", "muted", _("Made at") + ": " + LX.dateTimeText(r.generated_at)));
        v.appendChild(h);

        var s = r.summary || {};
        var C = [[_("Planned occurrences"), s.planned], ["  " + _("aired"), s.aired],
                 ["  " + _("interrupted"), s.interrupted], ["  " + _("failed"), s.failed],
                 ["  " + _("missed"), s.missed], ["  " + _("cancelled"), s.cancelled],
                 ["  " + _("on air"), s.on_air], ["  " + _("not logged"), s.unlogged],
                 [_("Compliance (aired / planned, cancelled left out)"), n1(s.compliance_pct) + " %"],
                 [_("Items aired"), s.items], [_("Airings"), s.airings],
                 [_("Minutes on air for the plan"), n1(s.plan_minutes)],
                 [_("Emergency airings"), s.emergency_airings],
                 [_("Minutes on air, emergency"), n1(s.emergency_minutes)],
                 [_("Ad hoc airings"), s.adhoc_airings],
                 [_("Minutes on air, ad hoc"), n1(s.adhoc_minutes)],
                 [_("Total minutes on air"), n1(s.total_minutes)],
                 [_("Total hours on air"), typeof s.total_ms === "number" ?
                     (s.total_ms / 3600000).toFixed(2) : ""]];
        v.appendChild(table(_("Summary"), [_("Figure"), _("Value")], C.map(function (x) {
            return [x[0], x[1] === undefined || x[1] === null ? "" : String(x[1])];
        }), [false, true]));

        v.appendChild(table(_("By item"), [_("Title"), _("Topic"), _("Unit"), _("Source"), _("Planned"),
            _("Aired"), _("Not aired"), _("Airings"), _("Minutes"), _("Reasons")],
            (r.items || []).map(function (i) {
                return [i.title, i.topic, i.unit, LX.sourceText(i.source), String(i.planned),
                        String(i.aired), String(i.not_aired), String(i.airings), n1(i.minutes),
                        i.reasons];
            }), [false, false, false, false, true, true, true, true, true, false]));

        v.appendChild(table(_("By topic"), [_("Topic"), _("Items"), _("Planned"), _("Aired"),
            _("Airings"), _("Minutes")], (r.topics || []).map(function (t) {
                return [t.topic || _("(no topic)"), String(t.items), String(t.planned),
                        String(t.aired), String(t.airings), n1(t.minutes)];
            }), [false, true, true, true, true, true]));

        var months = r.months || [];
        v.appendChild(table(_("By month"), [_("Month"), _("Planned"), _("Aired"), _("Airings"),
            _("Minutes")], months.map(function (m) {
                return [monthText(m.month), String(m.planned), String(m.aired), String(m.airings),
                        n1(m.minutes)];
            }), [false, true, true, true, true]));
        if (months.length) {
            var sec = el("section", "card");
            sec.appendChild(el("h2", "", _("Airings by month")));
            var bars = el("div", "bars");
            var max = Math.max.apply(null, months.map(function (m) { return m.airings || 0; })) || 1;
            months.forEach(function (m) {
                bars.appendChild(el("span", "", monthText(m.month)));
                var b = el("div", "bar");
                b.setAttribute("aria-hidden", "true");
                b.style.width = (100 * (m.airings || 0) / max).toFixed(1) + "%"; /* CSSOM: CSP-safe */
                bars.appendChild(b);
                bars.appendChild(el("span", "t", String(m.airings || 0)));
            });
            sec.appendChild(bars);
            v.appendChild(sec);
        }

        var inc = r.incidents || [], INC_MAX = 200;
        var more = inc.length - INC_MAX;
        if (more > 0)
            inc = inc.slice(0, INC_MAX);
        if (!inc.length)
            v.appendChild(el("p", "good", _("None: every planned occurrence aired fully.")));
        else
            v.appendChild(table(_("Incidents"), [_("Planned start"), _("Title"), _("Source"),
                _("Attempt"), _("Status"), _("Played (s)"), _("Reason")], inc.map(function (x) {
                    return [LX.dateTimeText(x.planned_start), x.title, LX.sourceText(x.source),
                            String(x.attempt || ""), LX.outcomeText(x.status) || x.status,
                            typeof x.played_ms === "number" ? (x.played_ms / 1000).toFixed(1) : "",
                            x.reason];
                }), [false, false, false, true, false, true, false]));
        if (more > 0)
            v.appendChild(el("p", "muted", fmt(_("\u2026 and {n} more incidents: the downloads have them all."),
                                               {n: more})));
    }

    function monthText(m) { /* "2026-03" -> "03/2026" */
        var x = /^(\d{4})-(\d\d)$/.exec(m || "");
        return x ? x[2] + "/" + x[1] : m || "";
    }

    function show() {
        var u = url("json");
        u = u && u + "&lang=" + LX.lang(); /* the page's words and the report's agree */
        if (!u) {
            LX.showError($("page-error"), {message: _("Choose a complete period.")});
            return;
        }
        LX.showError($("page-error"), null);
        $("r-status").textContent = _("Making the report\u2026");
        $("r-show").disabled = true;
        LX.api(u).then(function (r) {
            $("r-status").textContent = fmt(_("Report for {period}."), {period: spec()});
            render(r);
        }, function (e) {
            $("r-status").textContent = "";
            LX.showError($("page-error"), e);
        }).then(function () { $("r-show").disabled = false; });
    }

    LX.start(function () {
        var now = LX.today(), y = +now.slice(0, 4), mo = +now.slice(5, 7);
        var ms = $("r-month");
        MONTHS.forEach(function (m, i) {
            var o = el("option", "", _(m));
            o.value = i + 1;
            ms.appendChild(o);
        });
        ms.value = mo;
        $("r-year").value = y;
        $("r-quarter").value = Math.floor((mo - 1) / 3) + 1;
        $("r-half").value = mo <= 6 ? 1 : 2;
        $("r-from").value = LX.addDays(now, -30);
        $("r-to").value = now;
        $("report-form").addEventListener("change", showFields);
        $("report-form").addEventListener("input", links);
        $("report-form").addEventListener("submit", function (ev) { ev.preventDefault(); show(); });
        showFields();
        LX.api("/api/v1/report/formats").then(function (f) {
            formats = f.formats || [];
            links();
        }, function (e) { LX.showError($("page-error"), e); });
    });
})();
