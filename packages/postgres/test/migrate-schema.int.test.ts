import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment, type TestSchema } from '@ecogrid/testkit';
import { createServicePool, migrateSchema, sqlMigrationsIn, type SqlMigration } from '../src';

const logger = createLogger({ service: 'migrate-test', level: 'silent' });

describe('migrateSchema', () => {
  let databaseUrl: string;
  const schemas: TestSchema[] = [];
  const pools: Pool[] = [];

  const fresh = async (name: string): Promise<{ schema: string; pool: Pool }> => {
    const schema = await createTestSchema(databaseUrl, name);
    schemas.push(schema);
    const pool = createServicePool({ databaseUrl, schema: schema.name, applicationName: 'migrate-test', logger, max: 3 });
    pools.push(pool);
    return { schema: schema.name, pool };
  };

  beforeAll(async () => {
    databaseUrl = (await testEnvironment()).databaseUrl;
  });

  afterAll(async () => {
    for (const pool of pools) await pool.end();
    for (const schema of schemas) await schema.drop();
  });

  it('reads NNNN_name.sql files in order and ignores everything else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    writeFileSync(join(dir, '0002_second.sql'), 'SELECT 2;');
    writeFileSync(join(dir, '0001_first.sql'), 'SELECT 1;');
    writeFileSync(join(dir, 'README.md'), '# not a migration');
    writeFileSync(join(dir, '3_bad_name.sql'), 'SELECT 3;');
    expect(sqlMigrationsIn(dir)).toEqual([
      { name: '0001_first', sql: 'SELECT 1;' },
      { name: '0002_second', sql: 'SELECT 2;' },
    ]);
  });

  it('applies pending migrations into the service schema once, even with instances starting together', async () => {
    const { schema, pool } = await fresh('migrate_race');
    const migrations: SqlMigration[] = [
      { name: '0001_things', sql: 'CREATE TABLE things (id int PRIMARY KEY); CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0);' },
      { name: '0002_more', sql: 'ALTER TABLE things ADD COLUMN label text; UPDATE counter SET n = n + 1;' },
    ];
    const second = createServicePool({ databaseUrl, schema, applicationName: 'migrate-test', logger, max: 3 });
    pools.push(second);
    const [a, b] = await Promise.all([migrateSchema({ pool, schema, migrations, logger }), migrateSchema({ pool: second, schema, migrations, logger })]);
    // Exactly one of the two applied both; the other found nothing pending.
    expect([...a, ...b].sort()).toEqual(['0001_things', '0002_more']);
    expect((await pool.query(`SELECT n FROM "${schema}".counter`)).rows).toEqual([{ n: 1 }]);
    const columns = await pool.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'things' ORDER BY ordinal_position", [schema]);
    expect(columns.rows.map((row) => row.column_name)).toEqual(['id', 'label']);
    expect(await migrateSchema({ pool, schema, migrations, logger })).toEqual([]);
  });

  it('migrates while other schemas are being dropped: it looks at its own schema only', async () => {
    // Other services' and tests' schemas come and go on a shared server; introspecting every schema failed a start
    // with "schema … does not exist" when one vanished mid-query.
    const others = await Promise.all(Array.from({ length: 12 }, (_, index) => createTestSchema(databaseUrl, `migrate_other_${index}`)));
    for (const other of others) await pools[0]?.query(`CREATE TABLE "${other.name}".t (id serial PRIMARY KEY, label text)`).catch(() => undefined);
    const targets = await Promise.all(Array.from({ length: 6 }, (_, index) => fresh(`migrate_beside_${index}`)));
    const migrations: SqlMigration[] = [{ name: '0001_items', sql: 'CREATE TABLE items (id serial PRIMARY KEY)' }];
    const [results] = await Promise.all([
      Promise.allSettled(targets.map(({ schema, pool }) => migrateSchema({ pool, schema, migrations, logger }))),
      Promise.all(others.map((other) => other.drop())),
    ]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : String(result.reason)))).toEqual(targets.map(() => ['0001_items']));
  });

  it('leaves the schema as it was when a migration fails, naming it', async () => {
    const { schema, pool } = await fresh('migrate_fail');
    await migrateSchema({ pool, schema, migrations: [{ name: '0001_base', sql: 'CREATE TABLE base (id int);' }], logger });
    const failing: SqlMigration[] = [
      { name: '0001_base', sql: 'CREATE TABLE base (id int);' },
      { name: '0002_good', sql: 'CREATE TABLE good (id int);' },
      { name: '0003_bad', sql: 'CREATE TABLE bad (id int REFERENCES nowhere (id));' },
    ];
    await expect(migrateSchema({ pool, schema, migrations: failing, logger })).rejects.toThrow(/0003_bad.*nowhere/);
    const tables = await pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('base', 'good', 'bad')", [schema]);
    expect(tables.rows.map((row) => row.table_name)).toEqual(['base']);
  });

  it('refuses a new migration ordered before one already applied, and an applied one that went missing', async () => {
    const { schema, pool } = await fresh('migrate_order');
    await migrateSchema({ pool, schema, migrations: [{ name: '0002_later', sql: 'SELECT 1;' }], logger });
    await expect(
      migrateSchema({ pool, schema, migrations: [{ name: '0001_earlier', sql: 'SELECT 1;' }, { name: '0002_later', sql: 'SELECT 1;' }], logger }),
    ).rejects.toThrow(/0001_earlier/);
    await expect(migrateSchema({ pool, schema, migrations: [], logger })).rejects.toThrow(/0002_later/);
  });

  it('refuses an unsafe schema name before touching the database', async () => {
    const { pool } = await fresh('migrate_unsafe');
    await expect(migrateSchema({ pool, schema: 'x"; DROP SCHEMA public; --', migrations: [], logger })).rejects.toThrow(/unsafe SQL identifier/);
  });
});
