import type { IHeaders, KafkaMessage } from 'kafkajs';
import { fromHeaders, type EventAttributes } from './envelope';
import type { TraceCarrier } from './trace-context';

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
  /** The record's Kafka timestamp (ms since the epoch). */
  timestamp: number;
  /**
   * The trace context of this record's CONSUMER span (empty when the record carried none): what an event derived
   * from it is enqueued with (`causedBy`), so the trace goes on through the next topic.
   */
  trace: TraceCarrier;
}

/** Reads a record's envelope; throws EnvelopeError for a record without a valid one. */
export function receivedEvent(topic: string, partition: number, message: KafkaMessage): ReceivedEvent {
  const attributes = fromHeaders(message.headers);
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    value: message.value,
    attributes,
    headers: message.headers ?? {},
    timestamp: Number(message.timestamp),
    trace: attributes.traceparent ? { traceparent: attributes.traceparent, ...(attributes.tracestate ? { tracestate: attributes.tracestate } : {}) } : {},
  };
}
