import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { credentials as grpcCredentials, Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { IngestServiceClient, type SubmitObservationsRequest, type SubmitObservationsResponse } from '@ecogrid/proto/ingest/v1/ingest';
import { ReadingRejected } from '@ecogrid/proto/ingest/v1/events';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { encodeFlag, encodeFrame } from '@ecogrid/standards';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { connectDevice } from './support/hj212-client';
import { metricWith } from './support/guesser';
import { CEMS } from './support/registry-fixtures';
import { GATEWAY_TOKEN, startIngest, type RunningIngest } from './support/start-ingest';

/** A refusal's code must name what was wrong: snake case, and never the catch-alls of an unhandled error. */
const SPECIFIC_CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const CATCH_ALLS = new Set(['internal', 'unknown', 'unavailable', 'bad_request', '']);

/** Counts by key, printed at the end of each property. */
function tally(): { add(key: string): void; text(): string; readonly total: number } {
  const counts = new Map<string, number>();
  let total = 0;
  return {
    add: (key) => {
      total += 1;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    text: () => [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${key} ×${count}`).join(', '),
    get total() {
      return total;
    },
  };
}

// What a device or gateway might send: well-formed, nearly well-formed and nonsense, mixed.
const anyScalar = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(Number.MAX_VALUE), fc.constant(-0));
const measurement = fc.record(
  {
    factorCode: fc.oneof(fc.constantFrom('a21026', 'a34004', 'w01018', 'a01012'), fc.string(), anyScalar),
    kind: fc.oneof(fc.constantFrom('Rtd', 'Avg', 'Min', 'Max', 'Cou', 'ZsRtd', 'ZsAvg'), fc.string(), anyScalar),
    value: fc.oneof(fc.double(), fc.integer(), fc.string(), anyScalar),
    flag: fc.oneof(fc.constantFrom('N', 'F', 'M', 'S', 'D', 'C', 'T', 'B'), fc.string({ maxLength: 3 }), anyScalar),
    extendedFlag: fc.oneof(fc.string(), anyScalar),
  },
  { requiredKeys: [] },
);
const observationLike = fc.record(
  {
    deviceMn: fc.oneof(fc.constant(CEMS.mn), fc.string({ maxLength: 40 }), anyScalar),
    commandCode: fc.oneof(fc.constantFrom('2011', '2051', '2061', '2031'), fc.string({ maxLength: 6 }), anyScalar),
    dataTime: fc.oneof(
      fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2026-11-29T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
      fc.date().map((date) => (Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString())),
      fc.string(),
      anyScalar,
    ),
    measurements: fc.oneof(fc.array(measurement, { maxLength: 6 }), fc.array(fc.anything(), { maxLength: 3 }), anyScalar),
  },
  { requiredKeys: [] },
);
/** An observation ingest takes, or one field away from it: reaches authentication, storage and the 202. */
const validObservation = fc
  .record({
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    day: fc.integer({ min: 1, max: 28 }),
    commandCode: fc.constantFrom('2011', '2051', '2061', '2031'),
    values: fc.array(fc.tuple(fc.constantFrom('a21026', 'a34004', 'w01018', 'a01012'), fc.constantFrom('Rtd', 'Avg', 'ZsRtd'), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom('N', 'F', 'M', 'D')), { minLength: 1, maxLength: 5 }),
    broken: fc.option(fc.tuple(fc.constantFrom('deviceMn', 'commandCode', 'dataTime', 'measurements'), fc.anything()), { freq: 3 }),
  })
  .map(({ minute, second, day, commandCode, values, broken }) => {
    const observation: Record<string, unknown> = {
      deviceMn: CEMS.mn,
      commandCode,
      dataTime: `2026-11-${String(day).padStart(2, '0')}T06:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`,
      measurements: values.map(([factorCode, kind, value, flag]) => ({ factorCode, kind, value, flag })),
    };
    if (broken) observation[broken[0]] = broken[1];
    return observation;
  });
const httpBody = fc.oneof(
  { weight: 4, arbitrary: validObservation.map((body) => JSON.stringify(body)) },
  { weight: 2, arbitrary: fc.array(fc.oneof(validObservation, observationLike), { minLength: 1, maxLength: 8 }).map((observations) => JSON.stringify({ observations })) },
  { weight: 4, arbitrary: observationLike.map((body) => JSON.stringify(body)) },
  { weight: 3, arbitrary: fc.array(observationLike, { maxLength: 8 }).map((observations) => JSON.stringify({ observations })) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.anything().map((value) => JSON.stringify(value) ?? 'undefined') },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', '{"observations":[]}', '{"observations":{}}', 'null', '"x"', '{"observations":null}') },
);

describe('fuzzing the device edge (fast-check, thousands of cases): no 500, no crash, every refusal with a specific code', () => {
  let ingest: RunningIngest;
  let recorder: TopicRecorder;
  let client: IngestServiceClient;

  beforeAll(async () => {
    // Every case comes from 127.0.0.1: the address limit is lifted and every refusal is published, so each one's
    // code can be read back; the authentication limits stay as in production.
    ingest = await startIngest('ingest-fuzz', [CEMS], { ADDRESS_RATE_LIMIT_PER_S: '0', REJECTIONS_PER_PEER_PER_S: '0', DEVICE_RATE_LIMIT_PER_S: '0', LOG_LEVEL: 'error' });
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readingsRejected]);
    client = createGrpcClient(IngestServiceClient, ingest.grpcAddress);
  });

  afterAll(async () => {
    client?.close();
    await ingest?.service.stop();
    await recorder?.stop();
  });

  /** The process is alive and its listeners answer. */
  const stillServing = async (): Promise<void> => {
    expect((await fetch(`${ingest.adminUrl}/healthz`)).status).toBe(200);
    const probe = await connectDevice(ingest.hj212Port);
    const qn = `${Date.now()}`.padStart(17, '0').slice(-17);
    const dataTime = '20261129100000';
    probe.send(encodeFrame({ qn, st: '31', cn: '2011', pw: CEMS.password, mn: CEMS.mn, flag: encodeFlag({ version: '2017', needsAck: true }), cp: { text: `DataTime=${dataTime};a21026-Rtd=1.0,a21026-Flag=N` } }));
    const [reply] = await probe.waitForReplies(1);
    expect(reply?.cn).toBe('9014');
    await probe.close();
  };

  it('HTTP: bodies, headers, methods and queries', { timeout: 300_000 }, async () => {
    const statuses = tally();
    const codes = tally();
    await fc.assert(
      fc.asyncProperty(
        httpBody,
        fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
        fc.oneof(
          { weight: 6, arbitrary: fc.constant('/v1/observations') },
          { weight: 3, arbitrary: fc.webQueryParameters().map((query) => `/v1/observations?${query}`) },
          { weight: 1, arbitrary: fc.webPath() },
        ),
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
        fc.oneof(fc.constant({ authorization: `Bearer ${GATEWAY_TOKEN}` }), fc.constant({ authorization: `Bearer ${GATEWAY_TOKEN}` }), fc.constant({ 'x-device-password': CEMS.password }), fc.stringMatching(/^[A-Za-z0-9]{1,20}$/).map((password) => ({ 'x-device-password': password })), fc.constant({}), fc.constant({ authorization: 'Bearer nope' })),
        async (body, method, path, contentType, auth) => {
          const response = await fetch(`${ingest.httpUrl}${path.startsWith('/') ? path : `/${path}`}`, {
            method,
            headers: { ...(contentType ? { 'content-type': contentType } : {}), ...auth },
            ...(method === 'GET' ? {} : { body }),
          });
          statuses.add(String(response.status));
          expect(response.status).toBeLessThan(500);
          const answer = (await response.json()) as { error?: { code: string }; results?: Array<{ accepted: boolean; code?: string }> };
          if (response.status >= 400 && answer.error) {
            codes.add(answer.error.code);
            expect(answer.error.code).toMatch(SPECIFIC_CODE);
            expect(CATCH_ALLS.has(answer.error.code)).toBe(false);
          }
          for (const result of answer.results ?? []) {
            if (result.accepted) continue;
            codes.add(result.code ?? '');
            expect(result.code ?? '').toMatch(SPECIFIC_CODE);
          }
          // A batch answered 400 carries its per-item results; any other 4xx carries an error.
          expect(response.status < 400 || answer.error !== undefined || answer.results !== undefined).toBe(true);
        },
      ),
      { numRuns: 3_000 },
    );
    await stillServing();
    console.log(`[fuzz: HTTP] ${statuses.total} requests; statuses ${statuses.text()}; refusal codes ${codes.text()}`);
  });

  it('gRPC: SubmitObservations messages, and raw bytes where a message is expected', { timeout: 300_000 }, async () => {
    const statuses = tally();
    const codes = tally();
    const observation = fc.record({
      deviceMn: fc.oneof(fc.constant(CEMS.mn), fc.string({ maxLength: 40 })),
      commandCode: fc.oneof(fc.constantFrom('2011', '2051', '2061', '2031', ''), fc.string({ maxLength: 6 })),
      dataTime: fc.option(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), { nil: undefined }),
      measurements: fc.array(
        fc.record({
          factorCode: fc.oneof(fc.constantFrom('a21026', 'a34004', 'w01018'), fc.string({ maxLength: 10 })),
          kind: fc.integer({ min: -1, max: 20 }),
          value: fc.double(),
          flag: fc.oneof(fc.constantFrom('N', 'F', 'M', ''), fc.string({ maxLength: 3 })),
        }),
        { maxLength: 5 },
      ),
    });
    const metadataFor = (auth: number, password: string): Metadata => {
      const metadata = new Metadata();
      if (auth === 0) metadata.set('authorization', `Bearer ${GATEWAY_TOKEN}`);
      if (auth === 1) metadata.set('x-device-password', CEMS.password);
      if (auth === 2) metadata.set('x-device-password', password.replace(/[^A-Za-z0-9]/g, '') || 'x');
      return metadata;
    };
    const record = (error: ServiceError | null, response: SubmitObservationsResponse | undefined): void => {
      const code = error ? error.code : status.OK;
      statuses.add(status[code] ?? String(code));
      expect([status.INTERNAL, status.UNKNOWN, status.UNAVAILABLE, status.DEADLINE_EXCEEDED]).not.toContain(code);
      if (error) {
        const reason = String(error.metadata?.get('ecogrid-reason')[0] ?? '');
        codes.add(`${status[code]}:${reason}`);
        expect(reason).toMatch(SPECIFIC_CODE);
      }
      for (const result of response?.results ?? []) {
        if (result.accepted) continue;
        codes.add(result.reasonCode);
        expect(result.reasonCode).toMatch(SPECIFIC_CODE);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 6 }), fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 12 }), async (observations, auth, password) => {
        const outcome = await callUnary<SubmitObservationsRequest, SubmitObservationsResponse>(
          (request, options, callback) => client.submitObservations(request, metadataFor(auth, password), options, callback),
          { observations },
        ).then(
          (response) => ({ error: null, response }),
          (error: ServiceError) => ({ error, response: undefined }),
        );
        record(outcome.error, outcome.response);
      }),
      { numRuns: 1_500 },
    );
    // Bytes that are not a SubmitObservationsRequest, or barely one: the server decodes them, and must refuse cleanly.
    const raw = new Client(ingest.grpcAddress, grpcCredentials.createInsecure());
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 1 }), async (bytes, auth) => {
        const outcome = await new Promise<{ error: ServiceError | null }>((resolve) =>
          raw.makeUnaryRequest(
            '/ecogrid.ingest.v1.IngestService/SubmitObservations',
            (value: Buffer) => value,
            (value: Buffer) => value,
            Buffer.from(bytes),
            metadataFor(auth, ''),
            { deadline: Date.now() + 10_000 },
            (error) => resolve({ error: error ?? null }),
          ),
        );
        // A reply that decodes as a response is fine; what matters is the status.
        record(outcome.error, undefined);
      }),
      { numRuns: 1_500 },
    );
    raw.close();
    await stillServing();
    console.log(`[fuzz: gRPC] ${statuses.total} calls (1500 messages, 1500 raw byte strings); statuses ${statuses.text()}; refusal codes ${codes.text()}`);
  });

  it('HJ 212 over TCP: generated frames, then mutated, split and packed', { timeout: 300_000 }, async () => {
    const fromRecorder = recorder.messages.length;
    const cpText = fc.oneof(
      fc.constantFrom('DataTime=20261129100000;a21026-Rtd=1.0,a21026-Flag=N', 'DataTime=20261129100000;a21026-Rtd=abc', 'DataTime=20261199100000;a21026-Rtd=1', 'DataTime=20991129100000;a21026-Rtd=1', ''),
      fc.array(fc.tuple(fc.constantFrom('a21026', 'a34004', 'DataTime', 'w01018', 'x'), fc.constantFrom('-Rtd', '-Avg', '-Flag', '', '-Zs'), fc.string({ maxLength: 12 })), { maxLength: 5 }).map((pairs) => pairs.map(([code, kind, value]) => `${code}${kind}=${value}`).join(';')),
      fc.string({ maxLength: 80 }),
    );
    const frame = fc
      .record({
        qn: fc.oneof(fc.constant('20261129100000001'), fc.stringMatching(/^[0-9]{0,20}$/)),
        st: fc.constantFrom('31', '32', '22', '91', 'XX', ''),
        cn: fc.constantFrom('2011', '2051', '2061', '2031', '1013', '9014', '2081', '1062', 'abcd'),
        pw: fc.oneof(fc.constant(CEMS.password), fc.stringMatching(/^[A-Za-z0-9-]{0,10}$/)),
        mn: fc.oneof(fc.constant(CEMS.mn), fc.stringMatching(/^[A-Z0-9]{1,26}$/)),
        flag: fc.integer({ min: 0, max: 255 }),
        cp: cpText,
      })
      .map((fields) => {
        try {
          return Buffer.from(encodeFrame({ qn: fields.qn, st: fields.st, cn: fields.cn, pw: fields.pw, mn: fields.mn, flag: fields.flag, cp: { text: fields.cp } }));
        } catch {
          // The encoder refuses what it cannot write (a field with a delimiter): send it written by hand instead.
          const body = `QN=${fields.qn};ST=${fields.st};CN=${fields.cn};PW=${fields.pw};MN=${fields.mn};Flag=${fields.flag};CP=&&${fields.cp}&&`;
          return Buffer.from(`##${String(body.length).padStart(4, '0')}${body}0000\r\n`, 'latin1');
        }
      });
    const mutated = fc.tuple(frame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert', 'length')), { maxLength: 3 })).map(([bytes, mutations]) => {
      let out = Buffer.from(bytes);
      for (const [at, value, kind] of mutations) {
        const index = out.length === 0 ? 0 : at % out.length;
        if (kind === 'flip') out[index] = value;
        else if (kind === 'cut') out = out.subarray(0, index);
        else if (kind === 'insert') out = Buffer.concat([out.subarray(0, index), Buffer.from([value]), out.subarray(index)]);
        else if (out.length >= 6) out.write(String(value % 10_000).padStart(4, '0'), 2, 'latin1');
      }
      return out;
    });
    const chunk = fc.oneof({ weight: 3, arbitrary: frame }, { weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) });
    const sent = tally();
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }), async (chunks, splits) => {
        const stream = Buffer.concat(chunks);
        sent.add(`${chunks.length} frame(s)`);
        await new Promise<void>((resolve, reject) => {
          const socket = connect(ingest.hj212Port, '127.0.0.1');
          socket.on('error', () => undefined);
          socket.once('connect', () => {
            // Written in pieces cut anywhere, as TCP may deliver them.
            let offset = 0;
            let piece = 0;
            while (offset < stream.length) {
              const size = splits[piece % splits.length] ?? 1;
              socket.write(stream.subarray(offset, offset + size));
              offset += size;
              piece += 1;
            }
            socket.end();
          });
          socket.once('close', () => resolve());
          socket.resume();
          setTimeout(() => reject(new Error('the listener kept a connection open 10 s after its peer ended it')), 10_000).unref();
        });
      }),
      { numRuns: 2_000 },
    );
    await stillServing();
    // Every refusal was published with a reason code that names it.
    const reasons = tally();
    await waitFor(async () => (await metricWith(ingest.adminUrl, 'ingest_publish_pending')) === 0, { description: 'every refusal published' });
    for (const message of recorder.messages.slice(fromRecorder)) {
      const rejection = ReadingRejected.decode(message.value ?? Buffer.alloc(0));
      if (rejection.source !== 1) continue; // HJ 212 TCP
      reasons.add(rejection.reasonCode);
      expect(rejection.reasonCode).toMatch(SPECIFIC_CODE);
      expect(CATCH_ALLS.has(rejection.reasonCode)).toBe(false);
      // No refused frame keeps a password.
      expect(rejection.raw.toString('latin1')).not.toMatch(/PW=(?!\*\*\*)[^;&]/);
    }
    const failed = await metricWith(ingest.adminUrl, 'ingest_frames_total', { outcome: 'failed' });
    console.log(`[fuzz: HJ 212 TCP] 2000 connections carrying ${sent.text()}; ${reasons.total} refusals published, reasons ${reasons.text()}; frames that failed unhandled ${failed}`);
    expect(reasons.total).toBeGreaterThan(1_000);
    expect(failed).toBe(0);
  });
});
