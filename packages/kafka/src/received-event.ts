import type { IHeaders, KafkaMessage } from 'kafkajs';
import { EnvelopeError, fromHeaders, headerText, SPEC_VERSION, type EventAttributes } from './envelope';
import type { TraceCarrier } from './trace-context';

/** A record as handlers see it: the CloudEvents attributes read and checked, the value untouched. */
export interface ReceivedEvent {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** Null for a tombstone. */
  readonly value: Buffer | null;
  readonly attributes: EventAttributes;
  readonly headers: IHeaders;
  /** The record's Kafka timestamp (ms since the epoch). */
  readonly timestamp: number;
  /**
   * The trace context of this record's CONSUMER span (the record's own when none was started, empty when it carried
   * none): what an event derived from it is enqueued with (`causedBy`), so the trace goes on through the next topic.
   */
  trace: TraceCarrier;
}

const REQUIRED = ['ce_id', 'ce_type', 'ce_source', 'ce_time', 'ce_specversion'] as const;
/** The spec version as kafkajs hands headers over (Buffers): compared without making a string per record. */
const SPEC_VERSION_BYTES = Buffer.from(SPEC_VERSION);

/**
 * A record checked for a valid envelope when it arrives, its attributes and key read only when asked for: a consumer
 * that handles tens of thousands of records a second and never looks at most of them pays for the check only.
 */
class KafkaReceivedEvent implements ReceivedEvent {
  readonly offset: string;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly timestamp: number;
  #message: KafkaMessage;
  #attributes: EventAttributes | undefined;
  #trace: TraceCarrier | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    message: KafkaMessage,
  ) {
    const headers = message.headers ?? {};
    for (const name of REQUIRED) if (headers[name] === undefined || headers[name] === null) throw new EnvelopeError(`missing header ${name}`);
    const specVersionHeader = headers.ce_specversion;
    if (!(Buffer.isBuffer(specVersionHeader) ? specVersionHeader.equals(SPEC_VERSION_BYTES) : headerText(headers, 'ce_specversion') === SPEC_VERSION)) {
      throw new EnvelopeError(`unsupported ce_specversion ${headerText(headers, 'ce_specversion')}`);
    }
    if (Number.isNaN(Date.parse(headerText(headers, 'ce_time') ?? ''))) throw new EnvelopeError('ce_time is not a timestamp');
    this.#message = message;
    this.offset = message.offset;
    this.value = message.value;
    this.headers = headers;
    this.timestamp = Number(message.timestamp);
  }

  /** The Kafka record this event was read from (dead letters carry it as it came). */
  static messageOf(event: ReceivedEvent): KafkaMessage | undefined {
    return #message in event ? event.#message : undefined;
  }

  get key(): string | null {
    return this.#message.key === null ? null : this.#message.key.toString();
  }

  get attributes(): EventAttributes {
    this.#attributes ??= fromHeaders(this.headers);
    return this.#attributes;
  }

  get trace(): TraceCarrier {
    if (!this.#trace) {
      const traceparent = headerText(this.headers, 'traceparent');
      const tracestate = headerText(this.headers, 'tracestate');
      this.#trace = traceparent ? { traceparent, ...(tracestate ? { tracestate } : {}) } : {};
    }
    return this.#trace;
  }

  set trace(carrier: TraceCarrier) {
    this.#trace = carrier;
  }
}

/** The Kafka record a received event was read from; undefined for an event made another way (tests). */
export function kafkaMessageOf(event: ReceivedEvent): KafkaMessage | undefined {
  return KafkaReceivedEvent.messageOf(event);
}

/** A received record; throws EnvelopeError for a record without a valid envelope. */
export function receivedEvent(topic: string, partition: number, message: KafkaMessage): ReceivedEvent {
  return new KafkaReceivedEvent(topic, partition, message);
}
