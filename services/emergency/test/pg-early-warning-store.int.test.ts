/** The PostgreSQL EarlyWarningStore against the same contract as the in-memory fake, on a fresh schema. */
import { afterAll, beforeAll } from 'vitest';
import type pg from 'pg';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment, type TestSchema } from '@ecogrid/testkit';
import { migrateEmergencySchema } from '../src/adapters/postgres/emergency-schema';
import { createPgEarlyWarningStore } from '../src/adapters/postgres/pg-early-warning-store';
import { earlyWarningEvents } from '../src/adapters/kafka/early-warning-events';
import { earlyWarningStoreContract } from '../src/app/early-warning/testing/early-warning-store.contract';

let schema: TestSchema;
let pool: pg.Pool;

beforeAll(async () => {
  const env = await testEnvironment();
  schema = await createTestSchema(env.databaseUrl, 'em-ew-store');
  const logger = createLogger({ service: 'emergency-test', level: 'warn' });
  pool = createServicePool({ databaseUrl: env.databaseUrl, schema: schema.name, max: 3, applicationName: 'ecogrid-emergency-test', logger });
  await migrateEmergencySchema({ pool, schema: schema.name, logger });
});

afterAll(async () => {
  await pool?.end();
  await schema?.drop();
});

earlyWarningStoreContract('PostgreSQL', async () => createPgEarlyWarningStore({ pool, eventsOf: earlyWarningEvents('test.ecogrid.emergency.v1'), notifyOutbox: false }));
