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
  /**
   * Key-encryption keys that wrap devices' SM4 keys, `id:key,…` (64 hex digits or base64 of 32 bytes; the first
   * wraps, all unwrap), or a secret file in that format. Without either no device can be given an SM4 key.
   */
  DEVICE_KEY_KEKS: z.string().optional(),
  DEVICE_KEY_KEKS_FILE: z.string().optional(),
  /** How long the key a confirmed 1014 rotation replaced stays on the device's record as its previous key. */
  SM4_KEY_GRACE_MS: z.coerce.number().int().min(0).default(600_000),
  ...staffAuthSettings,
});

export type RegistryConfig = z.infer<typeof schema>;

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return parseConfig(schema, env);
}
