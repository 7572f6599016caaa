import { Writable } from 'node:stream';
import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function captureLogs(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    stream,
    lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });

  it('redacts device passwords, tokens and personal contacts wherever they appear', () => {
    const capture = captureLogs();
    const logger = createLogger({ service: 'test', destination: capture.stream });
    logger.info({ device: { mn: 'MN1', password: 'hunter2' }, token: 'abc', officer: { contact: '13800000000' } }, 'registered');
    const [line] = capture.lines();
    expect(line).toMatchObject({ service: 'test', level: 'info', msg: 'registered' });
    const text = JSON.stringify(line);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('13800000000');
    expect(text).not.toContain('"abc"');
    expect(text).toContain('MN1');
  });

  it('attaches the active trace and span ids', () => {
    const capture = captureLogs();
    const logger = createLogger({ service: 'test', destination: capture.stream });
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => logger.info('inside'));
    logger.info('outside');
    const [inside, outside] = capture.lines();
    expect(inside).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(outside).not.toHaveProperty('trace_id');
  });
});
