import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { startIngestProcess, type IngestProcess } from '@ecogrid/e2e';
import { ensureTopics } from '@ecogrid/kafka';
import { benchKafka } from './bench-kafka';
import { loadDevices, publishLoadDevices, type LoadDevice } from './load-devices';

export interface IngestUnderLoad {
  ingest: IngestProcess;
  pid: number;
  /** Every instance's HJ 212 port (`instances` of the options; the first is `hj212Port`). */
  hj212Ports: number[];
  devices: LoadDevice[];
  gatewayToken: string;
  hj212Port: number;
  httpUrl: string;
  grpcAddress: string;
  /** A counter from ingest's Prometheus `/metrics` (summed over labels). */
  metric(name: string): Promise<number>;
  /** The same, summed over the series that carry `label` (`outcome="failed"`). */
  metricWhere(name: string, label: string): Promise<number>;
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
  /** Ingest processes sharing the topics and the Redis memory, each on its own ports (1 by default). */
  instances?: number;
  /** Another build's ingest `main.js` (an earlier commit, for a before/after comparison in one run). */
  entry?: string;
}

/** Resident set size of a process in bytes, from /proc. */
export async function rssBytesOf(pid: number): Promise<number> {
  const match = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return match?.[1] ? Number(match[1]) * 1024 : 0;
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
  const nodeArgs = (process.env.BENCH_INGEST_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir);
  }
  const startOne = (): Promise<IngestProcess> => startIngestProcess({
    ...(process.env.KAFKA_BROKERS ? { kafkaBrokers: process.env.KAFKA_BROKERS } : {}),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    topicPrefix: prefix,
    redisPrefix: `load:${prefix}`,
    gatewayTokens: { load: gatewayToken },
    nodeArgs,
    ...(options.entry ? { entry: options.entry } : {}),
    env: {
      DEVICE_RATE_LIMIT_PER_S: '0',
      // The load comes from one address (127.0.0.1); in the field each device has its own.
      ADDRESS_RATE_LIMIT_PER_S: '0',
      DEDUPE_TTL_SECONDS: '900',
      ...options.env,
      // BENCH_INGEST_ENV="NAME=value …" runs the benched ingest with other settings, for A/B runs.
      ...Object.fromEntries((process.env.BENCH_INGEST_ENV ?? '').split(' ').filter((pair) => pair.includes('=')).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
    },
  });
  const [ingest, ...others] = await Promise.all(Array.from({ length: Math.max(1, options.instances ?? 1) }, () => startOne()));
  if (!ingest) throw new Error('no ingest instance started');
  const all = [ingest, ...others];
  const pid = ingest.service.pid;
  return {
    ingest,
    pid,
    devices,
    gatewayToken,
    hj212Port: ingest.hj212Port,
    hj212Ports: all.map((instance) => instance.hj212Port),
    httpUrl: ingest.httpUrl,
    grpcAddress: ingest.grpcAddress,
    metric: (name) => ingest.metric(name),
    metricWhere: async (name, label) => {
      const text = await (await fetch(`${ingest.adminUrl}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(`${name}{`) && line.slice(0, line.indexOf('}')).includes(label)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
      }
      return sum;
    },
    rssBytes: () => rssBytesOf(pid),
    // Every instance's together.
    cpuMicros: async () => {
      let micros = 0;
      for (const instance of all) {
        const stat = await readFile(`/proc/${instance.service.pid}/stat`, 'utf8');
        // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        micros += ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1e6;
      }
      return micros;
    },
    stop: async () => {
      await Promise.all(all.map((instance) => instance.service.stop()));
      const admin = kafka.admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
