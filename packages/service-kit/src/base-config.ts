import { z } from 'zod';

/** `host:port`, as every listener address is configured. */
export const hostPort = z.string().regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port');

export function splitHostPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index), port: Number(address.slice(index + 1)) };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A PostgreSQL schema name from configuration: it reaches SQL text, so it is held to a plain identifier. */
export const schemaName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case SQL identifier');

export const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * The settings every service has, with its own defaults: its name, log level, Kafka and topic prefix, its admin
 * listener, tracing and shutdown. A service extends it with what is its own:
 * `baseConfig({ service: 'alerting', adminAddress: '127.0.0.1:8092' }).extend({ … })`.
 */
export function baseConfig(defaults: { service: string; adminAddress: string }) {
  return z.object({
    SERVICE_NAME: z.string().min(1).default(defaults.service),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    KAFKA_BROKERS: z.string().min(1),
    /** The service's own Kafka user where the cluster authenticates clients (all three or none; see docs/security.md). */
    KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512']).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    /** Copies of each partition of the topics a service creates; unset: the broker's default.replication.factor. */
    KAFKA_TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).optional(),
    /** Prefix of every topic and consumer group: empty in production, unique per test run. */
    TOPIC_PREFIX: z.string().default(''),
    /** Probes (`/healthz`, `/readyz`) and `/metrics`, apart from the public API ports. */
    ADMIN_HTTP_ADDRESS: hostPort.default(defaults.adminAddress),
    /**
     * How long a consumer group waits for a member that stopped heartbeating (a crashed instance) before giving its
     * partitions to the others: with several instances, the longest a dead one's share of the work waits.
     */
    CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  });
}

export type BaseConfig = z.infer<ReturnType<typeof baseConfig>>;

/** Parses the environment once at start-up and fails fast, naming every bad variable (never its value). */
export function parseConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
