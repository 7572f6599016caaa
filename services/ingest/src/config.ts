import { z } from 'zod';

const hostPort = z.string().regex(/^[^:]+:\d+$/, 'expected host:port');

const schema = z.object({
  SERVICE_NAME: z.string().default('ingest'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z.string().min(1),
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every topic name; empty in production, unique per test run. */
  TOPIC_PREFIX: z.string().default(''),
  HTTP_ADDRESS: hostPort.default('127.0.0.1:8081'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

export type IngestConfig = z.infer<typeof schema>;

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
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
