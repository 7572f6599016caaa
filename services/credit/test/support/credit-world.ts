import { resolve } from 'node:path';
import { credentials, Metadata, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { staffMetadata, TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { createEventPublisher, ensureTopics, TOPICS, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { AlertChanged, AlertKind, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged, CaseSource, CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { CreditServiceClient, type CreditServiceServer } from '@ecogrid/proto/credit/v1/credit';
import { CreditRatingChanged } from '@ecogrid/proto/credit/v1/events';
import { DeviceKind } from '@ecogrid/proto/registry/v1/entities';
import { DeviceChanged, EnterpriseChanged } from '@ecogrid/proto/registry/v1/events';
import { usccCheckCharacter } from '@ecogrid/standards';
import { createTestSchema, freePort, startServiceProcess, testEnvironment, testKafka, uniqueTopicPrefix, waitFor, type RecordedMessage, type ServiceProcess, type TestSchema } from '@ecogrid/testkit';

export const ENTRY = resolve(__dirname, '../../dist/main.js');

/** A valid USCC (GB 32100-2015 check character) from a 17-character body. */
export function uscc(body17: string): string {
  return `${body17}${usccCheckCharacter(body17)}`;
}

/** `n`-th demo enterprise USCC of a test: 91140802 + a 9-character organisation part. */
export const testUscc = (n: number): string => uscc(`91140802MA0${String(n).padStart(6, '0')}`);

export interface CreditWorld {
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

export interface EnterpriseSpec {
  uscc: string;
  name: string;
  /** Devices listed under an outlet of the enterprise (not linked on the device itself). */
  outletDevices: string[];
}

/** One test file's world: its own topics and schema, with the enterprises and their devices on the registry topics. */
export async function createWorld(name: string, enterprises: EnterpriseSpec[]): Promise<CreditWorld> {
  const env = await testEnvironment();
  const kafka = testKafka(env.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await waitFor(() => ensureTopics(kafka, { prefix }).then(() => true), { timeoutMs: 30_000, intervalMs: 500, description: `topics with prefix ${prefix}` });
  const topics = topicNames(prefix);
  const schema = await createTestSchema(env.databaseUrl, name);
  const publisher = createEventPublisher({ kafka, source: '/test/credit' });
  await publisher.connect();
  await publisher.publishAll([
    ...enterprises.map((enterprise) => ({
      topic: topics.registryEnterprises,
      key: enterprise.uscc,
      type: TOPICS.registryEnterprises.payload,
      value: Buffer.from(
        EnterpriseChanged.encode({
          enterprise: { uscc: enterprise.uscc, name: enterprise.name, industry: '火电', keyDischargeUnit: true, permitNumber: '', townshipCode: '', cellId: '', outlets: [{ id: `${enterprise.uscc}-DA001`, name: '1#排口', kind: 'flue_gas', deviceMns: enterprise.outletDevices, permitLimits: [] }] },
        }).finish(),
      ),
    })),
    ...enterprises.flatMap((enterprise) =>
      enterprise.outletDevices.map((mn) => ({
        topic: topics.registryDevices,
        key: mn,
        type: TOPICS.registryDevices.payload,
        value: Buffer.from(DeviceChanged.encode({ device: { mn, name: mn, kind: DeviceKind.DEVICE_KIND_UNSPECIFIED, enterpriseUscc: '', outletId: '', cellId: '', townshipCode: '', factors: [], password: '', protocolVersion: 0, tolerant: false, enabled: true, systemCode: '31' } }).finish()),
      })),
    ),
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

export interface RunningCredit {
  service: ServiceProcess;
  grpcAddress: string;
  adminUrl: string;
  client: CreditServiceClient;
}

/** The built service as its own process, as `pnpm start` runs it, with the clock pinned to `clockStart`. */
export async function startCredit(world: CreditWorld, clockStart: string, env: Record<string, string> = {}): Promise<RunningCredit> {
  const [adminPort, grpcPort] = [await freePort(), await freePort()];
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  const service = await startServiceProcess({
    entry: ENTRY,
    readyUrl: `${adminUrl}/readyz`,
    readyTimeoutMs: 90_000,
    env: {
      KAFKA_BROKERS: world.kafkaBrokers,
      DATABASE_URL: world.databaseUrl,
      CREDIT_SCHEMA: world.schema.name,
      TOPIC_PREFIX: world.prefix,
      ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
      GRPC_ADDRESS: grpcAddress,
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      CREDIT_CLOCK_START: clockStart,
      OUTBOX_POLL_MS: '100',
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  return { service, grpcAddress, adminUrl, client: new CreditServiceClient(grpcAddress, credentials.createInsecure()) };
}

type Unary<Request, Response> = (request: Request, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => unknown;
type Method = keyof CreditServiceServer;
type RequestOf<K extends Method> = CreditServiceServer[K] extends handleUnaryCall<infer R, unknown> ? R : never;
type ResponseOf<K extends Method> = CreditServiceServer[K] extends handleUnaryCall<never, infer S> ? S : never;

/** Calls a unary RPC as `as` (none: without a token). */
export async function call<K extends Method>(client: CreditServiceClient, method: K, request: Partial<RequestOf<K>>, as?: { role: 'credit_officer' | 'admin' | 'analyst' | 'dispatcher'; sub?: string }): Promise<ResponseOf<K>> {
  const metadata = as ? await staffMetadata({ role: as.role, ...(as.sub ? { sub: as.sub } : {}) }) : new Metadata();
  const unary = (client as unknown as Record<Method, unknown>)[method] as Unary<Partial<RequestOf<K>>, ResponseOf<K>>;
  return new Promise((resolvePromise, reject) => unary.call(client, request, metadata, (error, response) => (error ? reject(error) : resolvePromise(response))));
}

export interface AlertSpec {
  alertId: string;
  sequence: number;
  state: 'raised' | 'updated' | 'cleared';
  deviceMn: string;
  value: number;
  limit: number;
  openedAt: Date;
  changedAt: Date;
}

const ALERT_STATES = { raised: AlertState.ALERT_STATE_RAISED, updated: AlertState.ALERT_STATE_UPDATED, cleared: AlertState.ALERT_STATE_CLEARED };

/** An emission-limit AlertChanged as alerting publishes it, keyed by MN, without an enterprise (credit attributes it). */
export function alertEvent(topics: ReturnType<typeof topicNames>, spec: AlertSpec) {
  return {
    topic: topics.alerts,
    key: spec.deviceMn,
    type: TOPICS.alerts.payload,
    id: `${spec.alertId}:${spec.sequence}`,
    value: Buffer.from(
      AlertChanged.encode(
        AlertChanged.fromPartial({
          alertId: spec.alertId,
          state: ALERT_STATES[spec.state],
          ruleId: 'exceedance.permit-limit',
          ruleVersion: '1',
          severity: Severity.SEVERITY_MAJOR,
          deviceMn: spec.deviceMn,
          factorCode: 'a21026',
          value: spec.value,
          limit: spec.limit,
          unit: 'mg/m3',
          openedAt: spec.openedAt,
          changedAt: spec.changedAt,
          kind: AlertKind.ALERT_KIND_EMISSION_LIMIT,
          sequence: spec.sequence,
          exceedanceMultiple: (spec.value - spec.limit) / spec.limit,
          peakValue: spec.value,
          summary: '二氧化硫折算浓度超标',
        }),
      ).finish(),
    ),
  };
}

export interface CaseSpec {
  caseId: string;
  sequence: number;
  status: 'registered' | 'verified';
  source: 'complaint' | 'patrol' | 'alert';
  uscc: string;
  createdAt: Date;
  occurredAt: Date;
}

/** A CaseChanged as dispatch publishes it, keyed by case id. */
export function caseEvent(topics: ReturnType<typeof topicNames>, spec: CaseSpec) {
  return {
    topic: topics.cases,
    key: spec.caseId,
    type: TOPICS.cases.payload,
    id: `${spec.caseId}:${spec.sequence}`,
    value: Buffer.from(
      CaseChanged.encode(
        CaseChanged.fromPartial({
          caseId: spec.caseId,
          action: spec.status === 'registered' ? 'registered' : 'verified',
          sequence: spec.sequence,
          status: spec.status === 'registered' ? CaseStatus.CASE_STATUS_REGISTERED : CaseStatus.CASE_STATUS_VERIFIED,
          source: { complaint: CaseSource.CASE_SOURCE_COMPLAINT, patrol: CaseSource.CASE_SOURCE_PATROL, alert: CaseSource.CASE_SOURCE_ALERT }[spec.source],
          enterpriseUscc: spec.uscc,
          occurredAt: spec.occurredAt,
          createdAt: spec.createdAt,
        }),
      ).finish(),
    ),
  };
}

export const ratingsOf = (messages: RecordedMessage[], topic: string, uscc?: string): Array<CreditRatingChanged & { ceId: string }> =>
  messages
    .filter((message) => message.topic === topic && message.value && (!uscc || message.key === uscc))
    .map((message) => ({ ...CreditRatingChanged.decode(message.value as Buffer), ceId: message.headers.ce_id ?? '' }));
