/* The login page: POST /api/v1/login with the form's fields as JSON, then
 * the session's language set to the one chosen here, then the page the
 * visitor came for (only a path of this site). */
"use strict";
(function () {
    var $ = LX.$;

    function target() {
        var m = /[?&]next=([^&]*)/.exec(location.search);
        var t = m ? decodeURIComponent(m[1]) : "/";
        /* a local path only: no "//host", no "/\host", no scheme */
        return /^\/(?![\/\\])[^\s]*$/.test(t) && t.indexOf("/login") !== 0 ? t : "/";
    }

    LX.start(function () {
        var form = $("login-form"), btn = $("login-submit");
        $("username").focus();
        form.addEventListener("submit", function (ev) {
            ev.preventDefault();
            var user = $("username").value.trim(), pass = $("password").value;
            if (!user || !pass) {
                LX.showError($("page-error"), {message: _("Enter your user name and password.")});
                (user ? $("password") : $("username")).focus();
                return;
            }
            btn.disabled = true;
            LX.api("/api/v1/login", {method: "POST", body: {username: user, password: pass},
                                     noRedirect: true})
                .then(function (s) {
                    LX.setSession(s);
                    if (s.lang !== LX.lang())
                        return LX.api("/api/v1/lang", {method: "POST", body: {lang: LX.lang()}})
                            .catch(function () { return null; });
                    return null;
                })
                .then(function () { location.href = target(); }, function (e) {
                    btn.disabled = false;
                    $("password").value = "";
                    if (e.status === 401)
                        e = {message: _("Wrong user name or password.")};
                    LX.showError($("page-error"), e);
                    $("password").focus();
                });
        });
    }, {public: true});
})();
