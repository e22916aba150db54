#!/usr/bin/env bash
# The sound-path tests cannot pass without a sound server in CI: with a
# pulseaudio that fails to start, under CI=true, play, daemon-pulse and the
# soak fail (exit 1); outside CI they skip (77) and say why.
. "$SRCDIR/tests/e2e/lib.sh"
t_setup
mkdir -p "$T_TMP/bin"
printf '#!/bin/sh\necho "fake pulseaudio: refuses to start" >&2\nexit 1\n' >"$T_TMP/bin/pulseaudio"
chmod +x "$T_TMP/bin/pulseaudio"
for t in play daemon-pulse soak; do
    for ci in true ""; do
        want=1; [ -z "$ci" ] && want=77
        PATH=$T_TMP/bin:$PATH CI=$ci timeout 120 bash "$SRCDIR/tests/e2e/$t.sh" \
            >"$T_TMP/$t.out" 2>&1
        rc=$?
        if [ "$rc" -ne "$want" ]; then
            fail "$t with CI='$ci': exit $rc, wanted $want"; tail -5 "$T_TMP/$t.out" | sed 's/^/  | /' >&2
        elif [ -n "$ci" ]; then
            grep_in "$T_TMP/$t.out" 'FAIL: .*PulseAudio' "$t (CI)"
        else
            grep_in "$T_TMP/$t.out" 'SKIP: .*PulseAudio.*pulseaudio -D failed' "$t"
        fi
    done
done
ok "no sound server: a failure in CI, a skip elsewhere"
t_done
