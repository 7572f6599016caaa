import { context, isSpanContextValid, propagation, trace, SpanKind, type Context, type Span } from '@opentelemetry/api';
import { ATTR } from '@ecogrid/telemetry';

const tracer = trace.getTracer('@ecogrid/kafka');

/** W3C trace context as it travels in headers or is stored beside an event (`traceparent`, `tracestate`). */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * Starts the PRODUCER span of one event, as a child of whatever is active (the HTTP request, the TCP frame)
 * and writes its W3C trace context into the headers, so the consumer's span joins the same trace.
 */
export function startProducerSpan(topic: string, key: string | null, headers: Record<string, string>, causedBy?: TraceCarrier): Span {
  const active = causedBy?.traceparent ? propagation.extract(context.active(), causedBy) : context.active();
  const span = tracer.startSpan(`send ${topic}`, { kind: SpanKind.PRODUCER }, active);
  // Untraced (no exporter configured) the span records nothing and has no trace to pass on: skip building its
  // attributes and headers, which ingest would otherwise do for every frame. A span that was sampled out still
  // passes its context on, so the consumer follows the same decision.
  if (!isSpanContextValid(span.spanContext())) return span;
  if (span.isRecording()) span.setAttributes({
    [ATTR.messagingSystem]: 'kafka',
    [ATTR.messagingDestination]: topic,
    [ATTR.messagingOperationType]: 'send',
    [ATTR.messagingOperationName]: 'send',
    ...(key === null ? {} : { [ATTR.messagingKafkaKey]: key }),
    ...(headers.ce_id ? { [ATTR.cloudEventId]: headers.ce_id } : {}),
  });
  propagation.inject(trace.setSpan(active, span), headers);
  return span;
}

/** The trace context active now, for storing beside an event that another loop will publish; empty untraced. */
export function currentTraceCarrier(): TraceCarrier {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The producer's context carried by a record's headers, or the root context when there is none. */
export function extractContext(headers: Record<string, string | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

export { tracer as kafkaTracer };
