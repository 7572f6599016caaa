import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import { createMembership, runningConsumer, type RunningConsumer } from './consumer-membership';
import { endConsumerSpan, otelContext, startConsumerSpan } from './consumer-span';
import { observeRecordAge } from './consumer-metrics';
import { createDeadLetter } from './dead-letter';
import { errorCode, holdsPartition, isRetriable, PoisonRecordError } from './errors';
import type { EventPublisher } from './event-publisher';
import { receivedEvent, type ReceivedEvent } from './received-event';

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
  sessionTimeoutMs?: number;
  /** Called after every batch with the consumer's position, e.g. to report lag or readiness. */
  onBatchProcessed?: (batch: { topic: string; partition: number; lastOffset: string; highWatermark: string }) => void;
  /** Told when a partition starts and stops being held for a DependencyUnavailableError (health, metrics). */
  onHold?: (hold: { topic: string; partition: number; dependency: string; held: boolean }) => void;
  /**
   * Told the member's partitions after every (re)join of the group, before their records are handled: state kept in
   * memory per key may have been changed by another member meanwhile and must be read again.
   */
  onAssigned?: (assignment: Record<string, number[]>) => void;
}

export type EventConsumer = RunningConsumer;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 5_000 };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffMs(retry: RetryPolicy, attempt: number): number {
  return Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** (attempt - 1));
}

/**
 * A consumer-group member that handles one record at a time, with manual commits: an offset is committed only
 * after its record was handled or dead-lettered, so a crash re-delivers instead of losing (at least once;
 * handlers are idempotent by `ce_id` or a natural key). Retriable failures are retried with exponential backoff a
 * bounded number of times, except a DependencyUnavailableError (the handler's database is away), for which the
 * partition is held — retried with backoff for as long as it takes — since dead-lettering good records only because a
 * dependency is down would lose them; the rest, and records without a valid envelope, go to `<topic>.dlq` with the original
 * key, value and headers plus the reason and the true number of attempts, and consumption carries on. Each record
 * is handled inside a CONSUMER span that continues the producer's trace.
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const logger = options.logger.child({ module: 'event-consumer', group: options.groupId });
  const membership = createMembership({
    kafka: options.kafka,
    groupId: options.groupId,
    logger,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.onAssigned ? { onAssigned: options.onAssigned } : {}),
  });
  const { consumer } = membership;
  const deadLetter = createDeadLetter(options.deadLetters, options.groupId, logger);

  /** Whether the batch may go on: a rebalance or a stop ends a hold, leaving the record to whoever owns it next. */
  interface BatchControl {
    heartbeat(): Promise<void>;
    stillOwned(): boolean;
  }

  /** Handles one record; false when it was left unhandled (a hold ended by a rebalance or a stop). */
  const handleOne = async (topic: string, partition: number, message: KafkaMessage, control: BatchControl): Promise<boolean> => {
    let event: ReceivedEvent;
    observeRecordAge(topic, message);
    try {
      event = receivedEvent(topic, partition, message);
    } catch (error) {
      await deadLetter(topic, partition, message, new PoisonRecordError('bad_envelope', (error as Error).message), 1);
      return true;
    }
    const { span, active } = startConsumerSpan(event, options.groupId);
    let failure: unknown;
    let held: string | undefined;
    const release = (): void => {
      if (held === undefined) return;
      logger.info({ topic, partition, offset: message.offset, dependency: held }, 'dependency back: partition released');
      options.onHold?.({ topic, partition, dependency: held, held: false });
      held = undefined;
    };
    try {
      for (let attempt = 1, holds = 0; ; ) {
        try {
          await otelContext.with(active, () => options.handler(event));
          return true;
        } catch (error) {
          if (holdsPartition(error)) {
            // Not an attempt at the record: nothing can be processed until the dependency is back. Hold here (the
            // offset is not resolved, nothing is dead-lettered), heartbeating so the group keeps the partition here.
            holds += 1;
            if (held === undefined) {
              held = error.dependency;
              logger.warn({ topic, partition, offset: message.offset, dependency: held }, 'dependency unavailable: holding the partition');
              options.onHold?.({ topic, partition, dependency: held, held: true });
            }
            await sleep(backoffMs(retry, Math.min(holds, 30)));
            if (!control.stillOwned()) {
              failure = error;
              return false;
            }
            await control.heartbeat();
            continue;
          }
          release();
          if (!isRetriable(error) || attempt >= retry.attempts) {
            failure = error;
            await deadLetter(topic, partition, message, error, attempt);
            return true;
          }
          const wait = backoffMs(retry, attempt);
          logger.info({ topic, partition, offset: message.offset, attempt, backoffMs: wait, code: errorCode(error) }, 'retrying record');
          await sleep(wait);
          attempt += 1;
        }
      }
    } finally {
      release();
      endConsumerSpan(span, failure);
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    let lastHandled: string | undefined;
    const control: BatchControl = { heartbeat, stillOwned: () => isRunning() && !isStale() };
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      if (!(await handleOne(batch.topic, batch.partition, message, control))) break;
      resolveOffset(message.offset);
      lastHandled = message.offset;
      await heartbeat();
    }
    if (lastHandled !== undefined) {
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(lastHandled) + 1n).toString() }]);
      options.onBatchProcessed?.({ topic: batch.topic, partition: batch.partition, lastOffset: lastHandled, highWatermark: batch.highWatermark });
    }
  };

  return runningConsumer(membership, options, {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch,
  });
}
