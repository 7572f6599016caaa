import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { repositoryRoot, testEnvironment } from '@ecogrid/testkit';

/** The URL of the same database as a service's own role. */
function asRole(databaseUrl: string, role: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = '';
  return url.toString();
}

/** PostgreSQL's answer to a statement: 'ok', or its SQLSTATE. */
async function attempt(client: Client, sql: string): Promise<string> {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  } finally {
    await client.query('ROLLBACK');
  }
}

/**
 * Least privilege in the local deployment (deploy/local/service-roles.sql, applied by `pnpm start` and CI): a
 * service's role works in its own schema, uses PostGIS, and can neither read another service's schema nor create
 * objects in public.
 */
describe('a PostgreSQL role per service', () => {
  let admin: Client;
  let alerting: Client;

  beforeAll(async () => {
    const { databaseUrl } = await testEnvironment();
    admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(readFileSync(resolve(repositoryRoot(), 'deploy/local/service-roles.sql'), 'utf8'));
    alerting = new Client({ connectionString: asRole(databaseUrl, 'ecogrid_alerting') });
    await alerting.connect();
  });

  afterAll(async () => {
    await alerting?.end();
    await admin?.end();
  });

  it('lets a service create and use tables in its own schema and use PostGIS', async () => {
    expect(await attempt(alerting, 'CREATE TABLE alerting.role_probe (id int); INSERT INTO alerting.role_probe VALUES (1); SELECT * FROM alerting.role_probe')).toBe('ok');
    expect(await attempt(alerting, "SELECT public.ST_AsText(public.ST_MakePoint(111.0, 35.0))")).toBe('ok');
  });

  it("refuses another service's schema and public, and no service is a superuser", async () => {
    const denied = '42501';
    expect(await attempt(alerting, 'CREATE TABLE registry.role_probe (id int)')).toBe(denied);
    expect(await attempt(alerting, 'CREATE TABLE dispatch.role_probe (id int)')).toBe(denied);
    expect(await attempt(alerting, 'CREATE TABLE public.role_probe (id int)')).toBe(denied);
    await admin.query('CREATE TABLE IF NOT EXISTS registry.role_probe_target (id int)');
    try {
      expect(await attempt(alerting, 'SELECT * FROM registry.role_probe_target')).toBe(denied);
    } finally {
      await admin.query('DROP TABLE IF EXISTS registry.role_probe_target');
    }
    const { rows } = await admin.query<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname LIKE 'ecogrid\\_%' ORDER BY rolname",
    );
    expect(rows.map((row) => row.rolname)).toEqual(['ecogrid_alerting', 'ecogrid_console', 'ecogrid_credit', 'ecogrid_dispatch', 'ecogrid_emergency', 'ecogrid_ingest', 'ecogrid_registry', 'ecogrid_sharing']);
    expect(rows.filter((row) => row.rolsuper || row.rolcreaterole || row.rolcreatedb)).toEqual([]);
  });
});
