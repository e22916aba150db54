/* The console's shared script: the string catalogue, the JSON API, the
 * page header (user, language, logout) and the small helpers every page
 * uses. Plain JavaScript, no framework; the CSP allows only scripts and
 * styles from this origin, so nothing here writes inline styles or HTML
 * from data: text goes in with textContent.
 *
 * Strings: the pages mark English msgids (data-i18n="msgid" for text,
 * data-i18n-ATTR for an attribute), scripts call the _ function; the
 * Vietnamese comes from /static/i18n-vi.json, which the build makes from
 * po/vi.po (tools/po2json.py). Times from the API are ISO 8601 with the
 * station's offset; they are shown with their own clock digits, so a
 * browser in another zone still reads station time. */
"use strict";

var LX = (function () {
    var cat = {};
    var lang = "vi";
    var session = null;

    function _(s) { return lang === "vi" && cat[s] ? cat[s] : s; }
    function N_(s) { return s; }
    /* fmt("{n} of {m}", {n: 1, m: 2}) */
    function fmt(t, v) {
        return t.replace(/\{([a-z_]+)\}/g, function (m, k) {
            return v && v[k] !== undefined && v[k] !== null ? String(v[k]) : m;
        });
    }

    function applyStrings(root) {
        var els = (root || document).querySelectorAll("*");
        for (var i = 0; i < els.length; i++) {
            var el = els[i], a = el.attributes;
            for (var j = 0; j < a.length; j++) {
                var n = a[j].name;
                if (n === "data-i18n")
                    el.textContent = _(a[j].value);
                else if (n.indexOf("data-i18n-") === 0)
                    el.setAttribute(n.slice(10), _(a[j].value));
            }
        }
        document.documentElement.lang = lang;
    }

    function loadCatalogue() {
        return fetch("/static/i18n-vi.json", {credentials: "same-origin"})
            .then(function (r) { return r.ok ? r.json() : {}; })
            .then(function (c) { cat = c || {}; }, function () { cat = {}; });
    }

    function ApiError(status, message) {
        this.status = status;
        this.message = message;
    }

    function toLogin() {
        var here = location.pathname + location.search;
        location.href = "/login" + (here && here !== "/" ? "?next=" + encodeURIComponent(here) : "");
    }

    /* api(path[, {method, body}]): the parsed JSON (null for 204). 401
     * sends the browser to the login page; other errors reject with
     * ApiError carrying the server's (translated) message. */
    function api(path, opt) {
        opt = opt || {};
        var init = {method: opt.method || "GET", credentials: "same-origin",
                    headers: {"Accept": "application/json"}};
        if (opt.body !== undefined) {
            init.headers["Content-Type"] = "application/json";
            init.body = JSON.stringify(opt.body);
        }
        if (init.method !== "GET" && session && session.csrf)
            init.headers["X-CSRF-Token"] = session.csrf;
        return fetch(path, init).then(function (r) {
            if (r.status === 401 && !opt.noRedirect) {
                toLogin();
                throw new ApiError(401, _("Your session has ended; please log in again."));
            }
            if (r.status === 204)
                return null;
            return r.text().then(function (t) {
                var j = null;
                try { j = t ? JSON.parse(t) : null; } catch (e) { j = null; }
                if (!r.ok) {
                    var er = new ApiError(r.status, j && j.error ? j.error :
                                          fmt(_("The server answered {status}."), {status: r.status}));
                    er.body = j; /* e.g. a 409's "used_by" */
                    throw er;
                }
                return j;
            });
        }, function () {
            throw new ApiError(0, _("The console cannot be reached."));
        });
    }

    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls)
            e.className = cls;
        if (text !== undefined && text !== null)
            e.textContent = text;
        return e;
    }
    function clear(node) {
        while (node.firstChild)
            node.removeChild(node.firstChild);
        return node;
    }
    function $(id) { return document.getElementById(id); }

    /* ISO 8601 "2026-03-02T06:30:05+07:00" -> its own fields */
    function parts(iso) {
        var m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?/.exec(iso || "");
        if (!m)
            return null;
        return {y: +m[1], mo: +m[2], d: +m[3], h: +(m[4] || 0), mi: +(m[5] || 0), s: +(m[6] || 0),
                date: m[1] + "-" + m[2] + "-" + m[3], hm: (m[4] || "00") + ":" + (m[5] || "00"),
                hms: (m[4] || "00") + ":" + (m[5] || "00") + ":" + (m[6] || "00")};
    }
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    /* dd/mm/yyyy: the date as the commune writes it */
    function dateText(iso) {
        var p = parts(iso);
        return p ? pad(p.d) + "/" + pad(p.mo) + "/" + p.y : "";
    }
    function timeText(iso) { var p = parts(iso); return p ? p.hm : ""; }
    function dateTimeText(iso) { var p = parts(iso); return p ? dateText(iso) + " " + p.hm : ""; }
    /* 125000 -> "2:05", 3725000 -> "1:02:05" */
    function duration(ms) {
        if (ms === null || ms === undefined || ms < 0)
            return "";
        var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
        return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s % 60);
    }
    /* local calendar arithmetic on "YYYY-MM-DD" (UTC noon: no zone surprises) */
    function addDays(date, n) {
        var t = new Date(date + "T12:00:00Z");
        t.setUTCDate(t.getUTCDate() + n);
        return t.toISOString().slice(0, 10);
    }
    function weekday(date) { return new Date(date + "T12:00:00Z").getUTCDay(); }
    function monday(date) { return addDays(date, -((weekday(date) + 6) % 7)); }
    /* today in the station's zone (the schedule's "timezone"), whatever
     * the browser's zone is; the browser's date when it is unknown */
    var zone = "";
    function today() {
        var t = new Date();
        if (zone && window.Intl) {
            try {
                var p = {};
                new Intl.DateTimeFormat("en-GB", {timeZone: zone, year: "numeric", month: "2-digit",
                                                  day: "2-digit"}).formatToParts(t)
                    .forEach(function (x) { p[x.type] = x.value; });
                if (p.year && p.month && p.day)
                    return p.year + "-" + p.month + "-" + p.day;
            } catch (e) { /* an unknown zone: the browser's date */ }
        }
        return t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate());
    }
    function loadZone() {
        try { zone = sessionStorage.getItem("loaxa.zone") || ""; } catch (e) { zone = ""; }
        if (zone)
            return Promise.resolve(zone);
        return api("/api/v1/schedule?days=1").then(function (s) {
            zone = s && s.timezone || "";
            try { sessionStorage.setItem("loaxa.zone", zone); } catch (e) { /* private mode */ }
        }, function () { zone = ""; });
    }
    var DAYS = [N_("Sunday"), N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
                N_("Friday"), N_("Saturday")];
    function dayName(date) { return _(DAYS[weekday(date)]); }

    var LEVELS = {normal: {label: N_("normal"), mark: "\u25CB"},
                  priority: {label: N_("priority"), mark: "\u25B2"},
                  emergency: {label: N_("emergency"), mark: "\u25A0"}};
    /* A level badge: colour, and a shape and a word for whoever cannot
     * tell the colours apart. */
    function levelBadge(level) {
        var l = LEVELS[level] || {label: level || "?", mark: "?"};
        var b = el("span", "lvl lvl-" + (LEVELS[level] ? level : "unknown"));
        var mk = el("span", "mark", l.mark);
        mk.setAttribute("aria-hidden", "true");
        b.appendChild(mk);
        b.appendChild(document.createTextNode(" " + _(l.label)));
        return b;
    }
    var OUTCOMES = {aired: N_("aired"), interrupted: N_("interrupted"), failed: N_("failed"),
                    missed: N_("missed"), cancelled: N_("cancelled"), on_air: N_("on air")};
    function outcomeText(o) { return OUTCOMES[o] ? _(OUTCOMES[o]) : o || ""; }
    var SOURCES = {plan: N_("plan"), adhoc: N_("ad hoc"), emergency: N_("emergency")};
    function sourceText(s) { return SOURCES[s] ? _(SOURCES[s]) : s || ""; }
    var ROLES = {viewer: N_("viewer"), officer: N_("officer"), approver: N_("approver"),
                 admin: N_("admin")};

    var RANK = {viewer: 0, officer: 1, approver: 2, admin: 3};
    function roleAtLeast(r) {
        return !!session && RANK[session.role] !== undefined && RANK[session.role] >= RANK[r];
    }

    /* upload(path, formData, onProgress(fraction)): a multipart POST with
     * the CSRF header; XMLHttpRequest for its upload progress. Resolves
     * with the parsed JSON; rejects with ApiError (its .body the JSON). */
    function upload(path, form, onProgress) {
        return new Promise(function (resolve, reject) {
            var x = new XMLHttpRequest();
            x.open("POST", path);
            x.withCredentials = true;
            x.setRequestHeader("Accept", "application/json");
            if (session && session.csrf)
                x.setRequestHeader("X-CSRF-Token", session.csrf);
            if (onProgress && x.upload)
                x.upload.addEventListener("progress", function (e) {
                    if (e.lengthComputable)
                        onProgress(e.loaded / e.total);
                });
            x.addEventListener("load", function () {
                var j = null;
                try { j = x.responseText ? JSON.parse(x.responseText) : null; } catch (e) { j = null; }
                if (x.status === 401) {
                    toLogin();
                    return reject(new ApiError(401, _("Your session has ended; please log in again.")));
                }
                if (x.status < 200 || x.status >= 300) {
                    var er = new ApiError(x.status, j && j.error ? j.error :
                                          fmt(_("The server answered {status}."), {status: x.status}));
                    er.body = j;
                    return reject(er);
                }
                resolve(j);
            });
            x.addEventListener("error", function () {
                reject(new ApiError(0, _("The console cannot be reached.")));
            });
            x.send(form);
        });
    }
    /* 1536 -> "1.5 KiB" */
    function bytes(n) {
        if (n === null || n === undefined)
            return "";
        var u = ["B", "KiB", "MiB", "GiB"], i = 0;
        while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
        return (i ? n.toFixed(1) : String(n)) + " " + u[i];
    }
    /* epoch ms or ISO -> the station's dd/mm/yyyy hh:mm (ISO keeps its own
     * digits; ms is shown in the browser's zone) */
    function whenText(v) {
        if (typeof v === "string")
            return dateTimeText(v);
        if (typeof v !== "number")
            return "";
        var t = new Date(v);
        return pad(t.getDate()) + "/" + pad(t.getMonth() + 1) + "/" + t.getFullYear() + " " +
            pad(t.getHours()) + ":" + pad(t.getMinutes());
    }

    function showError(node, err) {
        if (!node)
            return;
        node.textContent = err ? (err.message || String(err)) : "";
        node.hidden = !err;
    }

    function header() {
        var who = $("who-user"), role = $("who-role");
        if (who && session)
            who.textContent = session.user;
        if (role && session)
            role.textContent = ROLES[session.role] ? _(ROLES[session.role]) : session.role;
        var page = document.body.getAttribute("data-page");
        var links = document.querySelectorAll("nav.main a");
        for (var i = 0; i < links.length; i++) {
            if (links[i].getAttribute("data-nav") === page)
                links[i].setAttribute("aria-current", "page");
            /* a section the role cannot use is not offered (the server
             * refuses it anyway) */
            var need = links[i].getAttribute("data-role");
            if (need && !roleAtLeast(need))
                links[i].parentNode.hidden = true;
        }
        var sw = $("lang-switch");
        if (sw) {
            /* the other language, named in itself */
            sw.textContent = lang === "vi" ? "English" : "Ti\u1EBFng Vi\u1EC7t";
            sw.setAttribute("lang", lang === "vi" ? "en" : "vi");
            sw.addEventListener("click", function () {
                var want = lang === "vi" ? "en" : "vi";
                try { localStorage.setItem("loaxa.lang", want); } catch (e) { /* private mode */ }
                if (!session) {
                    location.reload();
                    return;
                }
                api("/api/v1/lang", {method: "POST", body: {lang: want}})
                    .then(function () { location.reload(); },
                          function (e) { alert(e.message); });
            });
        }
        var out = $("logout");
        if (out)
            out.addEventListener("click", function () {
                api("/api/v1/logout", {method: "POST"}).then(toLogin, toLogin);
            });
    }

    /* start(fn[, {public: true}]): loads the session and the strings,
     * then fn(session). A public page (login) has no session. */
    function start(fn, opt) {
        opt = opt || {};
        var stored = null;
        try { stored = localStorage.getItem("loaxa.lang"); } catch (e) { stored = null; }
        var ses = opt.public ? Promise.resolve(null) :
            api("/api/v1/session").then(function (s) { return s; });
        Promise.all([ses, loadCatalogue(), opt.public ? null : loadZone()]).then(function (r) {
            session = r[0];
            lang = session && session.lang ? session.lang : stored === "en" ? "en" : "vi";
            applyStrings();
            header();
            document.documentElement.classList.remove("i18n-wait");
            fn(session);
        }, function (e) {
            applyStrings();
            document.documentElement.classList.remove("i18n-wait");
            if (e && e.status !== 401)
                showError($("page-error"), e);
        });
    }

    return {_: _, N_: N_, fmt: fmt, api: api, el: el, clear: clear, $: $, parts: parts,
            dateText: dateText, timeText: timeText, dateTimeText: dateTimeText,
            duration: duration, addDays: addDays, monday: monday, today: today,
            dayName: dayName, levelBadge: levelBadge, outcomeText: outcomeText,
            sourceText: sourceText, showError: showError, start: start,
            roleAtLeast: roleAtLeast, upload: upload, bytes: bytes, whenText: whenText,
            applyStrings: applyStrings, pad: pad,
            lang: function () { return lang; }, session: function () { return session; },
            setSession: function (s) { session = s; }};
})();
var _ = LX._, N_ = LX.N_;
