import { spans } from './support/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { createLogger } from '@ecogrid/telemetry';
import { recordTopics, testEnvironment, testKafka, uniqueTopicPrefix, waitFor } from '@ecogrid/testkit';
import { createBatchConsumer, createEventPublisher, ensureTopics, PoisonRecordError, RetriableError, type EventBatch, type EventPublisher, type TopicSpec } from '../src/index';

const logger = createLogger({ service: 'kafka-batch-test', level: 'silent' });

function specs(name: string, partitions = 1): TopicSpec[] {
  return [
    { name, key: 'k', payload: 'test.v1.Thing', partitions, cleanupPolicy: 'delete', hasDeadLetter: true },
    { name: `${name}.dlq`, key: 'k', payload: 'test.v1.Thing', partitions: 1, cleanupPolicy: 'delete', hasDeadLetter: false },
  ];
}

describe('batch consumer against the real broker', () => {
  let kafka: Kafka;
  let publisher: EventPublisher;

  beforeAll(async () => {
    kafka = testKafka((await testEnvironment()).kafkaBrokers);
    publisher = createEventPublisher({ kafka, source: '/ecogrid/test' });
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
  });

  it('hands over whole batches in order; dead-letters bad envelopes and what the handler refuses, with the original headers, trace and true attempts', async () => {
    const topic = `${uniqueTopicPrefix('batch-dlq')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    const dlq = await recordTopics(kafka, [`${topic}.dlq`]);
    const seen: string[] = [];
    let failOnce = true;
    const consumer = createBatchConsumer({
      kafka,
      groupId: `g-${topic}`,
      topics: [topic],
      logger,
      deadLetters: publisher,
      commit: 'interval',
      fromBeginning: true,
      retry: { initialBackoffMs: 10 },
      handleBatch: async (batch: EventBatch) => {
        if (failOnce && batch.events.some((event) => event.value?.toString() === 'undecodable')) {
          failOnce = false;
          throw new RetriableError('database briefly away');
        }
        for (const event of batch.events) {
          if (event.value?.toString() === 'undecodable') await batch.deadLetter(event, new PoisonRecordError('bad_payload', 'the value does not decode'));
          else seen.push(event.value?.toString() ?? '');
        }
      },
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await publisher.publishAll([
      { topic, key: 'a', value: Buffer.from('one'), type: 'test.v1.Thing', id: 'one' },
      { topic, key: 'a', value: Buffer.from('undecodable'), type: 'test.v1.Thing', id: 'undecodable', causedBy: { traceparent } },
      { topic, key: 'a', value: Buffer.from('two'), type: 'test.v1.Thing', id: 'two' },
    ]);
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic, messages: [{ key: 'a', value: 'no-envelope', headers: { traceparent } }] });
    await raw.disconnect();
    await consumer.start();
    await waitFor(() => seen.length === 2, { description: 'the two good records' });
    const dead = await dlq.waitForCount(2);
    await consumer.stop();
    await dlq.stop();
    expect(seen).toEqual(['one', 'two']);
    const refused = dead.find((message) => message.headers.ce_id === 'undecodable');
    expect(refused?.headers).toMatchObject({ 'x-error-code': 'bad_payload', 'x-attempts': '2', 'x-orig-topic': topic, 'x-orig-offset': '1', 'x-consumer-group': `g-${topic}`, ce_type: 'test.v1.Thing' });
    // The dead letter stays in the trace of the record it carries.
    expect(refused?.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    const unenveloped = dead.find((message) => message.value?.toString() === 'no-envelope');
    expect(unenveloped?.headers).toMatchObject({ 'x-error-code': 'bad_envelope', 'x-attempts': '1' });
    expect(unenveloped?.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
  });

  it('gives each traced record a CONSUMER span, child of its producer, and points the event at it', async () => {
    const topic = `${uniqueTopicPrefix('batch-trace')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    const tracer = trace.getTracer('batch-test');
    const root = tracer.startSpan('request');
    await context.with(trace.setSpan(context.active(), root), () => publisher.publish({ topic, key: 'a', value: Buffer.from('traced'), type: 'test.v1.Thing', id: 'traced' }));
    root.end();
    // A producer that traces nothing (tracing is on in this process, so the publisher would start a trace).
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic, messages: [{ key: 'a', value: 'untraced', headers: { ce_id: 'untraced', ce_type: 'test.v1.Thing', ce_source: '/test', ce_time: new Date().toISOString(), ce_specversion: '1.0' } }] });
    await raw.disconnect();
    const traces = new Map<string, string | undefined>();
    const consumer = createBatchConsumer({
      kafka,
      groupId: `g-${topic}`,
      topics: [topic],
      logger,
      deadLetters: publisher,
      commit: 'interval',
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const event of batch.events) traces.set(event.attributes.id, event.trace.traceparent);
      },
    });
    await consumer.start();
    await waitFor(() => traces.size === 2, { description: 'both records' });
    await consumer.stop();
    const traceId = root.spanContext().traceId;
    const send = spans.getFinishedSpans().find((span) => span.name === `send ${topic}` && span.spanContext().traceId === traceId);
    const processed = await waitFor(() => spans.getFinishedSpans().find((span) => span.name === `process ${topic}` && span.spanContext().traceId === traceId));
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(processed.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(traces.get('traced')).toBe(`00-${traceId}-${processed.spanContext().spanId}-01`);
    // No trace to continue, no span: an untraced stream pays nothing.
    expect(traces.get('untraced')).toBeUndefined();
    expect(spans.getFinishedSpans().filter((span) => span.name === `process ${topic}`)).toHaveLength(1);
  });

  it('seeks back when the handler says its position is behind the fetch, and resumes after the last handled batch on restart', async () => {
    const topic = `${uniqueTopicPrefix('batch-seek')}things`;
    await ensureTopics(kafka, { specs: specs(topic) });
    await publisher.publishAll(['a', 'b', 'c'].map((value) => ({ topic, key: 'k', value: Buffer.from(value), type: 'test.v1.Thing', id: value })));
    const offsetsSeen: string[] = [];
    let sought = false;
    const groupId = `g-${topic}`;
    const consumer = createBatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      logger,
      commit: 'interval',
      fromBeginning: true,
      handleBatch: async (batch) => {
        offsetsSeen.push(...batch.events.map((event) => event.offset));
        // The first time round, pretend the handler's own checkpoint says offset 1 was never evaluated.
        if (!sought && batch.events[0]?.offset === '0') {
          sought = true;
          return { seekTo: '1' };
        }
        return undefined;
      },
    });
    await consumer.start();
    await waitFor(() => offsetsSeen.length >= 5, { description: 'the batch read again from offset 1' });
    await waitFor(async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return committed?.partitions[0]?.offset === '3';
      } finally {
        await admin.disconnect();
      }
    }, { description: 'the offset to be committed within the interval' });
    await consumer.stop();
    expect(offsetsSeen).toEqual(['0', '1', '2', '1', '2']);

    const again: string[] = [];
    const restarted = createBatchConsumer({ kafka, groupId, topics: [topic], logger, commit: 'interval', handleBatch: async (batch) => void again.push(...batch.events.map((event) => event.attributes.id)) });
    await restarted.start();
    await publisher.publish({ topic, key: 'k', value: Buffer.from('d'), type: 'test.v1.Thing', id: 'd' });
    await waitFor(() => again.includes('d'), { description: 'the next record after a restart' });
    await restarted.stop();
    expect(again).toEqual(['d']);
  });
});
