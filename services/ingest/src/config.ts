import { z } from 'zod';
import { baseConfig, hostPort, parseConfig, schemaName } from '@ecogrid/service-kit';
import { staffAuthSettings } from '@ecogrid/staff-auth';

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
  /** Frames (or device-submitted observations) per second per device, after authentication; 0 disables the limit. */
  DEVICE_RATE_LIMIT_PER_S: z.coerce.number().min(0).default(20),
  DEVICE_RATE_LIMIT_BURST: positiveInt(200),
  /** Frames or requests per second per peer address, before authentication; 0 disables the limit. */
  ADDRESS_RATE_LIMIT_PER_S: z.coerce.number().min(0).default(2_000),
  /** Failed device authentications allowed per window: per peer address, per (address, MN), per MN (Redis, shared). */
  AUTH_FAILURES_PER_ADDRESS: positiveInt(30),
  AUTH_FAILURES_PER_ADDRESS_MN: positiveInt(10),
  AUTH_FAILURES_PER_MN: positiveInt(100),
  AUTH_FAILURE_WINDOW_S: positiveInt(900),
  /** How long a verified (MN, password) is trusted without scrypt while the device keeps using it (0: never; for measuring). */
  CREDENTIAL_CACHE_TTL_S: z.coerce.number().int().min(0).default(900),
  /** Refusals a second one peer address may have published to the rejected topic (the rest are only counted); 0: no cap. */
  REJECTIONS_PER_PEER_PER_S: z.coerce.number().min(0).default(20),
  REJECTIONS_PER_PEER_BURST: positiveInt(200),
  /** Events waiting for Kafka beyond which submissions are refused (HTTP 503 + Retry-After, gRPC RESOURCE_EXHAUSTED). */
  PUBLISH_QUEUE_LIMIT: positiveInt(20_000),
  /**
   * How long a batch Kafka did not acknowledge is sent again, unchanged, before its frames fail: a batch the broker
   * wrote without its answer arriving is then not written twice (0: fail at once).
   */
  PUBLISH_HOLD_FAILED_MS: z.coerce.number().int().min(0).default(120_000),
  /** Frames in hand (waiting for Redis, Kafka or the CPU) above which device sockets pause, and below which they resume. */
  BACKLOG_HIGH_WATER: positiveInt(2_000),
  BACKLOG_LOW_WATER: positiveInt(1_000),
  /**
   * Frames one HJ 212 connection may have read and not yet answered before its socket pauses (resumes at half):
   * devices wait for each reply, so this only holds back a client that pipelines.
   */
  HJ212_FRAMES_PER_CONNECTION: positiveInt(32),
  /** How long a stored observation is remembered for dedupe: longer than any device re-sends. */
  DEDUPE_TTL_SECONDS: positiveInt(48 * 3600),
  /**
   * How long acknowledged observations are gathered before one Redis write marks them seen and stores the
   * newest values per device (0: once per event-loop turn). Gathered ids already count as seen.
   */
  REMEMBER_FLUSH_MS: z.coerce.number().int().min(0).max(5_000).default(100),
  MAX_FUTURE_SKEW_MS: positiveInt(10 * 60_000),
  /** A device's clock drift is published when first seen on a connection and again when it moves by this much. */
  CLOCK_DRIFT_STEP_MS: positiveInt(60_000),
  /**
   * PostgreSQL for device control (commands and their outbox). Without it ingest takes data only and does not serve
   * DeviceControlService.
   */
  DATABASE_URL: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(1).optional()),
  INGEST_SCHEMA: schemaName.default('ingest'),
  ...staffAuthSettings,
  /** HJ 212 OverTime (s) and ReCount of a command that names none (HJ 212-2017 table 1: 10 s and 3 over mobile links). */
  COMMAND_OVER_TIME_S: z.coerce.number().int().min(1).max(99).default(10),
  COMMAND_RE_COUNT: z.coerce.number().int().min(0).max(99).default(3),
  /** Commands one device may have waiting (for its connection, or for the command before it). */
  COMMAND_QUEUE_PER_DEVICE: positiveInt(16),
  /** How long a command waits for its device to connect before it expires unsent. */
  COMMAND_QUEUE_MAX_AGE_S: positiveInt(3_600),
  /** How often waiting commands past their time, and commands no instance follows any more, are ended. */
  COMMAND_SWEEP_MS: positiveInt(5_000),
  /** How far past its deadline a command in flight must be before another instance's sweep ends it. */
  COMMAND_ABANDONED_GRACE_MS: positiveInt(30_000),
  /** Drift (either way) beyond which ingest sets a device's clock with 1012; 0 turns automatic correction off. */
  /**
   * Key-encryption keys that open devices' SM4 keys from the registry and seal the ones 1014 hands over:
   * `id:key,…` (64 hex digits or base64 of 32 bytes; the first seals), or a secret file in that format.
   */
  DEVICE_KEY_KEKS: z.string().optional(),
  DEVICE_KEY_KEKS_FILE: z.string().optional(),
  /** How long the key a 1014 replaced is still accepted on the device's frames (frames sent before it switched). */
  SM4_KEY_GRACE_MS: z.coerce.number().int().min(0).default(600_000),
  CLOCK_CORRECTION_THRESHOLD_MS: z.coerce.number().int().min(0).default(60_000),
  /** At most one automatic clock correction per device connection within this long. */
  CLOCK_CORRECTION_INTERVAL_MS: positiveInt(3_600_000),
  OUTBOX_POLL_MS: positiveInt(1_000),
  /**
   * How often devices write minute (2051) and hour (2061) records: back-fill plans and transmission rates count
   * periods of these. The registry keeps no record intervals per device, so they are the platform's.
   */
  MINUTE_RECORD_INTERVAL_MS: positiveInt(10 * 60_000),
  HOUR_RECORD_INTERVAL_MS: positiveInt(3_600_000),
  /** Automatic back-fill (needs DATABASE_URL): requests per missed range before it is given up; 0 turns it off. */
  BACKFILL_MAX_ATTEMPTS: z.coerce.number().int().min(0).max(20).default(3),
  /** A silence shorter than this is not back-filled (the device's own re-sends cover it). */
  BACKFILL_MIN_GAP_MS: positiveInt(5 * 60_000),
  /** Nothing older than this before the reconnect is asked for. */
  BACKFILL_MAX_LOOKBACK_MS: positiveInt(24 * 3_600_000),
  /** The longest span one 2051 request covers, and one 2061 request (STANDARDS.md §9.4.3). */
  BACKFILL_MINUTE_CHUNK_MS: positiveInt(2 * 3_600_000),
  BACKFILL_HOUR_CHUNK_MS: positiveInt(24 * 3_600_000),
  /**
   * How long after the reconnect the first request waits, so the device first sends what it kept itself; unset: one
   * minute interval and 60 s, past the device's next live minute record (main.ts says why).
   */
  BACKFILL_DELAY_MS: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(0).optional()),
  /** How long after a failed request the range is asked for again. */
  BACKFILL_RETRY_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  /** How long after a Beijing day ends its transmission rates are published (its last hour records come in first). */
  TRANSMISSION_PUBLISH_DELAY_MS: z.coerce.number().int().min(0).default(2 * 3_600_000),
  /** How often an instance looks whether a day is due for publication. */
  TRANSMISSION_PUBLISH_CHECK_MS: positiveInt(60_000),
  /** Transmission records are kept this many days (whole months of them are assessed, and corrected, within a year). */
  TRANSMISSION_RECORDS_KEEP_DAYS: positiveInt(400),
});

export type IngestConfig = z.infer<typeof schema>;

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const config = parseConfig(schema, env);
  if (config.BACKLOG_LOW_WATER >= config.BACKLOG_HIGH_WATER) throw new Error('invalid configuration: BACKLOG_LOW_WATER must be below BACKLOG_HIGH_WATER');
  return config;
}

const migrationSchema = z.object({
  DATABASE_URL: z.string().min(1),
  INGEST_SCHEMA: schemaName.default('ingest'),
});

/** What `pnpm migrate` needs: the database and the schema, nothing of Kafka or Redis. */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): z.infer<typeof migrationSchema> {
  return parseConfig(migrationSchema, env);
}
