import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { ObservationRecorded, ObservationSource, ReadingRejected, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import {
  freePort,
  recordTopics,
  startOtlpReceiver,
  startServiceProcess,
  testEnvironment,
  testKafka,
  uniqueTopicPrefix,
  waitFor,
  type OtlpReceiver,
  type ServiceProcess,
  type TopicRecorder,
} from '@ecogrid/testkit';

// The service runs as its own process from its build, exactly as `pnpm start` runs it.
describe('ingest: POST /v1/observations through the real stack', () => {
  let kafka: Kafka;
  let service: ServiceProcess;
  let otlp: OtlpReceiver;
  let recorder: TopicRecorder;
  let baseUrl: string;
  const prefix = uniqueTopicPrefix('ingest-http');
  const topics = topicNames(prefix);

  beforeAll(async () => {
    const env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    await ensureTopics(kafka, { prefix });
    recorder = await recordTopics(kafka, [topics.readings, topics.readingsRejected]);
    otlp = await startOtlpReceiver();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    service = await startServiceProcess({
      entry: resolve(__dirname, '../dist/main.js'),
      readyUrl: `${baseUrl}/readyz`,
      env: {
        KAFKA_BROKERS: env.kafkaBrokers,
        TOPIC_PREFIX: prefix,
        HTTP_ADDRESS: `127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LOG_LEVEL: 'warn',
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    await recorder?.stop();
    await otlp?.close();
  });

  const post = (body: unknown): Promise<Response> =>
    fetch(`${baseUrl}/v1/observations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers 202 only once the observation is on ecogrid.readings.v1, with every field and the CloudEvents headers', async () => {
    const before = Date.now();
    const response = await post({
      deviceMn: '88888880000001',
      commandCode: '2051',
      dataTime: '2026-11-29T15:59:00+08:00',
      measurements: [
        { factorCode: 'a21026', kind: 'Avg', value: 35.2, flag: 'N' },
        { factorCode: 'a21026', kind: 'ZsAvg', value: 41.7, flag: 'N' },
        { factorCode: 'a34013', kind: 'Avg', value: 8.1, flag: 'M' },
      ],
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: boolean; observationId: string };
    expect(body).toEqual({ accepted: true, observationId: '88888880000001:2051:2026-11-29T07:59:00.000Z' });

    // Acknowledged means already stored: the record is there without waiting for anything else.
    const [record] = await recorder.waitForCount(1, (message) => message.topic === topics.readings, 5_000);
    expect(record?.key).toBe('88888880000001');
    expect(record?.headers).toMatchObject({
      ce_id: '88888880000001:2051:2026-11-29T07:59:00.000Z',
      ce_type: 'ecogrid.ingest.v1.ObservationRecorded',
      ce_source: '/ecogrid/ingest',
      ce_specversion: '1.0',
      'content-type': 'application/protobuf',
    });
    expect(record?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const ceTime = Date.parse(record?.headers.ce_time ?? '');
    expect(ceTime).toBeGreaterThanOrEqual(before - 1_000);
    expect(ceTime).toBeLessThanOrEqual(Date.now());

    const event = ObservationRecorded.decode(record?.value ?? Buffer.alloc(0));
    expect(event).toMatchObject({
      observationId: '88888880000001:2051:2026-11-29T07:59:00.000Z',
      deviceMn: '88888880000001',
      commandCode: '2051',
      dataTime: new Date('2026-11-29T07:59:00Z'),
      source: ObservationSource.OBSERVATION_SOURCE_HTTP,
      measurements: [
        { factorCode: 'a21026', kind: ValueKind.VALUE_KIND_AVG, value: 35.2, flag: 'N', extendedFlag: '', unit: '' },
        { factorCode: 'a21026', kind: ValueKind.VALUE_KIND_ZS_AVG, value: 41.7, flag: 'N', extendedFlag: '', unit: '' },
        { factorCode: 'a34013', kind: ValueKind.VALUE_KIND_AVG, value: 8.1, flag: 'M', extendedFlag: '', unit: '' },
      ],
    });
    expect(event.receivedTime?.getTime()).toBe(ceTime);
  });

  it('exports one trace spanning the HTTP request and the Kafka produce', async () => {
    const response = await post({ deviceMn: 'TRACE0001', dataTime: '2026-11-29T07:00:00Z', measurements: [{ factorCode: 'a34004', value: 12 }] });
    expect(response.status).toBe(202);
    const [record] = await recorder.waitForCount(1, (message) => message.key === 'TRACE0001');
    const traceId = record?.headers.traceparent?.split('-')[1];
    const producer = await waitFor(() => otlp.spans.find((span) => span.traceId === traceId && span.name === `send ${topics.readings}`), {
      description: 'the producer span',
    });
    const server = await waitFor(() => otlp.spans.find((span) => span.traceId === traceId && span.kind === 2), { description: 'the HTTP server span' });
    expect(server.serviceName).toBe('ingest');
    expect(producer.kind).toBe(4);
    expect(producer.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': topics.readings, 'messaging.kafka.message.key': 'TRACE0001' });
    // The produce is a child of the request: same trace, parent is the server span.
    expect(producer.parentSpanId).toBe(server.spanId);
    expect(record?.headers.traceparent?.split('-')[2]).toBe(producer.spanId);
  });

  it('answers 400 naming the field at fault, and publishes the refused input with its reason', async () => {
    const response = await post({ deviceMn: 'BAD0001', dataTime: '2026-11-29T07:00:00Z', measurements: [{ factorCode: 'a21026', value: 'high' }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { reason: 'invalid_field', field: 'measurements[0].value', message: 'value must be a finite number' } });
    const [rejected] = await recorder.waitForCount(1, (message) => message.topic === topics.readingsRejected && message.key === 'BAD0001');
    const event = ReadingRejected.decode(rejected?.value ?? Buffer.alloc(0));
    expect(event).toMatchObject({ reasonCode: 'invalid_field', deviceMn: 'BAD0001', source: ObservationSource.OBSERVATION_SOURCE_HTTP });
    expect(JSON.parse(event.raw.toString())).toMatchObject({ deviceMn: 'BAD0001' });
  });

  it('answers a batch item by item', async () => {
    const response = await post({
      observations: [
        { deviceMn: 'BATCH0001', dataTime: '2026-11-29T07:00:00Z', measurements: [{ factorCode: 'a34004', value: 12 }] },
        { deviceMn: 'BATCH0002', dataTime: 'yesterday', measurements: [{ factorCode: 'a34004', value: 12 }] },
      ],
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; rejected: number; results: Array<Record<string, unknown>> };
    expect(body.accepted).toBe(1);
    expect(body.results[1]).toMatchObject({ index: 1, accepted: false, reason: 'invalid_field', field: 'observations[1].dataTime' });
  });

  it('refuses a body that is not JSON with a clear reason', async () => {
    const response = await fetch(`${baseUrl}/v1/observations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"deviceMn":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { reason: 'invalid_json', message: 'the body is not valid JSON' } });
  });
});
