import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { migrate } from '../adapters/postgres/migrations';
import { loadConfig } from '../config';

/** `pnpm migrate` (and `node dist/cli/migrate.js`): brings ALERTING_SCHEMA to its latest version; the service also does at start-up. */
async function main(): Promise<void> {
  const config = loadConfig({ KAFKA_BROKERS: 'unused-by-migrate', ...process.env });
  // The CLI says what it applied on stdout; the logger speaks only of trouble.
  const logger = createLogger({ service: 'alerting-migrate', level: 'warn' });
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.ALERTING_SCHEMA, applicationName: 'ecogrid-alerting-migrate', logger, max: 2 });
  try {
    const applied = await migrate(pool, config.ALERTING_SCHEMA, logger);
    console.log(applied.length > 0 ? `alerting (${config.ALERTING_SCHEMA}): applied ${applied.join(', ')}` : `alerting (${config.ALERTING_SCHEMA}): up to date`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(`alerting migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
