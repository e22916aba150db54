/* Phê duyệt (approvals, approver role): what waits for an approval (the
 * daemon's PENDING through /api/v1/approvals), each with its recordings
 * playable, approved or rejected with a comment. A decision names the
 * item's content hash: the daemon records it for exactly that content, so
 * an item changed since the page loaded waits again. */
"use strict";
(function () {
    var $ = LX.$, el = LX.el, clear = LX.clear, fmt = LX.fmt;
    var STATES = {pending: N_("waiting"), rejected: N_("rejected")};
    var seq = 0;

    function items(r) {
        if (Array.isArray(r))
            return r;
        return r && (r.pending || r.items || r.approvals) || [];
    }

    function play(name) {
        var p = $("player");
        p.src = "/api/v1/recordings/" + encodeURIComponent(name) + "/audio";
        $("player-name").textContent = fmt(_("Playing {name}"), {name: name});
        p.play().catch(function () { /* the browser may want a click on the player */ });
    }

    function decide(it, decision, card) {
        var note = card.querySelector("textarea");
        var comment = note.value.trim();
        var out = card.querySelector(".decision");
        if (decision === "reject" && !comment) {
            out.className = "decision bad";
            out.textContent = _("Say why in the comment before rejecting.");
            note.focus();
            return;
        }
        var buttons = card.querySelectorAll("button.decide");
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
        LX.api("/api/v1/approvals", {method: "POST", body: {uid: it.uid, hash: it.hash,
                                                            decision: decision, comment: comment}})
            .then(function () {
                var t = fmt(decision === "approve" ? _("{title}: approved.") : _("{title}: rejected."),
                            {title: it.title || it.uid});
                out.className = "decision good";
                out.textContent = t;
                $("decision-result").textContent = t;
                setTimeout(load, 800);
            }, function (e) {
                out.className = "decision bad";
                out.textContent = e.message;
                Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
            });
    }

    function card(it) {
        var n = ++seq;
        var c = el("section", "card pending-item state-" + (it.state || "pending"));
        c.setAttribute("data-uid", it.uid);
        c.setAttribute("aria-labelledby", "pi-h-" + n);
        var h = el("h2", "", it.title || it.uid);
        h.id = "pi-h-" + n;
        c.appendChild(h);
        var dl = el("dl", "facts");
        function fact(k, v) {
            dl.appendChild(el("dt", "", k));
            var dd = el("dd");
            if (v instanceof Node)
                dd.appendChild(v);
            else
                dd.textContent = v;
            dl.appendChild(dd);
        }
        fact(_("Level"), LX.levelBadge(it.level));
        var start = it.first_start || it.start || it.planned_start;
        fact(_("First airing"), start ? LX.dayName(LX.parts(start).date) + " " + LX.dateTimeText(start) : "\u2014");
        fact(_("State"), STATES[it.state] ? _(STATES[it.state]) : it.state || _("waiting"));
        fact(_("Item"), it.uid);
        if (it.hash)
            fact(_("Content"), String(it.hash).slice(0, 16));
        if (it.by) /* the rejection that holds it */
            fact(_("Last decision"), [it.by, it.at ? LX.whenText(it.at) : "", it.comment]
                 .filter(Boolean).join(" — "));
        c.appendChild(dl);
        var recs = it.recordings || [];
        if (recs.length) {
            var ul = el("ul", "plain recs");
            recs.forEach(function (r) {
                /* an ATTACH path as written: the recording is its last segment */
                var name = String(typeof r === "string" ? r : r.name).split("?")[0]
                    .replace(/^file:(\/\/)?/, "");
                name = name.slice(name.lastIndexOf("/") + 1);
                var li = el("li");
                var b = el("button", "secondary", _("Play"));
                b.type = "button";
                b.setAttribute("aria-label", fmt(_("Play {name}"), {name: name}));
                b.addEventListener("click", function () { play(name); });
                li.appendChild(b);
                li.appendChild(el("span", "", " " + name));
                ul.appendChild(li);
            });
            c.appendChild(ul);
        }
        var f = el("div", "field");
        var lab = el("label", "", _("Comment"));
        lab.htmlFor = "pi-c-" + n;
        var ta = el("textarea");
        ta.id = "pi-c-" + n;
        ta.rows = 2;
        ta.maxLength = 500;
        f.appendChild(lab);
        f.appendChild(ta);
        c.appendChild(f);
        var act = el("div", "actions");
        var ok = el("button", "primary decide approve", _("Approve"));
        ok.type = "button";
        ok.setAttribute("aria-label", fmt(_("Approve {title}"), {title: it.title || it.uid}));
        ok.addEventListener("click", function () { decide(it, "approve", c); });
        var no = el("button", "secondary decide reject", _("Reject"));
        no.type = "button";
        no.setAttribute("aria-label", fmt(_("Reject {title}"), {title: it.title || it.uid}));
        no.addEventListener("click", function () { decide(it, "reject", c); });
        act.appendChild(ok);
        act.appendChild(no);
        c.appendChild(act);
        var out = el("p", "decision");
        out.setAttribute("role", "status");
        c.appendChild(out);
        return c;
    }

    function load() {
        /* a comment being written is not thrown away by a refresh */
        var typing = document.activeElement && document.activeElement.tagName === "TEXTAREA";
        if (typing)
            return;
        LX.api("/api/v1/approvals").then(function (r) {
            LX.showError($("page-error"), null);
            var list = items(r);
            var box = clear($("pending"));
            list.forEach(function (it) { box.appendChild(card(it)); });
            var n = r && r.count > list.length ? r.count : list.length;
            $("pending-count").textContent = n ?
                fmt(_("{n} items wait for a decision."), {n: n}) :
                _("Nothing waits for approval.");
        }, function (e) { LX.showError($("page-error"), e); });
    }

    LX.start(function () {
        if (!LX.roleAtLeast("approver")) {
            LX.showError($("page-error"), {message: _("Only an approver can decide what airs.")});
            return;
        }
        load();
        setInterval(function () { if (!document.hidden) load(); }, 30000);
    });
})();
