/* Nhật ký thao tác (audit, admin): the append-only audit table from
 * /api/v1/audit, newest first, a page at a time. */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var page = 1;

    function cell(tr, text, col) {
        var td = el("td", "", text);
        td.setAttribute("data-col", col);
        tr.appendChild(td);
    }

    function load() {
        LX.api("/api/v1/audit?page=" + page).then(function (r) {
            LX.showError($("page-error"), null);
            var rows = r && r.rows || [];
            var body = clear($("audit-body"));
            rows.forEach(function (x) {
                var tr = el("tr");
                tr.setAttribute("data-action", x.action || "");
                cell(tr, LX.whenText(x.at), _("When"));
                cell(tr, x.user || "\u2014", _("User"));
                cell(tr, x.address || "", _("Address"));
                cell(tr, x.action || "", _("Action"));
                cell(tr, typeof x.detail === "string" ? x.detail : JSON.stringify(x.detail || ""),
                     _("Detail"));
                body.appendChild(tr);
            });
            var pages = r && r.pages;
            var per = r && r.per_page || 50;
            var more = r && r.more !== undefined ? !!r.more :
                pages ? page < pages : rows.length >= per;
            $("pg-info").textContent = pages ? fmt(_("Page {page} of {pages}"), {page: page, pages: pages}) :
                fmt(_("Page {page}"), {page: page});
            $("pg-prev").disabled = page <= 1;
            $("pg-next").disabled = !more;
            $("audit-count").textContent = r && r.total !== undefined ?
                fmt(_("{n} rows match."), {n: r.total}) : "";
            history.replaceState(null, "", "/audit" + (page > 1 ? "?page=" + page : ""));
        }, function (e) { LX.showError($("page-error"), e); });
    }

    LX.start(function () {
        if (!LX.roleAtLeast("admin")) {
            LX.showError($("page-error"), {message: _("Only an administrator can read the audit.")});
            return;
        }
        var m = /[?&]page=(\d+)/.exec(location.search);
        page = m ? Math.max(1, +m[1]) : 1;
        $("pg-prev").addEventListener("click", function () { if (page > 1) { page--; load(); } });
        $("pg-next").addEventListener("click", function () { page++; load(); });
        load();
    });
})();
