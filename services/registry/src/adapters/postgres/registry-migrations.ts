import { resolve } from 'node:path';
import { outboxMigration } from '@ecogrid/outbox';
import { sqlMigrationsIn, type SqlMigration } from '@ecogrid/postgres';

/** services/registry/migrations, from src/ or dist/ alike. */
const MIGRATIONS_DIR = resolve(__dirname, '../../../migrations');

/** The registry's schema, in order: its own SQL files, then the shared outbox. */
export function registryMigrations(): SqlMigration[] {
  return [...sqlMigrationsIn(MIGRATIONS_DIR), outboxMigration('0002_outbox')];
}
