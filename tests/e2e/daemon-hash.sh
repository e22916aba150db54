# A one-hour WAV (691 MB, sparse) airs: its SHA-256 is computed off the
# loop, so the row is written at the start without waiting for it,
# `loaxa status` answers while it is hashed, and the row gets the right
# hash once it is known. The start offset and the
# slowest status answer are printed for the notes (not judged: wall-clock).
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/daemon-lib.sh"
t_setup
trap d_cleanup EXIT
d_setup
LOG=$T_TMP/loaxad.log
# the file, and the recordings JSON the row must end with
python3 - "$T_TMP/audio" >"$T_TMP/want" 2>"$T_TMP/hash_ms" <<'EOF'
import hashlib, struct, sys, time
rate, ch, bits = 48000, 2, 16
n = rate * ch * bits // 8 * 3600
h = (b'RIFF' + struct.pack('<I', 36 + n) + b'WAVE' + b'fmt ' +
     struct.pack('<IHHIIHH', 16, 1, ch, rate, rate * ch * bits // 8, ch * bits // 8, bits) +
     b'data' + struct.pack('<I', n))
recs, t0 = [], time.monotonic()
for i in (1,):
    name = 'hour%d.wav' % i
    with open(sys.argv[1] + '/' + name, 'wb') as f:
        f.write(h)
        f.truncate(44 + n)
    d = hashlib.sha256()
    with open(sys.argv[1] + '/' + name, 'rb') as f:
        while b := f.read(1 << 20):
            d.update(b)
    recs.append('{"path":"%s","sha256":"%s"}' % (name, d.hexdigest()))
print('[' + ','.join(recs) + ']')
print(int((time.monotonic() - t0) * 1000), file=sys.stderr)
EOF
[ "$(stat -c %s "$T_TMP/audio/hour1.wav")" = 691200044 ] && ok "691 MB of silence" || fail "no hour1.wav"
echo "  hashing it here (hashlib): $(cat "$T_TMP/hash_ms") ms"
# prepared 1 s ahead: the row is written right after (the arm time is
# the output latency + 1 s), long before 691 MB can be hashed
sed -i 's/^prepare_seconds = .*/prepare_seconds = 1/' "$D_CONF"

D_NOW=$(date +%s)
f=$T_TMP/plan/.p.tmp
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//e2e//EN\r\nBEGIN:VEVENT\r\nUID:h\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nSUMMARY:Item h\r\nATTACH:hour1.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    "$(d_time 5)" >"$f"
mv "$f" "$T_TMP/plan/p.ics"
d_start || t_done
# the latency probe: a status every 200 ms, its answer time and exit status
( while [ ! -e "$T_TMP/probe.stop" ]; do
      s=$(date +%s%N)
      "$LOAXA" status >/dev/null 2>&1
      rc=$?
      echo "$s $(( ($(date +%s%N) - s) / 1000000 )) $rc"
      sleep 0.2
  done >"$T_TMP/probe" ) &
PROBE=$!
# the row as soon as it exists
HEX='[0-9a-f]{64}'
first=
for i in $(seq 400); do
    first=$(d_sql "select recordings from airing where occ_key like 'h/%'")
    [ -n "$first" ] && break
    sleep 0.02
done
seen_at=$(date +%s%N)
[ -n "$first" ] || fail "no row for h"
echo "  the row as first seen: $first"
# the hashes land in the row (the probe's status requests wake the loop)
for i in $(seq 600); do
    recs=$(d_sql "select recordings from airing where occ_key like 'h/%'")
    echo "$recs" | grep -qE "\"sha256\":\"$HEX\"" && break
    sleep 0.1
done
filled_at=$(date +%s%N)
[ "$recs" = "$(cat "$T_TMP/want")" ] && ok "the row has hour1.wav's SHA-256" \
    || fail "recordings: $recs, wanted $(cat "$T_TMP/want")"
# the old loop hashed before writing the row: it never existed without
[ "$first" = '[{"path":"hour1.wav","sha256":""}]' ] \
    && ok "the row was written before its hash was known (filled in $(( (filled_at - seen_at) / 1000000 )) ms later)" \
    || fail "the row was written only once hour1.wav was hashed: the loop waited for it"
touch "$T_TMP/probe.stop"
wait "$PROBE"
n=$(wc -l <"$T_TMP/probe")
bad=$(awk '$3 != 0' "$T_TMP/probe" | wc -l)
worst=$(sort -k2 -n "$T_TMP/probe" | tail -1 | cut -d' ' -f2)
[ "$n" -ge 5 ] && [ "$bad" = 0 ] && ok "status answered all $n probes during hashing (slowest ${worst} ms)" \
    || fail "status: $bad of $n probes failed"
# past its start, then stopped: the offset of its first frame
while [ "$(date +%s)" -lt $((D_NOW + 7)) ]; do sleep 0.2; done
expect_rc 0 "$LOAXA" stop
for i in $(seq 100); do grep -q 'Item h (h/[^)]*) interrupted' "$LOG" && break; sleep 0.1; done
off=$(grep -oE 'Item h \(h/[^)]*\) interrupted: first frame [-+][0-9]+ ms' "$LOG" | grep -oE '[-+][0-9]+ ms')
[ -n "$off" ] && ok "h aired, stopped; start offset $off" || fail "no start offset for h"
[ "$(d_sql "select count(*)||':'||status from airing where occ_key like 'h/%'")" = "1:interrupted" ] \
    && ok "one row, interrupted" || fail "rows: $(d_sql 'select occ_key,status from airing')"
d_stop
[ "$D_RC" -eq 0 ] && ok "clean stop" || fail "loaxad exited $D_RC"
t_done
