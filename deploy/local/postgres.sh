#!/usr/bin/env bash
# Ensure PostgreSQL answers on 127.0.0.1:5432 with database `ecogrid`, PostGIS, and per service a login role
# (`ecogrid_<service>`) that owns the service's schema and nothing else.
# Reuses a running server; otherwise starts the local cluster (pg_lsclusters) and remembers that in
# .run/postgres.started-by-us so down.sh stops only what we started. Installs PostGIS when missing.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "$0")" && pwd)/lib/common.sh"

PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres DB=ecogrid
MARKER="$RUN_DIR/postgres.started-by-us"
export PGHOST PGPORT PGUSER PGCONNECT_TIMEOUT=5

if ! { command -v pg_isready && command -v pg_lsclusters && command -v psql; } >/dev/null; then
  apt_install postgresql   # Debian's default PostgreSQL (15 on Debian 12); creates cluster main
fi

psql_q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

started=""
if ! pg_isready -q; then
  # "VER CLUSTER PORT STATUS ...": prefer the cluster configured for our port, else the first one.
  read -r ver cluster _ < <(pg_lsclusters -h | awk -v p="$PGPORT" '$3 == p' | head -n 1) || true
  [ -n "${ver:-}" ] || die "postgres: no cluster configured for port $PGPORT (pg_lsclusters: $(pg_lsclusters -h | tr '\n' ';'))"
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start >"$RUN_DIR/postgres-start.log" 2>&1 \
    || { cat "$RUN_DIR/postgres-start.log" >&2; tail -n 20 "/var/log/postgresql/postgresql-$ver-$cluster.log" >&2 2>/dev/null || true
         die "postgres: pg_ctlcluster $ver $cluster start failed"; }
  wait_for 30 pg_isready -q || die "postgres: cluster $ver/$cluster started but $PGHOST:$PGPORT does not answer"
  printf '%s %s\n' "$ver" "$cluster" >"$MARKER"
  started=" (started cluster $ver/$cluster)"
fi

psql_q -d postgres -c 'SELECT 1' >/dev/null 2>"$RUN_DIR/postgres-connect.log" \
  || { cat "$RUN_DIR/postgres-connect.log" >&2
       die "postgres: cannot connect as $PGUSER to $PGHOST:$PGPORT without a password (pg_hba.conf needs 'host all all 127.0.0.1/32 trust')"; }

if [ "$(psql_q -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" = 0 ]; then
  major="$(psql_q -d postgres -c 'SHOW server_version_num')"; major=$((major / 10000))
  apt_install "postgresql-$major-postgis-3"
  [ "$(psql_q -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" != 0 ] \
    || die "postgres: postgis still unavailable after installing postgresql-$major-postgis-3"
fi

if [ "$(psql_q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 0 ]; then
  psql_q -d postgres -c "CREATE DATABASE $DB" 2>/dev/null \
    || [ "$(psql_q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 1 ] \
    || die "postgres: CREATE DATABASE $DB failed"
fi

psql_q -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis;" 2>"$RUN_DIR/postgres-setup.log" \
  || { cat "$RUN_DIR/postgres-setup.log" >&2; die "postgres: installing PostGIS in $DB failed"; }
# One login role per service, owning its own schema and nothing else (service-roles.sql).
psql_q -d "$DB" -f "$(cd "$(dirname "$0")" && pwd)/service-roles.sql" 2>"$RUN_DIR/postgres-setup.log" \
  || { cat "$RUN_DIR/postgres-setup.log" >&2; die "postgres: setting up the service roles in $DB failed"; }

log "postgres: ready at postgres://$PGUSER@$PGHOST:$PGPORT/$DB (postgis $(psql_q -d "$DB" -c 'SELECT postgis_lib_version()'), a role and schema per service)$started"
