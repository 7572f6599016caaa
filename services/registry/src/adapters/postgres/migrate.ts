import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from '@ecogrid/telemetry';
import { inTransaction } from './pool';

/** services/registry/migrations, from src/ or dist/ alike. */
export const MIGRATIONS_DIR = resolve(__dirname, '../../../migrations');

/**
 * Applies the ordered SQL files in migrations/ that are not yet in `schema_migrations`, each in its own
 * transaction, under an advisory lock so instances starting together do not race.
 */
export async function migrate(pool: Pool, schema: string, logger: Logger): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((name) => /^\d{4}_.+\.sql$/.test(name)).sort();
  const applied: string[] = [];
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ecogrid-registry-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    for (const file of files) {
      if (done.has(file)) continue;
      await client.query(await readFile(resolve(MIGRATIONS_DIR, file), 'utf8'));
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  if (applied.length > 0) logger.info({ schema, applied }, 'migrations applied');
  return applied;
}
