import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as OtlpHttpExporter from '@opentelemetry/exporter-trace-otlp-http';
import type * as ZipkinExporterModule from '@opentelemetry/exporter-zipkin';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type * as HttpInstrumentationModule from '@opentelemetry/instrumentation-http';
import type * as GrpcInstrumentationModule from '@opentelemetry/instrumentation-grpc';
import type * as IORedisInstrumentationModule from '@opentelemetry/instrumentation-ioredis';
import type * as PgInstrumentationModule from '@opentelemetry/instrumentation-pg';
import { context, metrics, propagation, ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export interface StartTelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /**
   * OTLP/HTTP traces endpoint base (e.g. http://collector:4318). Without it (and without `spanExporter`) the
   * service runs untraced: no library is instrumented and no context is tracked; metrics are unaffected.
   */
  otlpEndpoint?: string;
  /**
   * Zipkin v2 spans endpoint (e.g. http://127.0.0.1:9411/api/v2/spans), for a Zipkin server without an OTLP/HTTP
   * collector; defaults to OTEL_EXPORTER_ZIPKIN_ENDPOINT. Either or both of this and `otlpEndpoint` may be set.
   */
  zipkinEndpoint?: string;
  /** Extra span exporter, e.g. an in-memory one in tests; spans are exported synchronously to it. */
  spanExporter?: SpanExporter;
  /**
   * Client libraries not to trace. A span per Redis command or per SQL query costs more than it tells on a
   * path that runs thousands of times a second; such a service traces its own steps instead.
   */
  skip?: ReadonlyArray<'ioredis' | 'pg'>;
}

export interface Telemetry {
  /** Serves the Prometheus text exposition; mount it on the service's `/metrics`. */
  handleMetrics(request: IncomingMessage, response: ServerResponse): void;
  /** Flushes spans and metrics; call last on shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry for a service. Must run before the libraries it instruments are loaded
 * (HTTP, gRPC, ioredis, pg): `main.ts` imports `@ecogrid/telemetry/register` first.
 * Kafka spans and trace propagation are done by @ecogrid/kafka itself, at the seam we own, rather than
 * by monkey-patching kafkajs.
 */
export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: options.serviceName,
    [ATTR_SERVICE_VERSION]: options.serviceVersion ?? '0.1.0',
  }).merge(detectResources({ detectors: [envDetector] }));
  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const meterProvider = new MeterProvider({ resource, readers: [prometheus] });
  metrics.setGlobalMeterProvider(meterProvider);

  const spanProcessors: SpanProcessor[] = [];
  const endpoint = options.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint) spanProcessors.push(otlpSpanProcessor(`${endpoint.replace(/\/$/, '')}/v1/traces`));
  const zipkinEndpoint = options.zipkinEndpoint ?? process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  if (zipkinEndpoint) spanProcessors.push(zipkinSpanProcessor(zipkinEndpoint, options.serviceName));
  if (options.spanExporter) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));
  // With nowhere to send spans, the library patches and the async context tracking would only cost: CPU on
  // every gRPC call and a promise hook on every promise, for spans nobody records. Metrics (our own
  // instruments, read by Prometheus) do not depend on them.
  const tracing = spanProcessors.length > 0;
  const tracerProvider = tracing ? new NodeTracerProvider({ resource, spanProcessors }) : undefined;
  if (tracerProvider) tracerProvider.register();
  else {
    // No tracer provider: every span is a non-recording one. The W3C propagator still carries a trace id that
    // came in with an event on to the events this service publishes (@ecogrid/kafka injects and extracts it).
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new UntrackedContext());
  }
  const instrumentations = tracing ? libraryInstrumentations(options.skip ?? []) : [];

  return {
    handleMetrics: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: async () => {
      for (const instrumentation of instrumentations) instrumentation.disable();
      await Promise.all([tracerProvider?.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** What shutdown needs of a library instrumentation. */
interface Instrumentation {
  disable(): void;
}

// The OTLP exporter and the library instrumentations are loaded only by a traced service: an untraced one
// (the default) would carry their code in memory for nothing. The SDK's all-in-one NodeSDK is not used for the
// same reason: it loads every exporter it knows of, whichever is configured.
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see above */
function otlpSpanProcessor(url: string): SpanProcessor {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttpExporter;
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase;
  return new BatchSpanProcessor(new OTLPTraceExporter({ url }));
}

function zipkinSpanProcessor(url: string, serviceName: string): SpanProcessor {
  const { ZipkinExporter } = require('@opentelemetry/exporter-zipkin') as typeof ZipkinExporterModule;
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase;
  return new BatchSpanProcessor(new ZipkinExporter({ url, serviceName }));
}

/** Instrumentations enable themselves when constructed, through the global tracer provider registered above. */
function libraryInstrumentations(skip: ReadonlyArray<'ioredis' | 'pg'>): Instrumentation[] {
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof HttpInstrumentationModule;
  const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof GrpcInstrumentationModule;
  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isProbe(request.url) }),
    new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
  ];
  if (!skip.includes('ioredis')) {
    const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof IORedisInstrumentationModule;
    instrumentations.push(new IORedisInstrumentation());
  }
  // Queries are traced only inside a request or event span, never as orphan root spans (pool pings).
  if (!skip.includes('pg')) {
    const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof PgInstrumentationModule;
    instrumentations.push(new PgInstrumentation({ requireParentSpan: true }));
  }
  return instrumentations;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The context manager of an untraced service: there is never an active span to carry across async calls. */
class UntrackedContext implements ContextManager {
  active(): Context {
    return ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(_context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return fn.call(thisArg, ...args);
  }
  bind<T>(_context: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

function isProbe(url: string | undefined): boolean {
  return url === '/metrics' || url === '/healthz' || url === '/readyz';
}
