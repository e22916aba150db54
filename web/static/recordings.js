/* Bản ghi âm (recordings): the recordings under the audio root with what
 * the server measured (duration, rate, loudness, true peak) and the plan
 * items that use each; upload with progress (the server decodes and
 * checks it before keeping it, and names it), play in the browser, rename,
 * delete (refused while a plan names it: the items are shown). */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var renaming = null;

    function num(v, digits) {
        return typeof v === "number" && isFinite(v) ? v.toFixed(digits) : "\u2014";
    }
    function say(node, cls, text) {
        node.className = cls;
        node.textContent = text;
    }
    function audioUrl(name) {
        return "/api/v1/recordings/" + encodeURIComponent(name) + "/audio";
    }
    function play(name) {
        var p = $("player");
        p.src = audioUrl(name);
        $("player-name").textContent = fmt(_("Playing {name}"), {name: name});
        p.play().catch(function () { /* the browser may want a click on the player */ });
    }

    function cell(tr, text, cls, col) {
        var td = el("td", cls || "", text);
        td.setAttribute("data-col", col);
        tr.appendChild(td);
        return td;
    }

    function render(r) {
        var body = clear($("recs-body"));
        var recs = r && r.recordings || [];
        var officer = LX.roleAtLeast("officer");
        recs.forEach(function (x) {
            var tr = el("tr");
            tr.setAttribute("data-name", x.name);
            cell(tr, x.name, "name", _("Name"));
            cell(tr, LX.duration(x.duration_ms), "num", _("Duration"));
            cell(tr, x.rate ? fmt(_("{hz} Hz"), {hz: x.rate}) : "\u2014", "num", _("Sample rate"));
            cell(tr, num(x.lufs, 1), "num", _("Loudness (LUFS)"));
            cell(tr, num(x.true_peak, 1), "num" + (x.true_peak > -1 ? " bad" : ""),
                 _("True peak (dBTP)"));
            cell(tr, LX.bytes(x.size), "num", _("Size"));
            var used = x.used_by || [];
            cell(tr, used.length ? used.join(", ") : _("not used"), used.length ? "" : "muted",
                 _("Used by"));
            var td = cell(tr, "", "row-actions", _("Actions"));
            var b = el("button", "secondary", _("Play"));
            b.type = "button";
            b.setAttribute("aria-label", fmt(_("Play {name}"), {name: x.name}));
            b.addEventListener("click", function () { play(x.name); });
            td.appendChild(b);
            if (officer) {
                b = el("button", "secondary", _("Rename"));
                b.type = "button";
                b.setAttribute("aria-label", fmt(_("Rename {name}"), {name: x.name}));
                b.addEventListener("click", function () { openRename(x.name); });
                td.appendChild(b);
                b = el("button", "secondary danger-outline", _("Delete"));
                b.type = "button";
                b.setAttribute("aria-label", fmt(_("Delete {name}"), {name: x.name}));
                b.addEventListener("click", function () { remove(x.name); });
                td.appendChild(b);
            }
            body.appendChild(tr);
        });
        $("rec-count").textContent = fmt(_("{n} recordings."), {n: recs.length});
    }

    function load() {
        return LX.api("/api/v1/recordings").then(render,
            function (e) { LX.showError($("page-error"), e); });
    }

    function upload(ev) {
        ev.preventDefault();
        var f = $("rec-file").files[0];
        if (!f)
            return;
        var fd = new FormData();
        fd.append("file", f, f.name);
        var pr = $("upload-progress"), pct = $("upload-pct");
        pr.hidden = false;
        pr.value = 0;
        $("upload-submit").disabled = true;
        say($("upload-result"), "", fmt(_("Uploading {name}\u2026"), {name: f.name}));
        LX.upload("/api/v1/recordings", fd, function (x) {
            pr.value = x;
            pct.textContent = Math.round(x * 100) + " %";
            if (x >= 1)
                say($("upload-result"), "", _("Uploaded; the station is checking the sound\u2026"));
        }).then(function (r) {
            var rec = r && (r.recording || r) || {};
            say($("upload-result"), "good",
                fmt(_("Kept as {name}: {duration}, {lufs} LUFS, true peak {peak} dBTP."),
                    {name: rec.name, duration: LX.duration(rec.duration_ms),
                     lufs: num(rec.lufs, 1), peak: num(rec.true_peak, 1)}));
            $("rec-file").value = "";
            load();
        }, function (e) {
            say($("upload-result"), "bad", fmt(_("Not kept: {why}"), {why: e.message}));
        }).then(function () {
            pr.hidden = true;
            pct.textContent = "";
            $("upload-submit").disabled = false;
        });
    }

    function remove(name) {
        if (!confirm(fmt(_("Delete the recording {name}? This cannot be undone."), {name: name})))
            return;
        LX.api("/api/v1/recordings/" + encodeURIComponent(name), {method: "DELETE"}).then(function () {
            say($("action-result"), "good", fmt(_("{name} was deleted."), {name: name}));
            load();
        }, function (e) {
            var used = e.body && e.body.used_by;
            say($("action-result"), "bad", used && used.length ?
                fmt(_("{name} cannot be deleted: the plan uses it in {items}."),
                    {name: name, items: used.join(", ")}) : e.message);
        });
    }

    function openRename(name) {
        renaming = name;
        $("rename-old").textContent = fmt(_("Now: {name}"), {name: name});
        $("rename-to").value = name;
        LX.showError($("rename-error"), null);
        $("rename-dialog").showModal();
        $("rename-to").select();
    }

    function rename(ev) {
        ev.preventDefault();
        var to = $("rename-to").value.trim();
        if (!renaming || !to)
            return;
        var from = renaming;
        LX.api("/api/v1/recordings/" + encodeURIComponent(from) + "/rename",
               {method: "POST", body: {to: to}}).then(function (r) {
            $("rename-dialog").close();
            say($("action-result"), "good", fmt(_("{from} is now {to}."),
                                                {from: from, to: r && r.name || to}));
            renaming = null;
            load();
        }, function (e) {
            var used = e.body && e.body.used_by;
            LX.showError($("rename-error"), used && used.length ?
                {message: fmt(_("{name} cannot be renamed: the plan uses it in {items}."),
                              {name: from, items: used.join(", ")})} : e);
        });
    }

    LX.start(function () {
        $("upload-panel").hidden = !LX.roleAtLeast("officer");
        $("upload-form").addEventListener("submit", upload);
        $("rename-form").addEventListener("submit", rename);
        $("rename-cancel").addEventListener("click", function () { $("rename-dialog").close(); });
        $("player").addEventListener("error", function () {
            if ($("player").getAttribute("src"))
                $("player-name").textContent = _("This recording cannot be played here.");
        });
        load();
    });
})();
