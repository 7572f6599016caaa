import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { newAttributes, toHeaders } from './envelope';
import { startProducerSpan, type TraceCarrier } from './trace-context';
import { cachedKeyPartitioner } from './key-partitioner';

/** An event to publish. `value: null` is a tombstone (deletes the key from a compacted topic). */
export interface OutgoingEvent {
  topic: string;
  key: string | null;
  value: Buffer | null;
  /** CloudEvents type: the fully-qualified protobuf message name. */
  type: string;
  /** Deterministic event id, when the event has a natural one; else a random UUID. */
  id?: string;
  time?: Date;
  /** Extra headers beside the envelope (e.g. dead-letter reasons). */
  headers?: Record<string, string>;
  /**
   * W3C trace context the event was caused in, when that is not the active context: an outbox relay publishes
   * later, in a loop of its own, what a request or a consumed record wrote. The PRODUCER span becomes its child.
   */
  causedBy?: TraceCarrier;
}

export interface EventPublisher {
  /** Resolves once the broker has acknowledged the event (acks=all); rejects if it could not be stored. */
  publish(event: OutgoingEvent): Promise<void>;
  /** Publishes several events; resolves when all are acknowledged. */
  publishAll(events: OutgoingEvent[]): Promise<void>;
  /** Events accepted by `publish` and not yet acknowledged: callers apply backpressure on this. */
  readonly pending: number;
  /** Resolves when fewer than `limit` events are pending. */
  whenPendingBelow(limit: number): Promise<void>;
  connect(): Promise<void>;
  /** Waits for pending events, then disconnects. */
  disconnect(): Promise<void>;
}

export interface EventPublisherOptions {
  kafka: Kafka;
  /** CloudEvents `ce_source` of everything this publisher sends, e.g. `/ecogrid/ingest`. */
  source: string;
  /** Upper bound of messages in one produce request. */
  maxBatchMessages?: number;
  /**
   * How long a first event waits for company before its batch is sent. kafkajs sends one request per
   * `send` and has no linger of its own; while one request is in flight the next batch fills up anyway,
   * so a small linger only matters at low rates.
   */
  lingerMs?: number;
  /** Producer request timeout per attempt. */
  requestTimeoutMs?: number;
  /**
   * How long a batch whose send failed is sent again, unchanged and by the same producer, before its events are
   * rejected (default 0: rejected at once). A batch the broker wrote without its answer arriving is then recognised
   * by its producer id and sequence numbers and not written twice — where rejecting it makes the caller publish the
   * events again, as new records. Meanwhile later events wait behind it, in order, and `pending` grows.
   */
  holdFailedBatchMs?: number;
}

/** Kafka errors that mean the producer's id or sequence numbers are no longer valid: only a new producer can go on. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

function isProducerStateError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const { type, originalError, cause } = current as { type?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof type === 'string' && PRODUCER_STATE_ERRORS.has(type)) return true;
    current = originalError ?? cause;
  }
  return false;
}

/**
 * The messages a failed `sendBatch` had nevertheless stored: our kafkajs patch (patches/kafkajs@2.2.4.patch,
 * sendMessages.js) lists on the error those of every partition whose leader answered before the send gave up.
 */
function acknowledgedMessagesOf(error: unknown): ReadonlySet<Message> {
  const listed = (error as { acknowledgedMessages?: unknown } | undefined)?.acknowledgedMessages;
  return Array.isArray(listed) ? new Set(listed as Message[]) : new Set();
}

function topicMessagesOf(items: readonly QueuedMessage[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const item of items) {
    const messages = byTopic.get(item.topic);
    if (messages) messages.push(item.message);
    else byTopic.set(item.topic, [item.message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

interface QueuedMessage {
  topic: string;
  message: Message;
  span: Span;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * An idempotent, acks=all producer with micro-batching. One produce request is in flight at a time
 * (kafkajs' idempotent producer raises OUT_OF_ORDER_SEQUENCE_NUMBER with concurrent sends), and everything
 * published meanwhile goes into the next request, so throughput grows with load while latency stays one
 * round trip at low rates.
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const newProducer = (): Producer =>
    options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: cachedKeyPartitioner,
    });
  let producer = newProducer();
  // After a failed send the idempotent producer must not be used again: the broker may have written the
  // batch whose answer was lost, and kafkajs would give the next, different batch the same sequence numbers,
  // which the broker then drops as a duplicate while answering success. A fresh producer gets a new producer
  // id, so its sequences cannot collide.
  let needsNewProducer = false;
  const replaceProducer = async (): Promise<void> => {
    const old = producer;
    producer = newProducer();
    await old.disconnect().catch(() => undefined);
    await producer.connect();
    needsNewProducer = false;
  };
  const maxBatch = options.maxBatchMessages ?? 1000;
  const lingerMs = options.lingerMs ?? 0;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const holdFailedBatchMs = options.holdFailedBatchMs ?? 0;
  let disconnecting = false;
  let queue: QueuedMessage[] = [];
  let inFlight = 0;
  let sending = false;
  let scheduled = false;
  let capacityWaiters: Array<{ limit: number; resolve: () => void }> = [];
  let idleWaiters: Array<() => void> = [];

  const pendingCount = (): number => queue.length + inFlight;

  const notifyWaiters = (): void => {
    const pending = pendingCount();
    if (capacityWaiters.length > 0) {
      const still: typeof capacityWaiters = [];
      for (const waiter of capacityWaiters) {
        if (pending < waiter.limit) waiter.resolve();
        else still.push(waiter);
      }
      capacityWaiters = still;
    }
    if (pending === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const schedule = (): void => {
    if (scheduled || sending) return;
    scheduled = true;
    const run = (): void => {
      scheduled = false;
      void drain();
    };
    if (queue.length >= maxBatch || lingerMs === 0) setImmediate(run);
    else setTimeout(run, lingerMs);
  };

  const drain = async (): Promise<void> => {
    if (sending) return;
    sending = true;
    try {
      while (queue.length > 0) {
        const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
        queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
        inFlight = batch.length;
        const firstAttempt = Date.now();
        /** The batch's events not yet acknowledged: a failed send may have stored some partitions' share. */
        let unsettled = batch;
        const succeed = (items: readonly QueuedMessage[]): void => {
          for (const item of items) {
            item.span.end();
            item.resolve();
          }
        };
        try {
          for (let attempt = 0; ; attempt += 1) {
            try {
              if (needsNewProducer) await replaceProducer();
              await producer.sendBatch({ topicMessages: topicMessagesOf(unsettled), acks: -1, timeout: requestTimeoutMs });
              succeed(unsettled);
              break;
            } catch (error) {
              // Partitions whose leaders answered before the send failed are stored, and the producer's sequence
              // numbers have moved past them: sent again they would be written twice, so they are acknowledged now
              // and only the rest is sent again (or rejected).
              const stored = acknowledgedMessagesOf(error);
              if (stored.size > 0) {
                succeed(unsettled.filter((item) => stored.has(item.message)));
                unsettled = unsettled.filter((item) => !stored.has(item.message));
                if (unsettled.length === 0) break;
              }
              // The rest again, by the same producer: what the broker already has it recognises as a repeat.
              if (holdFailedBatchMs > 0 && !disconnecting && !isProducerStateError(error) && Date.now() - firstAttempt < holdFailedBatchMs) {
                await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000)));
                continue;
              }
              needsNewProducer = true;
              const failure = error instanceof Error ? error : new Error(String(error));
              for (const item of unsettled) {
                item.span.recordException(failure);
                item.span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
                item.span.end();
                item.reject(failure);
              }
              break;
            }
          }
        } finally {
          inFlight = 0;
          notifyWaiters();
        }
      }
    } finally {
      sending = false;
      notifyWaiters();
    }
  };

  const enqueue = (event: OutgoingEvent): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const attributes = newAttributes({
        type: event.type,
        source: options.source,
        ...(event.id === undefined ? {} : { id: event.id }),
        ...(event.time === undefined ? {} : { time: event.time }),
      });
      const headers = { ...event.headers, ...toHeaders(attributes) };
      const span = startProducerSpan(event.topic, event.key, headers, event.causedBy);
      queue.push({ topic: event.topic, message: { key: event.key, value: event.value, headers }, span, resolve, reject });
      schedule();
    });

  return {
    publish: enqueue,
    publishAll: async (events) => {
      await Promise.all(events.map(enqueue));
    },
    get pending() {
      return pendingCount();
    },
    whenPendingBelow: (limit) =>
      pendingCount() < limit ? Promise.resolve() : new Promise<void>((resolve) => capacityWaiters.push({ limit, resolve })),
    connect: () => producer.connect(),
    disconnect: async () => {
      // A batch held for a broker that is away is given up on: shutting down must not wait for the broker.
      disconnecting = true;
      if (pendingCount() > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      await producer.disconnect();
    },
  };
}
