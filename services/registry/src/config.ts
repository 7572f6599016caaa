import { z } from 'zod';

const hostPort = z.string().regex(/^[^:]+:\d+$/, 'expected host:port');

const schema = z.object({
  SERVICE_NAME: z.string().default('registry'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z.string().min(1),
  DATABASE_URL: z.string().url(),
  /** PostgreSQL schema of the registry's tables; tests use a schema of their own. */
  REGISTRY_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a plain lower-case identifier').default('registry'),
  /** Prefix of every topic name; empty in production, unique per test run. */
  TOPIC_PREFIX: z.string().default(''),
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50051'),
  ADMIN_HTTP_ADDRESS: hostPort.default('127.0.0.1:8091'),
  /** Imported at start-up, idempotently: `yanhu` (the demo dataset) or a directory with the same files. */
  SEED_DATASET: z.string().optional(),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

export type RegistryConfig = z.infer<typeof schema>;

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

export function splitHostPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index), port: Number(address.slice(index + 1)) };
}
