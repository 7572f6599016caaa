import type pg from 'pg';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment } from '@ecogrid/testkit';
import { describeIncidentStoreContract } from '../src/app/incidents/testing/incident-store.contract';
import { encodeIncidentEvent } from '../src/adapters/kafka/incident-event';
import { migrateEmergencySchema } from '../src/adapters/postgres/emergency-schema';
import { createPgIncidentStore } from '../src/adapters/postgres/pg-incident-store';

const logger = createLogger({ service: 'emergency-test', level: 'warn' });

describeIncidentStoreContract('PostgreSQL', async () => {
  const env = await testEnvironment();
  const schema = await createTestSchema(env.databaseUrl, 'em-incident-store');
  const pool: pg.Pool = createServicePool({ databaseUrl: env.databaseUrl, schema: schema.name, max: 3, applicationName: 'emergency-contract', logger });
  await migrateEmergencySchema({ pool, schema: schema.name, logger });
  const store = createPgIncidentStore({ pool, encode: (event) => encodeIncidentEvent('ecogrid.emergency.v1', event), onEventsCommitted: () => undefined, notifyRelays: () => false });
  return {
    store,
    close: async () => {
      await pool.end();
      await schema.drop();
    },
  };
});
