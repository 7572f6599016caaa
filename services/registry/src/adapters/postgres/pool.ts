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
  // A connection lost between queries makes pg emit 'error' on a checked-out client (fatal without a
  // listener); the next query rejects anyway, so the error surfaces there.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = !(await client.query('ROLLBACK').then(
      () => true,
      () => false,
    ));
    throw error;
  } finally {
    client.removeListener('error', ignore);
    // A connection that cannot even roll back is broken: it must not go back to the pool.
    client.release(broken);
  }
}
