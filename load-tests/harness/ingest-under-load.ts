import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureTopics } from '@ecogrid/kafka';
import { freePort } from '@ecogrid/testkit';
import { benchKafka } from './bench-kafka';
import { startChildServer, type ChildServer } from './child-server';
import { loadDevices, publishLoadDevices, type LoadDevice } from './load-devices';

export const INGEST_MAIN = resolve(__dirname, '../../services/ingest/dist/main.js');

export interface IngestUnderLoad {
  server: ChildServer;
  pid: number;
  devices: LoadDevice[];
  gatewayToken: string;
  hj212Port: number;
  httpUrl: string;
  grpcAddress: string;
  /** A counter from ingest's Prometheus `/metrics` (summed over labels). */
  metric(name: string): Promise<number>;
  rssBytes(): Promise<number>;
  /** CPU time (user + system) the ingest process has used so far, in microseconds, from /proc/<pid>/stat. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

export interface IngestUnderLoadOptions {
  devices: number;
  /** Extra environment for ingest (e.g. BACKLOG_HIGH_WATER). */
  env?: Record<string, string>;
  /** Directory for a V8 CPU profile of the ingest process (`node --cpu-prof`). */
  cpuProfileDir?: string;
}

/**
 * The built ingest service in its own process (load generator and server never share an event loop; they
 * do share the two cores) on 127.0.0.1, with fresh prefixed topics, `devices` load devices on the registry
 * topic, no per-device rate limit, and short dedupe memory so a run leaves little in Redis.
 */
export async function startIngestUnderLoad(options: IngestUnderLoadOptions): Promise<IngestUnderLoad> {
  const kafka = benchKafka();
  const prefix = `load.${randomBytes(4).toString('hex')}.`;
  await ensureTopics(kafka, { prefix });
  const devices = loadDevices(options.devices);
  await publishLoadDevices(kafka, prefix, devices);
  const gatewayToken = randomBytes(24).toString('hex');
  const [httpPort, hj212Port, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const node = ['node', ...(process.env.BENCH_INGEST_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    node.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir);
  }
  const server = await startChildServer(
    [...node, INGEST_MAIN],
    {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `load:${prefix}`,
      TOPIC_PREFIX: prefix,
      HTTP_ADDRESS: `127.0.0.1:${httpPort}`,
      HJ212_ADDRESS: `127.0.0.1:${hj212Port}`,
      GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
      INGEST_GATEWAY_TOKENS: `load:${createHash('sha256').update(gatewayToken).digest('hex')}`,
      DEVICE_RATE_LIMIT_PER_S: '0',
      DEDUPE_TTL_SECONDS: '900',
      LOG_LEVEL: 'warn',
      ...options.env,
      // BENCH_INGEST_ENV="NAME=value …" runs the benched ingest with other settings, for A/B runs.
      ...Object.fromEntries((process.env.BENCH_INGEST_ENV ?? '').split(' ').filter((pair) => pair.includes('=')).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
    },
    `http://127.0.0.1:${httpPort}/readyz`,
  );
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  return {
    server,
    pid: server.child.pid ?? -1,
    devices,
    gatewayToken,
    hj212Port,
    httpUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    metric: async (name) => {
      const text = await (await fetch(`${httpUrl}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
      }
      return sum;
    },
    rssBytes: () => server.rssBytes(),
    cpuMicros: async () => {
      const { readFile } = await import('node:fs/promises');
      const stat = await readFile(`/proc/${server.child.pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1e6;
    },
    stop: async () => {
      await server.stop();
      const admin = kafka.admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
