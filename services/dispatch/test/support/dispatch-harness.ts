import { resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { AlertChanged, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged } from '@ecogrid/proto/dispatch/v1/events';
import { CellChanged, DeviceChanged, OfficerChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';
import { createEventPublisher, ensureTopics, topicNames, TOPICS, type EventPublisher } from '@ecogrid/kafka';
import { createTestSchema, freePort, startServiceProcess, testEnvironment, testKafka, uniqueTopicPrefix, waitFor, type ServiceProcess, type TestSchema } from '@ecogrid/testkit';
import { createTokenMinter } from '@ecogrid/staff-auth';
import { TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import type { ChainKeyring } from '../../src/domain/history-chain';
import { GRID, registrySnapshotOf } from '../contracts/grid-fixture';

/** The staff token secret the service under test verifies with (never the published development one). */
export const TOKEN_SECRET = TEST_STAFF_TOKEN_SECRET;
const minter = createTokenMinter({ secret: TOKEN_SECRET });

/** The history chain's HMAC key the service under test seals with, as a tamper test would not hold it. */
export const HISTORY_KEYS: ChainKeyring = { current: { id: 'test-1', secret: 'history-chain-key-of-the-integration-tests-0123' }, retired: [] };

/** A staff token; a supervisor's township unit is the one the fixture's registry gives that officer. */
export function token(role: 'dispatcher' | 'command_center' | 'supervisor' | 'officer' | 'analyst', officerId?: string, townshipCode?: string): Promise<string> {
  const township = townshipCode ?? (role === 'supervisor' ? GRID.officers.find((officer) => officer.id === officerId)?.townshipCode : undefined);
  return minter.mint({ sub: `${role}:${officerId ?? 'staff'}`, role, ...(officerId ? { officerId } : {}), ...(township ? { townshipCode: township } : {}) });
}

/** One test file's world: its own topic prefix, PostgreSQL schema, the registry published, and a publisher. */
export interface DispatchWorld {
  kafka: Kafka;
  prefix: string;
  topics: ReturnType<typeof topicNames>;
  schema: TestSchema;
  databaseUrl: string;
  kafkaBrokers: string;
  publisher: EventPublisher;
  db: pg.Pool;
  close(): Promise<void>;
}

export async function createWorld(name: string): Promise<DispatchWorld> {
  const env = await testEnvironment();
  const kafka = testKafka(env.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  // A busy single broker sometimes answers a fresh topic's metadata before it hosts the partition: retry.
  await waitFor(() => ensureTopics(kafka, { prefix }).then(() => true), { timeoutMs: 30_000, intervalMs: 500, description: `topics with prefix ${prefix}` });
  const topics = topicNames(prefix);
  const schema = await createTestSchema(env.databaseUrl, name);
  const publisher = createEventPublisher({ kafka, source: '/test/dispatch' });
  await publisher.connect();
  const snapshot = registrySnapshotOf(GRID);
  const township = (code: string) => snapshot.townships?.find((candidate) => candidate.code === code);
  await publisher.publishAll([
    ...(snapshot.cells ?? []).map((cell) => ({
      topic: topics.registryCells,
      key: cell.id,
      value: Buffer.from(CellChanged.encode({ cell, ...(township(cell.townshipCode) ? { township: township(cell.townshipCode) } : {}) }).finish()),
      type: TOPICS.registryCells.payload,
    })),
    ...(snapshot.officers ?? []).map((officer) => ({
      topic: topics.registryOfficers,
      key: officer.id,
      value: Buffer.from(OfficerChanged.encode({ officer }).finish()),
      type: TOPICS.registryOfficers.payload,
    })),
    ...(snapshot.devices ?? []).map((device) => ({
      topic: topics.registryDevices,
      key: device.mn,
      value: Buffer.from(DeviceChanged.encode({ device }).finish()),
      type: TOPICS.registryDevices.payload,
    })),
    ...(snapshot.targets ?? []).map((target) => ({
      topic: topics.registryTargets,
      key: target.id,
      value: Buffer.from(TargetChanged.encode({ target }).finish()),
      type: TOPICS.registryTargets.payload,
    })),
  ]);
  const db = new pg.Pool({ connectionString: env.databaseUrl, max: 3, options: `-c search_path=${schema.name},public` });
  return {
    kafka,
    prefix,
    topics,
    schema,
    databaseUrl: env.databaseUrl,
    kafkaBrokers: env.kafkaBrokers,
    publisher,
    db,
    close: async () => {
      await publisher.disconnect();
      await db.end();
      await schema.drop();
      const admin = kafka.admin();
      await admin.connect();
      const mine = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      await admin.deleteTopics({ topics: mine }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

export interface RunningDispatch {
  process: ServiceProcess;
  /** The staff REST API and Open311. */
  baseUrl: string;
  /** The admin listener: /healthz, /readyz, /metrics. */
  adminUrl: string;
  grpcAddress: string;
}

/**
 * Runs the built service as its own process, as `pnpm start` does, and waits until its admin listener says it is
 * ready. Ready includes the alerts consumer being in its group, which after a kill -9 takes until the dead member's
 * session expires: hence the long wait.
 */
export async function startDispatch(world: DispatchWorld, env: Record<string, string> = {}): Promise<RunningDispatch> {
  const [httpPort, grpcPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const process = await startServiceProcess({
    entry: resolve(__dirname, '../../dist/main.js'),
    readyUrl: `${adminUrl}/readyz`,
    readyTimeoutMs: 90_000,
    env: {
      KAFKA_BROKERS: world.kafkaBrokers,
      DATABASE_URL: world.databaseUrl,
      DISPATCH_SCHEMA: world.schema.name,
      TOPIC_PREFIX: world.prefix,
      HTTP_ADDRESS: `127.0.0.1:${httpPort}`,
      GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
      ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
      STAFF_TOKEN_SECRET: TOKEN_SECRET,
      HISTORY_CHAIN_KEY: HISTORY_KEYS.current.secret as string,
      HISTORY_CHAIN_KEY_ID: HISTORY_KEYS.current.id,
      LOG_LEVEL: 'warn',
      TIMER_POLL_MS: '100',
      OUTBOX_POLL_MS: '200',
      ...env,
    },
  });
  return { process, baseUrl, adminUrl, grpcAddress: `127.0.0.1:${grpcPort}` };
}

export interface AlertSpec {
  alertId: string;
  state?: 'raised' | 'updated' | 'cleared';
  severity?: 'minor' | 'major' | 'critical';
  deviceMn?: string;
  factorCode?: string;
  value?: number;
  limit?: number;
  /** The CloudEvents id; a redelivery reuses it. */
  eventId?: string;
  /** The cell alerting found the device in (empty: dispatch looks the device up). */
  cellId?: string;
}

const STATES = { raised: AlertState.ALERT_STATE_RAISED, updated: AlertState.ALERT_STATE_UPDATED, cleared: AlertState.ALERT_STATE_CLEARED };
const SEVERITIES = { minor: Severity.SEVERITY_MINOR, major: Severity.SEVERITY_MAJOR, critical: Severity.SEVERITY_CRITICAL };

/** An `ecogrid.alerting.v1.AlertChanged` as the alerting service publishes it (keyed by MN). */
export function alertEvent(topics: ReturnType<typeof topicNames>, spec: AlertSpec) {
  const deviceMn = spec.deviceMn ?? 'MN-0001';
  const state = spec.state ?? 'raised';
  const now = new Date();
  return {
    topic: topics.alerts,
    key: deviceMn,
    type: TOPICS.alerts.payload,
    id: spec.eventId ?? `${spec.alertId}:${state}`,
    value: Buffer.from(
      AlertChanged.encode(AlertChanged.fromPartial({
        alertId: spec.alertId,
        state: STATES[state],
        ruleId: 'exceedance.permit-limit',
        ruleVersion: '1',
        severity: SEVERITIES[spec.severity ?? 'major'],
        deviceMn,
        enterpriseUscc: '',
        cellId: spec.cellId ?? '',
        townshipCode: '',
        factorCode: spec.factorCode ?? 'a21026',
        value: spec.value ?? 412.5,
        limit: spec.limit ?? 200,
        unit: 'mg/m3',
        openedAt: now,
        changedAt: now,
        evidence: [{ observationId: `${deviceMn}:2011:${now.toISOString()}`, dataTime: now, value: spec.value ?? 412.5, flag: 'N' }],
        summary: '二氧化硫折算浓度超标',
        nearbyTargetIds: [],
      })).finish(),
    ),
  };
}

export function decodeCase(value: Buffer | null): CaseChanged {
  return CaseChanged.decode(value ?? Buffer.alloc(0));
}

export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: Buffer; contentType?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.raw) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: body as RequestInit['body'] }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}
