import { Pool, type PoolClient } from 'pg';

/** A pool whose sessions use the registry schema first, then public (PostGIS). */
export function createPool(databaseUrl: string, schema: string, max = 10): Pool {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`REGISTRY_SCHEMA ${schema} is not a plain lower-case identifier`);
  const url = new URL(databaseUrl);
  // The schema comes from config, not from the URL, so tests can point one database at many schemas.
  url.searchParams.delete('options');
  return new Pool({ connectionString: url.toString(), max, options: `-c search_path=${schema},public`, application_name: 'ecogrid-registry' });
}

/** Runs `work` in a transaction, rolling back on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
