# loaxa-web's defences against a plain HTTP client (web-security.py), with
# the real loaxad running on the null output so that the status route has a
# daemon to ask.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
. "$SRCDIR/tests/e2e/web-lib.sh"
t_setup
d_setup
D_NOW=$(date +%s)
d_plan "w1 3600 0 tone.wav"
d_start || t_done
w_setup
python3 "$SRCDIR/tests/e2e/web-security.py" || fail "web-security.py (above)"
grep -F -e 'password-' -e 'wrong-' "$T_TMP/web.log" && fail "a password in loaxa-web's output"
grep -qE '(failed login for|đăng nhập sai cho) "alice" (from|từ) 127.0.0.1' "$T_TMP/web.log" && ok "failed logins are in the journal" \
    || fail "no failed login in loaxa-web's output"
grep -qE 'alice (logged in from|đã đăng nhập từ) 127.0.0.1' "$T_TMP/web.log" && ok "logins are in the journal" \
    || fail "no login in loaxa-web's output"
d_stop
t_done
