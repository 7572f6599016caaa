import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_RULESET } from './domain/rules/default-ruleset';
import { parseRuleset, type Ruleset } from './domain/rules/ruleset';

const hostPort = z.string().regex(/^[^:]+:\d+$/, 'expected host:port');
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const schema = z.object({
  SERVICE_NAME: z.string().default('alerting'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z.string().min(1),
  DATABASE_URL: z.string().min(1),
  /** PostgreSQL schema of alerting's tables; tests pass a fresh one. */
  ALERTING_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/i).default('alerting'),
  /** Prefix of every topic name; empty in production, unique per test run. */
  TOPIC_PREFIX: z.string().default(''),
  /** Consumer group of the readings consumer; defaults to `<TOPIC_PREFIX>alerting`. */
  CONSUMER_GROUP: z.string().optional(),
  /** Where a new group starts: false (latest) in production, where history would replay old alerts. */
  READINGS_FROM_BEGINNING: flag.default(false),
  /** How long the group waits for a member that stopped heartbeating (a crashed instance) before moving its partitions. */
  CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
  PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
  ADMIN_HTTP_ADDRESS: hostPort.default('127.0.0.1:8092'),
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50055'),
  /** JSON file with a ruleset to use instead of the built-in default (src/domain/rules/default-ruleset.ts). */
  ALERT_RULESET: z.string().optional(),
  /** How often the clock-driven rules run (offline devices, closing hours of real-time station data). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * Longest evaluated readings may go without a checkpoint in PostgreSQL; the events of a batch that raises or
   * changes an alert are written at once. After a crash up to this much is evaluated again (to the same events).
   */
  CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Outbox poll when nothing signalled new rows (other instances' rows, rows left by a crash). */
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(64).default(6),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

export type AlertingConfig = z.infer<typeof schema> & { consumerGroup: string };

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AlertingConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return { ...parsed.data, consumerGroup: parsed.data.CONSUMER_GROUP ?? `${parsed.data.TOPIC_PREFIX}alerting` };
}

/** The ruleset named by ALERT_RULESET, else the built-in default; invalid rules stop the start. */
export function loadRuleset(path: string | undefined): Ruleset {
  if (!path) return parseRuleset(DEFAULT_RULESET);
  return parseRuleset(JSON.parse(readFileSync(path, 'utf8')));
}

export function splitHostPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index), port: Number(address.slice(index + 1)) };
}
