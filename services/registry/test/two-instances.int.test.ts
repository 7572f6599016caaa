import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { status, type CallOptions, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { ImportKind, RegistryServiceClient, type RegistryServiceServer } from '@ecogrid/proto/registry/v1/registry';
import { TEST_STAFF_TOKEN_SECRET, testStaffToken } from '@ecogrid/e2e';
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

type Method = keyof RegistryServiceServer & keyof RegistryServiceClient;
type RequestOf<K extends Method> = RegistryServiceServer[K] extends handleUnaryCall<infer Request, unknown> ? Request : never;
type ResponseOf<K extends Method> = RegistryServiceServer[K] extends handleUnaryCall<never, infer Response> ? Response : never;
type Unary<Request, Response> = (request: Request, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Response) => void) => unknown;

/** One typed unary call by method name on one instance's client. */
const rpcOn =
  (client: RegistryServiceClient) =>
  <K extends Method>(name: K, request: RequestOf<K>): Promise<ResponseOf<K>> =>
    callUnary((client[name] as unknown as Unary<RequestOf<K>, ResponseOf<K>>).bind(client), request, 30_000);

const DEVICES_HEADER = 'mn,name,kind,lon,lat,enterprise_uscc,outlet_id,factors,password,protocol,tolerant';
/** A devices file of `count` micro stations inside the district, MNs `<prefix>0…`. */
const devicesCsv = (prefix: string, count: number): Buffer =>
  Buffer.from(
    [DEVICES_HEADER, ...Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(24 - prefix.length, '0')},station ${prefix} ${index},micro_air_station,${(111 + index * 0.001).toFixed(3)},35.05,,,a34004:ug/m3,pw${index},2017,false`)].join('\n'),
  );

/**
 * Registry as two instances on one schema and one deployment's topics (ECOGRID_INSTANCES=2): every write takes the
 * registry's write lock in PostgreSQL, so writes through either instance are serialised; the outbox relay's lease
 * lets one of them publish; each answers LocateCell from its own view of the compacted topics, which follows the
 * other's writes.
 */
describe('registry as two instances', () => {
  let kafka: Kafka;
  let schema: TestSchema;
  let recorder: TopicRecorder;
  const prefix = uniqueTopicPrefix('registry-two');
  const topics = topicNames(prefix);
  const instances: ServiceProcess[] = [];
  const clients: RegistryServiceClient[] = [];

  beforeAll(async () => {
    const env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    schema = await createTestSchema(env.databaseUrl, 'registry_two');
    await ensureTopics(kafka, { prefix });
    recorder = await recordTopics(kafka, [topics.registryCells, topics.registryDevices]);
    const token = await testStaffToken({ role: 'admin' });
    // The first seeds the Yanhu grid as `pnpm start` does; the second starts on what the first stored.
    for (const seed of [true, false]) {
      const [grpcPort, adminPort] = [await freePort(), await freePort()];
      instances.push(
        await startServiceProcess({
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
            ...(seed ? { SEED_DATASET: 'yanhu' } : {}),
            OUTBOX_POLL_MS: '200',
            CONSUMER_SESSION_TIMEOUT_MS: '6000',
            STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
            LOG_LEVEL: 'warn',
          },
        }),
      );
      clients.push(createGrpcClient(RegistryServiceClient, `127.0.0.1:${grpcPort}`, { deadlineMs: 30_000, bearerToken: () => token }));
    }
  }, 240_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(instances.map((instance) => instance.stop().catch(() => undefined)));
    await recorder?.stop();
    await schema?.drop();
  });

  it('serialises writes through both, publishes each change once, lets each locate on the other\'s changes, and goes on publishing when one is killed', { timeout: 240_000 }, async () => {
    const [first, second] = clients.map(rpcOn);
    const [firstProcess] = instances;
    if (!first || !second || !firstProcess) throw new Error('two instances expected');
    const devicesBefore = recorder.messages.filter((message) => message.topic === topics.registryDevices).length;

    // Two files at once, one through each instance, and the first file through the second instance as well: the
    // write lock makes one of its two imports create the stations and the other find them unchanged.
    const [a, b, again] = await Promise.all([
      first('import', { kind: ImportKind.IMPORT_KIND_DEVICES_CSV, content: devicesCsv('TWOA', 10), dryRun: false }),
      second('import', { kind: ImportKind.IMPORT_KIND_DEVICES_CSV, content: devicesCsv('TWOB', 10), dryRun: false }),
      second('import', { kind: ImportKind.IMPORT_KIND_DEVICES_CSV, content: devicesCsv('TWOA', 10), dryRun: false }),
    ]);
    expect([a.applied, b.applied, again.applied]).toEqual([true, true, true]);
    expect(a.created + again.created).toBe(10);
    expect(a.unchanged + again.unchanged).toBe(10);
    expect(b.created).toBe(10);
    const published = await recorder.waitForCount(devicesBefore + 20, (message) => message.topic === topics.registryDevices, 60_000);
    const keys = published.slice(devicesBefore).map((message) => message.key ?? '');
    expect(new Set(keys).size).toBe(20);
    // What one instance wrote the other answers at once (both read PostgreSQL).
    expect((await second('getDevice', { mn: `TWOA${'0'.repeat(20)}` })).device?.name).toBe('station TWOA 0');
    expect((await first('getDevice', { mn: `TWOB${'0'.repeat(20)}` })).device?.name).toBe('station TWOB 0');

    // A cell changed through the first: the second's view (the compacted topic) follows. YH0001 lies on the
    // district's north-west edge; halving it leaves its top half outside every cell.
    const cell = (await first('getCell', { id: 'YH0001' })).cell;
    if (!cell) throw new Error('the seeded cell YH0001 expected');
    const ring = (JSON.parse(cell.geometryGeojson) as { coordinates: number[][][] }).coordinates[0] as number[][];
    const [x0, y0] = ring[0] as [number, number];
    const [x1, y1] = ring[2] as [number, number];
    const top = { lon: (x0 + x1) / 2, lat: y0 + (y1 - y0) * 0.8 };
    expect((await second('locateCell', { point: top })).cell?.id).toBe('YH0001');
    const shrunk = [[[x0, y0], [x1, y0], [x1, (y0 + y1) / 2], [x0, (y0 + y1) / 2], [x0, y0]]];
    expect((await first('upsertCell', { cell: { ...cell, geometryGeojson: JSON.stringify({ type: 'Polygon', coordinates: shrunk }), validFrom: undefined } })).cell?.version).toBe(2);
    await waitFor(
      async () => {
        try {
          await second('locateCell', { point: top });
          return false;
        } catch (error) {
          return (error as ServiceError).code === status.NOT_FOUND;
        }
      },
      { timeoutMs: 30_000, description: "the second instance's view to see YH0001's version 2" },
    );

    // The first killed with SIGKILL (it may hold the relay's lease): a change through the second is still published.
    await firstProcess.kill9();
    const killedAt = Date.now();
    const beforeSurvivor = recorder.messages.filter((message) => message.topic === topics.registryDevices).length;
    expect((await second('import', { kind: ImportKind.IMPORT_KIND_DEVICES_CSV, content: devicesCsv('TWOC', 1), dryRun: false })).created).toBe(1);
    const afterKill = await recorder.waitForCount(beforeSurvivor + 1, (message) => message.topic === topics.registryDevices, 90_000);
    expect(afterKill.at(-1)?.key).toBe(`TWOC${'0'.repeat(20)}`);
    console.log(`[registry two instances] 20 stations imported through both at once, each published once; the survivor published ${Date.now() - killedAt} ms after the other was killed`);
  });
});
