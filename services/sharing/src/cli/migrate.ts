/**
 * `pnpm migrate` (or `node dist/cli/migrate.js`): brings SHARING_SCHEMA in DATABASE_URL to the latest version, as the
 * service also does at start-up. Prints what it applied; applying nothing is success.
 */
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { loadMigrationConfig } from '../config';
import { migrateSharingSchema } from '../adapters/postgres/sharing-schema';

async function main(): Promise<void> {
  const config = loadMigrationConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.SHARING_SCHEMA, applicationName: 'ecogrid-sharing-migrate', max: 1, logger });
  try {
    const applied = await migrateSharingSchema({ pool, schema: config.SHARING_SCHEMA, logger });
    process.stdout.write(applied.length > 0 ? `sharing schema ${config.SHARING_SCHEMA}: applied ${applied.join(', ')}\n` : `sharing schema ${config.SHARING_SCHEMA} is up to date\n`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`sharing migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
