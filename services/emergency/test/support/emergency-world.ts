import { resolve } from 'node:path';
import { credentials, Metadata, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { staffMetadata, TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { createEventPublisher, ensureTopics, topicNames, type EventPublisher, type OutgoingEvent } from '@ecogrid/kafka';
import { WarningServiceClient, type WarningServiceServer } from '@ecogrid/proto/emergency/v1/warnings';
import type { StaffRole } from '@ecogrid/staff-auth';
import { createTestSchema, freePort, startServiceProcess, testEnvironment, testKafka, uniqueTopicPrefix, waitFor, type ServiceProcess, type TestSchema } from '@ecogrid/testkit';

export const ENTRY = resolve(__dirname, '../../dist/main.js');

/** One test file's world: its own topic prefix (topics created) and PostgreSQL schema. */
export interface EmergencyWorld {
  kafka: Kafka;
  prefix: string;
  topics: ReturnType<typeof topicNames>;
  schema: TestSchema;
  databaseUrl: string;
  kafkaBrokers: string;
  publisher: EventPublisher;
  /** A pool on the test schema, to look at what the service stored. */
  db: pg.Pool;
  close(): Promise<void>;
}

/** Creates the world and publishes `registry` (registry entities, readings…) before the service starts. */
export async function createWorld(name: string, registry: OutgoingEvent[] = []): Promise<EmergencyWorld> {
  const env = await testEnvironment();
  const kafka = testKafka(env.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await waitFor(() => ensureTopics(kafka, { prefix }).then(() => true), { timeoutMs: 30_000, intervalMs: 500, description: `topics with prefix ${prefix}` });
  const topics = topicNames(prefix);
  const schema = await createTestSchema(env.databaseUrl, name);
  const publisher = createEventPublisher({ kafka, source: '/test/emergency' });
  await publisher.connect();
  if (registry.length > 0) await publisher.publishAll(registry);
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

export interface RunningEmergency {
  service: ServiceProcess;
  grpcAddress: string;
  adminUrl: string;
  warnings: WarningServiceClient;
}

/** The built service as its own process, as `pnpm start` runs it, with the clock pinned to `clockStart`. */
export async function startEmergency(world: EmergencyWorld, clockStart: string, env: Record<string, string> = {}): Promise<RunningEmergency> {
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
      EMERGENCY_SCHEMA: world.schema.name,
      TOPIC_PREFIX: world.prefix,
      ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
      GRPC_ADDRESS: grpcAddress,
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      EMERGENCY_CLOCK_START: clockStart,
      OUTBOX_POLL_MS: '100',
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
      INPUTS_FROM_BEGINNING: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  return { service, grpcAddress, adminUrl, warnings: new WarningServiceClient(grpcAddress, credentials.createInsecure()) };
}

type Unary<Request, Response> = (request: Request, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => unknown;
type WarningMethod = keyof WarningServiceServer;
type RequestOf<K extends WarningMethod> = WarningServiceServer[K] extends handleUnaryCall<infer R, unknown> ? R : never;
type ResponseOf<K extends WarningMethod> = WarningServiceServer[K] extends handleUnaryCall<never, infer S> ? S : never;

/** Calls a WarningService RPC as `as` (none: without a token). */
export async function callWarnings<K extends WarningMethod>(client: WarningServiceClient, method: K, request: Partial<RequestOf<K>>, as?: { role: StaffRole; sub?: string }): Promise<ResponseOf<K>> {
  const metadata = as ? await staffMetadata({ role: as.role, ...(as.sub ? { sub: as.sub } : {}) }) : new Metadata();
  const unary = (client as unknown as Record<WarningMethod, unknown>)[method] as Unary<Partial<RequestOf<K>>, ResponseOf<K>>;
  return new Promise((resolvePromise, reject) => unary.call(client, request, metadata, (error, response) => (error ? reject(error) : resolvePromise(response))));
}
