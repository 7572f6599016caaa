import { z } from 'zod';
import { baseConfig, hostPort, parseConfig, schemaName } from '@ecogrid/service-kit';
import { staffAuthSettings } from '@ecogrid/staff-auth';

const schema = baseConfig({ service: 'registry', adminAddress: '127.0.0.1:8091' }).extend({
  DATABASE_URL: z.string().url(),
  /** PostgreSQL schema of the registry's tables; tests use a schema of their own. */
  REGISTRY_SCHEMA: schemaName.default('registry'),
  GRPC_ADDRESS: hostPort.default('127.0.0.1:50051'),
  /** Imported at start-up, idempotently: `yanhu` (the demo dataset) or a directory with the same files. */
  SEED_DATASET: z.string().optional(),
  /** Longest wait of the outbox relay when no notification arrives. */
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(500),
  ...staffAuthSettings,
});

export type RegistryConfig = z.infer<typeof schema>;

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return parseConfig(schema, env);
}
