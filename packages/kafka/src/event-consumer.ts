import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ATTR, type Logger } from '@ecogrid/telemetry';
import { fromHeaders, headerText, type EventAttributes } from './envelope';
import { errorCode, isRetriable, PoisonRecordError } from './errors';
import type { EventPublisher } from './event-publisher';
import { deadLetterTopicName } from './topics';
import { extractContext, kafkaTracer } from './trace-context';

/** A record as handlers see it: the CloudEvents attributes read and checked, the value untouched. */
export interface ReceivedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Null for a tombstone. */
  value: Buffer | null;
  attributes: EventAttributes;
  headers: IHeaders;
}

export type EventHandler = (event: ReceivedEvent) => Promise<void>;

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handler: EventHandler;
  logger: Logger;
  /** Where records that cannot be processed go, as `<topic>.dlq`. */
  deadLetters: EventPublisher;
  retry?: Partial<RetryPolicy>;
  fromBeginning?: boolean;
  /** Partitions handled in parallel; order is kept within a partition. */
  partitionsConsumedConcurrently?: number;
  /** Called after every batch with the consumer's position, e.g. to report lag or readiness. */
  onBatchProcessed?: (batch: { topic: string; partition: number; lastOffset: string; highWatermark: string }) => void;
}

export interface EventConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly consumer: Consumer;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 5_000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consumer-group member with manual commits: an offset is committed only after its record was handled
 * or dead-lettered, so a crash re-delivers instead of losing (at least once; handlers are idempotent by
 * `ce_id` or a natural key). Retriable failures are retried with exponential backoff a bounded number of
 * times; the rest, and records without a valid envelope, go to `<topic>.dlq` with the original key, value
 * and headers plus the reason, and consumption carries on.
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const logger = options.logger.child({ module: 'event-consumer', group: options.groupId });
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number): Promise<void> => {
    const original: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      const text = headerText(message.headers, name);
      if (text !== undefined && value !== undefined) original[name] = text;
    }
    const reason = error instanceof Error ? error.message : String(error);
    const headers: Record<string, string> = {
      ...original,
      'x-orig-topic': topic,
      'x-orig-partition': String(partition),
      'x-orig-offset': message.offset,
      'x-consumer-group': options.groupId,
      'x-error': reason.slice(0, 1_000),
      'x-error-code': errorCode(error),
      'x-attempts': String(attempts),
      'x-failed-at': new Date().toISOString(),
    };
    await options.deadLetters.publish({
      topic: deadLetterTopicName(topic),
      key: message.key === null ? null : message.key.toString(),
      value: message.value,
      type: original.ce_type ?? 'unknown',
      // The dead-letter record keeps the original event id so a replay stays idempotent downstream.
      ...(original.ce_id ? { id: original.ce_id } : {}),
      headers,
    });
    logger.warn({ topic, partition, offset: message.offset, code: errorCode(error), attempts }, 'record dead-lettered');
  };

  const handleOne = async (topic: string, partition: number, message: KafkaMessage): Promise<void> => {
    let attributes: EventAttributes;
    try {
      attributes = fromHeaders(message.headers);
    } catch (error) {
      await deadLetter(topic, partition, message, new PoisonRecordError('bad_envelope', (error as Error).message), 1);
      return;
    }
    const carrier: Record<string, string | undefined> = { traceparent: attributes.traceparent, tracestate: attributes.tracestate };
    const parent = extractContext(carrier);
    const span = kafkaTracer.startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [ATTR.messagingSystem]: 'kafka',
          [ATTR.messagingDestination]: topic,
          [ATTR.messagingOperationType]: 'process',
          [ATTR.messagingConsumerGroup]: options.groupId,
          [ATTR.messagingKafkaPartition]: String(partition),
          [ATTR.messagingKafkaOffset]: message.offset,
          [ATTR.cloudEventId]: attributes.id,
          [ATTR.cloudEventType]: attributes.type,
        },
      },
      parent,
    );
    const event: ReceivedEvent = {
      topic,
      partition,
      offset: message.offset,
      key: message.key === null ? null : message.key.toString(),
      value: message.value,
      attributes,
      headers: message.headers ?? {},
    };
    let attempt = 0;
    try {
      for (;;) {
        attempt += 1;
        try {
          await context.with(trace.setSpan(parent, span), () => options.handler(event));
          return;
        } catch (error) {
          if (!isRetriable(error) || attempt >= retry.attempts) {
            span.recordException(error as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
            await deadLetter(topic, partition, message, error, attempt);
            return;
          }
          const backoff = Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** (attempt - 1));
          logger.info({ topic, partition, offset: message.offset, attempt, backoffMs: backoff, code: errorCode(error) }, 'retrying record');
          await sleep(backoff);
        }
      }
    } finally {
      span.end();
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    let lastHandled: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      await handleOne(batch.topic, batch.partition, message);
      resolveOffset(message.offset);
      lastHandled = message.offset;
      await heartbeat();
    }
    if (lastHandled !== undefined) {
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(lastHandled) + 1n).toString() },
      ]);
      options.onBatchProcessed?.({ topic: batch.topic, partition: batch.partition, lastOffset: lastHandled, highWatermark: batch.highWatermark });
    }
  };

  return {
    consumer,
    start: async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch,
      });
    },
    stop: () => consumer.disconnect(),
  };
}
