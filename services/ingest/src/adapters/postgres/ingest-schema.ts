import { resolve } from 'node:path';
import type pg from 'pg';
import { migrateSchema, sqlMigrationsIn, type SqlMigration } from '@ecogrid/postgres';
import { outboxMigration } from '@ecogrid/outbox';
import type { Logger } from '@ecogrid/telemetry';

/** `services/ingest/migrations`, the same three levels up from `src/adapters/postgres` and `dist/adapters/postgres`. */
export const MIGRATIONS_DIRECTORY = resolve(__dirname, '../../../migrations');

/** Ingest's migrations: the device commands, the shared outbox their changes go through, then the back-fills. */
export function ingestMigrations(): SqlMigration[] {
  return [...sqlMigrationsIn(MIGRATIONS_DIRECTORY), outboxMigration('0002_outbox')];
}

export function migrateIngestSchema(options: { pool: pg.Pool; schema: string; logger: Logger }): Promise<string[]> {
  return migrateSchema({ ...options, migrations: ingestMigrations() });
}
