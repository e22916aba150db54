# A private PostgreSQL 15 cluster for a test or a benchmark: in a temporary
# folder owned by the postgres user (tests run as root; the server refuses
# to), listening only on a unix socket in that folder (no TCP), trust
# authentication (only postgres and root can reach the folder: mode 0700).
#   pg_start; ... "$PG_URI" ...; pg_stop   (pg_stop is safe to call twice)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=
pg_as() { runuser -u postgres -- "$@"; }
pg_start() {
    PG_DIR=$(mktemp -d /tmp/loaxa-pg.XXXXXX) || return 1
    chown postgres: "$PG_DIR" && chmod 700 "$PG_DIR" || return 1
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=${PG_FSYNC:-on} ${PG_OPTS:-}" \
        start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
    PG_HOST=$PG_DIR
    pg_as "$PG_BIN/createdb" -h "$PG_DIR" province || return 1
    PG_URI="postgresql:///province?host=$PG_DIR&user=postgres"
}
pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    [ -f "$PG_DIR/data/postmaster.pid" ] && pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
    PG_DIR=
}
# psql as the cluster's superuser: pg_sql 'SELECT 1'
pg_sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$PG_URI" -c "$1"; }
