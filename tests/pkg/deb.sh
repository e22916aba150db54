#!/usr/bin/env bash
# The Debian package, as an administrator meets it (Debian 12, as root):
# builds it with dpkg-buildpackage in a copy of the tree, runs lintian,
# installs it with apt, checks what it put where (user, folders, modes,
# conffile, tune, catalogue, docs), `systemd-analyze verify` on the installed
# unit, runs the installed loaxad as the loaxa user with the installed config
# on the null device (systemd need not be PID 1: the unit's own command line
# under setpriv), airs an item an officer of the loaxa group put in
# /var/lib/loaxa, backs the log up as doc/admin.md says, then `apt remove`
# (state kept) and `apt purge` (state gone). Ends with "pkg: N passed, N
# failed" and exits non-zero on a failure.
#
# It installs and purges the package loaxa on this machine: it refuses to
# run where loaxa is installed already, unless CI=true or --force.
set -u
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
src=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "  ok: $*"; }
bad() { fail=$((fail + 1)); echo "  FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() {
    echo "pkg: $pass passed, $fail failed"
    [ "$fail" -eq 0 ] && exit 0 || exit 1
}
die() { bad "$*"; finish; }

[ "$(id -u)" -eq 0 ] || { echo "tests/pkg/deb.sh: run as root (it installs a package)" >&2; exit 1; }
[ -r /etc/debian_version ] || { echo "tests/pkg/deb.sh: Debian only" >&2; exit 1; }
if dpkg-query -W -f='${Status}' loaxa 2>/dev/null | grep -q 'installed' &&
   [ "${CI:-}" != true ] && [ "${1:-}" != --force ]; then
    echo "tests/pkg/deb.sh: loaxa is installed here; this test would purge it (and" \
         "/var/lib/loaxa). Run with --force to do so anyway." >&2
    exit 1
fi

OFFICER=loaxa-ci-officer
work=$(mktemp -d /tmp/loaxa-deb.XXXXXX)
chmod 0755 "$work"
dpid='' made_bk=''
cleanup() {
    [ -n "$dpid" ] && kill -KILL "$dpid" 2>/dev/null
    [ -n "$made_bk" ] && rm -rf /var/backups/loaxa
    if dpkg-query -W -f='${Status}' loaxa 2>/dev/null | grep -qv 'not-installed'; then
        apt-get purge -y -qq loaxa >/dev/null 2>&1
    fi
    getent passwd "$OFFICER" >/dev/null && userdel "$OFFICER" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
# a leftover of an interrupted run
cleanup_start() {
    dpkg-query -W -f='${Status}' loaxa 2>/dev/null | grep -qv 'not-installed' &&
        apt-get purge -y -qq loaxa >/dev/null 2>&1
    getent passwd "$OFFICER" >/dev/null && userdel "$OFFICER" 2>/dev/null
    return 0
}
cleanup_start

# --- build dependencies -------------------------------------------------------
tools=(debhelper dpkg-dev fakeroot lintian sqlite3 adduser util-linux)
missing=()
for p in "${tools[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; die "apt-get install ${missing[*]}"; }
fi
# the libraries come from tools/deps.sh; say what is missing rather than
# fail in the middle of the build
(cd "$src" && dpkg-checkbuilddeps) || die "build dependencies (bash tools/deps.sh)"

# --- build, in a copy of the tree ---------------------------------------------
echo "building the package"
tree=$work/loaxa
mkdir -p "$tree"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$src" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
        tar --null -T - -cf -) | tar -C "$tree" -xf -
else
    tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$tree" -xf -
fi
if (cd "$tree" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b"
else
    tail -40 "$work/build.log" >&2
    die "dpkg-buildpackage -us -uc -b"
fi
deb=$(ls "$work"/loaxa_*_*.deb)
changes=$(ls "$work"/loaxa_*.changes)

# --- lintian: no error; what it says is printed -------------------------------
lintian --fail-on error --tag-display-limit 0 "$changes" >"$work/lintian.log" 2>&1
lrc=$?
grep -v 'running with root privileges' "$work/lintian.log" | sed 's/^/  lintian: /'
check "lintian: no errors" [ "$lrc" -eq 0 ]

# --- what the package holds ----------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
for f in /usr/bin/loaxa /usr/sbin/loaxad /usr/share/man/man1/loaxa.1.gz \
         /usr/share/man/man8/loaxad.8.gz /lib/systemd/system/loaxad.service \
         /usr/lib/sysusers.d/loaxa.conf /usr/lib/tmpfiles.d/loaxa.conf \
         /etc/loaxa/loaxa.conf /usr/share/loaxa/nhac-hieu.wav \
         /usr/share/locale/vi/LC_MESSAGES/loaxa.mo /usr/share/doc/loaxa/copyright \
         /usr/share/doc/loaxa/examples/loaxa-backup.service \
         /usr/share/doc/loaxa/examples/loaxa-backup.timer; do
    grep -qx -- "$f" "$work/contents" || bad "the package lacks $f"
done
grep -q '^/usr/share/doc/loaxa/plan-format\.md' "$work/contents" || bad "no plan-format.md"
grep -q '^/usr/share/doc/loaxa/admin\.md' "$work/contents" || bad "no admin.md"
ok "contents checked"
dpkg-deb -e "$deb" "$work/ctl"
check "loaxa.conf is a conffile" grep -qx /etc/loaxa/loaxa.conf "$work/ctl/conffiles"

# --- install ---------------------------------------------------------------------
if apt-get install -y -qq "$deb" >"$work/install.log" 2>&1; then
    ok "apt install ./$(basename "$deb")"
else
    cat "$work/install.log" >&2
    die "apt install"
fi
# where systemd runs, the package started the daemon on the default device;
# this test runs its own
[ -d /run/systemd/system ] && systemctl stop loaxad 2>/dev/null

quiet() { "$@" >/dev/null 2>&1; }
check "user loaxa" quiet getent passwd loaxa
check "group loaxa" quiet getent group loaxa
mode() { stat -c '%a %U:%G' "$1" 2>/dev/null; }
check "schedules 2775 root:loaxa" [ "$(mode /var/lib/loaxa/schedules)" = "2775 root:loaxa" ]
check "audio 2775 root:loaxa" [ "$(mode /var/lib/loaxa/audio)" = "2775 root:loaxa" ]
check "log 750 loaxa:loaxa" [ "$(mode /var/lib/loaxa/log)" = "750 loaxa:loaxa" ]
check "the tune copied into the audio root" \
    cmp -s /usr/share/loaxa/nhac-hieu.wav /var/lib/loaxa/audio/nhac-hieu.wav
check "/etc/loaxa/loaxa.conf installed" [ -f /etc/loaxa/loaxa.conf ]
check "the installed binaries answer" quiet loaxa --version
vi=$(LANGUAGE='' LC_ALL=vi_VN.UTF-8 loaxa --help 2>&1 | head -3)
en=$(LANGUAGE='' LC_ALL=C.UTF-8 loaxa --help 2>&1 | head -3)
if locale -a 2>/dev/null | grep -qi '^vi_VN\.utf8$'; then
    check "Vietnamese from the installed catalogue" [ "$vi" != "$en" ]
else
    echo "  skip: no vi_VN.UTF-8 locale (tools/deps.sh makes it)"
fi

# the installed unit parses, and names what exists
systemd-analyze verify /lib/systemd/system/loaxad.service >"$work/verify" 2>&1
check "systemd-analyze verify loaxad.service" [ ! -s "$work/verify" ]
[ -s "$work/verify" ] && sed 's/^/  verify: /' "$work/verify" >&2

# --- an upgrade keeps the station's settings (doc/admin.md, section 8) ---------
# The next version: this package repacked with a later version and a changed
# default loaxa.conf, so that dpkg meets an edited conffile whose default moved.
sed -i 's/^commune =.*/commune = Xã Thử Nghiệm/' /etc/loaxa/loaxa.conf
chmod 0750 /var/lib/loaxa/schedules     # a folder mode gone wrong
up=$work/next
dpkg-deb -R "$deb" "$up"
sed -i 's/^Version: .*/&+pkgtest1/' "$up/DEBIAN/control"
printf '\n# a changed default (tests/pkg/deb.sh)\n' >>"$up/etc/loaxa/loaxa.conf"
dpkg-deb -b "$up" "$work/next.deb" >/dev/null
apt-get install -y -qq -o Dpkg::Options::=--force-confold "$work/next.deb" \
    >"$work/upgrade.log" 2>&1 || cat "$work/upgrade.log" >&2
[ -d /run/systemd/system ] && systemctl stop loaxad 2>/dev/null
check "upgraded" [ "$(dpkg-query -W -f='${Version}' loaxa)" = "$(sed -n 's/^Version: //p' "$up/DEBIAN/control")" ]
check "the upgrade keeps the edited settings" grep -qx 'commune = Xã Thử Nghiệm' /etc/loaxa/loaxa.conf
check "the new default beside them (loaxa.conf.dpkg-dist)" \
    grep -q 'a changed default' /etc/loaxa/loaxa.conf.dpkg-dist
check "the upgrade restores the folders' modes" [ "$(mode /var/lib/loaxa/schedules)" = "2775 root:loaxa" ]

# --- an officer of the group puts a plan and a recording in place ----------------
useradd --system --no-create-home --shell /usr/sbin/nologin "$OFFICER"
adduser --quiet "$OFFICER" loaxa
as_officer() { runuser -u "$OFFICER" -- "$@"; }
check "the officer copies a recording" \
    as_officer cp "$src/tests/fixtures/audio/test/tone.wav" /var/lib/loaxa/audio/ci-tone.wav
start=$(date -u -d "@$(( $(date +%s) + 12 ))" +%Y%m%dT%H%M%SZ)
plan=$work/ci.ics
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//loaxa//pkg test//EN\r\nBEGIN:VEVENT\r\nUID:pkg-ci-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDURATION:PT1M\r\nSUMMARY:Package test\r\nSTATUS:CONFIRMED\r\nATTACH:ci-tone.wav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    "$start" >"$plan"
chmod 0644 "$plan"
check "the officer writes the plan" as_officer cp "$plan" /var/lib/loaxa/schedules/ci.ics
check "the plan passes loaxa check" quiet as_officer loaxa check /var/lib/loaxa/schedules

# --- the unit's command line, as the loaxa user --------------------------------
unit=/lib/systemd/system/loaxad.service
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$cmd" ] || die "no ExecStart in $unit"
# what systemd would do first: the runtime folder, the state folder, the umask
install -d -o loaxa -g loaxa -m 0750 /run/loaxa
install -d -o loaxa -g loaxa -m 0750 /var/lib/loaxa/log
# Any hour in CI: the station's broadcast hours would leave the item out.
# shellcheck disable=SC2086
(umask 0027; exec setpriv --reuid=loaxa --regid=loaxa --init-groups --no-new-privs \
    $cmd --foreground --device null --broadcast-hours 00:00-24:00) >"$work/loaxad.log" 2>&1 &
dpid=$!
for _ in $(seq 100); do
    [ -S /run/loaxa/loaxad.sock ] && break
    kill -0 "$dpid" 2>/dev/null || break
    sleep 0.1
done
check "loaxad listens on /run/loaxa/loaxad.sock" [ -S /run/loaxa/loaxad.sock ]
check "the officer reaches the daemon (group loaxa)" quiet as_officer loaxa status
db=/var/lib/loaxa/log/loaxa.db
q() { sqlite3 -batch "$db" "$1" 2>/dev/null; }
got=
for _ in $(seq 600); do
    got=$(q "select status from airing where uid = 'pkg-ci-1' and status != 'on_air'")
    [ -n "$got" ] && break
    kill -0 "$dpid" 2>/dev/null || break
    sleep 0.1
done
check "the item aired (as-run log: ${got:-nothing})" [ "$got" = aired ]
played=$(q "select played_ms from airing where uid = 'pkg-ci-1'")
# 1 s tone between two 3.6 s signature tunes found in the audio root
check "the signature tune aired with it (played ${played:-0} ms)" [ "${played:-0}" -ge 8000 ]
check "the officer reads the log (loaxa log)" \
    sh -c "runuser -u $OFFICER -- loaxa log --format csv 2>&1 | grep -q pkg-ci-1"
kill -TERM "$dpid"
wait "$dpid"
drc=$?
dpid=
check "loaxad stops on SIGTERM (exit $drc)" [ "$drc" -eq 0 ]
# With the daemon stopped the log's -wal and -shm stay (SQLITE_FCNTL_PERSIST_WAL):
# a member of the group, without write access to the folder, still reads it.
check "the officer reads the log of a stopped daemon" \
    sh -c "runuser -u '$OFFICER' -- loaxa log --format csv 2>&1 | grep -q pkg-ci-1"
check "the log is the daemon's (loaxa:loaxa)" [ "$(stat -c %U:%G "$db")" = loaxa:loaxa ]
if [ "$fail" -gt 0 ]; then sed 's/^/  loaxad: /' "$work/loaxad.log" >&2; fi

# --- the station's own signature tune is the officer's, and stays ---------------
tune=/var/lib/loaxa/audio/nhac-hieu.wav
check "the officer replaces the signature tune" \
    as_officer cp --remove-destination "$src/tests/fixtures/audio/test/tone.wav" "$tune"
systemd-tmpfiles --create loaxa.conf >/dev/null 2>&1
check "tmpfiles (boot, upgrade) keeps the station's tune" \
    cmp -s "$src/tests/fixtures/audio/test/tone.wav" "$tune"
as_officer rm -f "$tune"
systemd-tmpfiles --create loaxa.conf >/dev/null 2>&1
check "tmpfiles puts the default tune back when it is gone" \
    cmp -s /usr/share/loaxa/nhac-hieu.wav "$tune"

# --- the backup doc/admin.md gives ----------------------------------------------
install -d -o loaxa -g loaxa -m 0750 "$work/backup"
runuser -u loaxa -- sqlite3 "$db" ".backup '$work/backup/loaxa-$(date +%F).db'"
check "backup: integrity ok" \
    [ "$(sqlite3 "$work/backup/loaxa-$(date +%F).db" 'pragma integrity_check' 2>&1)" = ok ]
check "backup: the airing is in it" \
    [ "$(sqlite3 "$work/backup/loaxa-$(date +%F).db" "select status from airing where uid = 'pkg-ci-1'")" = aired ]

# --- the example backup timer of doc/admin.md: it parses, and its commands work
ex=/usr/share/doc/loaxa/examples
systemd-analyze verify "$ex/loaxa-backup.service" "$ex/loaxa-backup.timer" >"$work/verify-bk" 2>&1
check "systemd-analyze verify the example backup timer" [ ! -s "$work/verify-bk" ]
[ -s "$work/verify-bk" ] && sed 's/^/  verify: /' "$work/verify-bk" >&2
if [ -e /var/backups/loaxa ]; then
    echo "  skip: /var/backups/loaxa exists here; the example's commands are not run"
else
    # the service's command lines as systemd runs them: $$ and %% unescaped,
    # "+" as root, the rest as loaxa with the unit's umask
    runline() {
        local line=$1 root=
        line=${line//\$\$/\$}; line=${line//%%/%}
        case $line in +*) root=1; line=${line#+} ;; esac
        eval "set -- $line"
        if [ -n "$root" ]; then "$@"; else
            (umask 0027; exec setpriv --reuid=loaxa --regid=loaxa --init-groups "$@"); fi
    }
    bk_ok=1 made_bk=1
    while IFS= read -r l; do
        runline "$l" || bk_ok=
    done < <(sed -n 's/^ExecStart\(Pre\|Post\)\?=//p' "$ex/loaxa-backup.service")
    copy=/var/backups/loaxa/loaxa-$(date +%F).db
    check "the example backup service ran" [ -n "$bk_ok" ]
    check "it made $copy, intact" [ "$(sqlite3 "$copy" 'pragma integrity_check' 2>&1)" = ok ]
    check "the copy is loaxa's, 0640" [ "$(stat -c '%a %U' "$copy" 2>/dev/null)" = "640 loaxa" ]
    rm -rf /var/backups/loaxa
fi

# --- remove keeps the state, purge removes it ------------------------------------
apt-get remove -y -qq loaxa >"$work/remove.log" 2>&1 || cat "$work/remove.log" >&2
check "remove: the binaries are gone" [ ! -e /usr/sbin/loaxad ]
check "remove: the as-run log is kept" [ -s "$db" ]
check "remove: the plan and recordings are kept" \
    test -f /var/lib/loaxa/schedules/ci.ics -a -f /var/lib/loaxa/audio/ci-tone.wav
check "remove: the settings are kept" [ -f /etc/loaxa/loaxa.conf ]
apt-get purge -y -qq loaxa >"$work/purge.log" 2>&1 || cat "$work/purge.log" >&2
check "purge: /var/lib/loaxa is gone" [ ! -e /var/lib/loaxa ]
check "purge: /etc/loaxa is gone" [ ! -e /etc/loaxa ]
check "purge: the package is gone" \
    sh -c "! dpkg-query -W -f='\${Status}' loaxa 2>/dev/null | grep -q installed"
finish
