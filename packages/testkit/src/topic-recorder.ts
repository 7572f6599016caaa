import { Kafka, logLevel, type Consumer, type IHeaders, type SASLOptions } from 'kafkajs';
import { uniqueToken } from './isolation';
import { waitFor } from './wait-for';

export interface RecordedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The record's Kafka timestamp (ms since the epoch): when the producer sent it. */
  timestamp: number;
}

export interface TopicRecorder {
  readonly messages: RecordedMessage[];
  /** Waits until at least `count` messages (matching `filter`, if given) have arrived and returns them. */
  waitForCount(count: number, filter?: (message: RecordedMessage) => boolean, timeoutMs?: number): Promise<RecordedMessage[]>;
  stop(): Promise<void>;
}

/** A Kafka client for tests: quiet, fast to fail. */
export function testKafka(brokers: string, clientId = `test-${uniqueToken()}`, sasl?: SASLOptions): Kafka {
  // Generous retries: a broker busy with many test topics can take seconds to publish a new topic's leaders.
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 3_000 }, ...(sasl ? { sasl } : {}) });
}

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return result;
}

/**
 * Reads topics from the beginning in a group of its own and keeps every record, so a test can assert on
 * exactly what reached the broker.
 */
export async function recordTopics(kafka: Kafka, topics: string[]): Promise<TopicRecorder> {
  const consumer: Consumer = kafka.consumer({ groupId: `recorder-${uniqueToken()}`, maxWaitTimeInMs: 50 });
  const messages: RecordedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let assigned = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    assigned = true;
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      messages.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString(),
        value: message.value,
        headers: headersAsText(message.headers),
        timestamp: Number(message.timestamp),
      });
    },
  });
  await waitFor(() => assigned, { description: 'the recorder to join its group' });
  return {
    messages,
    waitForCount: (count, filter, timeoutMs) =>
      waitFor(
        () => {
          const matching = filter ? messages.filter(filter) : messages;
          return matching.length >= count ? matching : undefined;
        },
        { description: `${count} messages on ${topics.join(', ')}`, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
      ),
    stop: () => consumer.disconnect(),
  };
}
