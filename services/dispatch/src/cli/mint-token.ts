/**
 * `pnpm run token --role dispatcher [--sub name] [--officer-id GO-YH0001] [--township 140802001] [--ttl 28800]`
 * prints a staff bearer token signed with STAFF_TOKEN_SECRET (the published development secret when unset, which
 * only services in development or test accept). Lifetime: 8 h unless asked, at most 24 h; every token gets a `jti`.
 * An officer id is looked up in the registry (REGISTRY_GRPC_ADDRESS) first: unknown or inactive → no token; a
 * supervisor's township defaults to the registry's and must match it.
 * `pnpm run token --open311-partner 12369-hotline` creates an Open311 api_key for a partner (stored hashed in
 * DATABASE_URL's DISPATCH_SCHEMA) and prints it once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createServicePool } from '@ecogrid/postgres';
import { createTokenMinter, DEFAULT_TTL_SECONDS, DEV_STAFF_TOKEN_SECRET, isStaffRole, MAX_TTL_SECONDS, ROLES_NEEDING_OFFICER, STAFF_ROLES, type StaffClaims } from '@ecogrid/staff-auth';
import { createLogger } from '@ecogrid/telemetry';
import { createPgApiKeyStore } from '../adapters/postgres/pg-case-store';
import { migrateDispatchSchema } from '../adapters/postgres/dispatch-schema';
import { lookUpOfficer, type RegisteredOfficer } from '../adapters/registry/registry-officer-lookup';
import { DEV_OPEN311_API_KEY, loadMigrationConfig } from '../config';

/** Which registry officer roles may hold a token of a staff role that names an officer. */
const OFFICER_ROLES_FOR: Record<string, ReadonlyArray<RegisteredOfficer['role']>> = {
  officer: ['grid_officer'],
  supervisor: ['supervisor'],
};

async function mintOpen311Key(partner: string): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set (source deploy/local/env.sh)');
  const config = loadMigrationConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.DISPATCH_SCHEMA, applicationName: 'ecogrid-dispatch-token', max: 1, logger });
  try {
    await migrateDispatchSchema({ pool, schema: config.DISPATCH_SCHEMA, logger });
    const apiKey = `o311_${randomBytes(32).toString('base64url')}`;
    await createPgApiKeyStore(pool).register(apiKey, partner);
    process.stdout.write(`${apiKey}\n`);
    process.stderr.write(`Open311 api_key for partner "${partner}" (only its SHA-256 is stored; this is the only time it is shown)\n`);
  } finally {
    await pool.end();
  }
}

function ttlOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TTL_SECONDS;
  const ttl = Number(value);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_SECONDS) throw new Error(`--ttl is a whole number of seconds from 1 to ${MAX_TTL_SECONDS} (24 h); asked ${value}`);
  return ttl;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      'officer-id': { type: 'string' },
      township: { type: 'string' },
      ttl: { type: 'string' },
      'open311-partner': { type: 'string' },
    },
  });
  if (values['open311-partner']) return mintOpen311Key(values['open311-partner']);

  const role = values.role;
  if (!isStaffRole(role)) throw new Error(`--role is one of ${STAFF_ROLES.join(', ')}`);
  const ttl = ttlOf(values.ttl);
  const officerId = values['officer-id'];
  if (ROLES_NEEDING_OFFICER.has(role) && !officerId) throw new Error(`a ${role} token needs --officer-id (the officer's id in the registry)`);
  const secret = process.env.STAFF_TOKEN_SECRET ?? DEV_STAFF_TOKEN_SECRET;
  const minter = createTokenMinter({ secret, ...(process.env.STAFF_TOKEN_ISSUER ? { issuer: process.env.STAFF_TOKEN_ISSUER } : {}), ...(process.env.STAFF_TOKEN_AUDIENCE ? { audience: process.env.STAFF_TOKEN_AUDIENCE } : {}) });

  let townshipCode = values.township;
  if (officerId) {
    const address = process.env.REGISTRY_GRPC_ADDRESS ?? '127.0.0.1:50051';
    // The registry's API takes staff tokens too: a one-minute token of this CLI's own, with the same secret.
    const officer = await lookUpOfficer({ address, officerId, token: () => minter.mint({ sub: 'dispatch-token-cli', role: 'dispatcher' }, 60) });
    if (!officer) throw new Error(`officer ${officerId} is not in the registry at ${address}: no token minted`);
    if (!officer.active) throw new Error(`officer ${officerId} is inactive in the registry: no token minted`);
    const fits = OFFICER_ROLES_FOR[role];
    if (fits && !fits.includes(officer.role)) throw new Error(`officer ${officerId} is a ${officer.role} in the registry, not one who may hold a ${role} token`);
    if (role === 'supervisor') {
      if (townshipCode && townshipCode !== officer.townshipCode) throw new Error(`supervisor ${officerId} answers for township ${officer.townshipCode} in the registry, not ${townshipCode}`);
      townshipCode = officer.townshipCode;
    }
  }
  const claims: StaffClaims = {
    sub: values.sub ?? (officerId ? `${role}:${officerId}` : `${role}@dev`),
    role,
    ...(officerId ? { officerId } : {}),
    ...(townshipCode ? { townshipCode } : {}),
  };
  process.stdout.write(`${await minter.mint(claims, ttl)}\n`);
  process.stderr.write(`${role} token, valid ${ttl} s${townshipCode ? `, township ${townshipCode}` : ''}\n`);
  if (secret === DEV_STAFF_TOKEN_SECRET) {
    process.stderr.write(`signed with the published DEVELOPMENT secret (only services with NODE_ENV=development or test accept it); the dev Open311 api_key is "${DEV_OPEN311_API_KEY}"\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
