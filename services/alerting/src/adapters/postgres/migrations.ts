import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { outboxMigration } from '@ecogrid/outbox';
import { migrateSchema, sqlMigrationsIn } from '@ecogrid/postgres';
import type { Logger } from '@ecogrid/telemetry';

/** services/alerting/migrations, from src/ or dist/ alike. */
const MIGRATIONS_DIR = resolve(__dirname, '../../../migrations');

/** Brings alerting's schema to its latest version (start-up and `pnpm migrate`). */
export function migrate(pool: Pool, schema: string, logger: Logger): Promise<string[]> {
  return migrateSchema({ pool, schema, logger, migrations: [...sqlMigrationsIn(MIGRATIONS_DIR), outboxMigration('0002_outbox')] });
}
