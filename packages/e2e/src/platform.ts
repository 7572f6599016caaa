import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import {
  createTestSchema,
  freePort,
  startServiceProcess,
  testEnvironment,
  testKafka,
  uniqueRedisPrefix,
  uniqueTopicPrefix,
  type ServiceProcess,
  type TestSchema,
} from '@ecogrid/testkit';

import { startIngestProcess } from './ingest-process';
import { TEST_STAFF_TOKEN_SECRET } from './staff-tokens';
import { ROOT } from './repository-root';

const run = promisify(execFile);

export interface Platform {
  kafka: Kafka;
  topics: ReturnType<typeof topicNames>;
  prefix: string;
  databaseUrl: string;
  schemas: { registry: TestSchema; alerting: TestSchema; dispatch: TestSchema; credit?: TestSchema; emergency?: TestSchema };
  registry: { process: ServiceProcess; grpcAddress: string };
  ingest: { process: ServiceProcess; hj212Port: number; httpUrl: string; adminUrl: string };
  alerting: { process: ServiceProcess; adminUrl: string; grpcAddress: string };
  dispatch: { process: ServiceProcess; baseUrl: string; adminUrl: string; grpcAddress: string };
  /** Started when asked for (`credit: true`): it rates the enterprises from the alerts and cases. */
  credit?: { process: ServiceProcess; adminUrl: string; grpcAddress: string };
  /**
   * Started when asked for (`emergency: true`), after dispatch: warnings (the demo's reduction list imported by its
   * seed), incidents proposed from alerts with the demo's plans stored, early warnings.
   */
  emergency?: { process: ServiceProcess; adminUrl: string; grpcAddress: string };
  /**
   * A staff bearer token minted by the real `pnpm run token` command, which checks an officer id against this
   * platform's registry (a supervisor's township comes from there unless given).
   */
  token(role: 'dispatcher' | 'command_center' | 'supervisor' | 'officer' | 'analyst', officerId?: string, townshipCode?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The platform as `pnpm start` runs it — registry seeded with the Yanhu demo data, ingest, alerting and
 * dispatch, each the built service in its own process — isolated by a topic prefix, PostgreSQL schemas and
 * a Redis key prefix so it shares the servers with other tests without seeing them.
 */
export interface PlatformOptions {
  /** Each service writes a V8 CPU profile into `<profileDir>/<service>` when it stops (benchmark diagnosis). */
  profileDir?: string;
  /** Every service exports its spans here (OTLP/HTTP), promptly, for tests that follow a trace. */
  otlpEndpoint?: string;
  /** Also run credit, after dispatch. */
  credit?: boolean;
  /** Also run emergency, after dispatch, with the demo's plans and reduction list. */
  emergency?: boolean;
}

export async function startPlatform(name: string, options: PlatformOptions = {}): Promise<Platform> {
  const environment = await testEnvironment();
  const kafka = testKafka(environment.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await ensureTopics(kafka, { prefix });
  const schemas = {
    registry: await createTestSchema(environment.databaseUrl, `${name}_registry`),
    alerting: await createTestSchema(environment.databaseUrl, `${name}_alerting`),
    dispatch: await createTestSchema(environment.databaseUrl, `${name}_dispatch`),
    ...(options.credit ? { credit: await createTestSchema(environment.databaseUrl, `${name}_credit`) } : {}),
    ...(options.emergency ? { emergency: await createTestSchema(environment.databaseUrl, `${name}_emergency`) } : {}),
  };
  const tracing: Record<string, string> = options.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100' } : {};
  // NODE_ENV=test admits the published development secrets (history-chain key, Open311 key) these services refuse
  // otherwise; said here rather than inherited, since a bench that starts the platform runs outside vitest.
  const common = { KAFKA_BROKERS: environment.kafkaBrokers, DATABASE_URL: environment.databaseUrl, TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', NODE_ENV: 'test', STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, ...tracing };
  const entry = (service: string): string => resolve(ROOT, 'services', service, 'dist/main.js');
  const profiled = (service: string): { nodeArgs?: string[] } =>
    options.profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${resolve(options.profileDir, service)}`] } : {};
  const started: ServiceProcess[] = [];

  const registryHttp = await freePort();
  const registryGrpc = `127.0.0.1:${await freePort()}`;
  const registryEnv = { ...common, REGISTRY_SCHEMA: schemas.registry.name, GRPC_ADDRESS: registryGrpc, ADMIN_HTTP_ADDRESS: `127.0.0.1:${registryHttp}` };
  const registry = await startServiceProcess({ ...profiled('registry'), entry: entry('registry'), env: registryEnv, readyUrl: `http://127.0.0.1:${registryHttp}/readyz`, readyTimeoutMs: 90_000 });
  started.push(registry);
  await run(process.execPath, [resolve(ROOT, 'services/registry/dist/cli/seed.js'), 'yanhu'], { env: { ...process.env, ...registryEnv }, cwd: ROOT, timeout: 180_000 });

  // Every device a test or bench plays connects from 127.0.0.1: a per-address limit would throttle them as one peer.
  const ingestProcess = await startIngestProcess({ topicPrefix: prefix, redisPrefix: uniqueRedisPrefix(name), readyTimeoutMs: 90_000, env: { ...tracing, ADDRESS_RATE_LIMIT_PER_S: '0' }, ...profiled('ingest') });
  const ingest = ingestProcess.service;
  started.push(ingest);

  const alertingAdmin = await freePort();
  const alertingGrpc = `127.0.0.1:${await freePort()}`;
  const alerting = await startServiceProcess({
    ...profiled('alerting'),
    entry: entry('alerting'),
    env: { ...common, ALERTING_SCHEMA: schemas.alerting.name, READINGS_FROM_BEGINNING: 'true', ADMIN_HTTP_ADDRESS: `127.0.0.1:${alertingAdmin}`, GRPC_ADDRESS: alertingGrpc },
    readyUrl: `http://127.0.0.1:${alertingAdmin}/readyz`,
    readyTimeoutMs: 90_000,
  });
  started.push(alerting);

  const [dispatchHttp, dispatchAdmin] = [await freePort(), await freePort()];
  const dispatchGrpc = `127.0.0.1:${await freePort()}`;
  const dispatchEnv = { ...common, DISPATCH_SCHEMA: schemas.dispatch.name, HTTP_ADDRESS: `127.0.0.1:${dispatchHttp}`, GRPC_ADDRESS: dispatchGrpc, ADMIN_HTTP_ADDRESS: `127.0.0.1:${dispatchAdmin}` };
  const dispatch = await startServiceProcess({ ...profiled('dispatch'), entry: entry('dispatch'), env: dispatchEnv, readyUrl: `http://127.0.0.1:${dispatchAdmin}/readyz`, readyTimeoutMs: 90_000 });
  started.push(dispatch);

  let credit: Platform['credit'];
  if (schemas.credit) {
    const creditAdmin = await freePort();
    const creditGrpc = `127.0.0.1:${await freePort()}`;
    const process = await startServiceProcess({
      ...profiled('credit'),
      entry: entry('credit'),
      env: { ...common, CREDIT_SCHEMA: schemas.credit.name, GRPC_ADDRESS: creditGrpc, ADMIN_HTTP_ADDRESS: `127.0.0.1:${creditAdmin}`, OUTBOX_POLL_MS: '200' },
      readyUrl: `http://127.0.0.1:${creditAdmin}/readyz`,
      readyTimeoutMs: 90_000,
    });
    started.push(process);
    credit = { process, adminUrl: `http://127.0.0.1:${creditAdmin}`, grpcAddress: creditGrpc };
  }

  let emergency: Platform['emergency'];
  if (schemas.emergency) {
    const [emergencyAdmin, emergencyGrpc] = [await freePort(), `127.0.0.1:${await freePort()}`];
    const emergencyEnv = {
      ...common,
      EMERGENCY_SCHEMA: schemas.emergency.name,
      GRPC_ADDRESS: emergencyGrpc,
      ADMIN_HTTP_ADDRESS: `127.0.0.1:${emergencyAdmin}`,
      INPUTS_FROM_BEGINNING: 'true',
      INCIDENT_SEED_PLANS_DIR: resolve(ROOT, 'services/emergency/data/plans'),
      INCIDENT_READINGS_REFRESH_MS: '200',
      OUTBOX_POLL_MS: '200',
    };
    const emergencyProcess = await startServiceProcess({ ...profiled('emergency'), entry: entry('emergency'), env: emergencyEnv, readyUrl: `http://127.0.0.1:${emergencyAdmin}/readyz`, readyTimeoutMs: 90_000 });
    started.push(emergencyProcess);
    // The demo's reduction list, imported through the service's API as `pnpm start` does: a warning then puts obligations on its enterprises.
    await run(process.execPath, [resolve(ROOT, 'services/emergency/dist/cli/seed-demo.js')], { env: { ...process.env, ...emergencyEnv }, cwd: ROOT, timeout: 120_000 });
    emergency = { process: emergencyProcess, adminUrl: `http://127.0.0.1:${emergencyAdmin}`, grpcAddress: emergencyGrpc };
  }

  return {
    kafka,
    topics: topicNames(prefix),
    prefix,
    databaseUrl: environment.databaseUrl,
    schemas,
    registry: { process: registry, grpcAddress: registryGrpc },
    ingest: { process: ingest, hj212Port: ingestProcess.hj212Port, httpUrl: ingestProcess.httpUrl, adminUrl: ingestProcess.adminUrl },
    alerting: { process: alerting, adminUrl: `http://127.0.0.1:${alertingAdmin}`, grpcAddress: alertingGrpc },
    dispatch: { process: dispatch, baseUrl: `http://127.0.0.1:${dispatchHttp}`, adminUrl: `http://127.0.0.1:${dispatchAdmin}`, grpcAddress: dispatchGrpc },
    ...(credit ? { credit } : {}),
    ...(emergency ? { emergency } : {}),
    token: async (role, officerId, townshipCode) => {
      const args = [resolve(ROOT, 'services/dispatch/dist/cli/mint-token.js'), '--role', role, ...(officerId ? ['--officer-id', officerId] : []), ...(townshipCode ? ['--township', townshipCode] : [])];
      const { stdout } = await run(process.execPath, args, { env: { ...process.env, STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, REGISTRY_GRPC_ADDRESS: registryGrpc } });
      return stdout.trim();
    },
    stop: async () => {
      for (const service of started.reverse()) await service.stop().catch(() => undefined);
      for (const schema of Object.values(schemas)) await schema?.drop().catch(() => undefined);
    },
  };
}
