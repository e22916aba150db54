# Shared helpers for end-to-end tests: source it, then call t_setup.
set -u
T_FAILS=0
t_setup() {
    T_TMP=$(mktemp -d /tmp/loaxa-e2e.XXXXXX)
    trap 't_cleanup' EXIT
    export LOAXA_CONFIG=
    cd "$SRCDIR"
}
t_cleanup() {
    [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}
fail() { echo "FAIL: $*" >&2; T_FAILS=$((T_FAILS + 1)); }
ok() { echo "ok: $*"; }
# expect_rc WANT CMD...: runs CMD, stdout to $T_TMP/out, stderr to $T_TMP/err.
expect_rc() {
    local want=$1; shift
    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "exit $rc (wanted $want): $*"; sed 's/^/  err: /' "$T_TMP/err" | head -20 >&2
        return 1
    fi
    return 0
}
# grep_in FILE PATTERN [what]
grep_in() {
    grep -qE -- "$2" "$1" || { fail "${3:-} no match for /$2/ in $(basename "$1")"; sed 's/^/  | /' "$1" | head -20 >&2; return 1; }
}
t_done() {
    if [ "$T_FAILS" -ne 0 ]; then echo "$T_FAILS failure(s)"; exit 1; fi
    echo "all ok"; exit 0
}
