/* Kế hoạch (plans): upload one or several .ics files to
 * /api/v1/plans/check, show the checker's messages (file:line, severity,
 * what to do) and what would change in the next 14 days; the install
 * button is enabled only for a clean check. The installed versions, each
 * with a download and a rollback (which is checked and shown the same way
 * before it is installed). */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var current = null; /* the check shown: {upload, ok, ...} */
    var busy = false;
    var SEVERITY = {error: N_("error"), warning: N_("warning"), note: N_("note"),
                    info: N_("note")};
    var TODO = {error: N_("Correct it in the calendar, export again and upload the new file."),
                warning: N_("Check it; the plan can be installed as it is."),
                note: N_("Nothing to do."), info: N_("Nothing to do.")};

    function sevText(s) { return SEVERITY[s] ? _(SEVERITY[s]) : s || ""; }

    function airingText(a) {
        if (!a)
            return "";
        var when = a.start || a.planned_start || a.at || "";
        var t = a.title || a.uid || "";
        return (when ? LX.dateTimeText(when) + " \u2014 " : "") + t;
    }

    function airingItem(a, extra) {
        var li = el("li");
        li.appendChild(el("span", "", airingText(a)));
        if (a && a.level) {
            li.appendChild(document.createTextNode(" "));
            li.appendChild(LX.levelBadge(a.level));
        }
        if (extra)
            li.appendChild(el("span", "muted", " " + extra));
        return li;
    }

    function renderCheck(r, what) {
        current = r;
        $("result").hidden = false;
        var msgs = r.messages || [];
        var errors = msgs.filter(function (m) { return m.severity === "error"; }).length;
        var body = clear($("messages-body"));
        msgs.forEach(function (m) {
            var tr = el("tr", "sev-" + (m.severity || ""));
            var where = (m.file || "") + (m.line ? ":" + m.line : "");
            var td = el("td", "where", where);
            td.setAttribute("data-col", _("Where"));
            tr.appendChild(td);
            td = el("td", m.severity === "error" ? "bad" : m.severity === "warning" ? "warn" : "",
                    sevText(m.severity));
            td.setAttribute("data-col", _("Severity"));
            tr.appendChild(td);
            td = el("td", "", m.message || "");
            td.setAttribute("data-col", _("Message"));
            tr.appendChild(td);
            td = el("td", "", m.hint || m.advice || (TODO[m.severity] ? _(TODO[m.severity]) : ""));
            td.setAttribute("data-col", _("What to do"));
            tr.appendChild(td);
            body.appendChild(tr);
        });
        $("messages-wrap").hidden = msgs.length === 0;
        var d = r.diff || {};
        var lists = {added: d.added || [], moved: d.moved || [], removed: d.removed || []};
        ["added", "removed"].forEach(function (k) {
            var ul = clear($("diff-" + k));
            lists[k].forEach(function (a) { ul.appendChild(airingItem(a)); });
            if (!lists[k].length)
                ul.appendChild(el("li", "muted", _("none")));
            $("diff-" + k + "-n").textContent = lists[k].length;
        });
        var mv = clear($("diff-moved"));
        lists.moved.forEach(function (m) {
            var from = m.from && typeof m.from === "object" ? m.from : {start: m.from};
            var to = m.to && typeof m.to === "object" ? m.to : {start: m.to};
            var li = el("li");
            li.appendChild(el("span", "", m.title || from.title || to.title || m.uid || ""));
            if (m.level) {
                li.appendChild(document.createTextNode(" "));
                li.appendChild(LX.levelBadge(m.level));
            }
            li.appendChild(el("span", "muted", " " + fmt(_("from {from} to {to}"), {
                from: LX.dateTimeText(from.start || from.planned_start || ""),
                to: LX.dateTimeText(to.start || to.planned_start || "")})));
            mv.appendChild(li);
        });
        if (!lists.moved.length)
            mv.appendChild(el("li", "muted", _("none")));
        $("diff-moved-n").textContent = lists.moved.length;
        var clean = !!r.ok && errors === 0 && !!r.upload;
        $("check-summary").className = clean ? "good" : "bad";
        $("check-summary").textContent = clean ?
            fmt(what === "rollback" ? _("Version {v} checked: no errors. Confirm to install it again.") :
                _("No errors. {a} added, {m} moved, {d} removed. Confirm to install."),
                {v: r.version_checked, a: lists.added.length, m: lists.moved.length,
                 d: lists.removed.length}) :
            fmt(_("{n} errors: this plan cannot be installed. Nothing on the station changed."),
                {n: errors || 1});
        $("install").disabled = !clean || !LX.roleAtLeast("officer");
        $("install-why").textContent = clean ? "" : _("Correct the errors and check again.");
        $("install-result").textContent = "";
        $("result").scrollIntoView({block: "start"});
    }

    /* a new check replaces the one shown: nothing stale to install */
    function hideResult() {
        current = null;
        $("install").disabled = true;
        $("result").hidden = true;
    }

    function check(ev) {
        ev.preventDefault();
        if (busy)
            return;
        var files = $("plan-files").files;
        if (!files || !files.length)
            return;
        var fd = new FormData();
        for (var i = 0; i < files.length; i++) {
            if (files[i].size > 4 * 1024 * 1024) {
                LX.showError($("page-error"), {message: fmt(_("{name} is larger than 4 MiB."),
                                                            {name: files[i].name})});
                return;
            }
            fd.append("file", files[i], files[i].name);
        }
        busy = true;
        hideResult();
        $("check-submit").disabled = true;
        var pr = $("check-progress");
        pr.hidden = false;
        pr.value = 0;
        LX.showError($("page-error"), null);
        LX.upload("/api/v1/plans/check", fd, function (f) { pr.value = f; }).then(function (r) {
            renderCheck(r, "check");
        }, function (e) {
            /* a 4xx with a check's body (an upload that cannot be
             * installed) still shows its messages */
            if (e.body && e.body.messages)
                renderCheck(e.body, "check");
            else
                LX.showError($("page-error"), e);
        }).then(function () {
            busy = false;
            $("check-submit").disabled = false;
            pr.hidden = true;
        });
    }

    function install() {
        if (!current || !current.upload || busy)
            return;
        busy = true;
        $("install").disabled = true;
        $("install-result").className = "";
        $("install-result").textContent = _("Installing\u2026");
        LX.api("/api/v1/plans/install", {method: "POST", body: {upload: current.upload}})
            .then(function (r) {
                var rl = r && r.reload || {};
                var words = [fmt(_("Installed as version {v}."), {v: r.version})];
                if (rl.ok === false || rl.error)
                    words.push(fmt(_("The daemon's reload: {answer}"),
                                   {answer: rl.error || rl.message || ""}));
                else
                    words.push(rl.message ? fmt(_("The daemon reloaded the plan: {answer}"),
                                                {answer: rl.message}) :
                               _("The daemon reloaded the plan."));
                $("install-result").className = rl.ok === false || rl.error ? "bad" : "good";
                $("install-result").textContent = words.join(" ");
                current = null;
                $("plan-files").value = "";
                loadVersions();
            }, function (e) {
                /* refused (409): the check as it stands now */
                if (e.body && e.body.check && e.body.check.messages) {
                    e.body.check.upload = null;
                    renderCheck(e.body.check, "check");
                }
                $("install-result").className = "bad";
                $("install-result").textContent = e.message;
                $("install").disabled = !(current && current.upload);
            }).then(function () { busy = false; });
    }

    function rollback(v) {
        if (busy)
            return;
        busy = true;
        hideResult();
        LX.showError($("page-error"), null);
        LX.api("/api/v1/plans/rollback", {method: "POST", body: {version: v}}).then(function (r) {
            r.version_checked = v;
            renderCheck(r, "rollback");
        }, function (e) {
            if (e.body && e.body.messages)
                renderCheck(e.body, "rollback");
            else
                LX.showError($("page-error"), e);
        }).then(function () { busy = false; });
    }

    function loadVersions() {
        return LX.api("/api/v1/plans/versions").then(function (r) {
            var body = clear($("versions-body"));
            var vs = r && r.versions || [];
            vs.slice().sort(function (a, b) { return b.version - a.version; }).forEach(function (v, i) {
                var tr = el("tr");
                tr.setAttribute("data-version", v.version);
                var td = el("td", "num", String(v.version));
                td.setAttribute("data-col", _("Version"));
                tr.appendChild(td);
                td = el("td", "", LX.whenText(v.installed_at));
                td.setAttribute("data-col", _("Installed at"));
                tr.appendChild(td);
                td = el("td", "", v.by || (v.source === "before-console" ?
                                           _("(the plan before the console)") : v.source || ""));
                td.setAttribute("data-col", _("By"));
                tr.appendChild(td);
                td = el("td", "files", (v.files || []).map(function (f) {
                    return typeof f === "string" ? f : f.name;
                }).join(", "));
                td.setAttribute("data-col", _("Files"));
                tr.appendChild(td);
                td = el("td", "hash", (v.sha256 || "").slice(0, 12));
                td.title = v.sha256 || "";
                td.setAttribute("data-col", _("Checksum"));
                tr.appendChild(td);
                td = el("td", "row-actions");
                td.setAttribute("data-col", _("Actions"));
                var a = el("a", "", _("Download"));
                a.href = "/api/v1/plans/versions/" + encodeURIComponent(v.version) + "/download";
                a.setAttribute("download", "");
                a.setAttribute("aria-label", fmt(_("Download version {v}"), {v: v.version}));
                td.appendChild(a);
                if (i === 0) {
                    td.appendChild(el("span", "muted", " " + _("(running)")));
                } else if (LX.roleAtLeast("officer")) {
                    var b = el("button", "secondary", _("Roll back to this"));
                    b.type = "button";
                    b.setAttribute("aria-label", fmt(_("Roll back to version {v}"), {v: v.version}));
                    b.addEventListener("click", function () { rollback(v.version); });
                    td.appendChild(document.createTextNode(" "));
                    td.appendChild(b);
                }
                tr.appendChild(td);
                body.appendChild(tr);
            });
            $("versions-none").hidden = vs.length > 0;
        }, function (e) { LX.showError($("page-error"), e); });
    }

    function loadFollow() {
        LX.api("/api/v1/plans/follow").then(function (r) {
            if (!r || !r.url)
                return;
            $("follow").hidden = false;
            $("follow-url").textContent = r.url;
            $("follow-last").textContent = r.last_fetch ? LX.whenText(r.last_fetch) : "\u2014";
            var okn = $("follow-ok");
            okn.className = r.ok ? "good" : "bad";
            okn.textContent = r.ok ? _("clean, installed") : _("not installed (see below)");
            var ul = clear($("follow-msgs"));
            (r.messages || []).forEach(function (m) {
                ul.appendChild(el("li", "", (m.file || "") + (m.line ? ":" + m.line : "") + ": " +
                                  sevText(m.severity) + ": " + (m.message || "")));
            });
        }, function () { /* not configured, or not this server yet */ });
    }

    LX.start(function () {
        var officer = LX.roleAtLeast("officer");
        $("upload-panel").hidden = !officer;
        $("role-note").hidden = officer;
        $("check-form").addEventListener("submit", check);
        $("plan-files").addEventListener("change", hideResult);
        $("install").addEventListener("click", install);
        loadVersions();
        loadFollow();
    });
})();
