/**
 * `pnpm token --role dispatcher [--sub name] [--officer-id O-001] [--township 140802001] [--ttl 43200]`
 * prints a development bearer token signed with DISPATCH_TOKEN_SECRET (or the marked dev default).
 * `pnpm token --open311-partner 12369-hotline` creates an Open311 api_key for a partner (stored hashed in
 * DATABASE_URL's DISPATCH_SCHEMA) and prints it once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createBearerTokens } from '../adapters/auth/bearer-tokens';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createPgApiKeyStore } from '../adapters/postgres/pg-case-store';
import { migrateDispatchSchema } from '../adapters/postgres/dispatch-schema';
import { DEV_OPEN311_API_KEY, DEV_TOKEN_SECRET, loadMigrationConfig } from '../config';

const ROLES = ['dispatcher', 'supervisor', 'officer', 'analyst'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      'officer-id': { type: 'string' },
      township: { type: 'string' },
      ttl: { type: 'string', default: '43200' },
      'open311-partner': { type: 'string' },
    },
  });
  if (values['open311-partner']) {
    if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set (source deploy/local/env.sh)');
    const config = loadMigrationConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
    const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
    const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.DISPATCH_SCHEMA, applicationName: 'ecogrid-dispatch-token', max: 1, logger });
    try {
      await migrateDispatchSchema({ pool, schema: config.DISPATCH_SCHEMA, logger });
      const apiKey = `o311_${randomBytes(32).toString('base64url')}`;
      await createPgApiKeyStore(pool).register(apiKey, values['open311-partner']);
      process.stdout.write(`${apiKey}\n`);
      process.stderr.write(`Open311 api_key for partner "${values['open311-partner']}" (only its SHA-256 is stored; this is the only time it is shown)\n`);
    } finally {
      await pool.end();
    }
    return;
  }
  const role = values.role;
  if (!role || !(ROLES as readonly string[]).includes(role)) {
    throw new Error(`--role is one of ${ROLES.join(', ')}`);
  }
  if (role === 'officer' && !values['officer-id']) throw new Error('an officer token needs --officer-id');
  const secret = process.env.DISPATCH_TOKEN_SECRET ?? DEV_TOKEN_SECRET;
  const token = await createBearerTokens(secret).mint(
    {
      sub: values.sub ?? `${role}@dev`,
      role: role as (typeof ROLES)[number],
      ...(values['officer-id'] ? { officer_id: values['officer-id'] } : {}),
      ...(values.township ? { township_code: values.township } : {}),
    },
    Number(values.ttl),
  );
  process.stdout.write(`${token}\n`);
  if (secret === DEV_TOKEN_SECRET) {
    process.stderr.write(`signed with the DEVELOPMENT secret; the dev Open311 api_key is "${DEV_OPEN311_API_KEY}" (seeded when NODE_ENV is not production)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
