import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Span } from '@opentelemetry/api';
import type { Logger } from '@ecogrid/telemetry';
import { createMembership, runningConsumer } from './consumer-membership';
import { endConsumerSpan, startConsumerSpan } from './consumer-span';
import { observeRecordAge } from './consumer-metrics';
import { createDeadLetter, type DeadLetter } from './dead-letter';
import { errorCode, isRetriable, PoisonRecordError } from './errors';
import { backoffMs, DEFAULT_RETRY, sleep, type EventConsumer, type RetryPolicy } from './event-consumer';
import type { EventPublisher } from './event-publisher';
import { kafkaMessageOf, receivedEvent, type ReceivedEvent } from './received-event';

/** One fetched batch of one partition, as a batch handler sees it. */
export interface EventBatch {
  topic: string;
  partition: number;
  highWatermark: string;
  /** The batch's records with a valid envelope, in offset order; the others were dead-lettered (or skipped). */
  events: ReceivedEvent[];
  firstOffset: string;
  /** The batch counts as handled up to here when the handler returns without `seekTo`. */
  lastOffset: string;
  /** Which attempt at this batch this is, from 1. */
  attempt: number;
  /** Sends one record to `<topic>.dlq` with the shared headers (e.g. a value that does not decode). */
  deadLetter(event: ReceivedEvent, error: unknown): Promise<void>;
}

export interface BatchOutcome {
  /** The handler's own position is behind what was fetched (it keeps offsets of its own): fetch again from here. */
  seekTo?: string;
}

export type BatchHandler = (batch: EventBatch) => Promise<BatchOutcome | void>;

export interface BatchPosition {
  topic: string;
  partition: number;
  lastOffset: string;
  highWatermark: string;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handleBatch: BatchHandler;
  logger: Logger;
  /**
   * Where records without a valid envelope go, and what `deadLetter` sends to. Without it they are skipped and
   * logged: a consumer that reads a log from the beginning in a group of its own (a view) must not dead-letter the
   * same record on every restart of every process.
   */
  deadLetters?: EventPublisher;
  /**
   * `interval`: Kafka's committed offset is a hint, committed once a second, for a handler that keeps its own
   * position (alerting's checkpoint in PostgreSQL: records below it are skipped, earlier ones are sought back to).
   * `none`: never committed (a view that reads from the beginning every time).
   */
  commit: 'interval' | 'none';
  /** In-place retries of a batch whose handler failed retriably, before the consumer is restarted. */
  retry?: Partial<RetryPolicy>;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  maxWaitTimeInMs?: number;
  onAssigned?: (assignment: Record<string, number[]>) => void;
  /** Every batch's end, empty batches included (compaction can empty a fetched range): for catch-up tracking. */
  onBatchEnd?: (position: BatchPosition) => void;
}

/**
 * A consumer-group member that hands a partition's whole fetched batch to one handler call: for handlers whose
 * cost is per batch (one PostgreSQL statement for many readings). Records keep offset order; a record that carries
 * a trace context is given a CONSUMER span `process <topic>` as a child of its producer, open while its batch is
 * handled, and `event.trace` points at that span, so events derived from the record continue its trace. A failing
 * batch is retried in place with backoff when the error is retriable; otherwise, or once the retries are spent,
 * the error goes to kafkajs, which restarts the consumer and fetches again from the last resolved offset.
 */
export function createBatchConsumer(options: BatchConsumerOptions): EventConsumer {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const logger = options.logger.child({ module: 'batch-consumer', group: options.groupId });
  const membership = createMembership({
    kafka: options.kafka,
    groupId: options.groupId,
    logger,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.maxWaitTimeInMs ? { maxWaitTimeInMs: options.maxWaitTimeInMs } : {}),
    ...(options.onAssigned ? { onAssigned: options.onAssigned } : {}),
  });
  const { consumer } = membership;
  const sendToDeadLetters: DeadLetter | undefined = options.deadLetters ? createDeadLetter(options.deadLetters, options.groupId, logger) : undefined;
  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number): Promise<void> => {
    if (sendToDeadLetters) await sendToDeadLetters(topic, partition, message, error, attempts);
    else logger.error({ topic, partition, offset: message.offset, code: errorCode(error), err: error }, 'record cannot be processed; skipped');
  };

  if (options.onBatchEnd) {
    const onBatchEnd = options.onBatchEnd;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      onBatchEnd({ topic: payload.topic, partition: payload.partition, lastOffset: payload.lastOffset, highWatermark: payload.highWatermark }),
    );
  }

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const events: ReceivedEvent[] = [];
    // Once per batch, its oldest record: a histogram observation per record (attributes hashed each time) cost a
    // batch consumer of tens of thousands of readings a second more than the rest of the envelope check.
    const first = batch.messages[0];
    if (first) observeRecordAge(batch.topic, first);
    for (const message of batch.messages) {
      try {
        events.push(receivedEvent(batch.topic, batch.partition, message));
      } catch (error) {
        await deadLetter(batch.topic, batch.partition, message, new PoisonRecordError('bad_envelope', (error as Error).message), 1);
      }
    }
    // Only records that carry a trace get a span: an untraced stream costs nothing here.
    const spans: Span[] = [];
    for (const event of events) if (event.headers.traceparent !== undefined) spans.push(startConsumerSpan(event, options.groupId).span);
    let failure: unknown;
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const outcome = await options.handleBatch({
            topic: batch.topic,
            partition: batch.partition,
            highWatermark: batch.highWatermark,
            events,
            firstOffset: batch.firstOffset() ?? batch.messages[0]?.offset ?? '0',
            lastOffset: batch.lastOffset(),
            attempt,
            deadLetter: (event, error) => {
              const message = event.topic === batch.topic && event.partition === batch.partition ? kafkaMessageOf(event) : undefined;
              if (!message) throw new Error(`offset ${event.offset} of ${event.topic}/${event.partition} is not in this batch`);
              return deadLetter(event.topic, event.partition, message, error, attempt);
            },
          });
          if (outcome?.seekTo !== undefined) {
            logger.warn({ topic: batch.topic, partition: batch.partition, from: batch.firstOffset(), seekTo: outcome.seekTo }, 'batch starts after the handler position; seeking back');
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: outcome.seekTo });
            return;
          }
          break;
        } catch (error) {
          // Another member owns the partition now, or we are stopping: the batch is theirs or for later.
          if (!isRunning() || isStale()) return;
          if (!isRetriable(error) || attempt >= retry.attempts) {
            failure = error;
            throw error;
          }
          const wait = backoffMs(retry, attempt);
          logger.warn({ topic: batch.topic, partition: batch.partition, attempt, backoffMs: wait, code: errorCode(error), err: error }, 'retrying batch');
          await sleep(wait);
          await heartbeat();
        }
      }
    } finally {
      for (const span of spans) endConsumerSpan(span, failure);
    }
    resolveOffset(batch.lastOffset());
    await heartbeat();
  };

  return runningConsumer(membership, options, {
    ...(options.commit === 'interval' ? { autoCommit: true, autoCommitInterval: 1_000 } : { autoCommit: false }),
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch,
  });
}
