import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { metrics } from '@opentelemetry/api';
import { deadLetterTopicName, errorCode, headerText, type EventPublisher } from '@ecogrid/kafka';
import { SECONDS_BUCKETS, type Logger } from '@ecogrid/telemetry';
import type { ReadingRecord, ReadingsProcessor } from '../../app/process-readings';
import { decodeObservation } from './event-encoding';

const meter = metrics.getMeter('@ecogrid/alerting');
const readingsCounter = meter.createCounter('alerting_readings_total', { description: 'Readings consumed, by outcome (evaluated, skipped, dead_lettered)' });
const eventsCounter = meter.createCounter('alerting_events_total', { description: 'Events committed to the outbox, by topic' });
const batchDuration = meter.createHistogram('alerting_batch_duration_seconds', {
  unit: 's',
  description: 'Evaluating and checkpointing one Kafka batch',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});

export interface ReadingsConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  processor: ReadingsProcessor;
  deadLetters: EventPublisher;
  logger: Logger;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
}

export interface ReadingsConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the consumer has joined its group (and while it is a member). */
  readonly joined: boolean;
}

/**
 * The readings consumer group. kafkajs `eachBatch` hands a partition's batch to the processor, which commits its
 * effects and the next offset to PostgreSQL in one transaction; only then is the batch resolved and its offset committed to Kafka
 * (at most a second later: a hint for where to fetch; the PostgreSQL offset is the truth, and records below it are skipped).
 * A record that cannot be decoded goes to `<topic>.dlq` with the reason, and the batch carries on.
 */
export function createReadingsConsumer(options: ReadingsConsumerOptions): ReadingsConsumer {
  const logger = options.logger.child({ module: 'readings-consumer' });
  let joined = false;
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    rebalanceTimeout: 60_000,
    heartbeatInterval: Math.min(3_000, Math.floor(options.sessionTimeoutMs / 3)),
    maxWaitTimeInMs: 50,
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[options.topic] ?? [];
    options.processor.assigned(partitions);
    joined = true;
    logger.info({ partitions }, 'joined the readings group');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    logger.error({ err: payload.error, restart: payload.restart }, 'readings consumer crashed');
  });
  consumer.on(consumer.events.STOP, () => {
    joined = false;
  });

  const deadLetter = async (partition: number, message: KafkaMessage, error: unknown): Promise<void> => {
    const reason = error instanceof Error ? error.message : String(error);
    await options.deadLetters.publish({
      topic: deadLetterTopicName(options.topic),
      key: message.key === null ? null : message.key.toString(),
      value: message.value,
      type: headerText(message.headers, 'ce_type') ?? 'unknown',
      ...(headerText(message.headers, 'ce_id') ? { id: headerText(message.headers, 'ce_id') as string } : {}),
      headers: {
        'x-orig-topic': options.topic,
        'x-orig-partition': String(partition),
        'x-orig-offset': message.offset,
        'x-consumer-group': options.groupId,
        'x-error': reason.slice(0, 1_000),
        'x-error-code': errorCode(error),
        'x-attempts': '1',
        'x-failed-at': new Date().toISOString(),
      },
    });
    readingsCounter.add(1, { outcome: 'dead_lettered' });
    logger.warn({ partition, offset: message.offset, reason }, 'reading dead-lettered');
  };

  return {
    get joined() {
      return joined;
    },
    start: async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning });
      await consumer.run({
        // The PostgreSQL checkpoint is the truth (records below it are skipped); Kafka's committed offset only
        // says where to fetch after a restart, so committing it once a second saves a round trip per batch.
        autoCommit: true,
        autoCommitInterval: 1_000,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const started = performance.now();
          const records: ReadingRecord[] = [];
          for (const message of batch.messages) {
            try {
              if (!message.value) throw new Error('reading without a value');
              records.push({ offset: message.offset, observation: decodeObservation(message.value) });
            } catch (error) {
              await deadLetter(batch.partition, message, error);
              records.push({ offset: message.offset });
            }
          }
          const decoded = performance.now();
          const result = await options.processor.handleBatch(batch.partition, records);
          const handled = performance.now();
          if (result.seekTo !== undefined) {
            logger.warn({ partition: batch.partition, from: batch.firstOffset(), seekTo: result.seekTo }, 'batch starts after the checkpoint; seeking back');
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: result.seekTo });
            return;
          }
          resolveOffset(batch.lastOffset());
          await heartbeat();
          logger.debug(
            { partition: batch.partition, records: records.length, decodeMs: decoded - started, handleMs: handled - decoded, commitMs: performance.now() - handled },
            'batch checkpointed',
          );
          readingsCounter.add(result.evaluated, { outcome: 'evaluated' });
          readingsCounter.add(result.skipped, { outcome: 'skipped' });
          eventsCounter.add(result.alerts, { topic: 'alerts' });
          eventsCounter.add(result.aqi, { topic: 'aqi_hourly' });
          batchDuration.record((performance.now() - started) / 1000);
        },
      });
    },
    stop: async () => {
      joined = false;
      await consumer.disconnect();
    },
  };
}
