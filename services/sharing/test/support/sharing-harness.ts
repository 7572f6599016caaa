import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import Ajv2020 from 'ajv/dist/2020';
import { createEventPublisher, ensureTopics, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { createTokenMinter, type StaffRole } from '@ecogrid/staff-auth';
import { createTestSchema, freePort, startServiceProcess, testEnvironment, testKafka, uniqueRedisPrefix, uniqueTopicPrefix, waitFor, type ServiceProcess, type TestSchema } from '@ecogrid/testkit';
import { OPENAPI_DOCUMENT } from '../../src/adapters/http/openapi';
import { YANHU_PARTNERS } from '../../src/demo/yanhu-partners';

export const STAFF_SECRET = 'integration-staff-token-secret-for-sharing-tests';
const minter = createTokenMinter({ secret: STAFF_SECRET });

export const staffToken = (role: StaffRole, subject = `${role}-1`): Promise<string> =>
  minter.mint({ sub: subject, role, ...(role === 'officer' || role === 'supervisor' ? { officerId: 'YH-OFF-001' } : {}), ...(role === 'supervisor' ? { townshipCode: '140802001' } : {}) });

/** One test file's world: topics under its own prefix, a PostgreSQL schema, a Redis prefix, and the service. */
export interface SharingWorld {
  kafka: Kafka;
  topics: ReturnType<typeof topicNames>;
  schema: TestSchema;
  db: pg.Pool;
  redis: Redis;
  redisPrefix: string;
  publisher: EventPublisher;
  baseUrl: string;
  /** The first instance's admin listener: probes and /metrics. */
  adminUrl: string;
  service: ServiceProcess;
  /** Another instance of the service over the same schema, topics and Redis prefix; stopped by `close`. */
  startInstance(): Promise<{ baseUrl: string; stop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function createWorld(name: string, env: Record<string, string> = {}): Promise<SharingWorld> {
  const servers = await testEnvironment();
  const kafka = testKafka(servers.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await waitFor(() => ensureTopics(kafka, { prefix }).then(() => true), { timeoutMs: 30_000, intervalMs: 500, description: `topics with prefix ${prefix}` });
  const schema = await createTestSchema(servers.databaseUrl, name);
  const redisPrefix = uniqueRedisPrefix(name);
  const publisher = createEventPublisher({ kafka, source: '/test/sharing' });
  await publisher.connect();
  const serviceEnv = {
    KAFKA_BROKERS: servers.kafkaBrokers,
    DATABASE_URL: servers.databaseUrl,
    REDIS_URL: servers.redisUrl,
    REDIS_PREFIX: redisPrefix,
    SHARING_SCHEMA: schema.name,
    TOPIC_PREFIX: prefix,
    STAFF_TOKEN_SECRET: STAFF_SECRET,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '100',
    ...env,
  };
  const start = async (): Promise<{ baseUrl: string; adminUrl: string; process: ServiceProcess }> => {
    const [httpPort, adminPort] = [await freePort(), await freePort()];
    const started = await startServiceProcess({
      entry: resolve(__dirname, '../../dist/main.js'),
      readyUrl: `http://127.0.0.1:${adminPort}/readyz`,
      readyTimeoutMs: 90_000,
      env: { ...serviceEnv, HTTP_ADDRESS: `127.0.0.1:${httpPort}`, ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}` },
    });
    return { baseUrl: `http://127.0.0.1:${httpPort}`, adminUrl: `http://127.0.0.1:${adminPort}`, process: started };
  };
  const first = await start();
  const service = first.process;
  const others: ServiceProcess[] = [];
  const db = new pg.Pool({ connectionString: schema.url, max: 2 });
  const redis = new Redis(servers.redisUrl);
  return {
    kafka,
    topics: topicNames(prefix),
    schema,
    db,
    redis,
    redisPrefix,
    publisher,
    baseUrl: first.baseUrl,
    adminUrl: first.adminUrl,
    service,
    startInstance: async () => {
      const other = await start();
      others.push(other.process);
      return {
        baseUrl: other.baseUrl,
        stop: async () => {
          await other.process.stop();
        },
      };
    },
    close: async () => {
      for (const other of others) await other.stop();
      await service.stop();
      await publisher.disconnect();
      await db.end();
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await schema.drop();
    },
  };
}

export interface CallOptions {
  apiKey?: string;
  token?: string;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request to one instance (the world's first, or any `{ baseUrl }`). */
export async function call(world: Pick<SharingWorld, 'baseUrl'>, path: string, options: CallOptions = {}): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${world.baseUrl}${path}`, { method: options.method ?? 'GET', headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Validates bodies against the OpenAPI document's own schemas (JSON Schema 2020-12). */
export function openApiValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addSchema({ $id: 'openapi.json', components: OPENAPI_DOCUMENT.components } as object);
  let checked = 0;
  return {
    assert(schemaName: string, body: unknown): void {
      const validate = ajv.getSchema(`openapi.json#/components/schemas/${schemaName}`);
      if (!validate) throw new Error(`no schema ${schemaName} in the OpenAPI document`);
      if (!validate(body)) throw new Error(`answer does not match ${schemaName}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
      checked += 1;
    },
    get checked() {
      return checked;
    },
  };
}

export interface RegisteredPartner {
  id: string;
  apiKey: string;
  keyId: string;
  grants: Map<string, { id: string; status: string }>;
}

/** Registers the Yanhu demo partners and their grants through the API, as `pnpm start` does. */
export async function registerDemo(world: SharingWorld, options: { quota?: Record<string, number> } = {}): Promise<Map<string, RegisteredPartner>> {
  const admin = await staffToken('admin');
  const steward = await staffToken('data_steward');
  const out = new Map<string, RegisteredPartner>();
  for (const partner of YANHU_PARTNERS) {
    const created = await call(world, '/v1/admin/partners', { token: admin, method: 'POST', body: { id: partner.id, name: partner.name, ...(options.quota ? { quota: options.quota } : {}) } });
    if (created.status !== 201) throw new Error(`registering ${partner.id}: ${created.status} ${created.text}`);
    const { api_key: apiKey, key_id: keyId } = created.json as { api_key: string; key_id: string };
    const grants = new Map<string, { id: string; status: string }>();
    for (const grant of partner.grants) {
      const made = await call(world, '/v1/admin/grants', {
        token: admin,
        method: 'POST',
        body: { partner_id: partner.id, dataset: grant.dataset, fields: grant.fields, scope: grant.scope ?? {}, purpose: grant.purpose, expires_at: '2099-01-01T00:00:00Z' },
      });
      if (made.status !== 201) throw new Error(`granting ${grant.dataset} to ${partner.id}: ${made.status} ${made.text}`);
      let state = made.json as { id: string; status: string };
      if (state.status === 'pending_approval' && !grant.leavePending) {
        const approved = await call(world, `/v1/admin/grants/${state.id}/approve`, { token: steward, method: 'POST' });
        if (approved.status !== 200) throw new Error(`approving ${state.id}: ${approved.status} ${approved.text}`);
        state = approved.json as { id: string; status: string };
      }
      grants.set(grant.dataset, { id: state.id, status: state.status });
    }
    out.set(partner.id, { id: partner.id, apiKey, keyId, grants });
  }
  return out;
}
