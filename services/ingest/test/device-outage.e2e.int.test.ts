import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { AlertChanged, AlertState } from '@ecogrid/proto/alerting/v1/events';
import { CommandOrigin, CommandState, DeviceCommandChanged, ObservationRecorded, RateBasis, RatePeriodKind, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { DeviceControlServiceClient, type SendCommandRequest, type SendCommandResponse } from '@ecogrid/proto/ingest/v1/device_control';
import { TransmissionRateServiceClient, type GetDeviceTransmissionRateRequest, type GetDeviceTransmissionRateResponse } from '@ecogrid/proto/ingest/v1/transmission_rate';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { ROOT, TEST_STAFF_TOKEN_SECRET, testStaffToken } from '@ecogrid/e2e';
import { createSimulator, type Simulator, type SimulatorEvent } from '@ecogrid/simulator';
import { createTestSchema, freePort, recordTopics, startServiceProcess, testEnvironment, waitFor, type ServiceProcess, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { startIngest, type RunningIngest } from './support/start-ingest';

const STATION = Device.create({
  mn: '140802EE0000000000000001',
  name: '断线补数演练站',
  kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
  location: { lon: 111.0, lat: 35.02 },
  enterpriseUscc: '91140800MA0K000001',
  cellId: 'YH-C0001',
  townshipCode: '140802001',
  factors: [{ factorCode: 'a21026', unit: 'mg/m3', limit: 35 }],
  password: 'PWEE01',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
  tolerant: false,
  enabled: true,
  systemCode: '31',
});

/**
 * Device time runs 10 × faster than the wall clock (the simulator's rate; ingest is told the same record intervals):
 * minute records every 60 s, so each lands in a minute of its own as alerting counts them, and a 10-minute outage
 * lasts 60 s. Nothing reads the date or the hour: the test runs on any day at any hour.
 */
const RATE = 10;
const MINUTE_RECORD_MS = 600_000 / RATE;
const OUTAGE_MS = 600_000 / RATE;
const LIMIT = 35;

type Unary<Request, Response> = (request: Request, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, response: Response) => void) => unknown;
const call = <Request, Response>(method: Unary<Request, Response>, request: Request): Promise<Response> =>
  new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
const chinaDayOf = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
/** `20261206100000` (Beijing time) as epoch ms. */
const chinaDigitsToMs = (digits: string | undefined): number =>
  Date.UTC(Number(digits?.slice(0, 4)), Number(digits?.slice(4, 6)) - 1, Number(digits?.slice(6, 8)), Number(digits?.slice(8, 10)) - 8, Number(digits?.slice(10, 12)), Number(digits?.slice(12, 14)));

describe('end to end: a simulated station is re-timed by 1062, loses its link for 10 minutes with an exceedance inside, and is back-filled, alerted on late and counted — no human in between', () => {
  let ingest: RunningIngest;
  let alerting: ServiceProcess;
  let ingestSchema: TestSchema;
  let alertingSchema: TestSchema;
  let recorder: TopicRecorder;
  let simulator: Simulator;
  const events: SimulatorEvent[] = [];

  beforeAll(async () => {
    const environment = await testEnvironment();
    ingestSchema = await createTestSchema(environment.databaseUrl, 'ingest_outage_e2e');
    alertingSchema = await createTestSchema(environment.databaseUrl, 'alerting_outage_e2e');
    ingest = await startIngest('outage-e2e', [STATION], {
      DATABASE_URL: environment.databaseUrl,
      INGEST_SCHEMA: ingestSchema.name,
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      NODE_ENV: 'test',
      OUTBOX_POLL_MS: '200',
      COMMAND_SWEEP_MS: '500',
      CLOCK_CORRECTION_THRESHOLD_MS: '0',
      MINUTE_RECORD_INTERVAL_MS: String(MINUTE_RECORD_MS),
      HOUR_RECORD_INTERVAL_MS: String(3_600_000 / RATE),
      BACKFILL_MIN_GAP_MS: String(OUTAGE_MS / 2),
      // As STANDARDS.md §9.4.3 has it: wait for the device to settle first. Here longer than a minute record, so the
      // back-filled minutes arrive behind a newer live one — late, as alerting must judge them.
      BACKFILL_DELAY_MS: String(MINUTE_RECORD_MS + 15_000),
    });
    const [adminPort, grpcPort] = [await freePort(), await freePort()];
    alerting = await startServiceProcess({
      entry: resolve(ROOT, 'services/alerting/dist/main.js'),
      readyUrl: `http://127.0.0.1:${adminPort}/readyz`,
      readyTimeoutMs: 60_000,
      env: {
        KAFKA_BROKERS: environment.kafkaBrokers,
        DATABASE_URL: environment.databaseUrl,
        ALERTING_SCHEMA: alertingSchema.name,
        TOPIC_PREFIX: ingest.prefix,
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
        GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
        READINGS_FROM_BEGINNING: 'true',
        OUTBOX_POLL_MS: '100',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
      },
    });
    recorder = await recordTopics(ingest.kafka, [ingest.topics.devicesCommands, ingest.topics.readings, ingest.topics.alerts]);
  });

  afterAll(async () => {
    await simulator?.stop();
    await alerting?.stop();
    await ingest?.service.stop();
    await recorder?.stop();
    await ingestSchema?.drop();
    await alertingSchema?.drop();
  });

  const observations = (commandCode: string) =>
    recorder.messages
      .filter((message) => message.topic === ingest.topics.readings && message.key === STATION.mn)
      .map((message) => ObservationRecorded.decode(message.value ?? Buffer.alloc(0)))
      .filter((observation) => observation.commandCode === commandCode);

  it('does all of it', async () => {
    const token = await testStaffToken({ role: 'operator', sub: 'operator-zhao' });
    const control = createGrpcClient(DeviceControlServiceClient, ingest.grpcAddress, { bearerToken: () => token, deadlineMs: 10_000 });
    const rates = createGrpcClient(TransmissionRateServiceClient, ingest.grpcAddress, { bearerToken: () => token, deadlineMs: 10_000 });
    try {
      const t0 = Date.now();
      // The station's minute records go out just after each wall-clock boundary of MINUTE_RECORD_MS (aligned in
      // Beijing time, plus a delay of at most 2 s): the outage, one record interval long, is placed so that a boundary
      // falls in its middle. Started at a fixed offset from t0, a boundary could land at one of its edges, where a
      // loaded machine sent that record live and left nothing to back-fill.
      const earliest = t0 + MINUTE_RECORD_MS + 15_000;
      const outageStart = Math.ceil((earliest + MINUTE_RECORD_MS / 2) / MINUTE_RECORD_MS) * MINUTE_RECORD_MS - MINUTE_RECORD_MS / 2;
      simulator = createSimulator({
        devices: [{ mn: STATION.mn, password: STATION.password, systemCode: '31', category: 'flue_gas', profile: '2017', factors: [{ code: 'a21026', limit: LIMIT }], clockSkewMs: 0 }],
        target: { host: '127.0.0.1', port: ingest.hj212Port },
        rate: RATE,
        seed: 'outage-e2e',
        uploads: { realTime: true, minute: true, hour: false },
        realTimeIntervalMs: [30_000, 30_000],
        exceedanceProbability: 0,
        abnormalFlagProbability: 0,
        outageProbability: 0,
        outages: [{ mn: STATION.mn, startMs: outageStart, durationMs: OUTAGE_MS, kind: 'link' }],
        // Twice its limit while the link is down: only the kept minute records can tell.
        episodes: [{ mn: STATION.mn, code: 'a21026', startMs: outageStart, durationMs: OUTAGE_MS, multiple: 2 }],
        tickMs: 20,
        onEvent: (event) => events.push(event),
      });
      await simulator.start();

      // 1. SendCommand 1062 RtdInterval=60 (÷ rate: every 6 s instead of every 3 s), seen in the station's frame rate.
      await waitFor(() => observations('2011').length >= 3, { description: 'real-time data', timeoutMs: 20_000 });
      const { command } = await call<SendCommandRequest, SendCommandResponse>(control.sendCommand.bind(control), { deviceMn: STATION.mn, commandCode: '1062', params: { RtdInterval: '60' }, overTimeSeconds: 0 });
      const succeeded = await waitFor(
        () =>
          recorder.messages
            .filter((message) => message.topic === ingest.topics.devicesCommands)
            .map((message) => DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command)
            .find((changed) => changed?.id === command?.id && changed?.state === CommandState.COMMAND_STATE_SUCCEEDED),
        { description: 'the 1062 to succeed', timeoutMs: 15_000 },
      );
      const retimedAt = succeeded?.finishedTime?.getTime() ?? 0;
      await waitFor(() => observations('2011').filter((o) => (o.receivedTime?.getTime() ?? 0) > retimedAt).length >= 4, { description: 'real-time data after the 1062', timeoutMs: 40_000 });
      const gaps = (times: number[]): number[] => times.slice(1).map((time, index) => time - (times[index] ?? 0));
      const realTime = observations('2011').map((o) => o.dataTime?.getTime() ?? 0).sort((a, b) => a - b);
      const before = gaps(realTime.filter((time) => time < retimedAt));
      const after = gaps(realTime.filter((time) => time > retimedAt + 1_000));
      expect(Math.min(...before)).toBeLessThan(4_000);
      expect(Math.min(...after)).toBeGreaterThanOrEqual(5_500);

      // 2. The link drops for 10 device-minutes; the station keeps measuring (and exceeding); nobody asks for anything.
      await waitFor(() => events.some((event) => event.type === 'outage_ended'), { description: 'the outage to end', timeoutMs: outageStart + OUTAGE_MS - Date.now() + 10_000 });
      const backfill = await waitFor(
        () =>
          recorder.messages
            .filter((message) => message.topic === ingest.topics.devicesCommands)
            .map((message) => DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command)
            .find((changed) => changed?.origin === CommandOrigin.COMMAND_ORIGIN_BACKFILL && changed.commandCode === '2051' && changed.state === CommandState.COMMAND_STATE_SUCCEEDED),
        { description: 'ingest\'s own 2051 to succeed', timeoutMs: MINUTE_RECORD_MS + 60_000 },
      );
      expect(backfill?.requestedBy).toBe('system:backfill');
      const filledTimes = new Set((backfill?.data ?? []).map((item) => item.params.DataTime));
      expect(filledTimes.size).toBeGreaterThan(0);

      // 3. The back-filled minutes are on the readings topic once each, the ones over the limit among them. The range
      // may start at a minute that came live just before the link dropped: that one is answered, not stored again.
      const requestedAt = backfill?.sentTime?.getTime() ?? Infinity;
      const liveBefore = new Set(observations('2051').filter((o) => (o.receivedTime?.getTime() ?? 0) < requestedAt).map((o) => o.dataTime?.getTime()));
      const fetchedAnew = [...filledTimes].map(chinaDigitsToMs).filter((time) => !liveBefore.has(time));
      expect(fetchedAnew.length).toBeGreaterThan(0);
      const minutes = await waitFor(
        () => {
          const all = observations('2051');
          const back = all.filter((o) => (o.receivedTime?.getTime() ?? 0) >= requestedAt && fetchedAnew.includes(o.dataTime?.getTime() ?? 0));
          return back.length >= fetchedAnew.length ? { all, back } : undefined;
        },
        { description: 'the back-filled minute records on the readings topic', timeoutMs: 10_000 },
      );
      expect(new Set(minutes.all.map((o) => o.observationId)).size).toBe(minutes.all.length);
      const exceeding = minutes.back.filter((o) => o.measurements.some((m) => m.factorCode === 'a21026' && m.kind === ValueKind.VALUE_KIND_AVG && m.value > LIMIT));
      expect(exceeding.length).toBeGreaterThan(0);

      // 4. Alerting raises one alert marked late per exceeding back-filled minute, with its data time — never more.
      const lateAlerts = await waitFor(
        () => {
          const late = recorder.messages
            .filter((message) => message.topic === ingest.topics.alerts && message.key === STATION.mn)
            .map((message) => AlertChanged.decode(message.value ?? Buffer.alloc(0)))
            .filter((alert) => alert.late && alert.state === AlertState.ALERT_STATE_RAISED);
          return late.length >= exceeding.length ? late : undefined;
        },
        { description: `${exceeding.length} late alert(s)`, timeoutMs: 20_000 },
      );
      await new Promise((done) => setTimeout(done, 3_000)); // a duplicate, if any, would come within this
      const raisedLate = recorder.messages
        .filter((message) => message.topic === ingest.topics.alerts && message.key === STATION.mn)
        .map((message) => AlertChanged.decode(message.value ?? Buffer.alloc(0)))
        .filter((alert) => alert.late && alert.state === AlertState.ALERT_STATE_RAISED);
      expect(raisedLate.length).toBe(exceeding.length);
      expect(new Set(raisedLate.map((alert) => alert.alertId)).size).toBe(raisedLate.length);
      expect(raisedLate.map((alert) => alert.openedAt?.getTime()).sort()).toEqual(exceeding.map((o) => o.dataTime?.getTime()).sort());
      expect(lateAlerts.every((alert) => alert.factorCode === 'a21026')).toBe(true);

      // 5. The day's transmission rate (minute basis) counts every minute record of the day, the back-filled ones included.
      const day = chinaDayOf(exceeding[0]?.dataTime?.getTime() ?? Date.now());
      const ofDay = new Set(observations('2051').filter((o) => chinaDayOf(o.dataTime?.getTime() ?? 0) === day).map((o) => o.observationId)).size;
      const request: GetDeviceTransmissionRateRequest = { deviceMn: STATION.mn, periodKind: RatePeriodKind.RATE_PERIOD_KIND_DAY, period: day, basis: RateBasis.RATE_BASIS_MINUTE };
      const rate = await waitFor(
        async () => {
          const response = await call<GetDeviceTransmissionRateRequest, GetDeviceTransmissionRateResponse>(rates.getDeviceTransmissionRate.bind(rates), request);
          return (response.rate?.rate?.received ?? 0) >= ofDay ? response.rate?.rate : undefined;
        },
        { description: `${ofDay} minute records counted for ${day}`, timeoutMs: 10_000 },
      );
      expect(rate?.received).toBe(ofDay);
      // Without the fill the outage's minutes would be missing: the filled ones are counted, as not on time.
      expect((rate?.received ?? 0) - (rate?.receivedOnTime ?? 0)).toBeGreaterThanOrEqual(fetchedAnew.length);
      console.log(
        `e2e: real-time gaps ${Math.min(...before)} ms → ${Math.min(...after)} ms after 1062; back-fill ${backfill?.params.BeginTime}–${backfill?.params.EndTime} brought ${filledTimes.size} record(s) (${fetchedAnew.length} new), ` +
          `${exceeding.length} over the limit → ${raisedLate.length} late alert(s); ${day} minute basis ${JSON.stringify(rate)}; took ${Math.round((Date.now() - t0) / 1000)} s`,
      );
    } finally {
      control.close();
      rates.close();
    }
  }, 300_000);
});
