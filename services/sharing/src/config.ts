import { z } from 'zod';
import { baseConfig, hostPort, LOG_LEVELS, parseConfig, schemaName } from '@ecogrid/service-kit';
import { staffAuthSettings } from '@ecogrid/staff-auth';

/** Marked so nobody mistakes it for a secret: refused when NODE_ENV=production. */
export const DEV_PARTNER_TOKEN_SECRET = 'dev-only-insecure-sharing-partner-token-secret';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const database = {
  DATABASE_URL: z.string().min(1),
  /** The PostgreSQL schema of sharing's tables; tests use a schema of their own. */
  SHARING_SCHEMA: schemaName.default('sharing'),
};

const schema = baseConfig({ service: 'sharing', adminAddress: '127.0.0.1:8096' }).extend({
  ...database,
  ...staffAuthSettings,
  /** The partner API (pull, push, audit, administration). */
  HTTP_ADDRESS: hostPort.default('127.0.0.1:8085'),
  REDIS_URL: z.string().url(),
  /** Prefix of sharing's Redis keys (quotas); tests use one of their own. */
  REDIS_PREFIX: z.string().default('sharing:'),
  /** Signs the client-credentials access tokens partners may use instead of their key. */
  PARTNER_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').default(DEV_PARTNER_TOKEN_SECRET),
  PARTNER_TOKEN_TTL_SECONDS: positiveInt(900),
  /** An HMAC key for the audit chain, kept outside the database (then a database administrator cannot re-forge it). */
  AUDIT_CHAIN_KEY: z.string().min(32).optional(),
  AUDIT_CHAIN_KEY_ID: z.string().min(1).default('k1'),
  DEFAULT_REQUESTS_PER_SECOND: positiveInt(20),
  DEFAULT_ROWS_PER_DAY: positiveInt(100_000),
  DEFAULT_PAGE_CAP: positiveInt(500),
  OUTBOX_POLL_MS: positiveInt(500),
  /**
   * How long an idle PostgreSQL connection is kept. Partners pull in bursts with pauses between; with pg's 10 s a
   * burst after a pause opened the whole pool again (20 backends forked at once) while its first requests waited.
   */
  PG_POOL_IDLE_MS: positiveInt(300_000),
  /** `off` only for the benchmark comparing the pull with and without its audit; refused in production. */
  ACCESS_AUDIT: z.enum(['on', 'off']).default('on'),
  /** How long audited accesses gather before the outbox relay sends their events to ecogrid.sharing.access.v1. */
  AUDIT_EVENTS_LINGER_MS: z.coerce.number().int().min(0).max(5_000).default(100),
  /** Tests only: the service's clock starts at this time and runs on, so quota days and report months are pinned. */
  CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  WEBHOOK_ATTEMPTS: positiveInt(5),
  WEBHOOK_BACKOFF_MS: positiveInt(1_000),
  WEBHOOK_TIMEOUT_MS: positiveInt(5_000),
  WEBHOOK_POLL_MS: positiveInt(1_000),
  /** The shortest lease an instance takes on a subscription (it is also at least twice one event's longest delivery). */
  WEBHOOK_LEASE_MIN_MS: positiveInt(30_000),
  /** Host names webhooks may reach although they resolve to private addresses: tests and local demos only. */
  WEBHOOK_ALLOW_PRIVATE_HOSTS: z
    .string()
    .default('')
    .transform((text) => text.split(',').map((host) => host.trim()).filter(Boolean)),
});

export type SharingConfig = z.infer<typeof schema>;

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SharingConfig {
  const config = parseConfig(schema, env);
  if (config.NODE_ENV === 'production' && config.PARTNER_TOKEN_SECRET === DEV_PARTNER_TOKEN_SECRET) throw new Error('invalid configuration: set PARTNER_TOKEN_SECRET in production');
  if (config.NODE_ENV === 'production' && config.ACCESS_AUDIT === 'off') throw new Error('invalid configuration: every access is audited in production');
  if (config.NODE_ENV === 'production' && config.CLOCK_START) throw new Error('invalid configuration: CLOCK_START is for tests only');
  if (config.NODE_ENV === 'production' && config.WEBHOOK_ALLOW_PRIVATE_HOSTS.length > 0) throw new Error('invalid configuration: WEBHOOK_ALLOW_PRIVATE_HOSTS is for tests and local demos only');
  return config;
}

const migrationSchema = z.object({
  ...database,
  SERVICE_NAME: z.string().min(1).default('sharing'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** What `pnpm migrate` needs: the database and the schema, nothing of Kafka. */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(migrationSchema, env);
}
