/** `pnpm migrate` (or `node dist/cli/migrate.js`): brings INGEST_SCHEMA (device commands) in DATABASE_URL to its latest version, as the service also does at start-up. */
import { runMigrationCli } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { migrateIngestSchema } from '../adapters/postgres/ingest-schema';
import { loadMigrationConfig } from '../config';

void runMigrationCli('ingest', () => {
  const config = loadMigrationConfig();
  return {
    databaseUrl: config.DATABASE_URL,
    schema: config.INGEST_SCHEMA,
    // The CLI says what it applied on stdout; the logger speaks only of trouble.
    logger: createLogger({ service: 'ingest-migrate', level: 'warn' }),
    migrate: (pool, schema, logger) => migrateIngestSchema({ pool, schema, logger }),
  };
});
