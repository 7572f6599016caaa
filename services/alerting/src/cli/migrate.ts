/** `pnpm migrate` (or `node dist/cli/migrate.js`): brings ALERTING_SCHEMA in DATABASE_URL to its latest version, as the service also does at start-up. */
import { runMigrationCli } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { migrate } from '../adapters/postgres/migrations';
import { loadConfig } from '../config';

void runMigrationCli('alerting', () => {
  const config = loadConfig({ KAFKA_BROKERS: 'unused-by-migrate', ...process.env });
  // The CLI says what it applied on stdout; the logger speaks only of trouble.
  return { databaseUrl: config.DATABASE_URL, schema: config.ALERTING_SCHEMA, logger: createLogger({ service: 'alerting-migrate', level: 'warn' }), migrate };
});
