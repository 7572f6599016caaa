import { NodeSDK } from '@opentelemetry/sdk-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

export interface StartTelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /**
   * OTLP/HTTP traces endpoint base (e.g. http://collector:4318). Without it (and without `spanExporter`) the
   * service runs untraced: no library is instrumented and no context is tracked; metrics are unaffected.
   */
  otlpEndpoint?: string;
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
  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const spanProcessors: SpanProcessor[] = [];
  const endpoint = options.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })));
  }
  if (options.spanExporter) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));
  // With nowhere to send spans, the library patches and the async context tracking would only cost: CPU on
  // every gRPC call and a promise hook on every promise, for spans nobody records. Metrics (our own
  // instruments, read by Prometheus) do not depend on them.
  const tracing = spanProcessors.length > 0;

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? '0.1.0',
    }),
    metricReader: prometheus,
    spanProcessors,
    ...(tracing ? {} : { contextManager: new UntrackedContext() }),
    // Logs go to stdout through pino; without this the SDK would set up an OTLP log exporter by default.
    logRecordProcessors: [],
    instrumentations: !tracing
      ? []
      : [
          new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isProbe(request.url) }),
          new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
          ...(options.skip?.includes('ioredis') ? [] : [new IORedisInstrumentation()]),
          // Queries are traced only inside a request or event span, never as orphan root spans (pool pings).
          ...(options.skip?.includes('pg') ? [] : [new PgInstrumentation({ requireParentSpan: true })]),
        ],
  });
  sdk.start();

  return {
    handleMetrics: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: () => sdk.shutdown(),
  };
}

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
