import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, type CallOptions, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { encodeFlag, encodeFrameToString } from '@ecogrid/standards';
import { CommandState, DeviceCommandChanged, ObservationRecorded, type DeviceCommand } from '@ecogrid/proto/ingest/v1/events';
import { DeviceControlServiceClient, DeviceControlServiceService } from '@ecogrid/proto/ingest/v1/device_control';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { isDenied, probeUnary, readAccessMatrix, ROOT, startIngestProcess, staffMetadata, SUBJECTS, TEST_STAFF_TOKEN_SECRET, testStaffToken, type Subject } from '@ecogrid/e2e';
import { createSimulator, type SimulatedDevice, type Simulator } from '@ecogrid/simulator';
import { createTestSchema, recordTopics, testEnvironment, waitFor, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { ROLES_NEEDING_OFFICER, ROLES_NEEDING_TOWNSHIP } from '@ecogrid/staff-auth';
import { connectDevice } from './support/hj212-client';
import { startIngest, type RunningIngest } from './support/start-ingest';

const station = (mn: string, password: string): Device =>
  Device.create({
    mn,
    name: `反控测试站 ${mn.slice(-2)}`,
    kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
    location: { lon: 111.0, lat: 35.02 },
    enterpriseUscc: '91140800MA0K000001',
    cellId: 'YH-C0001',
    townshipCode: '140802001',
    factors: [{ factorCode: 'a21026', unit: 'mg/m3', limit: 35, limitOnConverted: true }],
    password,
    protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
    tolerant: false,
    enabled: true,
    systemCode: '31',
  });

const SIMULATED = station('140802CC0000000000000001', 'PWA001');
const LATE = station('140802CC0000000000000002', 'PWB002');
const SILENT = station('140802CC0000000000000003', 'PWC003');
const ASKS_TIME = station('140802CC0000000000000004', 'PWD004');
const ELSEWHERE = station('140802CC0000000000000005', 'PWE005');

const simulated = (device: Device): SimulatedDevice => ({
  mn: device.mn,
  password: device.password,
  systemCode: '31',
  category: 'flue_gas',
  profile: '2017',
  factors: [{ code: 'a21026', limit: 35, limitOnConverted: true }],
  clockSkewMs: 0,
});

type Unary<Request, Response> = (request: Request, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Response) => void) => unknown;

/** A generated unary method as a promise; the client's own interceptor adds the operator's token. */
const callUnary = <Request, Response>(method: Unary<Request, Response>, request: Request): Promise<Response> =>
  new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });

/** Real-time every second (30 s at rate 30); a 1062 RtdInterval=120 makes it every 4 s. */
const RATE = 30;

describe('ingest: device control (反控) over real TCP, Kafka and PostgreSQL', () => {
  let ingest: RunningIngest;
  let schema: TestSchema;
  let recorder: TopicRecorder;
  let client: InstanceType<typeof DeviceControlServiceClient>;
  let controlEnv: Record<string, string>;
  const simulators: Simulator[] = [];

  beforeAll(async () => {
    const environment = await testEnvironment();
    schema = await createTestSchema(environment.databaseUrl, 'ingest_control');
    controlEnv = {
      DATABASE_URL: environment.databaseUrl,
      INGEST_SCHEMA: schema.name,
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      NODE_ENV: 'test',
      OUTBOX_POLL_MS: '200',
      COMMAND_SWEEP_MS: '500',
      // The raw stations below send fixed DataTimes: automatic clock correction would queue a 1012 ahead of the
      // commands under test (it has unit tests of its own; the 1013 path is tried here).
      CLOCK_CORRECTION_THRESHOLD_MS: '0',
    };
    ingest = await startIngest('ingest-control', [SIMULATED, LATE, SILENT, ASKS_TIME, ELSEWHERE], controlEnv);
    recorder = await recordTopics(ingest.kafka, [ingest.topics.devicesCommands, ingest.topics.readings]);
    const token = await testStaffToken({ role: 'operator', sub: 'operator-zhang' });
    client = createGrpcClient(DeviceControlServiceClient, ingest.grpcAddress, { bearerToken: () => token, deadlineMs: 10_000 });
  });

  afterAll(async () => {
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    client?.close();
    await ingest?.service.stop();
    await recorder?.stop();
    await schema?.drop();
  });

  const send = (deviceMn: string, commandCode: string, params: Record<string, string>, extra: { overTimeSeconds?: number; reCount?: number } = {}) =>
    callUnary(client.sendCommand.bind(client), { deviceMn, commandCode, params, overTimeSeconds: extra.overTimeSeconds ?? 0, ...(extra.reCount === undefined ? {} : { reCount: extra.reCount }) });
  const get = async (id: string): Promise<DeviceCommand> => {
    const { command } = await callUnary(client.getCommand.bind(client), { id });
    if (!command) throw new Error('GetCommand answered without a command');
    return command;
  };
  const until = (id: string, state: CommandState, timeoutMs = 15_000) =>
    waitFor(async () => {
      const command = await get(id);
      return command.state === state ? command : undefined;
    }, { description: `command ${id} in state ${state}`, timeoutMs });
  /** The states of a command as published on ecogrid.devices.commands.v1, in topic order. */
  const published = (id: string): CommandState[] =>
    recorder.messages
      .filter((message) => message.topic === ingest.topics.devicesCommands)
      .map((message) => DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command)
      .filter((command) => command?.id === id)
      .map((command) => command?.state ?? CommandState.COMMAND_STATE_UNSPECIFIED);
  const startSimulated = async (device: Device): Promise<Simulator> => {
    const simulator = createSimulator({
      devices: [simulated(device)],
      target: { host: '127.0.0.1', port: ingest.hj212Port },
      rate: RATE,
      seed: 'device-control',
      uploads: { realTime: true, minute: false, hour: false },
      realTimeIntervalMs: [30_000, 30_000],
      exceedanceProbability: 0,
      abnormalFlagProbability: 0,
      outageProbability: 0,
      tickMs: 20,
    });
    simulators.push(simulator);
    await simulator.start();
    return simulator;
  };
  /** DataTimes (ms) of the device's real-time readings on ecogrid.readings.v1, in order. */
  const readingTimes = (mn: string): number[] =>
    recorder.messages
      .filter((message) => message.topic === ingest.topics.readings && message.key === mn)
      .map((message) => ObservationRecorded.decode(message.value ?? Buffer.alloc(0)).dataTime?.getTime() ?? 0)
      .sort((a, b) => a - b);

  it('SendCommand 1062 changes a simulated station\'s real-time interval: queued → sent → accepted → succeeded, on the topic and by GetCommand', async () => {
    await startSimulated(SIMULATED);
    // Running at one upload a second before the command.
    const before = await waitFor(() => (readingTimes(SIMULATED.mn).length >= 4 ? readingTimes(SIMULATED.mn) : undefined), { description: 'four real-time readings', timeoutMs: 15_000 });
    const gapsBefore = before.slice(1).map((time, index) => time - (before[index] ?? 0));
    expect(Math.max(...gapsBefore)).toBeLessThanOrEqual(2_000);

    const { command } = await send(SIMULATED.mn, '1062', { RtdInterval: '120' });
    expect(command).toMatchObject({ deviceMn: SIMULATED.mn, commandCode: '1062', state: CommandState.COMMAND_STATE_QUEUED, requestedBy: 'operator-zhang', params: { RtdInterval: '120' } });
    const done = await until(command?.id ?? '', CommandState.COMMAND_STATE_SUCCEEDED);
    expect(done).toMatchObject({ qnRtn: 1, exeRtn: 1, attempts: 1, overTimeSeconds: 10, reCount: 3 });
    expect(done.requestNumber).toMatch(/^\d{17}$/);
    await waitFor(() => (published(done.id).length >= 4 ? true : undefined), { description: 'four changes on the topic' });
    expect(published(done.id)).toEqual([CommandState.COMMAND_STATE_QUEUED, CommandState.COMMAND_STATE_SENT, CommandState.COMMAND_STATE_ACCEPTED, CommandState.COMMAND_STATE_SUCCEEDED]);
    const keyed = recorder.messages.filter((message) => message.topic === ingest.topics.devicesCommands && DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command?.id === done.id);
    expect(new Set(keyed.map((message) => message.key))).toEqual(new Set([SIMULATED.mn]));

    // Uploads now come every 120 s / RATE = 4 s: three readings after the change are at least 3.5 s apart.
    const changedAt = (done.finishedTime?.getTime() ?? 0) + 1_000;
    const after = await waitFor(
      () => {
        const times = readingTimes(SIMULATED.mn).filter((time) => time > changedAt);
        return times.length >= 3 ? times : undefined;
      },
      { description: 'three readings after the 1062', timeoutMs: 20_000 },
    );
    const gapsAfter = after.slice(1).map((time, index) => time - (after[index] ?? 0));
    console.log(`1062: real-time gaps before ${gapsBefore.join('/')} ms, after ${gapsAfter.join('/')} ms`);
    expect(Math.min(...gapsAfter)).toBeGreaterThanOrEqual(3_000);
  });

  it('keeps a command for an offline station and delivers it when the station connects; its 1061 data is linked by QN', async () => {
    const { command } = await send(LATE.mn, '1061', {});
    const id = command?.id ?? '';
    expect((await get(id)).state).toBe(CommandState.COMMAND_STATE_QUEUED);
    await startSimulated(LATE);
    const done = await until(id, CommandState.COMMAND_STATE_SUCCEEDED);
    expect(done.data).toEqual([expect.objectContaining({ commandCode: '1061', params: { RtdInterval: '30' } })]);
    const list = await callUnary(client.listCommands.bind(client), { deviceMn: LATE.mn, pageSize: 10, pageToken: '' });
    expect(list.commands.map((item) => item.id)).toEqual([id]);
  });

  it('times out a station that never answers after OverTime × (ReCount + 1), with the ReCount re-sends seen on the wire', async () => {
    const device = await connectDevice(ingest.hj212Port);
    // One authenticated upload makes the connection the station's.
    device.send(
      encodeFrameToString({
        qn: '20261206160000001',
        st: '31',
        cn: '2011',
        pw: SILENT.password,
        mn: SILENT.mn,
        flag: encodeFlag({ version: '2017', needsAck: true }),
        cp: { text: 'DataTime=20261206160000;a21026-Rtd=12.5,a21026-Flag=N' },
      }),
    );
    await device.waitForReplies(1);
    const started = Date.now();
    const { command } = await send(SILENT.mn, '1063', {}, { overTimeSeconds: 1, reCount: 2 });
    const timedOut = await until(command?.id ?? '', CommandState.COMMAND_STATE_TIMED_OUT);
    const requests = device.replies.filter((frame) => frame.cn === '1063');
    console.log(`silent station: ${requests.length} frames of the 1063 on the wire, timed out after ${Date.now() - started} ms`);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((frame) => frame.qn))).toEqual(new Set([timedOut.requestNumber]));
    expect(requests[0]).toMatchObject({ st: '31', pw: SILENT.password, mn: SILENT.mn, flag: { value: 5 } });
    expect(timedOut).toMatchObject({ attempts: 3, reason: 'no_answer' });
    expect((timedOut.finishedTime?.getTime() ?? 0) - (timedOut.sentTime?.getTime() ?? 0)).toBeGreaterThanOrEqual(3_000);
    await device.close();
  });

  it('answers a 1013 with 9013 and then sets the station clock with a 1012 of origin clock', async () => {
    const device = await connectDevice(ingest.hj212Port);
    device.send(encodeFrameToString({ qn: '20261206160000002', st: '31', cn: '1013', pw: ASKS_TIME.password, mn: ASKS_TIME.mn, flag: 5, cp: { params: { PolId: 'a21026' } } }));
    const [notification, setTime] = await device.waitForReplies(2);
    expect(notification).toMatchObject({ cn: '9013', qn: '20261206160000002' });
    expect(setTime).toMatchObject({ cn: '1012', mn: ASKS_TIME.mn, flag: { value: 5 }, cp: { params: { PolId: 'a21026' } } });
    expect(setTime?.cp.params.SystemTime).toMatch(/^\d{14}$/);
    const list = await callUnary(client.listCommands.bind(client), { deviceMn: ASKS_TIME.mn, pageSize: 10, pageToken: '' });
    expect(list.commands[0]).toMatchObject({ commandCode: '1012', origin: 2, requestedBy: 'ingest', state: CommandState.COMMAND_STATE_SENT });
    await device.close();
  });

  it('with two instances, the one holding the station\'s connection sends a command asked of the other (woken by the topic, or at worst by its sweep)', async () => {
    const second = await startIngestProcess({ topicPrefix: ingest.prefix, redisPrefix: ingest.redisPrefix, env: controlEnv });
    try {
      const device = await connectDevice(second.hj212Port);
      const frameOf = (cn: string, qn: string, params: Record<string, string>, st = '91') =>
        encodeFrameToString({ qn, st, cn, pw: ELSEWHERE.password, mn: ELSEWHERE.mn, flag: cn === '2011' ? 5 : 4, cp: { params } });
      device.send(frameOf('2011', '20261206160000005', { DataTime: '20261206160000', 'a21026-Rtd': '3.2' }, '31'));
      await device.waitForReplies(1);
      const { command } = await send(ELSEWHERE.mn, '1061', {});
      const [, request] = await device.waitForReplies(2);
      expect(request).toMatchObject({ cn: '1061', mn: ELSEWHERE.mn, pw: ELSEWHERE.password, st: '31', flag: { value: 5 } });
      const qn = request?.qn ?? '';
      device.send(frameOf('9011', qn, { QnRtn: '1' }));
      device.send(frameOf('1061', qn, { RtdInterval: '45' }, '31'));
      device.send(frameOf('9012', qn, { ExeRtn: '1' }));
      const done = await until(command?.id ?? '', CommandState.COMMAND_STATE_SUCCEEDED);
      expect(done.data.map((item) => item.params)).toEqual([{ RtdInterval: '45' }]);
      await device.close();
    } finally {
      await second.service.stop();
    }
  });

  it('refuses a command the platform may not send, with the field at fault', async () => {
    const error = await send(SIMULATED.mn, '1062', { RtdInterval: '5' }).catch((caught: ServiceError) => caught);
    expect(error).toMatchObject({ code: 3 });
    expect((error as ServiceError).metadata.get('ecogrid-field')).toEqual(['params.RtdInterval']);
  });

  it('lets only the operator role in: every role on every operation as docs/security.md says', async () => {
    const definition = DeviceControlServiceService as unknown as ServiceDefinition;
    const rows = readAccessMatrix(readFileSync(resolve(ROOT, 'docs/security.md'), 'utf8'), 'ingest grpc');
    expect(rows.map((row) => row.operation).sort()).toEqual(['GetCommand', 'ListCommands', 'SendCommand']);
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
        else if (subject !== 'operator') expect(outcome).toMatchObject({ code: 7, reason: 'role_not_allowed' });
      }
    }
    console.log(`access matrix ingest grpc: ${cells} cells, ${unexpected.length} unexpected`);
    expect(unexpected).toEqual([]);
  });
});
