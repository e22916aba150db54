/* Phát khẩn cấp (emergency broadcast, officer and above): choose a
 * recording and how many times, then a second, explicit step (the
 * recording's name typed again, which the server checks too) before it
 * goes out through the daemon's emergency bulletin; and a stop button.
 * What is on air is polled from /api/v1/status. */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, fmt = LX.fmt;
    var chosen = null;

    function say(node, cls, text) {
        node.className = cls;
        node.textContent = text;
    }

    function loadRecordings() {
        return LX.api("/api/v1/recordings").then(function (r) {
            var sel = $("em-rec"), keep = sel.value;
            while (sel.options.length > 1)
                sel.remove(1);
            (r && r.recordings || []).forEach(function (x) {
                var o = el("option", "", x.duration_ms ?
                           x.name + " (" + LX.duration(x.duration_ms) + ")" : x.name);
                o.value = x.name;
                sel.appendChild(o);
            });
            sel.value = keep;
        }, function (e) { LX.showError($("page-error"), e); });
    }

    function status() {
        LX.api("/api/v1/status").then(function (st) {
            var a = st && st.on_air;
            var n = $("now");
            if (st && st.daemon === "down") {
                say(n, "bad", _("The daemon does not answer."));
                return;
            }
            if (!a) {
                say(n, "muted", _("Nothing is on air."));
                return;
            }
            say(n, a.level === "emergency" || a.source === "emergency" ? "bad" : "",
                fmt(_("On air: {title}"), {title: a.title || a.uid || ""}) + " (" +
                LX.sourceText(a.source) + ")");
        }, function () { /* shown by the next poll */ });
    }

    function prepare(ev) {
        ev.preventDefault();
        var name = $("em-rec").value;
        var rep = parseInt($("em-repeats").value, 10);
        if (!name || !(rep >= 1 && rep <= 5)) {
            LX.showError($("prep-error"), {message: _("Choose a recording and 1 to 5 times.")});
            return;
        }
        LX.showError($("prep-error"), null);
        chosen = {name: name, repeats: rep};
        $("confirm-what").textContent = fmt(_("{name} will go out {n} time(s) on every loudspeaker now, interrupting what is on air."),
                                            {name: name, n: rep});
        $("em-confirm").value = "";
        $("air").disabled = true;
        say($("air-result"), "", "");
        $("confirm").hidden = false;
        $("em-confirm").focus();
    }

    function cancel() {
        chosen = null;
        $("confirm").hidden = true;
        $("prep-next").focus();
    }

    function air(ev) {
        ev.preventDefault();
        if (!chosen || $("em-confirm").value !== chosen.name)
            return;
        $("air").disabled = true;
        say($("air-result"), "", _("Sending\u2026"));
        LX.api("/api/v1/emergency", {method: "POST", body: {recording: chosen.name,
                                                            repeats: chosen.repeats,
                                                            confirm: $("em-confirm").value}})
            .then(function () {
                say($("air-result"), "good", fmt(_("The emergency broadcast of {name} has started."),
                                                 {name: chosen.name}));
                chosen = null;
                $("em-confirm").value = "";
                status();
                $("stop").focus();
            }, function (e) {
                say($("air-result"), "bad", e.message);
                $("air").disabled = false;
            });
    }

    function stop() {
        if (!confirm(_("Stop what is on air now?")))
            return;
        say($("stop-result"), "", _("Sending\u2026"));
        LX.api("/api/v1/emergency/stop", {method: "POST", body: {}}).then(function () {
            say($("stop-result"), "good", _("Stopped."));
            status();
        }, function (e) { say($("stop-result"), "bad", e.message); });
    }

    LX.start(function () {
        if (!LX.roleAtLeast("officer")) {
            LX.showError($("page-error"), {message: _("Only an officer can air an emergency broadcast.")});
            $("prep-form").hidden = true;
            $("stop").hidden = true;
            return;
        }
        $("prep-form").addEventListener("submit", prepare);
        $("confirm-form").addEventListener("submit", air);
        $("confirm-cancel").addEventListener("click", cancel);
        $("em-confirm").addEventListener("input", function () {
            $("air").disabled = !chosen || $("em-confirm").value !== chosen.name;
        });
        $("em-rec").addEventListener("change", function () {
            if (chosen) cancel();
        });
        $("stop").addEventListener("click", stop);
        loadRecordings();
        status();
        setInterval(function () { if (!document.hidden) status(); }, 3000);
    });
})();
