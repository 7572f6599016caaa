import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry } from '@ecogrid/telemetry';

/** A stand-in for Zipkin's collector: what arrives on POST /api/v2/spans, as Zipkin v2 JSON. */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  localEndpoint?: { serviceName?: string };
}

const received: ZipkinSpan[] = [];
const server = createServer((request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method === 'POST' && request.url === '/api/v2/spans') received.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ZipkinSpan[]));
    response.writeHead(202).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const api of [trace, context, metrics, propagation]) api.disable();
  await new Promise((resolve) => server.close(resolve));
});

describe('spans to Zipkin', () => {
  it('sends a service\'s spans, parent and child, as Zipkin v2 JSON to the configured endpoint', async () => {
    const { port } = server.address() as AddressInfo;
    const telemetry = startTelemetry({ serviceName: 'zipkin-check', zipkinEndpoint: `http://127.0.0.1:${port}/api/v2/spans` });
    const tracer = trace.getTracer('test');
    const parent = tracer.startSpan('frame');
    context.with(trace.setSpan(context.active(), parent), () => tracer.startSpan('publish').end());
    parent.end();
    // shutdown flushes the batch processor: the spans are posted before it returns.
    await telemetry.shutdown();
    const frame = received.find((span) => span.name === 'frame');
    const publish = received.find((span) => span.name === 'publish');
    console.log(`zipkin: ${received.length} spans received on /api/v2/spans`);
    expect(frame?.localEndpoint?.serviceName).toBe('zipkin-check');
    expect(publish?.traceId).toBe(frame?.traceId);
    expect(publish?.parentId).toBe(frame?.id);
  });
});
