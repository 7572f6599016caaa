import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@ecogrid/telemetry';
import { recordTopics, testEnvironment, testKafka, uniqueTopicPrefix, waitFor } from '@ecogrid/testkit';
import {
  createEventConsumer,
  createEventPublisher,
  DependencyUnavailableError,
  ensureTopics,
  PoisonRecordError,
  RetriableError,
  type EventPublisher,
  type ReceivedEvent,
  type TopicSpec,
} from '../src/index';

const logger = createLogger({ service: 'kafka-test', level: 'silent' });

function specs(prefixless: string): TopicSpec[] {
  return [
    { name: prefixless, key: 'k', payload: 'test.v1.Thing', partitions: 3, cleanupPolicy: 'delete', hasDeadLetter: true },
    { name: `${prefixless}.dlq`, key: 'k', payload: 'test.v1.Thing', partitions: 1, cleanupPolicy: 'delete', hasDeadLetter: false },
  ];
}

describe('publisher and consumer against the real broker', () => {
  let kafka: Kafka;
  let publisher: EventPublisher;

  beforeAll(async () => {
    const env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    publisher = createEventPublisher({ kafka, source: '/ecogrid/test' });
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
  });

  it('creates topics from the catalogue with their partitions and cleanup policy, and refuses to auto-create', async () => {
    const prefix = uniqueTopicPrefix('catalogue');
    const created = await ensureTopics(kafka, { prefix });
    expect(created).toContain(`${prefix}ecogrid.readings.v1`);
    expect(created).toContain(`${prefix}ecogrid.registry.cells.v1`);
    expect(await ensureTopics(kafka, { prefix })).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [`${prefix}ecogrid.readings.v1`] });
      expect(metadata.topics[0]?.partitions).toHaveLength(6);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: `${prefix}ecogrid.registry.cells.v1`, configNames: ['cleanup.policy'] }],
      });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
    // Broker auto-creation is off: publishing to an unknown topic fails instead of creating it.
    await expect(
      publisher.publish({ topic: `${prefix}ecogrid.nothing.v1`, key: 'k', value: Buffer.from('x'), type: 't' }),
    ).rejects.toThrow();
  });

  it('delivers events with their envelope in order per key, acknowledging only after the broker has them', async () => {
    const topic = `${uniqueTopicPrefix('flow')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    const recorder = await recordTopics(kafka, [topic]);
    const events = Array.from({ length: 500 }, (_, index) => ({
      topic,
      key: `device-${index % 7}`,
      value: Buffer.from(`payload-${index}`),
      type: 'test.v1.Thing',
      id: `event-${index}`,
    }));
    await publisher.publishAll(events);
    expect(publisher.pending).toBe(0);
    const received = await recorder.waitForCount(500);
    await recorder.stop();
    expect(received).toHaveLength(500);
    const first = received.find((message) => message.headers.ce_id === 'event-0');
    expect(first?.headers).toMatchObject({ ce_type: 'test.v1.Thing', ce_source: '/ecogrid/test', ce_specversion: '1.0', 'content-type': 'application/protobuf' });
    for (let key = 0; key < 7; key += 1) {
      const order = received.filter((message) => message.key === `device-${key}`).map((message) => Number(message.value?.toString().split('-')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('moves a poison record to the dead-letter topic with the reason and carries on with the next', async () => {
    const topic = `${uniqueTopicPrefix('poison')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    const dlq = await recordTopics(kafka, [`${topic}.dlq`]);
    const handled: string[] = [];
    const consumer = createEventConsumer({
      kafka,
      groupId: `g-${topic}`,
      topics: [topic],
      logger,
      deadLetters: publisher,
      fromBeginning: true,
      handler: async (event: ReceivedEvent) => {
        const text = event.value?.toString() ?? '';
        if (text === 'poison') throw new PoisonRecordError('bad_payload', 'cannot decode the payload');
        handled.push(text);
      },
    });
    await publisher.publishAll([
      { topic, key: 'a', value: Buffer.from('one'), type: 'test.v1.Thing', id: 'one' },
      { topic, key: 'a', value: Buffer.from('poison'), type: 'test.v1.Thing', id: 'poison' },
      { topic, key: 'a', value: Buffer.from('two'), type: 'test.v1.Thing', id: 'two' },
    ]);
    // A record written without any envelope must be dead-lettered too, not guessed at.
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic, messages: [{ key: 'a', value: 'no-envelope' }] });
    await raw.send({ topic, messages: [{ key: 'a', value: 'three', headers: { ce_id: 'three', ce_type: 't', ce_source: 's', ce_time: new Date().toISOString(), ce_specversion: '1.0' } }] });
    await raw.disconnect();
    await consumer.start();
    await waitFor(() => handled.length === 3, { description: 'the healthy records to be handled' });
    const dead = await dlq.waitForCount(2);
    await consumer.stop();
    await dlq.stop();
    expect(handled).toEqual(['one', 'two', 'three']);
    const poison = dead.find((message) => message.value?.toString() === 'poison');
    expect(poison?.key).toBe('a');
    expect(poison?.headers).toMatchObject({
      ce_id: 'poison',
      'x-orig-topic': topic,
      'x-error-code': 'bad_payload',
      'x-error': 'cannot decode the payload',
      'x-attempts': '1',
      'x-consumer-group': `g-${topic}`,
    });
    expect(poison?.headers['x-orig-offset']).toBe('1');
    const unenveloped = dead.find((message) => message.value?.toString() === 'no-envelope');
    expect(unenveloped?.headers['x-error-code']).toBe('bad_envelope');
  });

  it('retries a retriable failure with backoff and commits only once handled, so a restart does not repeat it', async () => {
    const topic = `${uniqueTopicPrefix('retry')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    let attempts = 0;
    const handled: string[] = [];
    const groupId = `g-${topic}`;
    const handler = async (event: ReceivedEvent): Promise<void> => {
      attempts += 1;
      if (attempts < 3) throw new RetriableError('database briefly away');
      handled.push(event.attributes.id);
    };
    const consumer = createEventConsumer({ kafka, groupId, topics: [topic], logger, deadLetters: publisher, fromBeginning: true, retry: { initialBackoffMs: 10 }, handler });
    await publisher.publish({ topic, key: 'a', value: Buffer.from('x'), type: 'test.v1.Thing', id: 'only' });
    await consumer.start();
    await waitFor(() => handled.length === 1, { description: 'the record to succeed on its third attempt' });
    await consumer.stop();
    expect(attempts).toBe(3);

    // The offset was committed: a new member of the same group starts after the record.
    const seenAfterRestart: string[] = [];
    const again = createEventConsumer({
      kafka,
      groupId,
      topics: [topic],
      logger,
      deadLetters: publisher,
      fromBeginning: true,
      handler: async (event) => {
        seenAfterRestart.push(event.attributes.id);
      },
    });
    await again.start();
    await publisher.publish({ topic, key: 'a', value: Buffer.from('y'), type: 'test.v1.Thing', id: 'next' });
    await waitFor(() => seenAfterRestart.includes('next'), { description: 'the next record after a restart' });
    await again.stop();
    expect(seenAfterRestart).toEqual(['next']);
  });

  it('holds the partition while a dependency is unavailable, well past the retry budget, then handles every record once and dead-letters none', async () => {
    const topic = `${uniqueTopicPrefix('hold')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    const deadLetters = await recordTopics(kafka, [`${topic}.dlq`]);
    let databaseUp = false;
    let failures = 0;
    const handled: string[] = [];
    const holds: boolean[] = [];
    const consumer = createEventConsumer({
      kafka,
      groupId: `g-${topic}`,
      topics: [topic],
      logger,
      deadLetters: publisher,
      fromBeginning: true,
      // A budget of 2 attempts: a plain retriable error would be dead-lettered after the second.
      retry: { attempts: 2, initialBackoffMs: 10, maxBackoffMs: 50 },
      onHold: ({ held }) => holds.push(held),
      handler: async (event) => {
        if (!databaseUp) {
          failures += 1;
          throw new DependencyUnavailableError('postgres', 'the database is away');
        }
        handled.push(event.attributes.id);
      },
    });
    await publisher.publishAll(Array.from({ length: 5 }, (_, index) => ({ topic, key: 'same-partition', value: Buffer.from(`v${index}`), type: 'test.v1.Thing', id: `e${index}` })));
    await consumer.start();
    await waitFor(() => failures >= 20, { description: 'twenty failed attempts on the held record' });
    expect(handled).toEqual([]);
    databaseUp = true;
    await waitFor(() => handled.length === 5, { description: 'every record once the dependency is back' });
    await consumer.stop();
    await deadLetters.stop();
    process.stdout.write(`held through ${failures} failed attempts (budget 2), then handled ${handled.length} records in order, ${deadLetters.messages.length} dead letters\n`);
    expect(handled).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(deadLetters.messages).toHaveLength(0);
    expect(holds).toEqual([true, false]);
  });
});
