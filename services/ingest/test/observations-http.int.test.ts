import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '@ecogrid/proto/registry/v1/entities';
import { ObservationRecorded, ObservationSource, ReadingRejected, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { recordTopics, startOtlpReceiver, waitFor, type OtlpReceiver, type TopicRecorder } from '@ecogrid/testkit';
import { CEMS } from './support/registry-fixtures';
import { GATEWAY_TOKEN, startIngest, type RunningIngest } from './support/start-ingest';

const extra = ['TRACE0001', 'BAD0001', 'BATCH0001', 'BATCH0002'].map((mn) => Device.create({ ...CEMS, mn, password: `pw-${mn}` }));

// The service runs as its own process from its build, exactly as `pnpm start` runs it.
describe('ingest: POST /v1/observations through the real stack', () => {
  let ingest: RunningIngest;
  let otlp: OtlpReceiver;
  let recorder: TopicRecorder;
  let baseUrl: string;
  let topics: RunningIngest['topics'];

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    ingest = await startIngest('ingest-http', [CEMS, ...extra], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
    topics = ingest.topics;
    baseUrl = ingest.httpUrl;
    recorder = await recordTopics(ingest.kafka, [topics.readings, topics.readingsRejected]);
  });

  afterAll(async () => {
    await ingest?.service.stop();
    await recorder?.stop();
    await otlp?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${GATEWAY_TOKEN}` }): Promise<Response> =>
    fetch(`${baseUrl}/v1/observations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

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
    expect(body).toEqual({ accepted: true, observationId: '88888880000001:2051:2026-11-29T07:59:00.000Z', duplicate: false });

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
        { factorCode: 'a21026', kind: ValueKind.VALUE_KIND_AVG, value: 35.2, flag: 'N', extendedFlag: '', unit: 'mg/m3' },
        { factorCode: 'a21026', kind: ValueKind.VALUE_KIND_ZS_AVG, value: 41.7, flag: 'N', extendedFlag: '', unit: 'mg/m3' },
        { factorCode: 'a34013', kind: ValueKind.VALUE_KIND_AVG, value: 8.1, flag: 'M', extendedFlag: '', unit: '' },
      ],
      enterpriseUscc: CEMS.enterpriseUscc,
      cellId: CEMS.cellId,
      townshipCode: CEMS.townshipCode,
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
    expect(await response.json()).toEqual({ error: { code: 'invalid_field', field: 'measurements[0].value', message: 'value must be a finite number' } });
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
    expect(body.results[1]).toMatchObject({ index: 1, accepted: false, code: 'invalid_field', field: 'observations[1].dataTime' });
  });

  it('refuses a caller without credentials (401), and a wrong device password or an unknown MN alike (401 authentication_failed)', async () => {
    const body = { deviceMn: CEMS.mn, dataTime: '2026-11-29T07:00:00Z', measurements: [{ factorCode: 'a21026', value: 1 }] };
    const anonymous = await post(body, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    expect((await post(body, { authorization: 'Bearer not-a-token' })).status).toBe(401);
    const wrong = await post(body, { 'x-device-password': 'guess' });
    const unknown = await post({ ...body, deviceMn: 'NOBODY01' }, { 'x-device-password': 'guess' });
    // One answer whether the MN exists or not: nothing to learn about which MNs are registered.
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const answers = [await wrong.json(), await unknown.json()];
    expect(answers[0]).toEqual({ error: { code: 'authentication_failed', field: 'deviceMn', message: 'the device MN and password were not accepted' } });
    expect(answers[1]).toEqual(answers[0]);
    // A gateway is trusted with the registry's answer.
    expect((await post({ ...body, deviceMn: 'NOBODY01' })).status).toBe(403);
    const right = await post({ ...body, dataTime: '2026-11-29T07:00:30Z' }, { 'x-device-password': CEMS.password });
    expect(right.status).toBe(202);
  });

  it('refuses a body that is not JSON with a clear reason', async () => {
    const response = await fetch(`${baseUrl}/v1/observations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_TOKEN}` }, body: '{"deviceMn":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'invalid_json', message: 'the body is not valid JSON' } });
  });

  it('refuses a body over 1 MiB with 413 body_too_large and closes the connection, and names an unknown route', async () => {
    const large = await fetch(`${baseUrl}/v1/observations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_TOKEN}` },
      body: JSON.stringify({ observations: [{ deviceMn: 'BATCH0001', padding: 'x'.repeat(1024 * 1024) }] }),
    });
    expect(large.status).toBe(413);
    expect(large.headers.get('connection')).toBe('close');
    expect(await large.json()).toEqual({ error: { code: 'body_too_large', message: 'the body exceeds 1048576 bytes' } });
    const nowhere = await fetch(`${baseUrl}/v1/nothing`);
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toEqual({ error: { code: 'no_route', message: 'no route GET /v1/nothing' } });
  });
});
