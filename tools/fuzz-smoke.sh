#!/usr/bin/env bash
# CI smoke run of the fuzz harnesses: builds them with clang and libFuzzer
# (build-fuzz/), replays each harness's corpus and past crashes, fuzzes each
# for FUZZ_SECONDS (default 20), two at a time, and fails on any crash, leak,
# timeout or out-of-memory. Prints one line per harness:
#   fuzz-plan: ok, 512 execs, cov: 3100, ft: 14000, corpus 25
# Long local runs: see tests/fuzz/README.md.
set -u
cd "$(dirname "$0")/.."
build=${FUZZ_BUILD:-build-fuzz}
secs=${FUZZ_SECONDS:-20}
harnesses=(plan audio ctl period status)

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzz=true -Dtests=false \
        -Db_sanitize=address,undefined -Db_lundef=false >"$build.setup.log" 2>&1 ||
        { cat "$build.setup.log"; exit 1; }
fi
meson compile -C "$build" "${harnesses[@]/#/fuzz-}" >"$build.compile.log" 2>&1 ||
    { tail -60 "$build.compile.log"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/loaxa-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"

# fuzz NAME: new inputs go to $tmp/NAME/new, never into the committed corpus
fuzz() {
    local name=$1 dict=()
    mkdir -p "$tmp/$name/new"
    [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
    "$build/tests/fuzz/fuzz-$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$tmp/$name/" "${dict[@]}" \
        "$tmp/$name/new" "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name" \
        >"$tmp/$name/log" 2>&1
    echo $? >"$tmp/$name/rc"
}

for ((i = 0; i < ${#harnesses[@]}; i += 2)); do
    fuzz "${harnesses[i]}" &
    [ $((i + 1)) -lt ${#harnesses[@]} ] && fuzz "${harnesses[i + 1]}" &
    wait
done

fail=0
for name in "${harnesses[@]}"; do
    log=$tmp/$name/log
    rc=$(cat "$tmp/$name/rc")
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    if [ "$rc" -eq 0 ]; then
        echo "fuzz-$name: ok, ${execs:-?} execs, cov: ${cov:-?}, ft: ${ft:-?}, corpus ${corp:-?}"
    else
        fail=1
        echo "fuzz-$name: FAILED (exit $rc), ${execs:-?} execs, cov: ${cov:-?}, ft: ${ft:-?}"
        grep -E 'ERROR|SUMMARY|Test unit written|^ *#[0-9]+ 0x' "$log" | head -30
        for a in "$tmp/$name"/crash-* "$tmp/$name"/leak-* "$tmp/$name"/timeout-* \
                 "$tmp/$name"/oom-*; do
            [ -f "$a" ] || continue
            echo "  input (base64; add it to tests/fuzz/regress/$name/ once fixed):"
            base64 -w 76 "$a" | head -40 | sed 's/^/    /'
        done
    fi
done
exit $fail
