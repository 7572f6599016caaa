import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { baseConfig, booleanFlag, consumerGroupName, hostPort, parseConfig, schemaName } from '@ecogrid/service-kit';
import { staffAuthSettings } from '@ecogrid/staff-auth';
import { DEFAULT_RULESET } from './domain/rules/default-ruleset';
import { parseRuleset, type Ruleset } from './domain/rules/ruleset';

const schema = baseConfig({ service: 'alerting', adminAddress: '127.0.0.1:8092' }).extend({
  DATABASE_URL: z.string().min(1),
  /** PostgreSQL schema of alerting's tables; tests pass a fresh one. */
  ALERTING_SCHEMA: schemaName.default('alerting'),
  /** Consumer group of the readings consumer; defaults to `<TOPIC_PREFIX>alerting.readings`. */
  CONSUMER_GROUP: z.string().optional(),
  /** Where a new group starts: false (latest) in production, where history would replay old alerts. */
  READINGS_FROM_BEGINNING: booleanFlag.default(false),
  PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50055'),
  /** JSON file with a ruleset to use instead of the built-in default (src/domain/rules/default-ruleset.ts). */
  ALERT_RULESET: z.string().optional(),
  /** How often the clock-driven rules run (offline devices, closing hours of real-time station data). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * Longest evaluated readings may go without a checkpoint in PostgreSQL; the events of a batch that raises or
   * changes an alert are written at once. After a crash up to this much is evaluated again (to the same events).
   */
  CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Outbox poll when nothing signalled new rows (other instances' rows, rows left by a crash). */
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(64).default(6),
  ...staffAuthSettings,
});

export type AlertingConfig = z.infer<typeof schema> & { consumerGroup: string };

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AlertingConfig {
  const config = parseConfig(schema, env);
  return { ...config, consumerGroup: config.CONSUMER_GROUP ?? consumerGroupName(config.TOPIC_PREFIX, 'alerting', 'readings') };
}

/** The ruleset named by ALERT_RULESET, else the built-in default; invalid rules stop the start. */
export function loadRuleset(path: string | undefined): Ruleset {
  if (!path) return parseRuleset(DEFAULT_RULESET);
  return parseRuleset(JSON.parse(readFileSync(path, 'utf8')));
}
