/** `pnpm migrate` (or `node dist/cli/migrate.js`): brings DISPATCH_SCHEMA in DATABASE_URL to its latest version, as the service also does at start-up. */
import { runMigrationCli } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { loadMigrationConfig } from '../config';
import { migrateDispatchSchema } from '../adapters/postgres/dispatch-schema';

void runMigrationCli('dispatch', () => {
  const config = loadMigrationConfig();
  return {
    databaseUrl: config.DATABASE_URL,
    schema: config.DISPATCH_SCHEMA,
    logger: createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL }),
    migrate: (pool, schema, logger) => migrateDispatchSchema({ pool, schema, logger }),
  };
});
