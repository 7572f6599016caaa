import { z } from 'zod';
import { baseConfig, booleanFlag, hostPort, LOG_LEVELS, parseConfig, schemaName, type Clock } from '@ecogrid/service-kit';
import { staffAuthSettings } from '@ecogrid/staff-auth';
import { DEFAULT_EARLY_WARNING_POLICY, DEFAULT_HOURLY_EARLY_WARNING_POLICY, checkEarlyWarningPolicy, type EarlyWarningPolicy } from './domain/early-warning/early-warning-policy';
import type { ClassificationRules } from './domain/early-warning/monitored-series';

const database = {
  DATABASE_URL: z.string().min(1),
  /** PostgreSQL schema of the emergency tables; tests pass a fresh one. */
  EMERGENCY_SCHEMA: schemaName.default('emergency'),
};

/**
 * Incidents (突发环境事件): the impact zone, the road factor, the closing rule and the timeline's chain key
 * (services/emergency/README.md, "Incidents").
 */
const incidentSettings = {
  /** Rivers for downstream zones: GeoJSON LineStrings drawn upstream → downstream; default the demo's data/rivers.geojson. */
  INCIDENT_RIVERS_FILE: z.string().min(1).optional(),
  /** Circle radius of a zone (toxic gas, water away from a river, declared by hand without a radius). */
  INCIDENT_RADIUS_M: z.coerce.number().positive().max(50_000).default(3_000),
  INCIDENT_DOWNSTREAM_M: z.coerce.number().positive().max(200_000).default(10_000),
  INCIDENT_CORRIDOR_M: z.coerce.number().positive().max(10_000).default(1_000),
  /** Straight line × this = travel distance to a resource (路网非直线系数). */
  INCIDENT_ROAD_FACTOR: z.coerce.number().min(1).max(5).default(1.4),
  INCIDENT_RESOURCES_PER_KIND: z.coerce.number().int().min(1).max(50).default(3),
  /** How long every station of an incident must stay under its limits before it may close. */
  INCIDENT_RECOVERY_HOLD_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  INCIDENT_READINGS_REFRESH_MS: z.coerce.number().int().positive().default(2_000),
  /** HMAC key of the incident timeline, kept outside the database; a development key only with NODE_ENV development/test. */
  INCIDENT_CHAIN_KEY: z.string().min(16).optional(),
  INCIDENT_CHAIN_KEY_ID: z.string().min(1).default('k1'),
  /** Plans (JSON) stored at start when their id is not stored yet; default the demo's data/plans with NODE_ENV=development. */
  INCIDENT_SEED_PLANS_DIR: z.string().min(1).optional(),
};

/** Early warning before a limit is crossed (services/emergency/README.md, "Early warning"). */
const earlyWarning = {
  /** How far ahead minute data (2051) is forecast, in minutes. */
  EARLY_WARNING_MINUTE_HORIZON_MIN: z.coerce.number().int().min(5).max(360).default(60),
  /** How far ahead hour data (2061) is forecast, in hours. */
  EARLY_WARNING_HOUR_HORIZON_H: z.coerce.number().int().min(1).max(48).default(6),
  /** Raise when the crossing probability within the horizon reaches this; clear below the lower one. */
  EARLY_WARNING_RAISE_PROBABILITY: z.coerce.number().gt(0).lt(1).default(DEFAULT_EARLY_WARNING_POLICY.raiseProbability),
  EARLY_WARNING_CLEAR_PROBABILITY: z.coerce.number().min(0).lt(1).default(DEFAULT_EARLY_WARNING_POLICY.clearProbability),
  /** Calm readings in a row before a warning clears. */
  EARLY_WARNING_CLEAR_AFTER_READINGS: z.coerce.number().int().min(1).default(DEFAULT_EARLY_WARNING_POLICY.clearAfterReadings),
  /** Minute data: values a series needs before it is forecast, and the window kept per series (hourly data: 12 and 48). */
  EARLY_WARNING_MIN_POINTS: z.coerce.number().int().min(6).default(DEFAULT_EARLY_WARNING_POLICY.minPoints),
  EARLY_WARNING_WINDOW_POINTS: z.coerce.number().int().min(6).max(1_000).default(DEFAULT_EARLY_WARNING_POLICY.windowPoints),
  /** A water station this close to a drinking-water source watches the source; an air station this close to a risk source watches toxic gases. */
  EARLY_WARNING_WATER_SOURCE_RADIUS_M: z.coerce.number().positive().default(1_000),
  EARLY_WARNING_TOXIC_GAS_RADIUS_M: z.coerce.number().positive().default(1_000),
  /** GB 3838 class of a river section whose device has no registered limit. */
  EARLY_WARNING_RIVER_CLASS: z.coerce.number().int().min(1).max(5).default(3),
};

const schema = baseConfig({ service: 'emergency', adminAddress: '127.0.0.1:8098' }).extend({
  ...database,
  ...incidentSettings,
  ...earlyWarning,
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50056'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(64).default(8),
  /** Where a new consumer group starts on its input topics: the latest records (an old reading is not compliance now). */
  INPUTS_FROM_BEGINNING: booleanFlag.default(false),
  /** How often the active reduction obligations are compared with the enterprises' hourly means. */
  COMPLIANCE_CHECK_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * How long the warnings part keeps its inputs (pruned once an hour): the outlets' hourly means (compliance and the
   * episode's baseline, up to a week before a warning), the stations' hourly AQI (the rolling daily triggers), and the
   * ids of readings already counted — those only longer than the readings topic keeps records (7 days), so a replay
   * is still recognised. Hours an active warning's evaluation will read are never pruned.
   */
  OUTLET_HOURS_KEEP_DAYS: z.coerce.number().int().min(14).default(90),
  AQI_HOURS_KEEP_DAYS: z.coerce.number().int().min(7).default(400),
  COUNTED_READINGS_KEEP_DAYS: z.coerce.number().int().min(8).default(10),
  PRUNE_CHECK_MS: z.coerce.number().int().min(1_000).default(3_600_000),
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
  // The timeline's key is needed before the first incident: a deployment without one fails here, at start.
  incidentChainKeyOf(config);
  const problems = Object.values(earlyWarningPolicies(config)).flatMap(({ policy }) => checkEarlyWarningPolicy(policy));
  if (problems.length > 0) throw new Error(`invalid configuration: early warning: ${[...new Set(problems)].join('; ')}`);
  return config;
}

type EarlyWarningSettings = { [K in keyof typeof earlyWarning]: z.infer<(typeof earlyWarning)[K]> };

/** The early-warning policy per HJ 212 data command: minute data (2051) and hour data (2061). */
export function earlyWarningPolicies(config: EarlyWarningSettings): Record<string, { stepMs: number; policy: EarlyWarningPolicy }> {
  const settings = {
    raiseProbability: config.EARLY_WARNING_RAISE_PROBABILITY,
    clearProbability: config.EARLY_WARNING_CLEAR_PROBABILITY,
  };
  return {
    '2051': {
      stepMs: 60_000,
      policy: {
        ...DEFAULT_EARLY_WARNING_POLICY,
        ...settings,
        horizonSteps: config.EARLY_WARNING_MINUTE_HORIZON_MIN,
        clearAfterReadings: config.EARLY_WARNING_CLEAR_AFTER_READINGS,
        minPoints: config.EARLY_WARNING_MIN_POINTS,
        windowPoints: config.EARLY_WARNING_WINDOW_POINTS,
      },
    },
    // Hourly series keep their own shorter counts (a day's window, 12 values before a forecast, 3 calm hours to clear).
    '2061': { stepMs: 3_600_000, policy: { ...DEFAULT_HOURLY_EARLY_WARNING_POLICY, ...settings, horizonSteps: config.EARLY_WARNING_HOUR_HORIZON_H } },
  };
}

export function earlyWarningRules(config: EarlyWarningSettings): ClassificationRules {
  return {
    waterSourceRadiusM: config.EARLY_WARNING_WATER_SOURCE_RADIUS_M,
    toxicGasRadiusM: config.EARLY_WARNING_TOXIC_GAS_RADIUS_M,
    riverClass: config.EARLY_WARNING_RIVER_CLASS as ClassificationRules['riverClass'],
  };
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

/** The development key of the incident timeline: published here, so it is refused outside development and tests. */
const DEV_INCIDENT_CHAIN_KEY = 'ecogrid-development-incident-timeline-key';

/** The key new timeline rows are sealed with: INCIDENT_CHAIN_KEY, or the development key where NODE_ENV allows it. */
export function incidentChainKeyOf(config: Pick<EmergencyConfig, 'INCIDENT_CHAIN_KEY' | 'INCIDENT_CHAIN_KEY_ID' | 'NODE_ENV'>): { id: string; secret: string } {
  if (config.INCIDENT_CHAIN_KEY) return { id: config.INCIDENT_CHAIN_KEY_ID, secret: config.INCIDENT_CHAIN_KEY };
  if (config.NODE_ENV === 'development' || config.NODE_ENV === 'test') return { id: 'dev', secret: DEV_INCIDENT_CHAIN_KEY };
  throw new Error('invalid configuration: INCIDENT_CHAIN_KEY is required outside development and tests');
}
