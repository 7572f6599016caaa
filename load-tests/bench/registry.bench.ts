import { TEST_STAFF_TOKEN_SECRET, testStaffToken } from '@ecogrid/e2e';
/**
 * Registry: LocateCell in memory over the Yanhu grid (RegistryView) beside a brute-force point-in-polygon
 * scan, and gRPC LocateCell at 1,000 requests/s beside a bare grpc-js echo server, in one run.
 *
 * The gRPC part has three processes: the built registry (dist/main.js, seeded with Yanhu), the bare echo
 * server (harness/bare-grpc-server.ts) answering with the bytes of a real LocateCell answer, and the load
 * generator (harness/grpc-load-generator.ts) — none of them this bench process, whose heap holds the
 * dataset and the brute-force index. The generator warms both up, then alternates measured blocks between
 * them, so both see the same noise of the shared machine. Both servers run with Node's defaults.
 *
 * The headline latency runs from the actual send: it is the server's latency at that rate. The generator's
 * 1 ms send timer makes a send up to about a millisecond late (coordinated omission is not the issue: sends
 * never wait for answers), so the figure from the intended send time, the lateness, the CPU time per call of
 * each server and how much the CPU was contended during the run stand in the notes beside it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { createRegistryViewFromSnapshot } from '@ecogrid/registry-view';
import { createBruteForceLocator, type ArealItem, type PolygonCoordinates } from '@ecogrid/geo';
import { Cell, Officer, OfficerRole, Township } from '@ecogrid/proto/registry/v1/entities';
import { LocateCellRequest, LocateCellResponse, RegistryServiceClient, RegistryServiceService } from '@ecogrid/proto/registry/v1/registry';
import { createTestSchema, freePort, startServiceProcess, testEnvironment, uniqueTopicPrefix } from '@ecogrid/testkit';
import { ECHO_METHOD, startBareGrpcServer } from '../harness/bare-grpc-server';
import { runGrpcLoad, type GrpcLoadTargetReport } from '../harness/grpc-load-generator';
import type { BenchMetrics, BenchModule } from './bench-types';

const root = resolve(__dirname, '../..');
const data = resolve(root, 'services/registry/data/yanhu');

function withAuthorization(metadata: Metadata, authorization: string): Metadata {
  metadata.set('authorization', authorization);
  return metadata;
}
const RATE = 1_000;
/** Unmeasured seconds at the full rate per server before the measured blocks. */
const WARMUP_SECONDS = 5;
/** Measured: BLOCKS × BLOCK_SECONDS per server, alternating (20,000 calls each). */
const BLOCKS = 4;
const BLOCK_SECONDS = 5;
/** One long-lived connection per server: HTTP/2 multiplexes the calls, as one grpc-js client of a caller does. */
const CHANNELS = 1;
const MAX_IN_FLIGHT = 200;
const LOOKUP_SECONDS = 3;

interface Feature {
  properties: { id: string; name: string; township_code: string };
  geometry: { type: 'Polygon'; coordinates: PolygonCoordinates };
}

function yanhu(): { cells: Cell[]; townships: Township[]; officers: Officer[]; polygons: ArealItem[] } {
  const features = (JSON.parse(readFileSync(resolve(data, 'cells.geojson'), 'utf8')) as { features: Feature[] }).features;
  const townships = readFileSync(resolve(data, 'townships.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [code = '', name = '', kind = ''] = line.split(',');
      return Township.create({ code, name, kind });
    });
  const cells = features.map((feature) =>
    Cell.create({ id: feature.properties.id, name: feature.properties.name, townshipCode: feature.properties.township_code, geometryGeojson: JSON.stringify(feature.geometry), version: 1 }),
  );
  const officers = features.map((feature) => Officer.create({ id: `GO-${feature.properties.id}`, role: OfficerRole.OFFICER_ROLE_GRID_OFFICER, townshipCode: feature.properties.township_code, cellIds: [feature.properties.id], active: true }));
  return { cells, townships, officers, polygons: features.map((feature) => [feature.geometry.coordinates]) };
}

/** Points spread over the district's bounding box (about 60 % fall in a cell), fixed seed. */
function points(count: number): Float64Array {
  const values = new Float64Array(count * 2);
  let seed = 1408;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < count; i++) {
    values[i * 2] = 110.8 + random() * 0.506;
    values[i * 2 + 1] = 34.85 + random() * 0.405;
  }
  return values;
}

/** Lookups per second of `locate` over the points, for about `seconds`. */
function rate(locate: (lon: number, lat: number) => unknown, pts: Float64Array, seconds: number): number {
  const n = pts.length / 2;
  let done = 0;
  let sink = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < n; i++) if (locate(pts[i * 2] as number, pts[i * 2 + 1] as number) !== undefined) sink++;
    done += n;
  }
  const elapsed = (performance.now() - started) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return done / elapsed;
}

const bench: BenchModule = {
  title: 'Registry: LocateCell',
  needs: ['kafka', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const { cells, townships, officers, polygons } = yanhu();
    const view = createRegistryViewFromSnapshot({ townships, cells, officers });
    const brute = createBruteForceLocator(polygons);
    const pts = points(200_000);
    // Same answers first: a fast wrong index is worth nothing.
    for (let i = 0; i < 20_000; i++) {
      const lon = pts[i * 2] as number;
      const lat = pts[i * 2 + 1] as number;
      const found = brute.locate(lon, lat);
      if ((view.locate(lon, lat)?.cell.id ?? null) !== (found < 0 ? null : cells[found]?.id)) throw new Error(`index and brute force disagree at ${lon}, ${lat}`);
    }
    const now = Date.now();
    rate((lon, lat) => view.locate(lon, lat, now), pts, 1); // warm-up
    const indexed = rate((lon, lat) => view.locate(lon, lat, now), pts, LOOKUP_SECONDS);
    const bruteForce = rate((lon, lat) => (brute.locate(lon, lat) < 0 ? undefined : 1), pts.subarray(0, 20_000), LOOKUP_SECONDS);

    // gRPC: the registry as its own process, seeded with the Yanhu dataset in a schema of its own.
    const env = await testEnvironment();
    const schema = await createTestSchema(env.databaseUrl, 'bench_registry');
    const [grpcPort, adminPort] = [await freePort(), await freePort()];
    const service = await startServiceProcess({
      entry: resolve(root, 'services/registry/dist/main.js'),
      // BENCH_PROFILE_DIR makes the registry write a V8 CPU profile there when it stops.
      ...(process.env.BENCH_PROFILE_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] } : {}),
      readyUrl: `http://127.0.0.1:${adminPort}/readyz`,
      readyTimeoutMs: 180_000,
      env: {
        KAFKA_BROKERS: env.kafkaBrokers,
        DATABASE_URL: env.databaseUrl,
        REGISTRY_SCHEMA: schema.name,
        TOPIC_PREFIX: uniqueTopicPrefix('bench-registry'),
        GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
        SEED_DATASET: 'yanhu',
        STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
        LOG_LEVEL: 'warn',
      },
    });
    // LocateCell is for staff: the load carries a staff token, as the console's calls do.
    const authorization = `Bearer ${await testStaffToken({ role: 'dispatcher' })}`;
    let locate: GrpcLoadTargetReport;
    let echo: GrpcLoadTargetReport;
    let generatorClient = '';
    try {
      // Points at the middle of cells (every one answers a cell), as requests on the wire.
      const requests = Array.from({ length: 1_000 }, (_, index) => {
        const ring = JSON.parse(cells[(index * 37) % cells.length]?.geometryGeojson ?? '{}').coordinates[0] as number[][];
        const point = { lon: ((ring[0]?.[0] ?? 0) + (ring[2]?.[0] ?? 0)) / 2, lat: ((ring[0]?.[1] ?? 0) + (ring[2]?.[1] ?? 0)) / 2 };
        return LocateCellRequest.encode({ point }).finish();
      });
      // A real answer, checked, and its bytes for the echo to send back (both put the same bytes on the wire).
      const client = new RegistryServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
      const answer = await new Promise<LocateCellResponse>((resolveAnswer, reject) =>
        client.locateCell(LocateCellRequest.decode(requests[0] as Uint8Array), withAuthorization(new Metadata(), authorization), { deadline: Date.now() + 5_000 }, (error: ServiceError | null, response) =>
          error || !response ? reject(error ?? new Error('no answer')) : resolveAnswer(response),
        ),
      );
      client.close();
      if (!answer.cell?.id || !answer.township?.code) throw new Error(`LocateCell answered without a cell: ${JSON.stringify(answer)}`);
      const { server: echoServer, address: echoAddress } = await startBareGrpcServer(LocateCellResponse.encode(answer).finish());
      try {
        const report = await runGrpcLoad({
          targets: [
            { name: 'locate', address: `127.0.0.1:${grpcPort}`, method: RegistryServiceService.locateCell.path, requests: requests.map((bytes) => Buffer.from(bytes).toString('base64')), serverPid: service.pid, metadata: { authorization } },
            { name: 'echo', address: echoAddress, method: ECHO_METHOD, requests: requests.map((bytes) => Buffer.from(bytes).toString('base64')), ...(echoServer.child.pid ? { serverPid: echoServer.child.pid } : {}) },
          ],
          rate: RATE,
          warmupS: WARMUP_SECONDS,
          blocks: BLOCKS,
          blockS: BLOCK_SECONDS,
          channels: CHANNELS,
          maxInFlight: MAX_IN_FLIGHT,
          deadlineMs: 5_000,
        });
        [locate, echo] = report.targets as [GrpcLoadTargetReport, GrpcLoadTargetReport];
        generatorClient = report.client === 'http2' ? 'a lean node:http2 gRPC client' : 'the grpc-js client';
      } finally {
        await echoServer.stop();
      }
    } finally {
      await service.stop();
      await schema.drop();
    }

    const how =
      `${RATE} req/s open model, ${BLOCKS} × ${BLOCK_SECONDS} s per server alternating with the other after ${WARMUP_SECONDS} s of warm-up, one channel, ` +
      `latency from the actual send; server and generator (${generatorClient}, the same for both servers) each in its own process on the same 2 shared cores`;
    const detail = (result: GrpcLoadTargetReport): string =>
      `p99.9 ${result.fromSend.p999} ms, max ${result.fromSend.max} ms; per-block p99 ${result.blockP99FromSend.join('/')} ms; ` +
      `from the intended send time p50 ${result.fromIntended.p50} / p99 ${result.fromIntended.p99} ms (1 ms send timer: lateness p50 ${result.sendLateness.p50}, p99 ${result.sendLateness.p99} ms); ` +
      `errors ${result.failed}, dropped ${result.dropped}; server CPU ${result.serverCpuUsPerCall ?? '?'} µs/call, generator ${result.generatorCpuUsPerCall} µs/call; ` +
      `generator GCs ${result.generatorGc.count} (longest ${result.generatorGc.maxMs} ms); CPU pressure ${result.cpuPressure === undefined ? '?' : `${Math.round(result.cpuPressure * 100)} %`} of the time`;
    return {
      registry_locate_per_s: {
        value: Math.round(indexed),
        unit: 'lookups/s',
        baseline: 'registry_locate_bruteforce_per_s',
        target: '>= 1000000',
        note: `RegistryView.locate over the ${cells.length} Yanhu cells, one thread, random points over the district box (~60 % inside), roster-aware answer objects`,
      },
      registry_locate_bruteforce_per_s: { value: Math.round(bruteForce), unit: 'lookups/s', note: 'point-in-polygon against every cell in turn until one contains the point, same points' },
      registry_grpc_locate_p50_ms: { value: locate.fromSend.p50, unit: 'ms', baseline: 'grpc_echo_p50_ms', note: `gRPC LocateCell against the built registry, ${how}` },
      registry_grpc_locate_p99_ms: { value: locate.fromSend.p99, unit: 'ms', baseline: 'grpc_echo_p99_ms', target: '<= 2', note: `gRPC LocateCell; ${detail(locate)}` },
      registry_grpc_locate_achieved_rps: { value: locate.achievedRate, unit: 'req/s', target: `${RATE}`, note: 'answered calls per second of the measured LocateCell blocks' },
      registry_grpc_locate_server_cpu_us_per_call: {
        value: locate.serverCpuUsPerCall ?? 0,
        unit: 'µs',
        baseline: 'grpc_echo_server_cpu_us_per_call',
        note: 'CPU time (user + system, /proc) of the registry process per LocateCell during its measured blocks, background work included: what other load on the machine does not distort',
      },
      grpc_echo_p50_ms: { value: echo.fromSend.p50, unit: 'ms', note: `bare grpc-js server answering the bytes of a real LocateCell answer, ${how}` },
      grpc_echo_p99_ms: { value: echo.fromSend.p99, unit: 'ms', note: `bare grpc-js echo, same schedule, interleaved with LocateCell; ${detail(echo)}` },
      grpc_echo_server_cpu_us_per_call: { value: echo.serverCpuUsPerCall ?? 0, unit: 'µs', note: 'CPU time of the bare echo process per call during its measured blocks' },
    };
  },
};

export default bench;
