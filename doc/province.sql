-- loaxa province database (PostgreSQL >= 13): the rows each commune's station
-- pushes (`loaxa push`), verified (`loaxa province verify`) and reported
-- (`loaxa province report`). doc/province.md explains the design.
--
--   psql -v ON_ERROR_STOP=1 -d province -f doc/province.sql
--
-- Schema version 1. Everything lives in the schema "loaxa"; running the file
-- again on a database that has it is refused (CREATE SCHEMA fails).
BEGIN;
CREATE SCHEMA loaxa;

-- One row per station (commune). pushed_pos is the push state: the highest
-- chain position whose rows are all here, written in the same transaction as
-- the rows, so the station keeps no state and a push resumes from it.
CREATE TABLE loaxa.stations (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9._-]{1,32}$'),
    commune     text NOT NULL DEFAULT '',
    province    text NOT NULL DEFAULT '',
    pushed_pos  bigint NOT NULL DEFAULT 0 CHECK (pushed_pos >= 0),
    pushed_head text NOT NULL DEFAULT '',        -- the row hash at pushed_pos ('' before the chain)
    pushed_at   timestamptz,
    has_real    boolean NOT NULL DEFAULT false,  -- has rows that are not simulated
    -- the last `loaxa province verify`: true, false (chain or positions fail), NULL (never)
    verified_ok  boolean,
    verified_pos bigint,
    verified_at  timestamptz,
    verify_note  text NOT NULL DEFAULT ''
);

-- The as-run rows, as the station's log has them (times in ms since the epoch,
-- UTC, as the chain hashes them), partitioned by the year of the planned
-- start. The unique key (station, occurrence, attempt) makes a push
-- idempotent; PostgreSQL wants the partition key in it, and planned_start is
-- a function of the occurrence, so it changes nothing.
CREATE TABLE loaxa.rows (
    station          text NOT NULL REFERENCES loaxa.stations (code),
    chain_pos        bigint NOT NULL CHECK (chain_pos >= 1),
    row_hash         text NOT NULL DEFAULT '',   -- hex SHA-256 of the chain ('' before it)
    occ_key          text NOT NULL,
    attempt          integer NOT NULL CHECK (attempt >= 1),
    uid              text NOT NULL,
    plan_file        text NOT NULL DEFAULT '',
    title            text NOT NULL DEFAULT '',
    categories       text NOT NULL DEFAULT '',
    unit             text NOT NULL DEFAULT '',
    priority         integer NOT NULL DEFAULT 0,
    level            text NOT NULL CHECK (level IN ('emergency', 'priority', 'normal')),
    recordings       text NOT NULL DEFAULT '[]',
    planned_start    timestamptz NOT NULL,       -- = planned_start_ms, for partitions
    planned_start_ms bigint NOT NULL,
    planned_end_ms   bigint NOT NULL,
    actual_start_ms  bigint,
    actual_end_ms    bigint,
    played_ms        bigint NOT NULL DEFAULT 0,
    underruns        integer NOT NULL DEFAULT 0,
    device           text NOT NULL DEFAULT '',
    status           text NOT NULL CHECK (status IN ('aired', 'interrupted', 'failed',
                                                     'missed', 'cancelled')),
    reason           text NOT NULL DEFAULT '',
    source           text NOT NULL CHECK (source IN ('plan', 'adhoc', 'emergency', 'relay')),
    operator         text NOT NULL DEFAULT '',
    received_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (station, occ_key, attempt, planned_start)
) PARTITION BY RANGE (planned_start);

CREATE INDEX rows_station_pos ON loaxa.rows (station, chain_pos);
CREATE INDEX rows_planned ON loaxa.rows (planned_start, station);

-- A partition a year (Vietnam's years: UTC+7) and a default one for the rest;
-- loaxa.add_year(Y) adds a year (move its rows out of the default first).
CREATE FUNCTION loaxa.add_year(y integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE loaxa.rows_%s PARTITION OF loaxa.rows'
                   ' FOR VALUES FROM (%L) TO (%L)', y,
                   make_timestamptz(y, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh'),
                   make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh'));
END $$;
DO $$ BEGIN FOR y IN 2020..2035 LOOP PERFORM loaxa.add_year(y); END LOOP; END $$;
CREATE TABLE loaxa.rows_other PARTITION OF loaxa.rows DEFAULT;

-- Gaps in a station's chain positions: each run of missing positions below
-- the station's pushed_pos, and duplicates (one position twice). A push
-- never leaves one (it sends in chain order, a batch a transaction); a row
-- deleted or a position altered on the province side does.
CREATE FUNCTION loaxa.chain_gaps(st text DEFAULT NULL)
RETURNS TABLE (station text, first_missing bigint, last_missing bigint, kind text)
LANGUAGE sql STABLE AS $$
    WITH p AS (
        SELECT r.station, r.chain_pos,
               lag(r.chain_pos, 1, 0::bigint) OVER (PARTITION BY r.station
                                                    ORDER BY r.chain_pos) AS prev
        FROM loaxa.rows r
        WHERE st IS NULL OR r.station = st
    )
    SELECT p.station, p.prev + 1, p.chain_pos - 1, 'missing' FROM p
        WHERE p.chain_pos > p.prev + 1
    UNION ALL
    SELECT p.station, p.chain_pos, p.chain_pos, 'duplicate' FROM p
        WHERE p.chain_pos = p.prev
    UNION ALL
    SELECT s.code, coalesce(m.top, 0) + 1, s.pushed_pos, 'missing'
        FROM loaxa.stations s
        LEFT JOIN (SELECT r.station, max(r.chain_pos) AS top FROM loaxa.rows r
                   GROUP BY r.station) m ON m.station = s.code
        WHERE (st IS NULL OR s.code = st) AND coalesce(m.top, 0) < s.pushed_pos
    ORDER BY 1, 2
$$;

-- The province's own users: a role per station may only add its rows
-- (GRANT INSERT, and UPDATE of its stations row); the department reads.
-- Left to the administrator (doc/province.md "Roles").

CREATE TABLE loaxa.schema_version (version integer NOT NULL);
INSERT INTO loaxa.schema_version VALUES (1);
COMMIT;
