# web-lib.sh: for the loaxa-web tests. Source after lib.sh and daemon-lib.sh,
# after d_setup: makes the accounts (alice viewer, bob admin, carol officer;
# password "password-NAME", through `loaxa user add` as an admin would), a
# pages folder with a login page and a stylesheet, a secret file beside it
# and a symlink out of it (what path traversal must never reach).
w_setup() {
    export WEB_DB=$T_TMP/web.db WEB_STATIC=$T_TMP/web WEB_SECRET=$T_TMP/secret.txt
    mkdir -p "$WEB_STATIC/static"
    echo "TOP-SECRET-$$" >"$WEB_SECRET"
    printf '<!doctype html><title>login-page</title>\n' >"$WEB_STATIC/login.html"
    for p in index schedule log reports; do
        printf '<!doctype html><title>%s-page</title>\n' "$p" >"$WEB_STATIC/$p.html"
    done
    printf 'body { color: black; }\n' >"$WEB_STATIC/static/app.css"
    printf 'h1 {}\n' >"$WEB_STATIC/static/.hidden.css"
    ln -s "$WEB_SECRET" "$WEB_STATIC/static/out.css"
    local u
    for u in alice:viewer bob:admin carol:officer; do
        printf 'password-%s\npassword-%s\n' "${u%%:*}" "${u%%:*}" |
            "$LOAXA" user add "${u%%:*}" --role "${u#*:}" --set "web.db=$WEB_DB" \
            || fail "loaxa user add ${u%%:*}"
    done
    export T_TMP PYTHONPATH=$SRCDIR/tests/e2e
}
