import { resolve } from 'node:path';
import type pg from 'pg';
import { migrateSchema, sqlMigrationsIn, type SqlMigration } from '@ecogrid/postgres';
import { outboxMigration } from '@ecogrid/outbox';
import type { Logger } from '@ecogrid/telemetry';

/** `services/credit/migrations`, three levels up from `src/adapters/postgres` and `dist/adapters/postgres` alike. */
export const MIGRATIONS_DIRECTORY = resolve(__dirname, '../../../migrations');

/** Credit's migrations in order: its SQL files, then the shared outbox its rating events go through. */
export function creditMigrations(): SqlMigration[] {
  return [...sqlMigrationsIn(MIGRATIONS_DIRECTORY), outboxMigration('0002_outbox')];
}

export function migrateCreditSchema(options: { pool: pg.Pool; schema: string; logger: Logger }): Promise<string[]> {
  return migrateSchema({ ...options, migrations: creditMigrations() });
}
