import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Metadata, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { CommandOrigin, CommandState, DeviceCommandChanged, ObservationRecorded, RateBasis, RatePeriodKind, TransmissionRateReported } from '@ecogrid/proto/ingest/v1/events';
import { TransmissionRateServiceClient, TransmissionRateServiceService, type GetDeviceTransmissionRateRequest, type GetDeviceTransmissionRateResponse } from '@ecogrid/proto/ingest/v1/transmission_rate';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { isDenied, probeUnary, readAccessMatrix, ROOT, staffMetadata, SUBJECTS, TEST_STAFF_TOKEN_SECRET, testStaffToken, type Subject } from '@ecogrid/e2e';
import { ROLES_NEEDING_OFFICER, ROLES_NEEDING_TOWNSHIP } from '@ecogrid/staff-auth';
import { createSimulator, type SimulatorEvent, type Simulator } from '@ecogrid/simulator';
import { createTestSchema, recordTopics, testEnvironment, waitFor, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { startIngest, type RunningIngest } from './support/start-ingest';

const STATION = Device.create({
  mn: '140802BF0000000000000001',
  name: '补数测试站',
  kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
  location: { lon: 111.0, lat: 35.02 },
  enterpriseUscc: '91140800MA0K000001',
  cellId: 'YH-C0001',
  townshipCode: '140802001',
  factors: [{ factorCode: 'a21026', unit: 'mg/m3', limit: 35, limitOnConverted: true }],
  password: 'PWBF01',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
  tolerant: false,
  enabled: true,
  systemCode: '31',
});

/**
 * Device time runs 60 × faster than the wall clock: minute records (every 10 device minutes) every 10 s, hour records
 * every 60 s, and a 10-minute outage lasts 10 s. Ingest is told the same intervals. Nothing here reads the date or
 * the hour: the grids are relative, so the test runs on any day at any hour.
 */
const RATE = 60;
const MINUTE_RECORD_MS = 600_000 / RATE;
const OUTAGE_MS = 600_000 / RATE;

const chinaDayOf = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

const callRate = (client: InstanceType<typeof TransmissionRateServiceClient>, request: GetDeviceTransmissionRateRequest): Promise<GetDeviceTransmissionRateResponse> =>
  new Promise((resolve, reject) => {
    client.getDeviceTransmissionRate(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error: ServiceError | null, response: GetDeviceTransmissionRateResponse) => (error ? reject(error) : resolve(response)));
  });

describe('ingest: automatic back-fill of a simulated station\'s outage over real TCP, Kafka, Redis and PostgreSQL', () => {
  let ingest: RunningIngest;
  let schema: TestSchema;
  let recorder: TopicRecorder;
  let simulator: Simulator;
  let pool: pg.Pool;
  const events: SimulatorEvent[] = [];

  beforeAll(async () => {
    const environment = await testEnvironment();
    schema = await createTestSchema(environment.databaseUrl, 'ingest_backfill');
    pool = new pg.Pool({ connectionString: environment.databaseUrl, max: 2 });
    ingest = await startIngest('ingest-backfill', [STATION], {
      DATABASE_URL: environment.databaseUrl,
      INGEST_SCHEMA: schema.name,
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      NODE_ENV: 'test',
      OUTBOX_POLL_MS: '200',
      COMMAND_SWEEP_MS: '500',
      CLOCK_CORRECTION_THRESHOLD_MS: '0',
      MINUTE_RECORD_INTERVAL_MS: String(MINUTE_RECORD_MS),
      HOUR_RECORD_INTERVAL_MS: String(3_600_000 / RATE),
      BACKFILL_MIN_GAP_MS: String(OUTAGE_MS / 2),
      BACKFILL_DELAY_MS: '300',
      BACKFILL_RETRY_DELAY_MS: '1000',
      // The day before today is published as soon as there are records to publish it from.
      TRANSMISSION_PUBLISH_DELAY_MS: '0',
      TRANSMISSION_PUBLISH_CHECK_MS: '1000',
    });
    recorder = await recordTopics(ingest.kafka, [ingest.topics.devicesCommands, ingest.topics.readings, ingest.topics.devicesTransmission]);
  });

  afterAll(async () => {
    await simulator?.stop();
    await ingest?.service.stop();
    await recorder?.stop();
    await pool?.end();
    await schema?.drop();
  });

  const minuteRecords = (): Array<{ id: string; dataTime: number; receivedTime: number }> =>
    recorder.messages
      .filter((message) => message.topic === ingest.topics.readings && message.key === STATION.mn)
      .map((message) => ObservationRecorded.decode(message.value ?? Buffer.alloc(0)))
      .filter((observation) => observation.commandCode === '2051')
      .map((observation) => ({ id: observation.observationId, dataTime: observation.dataTime?.getTime() ?? 0, receivedTime: observation.receivedTime?.getTime() ?? 0 }));

  it('asks the station back from a 10-minute link outage for the minute records it kept, without anyone asking, and stores each once', async () => {
    const outageStart = Date.now() + 3 * MINUTE_RECORD_MS;
    simulator = createSimulator({
      devices: [{ mn: STATION.mn, password: STATION.password, systemCode: '31', category: 'flue_gas', profile: '2017', factors: [{ code: 'a21026', limit: 35, limitOnConverted: true }], clockSkewMs: 0 }],
      target: { host: '127.0.0.1', port: ingest.hj212Port },
      rate: RATE,
      seed: 'backfill',
      realTimeIntervalMs: [60_000, 60_000],
      exceedanceProbability: 0,
      abnormalFlagProbability: 0,
      outageProbability: 0,
      outages: [{ mn: STATION.mn, startMs: outageStart, durationMs: OUTAGE_MS, kind: 'link' }],
      tickMs: 20,
      onEvent: (event) => events.push(event),
    });
    await simulator.start();

    // The minute records due while the link was down were measured and kept, never sent.
    await waitFor(() => events.some((event) => event.type === 'outage_ended'), { description: 'the outage to end', timeoutMs: 3 * MINUTE_RECORD_MS + OUTAGE_MS + 10_000 });
    const outageEnd = Date.now();
    const commandsSoFar = (): string =>
      JSON.stringify(
        recorder.messages
          .filter((message) => message.topic === ingest.topics.devicesCommands)
          .map((message) => DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command)
          .map((command) => [command?.commandCode, command?.origin, command?.state, command?.params, command?.reason]),
      );

    // Ingest's own history request: origin backfill, 2051 with BeginTime/EndTime, followed to success.
    const backfillCommand = await waitFor(
      () =>
        recorder.messages
          .filter((message) => message.topic === ingest.topics.devicesCommands)
          .map((message) => DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command)
          .find((command) => command?.origin === CommandOrigin.COMMAND_ORIGIN_BACKFILL && command.commandCode === '2051' && command.state === CommandState.COMMAND_STATE_SUCCEEDED),
      { description: 'a back-fill 2051 command to succeed', timeoutMs: 20_000 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; commands: ${commandsSoFar()}; minute records: ${JSON.stringify(minuteRecords())}; events: ${JSON.stringify(events.filter((event) => event.type !== 'sent' && event.type !== 'acknowledged'))}`);
    });
    expect(backfillCommand).toMatchObject({ requestedBy: 'system:backfill', deviceMn: STATION.mn });
    expect(backfillCommand?.params.BeginTime).toMatch(/^\d{14}$/);
    expect(backfillCommand?.data.length).toBeGreaterThan(0);

    // The back-fill is recorded filled, with the records that came.
    const rows = await waitFor(
      async () => {
        const { rows } = await pool.query<{ state: string; records_received: number; command_code: string }>(`SELECT state, records_received, command_code FROM "${schema.name}".device_backfills WHERE device_mn = $1`, [STATION.mn]);
        return rows.some((row) => row.command_code === '2051' && row.state === 'filled') ? rows : undefined;
      },
      { description: 'the 2051 back-fill to be filled', timeoutMs: 10_000 },
    );
    expect(rows.filter((row) => row.command_code === '2051' && row.state === 'filled').reduce((sum, row) => sum + row.records_received, 0)).toBeGreaterThan(0);

    // Let a few more minute records come live, then look at the device's minute data as a whole.
    await waitFor(() => minuteRecords().some((record) => record.dataTime > outageEnd + MINUTE_RECORD_MS), { description: 'live minute records after the outage', timeoutMs: 3 * MINUTE_RECORD_MS });
    const records = minuteRecords();
    const times = [...new Set(records.map((record) => record.dataTime))].sort((a, b) => a - b);
    // No period missing from the first to the last: the outage's periods came back through the back-fill…
    for (let index = 1; index < times.length; index += 1) expect(times[index]! - times[index - 1]!).toBe(MINUTE_RECORD_MS);
    const filledLate = records.filter((record) => record.dataTime >= outageStart - MINUTE_RECORD_MS && record.dataTime < outageStart + OUTAGE_MS && record.receivedTime >= outageStart + OUTAGE_MS);
    expect(filledLate.length).toBeGreaterThan(0);
    // …and every observation is on the topic once, the ones the request fetched again included.
    expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
    console.log(
      `back-fill: ${times.length} minute periods contiguous, ${filledLate.length} received after the outage, command data ${backfillCommand?.data.length ?? 0}, back-fills ${JSON.stringify(rows)}`,
    );

    const metrics = await (await fetch(`${ingest.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingest_backfill_requests_total\{[^}]*outcome="filled"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ingest_backfill_records_total(\{[^}]*\})? [1-9]/);

    // The day's minute-basis rate counts every stored minute record of that day, the back-filled ones included.
    const day = chinaDayOf(filledLate[0]!.dataTime);
    const ofDay = new Set(records.filter((record) => chinaDayOf(record.dataTime) === day).map((record) => record.id)).size;
    const token = await testStaffToken({ role: 'analyst', sub: 'analyst-li' });
    const client = createGrpcClient(TransmissionRateServiceClient, ingest.grpcAddress, { bearerToken: () => token, deadlineMs: 10_000 });
    try {
      const request: GetDeviceTransmissionRateRequest = { deviceMn: STATION.mn, periodKind: RatePeriodKind.RATE_PERIOD_KIND_DAY, period: day, basis: RateBasis.RATE_BASIS_MINUTE };
      const answer = await waitFor(
        async () => {
          const response = await callRate(client, request);
          return (response.rate?.rate?.received ?? 0) >= ofDay ? response : undefined;
        },
        { description: `the ${day} minute rate to count ${ofDay} records`, timeoutMs: 10_000 },
      );
      const rate = answer.rate?.rate;
      expect(rate?.received).toBe(ofDay);
      expect(rate?.valid).toBe(ofDay);
      expect(rate?.validityRate).toBe(1);
      expect(rate?.expected).toBeGreaterThanOrEqual(ofDay);
      expect(rate?.transmissionRate).toBeCloseTo(ofDay / (rate?.expected ?? 1), 10);
      console.log(`transmission rate ${day} (minute basis): ${JSON.stringify(rate)}`);
      await expect(callRate(client, { ...request, period: '2026-02-30' })).rejects.toMatchObject({ code: 3 });
    } finally {
      client.close();
    }
    const dispatcher = createGrpcClient(TransmissionRateServiceClient, ingest.grpcAddress, { bearerToken: async () => testStaffToken({ role: 'dispatcher', sub: 'dispatcher-wang' }), deadlineMs: 10_000 });
    try {
      await expect(callRate(dispatcher, { deviceMn: STATION.mn, periodKind: RatePeriodKind.RATE_PERIOD_KIND_DAY, period: day, basis: RateBasis.RATE_BASIS_HOUR })).rejects.toMatchObject({ code: 7 });
    } finally {
      dispatcher.close();
    }

    // Yesterday's rates, published through the outbox: the station sent nothing then.
    const published = await recorder.waitForCount(2, (message) => message.topic === ingest.topics.devicesTransmission, 15_000);
    const reports = published.map((message) => TransmissionRateReported.decode(message.value ?? Buffer.alloc(0)).subject);
    const device = reports.find((subject) => subject?.$case === 'device');
    expect(device?.$case === 'device' && device.value).toMatchObject({ deviceMn: STATION.mn, period: chinaDayOf(Date.now() - 86_400_000), rate: { received: 0, expected: 1440, transmissionRate: 0 } });
    expect(reports.some((subject) => subject?.$case === 'enterprise' && subject.value.enterpriseUscc === STATION.enterpriseUscc)).toBe(true);
  }, 120_000);

  it('serves transmission rates to the roles docs/security.md names, cell by cell', async () => {
    const definition = TransmissionRateServiceService as unknown as ServiceDefinition;
    const rows = readAccessMatrix(readFileSync(resolve(ROOT, 'docs/security.md'), 'utf8'), 'ingest transmission grpc');
    expect(rows.map((row) => row.operation).sort()).toEqual(['GetDeviceTransmissionRate', 'GetEnterpriseTransmissionRate']);
    const metadataOf = async (subject: Subject): Promise<Metadata> =>
      subject === 'anonymous'
        ? new Metadata()
        : staffMetadata({ role: subject, ...(ROLES_NEEDING_TOWNSHIP.has(subject) ? { townshipCode: '140802001' } : {}), ...(ROLES_NEEDING_OFFICER.has(subject) ? { officerId: 'GO-YH0001' } : {}) });
    const unexpected: string[] = [];
    let cells = 0;
    for (const row of rows) {
      for (const subject of SUBJECTS) {
        const outcome = await probeUnary(ingest.grpcAddress, definition, row.operation, await metadataOf(subject));
        cells += 1;
        const actual = isDenied(outcome) ? 'deny' : 'allow';
        if (actual !== row.cells[subject]) unexpected.push(`${row.operation} as ${subject}: documented ${row.cells[subject]}, got ${actual} (${outcome.code} ${outcome.reason ?? ''})`);
        if (subject === 'anonymous') expect(outcome).toMatchObject({ code: 16 });
      }
    }
    console.log(`access matrix ingest transmission grpc: ${cells} cells, ${unexpected.length} unexpected`);
    expect(unexpected).toEqual([]);
  });
});
