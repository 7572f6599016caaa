import { resolve } from 'node:path';
import type pg from 'pg';
import { migrateSchema, sqlMigrationsIn, type SqlMigration } from '@ecogrid/postgres';
import { outboxMigration } from '@ecogrid/outbox';
import type { Logger } from '@ecogrid/telemetry';

/** `services/emergency/migrations`, three levels up from `src/adapters/postgres` and `dist/adapters/postgres` alike. */
export const MIGRATIONS_DIRECTORY = resolve(__dirname, '../../../migrations');

/**
 * The emergency migrations in name order: its SQL files (0001–0009 warnings, 0010–0019 incidents, 0020–0029 early
 * warning) and the shared outbox every part publishes through, as 0002.
 */
export function emergencyMigrations(): SqlMigration[] {
  return [...sqlMigrationsIn(MIGRATIONS_DIRECTORY), outboxMigration('0002_outbox')].sort((a, b) => a.name.localeCompare(b.name));
}

export function migrateEmergencySchema(options: { pool: pg.Pool; schema: string; logger: Logger }): Promise<string[]> {
  return migrateSchema({ ...options, migrations: emergencyMigrations() });
}
