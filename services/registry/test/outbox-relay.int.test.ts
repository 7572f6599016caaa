import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createEventPublisher, ensureTopics, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { createOutboxRelay, type OutboxRelay } from '@ecogrid/outbox';
import { createServicePool, migrateSchema } from '@ecogrid/postgres';
import { OfficerChanged } from '@ecogrid/proto/registry/v1/events';
import { systemClock } from '@ecogrid/service-kit';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, recordTopics, testEnvironment, testKafka, uniqueTopicPrefix, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { createRegistryEvents } from '../src/adapters/events/registry-events';
import { createPostgresRegistry } from '../src/adapters/postgres/postgres-registry';
import { registryMigrations } from '../src/adapters/postgres/registry-migrations';
import type { Officer } from '../src/domain/entities';

const logger = createLogger({ service: 'outbox-test', level: 'warn' });

// The shared relay's own guarantees are proven by packages/outbox's contract suite; this proves the registry's
// writes use it so that every view sees each entity's changes once, in order, ending with its tombstone.
describe('registry changes through the shared outbox relay', () => {
  let kafka: Kafka;
  let schema: TestSchema;
  let pool: Pool;
  let recorder: TopicRecorder;
  const publishers: EventPublisher[] = [];
  const relays: OutboxRelay[] = [];
  const prefix = uniqueTopicPrefix('registry-outbox');

  beforeAll(async () => {
    const env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    await ensureTopics(kafka, { prefix });
    schema = await createTestSchema(env.databaseUrl, 'registry_outbox');
    pool = createServicePool({ databaseUrl: env.databaseUrl, schema: schema.name, applicationName: 'registry-outbox-test', logger });
    await migrateSchema({ pool, schema: schema.name, migrations: registryMigrations(), logger });
    recorder = await recordTopics(kafka, [topicNames(prefix).registryOfficers]);
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    for (const publisher of publishers) await publisher.disconnect();
    await recorder?.stop();
    await pool?.end();
    await schema?.drop();
  });

  it('two relays on one outbox publish every change once, in commit order per key', async () => {
    for (let i = 0; i < 2; i++) {
      const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
      await publisher.connect();
      publishers.push(publisher);
      const relay = createOutboxRelay({ pool, schema: schema.name, publisher, kafka, logger, pollMs: 20, batchSize: 7 });
      relay.start();
      relays.push(relay);
    }
    const registry = createPostgresRegistry(pool, { events: createRegistryEvents({ topics: topicNames(prefix), clock: systemClock }), clock: systemClock });
    await registry.write((writer) => writer.putTownships([{ code: 'T1', name: '测试镇', kind: 'town', supervisorOfficerId: '', districtCode: '' }]));
    // 40 renames of each of three officers, interleaved, each its own transaction, while both relays run.
    const officer = (id: string, round: number): Officer => ({ id, name: `${id}#${round}`, role: 'supervisor', townshipCode: 'T1', cellIds: [], contact: '', roster: [], active: true });
    for (let round = 0; round < 40; round++) {
      await Promise.all(['A', 'B', 'C'].map((id) => registry.write((writer) => writer.putOfficers([officer(id, round)]))));
    }
    await registry.write((writer) => writer.remove('officer', 'C'));
    const messages = await recorder.waitForCount(121, undefined, 30_000);
    await relays[0]?.drained(30_000);
    expect(relays.filter((relay) => relay.isLeader)).toHaveLength(1);
    expect(new Set(messages.map((message) => message.headers.ce_id)).size).toBe(messages.length); // nothing twice
    expect(messages).toHaveLength(121);
    for (const id of ['A', 'B']) {
      const names = messages.filter((message) => message.key === id).map((message) => OfficerChanged.decode(message.value ?? Buffer.alloc(0)).officer?.name);
      expect(names).toEqual(Array.from({ length: 40 }, (_, round) => `${id}#${round}`));
    }
    const lastOfC = messages.filter((message) => message.key === 'C').at(-1);
    expect(lastOfC?.value).toBeNull(); // the tombstone comes after every change
    expect(await relays[0]?.backlog()).toBe(0);
  });
});
