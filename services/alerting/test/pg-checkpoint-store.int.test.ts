import { afterAll, beforeAll } from 'vitest';
import type { Pool } from 'pg';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment, type TestSchema } from '@ecogrid/testkit';
import { migrate } from '../src/adapters/postgres/migrations';
import { createPgCheckpointStore } from '../src/adapters/postgres/pg-checkpoint-store';
import { describeCheckpointStoreContract } from '../src/app/testing/checkpoint-store.contract';

const logger = createLogger({ service: 'alerting-store-test', level: 'silent' });
const schemas: TestSchema[] = [];
const pools: Pool[] = [];

afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const schema of schemas) await schema.drop();
});

let databaseUrl = '';
beforeAll(async () => {
  databaseUrl = (await testEnvironment()).databaseUrl;
});

describeCheckpointStoreContract('PostgreSQL', async () => {
  const schema = await createTestSchema(databaseUrl, 'alerting_store');
  schemas.push(schema);
  const pool = createServicePool({ databaseUrl, schema: schema.name, applicationName: 'alerting-store-test', logger, max: 2 });
  pools.push(pool);
  await migrate(pool, schema.name, logger);
  return createPgCheckpointStore({ pool, schema: schema.name, readingsTopic: 'readings', alertsTopic: 'alerts', aqiTopic: 'aqi', notifyRelays: () => true });
});
