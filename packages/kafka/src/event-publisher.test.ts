import type { Kafka, Message, TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createEventPublisher } from './event-publisher';

/**
 * A producer whose first send fails after the partition of the event keyed "stored" was written (the error lists
 * it, as patches/kafkajs@2.2.4.patch does), and whose later sends succeed.
 */
function partlyFailingKafka() {
  const sends: string[][] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
      const messages: Message[] = topicMessages.flatMap((entry) => entry.messages);
      sends.push(messages.map((message) => String(message.key)));
      if (sends.length === 1) {
        const error = new Error('KafkaJSNumberOfRetriesExceeded: the leader of partition 0 is away');
        throw Object.assign(error, { acknowledgedMessages: messages.filter((message) => message.key === 'stored') });
      }
      return [];
    },
  };
  const kafka = { producer: () => producer } as unknown as Kafka;
  return { kafka, sends };
}

const event = (key: string) => ({ topic: 'ecogrid.readings.v1', key, value: Buffer.from(key), type: 'test.Event' });

describe('event publisher after a send that failed part-way', () => {
  it('acknowledges what the broker stored and sends only the rest again, so nothing is written twice', async () => {
    const { kafka, sends } = partlyFailingKafka();
    const publisher = createEventPublisher({ kafka, source: '/test', holdFailedBatchMs: 5_000 });
    const settled: string[] = [];
    const stored = publisher.publish(event('stored')).then(() => settled.push('stored'));
    const lost = publisher.publish(event('lost')).then(() => settled.push('lost'));
    await Promise.all([stored, lost]);
    expect(sends).toEqual([['stored', 'lost'], ['lost']]);
    expect(settled).toEqual(['stored', 'lost']);
  });

  it('with no time to hold a failed batch, acknowledges what was stored and rejects only the rest', async () => {
    const { kafka, sends } = partlyFailingKafka();
    const publisher = createEventPublisher({ kafka, source: '/test' });
    const stored = publisher.publish(event('stored'));
    const lost = publisher.publish(event('lost'));
    await expect(stored).resolves.toBeUndefined();
    await expect(lost).rejects.toThrow('leader of partition 0 is away');
    expect(sends).toEqual([['stored', 'lost']]);
  });
});
