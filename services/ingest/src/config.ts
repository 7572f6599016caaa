import { z } from 'zod';
import { baseConfig, hostPort, parseConfig } from '@ecogrid/service-kit';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = baseConfig({ service: 'ingest', adminAddress: '127.0.0.1:8093' }).extend({
  REDIS_URL: z.string().url(),
  /** Prefix of every Redis key this service writes. */
  REDIS_PREFIX: z.string().default('ingest:'),
  HTTP_ADDRESS: hostPort.default('127.0.0.1:8081'),
  HJ212_ADDRESS: hostPort.default('127.0.0.1:9212'),
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50052'),
  /** Gateways allowed to submit over HTTP/gRPC: `name:<sha256 of the token, hex>,…`. */
  INGEST_GATEWAY_TOKENS: z.string().default(''),
  HJ212_MAX_CONNECTIONS: positiveInt(10_000),
  /** Devices send at least every few minutes (heartbeat or data); a silent socket is closed after this. */
  HJ212_IDLE_TIMEOUT_MS: positiveInt(10 * 60_000),
  HJ212_MAX_AUTH_FAILURES: positiveInt(3),
  /** Frames per second per device; 0 disables the limit. */
  DEVICE_RATE_LIMIT_PER_S: z.coerce.number().min(0).default(20),
  DEVICE_RATE_LIMIT_BURST: positiveInt(200),
  /** Frames in hand (waiting for Redis, Kafka or the CPU) above which device sockets pause, and below which they resume. */
  BACKLOG_HIGH_WATER: positiveInt(2_000),
  BACKLOG_LOW_WATER: positiveInt(1_000),
  /** How long a stored observation is remembered for dedupe: longer than any device re-sends. */
  DEDUPE_TTL_SECONDS: positiveInt(48 * 3600),
  /**
   * How long acknowledged observations are gathered before one Redis write marks them seen and stores the
   * newest values per device (0: once per event-loop turn). Gathered ids already count as seen.
   */
  REMEMBER_FLUSH_MS: z.coerce.number().int().min(0).max(5_000).default(100),
  MAX_FUTURE_SKEW_MS: positiveInt(10 * 60_000),
});

export type IngestConfig = z.infer<typeof schema>;

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const config = parseConfig(schema, env);
  if (config.BACKLOG_LOW_WATER >= config.BACKLOG_HIGH_WATER) throw new Error('invalid configuration: BACKLOG_LOW_WATER must be below BACKLOG_HIGH_WATER');
  return config;
}
