import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { topicNames, type TopicKey } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';
import type { IncomingRecord, ReplaySource } from '../../app/ports';
import { decodeFeed, type FeedKind } from './feed-records';

const FEEDS: Record<string, FeedKind> = { readings: 'readings', alerts: 'alerts', aqiHourly: 'aqiHourly', cases: 'cases', credit: 'credit', registryEnterprises: 'registryEnterprises', emergency: 'emergency' };

/**
 * Replays a topic from a time: the offsets at that time per partition (ListOffsets by timestamp), read up to the end
 * offsets taken when asked, in a throw-away group under sharing's own prefix that commits nothing. Bounded by `max`
 * records and `timeoutMs`.
 */
export function createKafkaReplay(options: { kafka: Kafka; topicPrefix: string; groupPrefix: string; logger: Logger; timeoutMs?: number }): ReplaySource {
  const topics = topicNames(options.topicPrefix);
  return {
    read: async (topicKey, from, max) => {
      const kind = FEEDS[topicKey];
      if (!kind) throw new Error(`no replay for ${topicKey}`);
      const topic = topics[topicKey as TopicKey];
      const admin = options.kafka.admin();
      await admin.connect();
      let starts: Array<{ partition: number; offset: string }>;
      let ends: Array<{ partition: number; offset: string }>;
      try {
        starts = await admin.fetchTopicOffsetsByTimestamp(topic, from.getTime());
        ends = (await admin.fetchTopicOffsets(topic)).map((entry) => ({ partition: entry.partition, offset: entry.high }));
      } finally {
        await admin.disconnect();
      }
      const remaining = new Map<number, bigint>();
      for (const start of starts) {
        const end = BigInt(ends.find((entry) => entry.partition === start.partition)?.offset ?? '0');
        if (start.offset !== '-1' && BigInt(start.offset) < end) remaining.set(start.partition, end);
      }
      const out: Array<IncomingRecord & { position: string; timestamp: number }> = [];
      if (remaining.size === 0) return out;
      const consumer = options.kafka.consumer({ groupId: `${options.groupPrefix}${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic] });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`replay of ${topicKey} did not finish in time`)), options.timeoutMs ?? 20_000);
          const finish = (): void => {
            clearTimeout(timer);
            resolve();
          };
          consumer
            .run({
              autoCommit: false,
              eachBatch: async ({ batch }) => {
                const end = remaining.get(batch.partition);
                if (end === undefined) return;
                for (const message of batch.messages) {
                  if (BigInt(message.offset) >= end) break;
                  if (message.value) {
                    try {
                      for (const record of decodeFeed(kind, message.value, new Date(Number(message.timestamp)))) out.push({ ...record, position: `${batch.partition}:${message.offset}`, timestamp: Number(message.timestamp) });
                    } catch (error) {
                      options.logger.warn({ err: error, topic, partition: batch.partition, offset: message.offset }, 'replay skipped an undecodable record');
                    }
                  }
                  if (BigInt(message.offset) + 1n >= end) remaining.delete(batch.partition);
                }
                if (remaining.size === 0 || out.length >= max) finish();
              },
            })
            .then(() => {
              for (const start of starts) if (remaining.has(start.partition)) consumer.seek({ topic, partition: start.partition, offset: start.offset });
            }, reject);
        });
      } finally {
        await consumer.disconnect();
      }
      return out.sort((a, b) => a.timestamp - b.timestamp).slice(0, max);
    },
  };
}
