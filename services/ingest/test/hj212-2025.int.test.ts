import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { parseKeyRing } from '@ecogrid/device-credentials';
import { CP_ENCRYPTION_ANNEX_A2, encodeEncryptedFrame, encodeFrame, type CpEncryption, type Hj212Frame, type Hj212FrameInput } from '@ecogrid/standards';
import { CommandOrigin, CommandState, ConnectionState, DeviceCommandChanged, DeviceStatusReported, ObservationRecorded, ReadingRejected, StatusAspect, type DeviceCommand } from '@ecogrid/proto/ingest/v1/events';
import { DeviceControlServiceClient } from '@ecogrid/proto/ingest/v1/device_control';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { TEST_STAFF_TOKEN_SECRET, testStaffToken } from '@ecogrid/e2e';
import { createTestSchema, recordTopics, testEnvironment, waitFor, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { connectDevice, type DeviceConnection } from './support/hj212-client';
import { startIngest, type RunningIngest } from './support/start-ingest';

/** The platform's key-encryption keys in this test (as DEVICE_KEY_KEKS): the registry wraps, ingest opens. */
const KEKS = `kek-2026:${'5c'.repeat(32)}`;
const ring = parseKeyRing(KEKS);
/** Annex A.2's example key, 16 × 0x30. */
const KEY_0 = Buffer.alloc(16, 0x30);
const WRONG_KEY = Buffer.from('NotTheDevicesKey');
const GRACE_MS = 60_000;

const wireWrapped = (wrapped: ReturnType<typeof ring.wrap>) => ({ ...wrapped, iv: Buffer.from(wrapped.iv), ciphertext: Buffer.from(wrapped.ciphertext), tag: Buffer.from(wrapped.tag) });

const station2025 = (mn: string, password: string, key: Uint8Array | undefined, layout?: Omit<CpEncryption, 'key'>): Device =>
  Device.create({
    mn,
    name: `2025 站 ${mn.slice(-2)}`,
    kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
    location: { lon: 111.0, lat: 35.02 },
    enterpriseUscc: '91140800MA0K000001',
    cellId: 'YH-C0001',
    townshipCode: '140802001',
    factors: [{ factorCode: 'a21026', unit: 'mg/m3', limit: 35, limitOnConverted: true }],
    password,
    protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2025,
    tolerant: false,
    enabled: true,
    systemCode: '31',
    // As the registry publishes it: wrapped with the KEK, bound to the MN.
    ...(key ? { sm4KeyWrapped: wireWrapped(ring.wrap(mn, key)), hasSm4Key: true } : {}),
    ...(layout ? { cpEncryption: layout } : {}),
  });

const ANNEX = station2025('140802EE0000000000000001', 'PWK001', KEY_0);
const BASE64 = station2025('140802EE0000000000000002', 'PWK002', KEY_0, { encoding: 'base64', padding: 'pkcs7', lengthCounts: 'transmitted', crcOver: 'transmitted' });
const ROTATES = station2025('140802EE0000000000000003', 'PWK003', KEY_0);
const PLAIN = station2025('140802EE0000000000000004', 'PWK004', undefined);

const layoutOf = (device: Device): Omit<CpEncryption, 'key'> =>
  device.cpEncryption ? (device.cpEncryption as Omit<CpEncryption, 'key'>) : CP_ENCRYPTION_ANNEX_A2;

let qnCounter = 0;
const beijingDigits = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().replace(/[-:TZ.]/g, '');
/** A fresh QN per frame, and a DataTime of its own (a second apart, from five minutes ago): each reading is new. */
const stamp = (): { qn: string; dataTime: string } => {
  qnCounter += 1;
  return { qn: `${beijingDigits(Date.now()).slice(0, 14)}${String(qnCounter % 1000).padStart(3, '0')}`, dataTime: beijingDigits(Date.now() - 300_000 + qnCounter * 1000).slice(0, 14) };
};

const realTime = (device: Device, value: string): Hj212FrameInput => {
  const { qn, dataTime } = stamp();
  return { qn, st: '31', cn: '2011', pw: device.password, mn: device.mn, flag: 9, cp: { dataTime, factors: { a21026: { Rtd: value, Flag: 'N' } } } };
};

type Unary<Request, Response> = (request: Request, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Response) => void) => unknown;
const callUnary = <Request, Response>(method: Unary<Request, Response>, request: Request): Promise<Response> =>
  new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });

describe('ingest: HJ 212-2025 link features over real TCP, Kafka and PostgreSQL', () => {
  let ingest: RunningIngest;
  let schema: TestSchema;
  let recorder: TopicRecorder;
  let client: InstanceType<typeof DeviceControlServiceClient>;
  const connections: DeviceConnection[] = [];

  beforeAll(async () => {
    const environment = await testEnvironment();
    schema = await createTestSchema(environment.databaseUrl, 'ingest_2025');
    ingest = await startIngest('ingest-2025', [ANNEX, BASE64, ROTATES, PLAIN], {
      DATABASE_URL: environment.databaseUrl,
      INGEST_SCHEMA: schema.name,
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      NODE_ENV: 'test',
      OUTBOX_POLL_MS: '200',
      COMMAND_SWEEP_MS: '500',
      CLOCK_CORRECTION_THRESHOLD_MS: '0',
      BACKFILL_MAX_ATTEMPTS: '0',
      DEVICE_KEY_KEKS: KEKS,
      SM4_KEY_GRACE_MS: String(GRACE_MS),
      // Heartbeats keep a device's connection: silent for 2 s, it is closed.
      HJ212_IDLE_TIMEOUT_MS: '2000',
    });
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readings, ingest.topics.readingsRejected, ingest.topics.devicesStatus, ingest.topics.devicesCommands]);
    const token = await testStaffToken({ role: 'operator', sub: 'operator-li' });
    client = createGrpcClient(DeviceControlServiceClient, ingest.grpcAddress, { bearerToken: () => token, deadlineMs: 10_000 });
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    client?.close();
    await ingest?.service.stop();
    await recorder?.stop();
    await schema?.drop();
  });

  const connect = async (keys?: () => CpEncryption | undefined): Promise<DeviceConnection> => {
    const connection = await connectDevice(ingest.hj212Port, keys ? { encryption: () => keys() } : {});
    connections.push(connection);
    return connection;
  };
  const readings = (mn: string) =>
    recorder.messages.filter((message) => message.topic === ingest.topics.readings && message.key === mn).map((message) => ObservationRecorded.decode(message.value ?? Buffer.alloc(0)));
  const rejections = (mn: string) =>
    recorder.messages.filter((message) => message.topic === ingest.topics.readingsRejected).map((message) => ReadingRejected.decode(message.value ?? Buffer.alloc(0))).filter((rejection) => rejection.deviceMn === mn);
  const statuses = (mn: string, aspect: StatusAspect) =>
    recorder.messages
      .filter((message) => message.topic === ingest.topics.devicesStatus)
      .map((message) => DeviceStatusReported.decode(message.value ?? Buffer.alloc(0)))
      .filter((status) => status.deviceMn === mn && status.aspect === aspect);
  const reply = (connection: DeviceConnection, qn: string, cn: string): Promise<Hj212Frame> =>
    waitFor(() => connection.replies.find((frame) => frame.qn === qn && frame.cn === cn), { description: `${cn} for QN ${qn}`, timeoutMs: 15_000 });
  const rejectedMetric = async (reason: string): Promise<number> => {
    const text = await (await fetch(`${ingest.adminUrl}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('ingest_rejected_total{') && line.includes(`reason="${reason}"`))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };

  it('takes encrypted data under the Annex A.2 layout and under a per-device base64/PKCS#7 layout: answered with 9014, published in clear', async () => {
    for (const device of [ANNEX, BASE64]) {
      const connection = await connect();
      const frame = realTime(device, '12.5');
      const bytes = encodeEncryptedFrame(frame, { key: KEY_0, ...layoutOf(device) });
      expect(Buffer.from(bytes).toString('latin1')).not.toContain('a21026-Rtd=12.5');
      connection.send(bytes);
      const answer = await reply(connection, frame.qn ?? '', '9014');
      expect(answer.flag?.value).toBe(8);
      const stored = await waitFor(() => readings(device.mn)[0], { description: `${device.mn} on the readings topic` });
      expect(stored.measurements.find((measurement) => measurement.factorCode === 'a21026')).toMatchObject({ value: 12.5 });
      await connection.close();
    }
    console.log(`[2025 link] encrypted 2011 answered and published: ${ANNEX.mn} (braces/none/plaintext/plaintext), ${BASE64.mn} (base64/pkcs7/transmitted/transmitted)`);
  });

  it('refuses a frame its key does not open as decrypt_failed — published with its bytes, counted, not answered — and a plaintext upload from a keyed device alike', async () => {
    const before = await rejectedMetric('decrypt_failed');
    const connection = await connect();
    const wrong = realTime(ANNEX, '99');
    connection.send(encodeEncryptedFrame(wrong, { key: WRONG_KEY, ...CP_ENCRYPTION_ANNEX_A2 }));
    const plain = realTime(ANNEX, '98');
    connection.send(encodeFrame(plain));
    // The device's next good frame is answered: nothing before it was.
    const good = realTime(ANNEX, '13');
    connection.send(encodeEncryptedFrame(good, { key: KEY_0, ...CP_ENCRYPTION_ANNEX_A2 }));
    await reply(connection, good.qn ?? '', '9014');
    expect(connection.replies.filter((frame) => frame.qn === wrong.qn || frame.qn === plain.qn)).toEqual([]);
    const refused = await waitFor(() => (rejections(ANNEX.mn).length >= 2 ? rejections(ANNEX.mn) : undefined), { description: 'two decrypt_failed rejections' });
    expect(refused.map((rejection) => rejection.reasonCode)).toEqual(['decrypt_failed', 'decrypt_failed']);
    expect(Buffer.from(refused[0]?.raw ?? []).toString('latin1')).toContain('CP=&&{0x');
    await waitFor(async () => ((await rejectedMetric('decrypt_failed')) >= before + 2 ? true : undefined), { description: 'ingest_rejected_total{reason="decrypt_failed"} counted' });
    expect(readings(ANNEX.mn).some((reading) => reading.measurements.some((measurement) => measurement.value === 99 || measurement.value === 98))).toBe(false);
    await connection.close();
  });

  it('rotates a key with 1014: sent encrypted with the old key, confirmed by 9012 ExeRtn=1, then frames open with the new key — and with the old one within the grace window', async () => {
    let deviceKey: Uint8Array = KEY_0;
    const connection = await connect(() => ({ key: deviceKey, ...CP_ENCRYPTION_ANNEX_A2 }));
    const hello = realTime(ROTATES, '10');
    connection.send(encodeEncryptedFrame(hello, { key: KEY_0, ...CP_ENCRYPTION_ANNEX_A2 }));
    await reply(connection, hello.qn ?? '', '9014');

    const { command: queued } = await callUnary(client.sendCommand.bind(client), { deviceMn: ROTATES.mn, commandCode: '1014', params: {}, overTimeSeconds: 5, reCount: 1 });
    if (!queued) throw new Error('SendCommand answered without a command');
    // What is stored and published holds the key only sealed.
    expect(queued.params.NewSK).toMatch(/^sm4k1:kek-2026:/);
    const request = await waitFor(() => connection.replies.find((frame) => frame.cn === '1014'), { description: 'the 1014 on the device connection' });
    const newSk = request.cp.params.NewSK ?? '';
    expect(newSk).toHaveLength(16);
    expect(request.cp.params.SKCreateTime).toMatch(/^\d{17}$/);
    expect(queued.params.NewSK).not.toContain(newSk);
    const answer = (cn: string, cp: Record<string, string>): Uint8Array =>
      encodeFrame({ qn: request.qn, st: '91', cn, pw: ROTATES.password, mn: ROTATES.mn, flag: 8, cp: { params: cp } });
    connection.send(answer('9011', { QnRtn: '1' }));
    connection.send(answer('9012', { ExeRtn: '1' }));
    const done = await waitFor(
      async () => {
        const { command } = await callUnary(client.getCommand.bind(client), { id: queued.id });
        return command?.state === CommandState.COMMAND_STATE_SUCCEEDED ? command : undefined;
      },
      { description: 'the 1014 succeeded' },
    );
    expect(done.params.NewSK).toBe(queued.params.NewSK);
    deviceKey = Buffer.from(newSk, 'latin1');

    const underNew = realTime(ROTATES, '11');
    connection.send(encodeEncryptedFrame(underNew, { key: deviceKey, ...CP_ENCRYPTION_ANNEX_A2 }));
    await reply(connection, underNew.qn ?? '', '9014');
    // Sent before the device switched, arriving after: the old key still opens it, within the grace window.
    const inFlight = realTime(ROTATES, '12');
    connection.send(encodeEncryptedFrame(inFlight, { key: KEY_0, ...CP_ENCRYPTION_ANNEX_A2 }));
    await reply(connection, inFlight.qn ?? '', '9014');
    await waitFor(() => (readings(ROTATES.mn).length >= 3 ? true : undefined), { description: 'three readings of the rotating device' });

    const changes: DeviceCommand[] = recorder.messages
      .filter((message) => message.topic === ingest.topics.devicesCommands)
      .map((message) => DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command)
      .filter((command): command is DeviceCommand => command?.id === queued.id);
    expect(changes.length).toBeGreaterThan(0);
    for (const message of recorder.messages.filter((entry) => entry.topic === ingest.topics.devicesCommands)) expect(message.value?.includes(Buffer.from(newSk, 'latin1'))).toBe(false);
    console.log(`[2025 link] 1014 rotation: ${changes.map((change) => CommandState[change.state]).join(' → ')}; new key opens, old key opens within ${GRACE_MS} ms`);
    await connection.close();
  });

  it('answers a device asking for a new key (1014 SKCreateTime, encrypted) with 9013, then hands it one with a 1014 of origin key_request', async () => {
    const connection = await connect(() => ({ key: KEY_0, ...CP_ENCRYPTION_ANNEX_A2 }));
    const { qn } = stamp();
    const ask: Hj212FrameInput = { qn, st: '31', cn: '1014', pw: ANNEX.password, mn: ANNEX.mn, flag: 9, cp: { params: { SKCreateTime: qn } } };
    connection.send(encodeEncryptedFrame(ask, { key: KEY_0, ...CP_ENCRYPTION_ANNEX_A2 }));
    expect(await reply(connection, qn, '9013')).toMatchObject({ cn: '9013', mn: ANNEX.mn });
    const request = await waitFor(() => connection.replies.find((frame) => frame.cn === '1014'), { description: 'the platform 1014 on the connection' });
    expect(request.cp.params.NewSK).toHaveLength(16);
    const origin = await waitFor(
      () =>
        recorder.messages
          .filter((message) => message.topic === ingest.topics.devicesCommands && message.key === ANNEX.mn)
          .map((message) => DeviceCommandChanged.decode(message.value ?? Buffer.alloc(0)).command)
          .find((command) => command?.commandCode === '1014')?.origin,
      { description: 'the key_request 1014 on the commands topic' },
    );
    expect(origin).toBe(CommandOrigin.COMMAND_ORIGIN_KEY_REQUEST);
    await connection.close();
  });

  it('answers the 9015 heartbeat with 9013 and keeps the device online on it; silent past the idle timeout, it goes offline', async () => {
    const connection = await connect();
    const beat = (): string => {
      const { qn } = stamp();
      connection.send(encodeFrame({ qn, st: '31', cn: '9015', pw: PLAIN.password, mn: PLAIN.mn, flag: 9, cp: {} }));
      return qn;
    };
    const first = beat();
    const answered = await reply(connection, first, '9013');
    expect(answered).toMatchObject({ st: '91', cn: '9013', mn: PLAIN.mn });
    await waitFor(() => statuses(PLAIN.mn, StatusAspect.STATUS_ASPECT_CONNECTION).find((status) => status.connection === ConnectionState.CONNECTION_STATE_ONLINE), { description: 'online on the heartbeat' });
    // Three idle timeouts of heartbeats every 500 ms: the connection stays, and no offline is published.
    const started = Date.now();
    let beats = 1;
    while (Date.now() - started < 6_000) {
      const qn = beat();
      beats += 1;
      await reply(connection, qn, '9013');
      await waitFor(() => (Date.now() - started >= beats * 500 ? true : undefined), { description: 'the next heartbeat time', intervalMs: 50 });
    }
    expect(connection.closed).toBe(false);
    expect(statuses(PLAIN.mn, StatusAspect.STATUS_ASPECT_CONNECTION).some((status) => status.connection === ConnectionState.CONNECTION_STATE_OFFLINE)).toBe(false);
    // Silence: the idle timeout closes the connection and the device is offline.
    await waitFor(() => (connection.closed ? true : undefined), { description: 'the silent connection closed', timeoutMs: 10_000 });
    await waitFor(() => statuses(PLAIN.mn, StatusAspect.STATUS_ASPECT_CONNECTION).find((status) => status.connection === ConnectionState.CONNECTION_STATE_OFFLINE), { description: 'offline after the silence' });
    console.log(`[2025 link] ${beats} heartbeats over ${Date.now() - started} ms kept ${PLAIN.mn} online (idle timeout 2000 ms); silence took it offline`);
  });

  it('answers 1001 hardware-serial registration with 9013 and records the serial on the device status; an unregistered MN gets no answer', async () => {
    const connection = await connect();
    const { qn } = stamp();
    const serial = { 'i23005-Info': 'DL2025A0001', 'i23006-Info': 'CPU0A1B2C3D4E5F', 'i23007-Info': '00:1A:2B:3C:4D:5E', 'i23008-Info': '00:1A:2B:3C:4D:5F' };
    connection.send(encodeFrame({ qn, st: '31', cn: '1001', pw: PLAIN.password, mn: PLAIN.mn, flag: 9, cp: { params: serial } }));
    expect(await reply(connection, qn, '9013')).toMatchObject({ cn: '9013', st: '91' });
    const recorded = await waitFor(() => statuses(PLAIN.mn, StatusAspect.STATUS_ASPECT_HARDWARE_SERIAL)[0], { description: 'the hardware serial on the status topic' });
    const items = Object.fromEntries(recorded.items.map((item) => [`${item.code}-${Object.keys(item.fields)[0] ?? ''}`, Object.values(item.fields)[0]]));
    expect(items).toMatchObject(serial);

    const stranger = stamp();
    connection.send(encodeFrame({ qn: stranger.qn, st: '31', cn: '1001', pw: '123456', mn: '140802EE9999999999999999', flag: 9, cp: { params: serial } }));
    await waitFor(() => rejections('140802EE9999999999999999').find((rejection) => rejection.reasonCode === 'unknown_device'), { description: 'the unregistered 1001 refused' });
    expect(connection.replies.some((frame) => frame.qn === stranger.qn)).toBe(false);
    await connection.close();
  });
});
