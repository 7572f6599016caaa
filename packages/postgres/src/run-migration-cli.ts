import type pg from 'pg';
import type { Logger } from '@ecogrid/telemetry';
import { createServicePool } from './create-service-pool';

export interface MigrationCliSetup {
  databaseUrl: string;
  schema: string;
  logger: Logger;
  /** The service's own migration of its schema; returns the names it applied. */
  migrate: (pool: pg.Pool, schema: string, logger: Logger) => Promise<string[]>;
}

/**
 * The body of every service's `pnpm migrate` (`node dist/cli/migrate.js`): its configuration read (a bad variable is
 * reported like any other failure), one short-lived connection, the service's migrations under their advisory lock,
 * one line on stdout saying what was applied (nothing is success), and on failure the reason on stderr and exit code
 * 1. The service applies the same migrations at start-up.
 */
export async function runMigrationCli(service: string, setup: () => MigrationCliSetup): Promise<void> {
  let pool: pg.Pool | undefined;
  try {
    const { databaseUrl, schema, logger, migrate } = setup();
    pool = createServicePool({ databaseUrl, schema, applicationName: `ecogrid-${service}-migrate`, max: 1, logger });
    const applied = await migrate(pool, schema, logger);
    process.stdout.write(applied.length > 0 ? `${service} schema ${schema}: applied ${applied.join(', ')}\n` : `${service} schema ${schema} is up to date\n`);
  } catch (error) {
    process.stderr.write(`${service} migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await pool?.end();
  }
}
