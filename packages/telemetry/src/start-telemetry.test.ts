import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTelemetry, type Telemetry } from './start-telemetry';

let telemetry: Telemetry | undefined;

afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  for (const api of [trace, context, metrics, propagation]) api.disable();
});

describe('startTelemetry', () => {
  it('records spans and carries the active span across awaits when spans have somewhere to go', async () => {
    const exporter = new InMemorySpanExporter();
    telemetry = startTelemetry({ serviceName: 'traced', spanExporter: exporter });
    const tracer = trace.getTracer('test');
    const parent = tracer.startSpan('parent');
    await context.with(trace.setSpan(context.active(), parent), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      tracer.startSpan('child').end();
    });
    parent.end();
    // Spans are exported once the resource's detected attributes settle, a moment after they end.
    const child = await vi.waitFor(() => {
      const found = exporter.getFinishedSpans().find((span) => span.name === 'child');
      if (!found) throw new Error('child span not exported yet');
      return found;
    });
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('runs untraced, recording nothing, when there is no endpoint and no exporter', () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const savedZipkin = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
    try {
      telemetry = startTelemetry({ serviceName: 'untraced' });
      const span = trace.getTracer('test').startSpan('nothing');
      expect(span.isRecording()).toBe(false);
      expect(context.with(trace.setSpan(context.active(), span), () => trace.getActiveSpan())).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
      if (savedZipkin !== undefined) process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = savedZipkin;
    }
  });
});
