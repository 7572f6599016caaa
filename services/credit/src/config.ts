import { z } from 'zod';
import { baseConfig, booleanFlag, hostPort, LOG_LEVELS, parseConfig, schemaName, type Clock } from '@ecogrid/service-kit';
import { staffAuthSettings } from '@ecogrid/staff-auth';

const database = {
  DATABASE_URL: z.string().min(1),
  /** PostgreSQL schema of credit's tables; tests pass a fresh one. */
  CREDIT_SCHEMA: schemaName.default('credit'),
};

const schema = baseConfig({ service: 'credit', adminAddress: '127.0.0.1:8095' }).extend({
  ...database,
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50054'),
  /** Whose ruleset rates the enterprises: `CN` (national 2013 profile) or `CN-SX` (Shanxi's pilot). Yuncheng is not a pilot city. */
  CREDIT_JURISDICTION: z.enum(['CN', 'CN-SX']).default('CN'),
  /**
   * JSON files of further ruleset versions (comma-separated), added beside the shipped ones: a province's new
   * version, or the official weights once obtained, take effect from their own date without a release.
   */
  CREDIT_RULESET_FILES: z.string().optional(),
  /** Where a new consumer group starts on alerts and cases: true, since every past exceedance is evidence. */
  EVIDENCE_FROM_BEGINNING: booleanFlag.default(true),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(64).default(8),
  /**
   * Development and tests only: the service's clock starts at this instant and runs on from there, so dates
   * (periods, restoration waiting times) are the same whatever day the tests run. Refused in production.
   */
  CREDIT_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  ...staffAuthSettings,
});

export type CreditConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CreditConfig {
  const config = parseConfig(schema, env);
  if (config.CREDIT_CLOCK_START && config.NODE_ENV === 'production') throw new Error('invalid configuration: CREDIT_CLOCK_START is for development and tests only');
  return config;
}

/** The system clock, or one that starts at CREDIT_CLOCK_START and runs at the real pace. */
export function clockOf(config: Pick<CreditConfig, 'CREDIT_CLOCK_START'>): Clock {
  if (!config.CREDIT_CLOCK_START) return { now: () => new Date() };
  const offset = new Date(config.CREDIT_CLOCK_START).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

const migrationSchema = z.object({
  ...database,
  SERVICE_NAME: z.string().min(1).default('credit'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** What `pnpm migrate` needs: the database and the schema, nothing of Kafka. */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): z.infer<typeof migrationSchema> {
  return parseConfig(migrationSchema, env);
}
