import { randomBytes } from 'node:crypto';
import { Partitioners, type IHeaders, type Kafka, type Message } from 'kafkajs';
import { headerText } from './envelope';
import { deadLetterTopicName } from './topics';

export interface ReplayOptions {
  kafka: Kafka;
  /** The original topic (with its prefix); its dead letters are read from `<topic>.dlq`. */
  topic: string;
  /** Only dead letters that failed at or after this instant (`x-failed-at`). */
  from?: Date;
  /** …and before this one. */
  to?: Date;
  /** Only these event ids (`ce_id`). */
  ids?: ReadonlySet<string>;
  /** Count and describe, publish nothing. */
  dryRun?: boolean;
  timeoutMs?: number;
}

export interface ReplayReport {
  deadLetterTopic: string;
  /** Dead letters read, up to the end of the topic when the replay started. */
  scanned: number;
  /** Published again to the original topic (or, in a dry run, that would be). */
  replayed: number;
  /** Outside the window or the ids asked for. */
  skipped: number;
  /** Dead letters of another topic found in this one (never replayed). */
  foreign: number;
  /** Replayed (or to replay), by the error code they failed with. */
  byErrorCode: Record<string, number>;
}

/** Headers the dead-lettering added; everything else (`ce_*`, `traceparent`, …) is the original record's own. */
const isDeadLetterHeader = (name: string): boolean => name.startsWith('x-orig-') || ['x-error', 'x-error-code', 'x-attempts', 'x-failed-at', 'x-consumer-group'].includes(name);

/**
 * Publishes dead letters back to the topic they came from, exactly as they were first published: same key, value
 * and headers (the `ce_id` too, so a consumer that did handle one drops the repeat). Reads `<topic>.dlq` from the
 * beginning up to its end when the replay started, so letters dead-lettered again meanwhile wait for the next run.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const deadLetterTopic = deadLetterTopicName(options.topic);
  const report: ReplayReport = { deadLetterTopic, scanned: 0, replayed: 0, skipped: 0, foreign: 0, byErrorCode: {} };
  const admin = options.kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    if (!(await admin.listTopics()).includes(deadLetterTopic)) throw new Error(`there is no topic ${deadLetterTopic}: give the full name of a topic that has dead letters (e.g. ecogrid.alerts.v1)`);
    for (const { partition, high, low } of await admin.fetchTopicOffsets(deadLetterTopic)) if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return report;

  const toReplay: Message[] = [];
  const consumer = options.kafka.consumer({ groupId: `dlq-replay.${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) continue;
          report.scanned += 1;
          if (headerText(message.headers, 'x-orig-topic') !== options.topic) {
            report.foreign += 1;
            continue;
          }
          const failedAt = Date.parse(headerText(message.headers, 'x-failed-at') ?? '');
          const id = headerText(message.headers, 'ce_id');
          const inWindow = (!options.from || failedAt >= options.from.getTime()) && (!options.to || failedAt < options.to.getTime());
          if (!inWindow || (options.ids && (!id || !options.ids.has(id)))) {
            report.skipped += 1;
            continue;
          }
          const code = headerText(message.headers, 'x-error-code') ?? 'unknown';
          report.byErrorCode[code] = (report.byErrorCode[code] ?? 0) + 1;
          report.replayed += 1;
          const headers: IHeaders = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined && !isDeadLetterHeader(name)) headers[name] = value;
          toReplay.push({ key: message.key, value: message.value, headers });
        }
        if (BigInt(batch.lastOffset()) + 1n >= end) {
          ends.delete(batch.partition);
          if (ends.size === 0) finished();
        }
      },
    });
    const timeoutMs = options.timeoutMs ?? 60_000;
    await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading ${deadLetterTopic} took longer than ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }

  if (!options.dryRun && toReplay.length > 0) {
    const producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      for (let start = 0; start < toReplay.length; start += 500) await producer.send({ topic: options.topic, acks: -1, messages: toReplay.slice(start, start + 500) });
    } finally {
      await producer.disconnect();
    }
  }
  return report;
}
