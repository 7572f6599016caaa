import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment, type TestSchema } from '@ecogrid/testkit';
import { backfillStoreContract } from '../src/app/testing/backfill-store.contract';
import { createPgBackfillStore } from '../src/adapters/postgres/pg-backfill-store';
import { migrateIngestSchema } from '../src/adapters/postgres/ingest-schema';

let schema: TestSchema;
let pool: pg.Pool;

beforeAll(async () => {
  schema = await createTestSchema((await testEnvironment()).databaseUrl, 'ingest_backfills');
  pool = new pg.Pool({ connectionString: schema.url, max: 6 });
  await migrateIngestSchema({ pool, schema: schema.name, logger: createLogger({ service: 'ingest-test', level: 'warn' }) });
});

afterAll(async () => {
  await pool?.end();
  await schema?.drop();
});

backfillStoreContract('PostgreSQL adapter (real PostgreSQL, advisory lock per device)', async () => createPgBackfillStore(pool));
