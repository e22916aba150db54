# What the sources may do, checked on every build: nothing from a plan (or
# anywhere) is executed — no process is spawned by loaxa or loaxad — and
# SQL never has values pasted into its text: values go through bound
# parameters of prepared statements. And the module boundaries: an external
# library's header only in the module that owns it, and a module includes
# only the modules it may use (doc/HACKING.md "Layout"; the meson.build of
# each module links the same graph).
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
# and in web/accounts.c (the console's own accounts database, web.db)
grep -rlE 'sqlite3_(prepare|exec)' --include='*.c' . | sort >"$T_TMP/users"
[ "$(echo $(cat "$T_TMP/users"))" = "./aslog/aslog.c ./web/accounts.c" ] \
    && ok "SQL only in aslog/aslog.c and web/accounts.c" \
    || { fail "SQL outside aslog and web/accounts.c:"; cat "$T_TMP/users" >&2; }

# ---- module boundaries ----
# External headers -> the only places that may include them (a directory
# or a file under src/).
declare -A OWNER=(
    ['libical/']='plan/'
    ['sndfile.h']='audio/'
    ['mpg123.h']='audio/mp3.c'
    ['soxr.h']='audio/'
    ['ebur128.h']='audio/'
    ['portaudio.h']='audio/out_portaudio.c'
    ['sqlite3.h']='aslog/ web/accounts.c'
    ['sodium.h']='web/accounts.c'
    ['microhttpd.h']='web/http.c'
    ['curl/']='web/plans.c'
    ['xlsxwriter.h']='report/render_xlsx.c'
    ['zip.h']='report/docpkg.c'
    ['unicode/']='report/collate.c'
    ['ini.h']='core/config.c'
    ['nettle/']='core/hash.c'
    # libpq: the province's PostgreSQL database (loaxa push, loaxa province)
    ['libpq-fe.h']='province/'
    # json-c: the control protocol's documents (ctl), the JSON report
    # renderer, the log's recordings column (airlog), and the CLI's
    # --format json of `log` and `schedule`, and loaxa-web's API.
    ['json-c/']='ctl/status.c report/render_json.c airlog/airlog.c cli/cmd_log.c cli/cmd_schedule.c web/api.c web/api_internal.h web/data.c export/export.c cli/cmd_province.c'
)
# Module -> the modules it may include (itself always). Library modules
# never include cli/ or daemon/.
declare -A USES=(
    [core]=''
    [audio]='core'
    [plan]='core audio'
    [aslog]='core'
    [sched]='core plan'
    [airlog]='core aslog sched'
    [programme]='core plan audio'
    [sim]='core plan audio aslog sched airlog programme'
    [report]='core plan aslog'
    [export]='core plan aslog'
    [ctl]='core plan'
    [province]='core plan aslog'
    [cli]='core audio plan aslog sched sim report ctl web export province'
    [daemon]='core audio plan aslog sched airlog programme sim ctl'
    # loaxa-web: a program (its routes, web_deps in src/meson.build) over the
    # accounts library (web/accounts.c, web_mod), which `loaxa user` uses
    [web]='core audio plan aslog report ctl web'
)
# Exceptions, each to be deleted by the change that removes it:
ALLOW=(
    # plan's check uses the programme model, which uses plan; built as a
    # library of its own above both (plan_check_lib in src/meson.build)
    'plan/check.c programme'
)
allowed() { # FILE WHAT: is FILE on the exception list for WHAT
    local a
    for a in "${ALLOW[@]}"; do [ "$a" = "$1 $2" ] && return 0; done
    return 1
}
# audit_includes DIR: prints each boundary violation of the sources under
# DIR (a src/ tree) as "file:line: what"
audit_includes() (
    cd "$1" || exit 1
    grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' --include='*.c' --include='*.h' \
        -r . | sed 's|^\./||' |
    while IFS= read -r hit; do
        file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; text=${rest#*:}
        mod=${file%%/*}
        hdr=$(printf '%s\n' "$text" | sed -E 's/^[^<"]*[<"]([^>"]*)[>"].*/\1/')
        if [ "$mod" = "$file" ] || [ -z "${USES[$mod]+x}" ]; then
            echo "$file:$line: module \"$mod\" has no rule in tests/e2e/source-audit.sh (USES)"
            continue
        fi
        for lib in "${!OWNER[@]}"; do
            case $hdr in "$lib"*) ;; *) continue ;; esac
            okd=0
            for place in ${OWNER[$lib]}; do
                case $file in "$place"*) okd=1 ;; esac
            done
            [ $okd = 1 ] || allowed "$file" "$lib" ||
                echo "$file:$line: includes <$hdr>, which only ${OWNER[$lib]} may use"
        done
        case $hdr in */*) ;; *) continue ;; esac
        dep=${hdr%%/*}
        [ -d "$dep" ] || continue  # not a module (e.g. a system header)
        [ "$dep" = "$mod" ] && continue
        case " ${USES[$mod]} " in *" $dep "*) continue ;; esac
        allowed "$file" "$dep" ||
            echo "$file:$line: $mod includes \"$hdr\": $mod may use only: ${USES[$mod]:-nothing}"
    done
)
audit_includes "$SRCDIR/src" >"$T_TMP/bounds"
[ ! -s "$T_TMP/bounds" ] && ok "every module includes only its own libraries and allowed modules" \
    || { fail "module boundaries:"; cat "$T_TMP/bounds" >&2; }
# The exceptions are still needed (else delete them from ALLOW)
for a in "${ALLOW[@]}"; do
    f=${a%% *}; w=${a#* }
    [ -d "$SRCDIR/src/$w" ] && pat="[<\"]$w/" || pat="[<\"]$w"
    grep -qE "#[[:space:]]*include[[:space:]]*$pat" "$SRCDIR/src/$f" 2>/dev/null \
        || fail "ALLOW \"$a\" is no longer needed: delete it"
done
# The build links the same graph: each library module's static_library in
# its meson.build takes exactly the modules USES gives it (those ALLOW names
# for its files may be there or not), and
# only external libraries it owns (meson variable -> header as in OWNER).
declare -A MESON_LIB=([libical]='libical/' [sndfile]='sndfile.h' [mpg123]='mpg123.h' [soxr]='soxr.h'
    [ebur128]='ebur128.h' [portaudio]='portaudio.h' [sqlite]='sqlite3.h'
    [xlsxwriter]='xlsxwriter.h' [jsonc]='json-c/' [inih]='ini.h' [nettle]='nettle/'
    [icu]='unicode/' [sodium]='sodium.h' [microhttpd]='microhttpd.h'
    [libpq]='libpq-fe.h')
mfails=$T_FAILS
for mod in "${!USES[@]}"; do
    case $mod in cli|daemon|web) continue ;; esac  # programs: src/meson.build
    mb="$SRCDIR/src/$mod/meson.build"
    # the static_library(...) call: from its line to the "<mod>_mod =" line
    call=$(sed -n "/static_library(/,/^${mod}_mod *=/p" "$mb" | sed '$d' | sed 's/#.*//')
    got=$(echo $(printf '%s\n' "$call" | grep -oE '\b[a-z]+_mod\b' | sed 's/_mod$//' | sort -u))
    # USES exactly, plus (not required) the modules ALLOW names for its files
    extra=$(for a in "${ALLOW[@]}"; do
                case $a in "$mod/"*) w=${a#* }; [ -d "$SRCDIR/src/$w" ] && echo "$w" ;; esac
            done)
    bare=$(echo $(for g in $got; do case " $extra " in *" $g "*) ;; *) echo "$g" ;; esac; done))
    want=$(echo $(for w in ${USES[$mod]}; do case " $extra " in *" $w "*) ;; *) echo "$w" ;; esac
                  done | sort -u))
    [ "$bare" = "$want" ] || fail "src/$mod/meson.build links modules [$got], USES says [${USES[$mod]}]"
    for var in $(printf '%s\n' "$call" | grep -oE '\b[a-z0-9]+\b' | sort -u); do
        hdr=${MESON_LIB[$var]:-}
        [ -n "$hdr" ] || continue
        okd=0
        for place in ${OWNER[$hdr]}; do case $place in "$mod/"*) okd=1 ;; esac; done
        for a in "${ALLOW[@]}"; do case $a in "$mod/"*" $hdr") okd=1 ;; esac; done
        [ $okd = 1 ] || fail "src/$mod/meson.build gives $mod $var, which only ${OWNER[$hdr]} may use"
    done
done
for prog in cli daemon web; do # their module lists, in src/meson.build
    got=$(echo $(sed -n "/^${prog}_deps *=/,/]/p" "$SRCDIR/src/meson.build" |
                 grep -oE '\b[a-z]+_mod\b' | sed 's/_mod$//' | sort -u))
    want=$(echo $(printf '%s\n' ${USES[$prog]} | sort -u))
    [ "$got" = "$want" ] || fail "src/meson.build gives $prog modules [$got], USES says [$want]"
done
[ "$T_FAILS" -eq "$mfails" ] && ok "each module's meson.build links the same graph"
# The audit catches what it should: a copy of the tree with violations.
mkdir -p "$T_TMP/src" && cp -r "$SRCDIR/src/." "$T_TMP/src/"
printf '#include <sqlite3.h>\n' >>"$T_TMP/src/report/report.c"
printf '#include "audio/probe.h"\n' >>"$T_TMP/src/sched/sched.c"
printf '#include "daemon/daemon.h"\n' >>"$T_TMP/src/plan/load.c"
printf '#include <portaudio.h>\n' >>"$T_TMP/src/audio/player.c"
audit_includes "$T_TMP/src" >"$T_TMP/caught"
for want in "report/report.c:$(wc -l <"$T_TMP/src/report/report.c"): includes <sqlite3.h>" \
            "sched/sched.c:$(wc -l <"$T_TMP/src/sched/sched.c"): sched includes \"audio/probe.h\"" \
            "plan/load.c:$(wc -l <"$T_TMP/src/plan/load.c"): plan includes \"daemon/daemon.h\"" \
            "audio/player.c:$(wc -l <"$T_TMP/src/audio/player.c"): includes <portaudio.h>"; do
    grep -qF "$want" "$T_TMP/caught" && ok "audit names $want" \
        || { fail "audit missed: $want"; cat "$T_TMP/caught" >&2; }
done
t_done
