import { resolve } from 'node:path';
import type pg from 'pg';
import { migrateSchema, sqlMigrationsIn, type SqlMigration } from '@ecogrid/postgres';
import { outboxMigration } from '@ecogrid/outbox';
import type { Logger } from '@ecogrid/telemetry';

/** `services/dispatch/migrations`, the same three levels up from `src/adapters/postgres` and `dist/adapters/postgres`. */
export const MIGRATIONS_DIRECTORY = resolve(__dirname, '../../../migrations');

/** Dispatch's migrations in order: its own SQL files, then the shared outbox its case events go through. */
export function dispatchMigrations(): SqlMigration[] {
  return [...sqlMigrationsIn(MIGRATIONS_DIRECTORY), outboxMigration('0002_outbox')];
}

/** Brings the schema to the latest version: at start-up and from `pnpm migrate`. Returns the migrations applied. */
export function migrateDispatchSchema(options: { pool: pg.Pool; schema: string; logger: Logger }): Promise<string[]> {
  return migrateSchema({ ...options, migrations: dispatchMigrations() });
}
