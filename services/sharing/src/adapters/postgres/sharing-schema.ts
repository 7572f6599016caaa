import { resolve } from 'node:path';
import type pg from 'pg';
import { migrateSchema, sqlMigrationsIn, type SqlMigration } from '@ecogrid/postgres';
import { outboxMigration } from '@ecogrid/outbox';
import type { Logger } from '@ecogrid/telemetry';

/** `services/sharing/migrations`, three levels up from `src/adapters/postgres` and `dist/adapters/postgres`. */
export const MIGRATIONS_DIRECTORY = resolve(__dirname, '../../../migrations');

/** Sharing's migrations: its own SQL files, then the shared outbox its access events go through. */
export function sharingMigrations(): SqlMigration[] {
  return [...sqlMigrationsIn(MIGRATIONS_DIRECTORY), outboxMigration('0002_outbox')];
}

export function migrateSharingSchema(options: { pool: pg.Pool; schema: string; logger: Logger }): Promise<string[]> {
  return migrateSchema({ ...options, migrations: sharingMigrations() });
}
