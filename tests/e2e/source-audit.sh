# What the sources may do, checked on every build: nothing from a plan (or
# anywhere) is executed — no process is spawned by loaxa or loaxad — and
# SQL never has values pasted into its text: values go through bound
# parameters of prepared statements.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
cd "$SRCDIR/src"
grep -rnE '\b(system|popen|execl|execlp|execle|execv|execvp|execve|execvpe|fexecve|posix_spawnp?|fork|vfork)\s*\(' \
    --include='*.c' --include='*.h' . >"$T_TMP/spawn"
[ ! -s "$T_TMP/spawn" ] && ok "no process spawning in src/" || { fail "spawning:"; cat "$T_TMP/spawn" >&2; }
grep -rnE 'sqlite3_v?s?mprintf|sqlite3_v?snprintf|%[qQw]' --include='*.c' . >"$T_TMP/fmt"
[ ! -s "$T_TMP/fmt" ] && ok "no SQL text built with sqlite3 printf" || { fail "SQL printf:"; cat "$T_TMP/fmt" >&2; }
# SQL text made with snprintf/strbuf_printf may only take numbers
grep -rnE '(snprintf|strbuf_printf)\([^;]*"[^"]*\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|WHERE)\b[^"]*%[^dlu"]' \
    --include='*.c' . >"$T_TMP/paste"
[ ! -s "$T_TMP/paste" ] && ok "no strings pasted into SQL" || { fail "SQL with pasted strings:"; cat "$T_TMP/paste" >&2; }
# every statement is prepared in aslog (the only module that opens the log)
grep -rlE 'sqlite3_(prepare|exec)' --include='*.c' . | sort >"$T_TMP/users"
[ "$(cat "$T_TMP/users")" = "./aslog/aslog.c" ] && ok "SQL only in aslog/aslog.c" \
    || { fail "SQL outside aslog:"; cat "$T_TMP/users" >&2; }
t_done
