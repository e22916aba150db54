#!/usr/bin/env bash
# Builds loaxa twice (normal, and ASan+UBSan) and runs every test in both.
# Ends with the line "N passed, N failed". Usage: tools/test.sh [--quick]
# (--quick: the normal build only). Three tests at a time on two cores: most
# end-to-end tests wait on real time, not on the processor.
set -u
cd "$(dirname "$0")/.."
pass=0; fail=0
run_build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
    fi
    meson compile -C "$dir" >"$dir.compile.log" 2>&1 || { tail -60 "$dir.compile.log"; return 1; }
    meson test -C "$dir" --print-errorlogs --num-processes 3 2>&1 | tee "$dir.test.log" | \
        grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Expected Fail|Unexpected Pass|Skipped|Timeout):'
    local ok f
    ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$dir.test.log" | tail -1)
    f=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $2} END {print s + 0}' "$dir.test.log")
    pass=$((pass + ${ok:-0})); fail=$((fail + f))
    [ -n "$ok" ] || { grep -B5 -A40 'ERROR\|error:' "$dir.test.log" | head -80; fail=$((fail + 1)); }
}
run_build build || fail=$((fail + 1))
if [ "${1:-}" != "--quick" ]; then
    run_build build-san -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
        || fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
