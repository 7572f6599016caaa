import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort, startServiceProcess, testEnvironment, type ServiceProcess } from '@ecogrid/testkit';
import { ROOT } from './repository-root';

export const INGEST_ENTRY = resolve(ROOT, 'services/ingest/dist/main.js');

export interface IngestProcessOptions {
  /** Topic prefix whose topics (and registry devices) are in place. */
  topicPrefix: string;
  redisPrefix: string;
  /** The test environment's servers unless given (fault tests bring private ones). */
  kafkaBrokers?: string;
  redisUrl?: string;
  /** Gateways allowed over HTTP and gRPC, name → token; ingest is given their SHA-256, as in production. */
  gatewayTokens?: Record<string, string>;
  /** Anything else for ingest's environment (rate limits, backlog marks, OTLP endpoint). */
  env?: Record<string, string>;
  /** Flags for node itself (`--cpu-prof`). */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
  /** Another build's `main.js` (a bench comparing this code with an earlier commit); this checkout's by default. */
  entry?: string;
}

export interface IngestProcess {
  service: ServiceProcess;
  httpUrl: string;
  /** Probes and metrics. */
  adminUrl: string;
  hj212Port: number;
  grpcAddress: string;
  env: Record<string, string>;
  /** Starts ingest again with the same ports and settings, after a stop or a kill -9; `service` follows. */
  restart(): Promise<ServiceProcess>;
  /** A counter or gauge from `/metrics`, summed over its labels. */
  metric(name: string): Promise<number>;
}

/** The built ingest service as its own process, as `pnpm start` runs it, on free ports of 127.0.0.1. */
export async function startIngestProcess(options: IngestProcessOptions): Promise<IngestProcess> {
  const entry = options.entry ?? INGEST_ENTRY;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build ingest first (turbo builds it before the suites that need it)`);
  const environment = options.kafkaBrokers && options.redisUrl ? undefined : await testEnvironment();
  const [httpPort, hj212Port, grpcPort, adminPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const tokens = Object.entries(options.gatewayTokens ?? {}).map(([name, token]) => `${name}:${createHash('sha256').update(token).digest('hex')}`);
  const env: Record<string, string> = {
    KAFKA_BROKERS: options.kafkaBrokers ?? environment?.kafkaBrokers ?? '',
    REDIS_URL: options.redisUrl ?? environment?.redisUrl ?? '',
    REDIS_PREFIX: options.redisPrefix,
    TOPIC_PREFIX: options.topicPrefix,
    HTTP_ADDRESS: `127.0.0.1:${httpPort}`,
    HJ212_ADDRESS: `127.0.0.1:${hj212Port}`,
    GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
    ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
    ...(tokens.length > 0 ? { INGEST_GATEWAY_TOKENS: tokens.join(',') } : {}),
    LOG_LEVEL: 'warn',
    // Device control (PostgreSQL) only where a test asks for it: not inherited from the environment's DATABASE_URL.
    DATABASE_URL: '',
    ...options.env,
  };
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const start = (): Promise<ServiceProcess> =>
    startServiceProcess({ entry, env, readyUrl: `${adminUrl}/readyz`, readyTimeoutMs: options.readyTimeoutMs ?? 60_000, ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}) });
  const running: IngestProcess = {
    service: await start(),
    httpUrl: `http://127.0.0.1:${httpPort}`,
    adminUrl,
    hj212Port,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    env,
    restart: async () => {
      running.service = await start();
      return running.service;
    },
    metric: async (name) => {
      const text = await (await fetch(`${adminUrl}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
      }
      return sum;
    },
  };
  return running;
}
