/* Nhật ký: the as-run log from /api/v1/log, filtered by dates, status,
 * topic and unit, a page at a time; the CSV link carries the same
 * filters. The filters live in the address too (a view can be bookmarked). */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var STATUSES = ["aired", "interrupted", "failed", "missed", "cancelled", "on_air"];
    var page = 1, lastTotal = 0;

    function filters() {
        var q = [];
        var f = {from: $("f-from").value, to: $("f-to").value, status: $("f-status").value,
                 topic: $("f-topic").value, unit: $("f-unit").value};
        Object.keys(f).forEach(function (k) {
            if (f[k])
                q.push(k + "=" + encodeURIComponent(f[k]));
        });
        return q.join("&");
    }

    function options(sel, values, keep) {
        var cur = keep !== undefined ? keep : sel.value;
        while (sel.options.length > 1)
            sel.remove(1);
        values.forEach(function (v) {
            var o = el("option", "", v);
            o.value = v;
            sel.appendChild(o);
        });
        if (cur && values.indexOf(cur) < 0) {
            var o = el("option", "", cur);
            o.value = cur;
            sel.appendChild(o);
        }
        sel.value = cur || "";
    }

    function cell(tr, text, cls, col) {
        var td = el("td", cls || "", text);
        td.setAttribute("data-col", col);
        tr.appendChild(td);
        return td;
    }

    var COLS = null;
    function render(r) {
        var body = clear($("log-body"));
        var heads = document.querySelectorAll("#log-table thead th");
        COLS = Array.prototype.map.call(heads, function (h) { return h.textContent; });
        (r.rows || []).forEach(function (x) {
            var tr = el("tr");
            cell(tr, LX.dateTimeText(x.planned_start), "", COLS[0]);
            cell(tr, x.actual_start ? LX.dateTimeText(x.actual_start) + ":" +
                 LX.parts(x.actual_start).hms.slice(6) : "\u2014", "", COLS[1]);
            cell(tr, x.title || x.uid, "", COLS[2]);
            cell(tr, "", "", COLS[3]).appendChild(LX.levelBadge(x.level));
            cell(tr, x.unit, "", COLS[4]);
            cell(tr, (x.topics || []).join(", "), "", COLS[5]);
            cell(tr, x.status_label || LX.outcomeText(x.status), "status-" + x.status, COLS[6]);
            cell(tr, x.reason, "", COLS[7]);
            cell(tr, LX.duration(x.played_ms), "num", COLS[8]);
            cell(tr, LX.sourceText(x.source) + (x.operator ? " (" + x.operator + ")" : ""), "",
                 COLS[9]);
            body.appendChild(tr);
        });
        lastTotal = r.total || 0;
        var pages = Math.max(1, Math.ceil(lastTotal / (r.per_page || 50)));
        $("log-count").textContent = fmt(_("{n} rows match."), {n: lastTotal});
        $("pg-info").textContent = fmt(_("Page {page} of {pages}"), {page: r.page || page, pages: pages});
        $("pg-prev").disabled = page <= 1;
        $("pg-next").disabled = page >= pages;
        options($("f-topic"), r.topics || []);
        options($("f-unit"), r.units || []);
    }

    function load() {
        var q = filters();
        $("csv-link").href = "/api/v1/log.csv" + (q ? "?" + q : "");
        history.replaceState(null, "", "/log?" + q + (page > 1 ? "&page=" + page : "") +
                             ($("f-per").value !== "50" ? "&per_page=" + $("f-per").value : ""));
        LX.api("/api/v1/log?" + q + "&page=" + page + "&per_page=" + $("f-per").value)
            .then(function (r) {
                LX.showError($("page-error"), null);
                render(r);
            }, function (e) { LX.showError($("page-error"), e); });
    }

    function param(name) {
        var m = new RegExp("[?&]" + name + "=([^&]*)").exec(location.search);
        return m ? decodeURIComponent(m[1].replace(/\+/g, " ")) : "";
    }

    LX.start(function () {
        var st = $("f-status");
        STATUSES.forEach(function (s) {
            var o = el("option", "", LX.outcomeText(s));
            o.value = s;
            st.appendChild(o);
        });
        var to = LX.today();
        $("f-from").value = /^\d{4}-\d\d-\d\d$/.test(param("from")) ? param("from") : LX.addDays(to, -6);
        $("f-to").value = /^\d{4}-\d\d-\d\d$/.test(param("to")) ? param("to") : to;
        if (STATUSES.indexOf(param("status")) >= 0)
            st.value = param("status");
        if (param("topic"))
            options($("f-topic"), [], param("topic"));
        if (param("unit"))
            options($("f-unit"), [], param("unit"));
        page = Math.max(1, parseInt(param("page"), 10) || 1);
        var per = parseInt(param("per_page"), 10);
        if (per >= 1 && per <= 200) { /* a size of the address's own */
            var ps = $("f-per");
            if (!Array.prototype.some.call(ps.options, function (o) { return +o.value === per; })) {
                var po = el("option", "", String(per));
                po.value = per;
                ps.insertBefore(po, ps.firstChild);
            }
            ps.value = String(per);
        }
        $("log-form").addEventListener("submit", function (ev) {
            ev.preventDefault();
            if ($("f-from").value > $("f-to").value) {
                LX.showError($("page-error"), {message: _("The first day is after the last.")});
                return;
            }
            page = 1;
            load();
        });
        ["f-status", "f-topic", "f-unit", "f-per"].forEach(function (id) {
            $(id).addEventListener("change", function () { page = 1; load(); });
        });
        $("pg-prev").addEventListener("click", function () { if (page > 1) { page--; load(); } });
        $("pg-next").addEventListener("click", function () { page++; load(); });
        load();
    });
})();
