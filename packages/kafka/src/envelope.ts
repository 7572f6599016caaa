import { randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: the Kafka value is the protobuf payload and
 * the event attributes travel as `ce_*` headers. `ce_id` is unique per event and is what consumers use to
 * make their handling idempotent.
 */
export const CONTENT_TYPE_PROTOBUF = 'application/protobuf';
export const SPEC_VERSION = '1.0';

export interface EventAttributes {
  id: string;
  type: string;
  source: string;
  time: Date;
  contentType: string;
  /** W3C trace context of the producer, when there was one. */
  traceparent?: string;
  tracestate?: string;
}

export interface NewEventAttributes {
  type: string;
  source: string;
  /** Defaults to a random UUID; pass a deterministic id when the event has a natural one. */
  id?: string;
  time?: Date;
}

export function newAttributes(input: NewEventAttributes): EventAttributes {
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    source: input.source,
    time: input.time ?? new Date(),
    contentType: CONTENT_TYPE_PROTOBUF,
  };
}

export function toHeaders(attributes: EventAttributes): Record<string, string> {
  const headers: Record<string, string> = {
    ce_id: attributes.id,
    ce_type: attributes.type,
    ce_source: attributes.source,
    ce_time: attributes.time.toISOString(),
    ce_specversion: SPEC_VERSION,
    'content-type': attributes.contentType,
  };
  if (attributes.traceparent) headers.traceparent = attributes.traceparent;
  if (attributes.tracestate) headers.tracestate = attributes.tracestate;
  return headers;
}

export class EnvelopeError extends Error {
  readonly code = 'bad_envelope';
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const first = value[0];
    return first === undefined ? undefined : first.toString();
  }
  return value.toString();
}

/** Reads the CloudEvents attributes of a record; a record without them is refused, never guessed at. */
export function fromHeaders(headers: IHeaders | undefined): EventAttributes {
  const required = (name: string): string => {
    const value = headerText(headers, name);
    if (!value) throw new EnvelopeError(`missing header ${name}`);
    return value;
  };
  const specVersion = required('ce_specversion');
  if (specVersion !== SPEC_VERSION) throw new EnvelopeError(`unsupported ce_specversion ${specVersion}`);
  const time = new Date(required('ce_time'));
  if (Number.isNaN(time.getTime())) throw new EnvelopeError('ce_time is not a timestamp');
  const attributes: EventAttributes = {
    id: required('ce_id'),
    type: required('ce_type'),
    source: required('ce_source'),
    time,
    contentType: headerText(headers, 'content-type') ?? CONTENT_TYPE_PROTOBUF,
  };
  const traceparent = headerText(headers, 'traceparent');
  const tracestate = headerText(headers, 'tracestate');
  if (traceparent) attributes.traceparent = traceparent;
  if (tracestate) attributes.tracestate = tracestate;
  return attributes;
}
