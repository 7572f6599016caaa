/**
 * `pnpm migrate` (or `node dist/cli/migrate.js`): brings CREDIT_SCHEMA in DATABASE_URL to the latest version, as the
 * service also does at start-up. Applying nothing is success.
 */
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { loadMigrationConfig } from '../config';
import { migrateCreditSchema } from '../adapters/postgres/credit-schema';

async function main(): Promise<void> {
  const config = loadMigrationConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.CREDIT_SCHEMA, applicationName: 'ecogrid-credit-migrate', max: 1, logger });
  try {
    const applied = await migrateCreditSchema({ pool, schema: config.CREDIT_SCHEMA, logger });
    process.stdout.write(applied.length > 0 ? `credit schema ${config.CREDIT_SCHEMA}: applied ${applied.join(', ')}\n` : `credit schema ${config.CREDIT_SCHEMA} is up to date\n`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`credit migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
