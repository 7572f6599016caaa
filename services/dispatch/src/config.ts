import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { baseConfig, hostPort, LOG_LEVELS, parseConfig, schemaName } from '@ecogrid/service-kit';
import { allowsPublishedSecrets, refusePublishedSecrets, staffAuthSettings } from '@ecogrid/staff-auth';
import { DEADLINE_POLICY_V1 } from './domain/deadline-policy.v1';
import { validatePolicy, type DeadlinePolicy } from './domain/deadline-policy';
import type { ChainKeyring } from './domain/history-chain';

/** Published in this repository, so refused unless NODE_ENV is development or test (staff-auth's refusePublishedSecrets). */
export const DEV_OPEN311_API_KEY = 'dev-open311-key-not-for-production';
/** The history chain's development key: published, so refused unless NODE_ENV is development or test. */
export const DEV_HISTORY_CHAIN_KEY = 'dev-only-history-chain-key-published-in-the-repository';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const database = {
  DATABASE_URL: z.string().min(1),
  /** The PostgreSQL schema of dispatch's tables; tests use a schema of their own. */
  DISPATCH_SCHEMA: schemaName.default('dispatch'),
};

const schema = baseConfig({ service: 'dispatch', adminAddress: '127.0.0.1:8094' }).extend({
  ...database,
  ...staffAuthSettings,
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50053'),
  /** The staff REST API and Open311 GeoReport v2; probes and metrics are on ADMIN_HTTP_ADDRESS. */
  HTTP_ADDRESS: hostPort.default('127.0.0.1:8083'),
  /** A partner key for local use, stored hashed at start-up; development and test only. */
  OPEN311_DEV_API_KEY: z.string().optional(),
  /**
   * The HMAC key of the case history chain (≥ 32 characters), kept outside the database so that rewriting history
   * rows, even as a database superuser, shows. Its id is stored with each entry; rotate by giving a new id and moving
   * the old key to HISTORY_CHAIN_RETIRED_KEYS (`id=secret;id=secret`), which still verifies the entries it sealed.
   */
  HISTORY_CHAIN_KEY: z.string().min(32, 'at least 32 characters').optional(),
  HISTORY_CHAIN_KEY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/).default('k1'),
  HISTORY_CHAIN_RETIRED_KEYS: z
    .string()
    .regex(/^([A-Za-z0-9._-]{1,32}=[^;]{32,})(;[A-Za-z0-9._-]{1,32}=[^;]{32,})*$/, 'id=secret;id=secret, each secret at least 32 characters')
    .optional(),
  CASE_ID_PREFIX: z.string().regex(/^[A-Z]{2,8}$/).default('YH'),
  DEADLINE_POLICY_FILE: z.string().optional(),
  /** Multiplies every deadline (tests run the real policy in seconds with e.g. 0.001). */
  DEADLINE_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  TIMER_POLL_MS: positiveInt(1_000),
  OUTBOX_POLL_MS: positiveInt(500),
  SENSITIVE_TARGET_RADIUS_M: z.coerce.number().positive().default(1_000),
  /** The largest evidence file accepted; a bigger upload is refused before it is read. */
  EVIDENCE_MAX_BYTES: positiveInt(10 * 1024 * 1024),
});

export type DispatchConfig = z.infer<typeof schema> & { policy: DeadlinePolicy; historyKeys: ChainKeyring };

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DispatchConfig {
  const config = parseConfig(schema, env);
  // An unset NODE_ENV counts as production: forgetting it must not let the published keys in.
  refusePublishedSecrets(config.NODE_ENV, { OPEN311_DEV_API_KEY: config.OPEN311_DEV_API_KEY, HISTORY_CHAIN_KEY: config.HISTORY_CHAIN_KEY }, [DEV_OPEN311_API_KEY, DEV_HISTORY_CHAIN_KEY]);
  const chainSecret = config.HISTORY_CHAIN_KEY ?? (allowsPublishedSecrets(config.NODE_ENV) ? DEV_HISTORY_CHAIN_KEY : undefined);
  if (!chainSecret) throw new Error('invalid configuration: set HISTORY_CHAIN_KEY (the history chain\'s HMAC key, kept outside the database), or NODE_ENV=development for local use');
  const retired = (config.HISTORY_CHAIN_RETIRED_KEYS ?? '')
    .split(';')
    .filter(Boolean)
    .map((pair) => ({ id: pair.slice(0, pair.indexOf('=')), secret: pair.slice(pair.indexOf('=') + 1) }));
  if (retired.some((key) => key.id === config.HISTORY_CHAIN_KEY_ID)) throw new Error('invalid configuration: HISTORY_CHAIN_RETIRED_KEYS holds the current HISTORY_CHAIN_KEY_ID');
  const historyKeys: ChainKeyring = { current: { id: config.HISTORY_CHAIN_KEY_ID, secret: chainSecret }, retired };
  if (allowsPublishedSecrets(config.NODE_ENV)) config.OPEN311_DEV_API_KEY ??= DEV_OPEN311_API_KEY;
  else if (config.OPEN311_DEV_API_KEY) throw new Error('invalid configuration: OPEN311_DEV_API_KEY is for development and test only; register partners with pnpm run token --open311-partner');
  const policy = config.DEADLINE_POLICY_FILE ? (JSON.parse(readFileSync(config.DEADLINE_POLICY_FILE, 'utf8')) as DeadlinePolicy) : DEADLINE_POLICY_V1;
  const problems = validatePolicy(policy);
  if (problems.length > 0) throw new Error(`invalid deadline policy ${config.DEADLINE_POLICY_FILE ?? 'v1'}: ${problems.join('; ')}`);
  return { ...config, policy, historyKeys };
}

const migrationSchema = z.object({
  ...database,
  SERVICE_NAME: z.string().min(1).default('dispatch'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export type MigrationConfig = z.infer<typeof migrationSchema>;

/** What `pnpm migrate` needs: the database and the schema, nothing of Kafka. */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): MigrationConfig {
  return parseConfig(migrationSchema, env);
}
