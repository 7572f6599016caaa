import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@ecogrid/telemetry';
import { recordTopics, testEnvironment, testKafka, uniqueTopicPrefix, waitFor } from '@ecogrid/testkit';
import { createEventConsumer, createEventPublisher, ensureTopics, PoisonRecordError, replayDeadLetters, type EventPublisher, type ReceivedEvent } from '../src/index';

const logger = createLogger({ service: 'dlq-replay-test', level: 'silent' });

describe('dead-letter replay', () => {
  let kafka: Kafka;
  let publisher: EventPublisher;

  beforeAll(async () => {
    kafka = testKafka((await testEnvironment()).kafkaBrokers);
    publisher = createEventPublisher({ kafka, source: '/ecogrid/alerting' });
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
  });

  it('publishes dead letters back as they first were, by window or id, once the cause is mended; a dry run publishes nothing', async () => {
    const topic = `${uniqueTopicPrefix('dlq-replay')}things`;
    await ensureTopics(kafka, {
      specs: [
        { name: topic, key: 'k', payload: 't', partitions: 2, cleanupPolicy: 'delete', hasDeadLetter: true },
        { name: `${topic}.dlq`, key: 'k', payload: 't', partitions: 1, cleanupPolicy: 'delete', hasDeadLetter: false },
      ],
    });
    let mended = false;
    const handled: ReceivedEvent[] = [];
    const consumer = createEventConsumer({
      kafka,
      groupId: `g-${topic}`,
      topics: [topic],
      logger,
      deadLetters: publisher,
      fromBeginning: true,
      handler: async (event) => {
        if (!mended && event.value?.toString().startsWith('bad')) throw new PoisonRecordError('bad_payload', 'a bug the next release fixes');
        handled.push(event);
      },
    });
    await consumer.start();
    const before = new Date();
    await publisher.publishAll(['good-1', 'bad-1', 'bad-2', 'good-2'].map((value) => ({ topic, key: value, value: Buffer.from(value), type: 'test.v1.Thing', id: `id-${value}` })));
    const dlq = await recordTopics(kafka, [`${topic}.dlq`]);
    await dlq.waitForCount(2);
    await dlq.stop();
    await waitFor(() => handled.length === 2, { description: 'the good records' });

    const dry = await replayDeadLetters({ kafka, topic, dryRun: true });
    expect(dry).toMatchObject({ scanned: 2, replayed: 2, skipped: 0, foreign: 0, byErrorCode: { bad_payload: 2 } });
    const outside = await replayDeadLetters({ kafka, topic, dryRun: true, from: new Date(Date.now() + 60_000) });
    expect(outside).toMatchObject({ replayed: 0, skipped: 2 });

    mended = true;
    const one = await replayDeadLetters({ kafka, topic, ids: new Set(['id-bad-1']), from: before });
    expect(one).toMatchObject({ scanned: 2, replayed: 1, skipped: 1 });
    await waitFor(() => handled.length === 3, { description: 'the replayed record to be handled' });
    const replayed = handled[2];
    expect(replayed?.attributes).toMatchObject({ id: 'id-bad-1', source: '/ecogrid/alerting', type: 'test.v1.Thing' });
    expect(replayed?.value?.toString()).toBe('bad-1');
    expect(Object.keys(replayed?.headers ?? {}).filter((name) => name.startsWith('x-'))).toEqual([]);
    await consumer.stop();
    process.stdout.write(`dlq replay: dead letters 2, dry run would replay ${dry.replayed}, replayed by id ${one.replayed}, handled after the fix ${handled.length - 2}\n`);
  });
});
