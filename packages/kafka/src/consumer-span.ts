import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { ATTR } from '@ecogrid/telemetry';
import type { ReceivedEvent } from './received-event';
import { extractContext, kafkaTracer } from './trace-context';

/**
 * Starts the CONSUMER span `process <topic>` of one record, as a child of the PRODUCER span its headers carry, and
 * points the event's `trace` at it. Returns the span and the context to run the handling in.
 */
export function startConsumerSpan(event: ReceivedEvent, groupId: string): { span: Span; active: Context } {
  const parent = extractContext({ traceparent: event.attributes.traceparent, tracestate: event.attributes.tracestate });
  const span = kafkaTracer.startSpan(
    `process ${event.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [ATTR.messagingSystem]: 'kafka',
        [ATTR.messagingDestination]: event.topic,
        [ATTR.messagingOperationType]: 'process',
        [ATTR.messagingConsumerGroup]: groupId,
        [ATTR.messagingKafkaPartition]: String(event.partition),
        [ATTR.messagingKafkaOffset]: event.offset,
        [ATTR.cloudEventId]: event.attributes.id,
        [ATTR.cloudEventType]: event.attributes.type,
      },
    },
    parent,
  );
  const active = trace.setSpan(parent, span);
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  if (carrier.traceparent) event.trace = carrier;
  return { span, active };
}

export function endConsumerSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : new Error(String(error)));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

export { context as otelContext };
