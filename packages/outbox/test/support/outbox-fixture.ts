import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createEventPublisher, ensureTopics, TOPICS, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { createServicePool, inTransaction, migrateSchema } from '@ecogrid/postgres';
import { createLogger, type Logger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment, testKafka, uniqueTopicPrefix, type TestSchema } from '@ecogrid/testkit';
import { createOutboxRelay, enqueue, outboxMigration, type OutboxEvent, type OutboxRelay, type OutboxRelayOptions } from '../../src';

export const logger: Logger = createLogger({ service: 'outbox-test', level: 'silent' });

/** The schema a service would have: the outbox plus one entity table whose rows writers lock. */
export const MIGRATIONS = [outboxMigration('0001_outbox'), { name: '0002_items', sql: 'CREATE TABLE items (id text PRIMARY KEY, version int NOT NULL)' }];

export interface OutboxWorld {
  kafka: Kafka;
  databaseUrl: string;
  kafkaBrokers: string;
  schema: TestSchema;
  pool: Pool;
  topic: string;
  prefix: string;
  relay(overrides?: Partial<OutboxRelayOptions>): Promise<OutboxRelay>;
  /** Changes item `id` to `version` in a transaction that locks its row, as a service's writer does, and enqueues the event. */
  change(id: string, version: number, extra?: Partial<OutboxEvent>): Promise<void>;
  event(id: string, version: number): OutboxEvent;
  /** Stops every relay started so far, so a test that failed half-way leaves no leader behind for the next one. */
  stopRelays(): Promise<void>;
  close(): Promise<void>;
}

export async function createOutboxWorld(name: string): Promise<OutboxWorld> {
  const env = await testEnvironment();
  const kafka = testKafka(env.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await ensureTopics(kafka, { prefix, specs: [TOPICS.cases] });
  const topic = topicNames(prefix).cases;
  const schema = await createTestSchema(env.databaseUrl, name.replace(/-/g, '_'));
  const pool = createServicePool({ databaseUrl: env.databaseUrl, schema: schema.name, applicationName: 'outbox-test', logger, max: 8 });
  await migrateSchema({ pool, schema: schema.name, migrations: MIGRATIONS, logger });
  const publishers: EventPublisher[] = [];
  const relays: OutboxRelay[] = [];
  const event = (id: string, version: number): OutboxEvent => ({
    topic,
    key: id,
    type: TOPICS.cases.payload,
    payload: Buffer.from(`${id}#${version}`),
    id: `${id}:${version}`,
    time: new Date(Date.UTC(2026, 11, 6, 2, 0, version)),
  });
  return {
    kafka,
    databaseUrl: env.databaseUrl,
    kafkaBrokers: env.kafkaBrokers,
    schema,
    pool,
    topic,
    prefix,
    event,
    relay: async (overrides = {}) => {
      const publisher = createEventPublisher({ kafka, source: '/ecogrid/outbox-test' });
      await publisher.connect();
      publishers.push(publisher);
      const relay = createOutboxRelay({ pool, schema: schema.name, publisher, kafka, logger, pollMs: 100, ...overrides });
      relays.push(relay);
      relay.start();
      return relay;
    },
    stopRelays: async () => {
      for (const relay of relays) await relay.stop();
    },
    change: (id, version, extra = {}) =>
      inTransaction(pool, async (tx) => {
        await tx.query('INSERT INTO items (id, version) VALUES ($1, 0) ON CONFLICT DO NOTHING', [id]);
        await tx.query('SELECT version FROM items WHERE id = $1 FOR UPDATE', [id]);
        await tx.query('UPDATE items SET version = $2 WHERE id = $1', [id, version]);
        await enqueue(tx, { ...event(id, version), ...extra });
      }),
    close: async () => {
      for (const relay of relays) await relay.stop();
      for (const publisher of publishers) await publisher.disconnect();
      await pool.end();
      await schema.drop();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** The payloads of `key` in the order they reached the topic. */
export function payloadsOf(messages: ReadonlyArray<{ key: string | null; value: Buffer | null }>, key: string): string[] {
  return messages.filter((message) => message.key === key).map((message) => message.value?.toString() ?? '');
}
