import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { Metadata, status, type CallOptions, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { createEventPublisher, ensureTopics, topicNames, TOPICS } from '@ecogrid/kafka';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { OfficerRole, TargetKind } from '@ecogrid/proto/registry/v1/entities';
import { CellChanged, DeviceChanged } from '@ecogrid/proto/registry/v1/events';
import { ImportKind, OnDutySource, RegistryServiceClient, type RegistryServiceServer } from '@ecogrid/proto/registry/v1/registry';
import { createRegistryView, type RegistryView } from '@ecogrid/registry-view';
import { createLogger } from '@ecogrid/telemetry';
import { TEST_STAFF_TOKEN_SECRET, testStaffToken } from '@ecogrid/e2e';
import { parseKeyRing, sealedKeyText, verifyPassword, type PasswordVerifier } from '@ecogrid/device-credentials';
import { CommandState, DeviceCommand, DeviceCommandChanged } from '@ecogrid/proto/ingest/v1/events';
import type { PasswordVerifier as WireVerifier } from '@ecogrid/proto/registry/v1/entities';
import {
  createTestSchema,
  freePort,
  recordTopics,
  startServiceProcess,
  testEnvironment,
  testKafka,
  uniqueTopicPrefix,
  waitFor,
  type ServiceProcess,
  type TestSchema,
  type TopicRecorder,
} from '@ecogrid/testkit';

const run = promisify(execFile);
const DATA = resolve(__dirname, '../data/yanhu');
const yanhuCells = (JSON.parse(readFileSync(resolve(DATA, 'cells.geojson'), 'utf8')) as {
  features: Array<{ properties: { id: string; township_code: string }; geometry: { coordinates: number[][][] } }>;
}).features;

/**
 * The instant these tests ask who is on duty, so the answer does not depend on the day they run. The demo
 * roster's only shifts are on the weekend of 5–6 December 2026 (a neighbour covers a few cells), so on an
 * ordinary Wednesday morning every cell's own grid officer is on duty. It lies after any day the service could
 * seed its grid: seeded cells are valid from their import, and an earlier instant is answered from cell
 * history, where the seeded grid does not exist yet.
 */
const ON_DUTY_AT = new Date('2099-03-04T10:00:00+08:00');
/** Inside the demo roster's weekend shifts: GO-YH0008 covers YH0009 (services/registry/data/yanhu/officers.csv). */
const WEEKEND_SHIFT_AT = new Date('2026-12-06T10:00:00+08:00');

/** Key-encryption keys of the service under test: the first wraps. */
const TEST_KEKS = `kek-test-2:${'42'.repeat(32)},kek-test-1:${'17'.repeat(32)}`;

/** MN → password from the demo devices file the service seeds. */
function devicePasswords(): Map<string, string> {
  const [header, ...rows] = readFileSync(resolve(DATA, 'devices.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const columns = (header ?? '').split(',');
  const mnAt = columns.indexOf('mn');
  const passwordAt = columns.indexOf('password');
  // Names may hold no comma before the password column in this file; a plain split is enough for mn and password.
  return new Map(rows.map((row) => row.split(',')).map((cells) => [cells[mnAt] ?? '', cells[passwordAt] ?? '']));
}

const toVerifier = (verifier: WireVerifier | undefined): PasswordVerifier => ({
  algorithm: 'scrypt',
  log2N: verifier?.log2N ?? 0,
  blockSize: verifier?.blockSize ?? 0,
  parallelism: verifier?.parallelism ?? 0,
  salt: verifier?.salt ?? new Uint8Array(),
  hash: verifier?.hash ?? new Uint8Array(),
});

type Method = keyof RegistryServiceServer & keyof RegistryServiceClient;
type RequestOf<K extends Method> = RegistryServiceServer[K] extends handleUnaryCall<infer Request, unknown> ? Request : never;
type ResponseOf<K extends Method> = RegistryServiceServer[K] extends handleUnaryCall<never, infer Response> ? Response : never;
type Unary<Request, Response> = (request: Request, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Response) => void) => unknown;

let client: RegistryServiceClient;
let grpcAddress = '';
/** One typed unary call by method name (generated clients overload every method, which defeats inference). */
const rpc = <K extends Method>(name: K, request: RequestOf<K>): Promise<ResponseOf<K>> =>
  callUnary((client[name] as unknown as Unary<RequestOf<K>, ResponseOf<K>>).bind(client), request, 30_000);

/** The gRPC error of a failed call, with the ecogrid trailers. */
async function failure(call: Promise<unknown>): Promise<{ code: number; reason: string; field: string; details: string }> {
  try {
    await call;
  } catch (error) {
    const serviceError = error as ServiceError;
    const metadata = serviceError.metadata ?? new Metadata();
    return { code: serviceError.code, details: serviceError.details, reason: String(metadata.get('ecogrid-reason')[0] ?? ''), field: String(metadata.get('ecogrid-field')[0] ?? '') };
  }
  throw new Error('the call succeeded');
}

// The service runs from its build as its own process, seeded with the Yanhu dataset as `pnpm start` does.
describe('registry service against PostgreSQL/PostGIS and Kafka', () => {
  let kafka: Kafka;
  let schema: TestSchema;
  let service: ServiceProcess;
  let recorder: TopicRecorder;
  let view: RegistryView;
  let db: Client;
  let env: Awaited<ReturnType<typeof testEnvironment>>;
  const prefix = uniqueTopicPrefix('registry');
  const topics = topicNames(prefix);
  const logger = createLogger({ service: 'registry-test', level: 'warn' });

  beforeAll(async () => {
    env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    schema = await createTestSchema(env.databaseUrl, 'registry');
    await ensureTopics(kafka, { prefix });
    recorder = await recordTopics(kafka, [topics.registryCells, topics.registryDevices, topics.registryOfficers, topics.registryEnterprises, topics.registryTargets]);
    const [grpcPort, adminPort] = [await freePort(), await freePort()];
    service = await startServiceProcess({
      entry: resolve(__dirname, '../dist/main.js'),
      readyUrl: `http://127.0.0.1:${adminPort}/readyz`,
      readyTimeoutMs: 120_000,
      env: {
        KAFKA_BROKERS: env.kafkaBrokers,
        DATABASE_URL: env.databaseUrl,
        REGISTRY_SCHEMA: schema.name,
        TOPIC_PREFIX: prefix,
        GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
        SEED_DATASET: 'yanhu',
        OUTBOX_POLL_MS: '200',
        STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
        DEVICE_KEY_KEKS: TEST_KEKS,
        LOG_LEVEL: 'warn',
      },
    });
    // The registry's administrator: the tests below read and change the registry.
    const adminToken = await testStaffToken({ role: 'admin' });
    client = createGrpcClient(RegistryServiceClient, `127.0.0.1:${grpcPort}`, { deadlineMs: 30_000, bearerToken: () => adminToken });
    grpcAddress = `127.0.0.1:${grpcPort}`;
    db = new Client({ connectionString: schema.url });
    await db.connect();
  });

  afterAll(async () => {
    client?.close();
    await view?.stop();
    await service?.stop();
    await recorder?.stop();
    await db?.end();
    await schema?.drop();
  });

  it('publishes the seeded import to the compacted topics, keyed by id, with a fresh id per change as ce_id', async () => {
    const cells = await recorder.waitForCount(yanhuCells.length, (message) => message.topic === topics.registryCells, 30_000);
    expect(new Set(cells.map((message) => message.key))).toEqual(new Set(yanhuCells.map((feature) => feature.properties.id)));
    const first = cells.find((message) => message.key === 'YH0001');
    expect(first?.headers).toMatchObject({ ce_type: 'ecogrid.registry.v1.CellChanged', ce_source: '/ecogrid/registry', 'content-type': 'application/protobuf' });
    expect(first?.headers.ce_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const event = CellChanged.decode(first?.value ?? Buffer.alloc(0));
    expect(event.cell).toMatchObject({ id: 'YH0001', version: 1, townshipCode: yanhuCells[0]?.properties.township_code });
    expect(event.township?.name).toMatch(/(乡|镇|街道)$/);
    const devices = await recorder.waitForCount(87, (message) => message.topic === topics.registryDevices);
    // The topic carries a salted verifier of each password, never the password: it checks the password of the
    // devices file and nothing else, and no record holds the password's bytes anywhere.
    const passwords = devicePasswords();
    let verified = 0;
    for (const message of devices) {
      const device = DeviceChanged.decode(message.value ?? Buffer.alloc(0)).device;
      const password = passwords.get(device?.mn ?? '') ?? '';
      expect(device?.password).toBe('');
      expect(device?.passwordVerifier).toMatchObject({ algorithm: 'scrypt', log2N: 14, blockSize: 8, parallelism: 1 });
      expect(message.value?.includes(Buffer.from(`${password}`))).toBe(false);
      if (await verifyPassword(toVerifier(device?.passwordVerifier), password)) verified += 1;
      expect(await verifyPassword(toVerifier(device?.passwordVerifier), `${password}x`)).toBe(false);
    }
    console.log(`[devices topic] ${devices.length} device records, ${verified} verifiers check their password from devices.csv, 0 carry a password`);
    expect(verified).toBe(devices.length);
  });

  it('rotates a device password from the command line: the new verifier is published and the old password no longer checks', async () => {
    const mn = [...devicePasswords().keys()][0] ?? '';
    const old = devicePasswords().get(mn) ?? '';
    const from = recorder.messages.length;
    const cli = await run(process.execPath, [resolve(__dirname, '../dist/cli/rotate-password.js'), mn], {
      env: { ...process.env, DATABASE_URL: env.databaseUrl, REGISTRY_SCHEMA: schema.name, KAFKA_BROKERS: env.kafkaBrokers, TOPIC_PREFIX: prefix },
    });
    const password = /new password (\S+)/.exec(cli.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const event = await waitFor(() => recorder.messages.slice(from).find((message) => message.topic === topics.registryDevices && message.key === mn), {
      timeoutMs: 30_000,
      description: 'the rotated device on the topic',
    });
    const verifier = toVerifier(DeviceChanged.decode(event?.value ?? Buffer.alloc(0)).device?.passwordVerifier);
    expect(await verifyPassword(verifier, password)).toBe(true);
    expect(await verifyPassword(verifier, old)).toBe(false);
    // Nowhere in an answer either, whoever asks.
    const answered = (await rpc('getDevice', { mn })).device;
    expect(answered).toMatchObject({ mn, password: '', passwordVerifier: undefined });
  });

  it('keeps a device SM4 key only wrapped: on the topic under the KEK and bound to the MN, in no answer, stored nowhere in clear', async () => {
    const [mn, password] = [...devicePasswords().entries()][1] ?? ['', ''];
    const device = (await rpc('getDevice', { mn })).device;
    expect(device?.hasSm4Key).toBe(false);
    const from = recorder.messages.length;
    const key = 'Q8v!tW3#kZ9p$Lm2';
    const layout = { encoding: 'base64', padding: 'pkcs7', lengthCounts: 'transmitted', crcOver: 'plaintext' };
    const upserted = (await rpc('upsertDevice', { device: { ...(device as NonNullable<typeof device>), password, sm4Key: key, cpEncryption: layout } })).device;
    expect(upserted).toMatchObject({ mn, sm4KeyWrapped: undefined, hasSm4Key: true, cpEncryption: layout });
    expect(upserted?.sm4Key).toBeUndefined();
    const event = await waitFor(() => recorder.messages.slice(from).find((message) => message.topic === topics.registryDevices && message.key === mn), {
      timeoutMs: 30_000,
      description: 'the device with its key on the topic',
    });
    const published = DeviceChanged.decode(event?.value ?? Buffer.alloc(0)).device;
    expect(published?.sm4Key).toBeUndefined();
    expect(published?.sm4KeyWrapped?.kekId).toBe('kek-test-2');
    const ring = parseKeyRing(TEST_KEKS);
    const wrapped = { ...(published?.sm4KeyWrapped as NonNullable<typeof published>['sm4KeyWrapped'] & object), algorithm: 'aes-256-gcm' as const };
    expect(Buffer.from(ring.unwrap(mn, wrapped) ?? []).toString('latin1')).toBe(key);
    expect(ring.unwrap('SOME_OTHER_MN', wrapped)).toBeUndefined();
    expect(event?.value?.includes(Buffer.from(key))).toBe(false);
    const stored = (await db.query<{ doc: unknown }>('SELECT doc FROM devices WHERE mn = $1', [mn])).rows[0]?.doc;
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(JSON.stringify(stored)).not.toContain(Buffer.from(key).toString('base64'));
    // The same key again changes nothing (no new record); a malformed one is refused without echoing it.
    const unchanged = recorder.messages.length;
    await rpc('upsertDevice', { device: { ...(device as NonNullable<typeof device>), password, sm4Key: key, cpEncryption: layout } });
    const bad = await failure(rpc('upsertDevice', { device: { ...(device as NonNullable<typeof device>), password, sm4Key: 'short;key' } }));
    expect(bad).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'sm4_key' });
    expect(bad.details).not.toContain('short;key');
    expect((await rpc('getDevice', { mn })).device).toMatchObject({ hasSm4Key: true, sm4KeyWrapped: undefined, previousSm4KeyWrapped: undefined });
    // A later change (the layout, no key given: the stored key is kept) is the first record since: the repeat published nothing.
    await rpc('upsertDevice', { device: { ...(device as NonNullable<typeof device>), password, cpEncryption: { ...layout, encoding: 'hex' } } });
    const next = await waitFor(() => recorder.messages.slice(unchanged).filter((message) => message.key === mn && message.topic === topics.registryDevices)[0], {
      timeoutMs: 30_000,
      description: 'the layout change on the topic',
    });
    const kept = DeviceChanged.decode(next?.value ?? Buffer.alloc(0)).device;
    expect(kept?.cpEncryption?.encoding).toBe('hex');
    expect(Buffer.from(ring.unwrap(mn, { ...(kept?.sm4KeyWrapped as typeof wrapped), algorithm: 'aes-256-gcm' }) ?? []).toString('latin1')).toBe(key);
  });

  it('adopts a key rotation a device confirmed (a succeeded 1014 on the device commands topic): new key current, the old one previous for the grace window', async () => {
    const [mn] = [...devicePasswords().entries()][1] ?? ['', ''];
    const ring = parseKeyRing(TEST_KEKS);
    const before = recorder.messages.filter((message) => message.topic === topics.registryDevices && message.key === mn).pop();
    const oldWrapped = DeviceChanged.decode(before?.value ?? Buffer.alloc(0)).device?.sm4KeyWrapped;
    const newKey = 'N3w!Key#2026$abc';
    const sealed = sealedKeyText(ring.wrap(mn, Buffer.from(newKey, 'latin1')));
    const confirmedAt = new Date('2026-12-07T08:00:00Z');
    const from = recorder.messages.length;
    const publisher = createEventPublisher({ kafka, source: '/ecogrid/ingest' });
    await publisher.connect();
    const command = (state: CommandState) =>
      DeviceCommandChanged.encode({ command: DeviceCommand.fromPartial({ id: 'cmd-1014', deviceMn: mn, commandCode: '1014', params: { NewSK: sealed, SKCreateTime: '20261207160000000' }, state, finishedTime: confirmedAt }) }).finish();
    // Only the succeeded change counts; sent twice (redelivery), it rotates once.
    for (const state of [CommandState.COMMAND_STATE_SENT, CommandState.COMMAND_STATE_SUCCEEDED, CommandState.COMMAND_STATE_SUCCEEDED]) {
      await publisher.publish({ topic: topics.devicesCommands, key: mn, value: Buffer.from(command(state)), type: TOPICS.devicesCommands.payload, id: `cmd-1014-${state}-${Math.random()}` });
    }
    await publisher.disconnect();
    const event = await waitFor(() => recorder.messages.slice(from).find((message) => message.topic === topics.registryDevices && message.key === mn), {
      timeoutMs: 30_000,
      description: 'the rotated device on the topic',
    });
    const rotated = DeviceChanged.decode(event?.value ?? Buffer.alloc(0)).device;
    const open = (wrapped: typeof oldWrapped) => Buffer.from(ring.unwrap(mn, { ...(wrapped as NonNullable<typeof wrapped>), algorithm: 'aes-256-gcm' }) ?? []).toString('latin1');
    expect(open(rotated?.sm4KeyWrapped)).toBe(newKey);
    expect(open(rotated?.previousSm4KeyWrapped)).toBe(open(oldWrapped));
    expect(rotated?.previousSm4KeyUntil?.toISOString()).toBe('2026-12-07T08:10:00.000Z');
    expect((await rpc('getDevice', { mn })).device).toMatchObject({ hasSm4Key: true, sm4KeyWrapped: undefined, previousSm4KeyWrapped: undefined });
    // The redelivered confirmation changed nothing: a later change is the next record.
    const settled = recorder.messages.length;
    const [, password] = [...devicePasswords().entries()][1] ?? ['', ''];
    const device = (await rpc('getDevice', { mn })).device as NonNullable<Awaited<ReturnType<typeof rpc<'getDevice'>>>['device']>;
    await rpc('upsertDevice', { device: { ...device, password, name: `${device.name}（轮换后）` } });
    const next = await waitFor(() => recorder.messages.slice(settled).find((message) => message.topic === topics.registryDevices && message.key === mn), { timeoutMs: 30_000, description: 'the renamed device' });
    expect(DeviceChanged.decode(next?.value ?? Buffer.alloc(0)).device?.name).toContain('轮换后');
    expect(recorder.messages.slice(from, settled).filter((message) => message.topic === topics.registryDevices && message.key === mn)).toHaveLength(1);
  });

  it('a fresh RegistryView in this process locates every cell and agrees with PostGIS on random points', async () => {
    view = createRegistryView({ kafka, topicPrefix: prefix, logger });
    await view.start();
    expect(view.counts()).toMatchObject({ cell: 1237, township: 21, device: 87, enterprise: 24, officer: 1259, target: 57 });
    for (const feature of yanhuCells) {
      const ring = feature.geometry.coordinates[0] as number[][];
      const lon = ((ring[0]?.[0] as number) + (ring[2]?.[0] as number)) / 2;
      const lat = ((ring[0]?.[1] as number) + (ring[2]?.[1] as number)) / 2;
      const located = view.locate(lon, lat, ON_DUTY_AT);
      expect(located?.cell.id).toBe(feature.properties.id);
      expect(located?.township.code).toBe(feature.properties.township_code);
      expect(located?.onDutyOfficer?.id).toBe(`GO-${feature.properties.id}`);
      if (feature.properties.id === 'YH0009') {
        // The pinned instant matters: on the roster's weekend another officer is on duty in this cell.
        expect(view.locate(lon, lat, WEEKEND_SHIFT_AT)).toMatchObject({ onDutyOfficer: { id: 'GO-YH0008' }, onDutySource: 'roster_shift' });
      }
    }
    // An independent oracle: PostGIS ST_Covers over the stored polygons.
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 300; k++) {
      const lon = 110.78 + random() * 0.55;
      const lat = 34.83 + random() * 0.44;
      const row = (await db.query<{ id: string }>('SELECT id FROM cell_versions WHERE valid_to IS NULL AND ST_Covers(geometry, ST_SetSRID(ST_MakePoint($1, $2), 4326))', [lon, lat])).rows;
      expect(view.locate(lon, lat)?.cell.id).toBe(row[0]?.id);
    }
  });

  it('answers LocateCell over gRPC with cell, township, responsible officer and supervisor; NOT_FOUND outside the grid', async () => {
    const feature = yanhuCells[600] as (typeof yanhuCells)[number];
    const ring = feature.geometry.coordinates[0] as number[][];
    const point = { lon: (ring[0]?.[0] as number) + 0.001, lat: (ring[0]?.[1] as number) + 0.001 };
    const answer = await rpc('locateCell', { point, at: ON_DUTY_AT });
    expect(answer.cell?.id).toBe(feature.properties.id);
    expect(answer.township?.code).toBe(feature.properties.township_code);
    expect(answer.onDutyOfficer?.id).toBe(`GO-${feature.properties.id}`);
    expect(answer.onDutySource).toBe(OnDutySource.ON_DUTY_SOURCE_RESPONSIBLE_OFFICER);
    expect(answer.supervisor?.id).toBe(`SV-${feature.properties.township_code}`);
    expect(await failure(rpc('locateCell', { point: { lon: 100, lat: 30 } }))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failure(rpc('locateCell', { point: { lon: 200, lat: 30 } }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'point.lon' });
  });

  it('an officer roster change changes who LocateCell names, over gRPC and in every view', async () => {
    const feature = yanhuCells[100] as (typeof yanhuCells)[number];
    const ring = feature.geometry.coordinates[0] as number[][];
    const point = { lon: (ring[0]?.[0] as number) + 0.005, lat: (ring[0]?.[1] as number) + 0.004 };
    const before = await rpc('locateCell', { point, at: ON_DUTY_AT });
    expect(before.onDutyOfficer?.id).toBe(`GO-${feature.properties.id}`);
    // The neighbour's officer takes a shift in this cell from an hour before the pinned instant to an hour after it.
    const neighbour = (await rpc('getOfficer', { id: 'GO-YH0002' })).officer;
    const pinned = ON_DUTY_AT.getTime();
    await rpc('upsertOfficer', {
      officer: { ...neighbour!, roster: [{ cellId: feature.properties.id, startsAt: new Date(pinned - 3_600_000), endsAt: new Date(pinned + 3_600_000) }] },
    });
    const during = await waitFor(async () => {
      const answer = await rpc('locateCell', { point, at: ON_DUTY_AT });
      return answer.onDutyOfficer?.id === 'GO-YH0002' ? answer : undefined;
    }, { description: 'LocateCell to name the officer on the shift' });
    expect(during.onDutySource).toBe(OnDutySource.ON_DUTY_SOURCE_ROSTER_SHIFT);
    await waitFor(() => view.locate(point.lon, point.lat, ON_DUTY_AT)?.onDutyOfficer?.id === 'GO-YH0002', { description: 'the other view to follow' });
    // After the shift, the responsible officer again.
    const later = await rpc('locateCell', { point, at: new Date(pinned + 2 * 3_600_000) });
    expect(later.onDutyOfficer?.id).toBe(`GO-${feature.properties.id}`);
  });

  it('rejects a bad devices file whole, with every problem by line, writing and publishing nothing', async () => {
    const enterprise = readFileSync(resolve(DATA, 'enterprises.csv'), 'utf8').split('\n')[1]?.split(',')[0] as string;
    const lines = [
      'mn,name,kind,lon,lat,enterprise_uscc,outlet_id,factors,password,protocol,tolerant',
      'GOOD00000000000000000001,good one,micro_air_station,111.0,35.05,,,a34004:ug/m3,pw1,2017,false',
      'GOOD00000000000000000001,same MN,micro_air_station,111.0,35.05,,,,pw2,2017,false',
      'SHORT 1,MN with a space,micro_air_station,111.0,35.05,,,,pw3,2017,false',
      'FAR00000000000000000001X,far away,micro_air_station,116.4,39.9,,,,pw4,2017,false',
      `NOOUTLET0000000000000001,no such outlet,flue_gas_cems,111.0,35.05,${enterprise},DA999,,pw5,2017,false`,
      'GOOD00000000000000000002,good two,micro_air_station,111.01,35.06,,,,pw6,2017,false',
    ];
    const before = recorder.messages.filter((message) => message.topic === topics.registryDevices).length;
    const response = await rpc('import', { kind: ImportKind.IMPORT_KIND_DEVICES_CSV, content: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`), dryRun: false });
    expect(response.applied).toBe(false);
    expect(response.problems.map((problem) => [problem.line, problem.field, problem.code])).toEqual([
      [3, 'mn', 'duplicate_id'],
      [4, 'mn', 'bad_mn'],
      [5, 'lon', 'outside_district'],
      [6, 'outlet_id', 'unknown_outlet'],
    ]);
    expect((await db.query("SELECT count(*)::int AS n FROM devices WHERE mn LIKE 'GOOD%'")).rows[0]?.n).toBe(0);
    expect(await failure(rpc('getDevice', { mn: 'GOOD00000000000000000002' }))).toMatchObject({ code: status.NOT_FOUND });
    // The same file without its bad lines goes in; its events are the only new ones.
    const good = [lines[0], lines[1], lines[6]].join('\n');
    const applied = await rpc('import', { kind: ImportKind.IMPORT_KIND_DEVICES_CSV, content: Buffer.from(good), dryRun: false });
    expect(applied).toMatchObject({ applied: true, records: 2, created: 2, problems: [] });
    const published = await recorder.waitForCount(before + 2, (message) => message.topic === topics.registryDevices);
    expect(published.slice(before).map((message) => message.key).sort()).toEqual(['GOOD00000000000000000001', 'GOOD00000000000000000002']);
    // Importing it again changes nothing and publishes nothing.
    expect(await rpc('import', { kind: ImportKind.IMPORT_KIND_DEVICES_CSV, content: Buffer.from(good), dryRun: false })).toMatchObject({ applied: true, unchanged: 2, created: 0, updated: 0 });
    await waitFor(() => view.device('GOOD00000000000000000002')?.cellId !== undefined, { description: 'the view to see the new device' });
    expect(view.device('GOOD00000000000000000002')?.townshipCode).not.toBe('');
    expect(recorder.messages.filter((message) => message.topic === topics.registryDevices)).toHaveLength(before + 2);
  });

  it('rejects a cells file with a self-intersecting polygon, an overlap and an unknown township, and the CLI says so by feature', async () => {
    const square = (x: number, y: number): number[][][] => [[[x, y], [x + 0.011, y], [x + 0.011, y + 0.009], [x, y + 0.009], [x, y]]];
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'NEW1', township_code: '140802001' }, geometry: { type: 'Polygon', coordinates: [[[111, 35], [111.01, 35.01], [111.01, 35], [111, 35.01], [111, 35]]] } },
        { type: 'Feature', properties: { id: 'NEW2', township_code: '140802001' }, geometry: { type: 'Polygon', coordinates: square(111.0005, 35.0005) } },
        { type: 'Feature', properties: { id: 'NEW3', township_code: 'NOPE' }, geometry: { type: 'Polygon', coordinates: square(112, 35) } },
      ],
    };
    const response = await rpc('import', { kind: ImportKind.IMPORT_KIND_CELLS_GEOJSON, content: Buffer.from(JSON.stringify(file)), dryRun: false });
    expect(response.applied).toBe(false);
    // NEW2 is offset half a cell: it overlaps the four stored cells under it.
    expect([...new Set(response.problems.map((problem) => `${problem.line}:${problem.code}`))]).toEqual(['1:self_intersection', '2:overlap', '3:outside_district', '3:unknown_township']);
    expect(response.problems.filter((problem) => problem.code === 'overlap')).toHaveLength(4);
    expect(response.problems.every((problem) => !problem.warning)).toBe(true);
    expect((await db.query("SELECT count(*)::int AS n FROM cell_versions WHERE id LIKE 'NEW%'")).rows[0]?.n).toBe(0);

    const path = resolve(__dirname, '../data/yanhu/../../test/fixtures/overlapping-cells.geojson');
    const cli = await run(process.execPath, [resolve(__dirname, '../dist/cli/import.js'), 'cells', path], {
      env: { ...process.env, DATABASE_URL: env.databaseUrl, REGISTRY_SCHEMA: schema.name, KAFKA_BROKERS: '' },
    }).catch((error: { code: number; stdout: string }) => error);
    expect((cli as { code?: number }).code).toBe(1);
    expect((cli as { stdout: string }).stdout).toMatch(/error {2}feature 1 {2}geometry {2}overlap {2}OVERLAP1 {2}cell OVERLAP1 overlaps stored cell YH\d{4}/);
    expect((cli as { stdout: string }).stdout).toMatch(/rejected: nothing was written/);
  });

  it('keeps cell history: a changed polygon opens version 2, and LocateCell at a past time answers from version 1', async () => {
    const cell = (await rpc('getCell', { id: 'YH0001' })).cell!;
    const ring = (JSON.parse(cell.geometryGeojson) as { coordinates: number[][][] }).coordinates[0] as number[][];
    const [x0, y0] = ring[0] as [number, number];
    const [x1, y1] = ring[2] as [number, number];
    // YH0001 is on the district's north-west edge: shrinking it leaves no overlap (a gap warning at most).
    const shrunk = [[[x0, y0], [x1, y0], [x1, (y0 + y1) / 2], [x0, (y0 + y1) / 2], [x0, y0]]];
    const updated = (await rpc('upsertCell', { cell: { ...cell, geometryGeojson: JSON.stringify({ type: 'Polygon', coordinates: shrunk }), validFrom: undefined } })).cell;
    expect(updated?.version).toBe(2);
    const versions = (await rpc('listCellVersions', { id: 'YH0001' })).versions;
    expect(versions.map((version) => [version.version, version.validTo !== undefined])).toEqual([
      [1, true],
      [2, false],
    ]);
    // Version 1's last millisecond as the service recorded it: a past time that does not hang on this process's
    // clock agreeing with the service's, nor on how long ago the grid was seeded.
    const version1Ended = versions[0]?.validTo as Date;
    const top = { lon: (x0 + x1) / 2, lat: y0 + (y1 - y0) * 0.8 };
    await waitFor(async () => (await failure(rpc('locateCell', { point: top }))).code === status.NOT_FOUND, { description: 'the view to see version 2' });
    const past = await rpc('locateCell', { point: top, at: new Date(version1Ended.getTime() - 1) });
    expect(past.cell).toMatchObject({ id: 'YH0001', version: 1 });
    expect(past.onDutyOfficer?.id).toBe('GO-YH0001');
  });

  it('maps errors to stable codes: NOT_FOUND, INVALID_ARGUMENT with the field, FAILED_PRECONDITION for conflicts', async () => {
    expect(await failure(rpc('getEnterprise', { uscc: '914403001922038216' }))).toMatchObject({ code: status.NOT_FOUND, reason: 'not_found' });
    const bad = await failure(rpc('upsertEnterprise', { enterprise: { uscc: '91110108717809965C', name: 'fake', industry: '', keyDischargeUnit: false, permitNumber: '', townshipCode: '', cellId: '', outlets: [], location: { lon: 111, lat: 35.05 } } }));
    expect(bad).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'bad_uscc', field: 'uscc' });
    const overlapping = (await rpc('getCell', { id: 'YH0500' })).cell!;
    expect(await failure(rpc('upsertCell', { cell: { ...overlapping, id: 'COPY0500' } }))).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'overlap' });
    expect(await failure(rpc('deleteCell', { id: 'YH0500' }))).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'still_referenced' });
    expect(await failure(rpc('upsertOfficer', { officer: { id: 'X1', name: 'x', role: OfficerRole.OFFICER_ROLE_GRID_OFFICER, townshipCode: 'NOPE', cellIds: [], contact: '', roster: [], active: true } }))).toMatchObject({
      code: status.FAILED_PRECONDITION,
      reason: 'unknown_township',
    });
  });

  it('deletes with a tombstone that every view applies', async () => {
    await rpc('deleteDevice', { mn: 'GOOD00000000000000000001' });
    const [tombstone] = await recorder.waitForCount(1, (message) => message.topic === topics.registryDevices && message.key === 'GOOD00000000000000000001' && message.value === null);
    expect(tombstone?.headers.ce_type).toBe('ecogrid.registry.v1.DeviceChanged');
    await waitFor(() => view.device('GOOD00000000000000000001') === undefined, { description: 'the view to drop the device' });
  });

  it('finds sensitive targets, risk sources and emergency resources near a point or a geometry, nearest first', async () => {
    const source = (await rpc('getTarget', { id: 'DWS01-1' })).target!;
    const centre = (JSON.parse(source.geometryGeojson) as { coordinates: number[][][] }).coordinates[0] as number[][];
    const lon = centre.reduce((sum, position) => sum + (position[0] as number), 0) / centre.length;
    const lat = centre.reduce((sum, position) => sum + (position[1] as number), 0) / centre.length;
    const near = await rpc('nearbySensitiveTargets', { point: { lon, lat }, radiusM: 2_000, kinds: [TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE], geometryGeojson: '', limit: 0 });
    expect(near.targets.slice(0, 2).map((entry) => [entry.target?.id, entry.distanceM])).toEqual([
      ['DWS01-1', 0],
      ['DWS01-2', 0],
    ]);
    const distances = near.targets.map((entry) => entry.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const line = JSON.stringify({ type: 'LineString', coordinates: [[110.9, 35.0], [111.1, 35.0]] });
    const risks = await rpc('nearbyRiskSources', { radiusM: 50_000, kinds: [], geometryGeojson: line, limit: 3 });
    expect(risks.targets).toHaveLength(3);
    expect(risks.targets.every((entry) => entry.target?.category === 2)).toBe(true);
    const resources = await rpc('nearbyEmergencyResources', { point: { lon, lat }, radiusM: 100_000, kinds: [], geometryGeojson: '', limit: 0 });
    expect(resources.targets.map((entry) => entry.target?.id).sort()).toEqual(['EMR01', 'EMR02', 'EMR03', 'EMR04', 'EMR05']);
    expect(await failure(rpc('nearbySensitiveTargets', { radiusM: 10, kinds: [], geometryGeojson: '', limit: 0 }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'point' });
    expect(await failure(rpc('nearbyRiskSources', { point: { lon, lat }, radiusM: 10, kinds: [TargetKind.TARGET_KIND_SCHOOL], geometryGeojson: '', limit: 0 }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'kinds[0]' });
  });

  it('lets staff read and only administrators write; refuses anyone without a token', async () => {
    const as = async (role: 'analyst' | 'dispatcher' | undefined): Promise<RegistryServiceClient> => {
      const token = role ? await testStaffToken({ role }) : undefined;
      return createGrpcClient(RegistryServiceClient, grpcAddress, { deadlineMs: 10_000, ...(token ? { bearerToken: () => token } : {}) });
    };
    const call = <K extends Method>(on: RegistryServiceClient, name: K, request: RequestOf<K>): Promise<ResponseOf<K>> =>
      callUnary((on[name] as unknown as Unary<RequestOf<K>, ResponseOf<K>>).bind(on), request, 10_000);
    const [anonymous, analyst, dispatcher] = [await as(undefined), await as('analyst'), await as('dispatcher')];
    try {
      const list = { pageSize: 1, pageToken: '', townshipCode: '', kind: 0, bbox: undefined, enterpriseUscc: '' };
      expect(await failure(call(anonymous, 'listDevices', list))).toMatchObject({ code: status.UNAUTHENTICATED, reason: 'no_token' });
      expect((await call(analyst, 'listDevices', list)).devices).toHaveLength(1);
      const township = { township: { code: '140802001', name: '北城街道', kind: 'subdistrict', supervisorOfficerId: '', districtCode: '' } };
      expect(await failure(call(dispatcher, 'upsertTownship', township))).toMatchObject({ code: status.PERMISSION_DENIED, reason: 'role_not_allowed' });
      expect(await failure(call(analyst, 'import', { kind: 0, content: Buffer.alloc(0), dryRun: true }))).toMatchObject({ code: status.PERMISSION_DENIED, reason: 'role_not_allowed' });
    } finally {
      for (const each of [anonymous, analyst, dispatcher]) each.close();
    }
  });

  it('lists with filters and pages', async () => {
    const first = await rpc('listCells', { pageSize: 500, pageToken: '', townshipCode: '', bbox: undefined });
    const second = await rpc('listCells', { pageSize: 500, pageToken: first.nextPageToken, townshipCode: '', bbox: undefined });
    const third = await rpc('listCells', { pageSize: 500, pageToken: second.nextPageToken, townshipCode: '', bbox: undefined });
    expect(first.cells.length + second.cells.length + third.cells.length).toBe(1237);
    expect(third.nextPageToken).toBe('');
    const keyUnits = await rpc('listEnterprises', { pageSize: 0, pageToken: '', townshipCode: '', industry: '', keyDischargeUnitsOnly: true, bbox: undefined });
    expect(keyUnits.enterprises.length).toBeGreaterThan(10);
    expect(keyUnits.enterprises.every((enterprise) => enterprise.keyDischargeUnit)).toBe(true);
    const cems = await rpc('listDevices', { pageSize: 0, pageToken: '', townshipCode: '', kind: 5, bbox: undefined, enterpriseUscc: '' });
    expect(cems.devices.length).toBeGreaterThan(5);
    // A device's password is the registry's to keep: no answer carries it, nor its verifier.
    expect(cems.devices.filter((device) => device.password !== '' || device.passwordVerifier !== undefined)).toEqual([]);
    const inBox = await rpc('listTargets', { pageSize: 0, pageToken: '', townshipCode: '', kinds: [TargetKind.TARGET_KIND_SCHOOL], category: 0, bbox: { minLon: 110.9, minLat: 35.0, maxLon: 111.1, maxLat: 35.1 } });
    expect(inBox.targets.map((target) => target.id).sort()).toEqual(['SCH01', 'SCH02', 'SCH03']);
  });
});
