import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment, type TestSchema } from '@ecogrid/testkit';
import { commandStoreContract } from '../src/app/testing/command-store.contract';
import { createPgCommandStore } from '../src/adapters/postgres/pg-command-store';
import { migrateIngestSchema } from '../src/adapters/postgres/ingest-schema';
import { encodeCommandChanged } from '../src/adapters/kafka/command-encoding';

let schema: TestSchema;
let pool: pg.Pool;

beforeAll(async () => {
  schema = await createTestSchema((await testEnvironment()).databaseUrl, 'ingest_commands');
  pool = new pg.Pool({ connectionString: schema.url, max: 4 });
  await migrateIngestSchema({ pool, schema: schema.name, logger: createLogger({ service: 'ingest-test', level: 'warn' }) });
});

afterAll(async () => {
  await pool?.end();
  await schema?.drop();
});

commandStoreContract('PostgreSQL adapter (real PostgreSQL, outbox in the same transaction)', async () =>
  createPgCommandStore({
    pool,
    topic: 't.commands',
    eventType: 'ecogrid.ingest.v1.DeviceCommandChanged',
    encodeChange: encodeCommandChanged,
    onEventsCommitted: () => undefined,
    notifyRelays: () => false,
  }),
);
