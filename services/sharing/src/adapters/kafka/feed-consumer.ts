import type { Kafka } from 'kafkajs';
import { createBatchConsumer, isRetriable, PoisonRecordError, type EventConsumer, type EventPublisher } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';
import type { IncomingRecord } from '../../app/ports';
import { decodeFeed, type FeedKind } from './feed-records';

export interface FeedConsumerOptions {
  kafka: Kafka;
  groupId: string;
  /** Full topic name (with the deployment prefix) → what it feeds. */
  topics: ReadonlyMap<string, FeedKind>;
  ingest: (records: readonly IncomingRecord[]) => Promise<number>;
  deadLetters: EventPublisher;
  logger: Logger;
}

/**
 * Reads every shareable topic in one group and stores a partition's fetched batch in one statement. A record that
 * does not decode goes to `<topic>.dlq` and the batch carries on; a store failure is retried (the upsert is idempotent
 * by dataset and key, and keeps the newest version, so a batch read twice stores nothing twice).
 */
export function createFeedConsumer(options: FeedConsumerOptions): EventConsumer {
  const logger = options.logger.child({ module: 'feed-consumer' });
  return createBatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [...options.topics.keys()],
    logger,
    deadLetters: options.deadLetters,
    commit: 'interval',
    fromBeginning: true,
    handleBatch: async (batch) => {
      const kind = options.topics.get(batch.topic);
      if (!kind) return;
      const records: IncomingRecord[] = [];
      for (const event of batch.events) {
        if (event.value === null) continue;
        try {
          records.push(...decodeFeed(kind, event.value, new Date(event.timestamp)));
        } catch (error) {
          await batch.deadLetter(event, error instanceof PoisonRecordError ? error : new PoisonRecordError('undecodable', `undecodable ${kind} record`, { cause: error }));
        }
      }
      try {
        await options.ingest(records);
      } catch (error) {
        logger.warn({ err: error, topic: batch.topic, partition: batch.partition, retriable: isRetriable(error) }, 'storing a feed batch failed');
        throw error;
      }
    },
  });
}
