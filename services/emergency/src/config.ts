import { z } from 'zod';
import { baseConfig, booleanFlag, hostPort, LOG_LEVELS, parseConfig, schemaName, type Clock } from '@ecogrid/service-kit';
import { staffAuthSettings } from '@ecogrid/staff-auth';

const database = {
  DATABASE_URL: z.string().min(1),
  /** PostgreSQL schema of the emergency tables; tests pass a fresh one. */
  EMERGENCY_SCHEMA: schemaName.default('emergency'),
};

const schema = baseConfig({ service: 'emergency', adminAddress: '127.0.0.1:8098' }).extend({
  ...database,
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50056'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(64).default(8),
  /** Where a new consumer group starts on its input topics: the latest records (an old reading is not compliance now). */
  INPUTS_FROM_BEGINNING: booleanFlag.default(false),
  /**
   * Development and tests only: the service's clock starts at this instant and runs on from there, so warning
   * windows and trigger hours are the same whatever day the tests run. Refused in production.
   */
  EMERGENCY_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  ...staffAuthSettings,
});

export type EmergencyConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EmergencyConfig {
  const config = parseConfig(schema, env);
  if (config.EMERGENCY_CLOCK_START && config.NODE_ENV === 'production') throw new Error('invalid configuration: EMERGENCY_CLOCK_START is for development and tests only');
  return config;
}

/** The system clock, or one that starts at EMERGENCY_CLOCK_START and runs at the real pace. */
export function clockOf(config: Pick<EmergencyConfig, 'EMERGENCY_CLOCK_START'>): Clock {
  if (!config.EMERGENCY_CLOCK_START) return { now: () => new Date() };
  const offset = new Date(config.EMERGENCY_CLOCK_START).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

const migrationSchema = z.object({
  ...database,
  SERVICE_NAME: z.string().min(1).default('emergency'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** What `pnpm migrate` needs: the database and the schema, nothing of Kafka. */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): z.infer<typeof migrationSchema> {
  return parseConfig(migrationSchema, env);
}
