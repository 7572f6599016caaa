import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEADLINE_POLICY_V1 } from './domain/deadline-policy.v1';
import { validatePolicy, type DeadlinePolicy } from './domain/deadline-policy';

const hostPort = z.string().regex(/^[^:]+:\d+$/, 'expected host:port');

/** Marked so nobody mistakes it for a secret: refused when NODE_ENV=production. */
export const DEV_TOKEN_SECRET = 'dev-only-insecure-dispatch-token-secret-change-me';
export const DEV_OPEN311_API_KEY = 'dev-open311-key-not-for-production';

const schema = z.object({
  SERVICE_NAME: z.string().default('dispatch'),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z.string().min(1),
  DATABASE_URL: z.string().min(1),
  /** The PostgreSQL schema of dispatch's tables; tests use a schema of their own. */
  DISPATCH_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').default('dispatch'),
  TOPIC_PREFIX: z.string().default(''),
  CONSUMER_GROUP: z.string().default('dispatch'),
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50053'),
  HTTP_ADDRESS: hostPort.default('127.0.0.1:8083'),
  DISPATCH_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').default(DEV_TOKEN_SECRET),
  /** A partner key for local use, stored hashed at start-up; unset it in production. */
  OPEN311_DEV_API_KEY: z.string().optional(),
  CASE_ID_PREFIX: z.string().regex(/^[A-Z]{2,8}$/).default('YH'),
  DEADLINE_POLICY_FILE: z.string().optional(),
  /** Multiplies every deadline (tests run the real policy in seconds with e.g. 0.001). */
  DEADLINE_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  TIMER_POLL_MS: z.coerce.number().int().positive().default(1_000),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  SENSITIVE_TARGET_RADIUS_M: z.coerce.number().positive().default(1_000),
  EVIDENCE_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

export type DispatchConfig = z.infer<typeof schema> & { policy: DeadlinePolicy };

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DispatchConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    if (config.DISPATCH_TOKEN_SECRET === DEV_TOKEN_SECRET) throw new Error('invalid configuration: set DISPATCH_TOKEN_SECRET in production');
    if (config.OPEN311_DEV_API_KEY) throw new Error('invalid configuration: OPEN311_DEV_API_KEY is for development only');
  } else {
    config.OPEN311_DEV_API_KEY ??= DEV_OPEN311_API_KEY;
  }
  const policy = config.DEADLINE_POLICY_FILE ? (JSON.parse(readFileSync(config.DEADLINE_POLICY_FILE, 'utf8')) as DeadlinePolicy) : DEADLINE_POLICY_V1;
  const problems = validatePolicy(policy);
  if (problems.length > 0) throw new Error(`invalid deadline policy ${config.DEADLINE_POLICY_FILE ?? 'v1'}: ${problems.join('; ')}`);
  return { ...config, policy };
}

export function splitHostPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index), port: Number(address.slice(index + 1)) };
}
