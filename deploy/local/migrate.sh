#!/usr/bin/env bash
# `pnpm migrate`: brings every service's schema to its latest version, each as the service's own PostgreSQL role
# (ecogrid_<service>, see service-roles.sql), so what a migration creates belongs to the service. Run by
# `pnpm start` too; the services also migrate at start-up.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=env.sh
source "$ROOT/deploy/local/env.sh"
# shellcheck source=platform-services.sh
source "$ROOT/deploy/local/platform-services.sh"
export PGOPTIONS="--client-min-messages=warning"
# Demo schemas written before migrations were versioned with kysely hold only demo data: they are dropped and
# built again (pnpm start loads the demo data again), then given back to their roles.
for schema in registry alerting dispatch; do
  # Applied kysely migrations, and tables that are not kysely's own bookkeeping.
  versioned=$(psql "$DATABASE_URL" -tAc "SELECT CASE WHEN to_regclass('\"$schema\".kysely_migration') IS NULL THEN 0 ELSE (SELECT count(*) FROM \"$schema\".kysely_migration) END" 2>/dev/null || echo 0)
  stale=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = '$schema' AND table_name NOT LIKE 'kysely_migration%'")
  if [ "$versioned" = 0 ] && [ "$stale" != 0 ]; then
    echo "    $schema: from a pre-release build without versioned migrations; dropping it"
    psql "$DATABASE_URL" -qc "DROP SCHEMA \"$schema\" CASCADE"
  fi
done
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -f "$ROOT/deploy/local/service-roles.sql" 2>/dev/null >/dev/null

for dir in services/*/; do
  service="$(basename "$dir")"
  grep -q '"migrate"' "$dir/package.json" || continue
  DATABASE_URL="$(service_database_url "$service")" pnpm --filter "@ecogrid/$service" --silent run migrate
done
