import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { failedPrecondition } from '@ecogrid/domain-errors';
import { createLogger } from '@ecogrid/telemetry';
import { recordTopics, testEnvironment, testKafka, uniqueTopicPrefix, waitFor } from '@ecogrid/testkit';
import { createEventPublisher, createHandledConsumer, ensureTopics, PoisonRecordError, type EventPublisher, type TopicSpec } from '../src/index';

const logger = createLogger({ service: 'kafka-test', level: 'silent' });

function specs(prefixless: string): TopicSpec[] {
  return [
    { name: prefixless, key: 'k', payload: 'test.v1.Thing', partitions: 1, cleanupPolicy: 'delete', hasDeadLetter: true },
    { name: `${prefixless}.dlq`, key: 'k', payload: 'test.v1.Thing', partitions: 1, cleanupPolicy: 'delete', hasDeadLetter: false },
  ];
}

describe('a handled consumer (decode, handle, count) against the real broker', () => {
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

  it('counts each outcome, dead-letters what the domain refuses at once, retries a passing failure, holds while the database is away', async () => {
    const topic = `${uniqueTopicPrefix('handled')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    const deadLetters = await recordTopics(kafka, [`${topic}.dlq`]);
    const counted: string[] = [];
    const handled: string[] = [];
    const holds: boolean[] = [];
    let flaky = 2;
    let databaseAway = 0;
    const consumer = createHandledConsumer<string>({
      kafka,
      topic,
      groupId: `${topic}.group`,
      deadLetters: publisher,
      logger,
      fromBeginning: true,
      decode: (event) => {
        const text = event.value?.toString() ?? '';
        if (text === 'garbage') throw new PoisonRecordError('bad_payload', 'not a thing');
        return text.startsWith('other:') ? undefined : text;
      },
      handle: async (input) => {
        if (input === 'refused') throw failedPrecondition('the rule forbids it', 'rule_broken');
        if (input === 'flaky' && flaky > 0) {
          flaky -= 1;
          throw new Error('deadlock detected');
        }
        if (input === 'outage' && databaseAway < 2) {
          databaseAway += 1;
          throw new Error('Connection terminated unexpectedly');
        }
        handled.push(input);
        return 'recorded';
      },
      count: (outcome, attributes) => counted.push(attributes.reason ? `${outcome}:${attributes.reason}` : outcome),
      skippedOutcome: 'ignored',
      describe: (input) => `thing ${input}`,
      database: { unavailable: async (error) => (error as Error).message.startsWith('Connection terminated') },
      onHold: ({ held }) => holds.push(held),
    });
    await consumer.start();
    try {
      for (const value of ['one', 'other:x', 'garbage', 'refused', 'flaky', 'outage', 'two']) {
        await publisher.publish({ topic, key: 'k', value: Buffer.from(value), type: 'test.v1.Thing' });
      }
      await waitFor(() => (handled.includes('two') ? true : undefined), { description: 'the last record handled', timeoutMs: 30_000 });
      const dead = await deadLetters.waitForCount(2);
      expect(handled).toEqual(['one', 'flaky', 'outage', 'two']);
      expect(counted).toEqual(['recorded', 'ignored', 'rejected:bad_payload', 'rejected:rule_broken', 'recorded', 'recorded', 'recorded']);
      expect(dead.map((message) => [message.value?.toString(), message.headers['x-error-code'], message.headers['x-attempts']])).toEqual([
        ['garbage', 'bad_payload', '1'],
        ['refused', 'rule_broken', '1'],
      ]);
      // The outage held the partition (and let it go) instead of spending the retries; the deadlock was retried.
      expect(holds).toEqual([true, false]);
    } finally {
      await consumer.stop();
      await deadLetters.stop();
    }
  });
});
