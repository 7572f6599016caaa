/** `pnpm migrate` (or `node dist/cli/migrate.js`): brings EMERGENCY_SCHEMA in DATABASE_URL to its latest version, as the service also does at start-up. */
import { runMigrationCli } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { loadMigrationConfig } from '../config';
import { migrateEmergencySchema } from '../adapters/postgres/emergency-schema';

void runMigrationCli('emergency', () => {
  const config = loadMigrationConfig();
  return {
    databaseUrl: config.DATABASE_URL,
    schema: config.EMERGENCY_SCHEMA,
    logger: createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL }),
    migrate: (pool, schema, logger) => migrateEmergencySchema({ pool, schema, logger }),
  };
});
