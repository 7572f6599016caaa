import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { headerText } from '@ecogrid/kafka';

interface Range {
  topic: string;
  partition: number;
  start: bigint;
  end: bigint;
}

/**
 * Which of `pending` event ids are already on `topics`, reading each partition from the first record at or after
 * `since` (ms) up to its high watermark at the time of the call. Used when a relay takes over: the previous one
 * may have died after the broker acknowledged a batch and before it deleted the rows.
 */
export async function findPublished(kafka: Kafka, topics: string[], since: number, pending: ReadonlySet<string>, group: string, timeoutMs = 30_000): Promise<Set<string>> {
  const found = new Set<string>();
  const ranges = new Map<string, Range>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const highs = new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, BigInt(entry.high)]));
      for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, since)) {
        const end = highs.get(partition) ?? 0n;
        const start = BigInt(offset) < 0n ? end : BigInt(offset);
        if (start < end) ranges.set(`${topic}:${partition}`, { topic, partition, start, end });
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (ranges.size === 0) return found;
  // A throw-away group, positioned by seek once assigned: kafkajs cannot read partitions without a group.
  const consumer = kafka.consumer({ groupId: `${group}.${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const range of ranges.values()) consumer.seek({ topic: range.topic, partition: range.partition, offset: range.start.toString() });
  });
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const range = ranges.get(key);
        if (!range) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < range.start || offset >= range.end) continue;
          const id = headerText(message.headers, 'ce_id');
          if (id !== undefined && pending.has(id)) found.add(id);
        }
        if (BigInt(batch.lastOffset()) + 1n >= range.end) {
          ranges.delete(key);
          if (ranges.size === 0) finished();
        }
      },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading back ${[...ranges.keys()].join(', ')} took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return found;
}
